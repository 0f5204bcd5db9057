"""Content in Vietnamese and English, field by field (issue 18 part 1; why not translated page
trees: docs/i18n.md).

A model that holds public text mixes in `Bilingual` and names its pairs in `translated_fields`
(Vietnamese field → English field, e.g. ``{"summary": "summary_en"}``). Then:

- `obj.t.summary` is the English text on an English page when it exists, else the Vietnamese
  (templates: ``{{ page.t.summary }}``; `{% lang_vi page "summary" %}` marks the fallback with
  ``lang="vi"``, `{% translation_notice page %}` says so at the top of the page);
- `translation_sources` remembers, per field, a fingerprint of the Vietnamese text the English
  was written from (set in `save()` whenever an English text changes), so the translation state
  is *missing* (Vietnamese text without English), *outdated* (the Vietnamese changed since the
  English was written) or *up to date*; child rows (variants, scenes, hotspots) count towards
  their page's state through `translated_children`;
- the admin shows the English fields in a "Tiếng Anh / English" tab (`english_tab`), only to
  users with `TRANSLATE_PERMISSION` (officers): farmers write Vietnamese and never see or post
  the English fields; the report `/admin/ocop/ban-dich/` lists what needs translating.
"""

import hashlib
import re

from django.db import models
from django.utils.translation import gettext_lazy as _

from .language import english_ui

TRANSLATE_PERMISSION = "cms.translate_content"
ENGLISH_TAB = "Tiếng Anh / English"  # both languages: officers and translators read either

MISSING = "missing"
OUTDATED = "outdated"
CURRENT = "current"
NOTHING = "nothing"  # no Vietnamese text to translate
STATE_LABELS = {
    MISSING: _("Chưa dịch"),
    OUTDATED: _("Cần cập nhật"),
    CURRENT: _("Đã dịch"),
    NOTHING: _("Không có gì để dịch"),
}
_SPACES = re.compile(r"\s+")


def fingerprint(text) -> str:
    """What the English was written from: the Vietnamese text, whitespace collapsed."""
    text = _SPACES.sub(" ", str(text or "")).strip()
    return hashlib.sha1(text.encode()).hexdigest()[:16] if text else ""


def _blank(value) -> bool:
    return not _SPACES.sub("", str(value or "").replace("<p></p>", ""))


class _Localized:
    """`obj.t.<field>`: the field in the visitor's language, falling back to Vietnamese."""

    __slots__ = ("_obj",)

    def __init__(self, obj):
        self._obj = obj

    def __getattr__(self, name):
        obj = self._obj
        vi = getattr(obj, name)
        english = obj.translated_fields.get(name)
        if english and english_ui():
            en = getattr(obj, english)
            if not _blank(en):
                return en
        return vi


class Bilingual(models.Model):
    """Abstract mixin for models with Vietnamese fields and their English twins."""

    translation_sources = models.JSONField(default=dict, blank=True, editable=False)

    # {Vietnamese field: English field}; child relations whose rows are Bilingual too.
    translated_fields: dict[str, str] = {}
    translated_children: tuple[str, ...] = ()

    class Meta:
        abstract = True

    @property
    def t(self) -> _Localized:
        return _Localized(self)

    # --- state ------------------------------------------------------------------------------

    def field_states(self) -> dict[str, str]:
        """{Vietnamese field: state} for this object's own pairs that have Vietnamese text."""
        states = {}
        for vi_name, en_name in self.translated_fields.items():
            vi = getattr(self, vi_name)
            if _blank(vi):
                continue
            if _blank(getattr(self, en_name)):
                states[vi_name] = MISSING
            elif (self.translation_sources or {}).get(vi_name) != fingerprint(vi):
                states[vi_name] = OUTDATED
            else:
                states[vi_name] = CURRENT
        return states

    def translation_children(self):
        for relation in self.translated_children:
            for child in getattr(self, relation).all():
                yield child
                yield from child.translation_children()

    def translation_report(self) -> dict[str, list[str]]:
        """{state: [labels of the fields in it]} over this object and its child rows."""
        report: dict[str, list[str]] = {MISSING: [], OUTDATED: [], CURRENT: []}
        for owner in (self, *self.translation_children()):
            for name, state in owner.field_states().items():
                label = str(owner._meta.get_field(name).verbose_name)
                if owner is not self:
                    label = f"{owner._meta.verbose_name} «{owner}»: {label}"
                report[state].append(label)
        return report

    @property
    def translation_state(self) -> str:
        report = self.translation_report()
        if report[OUTDATED]:
            return OUTDATED
        if report[MISSING]:
            return MISSING
        return CURRENT if report[CURRENT] else NOTHING

    def untranslated_fields(self) -> set[str]:
        """Own Vietnamese fields shown in Vietnamese on an English page."""
        return {name for name, state in self.field_states().items() if state == MISSING}

    # --- bookkeeping ------------------------------------------------------------------------

    def stamp_translations(self, previous=None, force=False) -> None:
        """Record the Vietnamese each changed English text was written from. The sources on
        the stored row win over the instance's (a page published from an old revision carries
        old sources); `force` re-stamps every translated field (the officer confirmed the
        English still says what the Vietnamese says)."""
        sources = dict(
            (previous.translation_sources if previous is not None else self.translation_sources)
            or {}
        )
        for vi_name, en_name in self.translated_fields.items():
            en = getattr(self, en_name)
            if _blank(en):
                sources.pop(vi_name, None)
            elif force or previous is None or getattr(previous, en_name) != en:
                sources[vi_name] = fingerprint(getattr(self, vi_name))
        self.translation_sources = sources

    def save(self, *args, **kwargs):
        update_fields = kwargs.get("update_fields")
        if update_fields is None or set(update_fields) & set(self.translated_fields.values()):
            previous = None
            if self.pk is not None:
                previous = (
                    type(self)
                    ._base_manager.filter(pk=self.pk)
                    .only("translation_sources", *self.translated_fields.values())
                    .first()
                )
            self.stamp_translations(previous)
            if update_fields is not None:
                kwargs["update_fields"] = {*update_fields, "translation_sources"}
        super().save(*args, **kwargs)


def english_panels(model_or_names, extra=()) -> list:
    """FieldPanels for the English twins (each needs the translate permission, so a farmer's
    form does not even contain them)."""
    from wagtail.admin.panels import FieldPanel

    names = (
        model_or_names.translated_fields.values()
        if hasattr(model_or_names, "translated_fields")
        else model_or_names
    )
    return [FieldPanel(name, permission=TRANSLATE_PERMISSION) for name in (*names, *extra)]


def english_tab(panels, heading=ENGLISH_TAB):
    from wagtail.admin.panels import ObjectList

    return ObjectList(panels, heading=heading, permission=TRANSLATE_PERMISSION)


def english_group(names, heading=ENGLISH_TAB + " (không bắt buộc)"):
    """The English fields of a child row (variant, scene, hotspot) as a collapsed group inside
    the row. Wagtail cannot leave a field out of a child row's form per user (field
    permissions apply to the page's own form only), so the group is shown to everyone,
    optional and folded; officers fill it, farmers may leave it."""
    from wagtail.admin.panels import FieldPanel, MultiFieldPanel

    return MultiFieldPanel(
        [FieldPanel(name) for name in names], heading=heading, classname="collapsed"
    )


def english_title(verbose_name=None, max_length=255):
    return models.CharField(
        verbose_name or _("tiêu đề tiếng Anh"), max_length=max_length, blank=True
    )


def page_edit_handler(content_panels, english, base_form_class=None):
    """Wagtail's usual Content / Promote / Settings tabs with the English tab after Content."""
    # Wagtail's own tab names, from Wagtail's catalogue (aliased so makemessages leaves them).
    from django.utils.translation import gettext_lazy as wagtail_text
    from wagtail.admin.panels import ObjectList, TabbedInterface
    from wagtail.models import Page

    return TabbedInterface(
        [
            ObjectList(content_panels, heading=wagtail_text("Content")),
            english_tab(english),
            ObjectList(Page.promote_panels, heading=wagtail_text("Promote")),
            ObjectList(Page.settings_panels, heading=wagtail_text("Settings")),
        ],
        base_form_class=base_form_class,
    )
