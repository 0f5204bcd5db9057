"""Demo tourism sites from the curated data (idempotent)."""

from cms.demo_data import vi_slug
from products.models import Commune

from .models import TourIndexPage, TourSitePage

KIND_LABEL = dict(TourSitePage.Kind.choices)


def ensure_tour_index(home) -> TourIndexPage:
    index = TourIndexPage.objects.first()
    if index is None:
        index = TourIndexPage(
            title="Du lịch nông thôn",
            slug="du-lich",
            intro="<p>Làng nghề, làng cổ, trang trại và điểm du lịch cộng đồng quanh Hà Nội.</p>",
            show_in_menus=True,
        )
        home.add_child(instance=index)
        index.save_revision(log_action=False).publish(log_action=False)
    return index


def load_tour_sites(data: dict, index: TourIndexPage) -> int:
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
        index.add_child(instance=page)
        page.save_revision(log_action=False).publish(log_action=False)
        made += 1
    return made
