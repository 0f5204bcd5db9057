"""Demo tourism sites, their visitor details and three 360° tours (all idempotent)."""

import io
import math

from django.core.files.images import ImageFile
from django.utils import translation

from cms.demo_data import ensure_single_page, fill_blank, fill_english, publish, vi_slug
from products.models import Commune

from .models import Hotspot, Scene, TourIndexPage, TourSitePage, VirtualTourPage

KIND_LABEL = dict(TourSitePage.Kind.choices)
TOUR_INDEX_EN = {
    "title_en": "Rural tourism",
    "intro_en": "<p>Craft villages, ancient villages, farms and community tourism around "
    "Hanoi.</p>",
}


def kind_en(kind: str) -> str:
    with translation.override("en"):
        return str(KIND_LABEL[kind])


def site_english(site: TourSitePage, name_en: str = "") -> dict:
    """The demo's English for a site: the same facts as its Vietnamese text."""
    name_en = name_en or site.name_en
    values = {"name_en": name_en, "summary_en": f"{kind_en(site.kind)} — {name_en}, Hanoi."}
    if site.opening_hours == OPENING_HOURS:
        values["opening_hours_en"] = OPENING_HOURS_EN
    if site.ticket_prices == TICKET_PRICES:
        values["ticket_prices_en"] = TICKET_PRICES_EN
    if site.directions and site.latitude is not None:
        km = _km_from_centre(site.latitude, site.longitude)
        if site.directions == directions(km):
            values["directions_en"] = directions_en(km)
    return values


def ensure_tour_index(home) -> TourIndexPage:
    return ensure_single_page(
        TourIndexPage,
        home,
        title="Du lịch nông thôn",
        slug="du-lich",
        intro="<p>Làng nghề, làng cổ, trang trại và điểm du lịch cộng đồng quanh Hà Nội.</p>",
        **TOUR_INDEX_EN,
    )


def load_tour_sites(data: dict, index: TourIndexPage) -> int:
    fill_english(index, TOUR_INDEX_EN)
    communes = {c.code: c for c in Commune.objects.all()}
    existing = set(TourSitePage.objects.child_of(index).values_list("slug", flat=True))
    made = 0
    for item in data["tourism_sites"]:
        slug = vi_slug(item["name"])
        if slug in existing:
            continue
        page = TourSitePage(
            title=item["name"],
            slug=slug,
            name_en=item["name_en"],
            kind=item["kind"],
            commune=communes.get(item["commune"]),
            latitude=item["lat"],
            longitude=item["lon"],
            summary=f"{KIND_LABEL[item['kind']]} — {item['name']}, Hà Nội.",
        )
        fill_blank(page, site_english(page, item["name_en"]))
        index.add_child(instance=page)
        publish(page)
        made += 1
    return made


# --------------------------------------------------------------------------- visitor details

HOAN_KIEM = (21.0287, 105.8524)
OPENING_HOURS = "Thứ Hai – Chủ nhật: 8:00 – 17:00"
OPENING_HOURS_EN = "Monday – Sunday: 8:00 – 17:00"
TICKET_PRICES = "Người lớn: 20.000 ₫\nHọc sinh, sinh viên: 10.000 ₫"
TICKET_PRICES_EN = "Adults: 20.000 ₫\nPupils and students: 10.000 ₫"


def directions(km: int) -> str:
    return f"Cách trung tâm Hà Nội (Hồ Hoàn Kiếm) khoảng {km} km; đi xe máy, ô tô hoặc xe buýt."


def directions_en(km: int) -> str:
    return f"About {km} km from central Hanoi (Hoàn Kiếm Lake), by motorbike, car or bus."


def _km_from_centre(lat: float, lon: float) -> int:
    r = 6371.0
    p1, p2 = math.radians(HOAN_KIEM[0]), math.radians(lat)
    dp, dl = p2 - p1, math.radians(lon - HOAN_KIEM[1])
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return round(2 * r * math.asin(math.sqrt(a)))


def enrich_tour_sites(index: TourIndexPage) -> int:
    """Fill visitor details and related producers/products of demo sites that have none yet."""
    from products.models import ProducerPage, ProductPage

    changed = 0
    for site in TourSitePage.objects.child_of(index).select_related("commune"):
        if site.opening_hours or site.related_producers.exists():
            if not site.has_unpublished_changes and fill_blank(site, site_english(site)):
                publish(site)  # a site seeded before the English existed
            continue
        site.opening_hours = OPENING_HOURS
        site.ticket_prices = (
            TICKET_PRICES if site.kind in ("heritage_village", "heritage_site", "eco_park") else ""
        )
        site.directions = directions(_km_from_centre(site.latitude, site.longitude))
        fill_blank(site, site_english(site))
        if site.commune_id:
            producers = list(ProducerPage.objects.live().filter(commune=site.commune_id))
            products = list(
                ProductPage.objects.live().filter(producer__in=producers).order_by("title")[:6]
            )
            site.related_producers.set(producers)
            site.related_products.set(products)
        publish(site)
        changed += 1
    return changed


# --------------------------------------------------------------------------- demo tours

TOURS = [
    {
        "site": "Làng gốm Bát Tràng",
        "title": "Tham quan ảo làng gốm Bát Tràng",
        "intro": "Đi qua cổng làng, vào lò gốm và dạo chợ gốm Bát Tràng bên sông Hồng.",
        "title_en": "Virtual tour of Bát Tràng pottery village",
        "intro_en": "Walk through the village gate, into a pottery kiln and around the Bát Tràng "
        "ceramics market on the Red River.",
        "scenes_en": [
            ("Bát Tràng village gate", "The old village gate, where the journey begins."),
            ("Pottery kiln", "A traditional climbing kiln, with artisans shaping the clay."),
            ("Pottery market", "Hundreds of stalls of ceramics: vases, bowls, teapots and cups."),
        ],
        "ground": (150, 120, 80),
        "accent": (190, 90, 50),
        "scenes": [
            ("cong-lang", "Cổng làng Bát Tràng", "Cổng làng cổ, nơi bắt đầu hành trình."),
            ("lo-gom", "Lò gốm", "Lò bầu truyền thống và các nghệ nhân đang tạo hình."),
            ("cho-gom", "Chợ gốm", "Hàng trăm gian hàng gốm sứ, bình, bát, ấm chén."),
        ],
        # Where each scene stands, as offsets (degrees) from the site's point: for the mini-map.
        "positions": [(0.0, 0.0), (0.0012, 0.0016), (-0.0006, 0.0031)],
    },
    {
        "site": "Làng cổ Đường Lâm",
        "title": "Tham quan ảo làng cổ Đường Lâm",
        "intro": "Cổng làng Mông Phụ, nhà cổ đá ong và đình làng Mông Phụ.",
        "title_en": "Virtual tour of Đường Lâm ancient village",
        "intro_en": "The Mông Phụ village gate, old laterite houses and the Mông Phụ communal "
        "house.",
        "scenes_en": [
            ("Mông Phụ village gate", "A village gate of laterite stone, over 400 years old."),
            ("Old house", "A three-bay ironwood house with two wings in the heart of the village."),
            ("Mông Phụ communal house", "The communal house of the village's guardian spirit."),
        ],
        "ground": (140, 110, 70),
        "accent": (150, 80, 50),
        "scenes": [
            ("cong-mong-phu", "Cổng làng Mông Phụ", "Cổng làng xây bằng đá ong, hơn 400 năm tuổi."),
            ("nha-co", "Nhà cổ", "Ngôi nhà gỗ lim ba gian hai chái giữa làng."),
            ("dinh-mong-phu", "Đình Mông Phụ", "Ngôi đình thờ Thành hoàng làng."),
        ],
        "positions": [(0.0, 0.0), (0.0009, -0.0011), (0.0017, 0.0004)],
    },
    {
        "site": "Điểm du lịch Dương Xá",
        "title": "Tham quan ảo Dương Xá",
        "intro": "Cánh đồng rau an toàn và nhà lưới của nông dân Dương Xá, Gia Lâm.",
        "title_en": "Virtual tour of Dương Xá",
        "intro_en": "Safe-vegetable fields and the net houses of Dương Xá's farmers, Gia Lâm.",
        "scenes_en": [
            ("Vegetable fields", "Beds of safe vegetables grown to VietGAP standards."),
            ("Net house", "Hydroponic vegetables growing in a net house."),
        ],
        "ground": (90, 150, 70),
        "accent": (200, 170, 80),
        "scenes": [
            ("canh-dong", "Cánh đồng rau", "Những luống rau an toàn theo tiêu chuẩn VietGAP."),
            ("nha-luoi", "Nhà lưới", "Rau thủy canh trong nhà lưới."),
        ],
        "positions": [(0.0, 0.0), (0.0008, 0.0010)],
    },
]


def _panorama(title: str, seed: str, tour: dict, collection):
    from wagtail.images import get_image_model

    from .demo_panoramas import render_panorama

    Image = get_image_model()
    image = Image.objects.filter(title=title, collection=collection).first()
    if image is None:
        # ASCII label: Pillow's default font has no Vietnamese glyphs.
        label = vi_slug(title.split("—")[-1]).replace("-", " ").upper()
        data = render_panorama(seed, ground=tour["ground"], accent=tour["accent"], label=label)
        image = Image(title=title, collection=collection)
        image.file = ImageFile(io.BytesIO(data), name=f"{vi_slug(seed, 60)}.jpg")
        image.save()
    return image


def _site_products(site: TourSitePage):
    from products.models import ProductPage

    products = list(site.related_products.live().order_by("title"))
    if not products and site.commune_id:
        products = list(ProductPage.objects.live().filter(origin_commune=site.commune_id)[:3])
    if not products:
        products = list(ProductPage.objects.live().order_by("title")[:3])
    return products


def _scene(tour: dict, i: int, image, products, site=None) -> Scene:
    key, title, description = tour["scenes"][i]
    scenes = tour["scenes"]
    english = tour["scenes_en"]
    title_en, description_en = english[i]
    hotspots = []
    if i + 1 < len(scenes):
        hotspots.append(
            Hotspot(
                kind="scene",
                title=f"Đi tiếp: {scenes[i + 1][1]}",
                title_en=f"Next: {english[i + 1][0]}",
                yaw=30.0,
                pitch=-5.0,
                target_scene=scenes[i + 1][0],
            )
        )
    if i > 0:
        hotspots.append(
            Hotspot(
                kind="scene",
                title=f"Quay lại: {scenes[i - 1][1]}",
                title_en=f"Back: {english[i - 1][0]}",
                yaw=-150.0,
                pitch=-5.0,
                target_scene=scenes[i - 1][0],
            )
        )
    hotspots.append(
        Hotspot(
            kind="info",
            title=title,
            title_en=title_en,
            yaw=-30.0,
            pitch=5.0,
            text=description,
            text_en=description_en,
        )
    )
    if products:
        product = products[i % len(products)]
        hotspots.append(
            Hotspot(
                kind="product",
                title=product.title,
                title_en=product.name_en,
                yaw=0.0,
                pitch=-12.0,
                product=product,
                text=product.summary,
                text_en=product.summary_en,
            )
        )
    for order, hotspot in enumerate(hotspots):
        hotspot.sort_order = order
    return Scene(
        sort_order=i,
        key=key,
        title=title,
        description=description,
        panorama=image,
        yaw=0.0,
        pitch=0.0,
        hfov=100.0,
        transcript=f"{title}. {description}",
        title_en=title_en,
        description_en=description_en,
        transcript_en=f"{title_en}. {description_en}",
        hotspots=hotspots,
        **_position(tour, i, site),
    )


def _position(tour: dict, i: int, site) -> dict:
    offsets = tour.get("positions") or []
    if site is None or i >= len(offsets) or site.latitude is None:
        return {}
    dlat, dlng = offsets[i]
    return {
        "latitude": round(site.latitude + dlat, 6),
        "longitude": round(site.longitude + dlng, 6),
    }


def load_demo_tours(collection, *, build_tiles: bool = True) -> int:
    """At least three multi-scene tours with generated panoramas, hotspots and tiles."""
    from .tasks import generate_tiles

    made = 0
    for tour in TOURS:
        site = TourSitePage.objects.filter(title=tour["site"]).first()
        if site is None:
            continue
        images = [
            _panorama(f"Toàn cảnh 360° — {title}", f"{tour['site']}-{key}", tour, collection)
            for key, title, _d in tour["scenes"]
        ]
        if build_tiles:
            for image in images:
                generate_tiles(image.pk)
        if VirtualTourPage.objects.child_of(site).exists():
            continue
        products = _site_products(site)
        page = VirtualTourPage(
            title=tour["title"],
            slug="tham-quan-360",
            intro=tour["intro"],
            title_en=tour["title_en"],
            intro_en=tour["intro_en"],
            auto_rotate=True,
        )
        page.scenes = [_scene(tour, i, image, products, site) for i, image in enumerate(images)]
        site.add_child(instance=page)
        publish(page)
        made += 1
    return made
