"""Buyers' data rights (shop/privacy.py and /tai-khoan/du-lieu/): the export holds the buyer's
own orders (lines, parts, returns), cart, reviews and requests and nothing of anyone else;
erasure anonymises orders but keeps their amounts and the ledger, deletes the account, cart and
return photos, keeps a DataRequest, and is refused while something is still open; guests do
the same for one order with its reference and phone."""

import json

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.db.models import Count, Sum
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from shop import ledger, orders, privacy
from shop.checkout import place_order
from shop.models import (
    CartLine,
    DataRequest,
    LedgerEntry,
    Order,
    OrderShipment,
    ReturnPhoto,
    ReturnRequest,
    Review,
)

from .conftest import address
from .test_admin import client_for, make_user
from .test_returns import ask

pytestmark = pytest.mark.django_db
User = get_user_model()
P = OrderShipment.Status
PASSWORD = "Lua-nep-cai-hoa-vang-2025"
DATA = reverse("account:data")

MAI = dict(
    recipient="Trần Thị Mai",
    phone="0912345678",
    email="mai@example.vn",
    street="Số 7 ngõ Hoa Sữa",
    note="Gọi trước khi giao",
)
BINH = dict(
    recipient="Hoàng Văn Bình",
    phone="0987654321",
    email="binh@example.vn",
    street="Thôn Đoài, đường Lạc Long Quân",
    note="Để hàng ở cổng",
)
INVOICE = {
    "invoice_company": "Hợp tác xã Hoa Sữa",
    "invoice_tax_code": "0101234567",
    "invoice_address": "Số 7 ngõ Hoa Sữa, Hà Nội",
    "invoice_email": "ketoan@hoasua.vn",
}


def placed(variant, *, user=None, deliver=True, quantity=3, invoice=None, **who):
    """An order placed through checkout (COD), delivered and its cash collected by default."""
    order = place_order(
        items={variant.sku: quantity},
        address=address(**who),
        shipping={variant.page.producer_id: "delivery"},
        payment_method="cod",
        user=user,
        invoice=invoice,
    )
    if deliver:
        part = order.shipments.get()
        orders.mark_cod_collected(part)
        orders.set_shipment_status(part, P.DELIVERED)
    order.refresh_from_db()
    return order


def review_of(order, user, text="Gốm men lam rất đẹp, đóng gói cẩn thận.", author="Mai T."):
    """Reviews are made by shop/reviews.py; here one is written directly (the model is enough)."""
    line = order.lines.first()
    return Review.objects.create(
        line=line,
        product_id=line.product_id or 0,
        producer_id=line.shipment.producer_id,
        user=user,
        author_name=author,
        rating=5,
        text=text,
        status=Review.Status.PUBLISHED,
    )


def close(case):
    ReturnRequest.objects.filter(pk=case.pk).update(status=ReturnRequest.Status.REJECTED)


def make_buyer(email, name):
    return User.objects.create_user(email, email=email, password=PASSWORD, first_name=name)


@pytest.fixture
def buyers(two_variants):
    """Mai: a delivered order with an invoice, a return (with a photo), a review and a saved
    cart. Bình: the same kinds of data, which must never appear in Mai's export."""
    a, b = two_variants
    mai = make_buyer("mai@example.vn", "Trần Thị Mai")
    binh = make_buyer("binh@example.vn", "Hoàng Văn Bình")
    mai_order = placed(a, user=mai, invoice=INVOICE, **MAI)
    case = ask(mai_order, mai_order.shipments.get(), user=mai)
    review_of(mai_order, mai)
    CartLine.objects.create(user=mai, sku=b.sku, quantity=2)
    binh_order = placed(b, user=binh, **BINH)
    ask(binh_order, binh_order.shipments.get(), details="Hộp của Bình bị móp một góc.")
    review_of(binh_order, binh, text="Bình thấy chè ngon.", author="Bình H.")
    CartLine.objects.create(user=binh, sku=a.sku, quantity=1)
    return mai, binh, mai_order, binh_order, case


def ledger_snapshot():
    rows = LedgerEntry.objects.values("account").annotate(s=Sum("amount"), n=Count("pk"))
    return {r["account"]: (r["s"], r["n"]) for r in rows}


# --- the copy -------------------------------------------------------------------------------


def test_export_holds_the_buyers_orders_and_nothing_of_another(buyers):
    mai, binh, mai_order, binh_order, case = buyers
    data = privacy.export_user_data(mai)
    text = json.dumps(data, ensure_ascii=False)
    assert data["format_version"] == privacy.FORMAT_VERSION and data["generated_at"]
    assert data["account"] == {
        "username": "mai@example.vn",
        "email": "mai@example.vn",
        "name": "Trần Thị Mai",
        "date_joined": mai.date_joined.isoformat(),
        "last_login": None,
    }
    [order] = data["orders"]
    assert order["reference"] == mai_order.reference
    assert (order["recipient"], order["phone"], order["email"]) == (
        "Trần Thị Mai",
        "0912345678",
        "mai@example.vn",
    )
    assert order["address"]["street"] == "Số 7 ngõ Hoa Sữa"
    assert order["address"]["commune"] == str(mai_order.commune)
    assert order["address"]["province"] == mai_order.province
    assert order["note"] == "Gọi trước khi giao"
    assert order["invoice"]["tax_code"] == "0101234567"
    assert order["payment_method"]["code"] == "cod"
    assert order["status"]["code"] == "delivered"
    assert order["total"] == mai_order.total and order["subtotal"] == mai_order.subtotal
    assert order["terms_accepted_at"] and order["data_consent_at"]
    [part] = order["parts"]
    shipment = mai_order.shipments.get()
    assert part["producer"] == shipment.producer_title
    assert part["method"]["code"] == "delivery" and part["fee"] == shipment.fee
    assert part["status"]["code"] == "delivered"
    line = shipment.lines.get()
    assert part["lines"] == [
        {
            "title": line.title,
            "variant": line.variant_label,
            "sku": line.sku,
            "unit_price": line.unit_price,
            "quantity": 3,
            "line_total": line.line_total,
        }
    ]
    [returned] = order["returns"]
    assert returned["details"] == case.details and returned["reason"]["code"] == "damaged"
    assert returned["events"] and returned["events"][0]["by"] == "Người mua"
    photo = ReturnPhoto.objects.get(request=case)
    assert returned["photos"] == [photo.file.name.rsplit("/", 1)[-1]]
    assert "returns/" not in text  # file names only, never storage paths
    [review] = data["reviews"]
    assert review["text"] == "Gốm men lam rất đẹp, đóng gói cẩn thận."
    assert review["order"] == mai_order.reference and review["rating"] == 5
    assert data["cart"] == [
        {
            "sku": CartLine.objects.get(user=mai).sku,
            "quantity": 2,
            "updated_at": data["cart"][0]["updated_at"],
        }
    ]
    for other in (
        binh_order.reference,
        "0987654321",
        "Hoàng Văn Bình",
        "binh@example.vn",
        "Thôn Đoài",
        "Để hàng ở cổng",
        "Hộp của Bình",
        "Bình thấy chè ngon",
        "Bình H.",
    ):
        assert other not in text, other
    # The export itself is recorded, and shows up in the next copy.
    assert DataRequest.objects.filter(
        user=mai, kind=DataRequest.Kind.EXPORT, status=DataRequest.Status.DONE
    ).exists()
    again = privacy.export_user_data(mai, record=False)
    assert [r["kind"]["code"] for r in again["data_requests"]] == ["export"]


def test_logged_in_buyer_downloads_json(buyers):
    mai, binh, mai_order, binh_order, _case = buyers
    client = client_for(mai)
    page = client.get(DATA)
    html = page.content.decode()
    assert "Tải dữ liệu (JSON)" in html and "Xóa tài khoản" in html and "10 năm" in html
    response = client.post(DATA, {"action": "export"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    today = timezone.localdate().isoformat()
    assert response["Content-Disposition"] == f'attachment; filename="du-lieu-{today}.json"'
    assert "no-store" in response["Cache-Control"]
    assert "Trần Thị Mai".encode() in response.content  # readable Vietnamese, not \\u escapes
    data = json.loads(response.content)
    assert [o["reference"] for o in data["orders"]] == [mai_order.reference]
    assert binh_order.reference.encode() not in response.content


def test_data_actions_need_csrf(buyers):
    mai = buyers[0]
    client = Client(enforce_csrf_checks=True)
    client.force_login(mai)
    assert client.post(DATA, {"action": "export"}).status_code == 403
    guest = Client(enforce_csrf_checks=True)
    ref = buyers[2].reference
    assert guest.post(DATA, {"reference": ref, "phone": "0912345678"}).status_code == 403


def test_guest_exports_one_order_by_reference_and_phone(two_variants):
    a, b = two_variants
    mine = placed(a, **MAI)
    other = placed(b, **BINH)
    response = Client().post(
        DATA, {"reference": mine.reference.lower(), "phone": "+84 912.345.678", "action": "export"}
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="du-lieu-')
    data = json.loads(response.content)
    assert [o["reference"] for o in data["orders"]] == [mine.reference]
    assert data["orders"][0]["recipient"] == "Trần Thị Mai"
    assert "account" not in data
    assert other.reference.encode() not in response.content
    assert "Hoàng Văn Bình".encode() not in response.content
    assert DataRequest.objects.filter(
        kind=DataRequest.Kind.EXPORT, reference=mine.reference, user=None
    ).exists()


def test_guest_wrong_phone_or_reference_reveals_nothing(two_variants):
    order = placed(two_variants[0], **MAI)
    client = Client()
    wrong_phone = client.post(
        DATA, {"reference": order.reference, "phone": "0987654321", "action": "export"}
    )
    unknown = client.post(
        DATA, {"reference": "DHZZZZZZZZZZ", "phone": "0912345678", "action": "export"}
    )
    for response in (wrong_phone, unknown):
        assert response.status_code == 200
        assert response["Content-Type"].startswith("text/html")
        html = response.content.decode()
        assert "Không tìm thấy đơn hàng với mã và số điện thoại này." in html
        assert "Trần Thị Mai" not in html and "Số 7 ngõ Hoa Sữa" not in html
    assert (
        wrong_phone.context["form"].non_field_errors() == unknown.context["form"].non_field_errors()
    )
    assert not DataRequest.objects.exists()
    Order.objects.get(pk=order.pk)  # untouched
    bad = client.post(DATA, {"reference": order.reference, "phone": "12", "action": "export"})
    assert bad.context["form"].errors["phone"]


def test_the_order_page_links_to_the_data_page(two_variants):
    order = placed(two_variants[0], deliver=False, **MAI)
    html = Client().get(order.signed_url()).content.decode()
    assert f'href="{DATA}"' in html and "Dữ liệu cá nhân của bạn" in html


# --- erasure --------------------------------------------------------------------------------


def test_erasure_anonymises_orders_keeps_accounts_and_deletes_the_account(
    buyers, django_capture_on_commit_callbacks
):
    mai, binh, mai_order, binh_order, case = buyers
    close(case)
    before = Order.objects.get(pk=mai_order.pk)
    lines_before = list(before.lines.values_list("sku", "title", "unit_price", "quantity"))
    parts_before = list(before.shipments.values_list("producer_id", "fee", "status"))
    history_before = before.history.count()
    producer_id = before.shipments.get().producer_id
    owed_before = ledger.owed_to_producer(producer_id)
    books_before = ledger_snapshot()
    photo = ReturnPhoto.objects.get(request=case)
    storage, photo_name = photo.file.storage, photo.file.name
    assert storage.exists(photo_name)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        result = privacy.erase_user(mai, by=mai)

    assert result.status == DataRequest.Status.DONE and result.kind == DataRequest.Kind.DELETE
    kept = DataRequest.objects.get(pk=result.pk)
    assert kept.completed_at and kept.user is None and mai_order.reference in kept.note
    # The account and its cart are gone.
    assert not User.objects.filter(pk=mai.pk).exists()
    assert not CartLine.objects.filter(user_id=mai.pk).exists()
    # The order is kept, anonymised, and still a valid row.
    order = Order.objects.get(pk=mai_order.pk)
    assert order.recipient == "Đã ẩn danh"
    assert order.phone not in ("", "0912345678") and order.email == ""
    assert order.street != "Số 7 ngõ Hoa Sữa" and order.note == ""
    assert (
        order.invoice_company,
        order.invoice_tax_code,
        order.invoice_address,
        order.invoice_email,
    ) == ("", "", "", "")
    assert order.user is None and order.anonymised_at is not None
    order.full_clean()
    assert (order.subtotal, order.shipping_total, order.total, order.status) == (
        before.subtotal,
        before.shipping_total,
        before.total,
        before.status,
    )
    assert (order.commune_id, order.province, order.paid_at) == (
        before.commune_id,
        before.province,
        before.paid_at,
    )
    assert list(order.lines.values_list("sku", "title", "unit_price", "quantity")) == lines_before
    assert list(order.shipments.values_list("producer_id", "fee", "status")) == parts_before
    assert order.history.count() == history_before
    # The books are untouched.
    assert ledger.owed_to_producer(producer_id) == owed_before
    assert ledger_snapshot() == books_before
    # The return keeps its facts but loses its description and photos (rows and files).
    case.refresh_from_db()
    assert case.details == privacy.ERASED_DETAILS
    assert not ReturnPhoto.objects.filter(request=case).exists()
    assert not storage.exists(photo_name)
    # The review stays, anonymised.
    review = Review.objects.get(line__order=order)
    assert review.author_name == "Người mua đã ẩn danh" and review.user is None
    assert review.text == "Gốm men lam rất đẹp, đóng gói cẩn thận."
    # A confirmation went to the address, sent before it was erased.
    [message] = mail.outbox
    assert message.to == ["mai@example.vn"] and "đã được xóa" in message.subject
    # Nobody can find the order by its old phone any more.
    tracked = Client().post(
        reverse("shop:track"), {"reference": order.reference, "phone": "0912345678"}
    )
    assert tracked.status_code == 200
    # The other buyer is untouched.
    other = Order.objects.get(pk=binh_order.pk)
    assert (other.recipient, other.phone, other.user_id) == (
        "Hoàng Văn Bình",
        "0987654321",
        binh.pk,
    )
    assert CartLine.objects.filter(user=binh).exists()
    assert ReturnPhoto.objects.filter(request__order=other).exists()
    assert Review.objects.get(line__order=other).author_name == "Bình H."


def test_erasure_is_refused_while_an_order_is_open(two_variants):
    a, b = two_variants
    mai = make_buyer("mai@example.vn", "Trần Thị Mai")
    done = placed(a, user=mai, **MAI)
    open_order = placed(b, user=mai, deliver=False, **MAI)
    result = privacy.erase_user(mai, by=mai)
    assert result.status == DataRequest.Status.REFUSED
    assert [b.reference for b in result.blockers] == [open_order.reference]
    assert open_order.reference in result.message and done.reference not in result.message
    record = DataRequest.objects.get(pk=result.pk)
    assert record.user == mai and open_order.reference in record.note
    assert User.objects.filter(pk=mai.pk).exists()
    for order in (done, open_order):
        order.refresh_from_db()
        assert order.recipient == "Trần Thị Mai" and order.anonymised_at is None


def test_erasure_is_refused_while_a_return_is_live(buyers):
    mai, _binh, mai_order, _other, case = buyers
    assert case.status == ReturnRequest.Status.OPEN
    result = privacy.erase_user(mai)
    assert result.status == DataRequest.Status.REFUSED
    assert "đổi trả" in str(result.blockers[0])
    assert User.objects.filter(pk=mai.pk).exists()


def test_admin_logins_are_not_erased_here(two_variants):
    officer = make_user("can-bo-xoa", "Officer", email="canbo@example.vn")
    result = privacy.erase_user(officer)
    assert result.status == DataRequest.Status.REFUSED
    assert User.objects.filter(pk=officer.pk).exists()


def test_account_deletion_through_the_page(buyers, django_capture_on_commit_callbacks):
    mai, _binh, mai_order, _other, case = buyers
    close(case)
    client = client_for(mai)
    wrong = client.post(DATA, {"action": "delete", "password": "sai-mat-khau", "confirm": "on"})
    assert wrong.status_code == 200
    assert wrong.context["delete_form"].errors["password"]
    assert 'id="id_password-error"' in wrong.content.decode()
    unticked = client.post(DATA, {"action": "delete", "password": PASSWORD})
    assert unticked.context["delete_form"].errors["confirm"]
    assert User.objects.filter(pk=mai.pk).exists()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(DATA, {"action": "delete", "password": PASSWORD, "confirm": "on"})
    assert response.status_code == 200
    assert "Tài khoản đã được xóa" in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    assert not User.objects.filter(pk=mai.pk).exists()
    assert client.get(reverse("account:home")).status_code == 302  # logged out
    assert Order.objects.get(pk=mai_order.pk).anonymised_at is not None


def test_account_deletion_page_lists_the_open_orders(two_variants):
    mai = make_buyer("mai@example.vn", "Trần Thị Mai")
    open_order = placed(two_variants[0], user=mai, deliver=False, **MAI)
    client = client_for(mai)
    response = client.post(DATA, {"action": "delete", "password": PASSWORD, "confirm": "on"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Chưa thể xóa dữ liệu" in html
    assert f'href="{reverse("shop:order", args=[open_order.reference])}"' in html
    assert client.get(reverse("account:home")).status_code == 200  # still logged in


def test_guest_erases_one_order(two_variants, django_capture_on_commit_callbacks):
    a, b = two_variants
    mine = placed(a, **MAI)
    same_phone = placed(b, **MAI)
    mail.outbox.clear()
    client = Client()
    unticked = client.post(
        DATA, {"reference": mine.reference, "phone": "0912345678", "action": "erase"}
    )
    assert unticked.context["form"].errors["confirm"]
    assert Order.objects.get(pk=mine.pk).anonymised_at is None
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            DATA,
            {
                "reference": mine.reference,
                "phone": "0912345678",
                "action": "erase",
                "confirm": "on",
            },
        )
    assert response.status_code == 200
    assert "Đã xóa dữ liệu cá nhân" in response.content.decode()
    mine.refresh_from_db()
    assert mine.recipient == "Đã ẩn danh" and mine.email == "" and mine.anonymised_at
    assert mine.total == mine.subtotal + mine.shipping_total
    same_phone.refresh_from_db()
    assert same_phone.recipient == "Trần Thị Mai" and same_phone.anonymised_at is None
    record = DataRequest.objects.get(kind=DataRequest.Kind.DELETE)
    assert record.status == DataRequest.Status.DONE and record.reference == mine.reference
    assert [m.to for m in mail.outbox] == [["mai@example.vn"]]
    # The same reference and phone now find nothing.
    again = client.post(
        DATA, {"reference": mine.reference, "phone": "0912345678", "action": "export"}
    )
    assert "Không tìm thấy đơn hàng" in again.content.decode()


def test_guest_erasure_of_an_open_order_is_refused(two_variants):
    order = placed(two_variants[0], deliver=False, **MAI)
    response = Client().post(
        DATA,
        {"reference": order.reference, "phone": "0912345678", "action": "erase", "confirm": "on"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Chưa thể xóa dữ liệu" in html and order.reference in html
    order.refresh_from_db()
    assert order.anonymised_at is None and order.recipient == "Trần Thị Mai"
    assert DataRequest.objects.get().status == DataRequest.Status.REFUSED


def test_a_cancelled_order_may_be_erased(two_variants):
    order = placed(two_variants[0], deliver=False, **MAI)
    orders.cancel_order(order, note="Khách đổi ý")
    result = privacy.erase_order(order)
    assert result.status == DataRequest.Status.DONE
    order.refresh_from_db()
    assert order.anonymised_at and order.phone == privacy.ANONYMOUS_PHONE
