"""Which UI language is active, for content fields kept in Vietnamese and English."""

from django.utils.translation import get_language


def english_ui() -> bool:
    return (get_language() or "").startswith("en")


def localized(vi: str, en: str) -> str:
    """The English variant of a content field when the UI is English and it exists."""
    return en if en and english_ui() else vi
