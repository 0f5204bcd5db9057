"""Production static files (issue 14, part 6): under the manifest storage every file name
carries a hash, so a URL built at run time from another file's path breaks — Leaflet's marker
pictures did. Collects the static files into a temporary STATIC_ROOT as production does and
checks that every url(...) in the collected CSS, and every static asset the map pages and
map.js use, is a file of the manifest."""

import json
import posixpath
import re
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command
from django.test import override_settings

from products.models import ProducerPage
from tours.models import TourSitePage

pytestmark = pytest.mark.django_db

CSS_URL = re.compile(r"""url\(\s*(['"]?)([^'")]+)\1\s*\)""")
STATIC_REF = re.compile(r"""(?:src|href|data-[\w-]+-url)="(/static/[^"]+)\"""")
MANIFEST = "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"


@pytest.fixture(scope="module")
def collected(tmp_path_factory, django_db_blocker):
    root = tmp_path_factory.mktemp("static-root")
    # Every storage of the settings (media, tiles, private files), static files hashed.
    storages = {**django_settings.STORAGES, "staticfiles": {"BACKEND": MANIFEST}}
    with override_settings(STATIC_ROOT=root, STORAGES=storages, DEBUG=False):
        call_command("collectstatic", interactive=False, verbosity=0)
        manifest = json.loads((root / "staticfiles.json").read_text())["paths"]
        yield root, manifest


def _is_local(url: str) -> bool:
    return not re.match(r"^(data:|#|[a-z]+:|//)", url)


def test_every_url_in_the_collected_css_is_a_collected_file(collected):
    root, manifest = collected
    hashed = set(manifest.values())
    checked, missing = 0, []
    for css in sorted(v for v in hashed if v.endswith(".css")):
        text = (Path(root) / css).read_text(encoding="utf-8", errors="replace")
        for _quote, url in CSS_URL.findall(text):
            if not _is_local(url):
                continue
            target = posixpath.normpath(posixpath.join(posixpath.dirname(css), url.split("?")[0]))
            target = target.split("#")[0]
            checked += 1
            if target not in hashed or not (Path(root) / target).is_file():
                missing.append(f"{css}: url({url})")
    assert not missing, "\n".join(missing)
    assert checked > 10  # Leaflet's, the site's, Pannellum's … were read
    leaflet = manifest["vendor/leaflet-1.9.4/leaflet.css"]
    layers = posixpath.relpath(
        manifest["vendor/leaflet-1.9.4/images/layers.png"], "vendor/leaflet-1.9.4"
    )
    assert f'url("{layers}")' in (Path(root) / leaflet).read_text()  # the hashed name


def _assets(client, url) -> list[str]:
    response = client.get(url)
    assert response.status_code == 200, url
    return STATIC_REF.findall(response.content.decode())


def test_every_asset_of_the_map_pages_is_in_the_manifest(collected, client, settings):
    root, manifest = collected
    settings.PAGE_CACHE_SECONDS = 0
    # Every storage of the settings (media, tiles, private files), static files hashed.
    storages = {**django_settings.STORAGES, "staticfiles": {"BACKEND": MANIFEST}}
    hashed = set(manifest.values())
    site = TourSitePage.objects.live().first()
    producer = ProducerPage.objects.live().filter(commune__isnull=False).first()
    with override_settings(STATIC_ROOT=root, STORAGES=storages, DEBUG=False):
        refs = {url: _assets(client, url) for url in ("/ban-do/", site.url, producer.url)}
    for url, assets in refs.items():
        assert assets, url
        for asset in assets:
            name = asset[len("/static/") :].split("?")[0]
            assert name in hashed and (Path(root) / name).is_file(), (url, asset)
    # The mini-map's marker pictures come from the page (hashed names), not from a guess; its
    # pin has no shadow picture (Leaflet's has no 2× version: the shadow is CSS).
    page = refs[site.url]
    for original in ("marker-icon.png", "marker-icon-2x.png"):
        hashed_name = manifest[f"vendor/leaflet-1.9.4/images/{original}"]
        assert f"/static/{hashed_name}" in page, original
    assert manifest["vendor/leaflet-1.9.4/images/marker-shadow.png"] not in page
    # map.js makes its own icon from those attributes (L.icon: no path detection at all).
    map_js = (Path(root) / manifest["js/map.js"]).read_text()
    assert "L.icon({" in map_js
    for attribute in ("data-icon-url", "data-icon-retina-url"):
        assert attribute in map_js
