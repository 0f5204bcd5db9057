"""The public catalogue: filtering, sorting and the card data the listing needs.

Views call `search_catalogue(params)`; it validates the parameters (bad values are dropped and
reported, never a 500) and returns a queryset ready for pagination with a fixed number of queries.
"""

import hashlib
from dataclasses import dataclass, field

from django import forms
from django.core.paginator import Paginator
from django.db.models import Exists, F, OuterRef, Prefetch, Q
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from cms.visibility import public

from .models import OcopCategory, ProductImage, ProductPage, ProductVariant
from .reference import Commune
from .stock import in_stock_condition

# NULLs (unpublished dates, unrated products, no price) go last on every database.
SORTS = {
    "newest": (F("first_published_at").desc(nulls_last=True), "-pk"),
    "price": (F("min_price").asc(nulls_last=True), "title"),
    "-price": (F("min_price").desc(nulls_last=True), "title"),
    "stars": (F("ocop_stars").desc(nulls_last=True), "title"),
    # Buyers' rating (products/ratings.py): best average first, then the better-attested.
    "rating": (
        F("rating__average").desc(nulls_last=True),
        F("rating__count").desc(nulls_last=True),
        "title",
    ),
    "name": ("title", "pk"),
}


REFERENCE_SECONDS = 600  # the OCOP categories are reference data (Decision 148/QĐ-TTg)


def ocop_categories() -> list[OcopCategory]:
    """Every OCOP group and subgroup, kept in the cache for a few minutes (the filter form is
    built on every listing request; the list changes only with a data migration)."""
    from django.core.cache import cache

    return cache.get_or_set(
        "catalogue:categories", lambda: list(OcopCategory.objects.all()), REFERENCE_SECONDS
    )


class CatalogueFilterForm(forms.Form):
    q = forms.CharField(label=_("Tìm"), required=False, max_length=100)
    group = forms.ChoiceField(label=_("Nhóm OCOP"), required=False)
    category = forms.ChoiceField(label=_("Phân nhóm"), required=False)
    stars = forms.TypedMultipleChoiceField(
        label=_("Hạng sao"),
        required=False,
        coerce=int,
        choices=[(3, _("3 sao")), (4, _("4 sao")), (5, _("5 sao"))],
        widget=forms.CheckboxSelectMultiple,
    )
    commune = forms.CharField(label=_("Xã/phường"), required=False, max_length=100)
    price_min = forms.IntegerField(label=_("Giá từ"), required=False, min_value=0)
    price_max = forms.IntegerField(label=_("Giá đến"), required=False, min_value=0)
    in_stock = forms.BooleanField(label=_("Còn hàng"), required=False)
    sort = forms.ChoiceField(
        label=_("Sắp xếp"),
        required=False,
        choices=[
            ("newest", _("Mới nhất")),
            ("price", _("Giá tăng dần")),
            ("-price", _("Giá giảm dần")),
            ("stars", _("Hạng sao cao nhất")),
            ("rating", _("Đánh giá của người mua")),
            ("name", _("Tên A–Z")),
        ],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        categories = ocop_categories()
        groups = [c for c in categories if c.parent_id is None]
        self.fields["group"].choices = [("", _("Tất cả"))] + [
            (c.code, f"{c.code}. {c.display_name}") for c in groups
        ]
        # One tap per group above the results (the filters are folded on a phone).
        self.group_chips = [(c.code, c.display_name) for c in groups]
        self.fields["category"].choices = [("", _("Tất cả"))] + [
            (c.code, f"{c.code} {c.display_name}") for c in categories if c.parent_id is not None
        ]

    def clean(self):
        data = super().clean()
        low, high = data.get("price_min"), data.get("price_max")
        if low is not None and high is not None and low > high:
            self.add_error("price_max", _("Giá đến phải lớn hơn hoặc bằng giá từ."))
        return data


@dataclass
class CatalogueResult:
    form: CatalogueFilterForm
    products: object  # queryset
    errors: dict = field(default_factory=dict)
    active_filters: dict = field(default_factory=dict)

    @property
    def filters(self) -> dict:
        """The active filters that narrow the list (the sort order is not one)."""
        return {k: v for k, v in self.active_filters.items() if k != "sort"}

    @property
    def filter_count(self) -> int:
        return len(self.filters)


def card_images_prefetch() -> Prefetch:
    """The products' pictures with their image rows (one query); the renditions of the card's
    specs are fetched by products.cards only for cards not already cached."""
    return Prefetch(
        "images",
        queryset=ProductImage.objects.order_by("sort_order", "pk").select_related("image"),
    )


def product_cards(queryset):
    """Everything a product card shows, fetched in a constant number of queries (rendered by
    products.cards.render_cards)."""
    return (
        queryset.select_related("origin_commune", "producer")
        .annotate(
            in_stock=in_stock_condition(),
            rating_average=F("rating__average"),
            rating_count=F("rating__count"),
        )
        .prefetch_related(card_images_prefetch())
    )


class CountedPaginator(Paginator):
    """A paginator whose total (one COUNT over the filtered catalogue: 10 ms at 10,000 products
    on SQLite) is kept in the cache under the "products" and "site" tag versions — what every
    publish, unpublish, move, in stock ↔ sold out flip and view-restriction change purges — for
    these filters. Only with a cache every process shares (cms.cache.shared())."""

    def __init__(self, object_list, per_page, *, filters: dict, site=None):
        super().__init__(object_list, per_page)
        self.filters, self.site = filters, site

    @cached_property
    def count(self):
        from django.core.cache import cache as store

        from cms import cache

        if not cache.shared():
            return super().count
        versions = cache.tag_versions(["products", "site"], create=True)
        raw = repr((sorted(self.filters.items()), getattr(self.site, "pk", None), versions))
        key = "catalogue:count:" + hashlib.sha1(raw.encode()).hexdigest()
        total = store.get(key)
        if total is None:
            total = super().count
            store.set(key, total, timeout=REFERENCE_SECONDS)
        return total


def search_catalogue(params, site=None) -> CatalogueResult:
    """Filter and sort public products (of `site`, when given) from request GET parameters."""
    form = CatalogueFilterForm(params)
    form.is_valid()  # Invalid fields are dropped; the rest still filter.
    data = {k: v for k, v in form.cleaned_data.items() if v not in (None, "", [], False)}
    errors = {name: [str(e) for e in errs] for name, errs in form.errors.items()}

    products = public(ProductPage, site)
    if text := data.get("q"):
        products = products.filter(Q(title__icontains=text) | Q(name_en__icontains=text))
    if group := data.get("group"):
        products = products.filter(Q(category__code=group) | Q(category__parent__code=group))
    if category := data.get("category"):
        products = products.filter(category__code=category)
    if stars := data.get("stars"):
        products = products.filter(ocop_stars__in=stars)
    if commune := data.get("commune"):
        products = products.filter(origin_commune__in=Commune.objects.matching(commune))
    low, high = data.get("price_min"), data.get("price_max")
    if low is not None or high is not None:
        variants = ProductVariant.objects.filter(page=OuterRef("pk"))
        if low is not None:
            variants = variants.filter(price__gte=low)
        if high is not None:
            variants = variants.filter(price__lte=high)
        products = products.filter(Exists(variants))
    if data.get("in_stock"):
        products = products.filter(in_stock_condition())
    products = products.order_by(*SORTS[data.get("sort") or "newest"])
    return CatalogueResult(
        form=form, products=product_cards(products), errors=errors, active_filters=data
    )
