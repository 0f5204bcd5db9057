"""Traceability rules in one place (issue 19): who may keep which batch, which batches are
public, batch codes, GS1 Digital Link URIs and their resolution, and the export for Hà Nội's
traceability system.

- A farmer keeps the batches of its own products (drafts included) and submits them; officers
  keep every batch and approve them (the "Duyệt sản phẩm" workflow, products.roles).
- A batch is public when it is live (approved) and its product is public (cms.visibility).
- A GS1 Digital Link URI is ``https://<site>/01/<GTIN-14>/10/<lot>`` (GS1 Digital Link 1.4,
  section 4); a product without GTIN keeps the plain ``/truy-xuat/<code>/`` URL.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from urllib.parse import quote

from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from cms.visibility import public

from .gs1 import is_valid_gtin, normalise_gtin
from .models import ProductPage, TraceabilityBatch
from .permissions import is_officer, producer_pages_for
from .trace_blocks import INPUT_KINDS as INPUT_KIND_LABELS
from .trace_blocks import STAGE_KINDS as STAGE_KIND_LABELS

# ----- who may keep which batch ---------------------------------------------------------------


def products_for_batches(user) -> QuerySet:
    """Products this user may record batches for: officers all, a farmer its own (drafts too)."""
    products = ProductPage.objects.order_by("title")
    if is_officer(user):
        return products
    paths = Q(pk__in=[])
    for producer in producer_pages_for(user).only("path"):
        paths |= Q(path__startswith=producer.path)
    return products.filter(paths)


def batches_for(user) -> QuerySet:
    batches = TraceabilityBatch.objects.all()
    if is_officer(user):
        return batches
    return batches.filter(product__in=products_for_batches(user))


def may_manage_batch(user, batch: TraceabilityBatch) -> bool:
    return is_officer(user) or batches_for(user).filter(pk=batch.pk).exists()


# ----- what the public sees -------------------------------------------------------------------


def public_batches() -> QuerySet:
    return TraceabilityBatch.objects.filter(live=True, product__in=public(ProductPage))


def published_revisions(batch: TraceabilityBatch) -> list:
    """The batch's published versions, oldest first: the amendment trail the public page shows
    (an amendment is a new revision approved by an officer; drafts are not listed)."""
    from wagtail.models import ModelLogEntry

    return list(
        ModelLogEntry.objects.for_instance(batch)
        .filter(action="wagtail.publish")
        .order_by("timestamp")
        .values_list("timestamp", flat=True)
    )


# ----- batch codes ----------------------------------------------------------------------------

_CODE_SAFE = re.compile(r"[^a-z0-9-]+")


def new_batch_code(product: ProductPage, produced_on: datetime.date | None) -> str:
    """`<product slug>-<yyyymmdd>` (or `-2`, `-3`… when taken): readable on a pack, stable in a
    URL, and unique (the column is)."""
    stem = _CODE_SAFE.sub("", slugify(product.slug or product.title))[:24].strip("-") or "lo"
    day = (produced_on or datetime.date.today()).strftime("%Y%m%d")
    base = f"{stem}-{day}"
    code, n = base, 1
    while TraceabilityBatch.objects.filter(code=code).exists():
        n += 1
        code = f"{base}-{n}"
    return code


# ----- GTIN and GS1 Digital Link --------------------------------------------------------------


def gtin_forms(gtin: str) -> list[str]:
    """The ways one GTIN may be stored: as typed (8/12/13/14 digits) or as its GTIN-14."""
    full = normalise_gtin(gtin)
    return [full[14 - n :] for n in (14, 13, 12, 8) if full[: 14 - n].strip("0") == ""]


def product_for_gtin(gtin: str, *, live_only: bool = True) -> ProductPage | None:
    if not is_valid_gtin(gtin):
        return None
    products = public(ProductPage) if live_only else ProductPage.objects.all()
    return products.filter(gtin__in=gtin_forms(gtin)).order_by("pk").first()


def digital_link_path(product: ProductPage, lot: str | None = None) -> str | None:
    """`/01/<GTIN-14>[/10/<lot>]`, or None when the product has no GTIN."""
    if not product.gtin:
        return None
    path = f"/01/{normalise_gtin(product.gtin)}"
    if lot:
        path += f"/10/{quote(lot, safe='')}"
    return path


def batch_link_path(batch: TraceabilityBatch) -> str:
    """What a batch's QR code encodes: its Digital Link, else its page."""
    return digital_link_path(batch.product, batch.code) or batch.get_absolute_url()


# The link types the resolver answers (GS1 Web Vocabulary), each with where it points.
LINK_TYPES = {
    "gs1:pip": _("Thông tin sản phẩm"),
    "gs1:traceability": _("Truy xuất nguồn gốc"),
    "gs1:certificationInfo": _("Chứng nhận"),
    "gs1:hasRetailers": _("Mua sản phẩm"),
}
LINKSET_TYPES = {"linkset", "all"}
GS1_VOCABULARY = "https://gs1.org/voc/"


@dataclass
class Resolution:
    product: ProductPage
    batch: TraceabilityBatch | None
    links: dict[str, str]  # link type → path on this site
    default: str  # the link type a plain scan opens


def resolve(gtin: str, lot: str | None = None) -> Resolution | None:
    """The public product (and batch) a Digital Link names, with its links; None if unknown."""
    product = product_for_gtin(gtin)
    if product is None:
        return None
    product_url = product.get_url()
    links = {"gs1:pip": product_url, "gs1:hasRetailers": f"{product_url}#mua"}
    batch = None
    if lot is not None:
        batch = public_batches().filter(product=product, code=lot).first()
        if batch is None:
            return None
        url = batch.get_absolute_url()
        links["gs1:traceability"] = url
        links["gs1:certificationInfo"] = f"{url}#chung-nhan"
        default = "gs1:traceability"
    else:
        links["gs1:traceability"] = f"{product_url}#truy-xuat"
        default = "gs1:pip"
    return Resolution(product=product, batch=batch, links=links, default=default)


def linkset(resolution: Resolution, anchor: str, absolute) -> dict:
    """An RFC 9264 linkset (`application/linkset+json`) of the resolution's links."""
    entry = {"anchor": anchor}
    for link_type, path in resolution.links.items():
        key = GS1_VOCABULARY + link_type.removeprefix("gs1:")
        entry[key] = [{"href": absolute(path), "title": str(LINK_TYPES[link_type])}]
    entry[GS1_VOCABULARY + "defaultLink"] = [
        {"href": absolute(resolution.links[resolution.default])}
    ]
    return {"linkset": [entry]}


def schema_org(product: ProductPage, batch: TraceabilityBatch | None, absolute) -> dict:
    """schema.org Product data for a product or batch page, with `hasGS1DigitalLink`."""
    data = {
        "@context": "https://schema.org",
        "@type": "Product",
        "name": product.title,
        "url": absolute(product.get_url()),
    }
    if product.gtin:
        data["gtin"] = normalise_gtin(product.gtin)
        data["hasGS1DigitalLink"] = absolute(digital_link_path(product, batch and batch.code))
    if product.producer_id:
        data["manufacturer"] = {"@type": "Organization", "name": product.producer.title}
    if batch is not None:
        data["productionDate"] = batch.produced_on.isoformat()
        if batch.expires_on:
            data["expirationDate"] = batch.expires_on.isoformat()
        data["identifier"] = batch.code
    return data


def batch_url(request, batch: TraceabilityBatch) -> str:
    return request.build_absolute_uri(batch_link_path(batch))


def admin_batch_url(batch: TraceabilityBatch) -> str:
    return reverse("wagtailsnippets_products_traceabilitybatch:edit", args=[batch.pk])


# ----- export for Hà Nội's traceability system ------------------------------------------------
#
# One row per production stage (a critical tracking event), the batch's data repeated on each
# row, so the file loads as a table; the JSON nests the stages under each batch. The columns
# and what they mean are listed in docs/traceability.md (Circular 02/2024/TT-BKHCN minimum
# information: product, producer and its address, time and place of each stage, the trace code).

BATCH_FIELDS = [
    "ma_lo",
    "gtin",
    "duong_dan_truy_xuat",
    "ten_san_pham",
    "anh_san_pham",
    "nhom_ocop",
    "ten_co_so",
    "dia_chi_co_so",
    "ma_xa_co_so",
    "dien_thoai_co_so",
    "ngay_san_xuat",
    "han_su_dung",
    "san_luong",
    "chung_nhan",
    "ma_he_thong_ha_noi",
    "trang_thai",
]
STAGE_FIELDS = [
    "cong_doan_stt",
    "cong_doan",
    "mo_ta",
    "ngay_bat_dau",
    "ngay_ket_thuc",
    "dia_diem",
    "ma_xa",
    "xa",
    "vi_do",
    "kinh_do",
    "nguoi_thuc_hien",
    "vat_tu",
]
EXPORT_FIELDS = BATCH_FIELDS + STAGE_FIELDS


def export_queryset(batches: QuerySet) -> QuerySet:
    return batches.select_related(
        "product__producer__commune", "product__category"
    ).prefetch_related("certifications", "product__images__image")


def _iso(day) -> str:
    return day.isoformat() if day else ""


def batch_record(batch: TraceabilityBatch, absolute) -> dict:
    """The batch as a JSON-ready dict with its stages (the export's JSON form)."""
    product, producer = batch.product, batch.product.producer
    picture = next(iter(product.images.all()), None)
    certifications = [
        {
            "loai": c.get_scheme_display(),
            "so": c.number,
            "to_chuc_cap": c.issuer,
            "hieu_luc_den": _iso(c.valid_until),
        }
        for c in batch.certifications.all()
    ]
    record = {
        "ma_lo": batch.code,
        "gtin": normalise_gtin(product.gtin) if product.gtin else "",
        "duong_dan_truy_xuat": absolute(batch_link_path(batch)),
        "ten_san_pham": product.title,
        "anh_san_pham": absolute(picture.image.file.url) if picture and picture.image else "",
        "nhom_ocop": product.category.code if product.category_id else "",
        "ten_co_so": producer.title if producer else "",
        "dia_chi_co_so": ", ".join(
            part
            for part in (producer and producer.address, producer and str(producer.commune or ""))
            if part
        ),
        "ma_xa_co_so": producer.commune.code if producer and producer.commune_id else "",
        "dien_thoai_co_so": producer.phone if producer else "",
        "ngay_san_xuat": _iso(batch.produced_on),
        "han_su_dung": _iso(batch.expires_on),
        "san_luong": batch.quantity,
        "chung_nhan": certifications,
        "ma_he_thong_ha_noi": batch.hanoi_trace_code,
        "trang_thai": "da-cong-bo" if batch.live else "nhap",
        "cong_doan": [],
    }
    for n, stage in enumerate(batch.stages, start=1):
        value = stage.value
        commune = value.get("commune")
        record["cong_doan"].append(
            {
                "cong_doan_stt": n,
                "cong_doan": str(dict(STAGE_KIND_LABELS).get(value.get("kind"), value.get("kind"))),
                "mo_ta": value.get("description") or "",
                "ngay_bat_dau": _iso(value.get("started_on")),
                "ngay_ket_thuc": _iso(value.get("ended_on")),
                "dia_diem": value.get("place") or "",
                "ma_xa": commune.code if commune else "",
                "xa": commune.name if commune else "",
                "vi_do": _decimal(value.get("latitude")),
                "kinh_do": _decimal(value.get("longitude")),
                "nguoi_thuc_hien": value.get("performed_by") or "",
                "vat_tu": [
                    {
                        "loai": str(
                            dict(INPUT_KIND_LABELS).get(item.get("kind"), item.get("kind"))
                        ),
                        "ten": item.get("name") or "",
                        "so_dang_ky": item.get("registration_number") or "",
                        "luong_dung": item.get("quantity") or "",
                        "nha_cung_cap": item.get("supplier") or "",
                    }
                    for item in value.get("inputs") or []
                ],
            }
        )
    return record


def _decimal(value) -> str:
    return "" if value is None else f"{float(value):.6f}"


def export_csv_rows(records: list[dict]):
    """Flat rows (EXPORT_FIELDS) from batch records: one per stage, one for a batch without."""
    for record in records:
        base = {field: record[field] for field in BATCH_FIELDS}
        base["chung_nhan"] = "; ".join(
            " ".join(
                p
                for p in (c["loai"], c["so"], c["hieu_luc_den"] and f"(đến {c['hieu_luc_den']})")
                if p
            )
            for c in record["chung_nhan"]
        )
        stages = record["cong_doan"] or [dict.fromkeys(STAGE_FIELDS, "")]
        for stage in stages:
            row = dict(base)
            row.update({field: stage.get(field, "") for field in STAGE_FIELDS})
            row["vat_tu"] = "; ".join(
                " — ".join(p for p in (i["loai"], i["ten"], i["so_dang_ky"], i["luong_dung"]) if p)
                for i in stage.get("vat_tu") or []
            )
            yield row
