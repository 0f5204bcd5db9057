"""Virtual tours: demo content, viewer config (scenes, hotspots, deep links), tiling, admin."""

import io
import re
from pathlib import Path

import pytest
from django.conf import settings
from PIL import Image as PILImage
from wagtail.images import get_image_model

from tours.models import Hotspot, PanoramaTiles, TourSitePage, VirtualTourPage
from tours.tasks import generate_tiles, request_tiles
from tours.viewer import tour_config

pytestmark = pytest.mark.django_db


def _image(size, title="pano", fmt="JPEG"):
    buf = io.BytesIO()
    PILImage.new("RGB", size, (90, 140, 200)).save(buf, fmt)
    from django.core.files.images import ImageFile

    image = get_image_model()(title=title)
    image.file = ImageFile(io.BytesIO(buf.getvalue()), name=f"{title}.{fmt.lower()}")
    image.save()
    return image


def _bat_trang_tour():
    site = TourSitePage.objects.get(title="Làng gốm Bát Tràng")
    return VirtualTourPage.objects.child_of(site).get()


def test_demo_builds_three_multi_scene_tours_with_ready_tiles():
    tours = VirtualTourPage.objects.live()
    assert tours.count() >= 3
    sites = {t.get_parent().title for t in tours}
    assert {"Làng gốm Bát Tràng", "Làng cổ Đường Lâm", "Điểm du lịch Dương Xá"} <= sites
    for tour in tours:
        scenes = list(tour.scenes.all())
        assert len(scenes) >= 2
        kinds = {h.kind for s in scenes for h in s.hotspots.all()}
        assert {"scene", "info", "product"} <= kinds
        for scene in scenes:
            record = PanoramaTiles.objects.get(
                image=scene.panorama, status=PanoramaTiles.Status.READY
            )
            base = Path(settings.MEDIA_ROOT) / record.directory
            top = record.config["maxLevel"]
            # 2048-px panorama → cube 648 px, 512-px tiles → 2×2 tiles per face at the top level.
            assert len(list((base / str(top)).glob("*.jpg"))) == 6 * 4
            assert len(list((base / "1").glob("*.jpg"))) == 6
            assert sorted(p.stem for p in (base / "fallback").glob("*.jpg")) == sorted("fblrud")
            assert (base / "preview.jpg").is_file()


def test_tour_config_has_multires_scenes_and_hotspots():
    page = _bat_trang_tour()
    config = tour_config(page)
    keys = [s.key for s in page.scenes.all()]
    assert config["default"]["firstScene"] == keys[0]
    assert list(config["scenes"]) == keys
    assert config["default"]["autoRotate"] < 0
    for key, scene in config["scenes"].items():
        assert scene["type"] == "multires"
        multires = scene["multiRes"]
        assert multires["basePath"].startswith(settings.MEDIA_URL + "tours/tiles/")
        assert multires["path"] == "/%l/%s%y_%x" and multires["extension"] == "jpg"
        assert scene["preview"].endswith("/preview.jpg")
        db_scene = page.scenes.get(key=key)
        assert len(scene["hotSpots"]) == db_scene.hotspots.count()
        for hs in scene["hotSpots"]:
            assert -180 <= hs["yaw"] <= 180 and -90 <= hs["pitch"] <= 90
            if hs["type"] == "scene":
                assert hs["sceneId"] in config["scenes"] and hs["sceneId"] != key
    product_hotspots = [
        hs for s in config["scenes"].values() for hs in s["hotSpots"] if "URL" in hs
    ]
    assert product_hotspots
    product = Hotspot.objects.filter(scene__page=page, kind="product").first().product
    assert product.url in {hs["URL"] for hs in product_hotspots}


def test_deep_link_selects_scene_and_view_and_ignores_garbage():
    page = _bat_trang_tour()
    config = tour_config(page, scene="lo-gom", yaw="45.5", pitch="-10")
    assert config["default"]["firstScene"] == "lo-gom"
    assert (config["scenes"]["lo-gom"]["yaw"], config["scenes"]["lo-gom"]["pitch"]) == (45.5, -10)
    # Other scenes keep their editor-set view.
    assert config["scenes"]["cong-lang"]["yaw"] == page.scenes.get(key="cong-lang").yaw

    clamped = tour_config(page, scene="lo-gom", yaw="900", pitch="-300")
    assert (clamped["scenes"]["lo-gom"]["yaw"], clamped["scenes"]["lo-gom"]["pitch"]) == (180, -90)

    junk = tour_config(page, scene="no-such-scene", yaw="nan", pitch="abc")
    first = page.scenes.first()
    assert junk["default"]["firstScene"] == first.key
    assert junk["scenes"][first.key]["yaw"] == first.yaw
    assert junk["scenes"][first.key]["pitch"] == first.pitch


def test_dangling_scene_hotspot_is_left_out():
    page = _bat_trang_tour()
    scene = page.scenes.first()
    Hotspot.objects.create(scene=scene, kind="scene", title="Lạc", target_scene="khong-co")
    config = tour_config(VirtualTourPage.objects.get(pk=page.pk))
    targets = [h.get("sceneId") for h in config["scenes"][scene.key]["hotSpots"]]
    assert "khong-co" not in targets


def test_tour_page_renders_accessible_list_and_deep_link(client):
    page = _bat_trang_tour()
    response = client.get(page.url, {"scene": "lo-gom"})
    assert response.status_code == 200
    html = response.content.decode()
    # Every scene is a real link in the list; the deep-linked one is current.
    for scene in page.scenes.all():
        assert f'href="?scene={scene.key}" data-scene="{scene.key}"' in html
    assert re.search(r'data-scene="lo-gom" aria-current="true">', html)
    assert re.search(r'data-scene-panel="lo-gom" aria-labelledby="[^"]+">', html)
    assert re.search(r'data-scene-panel="cong-lang" aria-labelledby="[^"]+" hidden>', html)
    # The panel of the current scene lists its product hotspot as a plain link.
    product = Hotspot.objects.filter(scene__page=page, scene__key="lo-gom", kind="product").get()
    assert f'href="{product.product.url}"' in html
    # Fallback preview for browsers without WebGL, and the vendored viewer (no CDN).
    assert 'id="tour-fallback-img"' in html and "/preview.jpg" in html
    assert "/static/vendor/pannellum-2.5.6/pannellum.js" in html
    assert 'id="tour-config"' in html
    assert "data-editor" not in html


def test_generate_tiles_for_a_new_upload_and_failure_is_recorded(tmp_path):
    good = _image((1024, 512), "good")
    record = generate_tiles(good.pk)
    assert record.status == PanoramaTiles.Status.READY
    assert record.config["cubeResolution"] == 320
    assert (Path(settings.MEDIA_ROOT) / record.directory / "1" / "f0_0.jpg").is_file()
    assert generate_tiles(good.pk).pk == record.pk  # idempotent

    bad = _image((1200, 1000), "bad")
    failed = generate_tiles(bad.pk)
    assert failed.status == PanoramaTiles.Status.FAILED
    assert "2:1" in failed.error


def test_request_tiles_runs_the_task_after_commit(django_capture_on_commit_callbacks):
    image = _image((1024, 512), "queued")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        record = request_tiles(image)
        assert record.status == PanoramaTiles.Status.PENDING
    assert len(callbacks) == 1
    record.refresh_from_db()
    assert record.status == PanoramaTiles.Status.READY


def test_finished_tiles_purge_the_cached_tour_pages(django_capture_on_commit_callbacks):
    """While the worker tiles a new panorama its tours are served (and cached) with the whole
    file; the tiles being ready makes those copies stale."""
    from django.test import Client

    tour = _bat_trang_tour()
    image = _image((1024, 512), "new-scene")
    scene = tour.scenes.first()
    scene.panorama = image
    scene.save()
    first = Client().get(tour.url)
    again = Client().get(tour.url)
    assert again["X-Page-Cache"] == "hit" and image.file.url in again.content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        record = generate_tiles(image.pk)
    fresh = Client().get(tour.url)
    assert first.status_code == fresh.status_code == 200
    assert fresh["X-Page-Cache"] == "miss"
    assert f"/{record.directory}" in fresh.content.decode()


def _admin_client(client, demo_password):
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.filter(is_superuser=True).first()
    client.force_login(user)
    return client


def _tour_form_data(image_id, *, key2="hai", target="hai"):
    data = {
        "title": "Tham quan thử",
        "slug": "tham-quan-thu",
        "intro": "",
        "auto_rotate": "on",
        "scenes-TOTAL_FORMS": "2",
        "scenes-INITIAL_FORMS": "0",
        "scenes-MIN_NUM_FORMS": "1",
        "scenes-MAX_NUM_FORMS": "1000",
        "comments-TOTAL_FORMS": "0",
        "comments-INITIAL_FORMS": "0",
        "comments-MIN_NUM_FORMS": "0",
        "comments-MAX_NUM_FORMS": "1000",
    }
    for i, key in enumerate(["mot", key2]):
        p = f"scenes-{i}-"
        data.update(
            {
                p + "key": key,
                p + "title": f"Cảnh {key}",
                p + "panorama": str(image_id),
                p + "description": "",
                p + "yaw": "0",
                p + "pitch": "0",
                p + "hfov": "100",
                p + "transcript": "",
                p + "ORDER": str(i + 1),
                p + "hotspots-TOTAL_FORMS": "1" if i == 0 else "0",
                p + "hotspots-INITIAL_FORMS": "0",
                p + "hotspots-MIN_NUM_FORMS": "0",
                p + "hotspots-MAX_NUM_FORMS": "1000",
            }
        )
    data.update(
        {
            "scenes-0-hotspots-0-kind": "scene",
            "scenes-0-hotspots-0-title": "Sang cảnh hai",
            "scenes-0-hotspots-0-yaw": "12.5",
            "scenes-0-hotspots-0-pitch": "-3",
            "scenes-0-hotspots-0-target_scene": target,
            "scenes-0-hotspots-0-text": "",
            "scenes-0-hotspots-0-ORDER": "1",
        }
    )
    return data


def _add_url(site):
    return f"/admin/pages/add/tours/virtualtourpage/{site.pk}/"


def test_admin_creates_tour_with_nested_scenes_and_hotspots(client, demo_password):
    client = _admin_client(client, demo_password)
    site = TourSitePage.objects.get(title="Làng hương Quảng Phú Cầu")
    image = _image((2048, 1024), "admin-pano")
    assert client.get(_add_url(site)).status_code == 200
    response = client.post(_add_url(site), _tour_form_data(image.pk))
    assert response.status_code == 302, response.context["form"].errors if response.context else ""
    page = VirtualTourPage.objects.child_of(site).get()
    scenes = list(page.get_latest_revision_as_object().scenes.all())
    assert [s.key for s in scenes] == ["mot", "hai"]
    hotspot = scenes[0].hotspots.get()
    assert (hotspot.kind, hotspot.target_scene, hotspot.yaw) == ("scene", "hai", 12.5)
    # Saving the tour asked for its tiles (the task itself runs on commit).
    assert PanoramaTiles.objects.filter(image=image).exists()


def _errors(response) -> str:
    return response.content.decode()


def test_admin_rejects_bad_panorama_duplicate_keys_and_dangling_targets(client, demo_password):
    client = _admin_client(client, demo_password)
    site = TourSitePage.objects.get(title="Làng hương Quảng Phú Cầu")
    square = _image((1200, 1000), "square")
    response = client.post(_add_url(site), _tour_form_data(square.pk))
    assert response.status_code == 200
    assert "không có tỉ lệ 2:1" in _errors(response)

    pano = _image((2048, 1024), "ok-pano")
    response = client.post(_add_url(site), _tour_form_data(pano.pk, key2="mot", target="mot"))
    assert response.status_code == 200
    assert "Mã cảnh bị trùng" in _errors(response)

    response = client.post(_add_url(site), _tour_form_data(pano.pk, target="khong-co"))
    assert response.status_code == 200
    assert "khong-co" in _errors(response)
    assert not VirtualTourPage.objects.child_of(site).exists()


def test_preview_mode_turns_on_the_direction_picker():
    page = _bat_trang_tour()
    response = page.make_preview_request()
    html = response.render().content.decode() if hasattr(response, "render") else ""
    html = html or response.content.decode()
    assert "data-editor" in html and 'id="tour-picker"' in html and "Sao chép" in html


def test_admin_edit_shows_nested_hotspots_and_tile_status(client, demo_password):
    client = _admin_client(client, demo_password)
    page = _bat_trang_tour()
    html = client.get(f"/admin/pages/{page.pk}/edit/").content.decode()
    assert 'name="scenes-0-hotspots-TOTAL_FORMS"' in html
    assert 'value="lo-gom"' in html
    assert html.count('data-state="ready"') == page.scenes.count()

    broken = _image((1200, 1000), "broken-upload")
    generate_tiles(broken.pk)
    scene = page.scenes.first()
    scene.panorama = broken
    scene.save()
    html = client.get(f"/admin/pages/{page.pk}/edit/").content.decode()
    assert 'data-state="failed"' in html and "tỉ lệ 2:1" in html


def test_seeding_again_changes_no_tour_content():
    from django.core.management import call_command

    from tours.models import Scene

    def counts():
        return (
            VirtualTourPage.objects.count(),
            Scene.objects.count(),
            Hotspot.objects.count(),
            PanoramaTiles.objects.count(),
            get_image_model().objects.count(),
            TourSitePage.objects.exclude(opening_hours="").count(),
        )

    before = counts()
    call_command("seed_demo", "--password", "x", verbosity=0, stdout=io.StringIO())
    assert counts() == before
