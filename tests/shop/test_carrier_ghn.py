"""The GHN client against a local fake of GHN's API: places resolved through master data (cached),
quote, create, cancel, track, label, webhooks; every failure a CarrierError, quickly."""

import json
import time
from dataclasses import replace
from datetime import datetime, timedelta
from urllib.parse import urlsplit

import pytest
import requests
from django.core.cache import cache

from shop.delivery.base import (
    CarrierError,
    Parcel,
    ParcelItem,
    Status,
    WebhookMalformed,
    WebhookRejected,
)
from shop.delivery.ghn import GHN
from shop.delivery.http import VIETNAM

from .fake_ghn import BAT_TRANG, HOAN_KIEM, SAI_GON, FakeGHN, unused_url

PARCEL = Parcel(
    weight_grams=1200,
    value=450_000,
    cod_amount=480_000,
    items=(ParcelItem("Bình gốm men lam", 2, 500),),
    reference="DHABCDEFGH23-1",
)
HOOK = "hook-secret"


@pytest.fixture
def ghn(settings):
    cache.clear()
    fake = FakeGHN().start()
    settings.GHN_API_BASE = fake.api_base
    settings.GHN_API_TOKEN = FakeGHN.TOKEN
    settings.GHN_SHOP_ID = FakeGHN.SHOP_ID
    settings.GHN_WEBHOOK_TOKEN = HOOK
    yield fake
    fake.stop()
    cache.clear()


@pytest.fixture
def hook(settings):
    settings.GHN_WEBHOOK_TOKEN = HOOK


def _today():
    return datetime.now(VIETNAM).date()


def _calls(fake, path):
    return [r for r in fake.requests if r["path"].endswith(path)]


def test_quote_resolves_both_places_and_gives_fee_and_days(ghn):
    quote = GHN().quote(BAT_TRANG, SAI_GON, PARCEL)
    assert (quote.carrier, quote.fee, quote.days_min, quote.days_max) == ("ghn", 42000, 3, 3)
    [fee] = _calls(ghn, "/v2/shipping-order/fee")
    assert fee["json"]["from_district_id"] == 1703 and fee["json"]["from_ward_code"] == "1B2710"
    assert fee["json"]["to_district_id"] == 1442 and fee["json"]["to_ward_code"] == "20109"
    assert fee["json"]["weight"] == 1200 and fee["json"]["cod_value"] == 480_000
    assert fee["headers"]["token"] == FakeGHN.TOKEN and fee["headers"]["shopid"] == "885"


def test_within_a_province_is_cheaper_and_quicker(ghn):
    quote = GHN().quote(BAT_TRANG, HOAN_KIEM, PARCEL)
    assert (quote.fee, quote.days_min) == (26500, 1)


def test_master_data_is_cached(ghn):
    GHN().quote(BAT_TRANG, SAI_GON, PARCEL)
    looked_up = len(_calls(ghn, "/master-data/ward"))
    GHN().quote(BAT_TRANG, SAI_GON, PARCEL)
    assert looked_up == 2 and len(_calls(ghn, "/master-data/ward")) == 2
    assert len(_calls(ghn, "/v2/shipping-order/fee")) == 2


def test_a_new_commune_name_is_accepted_when_ghn_lists_it(ghn):
    renamed = replace(HOAN_KIEM, legacy_commune="")
    GHN().quote(BAT_TRANG, renamed, PARCEL)
    assert _calls(ghn, "/v2/shipping-order/fee")[0]["json"]["to_ward_code"] == "1A0199"


def test_an_unknown_place_is_refused_in_vietnamese(ghn):
    nowhere = replace(SAI_GON, legacy_district="Quận 99")
    with pytest.raises(CarrierError, match="GHN chưa có địa chỉ này") as refused:
        GHN().quote(BAT_TRANG, nowhere, PARCEL)
    assert refused.value.retryable is False
    assert not _calls(ghn, "/v2/shipping-order/fee")


def test_create_gives_tracking_code_fee_and_expected_day(ghn):
    shipment = GHN().create_shipment(BAT_TRANG, SAI_GON, PARCEL)
    order = ghn.orders[shipment.tracking_code]
    assert (shipment.carrier, shipment.fee) == ("ghn", 42000)
    assert shipment.expected_delivery == _today() + timedelta(days=3)
    sent = order["request"]
    assert sent["client_order_code"] == "DHABCDEFGH23-1" and sent["cod_amount"] == 480_000
    assert sent["required_note"] == "CHOXEMHANGKHONGTHU" and sent["to_name"] == "Nguyễn Văn An"
    assert (
        sent["from_district_name"] == "Huyện Gia Lâm" and sent["from_ward_name"] == "Xã Bát Tràng"
    )
    assert sent["items"] == [{"name": "Bình gốm men lam", "quantity": 2, "weight": 500}]


def test_the_same_reference_twice_is_refused(ghn):
    GHN().create_shipment(BAT_TRANG, SAI_GON, PARCEL)
    with pytest.raises(CarrierError, match="Client_order_code đã tồn tại") as refused:
        GHN().create_shipment(BAT_TRANG, SAI_GON, PARCEL)
    assert refused.value.retryable is False


def test_cancel_before_pickup_only(ghn):
    code = GHN().create_shipment(BAT_TRANG, SAI_GON, PARCEL).tracking_code
    GHN().cancel(code)
    assert ghn.orders[code]["status"] == "cancel"
    other = (
        GHN()
        .create_shipment(BAT_TRANG, SAI_GON, Parcel(weight_grams=500, value=1, reference="DH2-1"))
        .tracking_code
    )
    ghn.advance(other, "picked")
    with pytest.raises(CarrierError, match="không hủy được") as refused:
        GHN().cancel(other)
    assert refused.value.retryable is False


def test_track_returns_the_history_with_normalised_statuses(ghn):
    code = GHN().create_shipment(BAT_TRANG, SAI_GON, PARCEL).tracking_code
    ghn.advance(code, "picked")
    ghn.advance(code, "delivering")
    events = GHN().track(code)
    assert [e.status for e in events] == [Status.CREATED, Status.PICKED, Status.IN_TRANSIT]
    assert [e.raw_status for e in events] == ["ready_to_pick", "picked", "delivering"]
    assert {e.client_reference for e in events} == {"DHABCDEFGH23-1"}
    assert all(e.occurred_at.tzinfo for e in events)
    assert len({e.event_id for e in events}) == 3


def test_label_is_a_fresh_link_to_ghn_print_page(ghn):
    code = GHN().create_shipment(BAT_TRANG, SAI_GON, PARCEL).tracking_code
    label = GHN().label(code)
    url = urlsplit(label.url)
    assert label.content_type == "text/uri-list" and not label.content
    assert f"{url.scheme}://{url.netloc}" == ghn.url and url.path == "/a5/public-api/printA5"
    page = requests.get(label.url, timeout=3)
    assert page.status_code == 200 and code in page.text


def test_tracking_url():
    assert GHN().tracking_url("LABC123") == "https://donhang.ghn.vn/?order_code=LABC123"


def test_a_delivery_webhook_reports_the_cod_and_replays_to_the_same_event(ghn):
    code = GHN().create_shipment(BAT_TRANG, SAI_GON, PARCEL).tracking_code
    body = ghn.advance(code, "delivered")
    events = [GHN().parse_webhook({}, {"token": HOOK}, body) for _ in range(5)]
    assert all(len(parsed) == 1 for parsed in events)
    event = events[0][0]
    assert (event.tracking_code, event.status, event.cod_collected) == (code, "delivered", 480_000)
    assert event.client_reference == "DHABCDEFGH23-1" and event.occurred_at.tzinfo
    assert {parsed[0].event_id for parsed in events} == {event.event_id}
    fee_update = json.loads(body) | {"Type": "update_fee"}
    [other] = GHN().parse_webhook({}, {"token": HOOK}, json.dumps(fee_update).encode())
    assert other.event_id != event.event_id


@pytest.mark.parametrize(
    "raw, status",
    [
        ("ready_to_pick", Status.CREATED),
        ("money_collect_picking", Status.CREATED),
        ("storing", Status.PICKED),
        ("sorting", Status.IN_TRANSIT),
        ("money_collect_delivering", Status.IN_TRANSIT),
        ("delivered", Status.DELIVERED),
        ("delivery_fail", Status.FAILED),
        ("lost", Status.FAILED),
        ("waiting_to_return", Status.RETURNING),
        ("return_sorting", Status.RETURNING),
        ("returned", Status.RETURNED),
        ("cancel", Status.CANCELLED),
    ],
)
def test_webhook_statuses_are_normalised(hook, raw, status):
    body = {"OrderCode": "LABC123", "Status": raw, "Time": "2025-08-01T03:52:50.158Z"}
    [event] = GHN().parse_webhook({}, {"token": HOOK}, json.dumps(body).encode())
    assert event.status == status and event.raw_status == raw
    assert event.cod_collected is None


def test_an_unknown_status_yields_no_event(hook):
    body = {"OrderCode": "LABC123", "Status": "teleported", "Time": "2025-08-01T03:52:50Z"}
    assert GHN().parse_webhook({}, {"token": HOOK}, json.dumps(body).encode()) == []


def test_a_webhook_without_our_token_is_rejected(hook, settings):
    body = json.dumps({"OrderCode": "L1", "Status": "picked", "Time": "2025-08-01T03:52:50Z"})
    for query in ({}, {"token": ""}, {"token": "guess"}):
        with pytest.raises(WebhookRejected):
            GHN().parse_webhook({}, query, body.encode())
    settings.GHN_WEBHOOK_TOKEN = ""
    with pytest.raises(WebhookRejected):
        GHN().parse_webhook({}, {"token": ""}, body.encode())


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"not json",
        b"[]",
        b'{"OrderCode": "L1", "Time": "2025-08-01T03:52:50Z"}',
        b'{"OrderCode": "L1", "Status": "picked", "Time": "yesterday"}',
        b'{"OrderCode": "L1", "Status": "delivered", "Time": "2025-08-01", "CODAmount": "x"}',
    ],
)
def test_a_malformed_webhook_is_refused(hook, body):
    with pytest.raises(WebhookMalformed):
        GHN().parse_webhook({}, {"token": HOOK}, body)


def test_a_slow_ghn_times_out_quickly(ghn, settings):
    settings.SHOP_CARRIER_TIMEOUT = 0.3
    ghn.delay = 2
    started = time.monotonic()
    with pytest.raises(CarrierError, match="quá 0.3 giây") as slow:
        GHN().track("LABC123")
    assert time.monotonic() - started < 1.5
    assert slow.value.retryable is True


@pytest.mark.parametrize("status", [500, 502])
def test_a_failing_gateway_is_a_retryable_error(ghn, status):
    ghn.fail_with = status
    with pytest.raises(CarrierError, match=str(status)) as failed:
        GHN().quote(BAT_TRANG, SAI_GON, PARCEL)
    assert failed.value.retryable is True


def test_an_answer_that_is_not_json_is_a_retryable_error(ghn):
    ghn.fail_with = 200
    with pytest.raises(CarrierError, match="không đúng định dạng") as unreadable:
        GHN().track("LABC123")
    assert unreadable.value.retryable is True


def test_a_refused_connection_is_a_retryable_error(ghn, settings):
    settings.GHN_API_BASE = unused_url() + "/shiip/public-api"
    with pytest.raises(CarrierError, match="Không kết nối được tới GHN") as refused:
        GHN().track("LABC123")
    assert refused.value.retryable is True


def test_a_wrong_token_is_final(ghn, settings):
    settings.GHN_API_TOKEN = "wrong-token"
    with pytest.raises(CarrierError, match="Token is not valid") as refused:
        GHN().quote(BAT_TRANG, SAI_GON, PARCEL)
    assert refused.value.retryable is False


def test_not_configured_without_token_and_no_call_is_made(ghn, settings):
    assert GHN().configured()
    settings.GHN_API_TOKEN = ""
    assert not GHN().configured()
    with pytest.raises(CarrierError, match="Chưa cấu hình") as missing:
        GHN().track("LABC123")
    assert missing.value.retryable is False and ghn.requests == []
