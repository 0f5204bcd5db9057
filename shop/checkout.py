"""Pricing a cart and placing an order. Prices, fees and totals are always computed here, on the
server, from the catalogue — never taken from the buyer's POST."""

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

import django.dispatch
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from products.purchasable import Purchasable, get_purchasables, short_of_stock
from products.reference import Commune
from products.stock import InsufficientStock, reserve

from . import emails
from .delivery.quotes import PartQuote, quote_part
from .models import Order, OrderLine, OrderShipment, OrderStatusChange
from .notifications import notify_producers

INVOICE_FIELDS = ("invoice_company", "invoice_tax_code", "invoice_address", "invoice_email")
RESTRICTED_NO_COD = gettext_lazy(
    "Đơn có rượu hoặc hàng hạn chế không thanh toán khi nhận hàng: chọn chuyển khoản hoặc thẻ."
)
DEPOSIT_NO_COD = gettext_lazy(
    "Trải nghiệm cần đặt cọc khi đặt chỗ: chọn chuyển khoản hoặc thẻ để trả tiền cọc."
)


# Sent once an order is committed: sender=Order, order_pk=int, skus=frozenset of its SKUs
# (experiences issue tickets for the SKUs that are places in their sessions).
order_placed = django.dispatch.Signal()


class CheckoutError(Exception):
    def __init__(self, messages):
        self.messages = [messages] if isinstance(messages, str) else list(messages)
        super().__init__("; ".join(self.messages))


@dataclass
class PricedLine:
    item: Purchasable
    quantity: int

    @property
    def line_total(self) -> int:
        return self.item.unit_price * self.quantity

    @property
    def due_on_site(self) -> int:
        return self.item.due_on_site(self.line_total)


@dataclass
class ProducerGroup:
    producer_id: int
    producer_title: str
    producer_slug: str
    lines: list[PricedLine] = field(default_factory=list)
    method: str = OrderShipment.Method.DELIVERY
    quote: PartQuote | None = None  # set by price_cart

    @property
    def subtotal(self) -> int:
        return sum(line.line_total for line in self.lines)

    @property
    def fee(self) -> int:
        return self.quote.fee if self.quote else 0

    @property
    def due_on_site(self) -> int:
        return sum(line.due_on_site for line in self.lines)

    @property
    def shippable(self) -> bool:
        """False when nothing in the part is delivered (places in an experience session):
        the buyer comes to the producer."""
        return any(line.item.shippable for line in self.lines)


@dataclass
class PricedCart:
    groups: list[ProducerGroup]
    problems: list[str]
    # The catalogue's records this pricing read (by SKU): place_order may price from them
    # again rather than read them a second time in the same request.
    found: Mapping[str, Purchasable] = field(default_factory=dict, repr=False)

    @property
    def subtotal(self) -> int:
        return sum(g.subtotal for g in self.groups)

    @property
    def shipping_total(self) -> int:
        return sum(g.fee for g in self.groups)

    @property
    def total(self) -> int:
        return self.subtotal + self.shipping_total

    @property
    def due_on_site(self) -> int:
        """Paid to the producers on site: the rest of the experiences booked with a deposit."""
        return sum(g.due_on_site for g in self.groups)

    @property
    def due_now(self) -> int:
        return self.total - self.due_on_site

    @property
    def count(self) -> int:
        return sum(line.quantity for g in self.groups for line in g.lines)

    @property
    def lines(self) -> list[PricedLine]:
        return [line for g in self.groups for line in g.lines]

    @property
    def restricted(self) -> bool:
        """Holds alcohol from 5.5% or other age-restricted goods."""
        return any(line.item.restricted for line in self.lines)


def validate_quantity(value, available: int | None = None) -> int:
    """A positive whole number, at most SHOP_MAX_QUANTITY and (if given) what is available."""
    try:
        quantity = int(str(value).strip())
    except (TypeError, ValueError):
        raise CheckoutError(_("Số lượng phải là số nguyên dương."))
    if str(value).strip() != str(quantity) or quantity <= 0:
        raise CheckoutError(_("Số lượng phải là số nguyên dương."))
    if quantity > settings.SHOP_MAX_QUANTITY:
        raise CheckoutError(
            _("Mỗi sản phẩm chỉ đặt tối đa %(n)s đơn vị.") % {"n": settings.SHOP_MAX_QUANTITY}
        )
    if available is not None and quantity > available:
        if available <= 0:
            raise CheckoutError(_("Sản phẩm này đã hết hàng."))
        raise CheckoutError(_("Chỉ còn %(n)s đơn vị trong kho.") % {"n": available})
    return quantity


def price_cart(
    items: Mapping[str, int],
    shipping: Mapping[int, str] | None = None,
    destination: Commune | None = None,
    *,
    quote: bool = True,
    found: Mapping[str, Purchasable] | None = None,
) -> PricedCart:
    """Group cart items by producer with current prices and a delivery quote to `destination`
    (the buyer's commune; None: the default province, by the fee table); report what can no
    longer be bought. `quote=False`: no delivery quotes (fees 0) — for a caller that only needs
    the lines and what is short, as the order's final click does before placing it.
    `found`: the records an earlier pricing of the same request read (`PricedCart.found`)."""
    if found is None or not set(items) <= set(found):
        found = get_purchasables(items.keys())
    groups: dict[int, ProducerGroup] = {}
    problems = []
    for sku, quantity in items.items():
        item = found.get(sku)
        if item is None:
            problems.append(
                _("Một sản phẩm trong giỏ không còn được bán (%(sku)s).") % {"sku": sku}
            )
            continue
        if quantity > item.available:
            problems.append(
                _short_message(item, item.available)
                if not item.shippable or item.available <= 0
                else _("%(name)s: chỉ còn %(n)s đơn vị.")
                % {"name": item.display_name, "n": item.available}
            )
        group = groups.setdefault(
            item.producer_id,
            ProducerGroup(item.producer_id, item.producer_title, item.producer_slug),
        )
        if shipping and item.producer_id in shipping:
            group.method = shipping[item.producer_id]
        group.lines.append(PricedLine(item, quantity))
    ordered = sorted(groups.values(), key=lambda g: g.producer_title)
    for group in ordered:
        if not group.shippable:
            group.method = OrderShipment.Method.PICKUP
        if quote:
            group.quote = quote_part(
                group.producer_id, group.lines, group.subtotal, destination, group.method
            )
    return PricedCart(ordered, problems, found)


@dataclass
class Address:
    recipient: str
    phone: str  # already normalised
    commune_id: int
    street: str
    email: str = ""
    note: str = ""


def buyer_language() -> str:
    """The active site language (chosen by LocaleMiddleware), as one of LANGUAGES."""
    try:
        return translation.get_supported_language_variant(translation.get_language() or "")
    except LookupError:
        return settings.LANGUAGE_CODE


def place_order(
    *,
    items: Mapping[str, int],
    address: Address,
    shipping: Mapping[int, str],
    payment_method: str,
    user=None,
    token: str | None = None,
    invoice: Mapping[str, str] | None = None,
    adult: bool = False,
    consented_at: datetime | None = None,
    read: PricedCart | None = None,
) -> Order:
    """Create the order and reserve its stock atomically; either all of it happens or nothing.

    `consented_at` is when the buyer agreed to the purchase terms and, separately, to the
    processing of their personal data (the checkout form's submit; both boxes are required
    there); it is recorded on the order as both consents' time — now, when not given.

    `read`: the same request's pricing of these items (the final click's, without quotes):
    its catalogue records are priced again with the delivery quotes instead of being read a
    second time. Stock is not taken from it: the reservation re-checks every unit under lock.

    `token` is the review step's one-time token: an order already placed with it is returned
    as it is (a double tap, a second tab, a retry after the connection dropped), and two
    simultaneous submits of it make one order and one reservation — the loser's transaction,
    stock included, rolls back on the token's unique index."""
    from .payments import get_method

    if token:
        existing = placed_with(token)
        if existing is not None:
            return existing
    if not items:
        raise CheckoutError(_("Giỏ hàng đang trống."))
    method = get_method(payment_method)
    if method is None or not method.available():
        raise CheckoutError(_("Hình thức thanh toán này hiện không dùng được."))
    clean = {}
    for sku, quantity in items.items():
        clean[str(sku)] = validate_quantity(quantity)
    destination = Commune.objects.select_related("province").filter(pk=address.commune_id).first()
    if destination is None:
        raise CheckoutError(_("Xã/phường giao hàng không hợp lệ."))
    priced = price_cart(clean, shipping, destination, found=read.found if read else None)
    missing = [sku for sku in clean if sku not in {ln.item.sku for ln in priced.lines}]
    if missing:
        raise CheckoutError(
            _("Sản phẩm không còn được bán: %(skus)s.") % {"skus": ", ".join(sorted(missing))}
        )
    if priced.restricted:
        if method.code == Order.Payment.COD:
            raise CheckoutError(str(RESTRICTED_NO_COD))
        if not adult:
            raise CheckoutError(_("Đơn có đồ uống có cồn: xác nhận bạn đã đủ 18 tuổi."))
    if priced.due_on_site and method.code == Order.Payment.COD:
        raise CheckoutError(str(DEPOSIT_NO_COD))
    for group in priced.groups:
        if shipping.get(group.producer_id) not in OrderShipment.Method.values:
            raise CheckoutError(
                _("Chọn hình thức nhận hàng cho %(p)s.") % {"p": group.producer_title}
            )

    # Sold out already (as read without a lock): say so now, without queueing for the stock
    # rows behind the buyers who are paying. The locked reservation re-checks every unit.
    for line in priced.lines:
        if line.quantity > line.item.available:
            raise CheckoutError(_short_message(line.item, line.item.available))

    try:
        return _create(
            priced,
            address,
            destination,
            method,
            user,
            token,
            invoice or {},
            consented_at or timezone.now(),
        )
    except (IntegrityError, CheckoutError):
        # A simultaneous submit of the same review won: on PostgreSQL this one waited on its
        # row locks or on the token's unique index, then failed; give back the winner's order.
        existing = placed_with(token)
        if existing is None:
            raise
        return existing


def sold_out(items: Mapping[str, int]) -> bool:
    """Whether some of `items` can no longer be had as the stock stands now, from the stock
    rows alone (products.purchasable.short_of_stock): the final click answers a buyer who came
    after the last unit without pricing the cart or waiting for a lock. False does not mean
    the order can be placed: place_order checks everything again."""
    return bool(short_of_stock(items))


def _short_message(item, available: int) -> str:
    if not item.shippable:  # places in an experience session
        if available <= 0:
            return _("%(name)s: buổi này đã hết chỗ.") % {"name": item.display_name}
        return _("%(name)s: buổi này chỉ còn %(n)s chỗ.") % {
            "name": item.display_name,
            "n": available,
        }
    if available <= 0:
        return _("%(name)s vừa hết hàng.") % {"name": item.display_name}
    return _("%(name)s chỉ còn %(n)s đơn vị.") % {"name": item.display_name, "n": available}


def placed_with(token: str) -> Order | None:
    """The order a review token already placed, if any (asked of the token's unique index
    first: nearly always there is none, and then no order row is read)."""
    if not token:
        return None
    pk = Order.objects.filter(checkout_token=token).values_list("pk", flat=True).first()
    return None if pk is None else Order.objects.filter(pk=pk).first()


def _create(priced, address, destination, method, user, token, invoice, consented_at) -> Order:
    with transaction.atomic():
        # On SQLite the write transaction starts here (BEGIN IMMEDIATE), after any winner.
        existing = placed_with(token)
        if existing is not None:
            return existing
        order = Order.objects.create(
            user=user if user is not None and user.is_authenticated else None,
            status=method.initial_status,
            payment_method=method.code,
            recipient=address.recipient,
            phone=address.phone,
            email=address.email,
            commune_id=address.commune_id,
            province=destination.province.short_name,
            street=address.street,
            note=address.note,
            subtotal=priced.subtotal,
            shipping_total=priced.shipping_total,
            total=priced.total,
            due_on_site=priced.due_on_site,
            language=buyer_language(),
            checkout_token=token or None,
            terms_accepted_at=consented_at,
            data_consent_at=consented_at,
            **{k: (invoice.get(k) or "")[:255] for k in INVOICE_FIELDS},
        )
        for group in priced.groups:
            shipment = OrderShipment.objects.create(
                order=order,
                producer_id=group.producer_id,
                producer_title=group.producer_title,
                producer_slug=group.producer_slug,
                method=group.method,
                fee=group.fee,
                **_quote_fields(group.quote),
            )
            OrderLine.objects.bulk_create(
                OrderLine(
                    order=order,
                    shipment=shipment,
                    sku=line.item.sku,
                    title=line.item.title,
                    variant_label=line.item.variant_label,
                    unit_price=line.item.unit_price,
                    quantity=line.quantity,
                    product_id=line.item.product_id,
                    due_on_site=line.due_on_site,
                )
                for line in group.lines
            )
        OrderStatusChange.objects.create(
            order=order,
            old_status="",
            new_status=order.status,
            note=_("Đặt hàng"),
            user=order.user,
        )
        # Last: the stock rows stay locked (PostgreSQL) only from here to the commit, so other
        # buyers of the same products wait as little as possible. Not enough left → the whole
        # order rolls back.
        try:
            reserve((line.item.sku, line.quantity) for line in priced.lines)
        except InsufficientStock as exc:
            item = next(ln.item for ln in priced.lines if ln.item.sku == exc.sku)
            raise CheckoutError(_short_message(item, exc.available))
        # The buyer's and the producers' messages are jobs recorded with the order (one commit;
        # a rolled-back order queues nothing) and run once it is committed.
        emails.send_order_email(order.pk, "placed")
        notify_producers(order.pk, [group.producer_id for group in priced.groups])
        skus = frozenset(line.item.sku for line in priced.lines)
        transaction.on_commit(lambda: order_placed.send(sender=Order, order_pk=order.pk, skus=skus))
    return order


def _quote_fields(quote: PartQuote) -> dict:
    """What the part keeps of the quote that priced it."""
    return {
        "weight_grams": quote.weight_grams,
        "quoted_by": quote.carrier,
        "quote_note": quote.note[:255],
        "days_min": quote.days_min or None,
        "days_max": quote.days_max or None,
        "carrier_fee": quote.carrier_fee if quote.carrier else None,
    }
