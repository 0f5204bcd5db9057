"""Quotes before paying: what each producer's part costs to deliver to the buyer, and when.

A part ships from its producer's pickup address (its delivery settings, else its page address)
with the weight of its variants (a variant without a weight counts SHOP_DEFAULT_WEIGHT_GRAMS,
and the producer is told). Every carrier the producer accepts and the site has keys for is
asked at once; the cheapest answer wins. Answers are cached for SHOP_QUOTE_CACHE_SECONDS. A
carrier that is down, slow (timeout ≤ 3 s) or refuses leaves the fee table (table.py) to price
the part, with a note — checkout never stops because of a carrier.
"""

import hashlib
import logging
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.utils.translation import gettext as _

from cms.logsafe import describe
from products.purchasable import producer_addresses
from products.reference import Commune

from ..models import OrderShipment, ProducerShipping
from . import configured_carriers, get_carrier
from .base import CarrierError, Parcel, ParcelItem, Place, Quote
from .table import table_quote

logger = logging.getLogger(__name__)
FALLBACK_CACHE_SECONDS = 60


@dataclass(frozen=True)
class PartQuote:
    fee: int  # what the buyer pays for this part's delivery
    carrier_fee: int  # what the carrier (or the table) charges for it
    carrier: str  # the quoting carrier's code; "flat" for the table; "" for pickup
    days_min: int
    days_max: int
    weight_grams: int
    free: bool = False  # over the free-delivery threshold
    fallback: bool = False
    note: str = ""
    missing_weights: int = 0  # variants priced with the default weight

    @property
    def carrier_name(self) -> str:
        """The quoting carrier's name; "" for the fee table and pickup."""
        carrier = get_carrier(self.carrier) if self.carrier not in ("", "flat") else None
        return carrier.name if carrier else ""


PICKUP = PartQuote(0, 0, "", 0, 0, 0)


def place(
    commune: Commune, *, street: str = "", name: str = "", phone: str = "", legacy: bool = True
) -> Place:
    """The carriers' view of a commune (`legacy`: with its main pre-reform unit, which some
    carriers' address lists still need; the fee table needs only the province)."""
    main = commune.main_legacy if legacy else None
    return Place(
        province_code=commune.province.code,
        province_name=commune.province.name,
        commune_code=commune.code,
        commune_name=str(commune),
        street=street,
        legacy_commune=main.legacy_commune if main else "",
        legacy_district=main.legacy_district if main else "",
        name=name,
        phone=phone,
    )


def settings_for(producer_id: int) -> ProducerShipping | None:
    return ProducerShipping.objects.filter(producer_id=producer_id).first()


def origin(producer_id: int, own=None, *, legacy: bool = True) -> Place | None:
    """Where carriers pick up this producer's parcels (None: it has no address yet); `own`:
    its delivery settings when the caller has them already."""
    own = own if own is not None else settings_for(producer_id)
    page = producer_addresses([producer_id]).get(producer_id)
    commune_id = (own and own.pickup_commune_id) or (page and page.commune_id)
    if not commune_id:
        return None
    commune = Commune.objects.select_related("province").get(pk=commune_id)
    return place(
        commune,
        street=(own and own.pickup_street) or (page.address if page else ""),
        name=page.title if page else "",
        phone=(own and own.pickup_phone) or (page.phone if page else ""),
        legacy=legacy,
    )


def parcel(lines, *, reference: str = "", cod: int = 0) -> tuple[Parcel, int]:
    """The parcel of a part's lines (PricedLine or OrderLine-like with .item/.quantity), and
    how many of its variants had no weight."""
    items, missing = [], 0
    for line in lines:
        weight = line.item.weight_grams
        if not weight:
            missing += 1
            weight = settings.SHOP_DEFAULT_WEIGHT_GRAMS
        items.append(ParcelItem(line.item.display_name[:120], line.quantity, weight))
    total = sum(i.weight_grams * i.quantity for i in items) + settings.SHOP_PACKAGING_GRAMS
    value = sum(line.item.unit_price * line.quantity for line in lines)
    return Parcel(total, value, cod, tuple(items), reference), missing


def _cache_key(code: str, origin: Place, destination: Place, parcel: Parcel) -> str:
    raw = f"{code}:{origin.commune_code}:{destination.commune_code}:{parcel.weight_grams}:"
    raw += f"{parcel.value // 100_000}"
    return "shop:quote:" + hashlib.sha1(raw.encode()).hexdigest()


def _ask(carrier, origin: Place, destination: Place, parcel: Parcel) -> Quote | None:
    key = _cache_key(carrier.code, origin, destination, parcel)
    cached = cache.get(key)
    if cached is not None:
        return cached or None  # False: it failed a moment ago, do not wait for it again
    try:
        quote = carrier.quote(origin, destination, parcel)
    except CarrierError as exc:
        logger.warning("%s quote failed: %s", carrier.code, describe(exc))
        cache.set(key, False, FALLBACK_CACHE_SECONDS)
        return None
    cache.set(key, quote, settings.SHOP_QUOTE_CACHE_SECONDS)
    return quote


def carrier_quotes(codes, origin: Place, destination: Place, parcel: Parcel) -> list[Quote]:
    """The answers of the given carriers (those configured), asked in parallel."""
    available = configured_carriers()
    chosen = [available[c] for c in codes if c in available]
    if not chosen:
        return []
    if len(chosen) == 1:
        answers = [_ask(chosen[0], origin, destination, parcel)]
    else:
        with ThreadPoolExecutor(max_workers=len(chosen)) as pool:
            answers = list(pool.map(lambda c: _ask(c, origin, destination, parcel), chosen))
    return [a for a in answers if a is not None]


def quote_part(
    producer_id: int, lines, subtotal: int, destination: Commune | None, method: str
) -> PartQuote:
    """The delivery quote for one producer's part of a cart going to `destination`."""
    if method == OrderShipment.Method.PICKUP:
        return PICKUP
    the_parcel, missing = parcel(lines)
    own = settings_for(producer_id) or ProducerShipping(producer_id=producer_id)
    asked = set(own.carrier_codes) & configured_carriers().keys()
    start = origin(producer_id, own, legacy=bool(asked and destination))
    to_province = destination.province.code if destination else settings.SHOP_DEFAULT_PROVINCE
    from_province = start.province_code if start else settings.SHOP_DEFAULT_PROVINCE
    answers = []
    note = ""
    if start and destination and asked:
        answers = carrier_quotes(own.carrier_codes, start, place(destination), the_parcel)
        if not answers:
            note = _("Hãng vận chuyển chưa phản hồi: phí tạm tính theo bảng giá.")
    best = min(answers, key=lambda q: q.fee) if answers else None
    fallback = best is None
    if best is None:
        best = table_quote(from_province, to_province, the_parcel.weight_grams)
    free = subtotal >= settings.SHOP_FREE_DELIVERY_FROM
    return PartQuote(
        fee=0 if free else best.fee,
        carrier_fee=best.fee,
        carrier=best.carrier,
        days_min=best.days_min,
        days_max=best.days_max,
        weight_grams=the_parcel.weight_grams,
        free=free,
        fallback=fallback and bool(note),
        note=note,
        missing_weights=missing,
    )


def estimate(producer_id: int, weight_grams: int | None, province_code: str) -> Quote:
    """The fee table's estimate for one unit from the producer's pickup address to a
    province: what a product page can say before the buyer gives a commune."""
    start = origin(producer_id, legacy=False)
    weight = (weight_grams or settings.SHOP_DEFAULT_WEIGHT_GRAMS) + settings.SHOP_PACKAGING_GRAMS
    from_province = start.province_code if start else settings.SHOP_DEFAULT_PROVINCE
    return table_quote(from_province, province_code, weight)
