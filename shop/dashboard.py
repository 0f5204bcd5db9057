"""The admin home's order panel: for a producer, its parts waiting to be shipped (count and
the next one, oldest first); for an officer, transfers to confirm and orders flagged for it."""

from django.urls import reverse
from wagtail.admin.ui.components import Component

from .models import Order, OrderShipment
from .permissions import is_officer, producer_ids_for

P, S = OrderShipment.Status, Order.Status
OPEN = (P.PENDING, P.PROCESSING)


class OrdersHomePanel(Component):
    name = "shop_orders_home"
    template_name = "shop/admin/dashboard/orders.html"
    order = 20

    def __init__(self, user):
        self.user = user

    def get_context_data(self, parent_context):
        officer = is_officer(self.user)
        context = {"officer": officer, "orders_url": reverse("shop_admin_orders")}
        if officer:
            transfers = Order.objects.filter(
                payment_method=Order.Payment.VIETQR, status=S.PENDING_PAYMENT
            ).order_by("created_at")
            flagged = Order.objects.exclude(flagged_reason="").order_by("-flagged_at")
            context.update(
                transfers=list(transfers[:10]),
                transfer_count=transfers.count(),
                flagged=list(flagged[:10]),
            )
            return context
        parts = (
            OrderShipment.objects.filter(
                producer_id__in=producer_ids_for(self.user), status__in=OPEN
            )
            .exclude(order__status__in=(S.PENDING_PAYMENT, S.CANCELLED, S.REFUNDED))
            .select_related("order")
            .order_by("order__created_at")
        )
        context.update(to_ship=parts.count(), next_part=parts.first())
        return context


def home_panels(request):
    if is_officer(request.user) or producer_ids_for(request.user):
        return [OrdersHomePanel(request.user)]
    return []
