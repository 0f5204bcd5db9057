"""The address register of all Vietnam (products/register.py) and its search."""

import json

import pytest

from products.reference import Commune, LegacyCommuneName, Province
from products.register import load_register, package_register

pytestmark = pytest.mark.django_db

DATA = json.loads(
    (__import__("pathlib").Path(__file__).parents[2] / "cms/data/hanoi.json").read_text("utf-8")
)


def test_every_province_and_over_three_thousand_communes():
    assert Province.objects.count() == 34
    assert Commune.objects.count() >= 3000
    # every province has communes, and every commune a province
    assert not Province.objects.filter(communes__isnull=True).exists()
    assert Commune.objects.filter(province__code="01").count() == 126  # Hà Nội after 1/7/2025
    assert Commune.objects.filter(province__code="79").count() == 168  # TP Hồ Chí Minh
    kinds = set(Commune.objects.values_list("kind", flat=True))
    assert kinds == {"xã", "phường", "đặc khu"}


def test_loading_again_changes_nothing():
    before = (Commune.objects.count(), LegacyCommuneName.objects.count())
    result = load_register()
    assert (result.communes_created, result.communes_updated, result.old_names_created) == (
        0,
        0,
        0,
    )
    assert (Commune.objects.count(), LegacyCommuneName.objects.count()) == before


def test_a_renamed_commune_is_corrected_not_duplicated():
    commune = Commune.objects.get(code="00070")
    Commune.objects.filter(pk=commune.pk).update(name="Tên sai")
    result = load_register()
    assert result.communes_updated == 1
    assert Commune.objects.get(code="00070").name == "Hoàn Kiếm"


def test_curated_hanoi_communes_agree_with_the_register():
    """The curated Hà Nội communes (cms/data/hanoi.json) have the register's code, name and
    kind, and every curated old name resolves to its curated commune."""
    units = {u.code: u for u in package_register().units}
    for item in DATA["communes"]:
        unit = units[item["code"]]
        assert (unit.name, unit.kind, unit.province_code) == (item["name"], item["type"], "01")
        for old in item["legacy"]:
            found = Commune.objects.resolve(f"{old['commune']}, {old['district']}", province="01")
            assert found is not None and found.code == item["code"], old


@pytest.mark.parametrize(
    "text,code",
    [
        ("Kiêu Kỵ, Gia Lâm", "00565"),  # old commune + old district (Hà Nội)
        ("kieu ky, gia lam", "00565"),
        ("Hàng Bạc, Hoàn Kiếm", "00070"),
        ("Phường Bến Nghé, Quận 1", "26740"),  # TP Hồ Chí Minh: Bến Nghé → Phường Sài Gòn
        ("Thạch Thang, Hải Châu", "20242"),  # Đà Nẵng
        ("Phường Hải Châu, Đà Nẵng", "20242"),  # current name + province
    ],
)
def test_old_names_resolve_in_several_provinces(text, code):
    commune = Commune.objects.resolve(text)
    assert commune is not None and commune.code == code, (text, commune)


@pytest.mark.parametrize(
    "query,province,first",
    [
        ("hoan kiem", None, ("Hoàn Kiếm", "01")),
        ("Phường Hải Châu", None, ("Hải Châu", "48")),
        ("dong da", "01", ("Đống Đa", "01")),
        ("Kiêu Kỵ, Gia Lâm", None, ("Gia Lâm", "01")),
        ("Ba Đình", None, ("Ba Đình", "01")),  # exact diacritics before "Ba Dinh" (Quảng Ngãi)
    ],
)
def test_type_ahead_ranks_the_meant_commune_first(query, province, first):
    found = Commune.objects.search(query, province=province)
    assert found, query
    assert (found[0].name, found[0].province.code) == first


def test_old_district_name_lists_the_wards_it_became():
    wards = Commune.objects.search("dong da", province="01")
    names = {c.name for c in wards}
    # the old Đống Đa district became Đống Đa, Kim Liên, Văn Miếu - Quốc Tử Giám, Láng, Ô Chợ Dừa…
    assert {"Đống Đa", "Kim Liên", "Láng", "Ô Chợ Dừa"} <= names
    assert all(c.province.code == "01" for c in wards)


def test_search_scoped_to_a_province_and_empty_text():
    assert Commune.objects.search("", province="01") == []
    assert {c.province.code for c in Commune.objects.search("hai chau", province="48")} == {"48"}


def test_officers_find_a_commune_in_the_admin_list_with_or_without_diacritics(client):
    from django.contrib.auth import get_user_model

    client.force_login(get_user_model().objects.get(username="admin"))
    for query in ("hoan kiem", "Hoàn Kiếm", "00070"):
        page = client.get("/admin/snippets/products/commune/", {"q": query})
        assert page.status_code == 200 and "Hoàn Kiếm" in page.content.decode(), query
    da_nang = Province.objects.get(code="48")
    url = "/admin/snippets/products/commune/"
    found = client.get(url, {"province": da_nang.pk, "q": "hai chau"}).content.decode()
    assert "Hải Châu" in found
    elsewhere = client.get(url, {"province": da_nang.pk, "q": "hoan kiem"}).content.decode()
    assert "Hoàn Kiếm" not in elsewhere
