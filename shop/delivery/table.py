"""The fee table: what a part costs to deliver when no carrier is configured or none answers.

Zones by the two provinces (the same province; the same region — North, Centre, South; across
regions), a base fee up to SHOP_TABLE_BASE_GRAMS and a step per further 500 g, with the delivery
time each zone usually takes. Pickup at the producer is free; from SHOP_FREE_DELIVERY_FROM of
goods per part delivery is free for the buyer (the producer pays the carrier).
"""

from django.conf import settings

from .base import Quote

NORTH = frozenset("01 04 08 11 12 14 15 19 20 22 24 25 31 33 37".split())
CENTRE = frozenset("38 40 42 44 46 48 51 52 56 66 68".split())
SOUTH = frozenset("75 79 80 82 86 91 92 96".split())

LOCAL, REGION, NATIONAL = "local", "region", "national"


def region(province_code: str) -> str:
    for name, codes in (("north", NORTH), ("centre", CENTRE), ("south", SOUTH)):
        if province_code in codes:
            return name
    return "unknown"


def zone(origin_province: str, destination_province: str) -> str:
    if origin_province == destination_province:
        return LOCAL
    if region(origin_province) == region(destination_province) != "unknown":
        return REGION
    return NATIONAL


def table_quote(origin_province: str, destination_province: str, weight_grams: int) -> Quote:
    which = zone(origin_province, destination_province)
    base, step, days_min, days_max = settings.SHOP_DELIVERY_TABLE[which]
    extra = max(0, weight_grams - settings.SHOP_TABLE_BASE_GRAMS)
    steps = -(-extra // 500)  # each started 500 g
    return Quote("flat", base + steps * step, days_min, days_max, service=which)
