"""Money: an append-only, double-entry ledger in whole đồng — the one place that says what each
producer is owed.

Every event is one balanced `LedgerTransaction` (its entries sum to zero), posted with a unique
key so the same event is never booked twice, in the same database transaction as the order
change that caused it (shop.orders). Nothing is ever edited: a refund posts the sale's exact
reversal, even after a payout (the producer's balance may go negative and the next payout
recovers it).

Sign convention: positive = debit, negative = credit. A producer's balance *owed to it* is minus
the sum of its account. Accounts:

- ``cash:<method>``   money the platform holds (bank transfer, card)
- ``producer:<id>``   what the platform owes the producer (or, negative, is owed by it)
- ``commission``      the platform's commission (SHOP_COMMISSION_BP, or the producer's own
                       rate set by an officer on its seller details)
- ``tax:vat``, ``tax:pit``  tax withheld for household businesses (Decree 117/2025: goods
                       1% VAT + 0.5% PIT of revenue; SHOP_HOUSEHOLD_VAT_BP / _PIT_BP)
- ``delivery``        delivery fees, owed to whoever delivers
- ``carrier:<code>``  cash a carrier collected on delivery and owes the platform

A part paid to the platform (transfer, card):  cash +total; producer −net; commission −c;
tax −t; delivery −fee. A cash-on-delivery part collected by the producer: the producer holds
the cash, so producer +(subtotal + fee) as well — it then owes the platform c + t + fee. An
experience booked with a deposit is paid to the platform only in part: cash +(total − on site),
producer +on site (the rest, which the producer collects from the participants).
"""

from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Sum

from products.purchasable import commission_rates, producer_kinds

from .models import LedgerEntry, LedgerTransaction, Order, OrderShipment

SALE, REVERSAL, PAYOUT, HELD, RETURN = "sale", "reversal", "payout", "held", "return"
REFUNDS_OWED = "refund:owed"  # money the platform owes buyers (a return, a late payment)


def producer_account(producer_id: int) -> str:
    return f"producer:{producer_id}"


def _bp(amount: int, basis_points: int) -> int:
    """A share in whole đồng, rounded half up."""
    return (amount * basis_points + 5000) // 10000


@dataclass(frozen=True)
class Split:
    subtotal: int
    fee: int
    commission: int
    vat: int
    pit: int

    @property
    def net(self) -> int:
        return self.subtotal - self.commission - self.vat - self.pit


def split(part: OrderShipment, *, household: bool, commission_bp: int | None = None) -> Split:
    subtotal = part.subtotal
    rate = settings.SHOP_COMMISSION_BP if commission_bp is None else commission_bp
    commission = _bp(subtotal, rate)
    vat = _bp(subtotal, settings.SHOP_HOUSEHOLD_VAT_BP) if household else 0
    pit = _bp(subtotal, settings.SHOP_HOUSEHOLD_PIT_BP) if household else 0
    return Split(subtotal, part.fee, commission, vat, pit)


def post(key: str, kind: str, entries: dict[str, int], *, order=None, shipment=None, memo=""):
    """Book one balanced transaction once; returns it (the existing one on a replay)."""
    entries = {account: amount for account, amount in entries.items() if amount}
    if sum(entries.values()) != 0:
        raise ValueError(f"unbalanced ledger transaction {key}: {entries}")
    existing = LedgerTransaction.objects.filter(key=key).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            txn = LedgerTransaction.objects.create(
                key=key, kind=kind, order=order, shipment=shipment, memo=memo[:255]
            )
            LedgerEntry.objects.bulk_create(
                LedgerEntry(transaction=txn, account=account, amount=amount)
                for account, amount in sorted(entries.items())
            )
    except IntegrityError:
        return LedgerTransaction.objects.get(key=key)
    return txn


def post_sale(part: OrderShipment) -> LedgerTransaction:
    """A producer's part is paid: to the platform (transfer, card) or in cash to the producer."""
    order = part.order
    household = producer_kinds([part.producer_id]).get(part.producer_id) == "household"
    s = split(
        part,
        household=household,
        commission_bp=commission_rates([part.producer_id]).get(part.producer_id),
    )
    producer = producer_account(part.producer_id)
    entries = {
        producer: -s.net,
        "commission": -s.commission,
        "tax:vat": -s.vat,
        "tax:pit": -s.pit,
        "delivery": -s.fee,
    }
    if order.payment_method == Order.Payment.COD and part.cod_collected_by:
        # the carrier holds the cash until it remits it to the platform
        entries[f"carrier:{part.cod_collected_by}"] = s.subtotal + s.fee
    elif order.payment_method == Order.Payment.COD:
        entries[producer] += s.subtotal + s.fee  # the producer holds the cash
    else:
        # paid to the platform; the rest of a deposit is the producer's to collect on site
        on_site = part.due_on_site
        entries[f"cash:{order.payment_method}"] = s.subtotal + s.fee - on_site
        entries[producer] += on_site
    return post(f"sale:{part.pk}", SALE, entries, order=order, shipment=part, memo=order.reference)


def post_order_paid(order: Order) -> None:
    """Every part of an order paid to the platform."""
    for part in order.shipments.exclude(status=OrderShipment.Status.CANCELLED):
        part.order = order
        post_sale(part)


def post_held(order: Order) -> LedgerTransaction:
    """Money that arrived for an order already cancelled: the platform holds it for the buyer
    (cash in, owed back) until the refund reverses it."""
    method = order.payment_method
    entries = {f"cash:{method}": order.due_now, REFUNDS_OWED: -order.due_now}
    return post(f"held:{order.pk}", HELD, entries, order=order, memo=f"{order.reference} giữ hộ")


def _shares(part: OrderShipment, amount: int) -> dict[str, int]:
    """Commission and household tax on `amount` of a part's goods (what a sale credited)."""
    household = producer_kinds([part.producer_id]).get(part.producer_id) == "household"
    rate = commission_rates([part.producer_id]).get(part.producer_id)
    rate = settings.SHOP_COMMISSION_BP if rate is None else rate
    return {
        "commission": _bp(amount, rate),
        "tax:vat": _bp(amount, settings.SHOP_HOUSEHOLD_VAT_BP) if household else 0,
        "tax:pit": _bp(amount, settings.SHOP_HOUSEHOLD_PIT_BP) if household else 0,
    }


def post_return(request, amount: int, *, refunded_by: str) -> LedgerTransaction:
    """An accepted return refunds `amount` of a part's goods: the producer gives back its net
    share of it, the platform its commission, the tax withheld is undone. `refunded_by` says
    where the money goes back from: "card" (Stripe refund), "producer" (cash the producer held,
    handed back by it) or "owed" (the platform owes the buyer, paid later by transfer)."""
    part = request.shipment
    entries = _shares(part, amount)
    shares = sum(entries.values())
    producer = producer_account(part.producer_id)
    if refunded_by == "producer":
        entries[producer] = -shares
    else:
        entries[producer] = amount - shares
        entries["cash:stripe" if refunded_by == "card" else REFUNDS_OWED] = -amount
    return post(
        f"return:{request.pk}",
        RETURN,
        entries,
        order=part.order,
        shipment=part,
        memo=f"{part.order.reference} đổi trả",
    )


def post_rest_not_collected(line) -> LedgerTransaction:
    """Participants booked with a deposit did not come: the rest (`line.due_on_site`), booked
    as the producer's to collect, never changed hands. The producer keeps the deposit and owes
    commission and tax on it only — the shares on the rest are undone (as a return the
    producer "refunds" from cash it never held)."""
    part = line.shipment
    entries = _shares(part, line.due_on_site)
    entries[producer_account(part.producer_id)] = -sum(entries.values())
    return post(
        f"no-show:{line.pk}",
        RETURN,
        entries,
        order=part.order,
        shipment=part,
        memo=f"{part.order.reference} khách không đến",
    )


def post_refund_paid(request, amount: int, *, bank_reference: str) -> LedgerTransaction:
    """What the platform owed a buyer for a return left its bank account."""
    return post(
        f"return-paid:{request.pk}",
        PAYOUT,
        {REFUNDS_OWED: amount, "cash:vietqr": -amount},
        order=request.order,
        shipment=request.shipment,
        memo=f"{request.order.reference} hoàn tiền {bank_reference}"[:255],
    )


def reverse_sales(order: Order, *, memo: str = "") -> None:
    """A refund: each booked sale (and money held) of the order is reversed exactly (never
    edited)."""
    for sale in LedgerTransaction.objects.filter(
        order=order, kind__in=(SALE, HELD)
    ).prefetch_related("entries"):
        post(
            f"reversal:{sale.key}",
            REVERSAL,
            {e.account: -e.amount for e in sale.entries.all()},
            order=order,
            shipment=sale.shipment,
            memo=memo or f"{order.reference} hoàn tiền",
        )


def balance(account: str) -> int:
    return LedgerEntry.objects.filter(account=account).aggregate(s=Sum("amount"))["s"] or 0


def owed_to_producer(producer_id: int) -> int:
    """What the platform owes the producer now (negative: the producer owes the platform)."""
    return -balance(producer_account(producer_id))


def owed_to_producers() -> dict[int, int]:
    rows = (
        LedgerEntry.objects.filter(account__startswith="producer:")
        .values("account")
        .annotate(s=Sum("amount"))
    )
    return {int(r["account"].split(":", 1)[1]): -r["s"] for r in rows}


def statement(producer_id: int):
    """The producer's entries, newest first, with the transaction they belong to."""
    return (
        LedgerEntry.objects.filter(account=producer_account(producer_id))
        .select_related("transaction", "transaction__order")
        .order_by("-transaction__created_at", "-pk")
    )


def post_payout(line) -> LedgerTransaction:
    """Money sent to a producer's bank account (a paid payout line)."""
    return post(
        f"payout:{line.pk}",
        PAYOUT,
        {producer_account(line.producer_id): line.amount, "cash:vietqr": -line.amount},
        memo=f"Chi trả đợt {line.batch_id}",
    )


# --- payouts ----------------------------------------------------------------------------------


def create_payout_batch(*, user=None, minimum: int | None = None):
    """One batch for every producer owed at least `minimum` and not already in an open batch.
    Nothing is booked until the batch is marked paid. Returns the batch, or None."""
    from products.purchasable import producer_titles

    from .models import PayoutBatch, PayoutLine

    minimum = settings.SHOP_PAYOUT_MINIMUM if minimum is None else minimum
    waiting = set(
        PayoutLine.objects.filter(batch__status=PayoutBatch.Status.OPEN).values_list(
            "producer_id", flat=True
        )
    )
    owed = {p: amount for p, amount in owed_to_producers().items() if amount >= minimum}
    owed = {p: amount for p, amount in owed.items() if p not in waiting}
    if not owed:
        return None
    titles = producer_titles(owed)
    with transaction.atomic():
        batch = PayoutBatch.objects.create(created_by=user)
        PayoutLine.objects.bulk_create(
            PayoutLine(
                batch=batch, producer_id=p, producer_title=titles.get(p, str(p)), amount=amount
            )
            for p, amount in sorted(owed.items())
        )
    return batch


def mark_batch_paid(batch, *, bank_reference: str) -> None:
    """The bank sent the batch: book each line (idempotent) and close the batch."""
    from django.utils import timezone

    from .models import PayoutBatch

    if not bank_reference.strip():
        raise ValueError("Nhập mã giao dịch ngân hàng của đợt chi trả.")
    with transaction.atomic():
        batch = PayoutBatch.objects.select_for_update().get(pk=batch.pk)
        if batch.status == PayoutBatch.Status.PAID:
            return
        for line in batch.lines.all():
            post_payout(line)
        batch.status = PayoutBatch.Status.PAID
        batch.bank_reference = bank_reference.strip()[:100]
        batch.paid_at = timezone.now()
        batch.save(update_fields=["status", "bank_reference", "paid_at"])
