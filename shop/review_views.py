"""Reviews, thin views (rules in shop/reviews.py): the buyer's form and a product's published
reviews on the public side; moderation and the producer's reply in the admin."""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView, View
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from . import reviews
from .models import Review, ReviewPhoto
from .permissions import is_officer, producer_ids_for
from .return_views import photo_response
from .views import _get_order, order_page

STAR_CHOICES = [(n, format_lazy(gettext_lazy("{n} sao"), n=n)) for n in range(5, 0, -1)]


class ReviewForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=gettext_lazy("Chấm điểm"),
        choices=STAR_CHOICES,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": gettext_lazy("Chọn từ 1 đến 5 sao.")},
    )
    text = forms.CharField(
        label=gettext_lazy("Nhận xét của bạn"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": gettext_lazy("Viết vài lời nhận xét về sản phẩm.")},
    )
    author_name = forms.CharField(
        label=gettext_lazy("Tên hiển thị"),
        max_length=60,
        required=False,
        help_text=gettext_lazy("Hiện cùng đánh giá; để trống để dùng tên rút gọn."),
    )


@order_page
def write_review(request, reference, line):
    """/shop/orders/<ref>/danh-gia/<line>/: the buyer reviews one delivered line."""
    order = _get_order(request, reference)
    token = request.GET.get("t", "")
    back = order.signed_url() if token else order.get_absolute_url()
    item = next((r for r in reviews.reviewable(order) if r.line.pk == line), None)
    if item is None:
        messages.error(
            request, _("Sản phẩm này không thể đánh giá (chưa giao, đã đánh giá hoặc quá hạn).")
        )
        return redirect(back)
    form = ReviewForm(request.POST or None, initial={"author_name": reviews.default_author(order)})
    if request.method == "POST" and form.is_valid():
        try:
            reviews.submit(
                order,
                line,
                rating=form.cleaned_data["rating"],
                text=form.cleaned_data["text"],
                author_name=form.cleaned_data["author_name"],
                photos=request.FILES.getlist("photos"),
                user=request.user,
            )
        except reviews.ReviewError as exc:
            for message in exc.messages:
                form.add_error(None, message)
        else:
            messages.success(
                request, _("Cảm ơn bạn! Đánh giá sẽ hiện trên trang sản phẩm sau khi được duyệt.")
            )
            return redirect(back)
    return render(
        request,
        "shop/review_form.html",
        {
            "order": order,
            "line": item.line,
            "form": form,
            "back": back,
            "max_photos": settings.SHOP_REVIEW_MAX_PHOTOS,
        },
    )


def product_reviews(request, product):
    """/shop/danh-gia/<product>/: every published review of a product, 20 a page."""
    from products.ratings import summary_for

    summary = summary_for(product)
    if summary is None:
        raise Http404
    paginator = Paginator(reviews.published(product), 20)
    page = paginator.get_page(request.GET.get("page"))
    return render(
        request,
        "shop/product_reviews.html",
        {"summary": summary, "page_obj": page, "product": summary.page},
    )


def review_photo(request, photo):
    """A photo of a published review (public, cacheable)."""
    found = ReviewPhoto.objects.filter(pk=photo, review__status=Review.Status.PUBLISHED).first()
    if found is None:
        raise Http404
    return photo_response(found, "public, max-age=3600")


# --- admin ---------------------------------------------------------------------------------


def _scope(user):
    """The reviews an admin user may see: all for officers, their products' for producers."""
    if is_officer(user):
        return Review.objects.all()
    ids = producer_ids_for(user)
    if not ids:
        raise PermissionDenied
    return Review.objects.filter(producer_id__in=ids)


class AdminReviewPhotoView(View):
    def get(self, request, photo):
        found = ReviewPhoto.objects.filter(pk=photo, review__in=_scope(request.user)).first()
        if found is None:
            raise Http404
        return photo_response(found)


class ReviewListView(WagtailAdminTemplateMixin, TemplateView):
    """/admin/shop/danh-gia/?status=…: officers moderate; producers read and reply."""

    template_name = "shop/admin/reviews.html"
    page_title = gettext_lazy("Đánh giá sản phẩm")
    header_icon = "pick"

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [{"url": "", "label": self.page_title}]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        scope = _scope(user)
        officer = is_officer(user)
        default = Review.Status.PENDING if officer else Review.Status.PUBLISHED
        status = self.request.GET.get("status", default)
        if status not in Review.Status.values:
            status = default
        counts = {row: scope.filter(status=row).count() for row in Review.Status.values}
        queryset = (
            scope.filter(status=status)
            .select_related("line__order", "line__shipment")
            .prefetch_related("photos")
            .order_by("created_at" if status == Review.Status.PENDING else "-created_at", "pk")
        )
        page = Paginator(queryset, 20).get_page(self.request.GET.get("page"))
        for review in page:
            review.replyable = reviews.can_reply(user, review)
        context.update(
            page_obj=page,
            status=status,
            officer=officer,
            tabs=[(value, label, counts[value]) for value, label in Review.Status.choices],
        )
        return context


class ReviewActionView(View):
    """POST /admin/shop/danh-gia/<pk>/: publish, hide (with a reason) or reply."""

    def post(self, request, pk):
        review = _scope(request.user).filter(pk=pk).first()
        if review is None:
            raise Http404
        action = request.POST.get("action", "")
        try:
            if action == "publish":
                reviews.publish(review, request.user)
                done = _("Đã đăng đánh giá.")
            elif action == "hide":
                reviews.hide(review, request.user, reason=request.POST.get("reason", ""))
                done = _("Đã ẩn đánh giá.")
            elif action == "reply":
                reviews.reply(review, request.user, text=request.POST.get("reply", ""))
                done = _("Đã gửi trả lời.")
            else:
                raise PermissionDenied
        except reviews.ReviewError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(request, done)
        status = request.POST.get("status", "")
        target = reverse("shop_admin_reviews")
        if status in Review.Status.values:
            target += f"?status={status}"
        return redirect(target)
