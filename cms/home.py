"""What the home page shows besides its own text: each domain app registers a section — the
context it adds and the page-cache tags that purge it — from its AppConfig.ready (as with the
search and open-data registries), so the home page knows no domain app.

A section's `context(request, site)` returns template variables (the home template names them);
it should evaluate its querysets once (the cards' annotations walk the catalogue)."""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Section:
    key: str
    context: Callable  # (request, site) → dict of template variables
    cache_tags: tuple[str, ...] = ()
    order: int = 100


_sections: dict[str, Section] = {}


def register(section: Section) -> None:
    _sections[section.key] = section


def sections() -> list[Section]:
    return sorted(_sections.values(), key=lambda s: (s.order, s.key))


def cache_tags() -> list[str]:
    return sorted({tag for s in _sections.values() for tag in s.cache_tags})


def context(request, site) -> dict:
    values = {}
    for section in sections():
        values.update(section.context(request, site))
    return values
