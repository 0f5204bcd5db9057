"""The catalogue's indicators on the Plan 236 dashboard (cms/dashboard.py), registered from
ProductsConfig.ready: OCOP products online by stars and by commune, communes with a producer
selling online, the share of products with a public traceability batch, NTM status counts.
Also who may open the officers' dashboard (officers: products.permissions) and the communes
its filter offers.

Definitions (docs/opendata.md, "Dashboard"):
- "online" = a public product page (cms.visibility: live, not restricted, in the site);
- "OCOP product" = its certificate is in force today (stars, not revoked, not expired:
  `ProductPage.ocop_status_on`);
- a product's commune = its origin commune, else its producer's commune;
- "selling online" = `products.purchasable.selling_products()` (what the cart sells);
- "public batch" = `products.trace.public_batches()`;
- NTM status of a commune in year Y = its newest result of a year ≤ Y.
"""

from __future__ import annotations

from collections import Counter, defaultdict

from django.db.models import Count, Max, Q
from django.db.models.signals import post_delete, post_save
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.signals import published, unpublished

from cms import cache
from cms import dashboard as dash
from cms.datacache import pages_version
from cms.visibility import public

from .models import ProductPage, TraceabilityBatch
from .ntm import NtmIndicator, NtmResult, NtmStatus
from .reference import Commune

STARS = (3, 4, 5)
NO_COMMUNE = _("Chưa rõ xã/phường")


def _stars_label(stars: int) -> str:
    return str(_("%(n)s sao") % {"n": stars})


def online_products(filters: dash.Filters) -> list[dict]:
    """id, valid stars (or None), commune id of every public product (commune filter applied)."""
    rows = public(ProductPage).values_list(
        "pk",
        "ocop_stars",
        "ocop_revoked",
        "ocop_decision_date",
        "origin_commune_id",
        "producer__commune_id",
    )
    today = timezone.localdate()
    products = []
    for pk, stars, revoked, decided, origin, producer_commune in rows:
        probe = ProductPage(
            ocop_stars=stars, ocop_revoked=revoked, ocop_decision_date=decided
        )  # the certificate rule, not re-written here
        valid = probe.ocop_status_on(today) == ProductPage.OcopStatus.VALID
        products.append(
            {"id": pk, "stars": stars if valid else None, "commune": origin or producer_commune}
        )
    if filters.commune:
        wanted = Commune.objects.filter(code=filters.commune).values_list("pk", flat=True).first()
        products = [p for p in products if p["commune"] == wanted]
    return products


def _commune_labels(ids) -> dict:
    return {c.pk: str(c) for c in Commune.objects.filter(pk__in={i for i in ids if i})}


def _by_commune_rows(counts: dict, columns) -> list[dict]:
    labels = _commune_labels(counts)
    rows = []
    for commune_id, values in counts.items():
        row = {"commune": labels.get(commune_id) or str(NO_COMMUNE), **values}
        rows.append(row)
    key = columns[0] if columns else None
    return sorted(rows, key=lambda r: (-(r.get(key) or 0), r["commune"]))


# ----- OCOP products by stars / by commune -----------------------------------------------------


def ocop_by_stars(filters: dash.Filters) -> list[dict]:
    counts = Counter(p["stars"] for p in online_products(filters) if p["stars"])
    return [{"stars": _stars_label(s), "products": counts.get(s, 0)} for s in STARS]


def ocop_by_commune(filters: dash.Filters) -> list[dict]:
    counts: dict = defaultdict(lambda: {f"stars_{s}": 0 for s in STARS})
    for product in online_products(filters):
        if product["stars"]:
            counts[product["commune"]][f"stars_{product['stars']}"] += 1
    for values in counts.values():
        values["total"] = sum(values[f"stars_{s}"] for s in STARS)
    return _by_commune_rows(counts, ["total"])


# ----- communes with a producer selling online -------------------------------------------------


def selling_communes(filters: dash.Filters) -> list[dict]:
    from .purchasable import selling_products

    rows = selling_products().values_list("pk", "producer_id", "producer__commune_id")
    producers: dict = defaultdict(set)
    products: Counter = Counter()
    for _pk, producer_id, commune_id in rows:
        producers[commune_id].add(producer_id)
        products[commune_id] += 1
    if filters.commune:
        wanted = Commune.objects.filter(code=filters.commune).values_list("pk", flat=True).first()
        producers = {k: v for k, v in producers.items() if k == wanted}
    counts = {
        commune_id: {"producers": len(ids), "products": products[commune_id]}
        for commune_id, ids in producers.items()
        if commune_id is not None
    }
    return _by_commune_rows(counts, ["producers"])


def _selling_summary(rows):
    return [
        (_("Xã/phường có chủ thể bán trực tuyến"), len(rows), dash.COUNT),
        (_("Chủ thể bán trực tuyến"), sum(r["producers"] for r in rows), dash.COUNT),
    ]


# ----- traceability ----------------------------------------------------------------------------


def traceability(filters: dash.Filters) -> list[dict]:
    from .trace import public_batches

    traced = set(public_batches().values_list("product_id", flat=True))
    groups: dict = {s: {"with_batch": 0, "without_batch": 0} for s in (*STARS, None)}
    for product in online_products(filters):
        groups[product["stars"]]["with_batch" if product["id"] in traced else "without_batch"] += 1
    rows = []
    for stars, values in groups.items():
        total = values["with_batch"] + values["without_batch"]
        label = _stars_label(stars) if stars else str(_("Chưa có sao OCOP còn hiệu lực"))
        rows.append(
            {
                "group": label,
                **values,
                "products": total,
                "share": round(100 * values["with_batch"] / total, 1) if total else None,
            }
        )
    return rows


def _trace_summary(rows):
    total = sum(r["products"] for r in rows)
    traced = sum(r["with_batch"] for r in rows)
    return [
        (_("Sản phẩm trực tuyến"), total, dash.COUNT),
        (_("Có lô truy xuất công khai"), traced, dash.COUNT),
        (_("Tỷ lệ"), round(100 * traced / total, 1) if total else None, dash.PERCENT),
    ]


def trace_version() -> str:
    found = TraceabilityBatch.objects.aggregate(
        n=Count("pk"), live=Count("pk", filter=Q(live=True)), m=Max("last_published_at")
    )
    return "trace" + "-".join(str(v) for v in found.values())


# ----- NTM status ------------------------------------------------------------------------------


def ntm_status(filters: dash.Filters) -> list[dict]:
    results = NtmResult.objects.filter(year__lte=filters.year).select_related("commune")
    if filters.commune:
        results = results.filter(commune__code=filters.commune)
    latest: dict = {}
    for result in results.order_by("commune_id", "-year"):
        latest.setdefault(result.commune_id, result)
    counts = Counter(r.status for r in latest.values())
    illustrative = Counter(r.status for r in latest.values() if r.illustrative)
    return [
        {
            "status": str(status.label),
            "communes": counts.get(status.value, 0),
            "illustrative": illustrative.get(status.value, 0),
        }
        for status in NtmStatus
    ]


def _ntm_modified():
    from .opendata import ntm_modified

    return ntm_modified()


def _products_modified():
    return public(ProductPage).aggregate(m=Max("last_published_at"))["m"]


def _ntm_version() -> str:
    from .opendata import ntm_version

    return ntm_version()


# ----- page cache purges for what is not a page ---------------------------------------------


def _purge_trace(sender, instance, **kwargs):
    if isinstance(instance, TraceabilityBatch):
        cache.purge_on_commit("trace")


def _purge_ntm(sender, instance, **kwargs):
    cache.purge_on_commit("ntm")


def officer_communes() -> list[tuple[str, str]]:
    """The communes the officers' filter offers: those with a producer, a product or an NTM
    result."""
    communes = Commune.objects.filter(
        Q(producers__isnull=False) | Q(products__isnull=False) | Q(ntm_results__isnull=False)
    ).distinct()
    return sorted(((c.code, str(c)) for c in communes), key=lambda c: c[1])


def register_indicators() -> None:
    from .permissions import is_officer

    dash.allow(is_officer)
    dash.register_communes(officer_communes)
    published.connect(_purge_trace, dispatch_uid="products.indicators.trace_published")
    unpublished.connect(_purge_trace, dispatch_uid="products.indicators.trace_unpublished")
    for model in (NtmResult, NtmIndicator):
        post_save.connect(_purge_ntm, sender=model, dispatch_uid=f"products.ntm.{model.__name__}")
        post_delete.connect(
            _purge_ntm, sender=model, dispatch_uid=f"products.ntm.del.{model.__name__}"
        )

    catalogue = {
        "version": pages_version,
        "cache_tags": ("products",),
        "modified": _products_modified,
    }
    dash.register(
        dash.Indicator(
            key="ocop-stars",
            title=_("Sản phẩm OCOP trực tuyến theo hạng sao"),
            definition=_(
                "Số sản phẩm đang hiển thị công khai trên sàn có chứng nhận OCOP còn hiệu lực "
                "hôm nay (chưa thu hồi, chưa quá 36 tháng từ ngày quyết định), theo hạng sao."
            ),
            columns=(
                dash.Column("stars", _("Hạng sao"), dash.TEXT),
                dash.Column("products", _("Sản phẩm")),
            ),
            compute=ocop_by_stars,
            chart=dash.BAR,
            order=10,
            uses_commune=True,
            summary=lambda rows: [
                (_("Sản phẩm OCOP trực tuyến"), sum(r["products"] for r in rows), dash.COUNT)
            ],
            **catalogue,
        )
    )
    dash.register(
        dash.Indicator(
            key="ocop-communes",
            title=_("Sản phẩm OCOP trực tuyến theo xã/phường"),
            definition=_(
                "Cùng các sản phẩm đó theo xã/phường xuất xứ (hoặc xã/phường của chủ thể khi "
                "sản phẩm chưa ghi xuất xứ), chia theo hạng sao."
            ),
            columns=(
                dash.Column("commune", _("Xã/phường"), dash.TEXT),
                dash.Column("stars_3", _("3 sao")),
                dash.Column("stars_4", _("4 sao")),
                dash.Column("stars_5", _("5 sao")),
                dash.Column("total", _("Tổng"), chart=False),
            ),
            compute=ocop_by_commune,
            chart=dash.STACKED,
            order=20,
            uses_commune=True,
            **catalogue,
        )
    )
    dash.register(
        dash.Indicator(
            key="selling-communes",
            title=_("Xã/phường có chủ thể bán hàng trực tuyến"),
            definition=_(
                "Xã/phường có ít nhất một chủ thể OCOP đang bán trực tuyến, tức có ít nhất một "
                "sản phẩm công khai mua được qua giỏ hàng (có quy cách bán; hàng hạn chế phải có "
                "giấy phép), còn hàng hay tạm hết. Số chủ thể và số sản phẩm đang bán."
            ),
            columns=(
                dash.Column("commune", _("Xã/phường"), dash.TEXT),
                dash.Column("producers", _("Chủ thể bán trực tuyến")),
                dash.Column("products", _("Sản phẩm đang bán"), chart=False),
            ),
            compute=selling_communes,
            chart=dash.BAR,
            order=30,
            uses_commune=True,
            summary=_selling_summary,
            **catalogue,
        )
    )
    dash.register(
        dash.Indicator(
            key="traceability",
            title=_("Sản phẩm có lô truy xuất nguồn gốc công khai"),
            definition=_(
                "Tỷ lệ sản phẩm trực tuyến có ít nhất một lô sản xuất đã được cán bộ duyệt và "
                "công khai (trang truy xuất /truy-xuat/), theo hạng sao OCOP còn hiệu lực."
            ),
            columns=(
                dash.Column("group", _("Nhóm sản phẩm"), dash.TEXT),
                dash.Column("with_batch", _("Có lô công khai")),
                dash.Column("without_batch", _("Chưa có lô công khai")),
                dash.Column("products", _("Sản phẩm"), chart=False),
                dash.Column("share", _("Tỷ lệ có lô"), dash.PERCENT, chart=False),
            ),
            compute=traceability,
            chart=dash.STACKED,
            order=40,
            uses_commune=True,
            summary=_trace_summary,
            version=(pages_version, trace_version),
            cache_tags=("products", "trace"),
            modified=lambda: max(
                (
                    s
                    for s in (
                        _products_modified(),
                        TraceabilityBatch.objects.aggregate(m=Max("last_published_at"))["m"],
                    )
                    if s
                ),
                default=None,
            ),
        )
    )
    dash.register(
        dash.Indicator(
            key="ntm-status",
            title=_("Kết quả nông thôn mới theo mức đạt"),
            definition=_(
                "Số xã/phường theo mức đạt nông thôn mới: kết quả mới nhất của mỗi xã đến hết "
                "năm đã chọn. Cột «minh hoạ» đếm các kết quả chưa đối chiếu với quyết định công "
                "nhận."
            ),
            columns=(
                dash.Column("status", _("Mức đạt"), dash.TEXT),
                dash.Column("communes", _("Số xã/phường")),
                dash.Column("illustrative", _("Trong đó số liệu minh hoạ"), chart=False),
            ),
            compute=ntm_status,
            chart=dash.BAR,
            order=80,
            uses_year=True,
            uses_commune=True,
            version=_ntm_version,
            cache_tags=("ntm",),
            modified=_ntm_modified,
        )
    )
