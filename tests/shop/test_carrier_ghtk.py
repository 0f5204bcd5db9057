"""The GHTK client against a local fake of GHTK's API: quote by names, create, cancel, track, label
PDF, webhooks (form-encoded or JSON); every failure a CarrierError, quickly."""

import json
import time
from dataclasses import replace
from datetime import date, timedelta
from urllib.parse import parse_qsl

import pytest

from shop.delivery.base import (
    CarrierError,
    Parcel,
    ParcelItem,
    Status,
    WebhookMalformed,
    WebhookRejected,
)
from shop.delivery.ghtk import GHTK

from .fake_ghn import BAT_TRANG, HOAN_KIEM, SAI_GON, unused_url
from .fake_ghtk import HOOK, FakeGHTK

PARCEL = Parcel(
    weight_grams=1200,
    value=450_000,
    cod_amount=480_000,
    items=(ParcelItem("Bình gốm men lam", 2, 500),),
    reference="DHABCDEFGH23-2",
)
# The callback of GHTK's documentation, byte for byte ("+07:00" unescaped).
DOCUMENTED_CALLBACK = (
    b"label_id=S1.A1.17373471&partner_id=1234567&action_time=2016-11-02T12:18:39+07:00"
    b"&status_id=5&reason_code=&reason=&weight=2.4&fee=1500&return_part_package=0"
)


@pytest.fixture
def hook(settings):
    settings.GHTK_WEBHOOK_HASH = HOOK


def test_quote_sends_the_two_level_address_and_gives_fee_and_days(ghtk):
    quote = GHTK().quote(BAT_TRANG, SAI_GON, PARCEL)
    assert (quote.carrier, quote.fee, quote.days_min, quote.days_max) == ("ghtk", 35000, 3, 5)
    [call] = ghtk.requests
    assert call["query"]["pick_province"] == "Thành phố Hà Nội"
    assert call["query"]["pick_district"] == "Huyện Gia Lâm"
    assert call["query"]["province"] == "Thành phố Hồ Chí Minh"
    assert call["query"]["ward"] == "Phường Sài Gòn" and call["query"]["address"] == "12 Lê Lợi"
    assert call["query"]["weight"] == "1200" and call["query"]["deliver_option"] == "none"
    assert call["headers"]["token"] == FakeGHTK.TOKEN
    assert call["headers"]["x-client-source"] == FakeGHTK.CLIENT_SOURCE


def test_within_a_province_is_cheaper_and_quicker(ghtk):
    quote = GHTK().quote(BAT_TRANG, HOAN_KIEM, PARCEL)
    assert (quote.fee, quote.days_min, quote.days_max) == (27000, 1, 2)


def test_an_address_ghtk_does_not_serve_is_refused(ghtk):
    ghtk.unserved.add("Phường Sài Gòn")
    with pytest.raises(CarrierError, match="GHTK chưa giao hàng tới địa chỉ này") as refused:
        GHTK().quote(BAT_TRANG, SAI_GON, PARCEL)
    assert refused.value.retryable is False


def test_create_gives_label_fee_and_expected_day(ghtk):
    shipment = GHTK().create_shipment(BAT_TRANG, SAI_GON, PARCEL)
    order = ghtk.orders[shipment.tracking_code]
    assert shipment.tracking_code.startswith("S1.A1.") and shipment.carrier == "ghtk"
    assert shipment.fee == order["ship_money"] == 32500  # GHTK weighs the products: 1 kg
    assert shipment.expected_delivery == date.today() + timedelta(days=4)
    sent = order["request"]
    assert sent["products"] == [{"name": "Bình gốm men lam", "weight": 0.5, "quantity": 2}]
    assert sent["order"]["id"] == "DHABCDEFGH23-2" and sent["order"]["pick_money"] == 480_000
    assert sent["order"]["pick_tel"] == "0912345678" and sent["order"]["tel"] == "0987654321"
    assert sent["order"]["ward"] == "Phường Sài Gòn" and sent["order"]["hamlet"] == "Khác"


def test_a_parcel_without_items_is_sent_as_one_product(ghtk):
    shipment = GHTK().create_shipment(BAT_TRANG, SAI_GON, replace(PARCEL, items=()))
    [product] = ghtk.orders[shipment.tracking_code]["request"]["products"]
    assert (product["weight"], product["quantity"]) == (1.2, 1)


def test_refusals_of_an_order_are_final(ghtk):
    GHTK().create_shipment(BAT_TRANG, SAI_GON, PARCEL)
    with pytest.raises(CarrierError, match="đã tồn tại") as duplicate:
        GHTK().create_shipment(BAT_TRANG, SAI_GON, PARCEL)
    no_phone = replace(SAI_GON, phone="")
    with pytest.raises(CarrierError, match="Thiếu thông tin đơn hàng") as incomplete:
        GHTK().create_shipment(BAT_TRANG, no_phone, replace(PARCEL, reference="DH3-1"))
    assert duplicate.value.retryable is False and incomplete.value.retryable is False


def test_cancel_before_pickup_only(ghtk):
    label = GHTK().create_shipment(BAT_TRANG, SAI_GON, PARCEL).tracking_code
    GHTK().cancel(label)
    assert ghtk.orders[label]["status"] == "-1"
    assert ghtk.requests[-1]["path"] == f"/services/shipment/cancel/{label}"
    other = GHTK().create_shipment(BAT_TRANG, SAI_GON, replace(PARCEL, reference="DH4-1"))
    ghtk.advance(other.tracking_code, 3)
    with pytest.raises(CarrierError, match="không thể hủy") as refused:
        GHTK().cancel(other.tracking_code)
    assert refused.value.retryable is False


def test_track_gives_the_current_status(ghtk):
    label = GHTK().create_shipment(BAT_TRANG, SAI_GON, PARCEL).tracking_code
    ghtk.advance(label, 3)
    [event] = GHTK().track(label)
    assert (event.tracking_code, event.status, event.raw_status) == (label, Status.PICKED, "3")
    assert event.client_reference == "DHABCDEFGH23-2" and event.occurred_at.tzinfo
    assert event.note == "Đã lấy hàng/Đã nhập kho" and event.cod_collected is None


def test_label_is_the_pdf(ghtk):
    label = GHTK().create_shipment(BAT_TRANG, SAI_GON, PARCEL).tracking_code
    pdf = GHTK().label(label)
    assert pdf.content_type == "application/pdf" and not pdf.url
    assert pdf.content.startswith(b"%PDF") and label.encode() in pdf.content
    with pytest.raises(CarrierError, match="Không tìm thấy") as unknown:
        GHTK().label("S1.A1.0")
    assert unknown.value.retryable is False


def test_tracking_url():
    assert GHTK().tracking_url("S1.A1.17373471") == "https://i.ghtk.vn/S1.A1.17373471"


def test_a_delivery_webhook_reports_the_cod_and_replays_to_the_same_event(ghtk):
    label = GHTK().create_shipment(BAT_TRANG, SAI_GON, PARCEL).tracking_code
    body = ghtk.advance(label, 5)
    parsed = [GHTK().parse_webhook({}, {"hash": HOOK}, body) for _ in range(5)]
    event = parsed[0][0]
    assert (event.tracking_code, event.status, event.cod_collected) == (label, "delivered", 480_000)
    assert event.client_reference == "DHABCDEFGH23-2" and event.occurred_at.tzinfo
    assert {events[0].event_id for events in parsed} == {event.event_id}
    as_json = dict(parse_qsl(body.decode())) | {"status_id": 5, "pick_money": 480_000}
    [same] = GHTK().parse_webhook({}, {"hash": HOOK}, json.dumps(as_json).encode())
    assert same.event_id == event.event_id and same.cod_collected == 480_000
    [later] = GHTK().parse_webhook({}, {"hash": HOOK}, ghtk.advance(label, 6))
    assert later.event_id != event.event_id and later.status == Status.DELIVERED


def test_the_documented_callback_is_read(hook):
    [event] = GHTK().parse_webhook({}, {"hash": HOOK}, DOCUMENTED_CALLBACK)
    assert (event.tracking_code, event.client_reference) == ("S1.A1.17373471", "1234567")
    assert event.occurred_at.isoformat() == "2016-11-02T12:18:39+07:00"
    assert event.status == Status.DELIVERED and event.cod_collected is None  # no pick_money


@pytest.mark.parametrize(
    "status_id, status",
    [
        (-1, Status.CANCELLED),
        (1, Status.CREATED),
        (12, Status.CREATED),
        (128, Status.CREATED),
        (3, Status.PICKED),
        (123, Status.PICKED),
        (4, Status.IN_TRANSIT),
        (410, Status.IN_TRANSIT),
        (45, Status.DELIVERED),
        (7, Status.FAILED),
        (49, Status.FAILED),
        (20, Status.RETURNING),
        (11, Status.RETURNED),
        (13, Status.RETURNED),
        (21, Status.RETURNED),
    ],
)
def test_webhook_statuses_are_normalised(hook, status_id, status):
    body = DOCUMENTED_CALLBACK.replace(b"status_id=5", f"status_id={status_id}".encode())
    [event] = GHTK().parse_webhook({}, {"hash": HOOK}, body)
    assert event.status == status and event.raw_status == str(status_id)


def test_an_unknown_status_yields_no_event(hook):
    body = DOCUMENTED_CALLBACK.replace(b"status_id=5", b"status_id=999")
    assert GHTK().parse_webhook({}, {"hash": HOOK}, body) == []


def test_a_webhook_without_our_hash_is_rejected(hook, settings):
    for query in ({}, {"hash": ""}, {"hash": "guess"}):
        with pytest.raises(WebhookRejected):
            GHTK().parse_webhook({}, query, DOCUMENTED_CALLBACK)
    settings.GHTK_WEBHOOK_HASH = ""
    with pytest.raises(WebhookRejected):
        GHTK().parse_webhook({}, {"hash": ""}, DOCUMENTED_CALLBACK)


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"{not json",
        b"label_id=S1.A1.1&status_id=5",
        DOCUMENTED_CALLBACK.replace(b"status_id=5", b"status_id=five"),
        DOCUMENTED_CALLBACK.replace(b"2016-11-02T12:18:39", b"hom qua"),
        b'{"label_id": "S1.A1.1", "status_id": 5, "action_time": "2016-11-02", "pick_money": "x"}',
    ],
)
def test_a_malformed_webhook_is_refused(hook, body):
    with pytest.raises(WebhookMalformed):
        GHTK().parse_webhook({}, {"hash": HOOK}, body)


def test_a_slow_ghtk_times_out_quickly(ghtk, settings):
    settings.SHOP_CARRIER_TIMEOUT = 0.3
    ghtk.delay = 2
    started = time.monotonic()
    with pytest.raises(CarrierError, match="quá 0.3 giây") as slow:
        GHTK().quote(BAT_TRANG, SAI_GON, PARCEL)
    assert time.monotonic() - started < 1.5
    assert slow.value.retryable is True


@pytest.mark.parametrize("status", [500, 503])
def test_a_failing_gateway_is_a_retryable_error(ghtk, status):
    ghtk.fail_with = status
    with pytest.raises(CarrierError, match=str(status)) as failed:
        GHTK().track("S1.A1.17373471")
    assert failed.value.retryable is True


def test_a_refused_connection_is_a_retryable_error(ghtk, settings):
    settings.GHTK_API_BASE = unused_url()
    with pytest.raises(CarrierError, match="Không kết nối được tới GHTK") as refused:
        GHTK().track("S1.A1.17373471")
    assert refused.value.retryable is True


def test_a_wrong_token_is_final(ghtk, settings):
    settings.GHTK_API_TOKEN = "wrong-token"
    with pytest.raises(CarrierError, match="Cần cung cấp token hợp lệ") as refused:
        GHTK().quote(BAT_TRANG, SAI_GON, PARCEL)
    assert refused.value.retryable is False


def test_not_configured_without_token_and_no_call_is_made(ghtk, settings):
    assert GHTK().configured()
    settings.GHTK_API_TOKEN = ""
    assert not GHTK().configured()
    with pytest.raises(CarrierError, match="Chưa cấu hình") as missing:
        GHTK().track("S1.A1.17373471")
    assert missing.value.retryable is False and ghtk.requests == []
