"""Write tours/static/tours/hanoi-outline.geojson: the approximate outline of Hà Nội that the
map draws when tile servers cannot be reached (cms/static/js/map.js).

No boundary file with a licence we can ship was at hand, so the outline is computed from the
address register package we already depend on (vietnamadminunits, MIT): each of the city's
communes as a disc of its own area around its centre point, joined, closed (grown then shrunk
by 1.5 km to fill the gaps between discs) and simplified. It is an orientation aid, not an
administrative boundary (the file says so). Rerun after the package's data changes:

    manage.py build_map_outline
"""

import json
import math
import sqlite3
from pathlib import Path

from django.core.management.base import BaseCommand

from products.reference import PROGRAMME_PROVINCE_CODE
from products.register import data_dir

OUTPUT = Path(__file__).resolve().parents[2] / "static" / "tours" / "hanoi-outline.geojson"
KM_PER_DEGREE = 111.32
CLOSING_KM = 1.5
SIMPLIFY_KM = 0.35


class Command(BaseCommand):
    help = "Tính đường bao gần đúng của Hà Nội cho nền bản đồ khi không tải được ô bản đồ."

    def handle(self, *args, **options):
        from shapely import affinity
        from shapely.geometry import Point, mapping
        from shapely.ops import unary_union

        rows = sqlite3.connect(data_dir() / "dataset.db").execute(
            "SELECT wardLat, wardLon, wardAreaKm2 FROM admin_units WHERE provinceCode = ?",
            (PROGRAMME_PROVINCE_CODE,),
        )
        rows = [r for r in rows if r[0] and r[1] and r[2]]
        mid_lat = sum(r[0] for r in rows) / len(rows)
        kx = KM_PER_DEGREE * math.cos(math.radians(mid_lat))  # km per degree of longitude
        # Work in kilometres (x east, y north), then back to degrees.
        discs = [Point(lon * kx, lat * KM_PER_DEGREE).buffer(math.sqrt(area / math.pi), 24)
                 for lat, lon, area in rows]  # fmt: skip
        shape = unary_union(discs).buffer(CLOSING_KM, 16).buffer(-CLOSING_KM, 16)
        if shape.geom_type == "MultiPolygon":
            shape = max(shape.geoms, key=lambda g: g.area)
        shape = shape.simplify(SIMPLIFY_KM)
        shape = affinity.scale(shape, 1 / kx, 1 / KM_PER_DEGREE, origin=(0, 0))
        geometry = mapping(shape)
        geometry["coordinates"] = [
            [[round(x, 4), round(y, 4)] for x, y in ring] for ring in geometry["coordinates"]
        ]
        collection = {
            "type": "FeatureCollection",
            "features": [
                {
                    "type": "Feature",
                    "properties": {
                        "name": "Hà Nội",
                        "note": "Đường bao gần đúng (không phải ranh giới hành chính), tính từ "
                        "điểm trung tâm và diện tích các xã/phường trong gói vietnamadminunits "
                        "(MIT). Approximate outline, not an administrative boundary.",
                        "communes": len(rows),
                    },
                    "geometry": geometry,
                }
            ],
        }
        OUTPUT.write_text(json.dumps(collection, ensure_ascii=False, separators=(",", ":")))
        points = sum(len(ring) for ring in geometry["coordinates"])
        self.stdout.write(f"{OUTPUT.name}: {len(rows)} xã/phường, {points} điểm")
