"""A default editable vocabulary: synonyms (Vietnamese, English, abbreviations) and intent rules
(needs people type that are in no title → OCOP groups/subgroups, kinds of site, keywords).
Officers edit both in the admin (Tìm kiếm › Từ đồng nghĩa / Quy tắc nhu cầu tìm kiếm)."""

from django.db import migrations

SYNONYMS = [
    ("hà nội, hanoi, hn", "Tên thành phố, viết liền hoặc viết tắt"),
    ("ocop, mỗi xã một sản phẩm", "Tên chương trình"),
    ("htx, hợp tác xã", "Viết tắt"),
    ("tp hcm, tphcm, hồ chí minh, sài gòn", "Tên thành phố"),
    ("nhang, hương, incense", "Nhang (miền Nam) là hương (miền Bắc)"),
    ("chè, trà, tea", "Miền Bắc gọi trà là chè"),
    ("gốm, gốm sứ, pottery, ceramic, ceramics, porcelain", "Gốm sứ bằng tiếng Anh"),
    ("sơn mài, lacquer, lacquerware", ""),
    ("khảm trai, mother of pearl, khảm xà cừ", ""),
    ("dát vàng, quỳ vàng, gold leaf, gilded", ""),
    ("lụa, tơ tằm, silk", ""),
    ("mây, rattan", ""),
    ("tre, bamboo", ""),
    ("jewelry, jewellery", "Cách viết Mỹ và Anh"),
    ("yogurt, yoghurt, sữa chua", "Cách viết Mỹ và Anh"),
    ("chùa, pagoda", ""),
    ("đền, temple", ""),
    ("làng, village", ""),
    ("rượu nếp, rượu gạo, rice wine", ""),
    ("nước tương, xì dầu, soy sauce", ""),
    ("nấm, mushroom", ""),
    ("sen, hoa sen, lotus", ""),
    ("nón, nón lá, conical hat", ""),
    ("múa rối nước, rối nước, water puppet", ""),
]

INTENTS = [
    {
        "name": "Quà Tết",
        "phrases": "quà tết, quà biếu tết, biếu tết, tết, đồ tết, tet gift, tet gifts",
        "categories": "I.5, II.1",
        "keywords": "mứt, bánh pía, bánh cốm, chè kho, rượu",
    },
    {
        "name": "Quà tặng, quà biếu",
        "phrases": "quà, quà tặng, quà biếu, đồ biếu, biếu, tặng, làm quà, gift, gifts, present",
        "categories": "IV.1, I.5, II.1",
    },
    {
        "name": "Quà lưu niệm",
        "phrases": "quà lưu niệm, đồ lưu niệm, lưu niệm, souvenir, souvenirs",
        "categories": "IV.1",
    },
    {
        "name": "Quà cưới, ăn hỏi",
        "phrases": "quà cưới, cưới hỏi, đám cưới, ăn hỏi, lễ ăn hỏi, wedding",
        "keywords": "xu xê, cốm, phu thê",
    },
    {
        "name": "Tết Trung thu",
        "phrases": "trung thu, tết trung thu, quà trung thu, mid autumn",
        "keywords": "bánh pía, bánh cốm, mứt sen, trà sen",
    },
    {
        "name": "Đồ thờ cúng",
        "phrases": "thờ cúng, đồ thờ, đồ cúng, đồ thờ cúng, cúng lễ, đồ cúng lễ, bàn thờ, altar, "
        "worship",
        "keywords": "nhang, hương trầm, incense, đúc đồng, đèn thờ",
    },
    {
        "name": "Đồ uống",
        "phrases": "đồ uống, thức uống, nước uống, nước giải khát, giải khát, drink, drinks",
        "categories": "II, I.5",
        "keywords": "sữa tươi",
    },
    {
        "name": "Đồ khô",
        "phrases": "đồ khô, hàng khô, thực phẩm khô, đồ sấy, dried food",
        "categories": "I.2",
        "keywords": "khô, sấy, gác bếp",
    },
    {
        "name": "Hàng tươi",
        "phrases": "hàng tươi, đồ tươi, đồ tươi sống, tươi sống, thực phẩm tươi, fresh food",
        "categories": "I.1",
        "keywords": "tươi",
    },
    {
        "name": "Đồ ăn vặt",
        "phrases": "ăn vặt, đồ ăn vặt, quà vặt, snack, snacks",
        "keywords": "bánh, mứt, cốm, hành phi",
    },
    {
        "name": "Đồ thủ công mỹ nghệ",
        "phrases": "đồ thủ công, hàng thủ công, thủ công, đồ mỹ nghệ, hàng mỹ nghệ, mỹ nghệ, "
        "handmade, handicraft, crafts",
        "categories": "IV",
    },
    {
        "name": "Đồ trang trí",
        "phrases": "trang trí, đồ trang trí, trang trí nhà, decor, decoration, home decor",
        "categories": "IV.1",
    },
    {
        "name": "Thảo dược",
        "phrases": "thảo dược, dược liệu, thuốc nam, đông y, cây thuốc, herbal, herbs",
        "categories": "III",
        "keywords": "dược liệu, thuốc nam",
    },
    {
        "name": "Làm đẹp",
        "phrases": "làm đẹp, mỹ phẩm, chăm sóc da, dưỡng da, beauty, cosmetics, skincare",
        "categories": "III.2",
        "keywords": "tinh bột nghệ, tinh dầu",
    },
    {
        "name": "Đi lễ",
        "phrases": "đi lễ, lễ chùa, đi chùa, đền chùa, chùa chiền, tâm linh, du lịch tâm linh",
        "site_kinds": "heritage_site",
        "keywords": "chùa, đền, temple",
    },
    {
        "name": "Làng nghề",
        "phrases": "làng nghề, làng nghề truyền thống, craft village",
        "site_kinds": "craft_village",
    },
    {
        "name": "Làng cổ",
        "phrases": "làng cổ, làng xưa, ancient village, heritage village",
        "site_kinds": "heritage_village",
    },
    {
        "name": "Di tích",
        "phrases": "di tích, di tích lịch sử, historical site, heritage site, relic",
        "site_kinds": "heritage_site",
    },
    {
        "name": "Du lịch cộng đồng",
        "phrases": "du lịch cộng đồng, homestay, ở nhà dân, trải nghiệm nông thôn, "
        "community tourism",
        "categories": "VI",
        "site_kinds": "community_tourism",
    },
    {
        "name": "Trang trại, sinh thái",
        "phrases": "trang trại, nông trại, farmstay, sinh thái, du lịch sinh thái, dã ngoại, "
        "cắm trại, picnic, eco tourism",
        "site_kinds": "farm, eco_park",
    },
]


def seed(apps, schema_editor):
    SearchSynonym = apps.get_model("search_index", "SearchSynonym")
    IntentRule = apps.get_model("search_index", "IntentRule")
    if not SearchSynonym.objects.exists():
        SearchSynonym.objects.bulk_create(
            [SearchSynonym(terms=terms, note=note) for terms, note in SYNONYMS]
        )
    if not IntentRule.objects.exists():
        IntentRule.objects.bulk_create([IntentRule(**rule) for rule in INTENTS])


def unseed(apps, schema_editor):
    apps.get_model("search_index", "SearchSynonym").objects.all().delete()
    apps.get_model("search_index", "IntentRule").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("search_index", "0006_fts_place_column")]

    operations = [migrations.RunPython(seed, unseed)]
