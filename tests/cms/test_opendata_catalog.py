"""The open-data registry, its DCAT catalogue (/open-data/catalog.jsonld) and the human page
/open-data/ made from it (issue 17, part 3). The catalogue is parsed as JSON-LD by rdflib."""

import csv
import io
from urllib.parse import urlsplit

import pytest
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF

from cms import opendata
from tours.models import TourSitePage, VirtualTourPage
from tours.viewer import shown_scenes

pytestmark = pytest.mark.django_db

CATALOG = "/open-data/catalog.jsonld"
IANA = Namespace("https://www.iana.org/assignments/media-types/")
EXPECTED = {
    "ntm-communes",
    "producers",
    "products",
    "tourism-sites",
    "tours",
    "plan-236-dashboard",
}


def _graph(client) -> Graph:
    response = client.get(CATALOG)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/ld+json")
    graph = Graph()
    graph.parse(data=response.content.decode(), format="json-ld", base="http://testserver/")
    return graph


def test_every_app_registered_its_datasets():
    assert {d.id for d in opendata.all_datasets()} == EXPECTED
    for dataset in opendata.all_datasets():
        assert dataset.distributions and dataset.keywords


def test_catalogue_triples(client):
    graph = _graph(client)
    catalogs = list(graph.subjects(RDF.type, DCAT.Catalog))
    assert len(catalogs) == 1
    catalog = catalogs[0]
    assert (catalog, DCTERMS.license, URIRef(opendata.LICENCE_URL)) in graph
    publisher = graph.value(catalog, DCTERMS.publisher)
    assert (publisher, RDF.type, FOAF.Organization) in graph
    assert Literal(opendata.PUBLISHER_NAME, lang="vi") in set(graph.objects(publisher, FOAF.name))
    assert graph.value(catalog, DCTERMS.modified) is not None
    titles = {t.language for t in graph.objects(catalog, DCTERMS.title)}
    assert titles == {"vi", "en"}

    datasets = set(graph.objects(catalog, DCAT.dataset))
    assert {str(graph.value(d, DCTERMS.identifier)) for d in datasets} == EXPECTED
    for dataset in datasets:
        assert (dataset, RDF.type, DCAT.Dataset) in graph
        titles = {t.language: str(t) for t in graph.objects(dataset, DCTERMS.title)}
        assert set(titles) == {"vi", "en"} and titles["vi"] != titles["en"]
        assert {d.language for d in graph.objects(dataset, DCTERMS.description)} == {"vi", "en"}
        assert (dataset, DCTERMS.license, URIRef(opendata.LICENCE_URL)) in graph
        assert (dataset, DCTERMS.spatial, URIRef(opendata.SPATIAL_URI)) in graph
        assert list(graph.objects(dataset, DCAT.keyword))
        assert graph.value(dataset, DCTERMS.modified) is not None
        distributions = list(graph.objects(dataset, DCAT.distribution))
        assert distributions
        for dist in distributions:
            assert (dist, RDF.type, DCAT.Distribution) in graph
            url = graph.value(dist, DCAT.downloadURL)
            assert isinstance(url, URIRef) and str(url).startswith("http://testserver/open-data/")
            media = graph.value(dist, DCAT.mediaType)
            assert str(media).startswith(str(IANA))
            assert graph.value(dist, DCTERMS.format) is not None


def test_every_distribution_answers_200_with_its_media_type(client):
    graph = _graph(client)
    seen = 0
    for dist in graph.subjects(RDF.type, DCAT.Distribution):
        path = urlsplit(str(graph.value(dist, DCAT.downloadURL))).path
        media = str(graph.value(dist, DCAT.mediaType)).removeprefix(str(IANA))
        response = client.get(path)
        assert response.status_code == 200, path
        assert response["Content-Type"].split(";")[0] == media, path
        assert response.content
        seen += 1
    assert seen == sum(len(d.distributions) for d in opendata.all_datasets()) == 8


def test_ntm_dataset_says_its_rows_may_be_illustrative(client):
    graph = _graph(client)
    dataset = next(
        d for d in graph.subjects(RDF.type, DCAT.Dataset)
        if str(graph.value(d, DCTERMS.identifier)) == "ntm-communes"
    )  # fmt: skip
    notes = {n.language: str(n) for n in graph.objects(dataset, URIRef(
        "http://www.w3.org/2004/02/skos/core#editorialNote"))}  # fmt: skip
    assert "minh hoạ" in notes["vi"] and "illustrative" in notes["en"]


def test_catalogue_conditional_get_and_rebuild_on_publish(client, monkeypatch):
    first = client.get(CATALOG)
    assert first["ETag"] and first["Last-Modified"].endswith("GMT")
    calls = []
    original = opendata.catalog
    monkeypatch.setattr(opendata, "catalog", lambda request: calls.append(1) or original(request))
    again = client.get(CATALOG, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304 and not calls  # answered from the stored validators
    site = TourSitePage.objects.get(title="Làng nón Chuông")
    site.save_revision().publish()
    after = client.get(CATALOG, HTTP_IF_NONE_MATCH=first["ETag"])
    assert after.status_code == 200 and calls == [1]


def test_tours_csv_lists_every_public_tour(client):
    rows = list(csv.DictReader(io.StringIO(client.get("/open-data/tours.csv").content.decode())))
    tours = VirtualTourPage.objects.live()
    assert len(rows) == tours.count() > 0
    for row in rows:
        tour = tours.get(pk=int(row["id"]))
        assert row["tour"] == tour.title
        assert row["site"] == tour.get_parent().title
        assert int(row["scene_count"]) == len(shown_scenes(tour.scenes.all())) > 0
        assert row["url"].startswith("http") and row["url"].endswith(tour.url)


@pytest.mark.parametrize("language", ["vi", "en"])
def test_human_page_is_made_from_the_registry(client, settings, language):
    from django.utils import translation
    from django.utils.html import escape

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    html = client.get("/open-data/").content.decode()
    with translation.override(language):
        for dataset in opendata.all_datasets():
            assert escape(str(dataset.title)) in html
            assert escape(str(dataset.description)) in html
            for dist in dataset.distributions:
                assert f'href="{dist.path()}"' in html
    assert 'href="/open-data/catalog.jsonld"' in html
    assert opendata.LICENCE_URL in html
    marker = "New Rural Development" if language == "en" else "nông thôn mới theo xã"
    assert marker in html


def test_catalogue_304_costs_only_the_version_queries(client, django_assert_max_num_queries):
    first = client.get(CATALOG)
    # pages_version (3 aggregates) + the NTM version (2) — no dataset is built or hashed
    with django_assert_max_num_queries(5):
        again = client.get(CATALOG, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304
