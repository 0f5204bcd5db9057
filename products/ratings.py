"""Products' review ratings: the only code that writes `ProductRating`.

The shop owns reviews and their moderation; after each change it hands the product's counts of
published reviews per star here (`set_counts`). Listing sort, cards, the product page and the
search document read the summary; `rating_changed` tells the search index (and any page cache)
that a product's rating moved.
"""

from decimal import ROUND_HALF_UP, Decimal

import django.dispatch

from .models import ProductPage, ProductRating

rating_changed = django.dispatch.Signal()  # sender=None, page_id=int


def set_counts(page_id: int, counts: dict[int, int]) -> ProductRating | None:
    """Store the number of published reviews per star (1–5) of a product; missing stars are 0.
    Returns the summary, or None when the product no longer exists."""
    if not ProductPage.objects.filter(pk=page_id).exists():
        return None
    stars = {n: max(0, int(counts.get(n, 0))) for n in range(1, 6)}
    total = sum(stars.values())
    average = None
    if total:
        average = (Decimal(sum(n * c for n, c in stars.items())) / total).quantize(
            Decimal("0.01"), rounding=ROUND_HALF_UP
        )
    summary, _ = ProductRating.objects.update_or_create(
        page_id=page_id,
        defaults={
            "count": total,
            "average": average,
            **{f"stars_{n}": c for n, c in stars.items()},
        },
    )
    rating_changed.send(sender=None, page_id=page_id)
    return summary


def summary_for(page_id: int) -> ProductRating | None:
    return ProductRating.objects.filter(page_id=page_id, count__gt=0).first()


def summary_of(page) -> ProductRating | None:
    """`summary_for(page.pk)`, without a query when the page was fetched with its rating
    (`select_related("rating")`, as the product page is)."""
    cached = page._state.fields_cache
    if "rating" in cached:
        summary = cached["rating"]
        return summary if summary is not None and summary.count > 0 else None
    return summary_for(page.pk) if page.pk else None
