"""The tour on a phone, server side: the offline mini-map of scene positions, 44 px hotspot icons
by kind, the viewer's own texts per language, scene positions' validation and the printable QR
plaques that open the tour at each scene."""

import re

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from products.qr import qr_svg
from tours.models import TourSitePage, VirtualTourPage
from tours.plaques import PER_PAGE, Plaque, sheets
from tours.viewer import MINIMAP_HEIGHT, MINIMAP_WIDTH, mini_map, scene_views, tour_config

pytestmark = pytest.mark.django_db


def _bat_trang_tour():
    site = TourSitePage.objects.get(title="Làng gốm Bát Tràng")
    return VirtualTourPage.objects.child_of(site).get()


def test_demo_scenes_have_positions_and_the_mini_map_places_them_in_list_order():
    page = _bat_trang_tour()
    views = scene_views(page)
    site = page.get_parent().specific
    first = page.scenes.first()
    assert (first.latitude, first.longitude) == (site.latitude, site.longitude)
    minimap = mini_map(views)
    assert [p["key"] for p in minimap.points] == [v.key for v in views]
    assert [p["number"] for p in minimap.points] == [1, 2, 3]
    for p in minimap.points:
        assert 0 < p["x"] < MINIMAP_WIDTH and 0 < p["y"] < MINIMAP_HEIGHT
    # North is up and east is right: the kiln lies north-east of the gate.
    gate, kiln = minimap.points[0], minimap.points[1]
    assert kiln["x"] > gate["x"] and kiln["y"] < gate["y"]
    # One path per pair of scenes joined by a "go to scene" hotspot (there and back count once).
    assert len(minimap.paths) == 2


def test_mini_map_needs_two_placed_scenes():
    page = _bat_trang_tour()
    views = scene_views(page)
    for view in views[1:]:
        view.latitude = view.longitude = None
    assert mini_map(views) is None


def test_tour_page_draws_the_mini_map_as_links_to_each_scene(client):
    page = _bat_trang_tour()
    html = client.get(page.url, {"scene": "lo-gom"}).content.decode()
    svg = re.search(r'<figure class="tour-minimap".*?</figure>', html, re.S).group(0)
    links = re.findall(r'<a href="\?scene=([\w-]+)" data-scene="\1" aria-label="([^"]+)"', svg)
    assert [key for key, _ in links] == ["cong-lang", "lo-gom", "cho-gom"]
    assert links[1][1] == "Cảnh 2: Lò gốm"
    assert re.search(r'data-scene="lo-gom" aria-label="[^"]+" class="is-current" aria-current', svg)
    # Coordinates are plain numbers whatever the language (no decimal commas).
    assert re.search(r'<circle cx="\d+(\.\d+)?" cy="\d+(\.\d+)?" r="16"/>', svg)
    # The viewer starts on intent: Pannellum is loaded by tour.js, not by a script tag.
    assert '<script src="/static/vendor/pannellum-2.5.6/pannellum.js"' not in html
    assert 'data-pannellum-src="/static/vendor/pannellum-2.5.6/pannellum.js"' in html
    assert re.search(r'<button type="button" class="tour-start" data-tour-start hidden>', html)


def test_hotspots_carry_their_own_icon_class_per_kind():
    config = tour_config(_bat_trang_tour())
    classes = {
        hs["cssClass"].split()[2]: hs for s in config["scenes"].values() for hs in s["hotSpots"]
    }
    assert set(classes) == {"tour-hotspot-scene", "tour-hotspot-info", "tour-hotspot-product"}
    for hs in classes.values():
        assert "pnlm-sprite" not in hs["cssClass"]  # Pannellum's 26 px sprite is not used


def test_viewer_texts_follow_the_language():
    page = _bat_trang_tour()
    assert tour_config(page)["default"]["strings"]["loadingLabel"] == "Đang tải..."
    with translation.override("en"):
        assert tour_config(page)["default"]["strings"]["loadingLabel"] == "Loading..."


@pytest.mark.parametrize(
    ("latitude", "longitude", "field"),
    [
        (21.0, None, "longitude"),
        (None, 105.9, "latitude"),
        (95.0, 105.9, "latitude"),
        (21.0, 200.0, "longitude"),
    ],
)
def test_scene_position_is_both_or_neither_and_on_the_earth(latitude, longitude, field):
    scene = _bat_trang_tour().scenes.first()
    scene.latitude, scene.longitude = latitude, longitude
    with pytest.raises(ValidationError) as error:
        scene.clean()
    assert field in error.value.message_dict


def test_plaques_sheet_has_one_plaque_per_scene_with_its_deep_link(client):
    page = _bat_trang_tour()
    response = client.get(f"/du-lich/bien-qr/{page.pk}/")
    assert response.status_code == 200
    html = response.content.decode()
    plaques = re.findall(
        r'<article class="plaque" data-plaque="([\w-]+)" data-url="([^"]+)">', html
    )
    keys = [s.key for s in page.scenes.all()]
    assert [key for key, _ in plaques] == keys
    for key, url in plaques:
        assert url == f"http://testserver{page.url}?scene={key}"
        # The QR code is segno's encoding of exactly that URL (deterministic for the same data).
        assert qr_svg(url, scale=5) in html
    assert html.count('class="plaque-sheet"') == 1
    # The deep link opens the tour at that scene.
    tour_html = client.get(plaques[1][1].replace("http://testserver", "")).content.decode()
    assert re.search(
        r'class="tour-scenes">.*?data-scene="lo-gom" aria-current="true"', tour_html, re.S
    )


def test_plaques_go_four_to_an_a4_sheet():
    items = [Plaque(i, f"k{i}", f"Cảnh {i}", f"https://x/?scene=k{i}", "") for i in range(1, 10)]
    grouped = sheets(items)
    assert PER_PAGE == 4 and [len(s) for s in grouped] == [4, 4, 1]
    assert [p.number for s in grouped for p in s] == list(range(1, 10))


def test_plaques_only_for_live_tours(client):
    page = _bat_trang_tour()
    assert client.get("/du-lich/bien-qr/999999/").status_code == 404
    assert client.post(f"/du-lich/bien-qr/{page.pk}/").status_code == 405
    page.unpublish()
    assert client.get(f"/du-lich/bien-qr/{page.pk}/").status_code == 404


def test_admin_offers_the_plaques_for_a_live_tour(client):
    from django.contrib.auth import get_user_model

    page = _bat_trang_tour()
    client.force_login(get_user_model().objects.filter(is_superuser=True).first())
    listing = client.get(f"/admin/pages/{page.get_parent().pk}/").content.decode()
    assert f"/du-lich/bien-qr/{page.pk}/" in listing
    edit = client.get(f"/admin/pages/{page.pk}/edit/").content.decode()
    assert f"/du-lich/bien-qr/{page.pk}/" in edit
    # Not on other pages.
    site_listing = client.get(f"/admin/pages/{page.get_parent().get_parent().pk}/").content.decode()
    assert "/du-lich/bien-qr/" not in site_listing
