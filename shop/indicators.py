"""The shop's indicators on the Plan 236 dashboard (cms/dashboard.py), registered from
ShopConfig.ready: orders and revenue by month (public, city-wide) and by commune (officers).

What counts (docs/opendata.md, "Dashboard"), read from the order states and the ledger:
- a **sale** is one producer's part of an order (`OrderShipment`) whose sale is booked in the
  ledger (`sale:<part>`: the card payment or bank transfer was received, or the cash on
  delivery was recorded as collected — shop/ledger.py) and not reversed by a refund
  (`reversal:sale:<part>`), and whose part was neither cancelled nor returned to the seller.
  Orders waiting for payment, cancelled, refunded, and COD parts whose cash is not recorded
  yet are not counted;
- **revenue** = the goods of those parts (the lines' unit price × quantity, the prices the
  buyer paid), without delivery fees (they pay the carrier), minus what accepted returns
  refunded (`return:<request>` in the ledger); in whole đồng;
- **orders** = orders with at least one sale (in a commune: with a sale of a producer there);
- the **month** is when the order was placed, in Vietnam time (Asia/Ho_Chi_Minh);
- the **commune** is the producer's (products.purchasable.producer_communes), not the buyer's:
  no buyer address, name or order reference is in any figure.
"""

from __future__ import annotations

from collections import defaultdict

from django.db.models import (
    CharField,
    Count,
    Exists,
    F,
    IntegerField,
    Max,
    OuterRef,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Cast, Coalesce, Concat
from django.db.models.signals import post_save
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cms import cache
from cms import dashboard as dash

from .ledger import RETURN, REVERSAL, SALE
from .models import LedgerTransaction, Order, OrderLine, OrderShipment, ReturnRequest

P = OrderShipment.Status


def _sum_subquery(queryset, expression):
    return Coalesce(
        Subquery(
            queryset.annotate(_total=Sum(expression)).values("_total")[:1],
            output_field=IntegerField(),
        ),
        Value(0),
    )


def counted_parts(year: int):
    """The sales of orders placed in `year`: (part id, order id, producer id, placed at, goods,
    refunded) for each counted part."""
    start, end = dash.local_year_bounds(year)
    booked = LedgerTransaction.objects.filter(shipment=OuterRef("pk"), kind=SALE)
    reversed_ = LedgerTransaction.objects.filter(shipment=OuterRef("pk"), kind=REVERSAL)
    lines = OrderLine.objects.filter(shipment=OuterRef("pk")).values("shipment")
    refunded_returns = (
        ReturnRequest.objects.filter(shipment=OuterRef("pk"), refund_amount__gt=0)
        .filter(
            Exists(
                LedgerTransaction.objects.filter(
                    kind=RETURN,
                    key=Concat(Value("return:"), Cast(OuterRef("pk"), CharField())),
                )
            )
        )
        .values("shipment")
    )
    return (
        OrderShipment.objects.filter(order__created_at__gte=start, order__created_at__lt=end)
        .exclude(status__in=(P.CANCELLED, P.RETURNED))
        .filter(Exists(booked))
        .exclude(Exists(reversed_))
        .annotate(
            goods=_sum_subquery(lines, F("unit_price") * F("quantity")),
            refunded=_sum_subquery(refunded_returns, F("refund_amount")),
        )
        .values_list("pk", "order_id", "producer_id", "order__created_at", "goods", "refunded")
    )


def _sales(filters: dash.Filters):
    """[(order id, month, commune code, commune name, revenue)] of the year's counted parts."""
    from products.purchasable import producer_communes

    parts = list(counted_parts(filters.year))
    communes = producer_communes({p[2] for p in parts})
    zone = timezone.get_current_timezone()
    sales = []
    for _pk, order_id, producer_id, placed, goods, refunded in parts:
        code, name = communes.get(producer_id, ("", str(_("Chưa rõ xã/phường"))))
        if filters.commune and code != filters.commune:
            continue
        month = placed.astimezone(zone).month
        sales.append((order_id, month, code, name, goods - refunded))
    return sales


def sales_by_month(filters: dash.Filters) -> list[dict]:
    orders: dict = defaultdict(set)
    revenue: dict = defaultdict(int)
    for order_id, month, _code, _name, amount in _sales(filters):
        orders[month].add(order_id)
        revenue[month] += amount
    last = 12
    today = timezone.localdate()
    if filters.year == today.year:
        last = today.month  # no empty future months on the line
    return [
        {
            "month": dash.month_label(filters.year, month),
            "axis_label": str(month),
            "orders": len(orders[month]),
            "revenue": revenue[month],
        }
        for month in range(1, last + 1)
    ]


def sales_by_commune(filters: dash.Filters) -> list[dict]:
    orders: dict = defaultdict(set)
    revenue: dict = defaultdict(int)
    names = {}
    for order_id, _month, code, name, amount in _sales(filters):
        orders[code].add(order_id)
        revenue[code] += amount
        names[code] = name
    rows = [
        {"commune": names[code], "orders": len(orders[code]), "revenue": revenue[code]}
        for code in names
    ]
    return sorted(rows, key=lambda r: (-r["revenue"], r["commune"]))


def _summary(rows):
    return [
        (_("Đơn hàng đã thanh toán"), sum(r["orders"] for r in rows), dash.COUNT),
        (_("Doanh thu tiền hàng"), sum(r["revenue"] for r in rows), dash.VND),
    ]


def orders_version() -> str:
    """Changes with every order change (status, payment, parts) and every ledger posting."""
    orders = Order.objects.aggregate(n=Count("pk"), m=Max("updated_at"))
    parts = OrderShipment.objects.aggregate(m=Max("updated_at"))
    ledger = LedgerTransaction.objects.aggregate(m=Max("pk"))
    values = (*orders.values(), *parts.values(), *ledger.values())
    return "orders" + "-".join(str(v) for v in values)


def _purge_orders(sender, instance, **kwargs):
    cache.purge_on_commit("orders")


def register_indicators() -> None:
    for model in (LedgerTransaction, OrderShipment, Order):
        post_save.connect(
            _purge_orders, sender=model, dispatch_uid=f"shop.indicators.{model.__name__}"
        )
    common = {
        "uses_year": True,
        "uses_commune": True,
        "version": orders_version,
        "cache_tags": ("orders",),
        "modified": lambda: LedgerTransaction.objects.aggregate(m=Max("created_at"))["m"],
    }
    dash.register(
        dash.Indicator(
            key="sales-months",
            title=_("Đơn hàng và doanh thu theo tháng"),
            definition=_(
                "Đơn hàng có ít nhất một phần đã thanh toán (chuyển khoản, thẻ đã nhận tiền "
                "hoặc đã thu tiền mặt khi giao) và không bị hủy, hoàn tiền hay hoàn hàng; doanh "
                "thu là tiền hàng, không gồm phí vận chuyển, trừ tiền đã hoàn khi đổi trả. Theo "
                "tháng đặt hàng (giờ Việt Nam)."
            ),
            columns=(
                dash.Column("month", _("Tháng"), dash.TEXT),
                dash.Column("revenue", _("Doanh thu"), dash.VND),
                dash.Column("orders", _("Đơn hàng"), chart=False),
            ),
            compute=sales_by_month,
            chart=dash.LINE,
            order=50,
            summary=_summary,  # an order is in one month: the months add up
            **common,
        )
    )
    dash.register(
        dash.Indicator(
            key="sales-communes",
            title=_("Đơn hàng và doanh thu theo xã/phường của chủ thể"),
            definition=_(
                "Cùng các đơn hàng và doanh thu đó theo xã/phường nơi chủ thể bán hàng (một "
                "đơn có hàng của chủ thể ở hai xã được tính ở cả hai). Chỉ cán bộ xem: số liệu "
                "của một xã có thể là doanh thu của một chủ thể."
            ),
            columns=(
                dash.Column("commune", _("Xã/phường"), dash.TEXT),
                dash.Column("revenue", _("Doanh thu"), dash.VND),
                dash.Column("orders", _("Đơn hàng"), chart=False),
            ),
            compute=sales_by_commune,
            chart=dash.BAR,
            public=False,
            order=60,
            **common,
        )
    )
