"""The purchasable-variant interface: the only door through which the shop reads the catalogue.

The shop asks by SKU and gets plain, immutable records (title, variant label, unit price in whole
đồng, producer, stock available right now). Only variants of public product pages
(cms.visibility) are purchasable.
The shop never imports products.models; products never imports the shop.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from cms.visibility import public

from . import sources
from .models import ProducerPage, ProductPage, ProductVariant
from .stock import availability


@dataclass(frozen=True)
class Purchasable:
    sku: str
    title: str
    variant_label: str
    unit_price: int
    producer_id: int
    producer_title: str
    producer_slug: str
    available: int
    product_id: int
    weight_grams: int | None = None  # None: the producer has not given it
    restricted: bool = False  # alcohol from 5.5% or age-restricted: adults, paid online only
    # False for a place in an experience session (products/sources.py): nothing to deliver,
    # the buyer comes to the producer, so the checkout offers no delivery for it.
    shippable: bool = True
    # Share of the price paid when ordering, in percent (an experience with a deposit rule:
    # the rest is paid to the producer on site). 100: paid in full.
    deposit_percent: int = 100

    @property
    def display_name(self) -> str:
        return display_name(self.title, self.variant_label)

    def due_on_site(self, amount: int) -> int:
        """Of `amount` đồng of this item, what is paid on site rather than when ordering."""
        return amount - deposit_of(amount, self.deposit_percent)


def display_name(title: str, variant_label: str) -> str:
    """How the shop names a variant: "Bánh pía — Hộp 4 chiếc"."""
    return f"{title} — {variant_label}"


def deposit_of(amount: int, percent: int) -> int:
    """What is charged when ordering `amount` đồng with a `percent` deposit (whole đồng,
    rounded up, so the deposit never falls short of its share); 100 → all of it."""
    if percent >= 100:
        return amount
    return (amount * percent + 99) // 100


def get_purchasables(skus: Iterable[str]) -> dict[str, Purchasable]:
    """Purchasable records for the given SKUs; unknown, unpublished or producer-less SKUs are
    simply absent from the result."""
    skus = {str(s) for s in skus if s}
    if not skus:
        return {}
    own, others = sources.split_skus(skus)
    found: dict[str, Purchasable] = {}
    for source, theirs in others:
        found.update(source.get(theirs))
    skus = set(own)
    if not skus:
        return found
    # Plain values, not model instances (a page and its producer per row, with Wagtail's page
    # machinery): the final click of every buyer reads this, sold out or not.
    rows = ProductVariant.objects.filter(
        sku__in=skus, page__in=public(ProductPage), page__producer__isnull=False
    ).values_list(
        "sku",
        "label",
        "price",
        "weight_grams",
        "page_id",
        "page__title",
        "page__alcohol_abv",
        "page__age_restricted",
        "page__licence_number",
        "page__producer_id",
        "page__producer__title",
        "page__producer__slug",
    )
    free = availability(skus)
    rows = list(rows)
    # A product sold by another source (an experience: places in dated sessions) is not sold
    # by its variants.
    claimed = sources.claimed_products({row[4] for row in rows})
    for (
        sku,
        label,
        price,
        weight,
        page_id,
        title,
        abv,
        age_restricted,
        licence,
        producer_id,
        producer_title,
        producer_slug,
    ) in rows:
        restricted = ProductPage.is_restricted(abv, age_restricted)
        # Restricted goods without the seller's licence are not for sale, however published.
        if (restricted and not licence.strip()) or page_id in claimed:
            continue
        found[sku] = Purchasable(
            sku=sku,
            title=title,
            variant_label=label,
            unit_price=int(price),
            producer_id=producer_id,
            producer_title=producer_title,
            producer_slug=producer_slug,
            available=free.get(sku, 0),
            product_id=page_id,
            weight_grams=weight,
            restricted=restricted,
        )
    return found


def short_of_stock(items: Mapping[str, int]) -> list[str]:
    """The catalogue's own SKUs of `items` (sku → quantity) with fewer units available than
    asked, from the stock rows alone: the cheap answer to the many buyers who press "order"
    after the last unit went (no catalogue records read). An empty list is no promise: SKUs of
    other sources are not judged here, and whether the rest is still for sale is for
    `get_purchasables` to say."""
    own, _others = sources.split_skus(items.keys())
    free = availability(own)
    return sorted(sku for sku in own if int(items[sku]) > free[sku])


def get_purchasable(sku: str) -> Purchasable | None:
    return get_purchasables([sku]).get(sku)


def producer_ids_for_slugs(slugs: Iterable[str]) -> set[int]:
    """Producer ids for producer page slugs (used to resolve "Producer: <slug>" groups)."""
    slugs = {s for s in slugs if s}
    if not slugs:
        return set()
    return set(ProducerPage.objects.filter(slug__in=slugs).values_list("pk", flat=True))


def commission_rates(ids: Iterable[int]) -> dict[int, int]:
    """Producers with their own commission rate (basis points), set by officers."""
    from .models import SellerIdentity

    rows = SellerIdentity.objects.filter(producer_id__in=set(ids), commission_bp__isnull=False)
    return dict(rows.values_list("producer_id", "commission_bp"))


def producer_kinds(ids: Iterable[int]) -> dict[int, str]:
    """Each producer's legal form ("household", "cooperative", …): taxes depend on it."""
    return dict(ProducerPage.objects.filter(pk__in=set(ids)).values_list("pk", "kind"))


def producer_titles(ids: Iterable[int]) -> dict[int, str]:
    return dict(ProducerPage.objects.filter(pk__in=set(ids)).values_list("pk", "title"))


@dataclass(frozen=True)
class ProducerContact:
    producer_id: int
    title: str
    phone: str
    emails: list[str]


def producer_contacts(ids: Iterable[int]) -> dict[int, ProducerContact]:
    """How to reach each producer: its page's phone and email, and the emails of its logins
    (the "Producer: <slug>" group)."""
    from django.contrib.auth import get_user_model

    from .roles import producer_group_name

    ids = set(ids)
    producers = ProducerPage.objects.filter(pk__in=ids).only("title", "slug", "phone", "email")
    contacts = {}
    for producer in producers:
        logins = get_user_model().objects.filter(
            is_active=True, groups__name=producer_group_name(producer.slug)
        )
        emails = [producer.email] if producer.email else []
        emails += [e for e in logins.exclude(email="").values_list("email", flat=True)]
        contacts[producer.pk] = ProducerContact(
            producer.pk, producer.title, producer.phone, sorted(set(emails))
        )
    return contacts


@dataclass(frozen=True)
class ProducerAddress:
    producer_id: int
    title: str
    commune_id: int | None
    address: str
    phone: str


def producer_addresses(ids: Iterable[int]) -> dict[int, ProducerAddress]:
    """Where each producer is (its page's commune, address and phone): the default pickup
    address for carriers until the producer sets its own."""
    rows = ProducerPage.objects.filter(pk__in=set(ids)).values_list(
        "pk", "title", "commune_id", "address", "phone"
    )
    return {row[0]: ProducerAddress(*row) for row in rows}


def payout_accounts(ids: Iterable[int]) -> dict[int, tuple[str, str, str]]:
    """(bank BIN, account number, holder) of each producer that has given one."""
    from .models import SellerIdentity

    rows = SellerIdentity.objects.filter(producer_id__in=set(ids)).exclude(bank_account="")
    return {r.producer_id: (r.bank_bin, r.bank_account, r.bank_holder) for r in rows}


def variants_without_weight(producer_id: int) -> list[str]:
    """ "Bình gốm men lam — Cỡ lớn" for each of the producer's variants that has no weight
    (carriers then price it at the default weight)."""
    variants = ProductVariant.objects.filter(
        page__producer_id=producer_id, weight_grams__isnull=True
    ).select_related("page")
    variants = variants.order_by("page__title", "sort_order")
    return [display_name(v.page.title, v.label) for v in variants]


def return_days(skus: Iterable[str], default: int) -> dict[str, int]:
    """The return window (days from delivery) of each SKU: its product's category's, else its
    group's, else `default`."""
    rows = ProductVariant.objects.filter(sku__in=set(skus)).values_list(
        "sku", "page__category__return_days", "page__category__parent__return_days"
    )
    return {sku: own or group or default for sku, own, group in rows}


def product_ids(skus: Iterable[str]) -> dict[str, int]:
    """The product page of each SKU (published or not): {sku: page id}."""
    return dict(ProductVariant.objects.filter(sku__in=set(skus)).values_list("sku", "page_id"))


def selling_products():
    """Public product pages sold through the cart now — the rule of `get_purchasables` for a
    whole page: under a producer, with at least one variant, not restricted goods without the
    seller's licence, not sold by another source (an experience's places). In stock or not."""
    from decimal import Decimal

    from django.db.models import Q
    from django.db.models.functions import Trim

    strong = Decimal(str(ProductPage.ALCOHOL_RESTRICTED_FROM))
    restricted = Q(age_restricted=True) | Q(alcohol_abv__gte=strong)
    pages = (
        public(ProductPage)
        .filter(producer__isnull=False, variants__isnull=False)
        .annotate(licence=Trim("licence_number"))
        .exclude(restricted & Q(licence=""))
        .distinct()
    )
    claimed = sources.claimed_products(set(pages.values_list("pk", flat=True)))
    return pages.exclude(pk__in=claimed)


def producer_communes(ids: Iterable[int]) -> dict[int, tuple[str, str]]:
    """(commune code, commune name) of each producer that has a commune: the shop's sales by
    commune are by where the producer is."""
    from .reference import Commune

    rows = dict(
        ProducerPage.objects.filter(pk__in=set(ids), commune__isnull=False).values_list(
            "pk", "commune_id"
        )
    )
    communes = {c.pk: c for c in Commune.objects.filter(pk__in=set(rows.values()))}
    return {pk: (communes[c].code, str(communes[c])) for pk, c in rows.items()}


@dataclass(frozen=True)
class Thumbnail:
    url: str
    width: int
    height: int


THUMBNAIL_SPEC = "fill-96x96|format-webp"


def thumbnails(product_ids: Iterable[int]) -> dict[int, Thumbnail]:
    """A small square picture of each product (its first gallery picture), for cart and order
    lines: two queries for any number of products, plus one per rendition not made yet."""
    from django.db.models import Prefetch
    from wagtail.images import get_image_model

    from .models import ProductImage

    ids = {int(i) for i in product_ids if i}
    if not ids:
        return {}
    renditions = get_image_model().get_rendition_model().objects.filter(filter_spec=THUMBNAIL_SPEC)
    rows = (
        ProductImage.objects.filter(page_id__in=ids)
        .select_related("image")
        .prefetch_related(
            Prefetch("image__renditions", renditions, to_attr="prefetched_renditions")
        )
        .order_by("page_id", "sort_order", "pk")
    )
    found: dict[int, Thumbnail] = {}
    for row in rows:
        if row.page_id in found:
            continue
        rendition = row.image.get_rendition(THUMBNAIL_SPEC)
        found[row.page_id] = Thumbnail(rendition.url, rendition.width, rendition.height)
    return found


def product_urls(product_ids: Iterable[int]) -> dict[int, str]:
    """The absolute URL of each public product page (for e-mails and links from the shop)."""
    ids = {int(i) for i in product_ids if i}
    pages = public(ProductPage).filter(pk__in=ids)
    return {page.pk: page.full_url for page in pages}
