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
