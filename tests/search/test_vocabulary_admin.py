"""The editable search vocabulary: intent rules and synonyms edited in the admin apply to the
next search (no reindex); places, tones and short words on the real index."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from cms.search import service
from cms.search.models import IntentRule, SearchSynonym
from cms.search.query import SearchQuery

pytestmark = pytest.mark.django_db


def _titles(q, **params):
    return [h.title for h in service.search(SearchQuery(q=q, **params)).hits]


@pytest.fixture
def officer_client(client):
    user = get_user_model().objects.create_superuser("vocab-admin", "v@example.com", "pw-12345")
    client.force_login(user)
    return client


def test_an_intent_rule_added_in_the_admin_applies_after_save(officer_client):
    before = _titles("đồ nhậu")  # no title says it (only loose typo matches)
    assert "Thịt trâu gác bếp" not in before and "Rượu nếp Đào Viên 35% Vol" not in before
    url = reverse("wagtailsnippets_search_index_intentrule:add")
    assert officer_client.get(url).status_code == 200
    response = officer_client.post(
        url,
        {
            "name": "Đồ nhắm",
            "phrases": "đồ nhậu, đồ nhắm",
            "categories": "II.1",
            "site_kinds": "",
            "keywords": "thịt trâu gác bếp",
            "enabled": "on",
        },
    )
    assert response.status_code == 302, response.content[:2000]
    found = _titles("đồ nhậu")
    assert set(found[:2]) == {"Rượu nếp Đào Viên 35% Vol", "Thịt trâu gác bếp"}

    rule = IntentRule.objects.get(name="Đồ nhắm")
    edit = reverse("wagtailsnippets_search_index_intentrule:edit", args=[rule.pk])
    response = officer_client.post(
        edit,
        {
            "name": "Đồ nhắm",
            "phrases": "đồ nhậu, đồ nhắm",
            "categories": "",
            "site_kinds": "",
            "keywords": "thịt trâu gác bếp",
            "enabled": "on",
        },
    )
    assert response.status_code == 302
    found = _titles("đồ nhậu")
    assert found[0] == "Thịt trâu gác bếp" and "Rượu nếp Đào Viên 35% Vol" not in found
    rule.refresh_from_db()
    rule.enabled = False
    rule.save()
    assert "Thịt trâu gác bếp" not in _titles("đồ nhậu")


def test_the_rule_form_checks_codes_against_the_documents(officer_client):
    url = reverse("wagtailsnippets_search_index_intentrule:add")
    response = officer_client.post(
        url,
        {"name": "Sai", "phrases": "sai", "categories": "IX.9", "site_kinds": "castle"},
    )
    assert response.status_code == 200  # the form again, with errors
    assert not IntentRule.objects.filter(name="Sai").exists()
    text = response.content.decode()
    assert "IX.9" in text and "castle" in text


def test_a_synonym_added_in_the_admin_applies_after_save(officer_client):
    assert "Trà Thọ" not in _titles("chè bưởi")
    url = reverse("wagtailsnippets_search_index_searchsynonym:add")
    response = officer_client.post(url, {"terms": "chè bưởi, trà thọ", "enabled": "on"})
    assert response.status_code == 302
    assert _titles("chè bưởi")[0] == "Trà Thọ"
    SearchSynonym.objects.filter(terms__startswith="chè bưởi").delete()
    assert "Trà Thọ" not in _titles("chè bưởi")


def test_the_default_vocabulary_is_seeded():
    assert IntentRule.objects.filter(name="Quà Tết", enabled=True).exists()
    assert SearchSynonym.objects.filter(terms__contains="hanoi").exists()


def test_old_communes_names_do_not_combine_across_aliases():
    """Khu di tích Cổ Loa's commune (Đông Anh) was made of Cổ Loa, Đông Hội, Dục Tú, Mai Lâm…:
    "đông" from one old name and "dục" from another must not make it answer "dục đông"."""
    assert "Khu di tích Cổ Loa" in _titles("đông hội")  # one whole old name: yes
    assert "Khu di tích Cổ Loa" not in _titles("dục đông")
    assert "Khu di tích Cổ Loa" not in _titles("duc dong")
    assert set(_titles("duc dong")[:2]) == {"Đôi đèn Tứ Linh đúc đồng", "Lọ Song Ngư đúc đồng"}


def test_the_producers_own_old_address_is_indexed():
    """Hàng Than is where Cốm Phúc Đức is (its address); it is no old name of its commune."""
    found = _titles("hàng than")
    assert set(found[:3]) == {"Cốm làng Vòng", "Bánh cốm", "Bánh xu xê"}
    # Kiêu Kỵ producers first; other producers of the same new commune (Gia Lâm) not at all
    found = _titles("kiêu kỵ")
    assert "Tinh bột nghệ vàng" not in found[:6]


def test_an_exact_short_word_comes_before_the_words_it_prefixes():
    """On PostgreSQL too: "trà" is the teas, not tranh/trang/trai/tràng (prefix matches)."""
    found = _titles("trà")
    assert set(found[:4]) == {
        "Trà Phúc",
        "Trà Lộc",
        "Trà Thọ",
        "Trà sen Hiền Xiêm ướp sen Bách Diệp",
    }
    assert _titles("tra")[:4] == found[:4]


def test_folding_does_not_beat_the_reading_typed():
    assert _titles("đỏ")[0] == "Bộ bát đĩa gốm sứ hoa sen đỏ"
    assert _titles("đèn")[0] == "Đôi đèn Tứ Linh đúc đồng"
    assert _titles("nghệ đen")[0] == "Tinh bột nghệ đen"


def test_highlights_show_what_the_alternatives_matched():
    hit = service.search(SearchQuery(q="nuowcs tuwowng")).hits[0]
    assert hit.title == "Nước tương Cự Đà"
    assert "<mark>Nước</mark>" in hit.title_html and "<mark>tương</mark>" in hit.title_html
