"""The admin in Vietnamese: Wagtail's own strings that producers and officers meet render in
Vietnamese (the project's locale/vi overrides Wagtail's partial catalogue), and no catalogue
of the project has an untranslated or fuzzy entry."""

from pathlib import Path

import pytest
import wagtail
from babel.messages.pofile import read_po
from django.utils import translation

ROOT = Path(__file__).resolve().parents[2]
WAGTAIL = Path(wagtail.__file__).parent
APPS = [
    "admin",
    "images",
    "users",
    "snippets",
    "documents",
    "",
    "contrib/forms",
    "contrib/settings",
]


def _source_messages(domain: str):
    for app in APPS:
        path = WAGTAIL / app / "locale" / "en" / "LC_MESSAGES" / f"{domain}.po"
        if path.exists():
            with path.open("rb") as f:
                yield from (m for m in read_po(f) if m.id)


def _render(message) -> tuple[str, str]:
    if isinstance(message.id, str):
        if message.context:
            return message.id, translation.pgettext(message.context, message.id)
        return message.id, translation.gettext(message.id)
    singular, plural = message.id[0], message.id[1]
    if message.context:
        return singular, translation.npgettext(message.context, singular, plural, 1)
    return singular, translation.ngettext(singular, plural, 1)


def test_wagtail_admin_strings_render_in_vietnamese():
    messages = list(_source_messages("django"))
    assert len(messages) > 1500  # the catalogues were found
    with translation.override("vi"):
        rendered = [_render(m) for m in messages]
    same = [source for source, shown in rendered if source == shown]
    share = 1 - len(same) / len(rendered)
    assert share >= 0.98, f"{share:.1%} in Vietnamese; still English: {same[:20]}"
    # The words a farmer meets first (looked up, not extracted by makemessages).
    first_words = {
        "Save draft": "Lưu nháp",
        "Publish": "Xuất bản",
        "Sign in": "Đăng nhập",
        "Dashboard": "Bảng điều khiển",
    }
    with translation.override("vi"):
        assert {en: translation.gettext(en) for en in first_words} == first_words


def test_wagtail_admin_javascript_strings_are_in_vietnamese(admin_client):
    import json

    from django.utils.translation.trans_real import DjangoTranslation

    messages = list(_source_messages("djangojs"))
    assert messages
    js = DjangoTranslation("vi", domain="djangojs", localedirs=[WAGTAIL / "admin" / "locale"])
    same = [
        m.id
        for m in messages
        if isinstance(m.id, str)
        and js.gettext(m.id) == m.id
        or not isinstance(m.id, str)
        and js.ngettext(m.id[0], m.id[1], 1) == m.id[0]
    ]
    assert len(same) <= len(messages) * 0.02, same
    # The admin serves that catalogue to its scripts.
    response = admin_client.get("/admin/jsi18n/", HTTP_ACCEPT_LANGUAGE="vi")
    assert response.status_code == 200
    new = "(New)"
    assert json.dumps(js.gettext(new))[1:-1] in response.content.decode()


@pytest.mark.parametrize("path", sorted((ROOT / "locale").glob("*/LC_MESSAGES/*.po")), ids=str)
def test_project_catalogues_have_no_untranslated_or_fuzzy_entry(path):
    with path.open("rb") as f:
        catalogue = read_po(f)
    assert not catalogue.fuzzy, "the header is marked fuzzy"
    problems = []
    for message in catalogue:
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if message.fuzzy or not all(strings):
            problems.append(message.id)
    assert not problems, problems[:20]
    from babel.messages.mofile import read_mo

    def key(m):
        return (m.context, m.id if isinstance(m.id, str) else tuple(m.id))

    def text(m):
        return m.string if isinstance(m.string, str) else tuple(m.string)

    with path.with_suffix(".mo").open("rb") as f:  # compiled from this very catalogue
        compiled = {key(m): text(m) for m in read_mo(f) if m.id}
    stale = [m.id for m in catalogue if m.id and compiled.get(key(m)) != text(m)]
    assert not stale, f"run compilemessages: {stale[:5]}"
