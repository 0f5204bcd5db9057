"""Buyers' data rights (Personal Data Protection Law 91/2025): a copy of their data, and its
erasure — the one place for these rules. The views (shop/account/views.py) only call these.

A copy (`export_user_data`, `export_order_data`) is a plain JSON-serialisable dict with a format
version and the time it was made, holding only what belongs to that buyer (or to that one
order): never another buyer's order, nor the staff who handled it (history and return events
name roles, not people).

Erasure (`erase_user`, `erase_order`) is refused — recorded as a REFUSED `DataRequest` whose
note names what is still open — while an order is not finished or a return is still live:
the buyer's name, phone and address are needed to deliver, to refund and to answer them. An
order is finished when none of its parts is still open in the transition table
(`shop.orders.OPEN_PARTS`: pending, being prepared, on its way) — so an unpaid order, whose parts
are all pending, is open too — and no officer flag is waiting on it (money to refund). A return
is live while `shop.returns.LIVE` says so (waiting for a decision, or accepted with a refund
still owed).

Otherwise, in one transaction, each order is anonymised, not deleted — invoices, the ledger and
tax reporting must keep it for 10 years: the recipient becomes "Đã ẩn danh", street and phone
take neutral values that still satisfy the model (required fields), e-mail, note and invoice
fields are blanked, the account link is cut and `anonymised_at` set. The commune and province,
the amounts, lines, parts, status history and ledger entries stay as they were. Return requests
of those orders lose their description and their photos (files and rows). Reviews the buyer
wrote stay published under "Người mua đã ẩn danh", without the link to the account (the privacy
notice says reviews are kept as published content; the text was written for the public), and
their photos stay with them. The saved cart, saved addresses and restock alerts (made while
signed in or for the account's address) are deleted, then the account itself. A DONE
`DataRequest` naming the orders is kept as the controller's proof after the account is gone.
Bank-transfer records (`BankTransaction`) are the bank's statement and stay untouched.

Staff, producer and officer logins are never erased here (refused): they are managed in the
admin by the site's administrators.
"""

import logging
import os
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from cms.cache import purge_on_commit
from cms.logsafe import describe

from .models import (
    CartLine,
    DataRequest,
    Order,
    RestockAlert,
    ReturnPhoto,
    ReturnRequest,
    Review,
    SavedAddress,
)
from .orders import OPEN_PARTS
from .returns import LIVE

logger = logging.getLogger(__name__)

FORMAT = "ocop-hanoi/buyer-data"
FORMAT_VERSION = 1

ANONYMOUS = "Đã ẩn danh"  # recipient and street of an anonymised order
ANONYMOUS_PHONE = "—"  # never a valid phone: an anonymised order can no longer be looked up
ANONYMOUS_REVIEWER = "Người mua đã ẩn danh"
ERASED_DETAILS = "[Nội dung đã được xóa theo yêu cầu của người mua]"

NOTE_LENGTH = DataRequest._meta.get_field("note").max_length


def _anonymise_reviews(reviews, now) -> None:
    """Reviews stay published, signed "Người mua đã ẩn danh"; their product pages (which show
    the author) are purged from the page cache once this commits."""
    products = set(reviews.values_list("product_id", flat=True))
    reviews.update(author_name=ANONYMOUS_REVIEWER, user=None, updated_at=now)
    if products:
        purge_on_commit(*(f"page:{pk}" for pk in products))


# --- what is still open -------------------------------------------------------------------


@dataclass
class Blocker:
    """One order that stops an erasure, and why."""

    reference: str
    status_label: object  # lazy: rendered in the language of whoever reads it
    unfinished: bool = False
    flagged: bool = False
    live_return: bool = False

    def reasons(self) -> list[str]:
        found = []
        if self.unfinished:
            found.append(_("đơn chưa hoàn tất (%(status)s)") % {"status": self.status_label})
        if self.flagged:
            found.append(_("đơn đang chờ cán bộ sàn xử lý"))
        if self.live_return:
            found.append(_("yêu cầu đổi trả đang xử lý"))
        return found

    def __str__(self):
        return f"{self.reference}: {', '.join(self.reasons())}"


def blockers(orders) -> list[Blocker]:
    """The orders among `orders` that are not finished or have a live return."""
    orders = list(orders)
    live = set(
        ReturnRequest.objects.filter(order__in=orders, status__in=LIVE).values_list(
            "order_id", flat=True
        )
    )
    open_parts = set(
        Order.objects.filter(pk__in=[o.pk for o in orders], shipments__status__in=OPEN_PARTS)
        .values_list("pk", flat=True)
        .distinct()
    )
    found = []
    for order in orders:
        blocker = Blocker(
            order.reference,
            Order.Status(order.status).label,
            unfinished=order.pk in open_parts or order.status == Order.Status.PENDING_PAYMENT,
            flagged=bool(order.flagged_reason),
            live_return=order.pk in live,
        )
        if blocker.unfinished or blocker.flagged or blocker.live_return:
            found.append(blocker)
    return found


def _vietnamese_note(prefix: str, found: list[Blocker]) -> str:
    """The refusal as recorded for officers: in the site's language, whoever asked."""
    with translation.override(settings.LANGUAGE_CODE):
        return prefix + "; ".join(str(b) for b in found)


def refusal_message(found: list[Blocker]) -> str:
    """What the page tells the buyer when an erasure is refused."""
    return _(
        "Chưa thể xóa dữ liệu vì còn đơn hàng đang xử lý: %(orders)s. Khi các đơn này hoàn tất "
        "(đã giao, đã hủy hoặc đã hoàn tiền) và không còn yêu cầu đổi trả đang xử lý, bạn có "
        "thể gửi lại yêu cầu."
    ) % {"orders": ", ".join(b.reference for b in found)}


def _note(text: str) -> str:
    return text if len(text) <= NOTE_LENGTH else text[: NOTE_LENGTH - 1] + "…"


def _is_admin_login(user) -> bool:
    """Staff, officers and producers (anyone who uses the admin) are not erased here."""
    from .permissions import can_manage_orders

    return bool(
        user.is_staff
        or user.is_superuser
        or user.has_perm("wagtailadmin.access_admin")
        or can_manage_orders(user)
    )


# --- the copy -------------------------------------------------------------------------------


def _when(value):
    return value.isoformat() if value else None


def _choice(value, label):
    return {"code": value, "label": str(label)} if value else None


def _photo_name(file) -> str:
    return os.path.basename(file.name or "")


def _order_queryset():
    return Order.objects.select_related("commune").prefetch_related(
        "shipments__lines",
        "history",
        "returns__lines__line",
        "returns__events",
        "returns__photos",
        "returns__shipment",
    )


def _order(order: Order) -> dict:
    return {
        "reference": order.reference,
        "created_at": _when(order.created_at),
        "updated_at": _when(order.updated_at),
        "paid_at": _when(order.paid_at),
        "status": _choice(order.status, order.get_status_display()),
        "payment_method": _choice(order.payment_method, order.get_payment_method_display()),
        "recipient": order.recipient,
        "phone": order.phone,
        "email": order.email,
        "address": {
            "street": order.street,
            "commune": str(order.commune),
            "commune_code": order.commune.code,
            "province": order.province,
        },
        "note": order.note,
        "invoice": {
            "company": order.invoice_company,
            "tax_code": order.invoice_tax_code,
            "address": order.invoice_address,
            "email": order.invoice_email,
        },
        "subtotal": order.subtotal,
        "shipping_total": order.shipping_total,
        "total": order.total,
        "currency": "VND",
        "terms_accepted_at": _when(order.terms_accepted_at),
        "data_consent_at": _when(order.data_consent_at),
        "anonymised_at": _when(order.anonymised_at),
        "language": order.language,
        "parts": [_part(part) for part in order.shipments.all()],
        "history": [
            {
                "at": _when(change.created_at),
                "part": change.shipment_id is not None,
                "status": change.new_status_display,
                "note": change.note,
            }
            for change in order.history.all()
        ],
        "returns": [_return(case) for case in order.returns.all()],
    }


def _part(part) -> dict:
    return {
        "producer": part.producer_title,
        "method": _choice(part.method, part.get_method_display()),
        "fee": part.fee,
        "status": _choice(part.status, part.get_status_display()),
        "carrier": part.carrier,
        "tracking_code": part.tracking_code,
        "delivered_at": _when(part.delivered_at),
        "lines": [
            {
                "title": line.title,
                "variant": line.variant_label,
                "sku": line.sku,
                "unit_price": line.unit_price,
                "quantity": line.quantity,
                "line_total": line.line_total,
            }
            for line in part.lines.all()
        ],
    }


def _return(case) -> dict:
    return {
        "producer": case.shipment.producer_title,
        "created_at": _when(case.created_at),
        "status": _choice(case.status, case.get_status_display()),
        "reason": _choice(case.reason, case.get_reason_display()),
        "details": case.details,
        "wanted": _choice(case.wanted, case.get_wanted_display()),
        "decision": _choice(case.decision, case.get_decision_display()),
        "refund_amount": case.refund_amount,
        "lines": [
            {"title": rl.line.title, "variant": rl.line.variant_label, "quantity": rl.quantity}
            for rl in case.lines.all()
        ],
        "photos": [_photo_name(photo.file) for photo in case.photos.all()],
        "events": [
            {
                "at": _when(event.created_at),
                "by": event.role_label,
                "action": event.action,
                "note": event.note,
            }
            for event in case.events.all()
        ],
    }


def _review(review) -> dict:
    return {
        "order": review.line.order.reference,
        "product": review.line.title,
        "variant": review.line.variant_label,
        "created_at": _when(review.created_at),
        "author_name": review.author_name,
        "rating": review.rating,
        "text": review.text,
        "status": _choice(review.status, review.get_status_display()),
        "moderation_reason": review.moderation_reason,
        "reply": review.reply,
        "reply_at": _when(review.reply_at),
        "photos": [_photo_name(photo.file) for photo in review.photos.all()],
    }


def _reviews(queryset) -> list[dict]:
    return [
        _review(r)
        for r in queryset.select_related("line__order").prefetch_related("photos").order_by("pk")
    ]


def _data_request(item) -> dict:
    return {
        "kind": _choice(item.kind, item.get_kind_display()),
        "status": _choice(item.status, item.get_status_display()),
        "reference": item.reference,
        "note": item.note,
        "created_at": _when(item.created_at),
        "completed_at": _when(item.completed_at),
    }


def _header(scope: str) -> dict:
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "generated_at": _when(timezone.now()),
        "scope": scope,
        "controller": settings.WAGTAIL_SITE_NAME,
    }


def _record_export(*, user=None, reference: str = "") -> DataRequest:
    now = timezone.now()
    return DataRequest.objects.create(
        kind=DataRequest.Kind.EXPORT,
        status=DataRequest.Status.DONE,
        user=user,
        reference=reference,
        completed_at=now,
    )


def _alerts_of(user):
    """The account's restock alerts: made while signed in, or for the account's address."""
    query = Q(user=user)
    if user.email:
        query |= Q(email=user.email.strip().lower())
    return RestockAlert.objects.filter(query)


def _alert(alert) -> dict:
    return {
        "sku": alert.sku,
        "email": alert.email,
        "language": alert.language,
        "created_at": _when(alert.created_at),
        "consented_at": _when(alert.consented_at),
        "confirmed_at": _when(alert.confirmed_at),
    }


def _address(saved) -> dict:
    return {
        "recipient": saved.recipient,
        "phone": saved.phone,
        "street": saved.street,
        "commune": saved.commune.full_name,
        "is_default": saved.is_default,
        "updated_at": _when(saved.updated_at),
    }


def export_user_data(user, *, record: bool = True) -> dict:
    """Everything the shop holds about an account holder: the account, every order of theirs
    (parts, lines, history, returns), the saved cart, their reviews and their data requests.
    Records a DONE export request (unless `record` is False)."""
    orders = _order_queryset().filter(user=user).order_by("created_at", "pk")
    cart = [
        {"sku": line.sku, "quantity": line.quantity, "updated_at": _when(line.updated_at)}
        for line in CartLine.objects.filter(user=user).order_by("pk")
    ]
    requests = DataRequest.objects.filter(user=user).order_by("created_at", "pk")
    data = {
        **_header("account"),
        "account": {
            "username": user.get_username(),
            "email": user.email,
            "name": user.get_full_name(),
            "date_joined": _when(user.date_joined),
            "last_login": _when(user.last_login),
        },
        "orders": [_order(order) for order in orders],
        "cart": cart,
        "reviews": _reviews(Review.objects.filter(user=user)),
        "saved_addresses": [
            _address(a)
            for a in SavedAddress.objects.filter(user=user).select_related("commune__province")
        ],
        "restock_alerts": [_alert(a) for a in _alerts_of(user).order_by("pk")],
        "data_requests": [_data_request(r) for r in requests],
    }
    if record:
        _record_export(user=user)
    return data


def export_order_data(order: Order, *, user=None, record: bool = True) -> dict:
    """What the shop holds about one order, for a guest who proved it with reference + phone:
    the order (parts, lines, history, returns), reviews of its lines and the data requests
    made for it. Records a DONE export request (unless `record` is False)."""
    order = _order_queryset().get(pk=order.pk)
    requests = DataRequest.objects.filter(reference=order.reference).order_by("created_at", "pk")
    data = {
        **_header("order"),
        "orders": [_order(order)],
        "reviews": _reviews(Review.objects.filter(line__order=order)),
        "data_requests": [_data_request(r) for r in requests],
    }
    if record:
        _record_export(user=_human(user), reference=order.reference)
    return data


def _human(user):
    return user if user is not None and getattr(user, "is_authenticated", False) else None


# --- erasure -------------------------------------------------------------------------------


def _anonymise(order: Order, now) -> None:
    Order.objects.filter(pk=order.pk).update(
        recipient=ANONYMOUS,
        phone=ANONYMOUS_PHONE,
        email="",
        street=ANONYMOUS,
        note="",
        invoice_company="",
        invoice_tax_code="",
        invoice_address="",
        invoice_email="",
        user=None,
        anonymised_at=now,
        updated_at=now,
    )


def _erase_returns(orders, now) -> list[str]:
    """Return requests of these orders lose their description and photos; the photo files are
    deleted from storage once the transaction commits. Returns the deleted file names."""
    cases = ReturnRequest.objects.filter(order__in=orders)
    cases.update(details=ERASED_DETAILS, updated_at=now)
    photos = list(ReturnPhoto.objects.filter(request__in=cases))
    names = [photo.file.name for photo in photos if photo.file.name]
    ReturnPhoto.objects.filter(pk__in=[p.pk for p in photos]).delete()
    if names:
        storage = photos[0].file.storage

        def delete_files():
            for name in names:
                try:
                    storage.delete(name)
                except OSError:
                    logger.exception("Could not delete return photo %s", name)

        transaction.on_commit(delete_files)
    return names


def _send_confirmation(address: str, subject: str, body: str) -> None:
    """Sent once the erasure committed, to the address captured before it was erased."""
    if not address:
        return

    def send():
        try:
            send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [address])
        except Exception as exc:  # a failed e-mail must never undo an erasure
            logger.error("Could not send the erasure confirmation: %s", describe(exc))

    transaction.on_commit(send)


def _refuse(*, user=None, reference="", note: str, message: str) -> DataRequest:
    request = DataRequest.objects.create(
        kind=DataRequest.Kind.DELETE,
        status=DataRequest.Status.REFUSED,
        user=user,
        reference=reference,
        note=_note(note),
        completed_at=timezone.now(),
    )
    request.message = message
    request.blockers = []
    return request


def erase_user(user, *, by=None) -> DataRequest:
    """Erase an account holder's personal data and delete the account (see the module's
    docstring), or refuse while something is open. Returns the DataRequest recorded: DONE, or
    REFUSED with `.message` (for the page) and `.blockers` (the open orders)."""
    if _is_admin_login(user):
        return _refuse(
            user=user,
            note="Tài khoản quản trị/người bán: không xóa qua trang của người mua.",
            message=_(
                "Tài khoản này dùng cho trang quản trị nên không xóa được ở đây. Vui lòng liên "
                "hệ cán bộ sàn."
            ),
        )
    with transaction.atomic():
        orders = list(Order.objects.select_for_update().filter(user=user).order_by("pk"))
        found = blockers(orders)
        if found:
            refused = _refuse(
                user=user,
                note=_vietnamese_note("Còn đơn đang xử lý: ", found),
                message=refusal_message(found),
            )
            refused.blockers = found
            return refused
        now = timezone.now()
        address = user.email
        references = [o.reference for o in orders]
        for order in orders:
            _anonymise(order, now)
        photos = _erase_returns(orders, now)
        _anonymise_reviews(Review.objects.filter(Q(user=user) | Q(line__order__in=orders)), now)
        CartLine.objects.filter(user=user).delete()
        SavedAddress.objects.filter(user=user).delete()
        _alerts_of(user).delete()
        account_id = user.pk
        note = f"Tài khoản #{account_id} đã xóa; đơn đã ẩn danh: " + (
            ", ".join(references) or "không có"
        )
        if photos:
            note += f"; {len(photos)} ảnh đổi trả đã xóa"
        if _human(by) is not None and by.pk != account_id:
            note += f"; thực hiện bởi {by.get_username()}"
        done = DataRequest.objects.create(
            kind=DataRequest.Kind.DELETE,
            status=DataRequest.Status.DONE,
            user=None,
            note=_note(note),
            completed_at=now,
        )
        _send_confirmation(
            address,
            _("Tài khoản của bạn đã được xóa"),
            _(
                "Xin chào,\n\nTheo yêu cầu của bạn, tài khoản trên %(site)s đã được xóa. Thông "
                "tin cá nhân trong %(n)s đơn hàng đã được ẩn danh; các đơn vẫn được lưu (không "
                "kèm thông tin cá nhân) để phục vụ kế toán và thuế theo quy định.\n\nNếu bạn "
                "không yêu cầu việc này, vui lòng trả lời thư này.\n\n%(site)s"
            )
            % {"site": settings.WAGTAIL_SITE_NAME, "n": len(references)},
        )
        user.delete()
    done.message = ""
    done.blockers = []
    return done


def erase_order(order: Order, *, by=None) -> DataRequest:
    """Anonymise one order (a guest who proved it with reference + phone) and its returns and
    reviews, or refuse while it is open. Returns the DataRequest recorded, like erase_user."""
    with transaction.atomic():
        order = Order.objects.select_for_update().get(pk=order.pk)
        found = blockers([order])
        if found:
            refused = _refuse(
                user=_human(by),
                reference=order.reference,
                note=_vietnamese_note("Đơn đang xử lý: ", found),
                message=refusal_message(found),
            )
            refused.blockers = found
            return refused
        now = timezone.now()
        address = order.email
        _anonymise(order, now)
        photos = _erase_returns([order], now)
        _anonymise_reviews(Review.objects.filter(line__order=order), now)
        note = f"Đơn {order.reference} đã ẩn danh"
        if photos:
            note += f"; {len(photos)} ảnh đổi trả đã xóa"
        done = DataRequest.objects.create(
            kind=DataRequest.Kind.DELETE,
            status=DataRequest.Status.DONE,
            user=_human(by),
            reference=order.reference,
            note=_note(note),
            completed_at=now,
        )
        _send_confirmation(
            address,
            _("Đơn hàng %(ref)s: dữ liệu cá nhân đã được xóa") % {"ref": order.reference},
            _(
                "Xin chào,\n\nTheo yêu cầu của bạn, thông tin cá nhân trong đơn hàng %(ref)s "
                "(họ tên, số điện thoại, email, địa chỉ, ghi chú, thông tin hóa đơn) đã được "
                "xóa. Đơn vẫn được lưu, không kèm thông tin cá nhân, để phục vụ kế toán và "
                "thuế theo quy định.\n\nNếu bạn không yêu cầu việc này, vui lòng trả lời thư "
                "này.\n\n%(site)s"
            )
            % {"ref": order.reference, "site": settings.WAGTAIL_SITE_NAME},
        )
    done.message = ""
    done.blockers = []
    return done
