"""Demo catalogue: reference data, producers, products, stock and traceability batches.

Every function is idempotent: it looks things up by their natural key (code, slug, SKU) and
only creates what is missing, so running `seed_demo` twice changes nothing.
"""

import datetime
import hashlib

from django.db import transaction
from django.utils import timezone
from tqdm import tqdm
from wagtail.images import get_image_model
from wagtail.models import Collection

from cms.demo_data import ensure_single_page, fill_blank, fill_english, publish, vi_slug
from cms.demo_images import image_file

from .models import (
    BatchCertification,
    Commune,
    LegacyCommuneName,
    OcopCategory,
    ProducerIndexPage,
    ProducerPage,
    ProductImage,
    ProductIndexPage,
    ProductPage,
    ProductVariant,
    TraceabilityBatch,
)
from .register import load_register
from .stock import set_on_hand

RECOGNISING_BODY = {
    3: "UBND Thành phố Hà Nội",
    4: "UBND Thành phố Hà Nội",
    5: "Bộ Nông nghiệp và Môi trường (Hội đồng OCOP Trung ương)",
}
RECOGNISING_BODY_EN = {
    3: "Hanoi People's Committee",
    4: "Hanoi People's Committee",
    5: "Ministry of Agriculture and Environment (Central OCOP Council)",
}

# The English of the demo's pack sizes (issue 18).
UNIT_EN = {
    "Bộ 10 món": "10-piece set",
    "Bộ 1 ấm 6 chén": "Teapot and 6 cups",
    "Bộ": "Set",
    "Chiếc 2 m x 2,2 m": "One quilt, 2 m × 2.2 m",
    "Hộp 30 túi lọc": "Box of 30 tea bags",
    "Đôi": "Pair",
    "Chiếc": "Piece",
    "Hộp 100 g": "100 g box",
    "Hũ 200 g": "200 g jar",
    "Chai 50 ml": "50 ml bottle",
    "Hũ 500 g": "500 g jar",
    "Gói 200 g": "200 g pack",
    "Hũ 300 g": "300 g jar",
    "Cây 500 g": "500 g roll",
    "Gói 250 g": "250 g pack",
    "Bức": "Framed piece",
    "Hộp 100 nén": "Box of 100 sticks",
    "Bức 60 x 90 cm": "60 × 90 cm panel",
    "Chai 500 ml": "500 ml bottle",
    "Hộp 10 chiếc": "Box of 10",
    "Chai 1 lít": "1-litre bottle",
    "Lốc 4 hộp": "Pack of 4 pots",
    "Bó 500 g": "500 g bunch",
    "Hộp 100 ống": "Box of 100 straws",
    "Hộp 4 chiếc": "Box of 4",
    "Hộp 300 g": "300 g box",
    "Đĩa 500 g": "500 g plate",
    "Vé 1 người / ngày": "Ticket for one person, full day",
    "Vé 1 người / buổi": "Ticket for one person, one session",
    "Gói 500 g": "500 g pack",
    "Sản phẩm": "Item",
}

PRODUCER_INDEX_EN = {
    "title_en": "OCOP producers",
    "intro_en": "<p>Enterprises, cooperatives and household producers of Hanoi with OCOP "
    "products.</p>",
}
CATALOGUE_EN = {
    "title_en": "OCOP products",
    "intro_en": (
        "<p>Products awarded 3 to 5 OCOP stars, from the communes and wards of Hanoi.</p>"
        "<p>OCOP (“One Commune One Product”) is Vietnam's national programme that assesses "
        "local products on their quality, their origin and their value to the community, and "
        "grades them: 3 stars for a product that meets the standard, 4 stars for one of the "
        "best in the province, 5 stars for a product of national standing. The six OCOP "
        "groups are food, beverages, herbal products, handicrafts, ornamental plants and "
        "animals, and rural tourism services. Each product is listed and shipped by the "
        "producer who makes it; prices are in Vietnamese dong (₫) and orders are delivered "
        "anywhere in Vietnam. The search also finds products by their English names.</p>"
    ),
}
CATALOGUE_INTRO = (
    "<p>Sản phẩm đạt chứng nhận OCOP 3–5 sao của các xã, phường Hà Nội.</p>"
    "<p>OCOP (Chương trình Mỗi xã một sản phẩm) là chương trình quốc gia đánh giá sản phẩm "
    "địa phương theo chất lượng, nguồn gốc và giá trị với cộng đồng, rồi xếp hạng: 3 sao là "
    "sản phẩm đạt chuẩn, 4 sao là sản phẩm tiêu biểu của tỉnh, thành phố, 5 sao là sản phẩm "
    "đạt tầm quốc gia. Sáu nhóm sản phẩm OCOP gồm thực phẩm, đồ uống, thảo dược, thủ công mỹ "
    "nghệ, sinh vật cảnh và dịch vụ du lịch nông thôn. Mỗi sản phẩm do chính chủ thể làm ra "
    "đăng bán và gửi hàng; giá tính "
    "bằng đồng Việt Nam (₫), giao hàng trên toàn quốc. Ô tìm kiếm tìm được cả tên tiếng Anh "
    "của sản phẩm.</p>"
)


def product_english(item: dict) -> dict:
    """The English fields of a demo product (hanoi.json gives names, summaries and bodies;
    pack sizes come from UNIT_EN)."""
    unit_en = UNIT_EN.get(item.get("unit") or "Sản phẩm", "")
    stars = item.get("ocop_stars")
    return {
        "name_en": item.get("name_en", ""),
        "summary_en": item.get("summary_en")
        or f"{item.get('name_en', '')} — {unit_en}".strip(" —"),
        "body_en": item.get("body_en", ""),
        "ocop_recognising_body_en": RECOGNISING_BODY_EN.get(stars, "") if stars else "",
    }


def producer_english(item: dict) -> dict:
    name_en = item.get("name_en", "")
    return {
        "name_en": name_en,
        "story_en": f"<p>{name_en} is an OCOP producer in {item['legacy_address']}, Hanoi.</p>"
        if name_en
        else "",
    }


def _stable(text: str, modulo: int) -> int:
    return int(hashlib.md5(text.encode()).hexdigest()[:8], 16) % modulo


@transaction.atomic
def load_reference_data(data: dict) -> None:
    """The country's address register, then the curated Hà Nội communes on top of it (the
    curated old names come from the city's resolutions; the register lacks a few of them)."""
    load_register()
    for item in data["communes"]:
        commune = Commune.objects.get(code=item["code"])
        for legacy in item["legacy"]:
            name, _ = LegacyCommuneName.objects.update_or_create(
                commune=commune,
                legacy_commune=legacy["commune"],
                legacy_district=legacy["district"],
                defaults={"legacy_province": commune.province.short_name, "is_main": True},
            )
            # A unit the register splits: where the curated data puts it is where it resolves.
            LegacyCommuneName.objects.filter(
                folded_commune=name.folded_commune,
                folded_district=name.folded_district,
                commune__province=commune.province,
            ).exclude(pk=name.pk).update(is_main=False)
    for group in data["ocop_categories"]:
        parent, _ = OcopCategory.objects.get_or_create(
            code=group["code"], defaults={"name": group["name_vi"], "name_en": group["name_en"]}
        )
        for sub in group["subgroups"]:
            OcopCategory.objects.get_or_create(
                code=sub["code"],
                defaults={"name": sub["name_vi"], "name_en": sub["name_en"], "parent": parent},
            )


def demo_collection() -> Collection:
    root = Collection.get_first_root_node()
    existing = root.get_children().filter(name="Ảnh demo").first()
    return existing or root.add_child(name="Ảnh demo")


def get_or_create_image(title: str, seed: str, collection: Collection):
    Image = get_image_model()
    image = Image.objects.filter(title=title, collection=collection).first()
    if image is None:
        image = Image(title=title, collection=collection)
        image.file = image_file(seed, f"{vi_slug(title, 60) or 'anh'}.jpg")
        image.save()
    return image


def ensure_index_pages(home):
    producers = ensure_single_page(
        ProducerIndexPage,
        home,
        **PRODUCER_INDEX_EN,
        title="Chủ thể OCOP",
        slug="chu-the-ocop",
        intro="<p>Doanh nghiệp, hợp tác xã và hộ sản xuất có sản phẩm OCOP của Hà Nội.</p>",
    )
    catalogue = ensure_single_page(
        ProductIndexPage,
        home,
        **CATALOGUE_EN,
        title="Sản phẩm OCOP",
        slug="san-pham",
        intro=CATALOGUE_INTRO,
    )
    fill_english(producers, PRODUCER_INDEX_EN)
    fill_english(catalogue, CATALOGUE_EN)
    return producers, catalogue


def _coordinates_by_commune(data: dict) -> dict:
    coords = {}
    for site in data["tourism_sites"]:
        if site["commune"]:
            coords.setdefault(site["commune"], (site["lat"], site["lon"]))
    return coords


def load_producers(data: dict, index: ProducerIndexPage, collection) -> dict[str, ProducerPage]:
    coords = _coordinates_by_commune(data)
    communes = {c.code: c for c in Commune.objects.all()}
    existing = {p.slug: p for p in ProducerPage.objects.child_of(index)}
    producers = {}
    for item in data["producers"]:
        page = existing.get(item["slug"])
        if page is None:
            lat, lon = coords.get(item["commune"], (None, None))
            page = ProducerPage(
                title=item["name"],
                slug=item["slug"],
                kind=item["kind"],
                commune=communes.get(item["commune"]),
                address=item["legacy_address"] + ", Hà Nội",
                latitude=lat,
                longitude=lon,
                logo=get_or_create_image(f"Logo {item['name']}", item["slug"], collection),
                story=f"<p>{item['name']} — chủ thể OCOP tại {item['legacy_address']}.</p>",
                **producer_english(item),
            )
            index.add_child(instance=page)
            publish(page)
        else:
            fill_english(page, producer_english(item))
        producers[item["slug"]] = page
    return producers


def _product_page(item: dict, slug: str, category, commune, image, sku: str) -> ProductPage:
    stars = item.get("ocop_stars")
    page = ProductPage(
        title=item["name"],
        slug=slug,
        **product_english(item),
        summary=item.get("summary") or f"{item['name']} — {item.get('unit', '')}".strip(" —"),
        body=item.get("body", ""),
        category=category,
        origin_commune=commune,
        ocop_stars=stars,
        potential_five_star=item.get("potential_5_star", False),
        ocop_year=item.get("recognised_year"),
        ocop_recognising_body=RECOGNISING_BODY.get(stars, "") if stars else "",
        featured=bool(stars and stars >= 5),
        alcohol_abv=item.get("alcohol_abv"),
        licence_number=item.get("licence_number", ""),
    )
    page.images = [
        ProductImage(image=image, caption=item["name"], caption_en=item.get("name_en", ""))
    ]
    page.variants = [
        ProductVariant(
            sku=sku,
            label=item.get("unit") or "Sản phẩm",
            label_en=UNIT_EN.get(item.get("unit") or "Sản phẩm", ""),
            price=item["demo_price_vnd"],
            weight_grams=item.get("weight_grams"),
        )
    ]
    return page


def load_products(data: dict, producers: dict, collection) -> list[ProductPage]:
    categories = {c.code: c for c in OcopCategory.objects.all()}
    created = []
    for item in tqdm(data["products"], desc="Sản phẩm", disable=None, leave=False):
        producer = producers[item["producer"]]
        slug = vi_slug(item["name"])
        page = ProductPage.objects.child_of(producer).filter(slug=slug).first()
        if page is None:
            image = get_or_create_image(item["name"], slug, collection)
            page = _product_page(
                item, slug, categories[item["category"]], producer.commune, image, f"{slug}-1"[:64]
            )
            producer.add_child(instance=page)
            publish(page)
            # Opening stock is set once, when the product is created: a later run never
            # overwrites what farmers and orders have done since. About 1 in 12 starts sold out.
            _set_opening_stock(page, 5 + _stable(slug, 60) if _stable(slug, 12) else 0)
            created.append(page)
        elif not page.has_unpublished_changes:
            english = fill_blank(page, product_english(item))
            images = list(page.images.all())
            captions = [
                fill_blank(i, {"caption_en": item.get("name_en", "")})
                for i in images
                if i.caption == item["name"]
            ]
            if any(captions):
                page.images = images
                english = True
            variants = list(page.variants.all())
            labels = [fill_blank(v, {"label_en": UNIT_EN.get(v.label, "")}) for v in variants]
            if any(labels):
                page.variants = variants  # the rows in memory, saved with the revision
            if english or any(labels):
                publish(page)
    return created


def _set_opening_stock(page: ProductPage, quantity: int) -> None:
    for variant in page.variants.all():
        set_on_hand(variant.sku, quantity, reason="Tồn kho ban đầu (dữ liệu demo)")


def load_extra_products(count: int, producers: dict, collection) -> int:
    """Synthetic products demo-00001 … demo-N spread across producers, for load tests."""
    if count <= 0:
        return 0
    categories = list(OcopCategory.objects.filter(parent__isnull=False))
    producer_list = list(producers.values())
    have = set(ProductVariant.objects.filter(sku__startswith="demo-").values_list("sku", flat=True))
    images = [
        get_or_create_image(f"Ảnh minh hoạ {i + 1}", f"extra-{i}", collection) for i in range(8)
    ]
    made = 0
    # Realistic publication dates (a listing sorts by newest): spread over the two years
    # before the seed, in a stable order by number, never later than the curated products.
    start = timezone.now() - datetime.timedelta(days=1)
    for n in tqdm(range(1, count + 1), desc="Sản phẩm thêm", disable=None):
        sku = f"demo-{n:05d}"
        if sku in have:
            continue
        producer = producer_list[n % len(producer_list)]
        item = {
            "name": f"Sản phẩm thử nghiệm số {n}",
            "name_en": f"Test product {n}",
            "ocop_stars": 3 + n % 3,
            "unit": ["Hộp 100 g", "Gói 500 g", "Chai 500 ml", "Chiếc"][n % 4],
            "demo_price_vnd": 20_000 + (n * 7919) % 2_000_000 // 1000 * 1000,
            "summary": f"Sản phẩm thử nghiệm số {n} của {producer.title}.",
        }
        page = _product_page(
            item,
            f"san-pham-thu-nghiem-{n}",
            categories[n % len(categories)],
            producer.commune,
            images[n % len(images)],
            sku,
        )
        page.featured = False
        published = start - datetime.timedelta(
            days=_stable(sku, 730), minutes=_stable(sku + "m", 24 * 60)
        )
        page.first_published_at = page.last_published_at = published
        producer.add_child(instance=page)  # live, no revision history: fast bulk demo data
        set_on_hand(sku, n % 50, reason="Tồn kho ban đầu (dữ liệu demo)")
        made += 1
    return made


# GS1 reserves the prefix 952 for demonstration codes: a demo GTIN never names a real product.
DEMO_GTIN_PREFIX = "952"


def demo_gtin(code: str) -> str:
    from .gs1 import gtin_check_digit

    body = DEMO_GTIN_PREFIX + f"{_stable(code, 10**9):09d}"
    return body + str(gtin_check_digit(body))


def demo_stages(page: ProductPage, produced_on: datetime.date) -> list:
    """Three plain stages — harvest, processing, packing — at the product's commune, by its
    producer (illustrative: the demo knows no real batch)."""
    who = page.producer.title if page.producer_id else "Cơ sở sản xuất"
    where = page.origin_commune or (page.producer.commune if page.producer_id else None)
    stages = [
        (
            "thu-hoach",
            -6,
            -5,
            "Thu hái nguyên liệu tại vùng sản xuất của cơ sở, loại bỏ phần dập, hỏng.",
            "Raw materials picked in the producer's own growing area; bruised and damaged parts "
            "removed.",
            [],
        ),
        (
            "che-bien",
            -4,
            -1,
            "Sơ chế, chế biến theo quy trình của cơ sở; ghi nhật ký nhiệt độ, thời gian.",
            "Cleaned and processed following the producer's own procedure, with temperatures "
            "and times logged.",
            [
                (
                    "nguyen-lieu",
                    "Nước sạch sinh hoạt (QCVN 01-1:2018/BYT)",
                    "Clean tap water (QCVN 01-1:2018/BYT)",
                )
            ],
        ),
        (
            "dong-goi",
            0,
            None,
            "Đóng gói, dán nhãn và tem truy xuất cho cả lô.",
            "The whole batch packed, labelled and given its traceability stamps.",
            [("bao-bi", "Túi, hộp đựng thực phẩm", "Food-grade bags and boxes")],
        ),
    ]
    value = []
    for kind, start, end, text, text_en, inputs in stages:
        value.append(
            (
                "stage",
                {
                    "kind": kind,
                    "description": text,
                    "description_en": text_en,
                    "started_on": produced_on + datetime.timedelta(days=start),
                    "ended_on": produced_on + datetime.timedelta(days=end)
                    if end is not None
                    else None,
                    "commune": where,
                    "place": "",
                    "place_en": "",
                    "latitude": None,
                    "longitude": None,
                    "performed_by": who,
                    "inputs": [
                        {
                            "kind": k,
                            "name": n,
                            "name_en": n_en,
                            "registration_number": "",
                            "quantity": "",
                            "supplier": "",
                        }
                        for k, n, n_en in inputs
                    ],
                    "photos": [],
                },
            )
        )
    return value


def load_batches(products: list[ProductPage]) -> None:
    """A published traceability batch for each demo food product (group I), with three
    illustrative stages and a sample certificate; the first also gets a demo GTIN (GS1 prefix
    952), so its stamps carry a GS1 Digital Link."""
    with_gtin = 0
    for page in products:
        if not page.category.code.startswith("I."):
            continue
        code = f"{page.slug[:28]}-2025-01".strip("-")
        if TraceabilityBatch.objects.filter(code=code).exists():
            continue
        if with_gtin < 3 and not page.gtin:
            page.gtin = demo_gtin(code)
            ProductPage.objects.filter(pk=page.pk).update(gtin=page.gtin)
            with_gtin += 1
        produced = datetime.date(2025, 10, 1)
        batch = TraceabilityBatch(
            code=code,
            product=page,
            produced_on=produced,
            expires_on=datetime.date(2026, 12, 31),
            quantity="500 đơn vị",
            quantity_en="500 units",
            stages=demo_stages(page, produced),
            notes="Lô mẫu cho bản trình diễn: công đoạn, chứng nhận và mã GTIN (tiền tố GS1 952 "
            "dành cho ví dụ) là số liệu minh hoạ.",
            notes_en="A sample batch for the demo: its stages, certificate and GTIN (GS1 prefix "
            "952, reserved for examples) are illustrative figures.",
            live=True,
            first_published_at=timezone.now(),
            last_published_at=timezone.now(),
        )
        batch.certifications = [
            BatchCertification(
                scheme=BatchCertification.Scheme.VIETGAP,
                number=f"VietGAP-TT-{_stable(code, 90000) + 10000}",
                issuer="Tổ chức chứng nhận (dữ liệu minh hoạ)",
                issuer_en="Certification body (illustrative data)",
                valid_until=datetime.date(2027, 6, 30),
            )
        ]
        batch.save()


# NTM results (issue 17). Only Dương Xá is checked against public sources; every other row is
# illustrative (flagged, and labelled so in every open-data file).
DUONG_XA_SOURCE = (
    "Xã đạt chuẩn NTM kiểu mẫu năm 2022 (langngheviet.com.vn: “Dương Xá (Gia Lâm) đón nhận "
    "danh hiệu xã đạt chuẩn nông thôn mới kiểu mẫu”); được chọn thí điểm xã NTM thông minh "
    "theo Kế hoạch 236/KH-UBND ngày 21/9/2023 của UBND Thành phố (gialam.hanoi.gov.vn, "
    "20/11/2023)."
)
ILLUSTRATIVE_SOURCE = "Số liệu minh hoạ cho bản trình diễn, không phải kết quả công nhận."
NTM_DEMO = [
    # legacy commune, year, status, decision date, {indicator: (value, met)}, illustrative
    ("Dương Xá, Gia Lâm", 2022, "kieu-mau", None, {}, False),
    ("Bát Tràng, Gia Lâm", 2024, "nang-cao", datetime.date(2024, 11, 20),
     {"8.4": ("Đạt", True), "15.2": ("Đạt", True)}, True),
    ("Phù Đổng, Gia Lâm", 2023, "dat-chuan", datetime.date(2023, 12, 5),
     {"8.4": ("Chưa đạt", False), "15.2": ("Đạt", True)}, True),
    ("Sơn Đồng, Hoài Đức", 2024, "nang-cao", datetime.date(2024, 10, 8),
     {"8.4": ("Đạt", True), "15.2": ("Đạt", True)}, True),
    ("Phương Trung, Thanh Oai", 2023, "dat-chuan", datetime.date(2023, 9, 14),
     {"8.4": ("Chưa đạt", False)}, True),
    ("Hồng Vân, Thường Tín", 2021, "dat-chuan", datetime.date(2021, 12, 28), {}, True),
    ("Hồng Vân, Thường Tín", 2024, "nang-cao", datetime.date(2024, 12, 18),
     {"8.4": ("Đạt", True), "15.2": ("Đạt", True)}, True),
    ("Quảng Phú Cầu, Ứng Hòa", 2023, "chua-dat", None,
     {"8.4": ("Chưa đạt", False), "9.2": ("Huyện: chưa đạt", False),
      "9.5": ("Huyện: đạt", True)}, True),
]  # fmt: skip


def load_ntm_results() -> int:
    """The demo NTM rows (commune + year is the natural key); returns how many were created."""
    from .ntm import NtmIndicator, NtmResult

    created = 0
    for legacy, year, status, decided, indicators, illustrative in NTM_DEMO:
        commune = Commune.objects.resolve(legacy)
        if commune is None or NtmResult.objects.filter(commune=commune, year=year).exists():
            continue
        result = NtmResult.objects.create(
            commune=commune,
            legacy_commune=legacy,
            year=year,
            status=status,
            decision_date=decided,
            source=ILLUSTRATIVE_SOURCE if illustrative else DUONG_XA_SOURCE,
            illustrative=illustrative,
        )
        for code, (value, met) in indicators.items():
            NtmIndicator.objects.create(result=result, code=code, value=value, met=met)
        result.save_revision(log_action=False)
        created += 1
    return created
