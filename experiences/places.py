"""Places in experience sessions: the one rule, and the only code that writes held/booked.

A session's places are its stock: held (reserved by an order not yet attended) + booked
(attended) ≤ capacity. The shop never calls this module by name: its cart and checkout go
through `products.purchasable.get_purchasables()` and `products.stock.reserve()` / `release()`
/ `consume()` / `restock()`, which hand SKUs `EXP-<session id>` to `SessionPlaces` here
(products/sources.py), inside the order's own transaction — an order and its places are
created, or neither.

`change_places()` takes the session rows with `select_for_update()` in ascending id order (no
deadlock between two orders of several sessions), re-checks the rule on the locked row, and
writes with a conditional UPDATE; the CHECK constraint `experiences_places_within_capacity`
backs it in the database. On PostgreSQL the row lock serialises concurrent buyers; on SQLite
the write transaction does (BEGIN IMMEDIATE, cms/settings/base.py). A buyer who loses gets
`products.stock.InsufficientStock`, which the checkout turns into a Vietnamese message, and
nothing of the order is kept (the cart is untouched).
"""

from collections import defaultdict
from collections.abc import Iterable

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from cms import cache
from cms.visibility import public
from products.models import ProductPage
from products.purchasable import Purchasable
from products.stock import InsufficientStock

from .models import Experience, ExperienceSession

SKU_PREFIX = "EXP-"
HOLD, RELEASE, ATTEND, UNATTEND = "hold", "release", "attend", "unattend"


def session_id(sku: str) -> int | None:
    """The session of an `EXP-<id>` SKU (None for anything else)."""
    rest = str(sku)[len(SKU_PREFIX) :] if str(sku).startswith(SKU_PREFIX) else ""
    return int(rest) if rest.isascii() and rest.isdigit() and len(rest) < 12 else None


def _totals(items: Iterable[tuple[str, int]]) -> list[tuple[int, str, int]]:
    totals: dict[str, int] = defaultdict(int)
    for sku, n in items:
        if int(n) <= 0:
            raise ValueError("Số người phải là số nguyên dương.")
        totals[str(sku)] += int(n)
    rows = []
    for sku, n in totals.items():
        pk = session_id(sku)
        if pk is None:
            raise ValueError(f"{sku}: không phải mã buổi trải nghiệm")
        rows.append((pk, sku, n))
    return sorted(rows)  # fixed order: two orders of several sessions never deadlock


def change_places(operation: str, items: Iterable[tuple[str, int]]) -> list[int]:
    """Hold, release, attend (held → booked) or unattend places, all or none.

    HOLD refuses (InsufficientStock) a session that is cancelled, already started or without
    enough places left; the others never fail (what is not there is not taken back). Returns
    the ids of the sessions changed."""
    rows = _totals(items)
    changed = []
    with transaction.atomic():
        for pk, sku, n in rows:
            session = (
                ExperienceSession.objects.select_for_update()
                .filter(pk=pk)
                .only("capacity", "held", "booked", "status", "date", "start_time")
                .first()
            )
            if operation == HOLD:
                if (
                    session is None
                    or session.status != ExperienceSession.Status.OPEN
                    or session.starts_at <= timezone.now()
                ):
                    raise InsufficientStock(sku, n, 0)
                updated = ExperienceSession.objects.filter(
                    pk=pk, capacity__gte=F("held") + F("booked") + n
                ).update(held=F("held") + n)
                if updated != 1:
                    raise InsufficientStock(sku, n, session.remaining)
            elif session is None:
                continue
            elif operation == RELEASE:
                if not ExperienceSession.objects.filter(pk=pk, held__gte=n).update(
                    held=F("held") - n
                ):
                    continue
            elif operation == ATTEND:
                if not ExperienceSession.objects.filter(pk=pk, held__gte=n).update(
                    held=F("held") - n, booked=F("booked") + n
                ):
                    continue
            elif operation == UNATTEND:
                if not ExperienceSession.objects.filter(pk=pk, booked__gte=n).update(
                    booked=F("booked") - n
                ):
                    continue
            else:
                raise ValueError(operation)
            changed.append(pk)
        if changed:
            _purge_pages(changed)
    return changed


def _purge_pages(session_ids: list[int]) -> None:
    """The product page shows places left: a cached copy of it is stale now."""
    products = ExperienceSession.objects.filter(pk__in=session_ids).values_list(
        "experience__product_id", flat=True
    )
    cache.purge_on_commit(*(f"page:{pk}" for pk in set(products)))


def bookable_sessions(product: ProductPage):
    """Upcoming open sessions of an experience product with at least one place left."""
    now = timezone.localtime()
    return (
        ExperienceSession.objects.filter(
            experience__product=product,
            status=ExperienceSession.Status.OPEN,
            date__gte=now.date(),
            capacity__gt=F("held") + F("booked"),
        )
        .select_related("experience__product")
        .order_by("date", "start_time", "pk")
    )


class SessionPlaces:
    """The purchasable source for `EXP-<session id>` SKUs (registered in apps.py)."""

    def get(self, skus: Iterable[str]) -> dict[str, Purchasable]:
        ids = {pk for pk in (session_id(s) for s in skus) if pk is not None}
        if not ids:
            return {}
        sessions = ExperienceSession.objects.filter(
            pk__in=ids,
            status=ExperienceSession.Status.OPEN,
            experience__product__in=public(ProductPage),
            experience__product__producer__isnull=False,
        ).select_related("experience__product__producer")
        now = timezone.now()
        found = {}
        for s in sessions:
            if s.starts_at <= now:
                continue  # started: no longer bookable
            product = s.experience.product
            found[s.sku] = Purchasable(
                sku=s.sku,
                title=product.title,
                variant_label=str(s.label),
                unit_price=s.unit_price,
                producer_id=product.producer.pk,
                producer_title=product.producer.title,
                producer_slug=product.producer.slug,
                available=s.remaining,
                product_id=product.pk,
                weight_grams=0,
                restricted=product.restricted,
                shippable=False,
                deposit_percent=s.experience.charged_percent,
            )
        return found

    def claimed_products(self, product_ids) -> set[int]:
        return set(
            Experience.objects.filter(product_id__in=set(product_ids)).values_list(
                "product_id", flat=True
            )
        )

    def reserve(self, items):
        change_places(HOLD, items)

    def release(self, items):
        change_places(RELEASE, items)

    def consume(self, items):
        change_places(ATTEND, items)

    def restock(self, items):
        change_places(UNATTEND, items)
