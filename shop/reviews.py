"""Verified reviews: the one place that says who may review what, how reviews are moderated and
answered, and what a product's rating is.

Only the buyer of an order line that was delivered may review it, once, within
SHOP_REVIEW_DAYS of delivery (the order page — the account's or the signed link's — is the
proof of purchase). A review is 1–5 stars, a text and up to SHOP_REVIEW_MAX_PHOTOS photos (the
same upload checks as the admin's images). It waits for an officer, who publishes it or hides
it with a reason (a published review can be hidden later, a hidden one published again). The
part's producer may reply once. The product's rating counts published reviews only and is
handed to the catalogue (`products.ratings.set_counts`) after every change.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Count
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cms.cache import purge_on_commit
from products.purchasable import producer_contacts, product_ids
from products.ratings import set_counts
from products.uploads import check_photos

from .models import Order, OrderLine, OrderShipment, Review, ReviewPhoto
from .permissions import is_officer, producer_ids_for

S = Review.Status


class ReviewError(Exception):
    def __init__(self, messages):
        self.messages = [messages] if isinstance(messages, str) else list(messages)
        super().__init__("; ".join(self.messages))


@dataclass(frozen=True)
class Reviewable:
    line: OrderLine
    product_id: int
    until: datetime


def _window_end(part: OrderShipment) -> datetime | None:
    if part.status != OrderShipment.Status.DELIVERED or not part.delivered_at:
        return None
    return part.delivered_at + timedelta(days=settings.SHOP_REVIEW_DAYS)


def reviewable(order: Order, now: datetime | None = None) -> list[Reviewable]:
    """The lines of `order` its buyer may review now: delivered, inside the window, not yet
    reviewed, and still linked to a product."""
    now = now or timezone.now()
    parts = [p for p in order.shipments.all() if (end := _window_end(p)) and now <= end]
    lines = [line for part in parts for line in part.lines.all()]
    if not lines:
        return []
    reviewed = set(Review.objects.filter(line__in=lines).values_list("line_id", flat=True))
    by_sku = product_ids(line.sku for line in lines if line.product_id is None)
    found = []
    for part in parts:
        end = _window_end(part)
        for line in part.lines.all():
            product = line.product_id or by_sku.get(line.sku)
            if line.pk not in reviewed and product:
                found.append(Reviewable(line, product, end))
    return found


def default_author(order: Order) -> str:
    """What a review is signed with unless the buyer types another name: the given name (the
    last word of a Vietnamese full name) and the family name's initial — "An N." for
    "Nguyễn Văn An"."""
    words = order.recipient.split()
    if not words:
        return _("Người mua")
    if len(words) == 1:
        return words[0][:60]
    return f"{words[-1]} {words[0][0]}."[:60]


def submit(
    order: Order,
    line_pk: int,
    *,
    rating,
    text: str,
    photos=(),
    author_name: str = "",
    user=None,
    now: datetime | None = None,
) -> Review:
    """The buyer reviews one line of their order. Raises ReviewError with every problem."""
    allowed = {r.line.pk: r for r in reviewable(order, now)}
    item = allowed.get(line_pk)
    problems = []
    if item is None:
        if Review.objects.filter(line_id=line_pk, line__order=order).exists():
            problems.append(_("Bạn đã đánh giá sản phẩm này."))
        else:
            problems.append(
                _("Chỉ đánh giá được sản phẩm đã nhận, trong %(n)s ngày kể từ khi giao.")
                % {"n": settings.SHOP_REVIEW_DAYS}
            )
    try:
        rating = int(rating)
    except (TypeError, ValueError):
        rating = 0
    if not 1 <= rating <= 5:
        problems.append(_("Chọn từ 1 đến 5 sao."))
    text = " ".join((text or "").split())
    if len(text) < 2:
        problems.append(_("Viết vài lời nhận xét về sản phẩm."))
    elif len(text) > 2000:
        problems.append(_("Nhận xét tối đa 2.000 ký tự."))
    photos = list(photos)
    kinds, photo_problems = check_photos(photos, settings.SHOP_REVIEW_MAX_PHOTOS)
    problems.extend(photo_problems)
    if problems:
        raise ReviewError(problems)
    author = " ".join(author_name.split())[:60] or default_author(order)
    with transaction.atomic():
        review = Review.objects.create(
            line=item.line,
            product_id=item.product_id,
            producer_id=item.line.shipment.producer_id,
            user=user if getattr(user, "is_authenticated", False) else None,
            author_name=author,
            rating=rating,
            text=text,
            language=(translation.get_language() or settings.LANGUAGE_CODE)[:10],
        )
        for photo, kind in zip(photos, kinds, strict=True):
            ReviewPhoto.objects.create(review=review, file=photo, content_type=kind)
    return review


def can_moderate(user) -> bool:
    return is_officer(user)


def can_reply(user, review: Review) -> bool:
    return not review.reply and review.producer_id in producer_ids_for(user)


def _lock(review: Review) -> Review:
    return Review.objects.select_for_update().get(pk=review.pk)


def publish(review: Review, user, *, now: datetime | None = None) -> Review:
    if not can_moderate(user):
        raise ReviewError(_("Chỉ cán bộ sàn được kiểm duyệt đánh giá."))
    with transaction.atomic():
        review = _lock(review)
        if review.status == S.PUBLISHED:
            return review
        review.status = S.PUBLISHED
        review.moderation_reason = ""
        review.moderated_by = user
        review.moderated_at = now or timezone.now()
        review.save()
        refresh_rating(review.product_id)
        pk = review.pk
        transaction.on_commit(lambda: notify(pk, "published"))
    return review


def hide(review: Review, user, *, reason: str, now: datetime | None = None) -> Review:
    if not can_moderate(user):
        raise ReviewError(_("Chỉ cán bộ sàn được kiểm duyệt đánh giá."))
    reason = " ".join((reason or "").split())[:255]
    if len(reason) < 3:
        raise ReviewError(_("Ghi lý do ẩn đánh giá (người mua sẽ nhận được lý do này)."))
    with transaction.atomic():
        review = _lock(review)
        was_published = review.status == S.PUBLISHED
        review.status = S.HIDDEN
        review.moderation_reason = reason
        review.moderated_by = user
        review.moderated_at = now or timezone.now()
        review.save()
        if was_published:
            refresh_rating(review.product_id)
        pk = review.pk
        transaction.on_commit(lambda: notify(pk, "hidden"))
    return review


def reply(review: Review, user, *, text: str, now: datetime | None = None) -> Review:
    """The producer's one public reply."""
    text = " ".join((text or "").split())
    if review.producer_id not in producer_ids_for(user):
        raise ReviewError(_("Chỉ người bán của sản phẩm được trả lời đánh giá."))
    if len(text) < 2:
        raise ReviewError(_("Viết nội dung trả lời."))
    if len(text) > 2000:
        raise ReviewError(_("Trả lời tối đa 2.000 ký tự."))
    with transaction.atomic():
        review = _lock(review)
        if review.reply:
            raise ReviewError(_("Mỗi đánh giá chỉ được trả lời một lần."))
        review.reply = text
        review.reply_at = now or timezone.now()
        review.reply_by = user
        review.save()
        purge_on_commit(f"page:{review.product_id}")  # the reply shows on the product page
    return review


def refresh_rating(product_id: int) -> None:
    """Recount the product's published reviews and hand the counts to the catalogue."""
    rows = (
        Review.objects.filter(product_id=product_id, status=S.PUBLISHED)
        .values("rating")
        .annotate(n=Count("pk"))
    )
    set_counts(product_id, {row["rating"]: row["n"] for row in rows})


def published(product_id: int):
    """The product's published reviews, newest first, with their photos."""
    return (
        Review.objects.filter(product_id=product_id, status=S.PUBLISHED)
        .prefetch_related("photos")
        .order_by("-created_at", "-pk")
    )


SUBJECTS = {
    "published": gettext_lazy("Sản phẩm %(product)s có đánh giá mới (%(stars)s sao)"),
    "hidden": gettext_lazy("Đánh giá của bạn về %(product)s không được đăng"),
}


def _recipients(review: Review, what: str) -> list[tuple[str, str]]:
    """(address, language) of who hears of a moderation: the producer of a published review
    (so it can reply), the buyer of a hidden one (with the reason)."""
    if what == "published":
        contact = producer_contacts([review.producer_id]).get(review.producer_id)
        return [(e, settings.LANGUAGE_CODE) for e in (contact.emails if contact else [])]
    order = review.line.order
    return [(order.email, order.language or settings.LANGUAGE_CODE)]


def _load(review_pk: int):
    return Review.objects.select_related("line__order").filter(pk=review_pk).first()


def notify(review_pk: int, what: str) -> None:
    """One "email" job per recipient (cms/jobs.py: retried with backoff, failures listed for
    officers). An email failure never undoes the moderation."""
    from cms import jobs

    review = _load(review_pk)
    if review is None:
        return
    for index, (address, _language) in enumerate(_recipients(review, what)):
        if address:
            jobs.enqueue(
                "email",
                "shop.reviews.deliver_notice",
                review_pk,
                what,
                index,
                label=f"Thư đánh giá #{review_pk} ({what}), người nhận {index + 1}",
            )


def deliver_notice(review_pk: int, what: str, index: int) -> bool:
    """The "email" job: the moderation's news to its `index`-th recipient. Raises when the
    mail server fails (the job is retried)."""
    from django.template.loader import render_to_string

    from .emails import send_now

    review = _load(review_pk)
    recipients = _recipients(review, what) if review else []
    if index >= len(recipients) or not recipients[index][0]:
        return False
    address, language = recipients[index]
    with translation.override(language):
        subject = str(SUBJECTS[what]) % {"product": review.line.title, "stars": review.rating}
        body = render_to_string(
            "shop/email/review.txt",
            {"review": review, "what": what, "site_url": settings.WAGTAILADMIN_BASE_URL},
        )
    send_now(
        EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [address]),
        f"{what} email of review {review_pk}",
    )
    return True
