"""Bank-transfer confirmation from bank-transaction notifications (the JSON that Vietnamese
bank-hook services such as SePay send: id, gateway, transactionDate, accountNumber, content,
transferType "in"/"out", transferAmount, referenceCode).

`POST /shop/payments/bank-transfer/webhook/` with `Authorization: Apikey <BANK_WEBHOOK_API_KEY>`.
No key configured → the endpoint does not exist (404); a wrong key → 401. The order reference
is found in the memo however the bank mangled it (case, spaces, dashes, words around it). Only
an exact payment of an open bank-transfer order marks it paid — through the order state machine
(shop.orders); partial or over-payments, unknown references, cancelled or already-paid orders
are recorded and listed for officers. The transaction id is unique: replays change nothing.
"""

import hmac
import re

from django.conf import settings
from django.db import IntegrityError, transaction

REFERENCE = re.compile(r"DH[A-Z0-9]{10}")


class BadNotification(ValueError):
    pass


def authorised(header: str) -> bool:
    key = settings.BANK_WEBHOOK_API_KEY
    scheme, _sep, given = (header or "").strip().partition(" ")
    return bool(key) and scheme.lower() == "apikey" and hmac.compare_digest(given.strip(), key)


def reference_candidates(content: str) -> list[str]:
    """Every "DH" + 10 letters/digits in the memo once spaces and punctuation are removed
    ("dh ab12 cd34ef", "DH-AB12CD34EF chuyen tien"), in order of appearance."""
    compact = re.sub(r"[^A-Z0-9]", "", (content or "").upper())
    found = []
    for start in range(len(compact) - 11):
        match = REFERENCE.match(compact, start)
        if match and match.group(0) not in found:
            found.append(match.group(0))
    return found


def _read(payload) -> dict:
    if not isinstance(payload, dict):
        raise BadNotification("not an object")
    tx_id = payload.get("id")
    if isinstance(tx_id, bool) or not isinstance(tx_id, int | str) or not str(tx_id).strip():
        raise BadNotification("id missing")
    amount = payload.get("transferAmount")
    if isinstance(amount, bool) or not isinstance(amount, int) or amount < 0:
        raise BadNotification("transferAmount must be a whole number of đồng")
    kind = payload.get("transferType")
    if kind not in ("in", "out"):
        raise BadNotification("transferType must be in or out")
    texts = {}
    for key in ("gateway", "accountNumber", "content", "referenceCode", "transactionDate"):
        value = payload.get(key) or ""
        if not isinstance(value, str | int):
            raise BadNotification(f"{key} must be text")
        texts[key] = str(value)
    return {"id": str(tx_id).strip()[:60], "amount": amount, "type": kind, **texts}


def apply_notification(payload) -> "BankTransaction":  # noqa: F821
    """Record one notification and apply it if it pays an order exactly. Idempotent."""
    from .. import orders
    from ..models import BankTransaction, Order

    data = _read(payload)
    tx_id = f"{data['gateway'] or 'bank'}:{data['id']}"[:64]
    existing = BankTransaction.objects.filter(transaction_id=tx_id).first()
    if existing is not None:
        return existing
    Outcome = BankTransaction.Outcome
    try:
        with transaction.atomic():
            order = None
            if data["type"] == "in":
                candidates = reference_candidates(data["content"])
                order = (
                    Order.objects.select_for_update()
                    .filter(reference__in=candidates)
                    .order_by("pk")
                    .first()
                    if candidates
                    else None
                )
            record = BankTransaction.objects.create(
                transaction_id=tx_id,
                gateway=data["gateway"][:60],
                account_number=data["accountNumber"][:40],
                transfer_type=data["type"],
                amount=data["amount"],
                content=data["content"][:500],
                reference_code=data["referenceCode"][:100],
                transaction_date=data["transactionDate"][:40],
                order=order,
                outcome=Outcome.OUTGOING,
            )
            if data["type"] == "out":
                return record
            if order is None:
                outcome = Outcome.UNKNOWN
            elif order.payment_method != Order.Payment.VIETQR:
                outcome = Outcome.NOT_TRANSFER
            elif order.status in (Order.Status.CANCELLED, Order.Status.REFUNDED):
                outcome = Outcome.CANCELLED
                orders.flag(
                    order,
                    f"Chuyển khoản {data['amount']} ₫ đến sau khi đơn đã hủy ({tx_id}): "
                    "cán bộ cần hoàn tiền.",
                )
            elif order.is_paid:
                outcome = Outcome.ALREADY_PAID
            elif data["amount"] < order.due_now:
                outcome = Outcome.PARTIAL
            elif data["amount"] > order.due_now:
                outcome = Outcome.OVERPAID
            else:
                orders.mark_paid(order, note=f"Ngân hàng {tx_id}")
                outcome = Outcome.PAID
            record.outcome = outcome
            record.save(update_fields=["outcome"])
            return record
    except IntegrityError:  # the same transaction arrived twice at once: the other one won
        return BankTransaction.objects.get(transaction_id=tx_id)
