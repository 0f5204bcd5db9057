"""The curated Hà Nội data shipped with the project (copied from the team's shared data)."""

import json
from functools import cache
from pathlib import Path

from django.utils.text import slugify

from cms.search.text import fold

DATA_FILE = Path(__file__).resolve().parent / "data" / "hanoi.json"


@cache
def load() -> dict:
    with DATA_FILE.open(encoding="utf-8") as fh:
        return json.load(fh)


def vi_slug(text: str, max_length: int = 80) -> str:
    """ "Gốm Bát Tràng" → "gom-bat-trang" (đ → d, unlike plain slugify which drops it)."""
    return slugify(fold(text))[:max_length].strip("-")


def publish(page) -> None:
    """Publish a demo page through a revision, as an editor would (no log entries)."""
    page.save_revision(log_action=False).publish(log_action=False)


def ensure_single_page(model, parent, **fields):
    """The one live page of `model` (catalogue, producers, tours…), created under `parent` and
    published if missing."""
    page = model.objects.order_by("pk").first()
    if page is None:
        page = model(show_in_menus=True, **fields)
        parent.add_child(instance=page)
        publish(page)
    return page


def fill_blank(obj, values: dict) -> bool:
    """Set the fields of `values` that are still empty on `obj` (never an editor's text);
    True when something changed."""
    changed = False
    for name, value in values.items():
        if value and not getattr(obj, name):
            setattr(obj, name, value)
            changed = True
    return changed


def fill_english(page, values: dict) -> None:
    """The demo's English for a page that has none yet, published like an editor would (a page
    with unpublished changes is an editor's: left alone)."""
    if page.has_unpublished_changes:
        return
    if fill_blank(page, values):
        publish(page)
