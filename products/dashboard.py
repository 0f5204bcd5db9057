"""The admin home for producers and officers: what needs doing today, first.

Producer: one big "Thêm sản phẩm" button, its products waiting for review or sent back with
the officer's comment, and variants with little or no stock. Officer: products waiting for
approval and producers onboarded in the last 30 days. (Orders are the shop's panel.)
"""

import datetime

from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from wagtail.admin.ui.components import Component
from wagtail.models import WorkflowState

from .models import ProducerPage, ProductPage, StockItem
from .permissions import is_officer, producer_pages_for, variants_for

LOW_STOCK = 3


def _states(pages_qs, status):
    ids = [str(pk) for pk in pages_qs.values_list("pk", flat=True)]
    return (
        WorkflowState.objects.filter(
            base_content_type__model="page", object_id__in=ids, status=status
        )
        .select_related("current_task_state")
        .order_by("-created_at")
    )


class ProducerHomePanel(Component):
    name = "ocop_producer_home"
    template_name = "products/admin/dashboard/producer.html"
    order = 10

    def __init__(self, user):
        self.user = user

    def get_context_data(self, parent_context):
        producers = list(producer_pages_for(self.user).order_by("title"))
        mine = ProductPage.objects.none()
        for producer in producers:
            mine = mine | ProductPage.objects.descendant_of(producer)
        waiting = _states(mine, WorkflowState.STATUS_IN_PROGRESS)
        sent_back = []
        for state in _states(mine, WorkflowState.STATUS_NEEDS_CHANGES)[:10]:
            task_state = state.current_task_state
            sent_back.append(
                {
                    "page": state.content_object,
                    "comment": task_state.get_comment() if task_state else "",
                    "edit_url": reverse("wagtailadmin_pages:edit", args=[state.object_id]),
                }
            )
        skus = variants_for(self.user).values("sku")
        low = (
            StockItem.objects.filter(sku__in=skus)
            .annotate(free=F("on_hand") - F("reserved"))
            .filter(free__lt=LOW_STOCK)
            .order_by("free", "sku")
        )
        return {
            "producers": producers,
            "add_urls": [
                (p, reverse("wagtailadmin_pages:add", args=["products", "productpage", p.pk]))
                for p in producers
            ],
            "waiting_count": waiting.count(),
            "sent_back": sent_back,
            "low_stock": list(low[:10]),
            "low_stock_count": low.count(),
            "stock_url": reverse("ocop_stock"),
        }


class OfficerHomePanel(Component):
    name = "ocop_officer_home"
    template_name = "products/admin/dashboard/officer.html"
    order = 10

    def get_context_data(self, parent_context):
        waiting = _states(ProductPage.objects.all(), WorkflowState.STATUS_IN_PROGRESS)
        since = timezone.now() - datetime.timedelta(days=30)
        return {
            "waiting": [
                {"state": s, "edit_url": reverse("wagtailadmin_pages:edit", args=[s.object_id])}
                for s in waiting[:10]
            ],
            "waiting_count": waiting.count(),
            "new_producers": list(
                ProducerPage.objects.filter(first_published_at__gte=since).order_by("-pk")[:10]
            ),
            "onboard_url": reverse("ocop_onboard"),
        }


def home_panels(request) -> list[Component]:
    if is_officer(request.user):
        return [OfficerHomePanel()]
    if producer_pages_for(request.user).exists():
        return [ProducerHomePanel(request.user)]
    return []
