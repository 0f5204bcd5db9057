"""Admin screens for money: officers run payout batches; a producer sees its balance, statement
and payouts. Thin views over shop.ledger."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView, View
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from . import ledger
from .admin_views import OfficerOnlyMixin, csv_download
from .models import PayoutBatch, PayoutLine
from .permissions import is_officer, producer_ids_for


class PayoutsView(OfficerOnlyMixin, WagtailAdminTemplateMixin, TemplateView):
    page_title = gettext_lazy("Chi trả cho chủ thể")
    header_icon = "doc-full"
    template_name = "shop/admin/payouts.html"

    def get_context_data(self, **kwargs):
        from products.purchasable import producer_titles

        context = super().get_context_data(**kwargs)
        owed = ledger.owed_to_producers()
        titles = producer_titles(owed)
        context.update(
            balances=sorted(
                ((titles.get(p, p), amount) for p, amount in owed.items() if amount),
                key=lambda row: str(row[0]),
            ),
            batches=PayoutBatch.objects.prefetch_related("lines")[:20],
            missing_accounts=self._missing_accounts(owed, titles),
            minimum=settings.SHOP_PAYOUT_MINIMUM,
        )
        return context

    @staticmethod
    def _missing_accounts(owed, titles):
        from products.purchasable import payout_accounts

        known = payout_accounts(p for p, amount in owed.items() if amount > 0)
        return sorted(str(titles.get(p, p)) for p, a in owed.items() if a > 0 and p not in known)

    def post(self, request, *args, **kwargs):
        if request.POST.get("action") == "create":
            batch = ledger.create_payout_batch(user=request.user)
            if batch is None:
                messages.info(request, _("Không có chủ thể nào đủ số dư để chi trả."))
            else:
                messages.success(request, _("Đã tạo đợt chi trả #%(n)s.") % {"n": batch.pk})
        elif request.POST.get("action") == "paid":
            batch = get_object_or_404(PayoutBatch, pk=request.POST.get("batch"))
            try:
                ledger.mark_batch_paid(batch, bank_reference=request.POST.get("reference", ""))
            except ValueError as exc:
                messages.error(request, str(exc))
            else:
                messages.success(request, _("Đã ghi nhận chi trả đợt #%(n)s.") % {"n": batch.pk})
        return redirect("shop_admin_payouts")


class PayoutCsvView(View):
    """The bank transfer file of one batch: account, holder, amount, memo."""

    def get(self, request, pk):
        if not is_officer(request.user):
            raise PermissionDenied
        batch = get_object_or_404(PayoutBatch, pk=pk)
        response, writer = csv_download(f"chi-tra-{batch.pk}.csv")
        from products.purchasable import payout_accounts

        lines = list(batch.lines.all())
        accounts = payout_accounts(line.producer_id for line in lines)
        writer.writerow(
            ["Mã ngân hàng (BIN)", "Số tài khoản", "Chủ tài khoản", "Số tiền", "Nội dung"]
        )
        for line in lines:
            bank_bin, account, holder = accounts.get(line.producer_id, ("", "", ""))
            writer.writerow(
                [
                    bank_bin,
                    account,
                    holder or line.producer_title,
                    line.amount,
                    f"OCOP chi tra dot {batch.pk} {line.producer_title}"[:100],
                ]
            )
        return response


class BalanceView(WagtailAdminTemplateMixin, TemplateView):
    """A producer's money: what it is owed now, every entry, its payouts."""

    page_title = gettext_lazy("Số dư và sao kê")
    header_icon = "doc-full"
    template_name = "shop/admin/balance.html"

    def dispatch(self, request, *args, **kwargs):
        self.producer_ids = sorted(producer_ids_for(request.user))
        if not self.producer_ids:
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        producers = []
        for pid in self.producer_ids:
            producers.append(
                {
                    "id": pid,
                    "owed": ledger.owed_to_producer(pid),
                    "entries": [
                        {"txn": e.transaction, "amount": -e.amount}  # + : owed to the producer
                        for e in ledger.statement(pid)[:200]
                    ],
                    "payouts": list(
                        PayoutLine.objects.filter(producer_id=pid).select_related("batch")[:50]
                    ),
                }
            )
        context["producers"] = producers
        return context


class StatementCsvView(View):
    def get(self, request):
        ids = sorted(producer_ids_for(request.user))
        if not ids:
            raise PermissionDenied
        stamp = timezone.localdate().isoformat()
        response, writer = csv_download(f"sao-ke-{stamp}.csv")
        writer.writerow(["Ngày", "Loại", "Mã đơn", "Số tiền (dương: được nhận)", "Ghi chú"])
        for pid in ids:
            for entry in ledger.statement(pid).iterator(chunk_size=500):
                txn = entry.transaction
                writer.writerow(
                    [
                        timezone.localtime(txn.created_at).strftime("%Y-%m-%d %H:%M"),
                        txn.kind,
                        txn.order.reference if txn.order_id else "",
                        -entry.amount,
                        txn.memo,
                    ]
                )
        return response
