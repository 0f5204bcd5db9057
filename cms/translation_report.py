"""Officers' and translators' report of what needs translating (issue 18): /admin/ocop/ban-dich/.

Every live page and every snippet or setting whose model mixes in `cms.translation.Bilingual`
(found through the app registry: cms knows no domain model), with its state — missing English,
outdated (the Vietnamese changed after the English was written), up to date — the fields in
each state, and a link to edit it. "Vẫn đúng / Still correct" records that the English still
says what the Vietnamese says (after a Vietnamese edit that did not change the meaning).
"""

from django.apps import apps
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView
from wagtail.admin.admin_url_finder import AdminURLFinder
from wagtail.admin.views.generic import WagtailAdminTemplateMixin
from wagtail.models import DraftStateMixin, Page

from .translation import (
    CURRENT,
    MISSING,
    OUTDATED,
    STATE_LABELS,
    TRANSLATE_PERMISSION,
    Bilingual,
)

PER_PAGE = 50


def bilingual_models() -> list:
    """The models whose objects are reported: Bilingual, not abstract, and not a child row
    counted with its parent (variants, pictures, scenes, hotspots)."""
    models = [m for m in apps.get_models() if issubclass(m, Bilingual)]
    children = set()
    for model in models:
        for relation in model.translated_children:
            children.add(model._meta.get_field(relation).related_model)
    return [m for m in models if m not in children]


def _objects(model):
    queryset = model._default_manager.all()
    if issubclass(model, Page):
        queryset = queryset.live()
    elif issubclass(model, DraftStateMixin):
        queryset = queryset.filter(live=True)  # published snippets (batches), not drafts
    prefetch = []
    for relation in model.translated_children:
        prefetch.append(relation)
        child = model._meta.get_field(relation).related_model
        prefetch += [f"{relation}__{r}" for r in child.translated_children]
    return queryset.prefetch_related(*prefetch).order_by("pk")


def rows(states=(MISSING, OUTDATED)) -> list[dict]:
    found = []
    for model in bilingual_models():
        for obj in _objects(model):
            report = obj.translation_report()
            state = obj.translation_state
            if state in states:
                found.append(
                    {
                        "object": obj,
                        "kind": model._meta.verbose_name,
                        "state": state,
                        "state_label": STATE_LABELS[state],
                        "missing": report[MISSING],
                        "outdated": report[OUTDATED],
                    }
                )
    order = {OUTDATED: 0, MISSING: 1, CURRENT: 2}
    found.sort(key=lambda r: (order.get(r["state"], 3), str(r["kind"]), str(r["object"])))
    return found


def confirm(obj) -> None:
    """The English of `obj` and its child rows is still right: stamp the current Vietnamese
    (written straight to the rows — metadata, not content, so no revision)."""
    owners = [obj, *obj.translation_children()]
    for owner in owners:
        owner.stamp_translations(force=True)
        type(owner)._base_manager.filter(pk=owner.pk).update(
            translation_sources=owner.translation_sources
        )


class TranslationReportView(WagtailAdminTemplateMixin, TemplateView):
    template_name = "cms/admin/translations.html"
    page_title = gettext_lazy("Bản dịch tiếng Anh")
    header_icon = "globe"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm(TRANSLATE_PERMISSION):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        wanted = self.request.GET.get("state", "")
        states = (wanted,) if wanted in (MISSING, OUTDATED) else (MISSING, OUTDATED)
        found = rows(states)
        finder = AdminURLFinder(self.request.user)
        page = Paginator(found, PER_PAGE).get_page(self.request.GET.get("p"))
        for row in page.object_list:
            row["edit_url"] = finder.get_edit_url(row["object"])
            row["token"] = f"{row['object']._meta.label_lower}:{row['object'].pk}"
        context.update(
            page_obj=page,
            state=wanted,
            states=[
                (code, STATE_LABELS[code], sum(r["state"] == code for r in found))
                for code in (OUTDATED, MISSING)
            ],
        )
        return context

    def post(self, request, *args, **kwargs):
        label, _sep, pk = request.POST.get("object", "").partition(":")
        obj = None
        try:
            model = apps.get_model(label)
        except (LookupError, ValueError):
            model = None
        if model in bilingual_models() and pk.isdigit() and len(pk) < 18:
            obj = model._default_manager.filter(pk=int(pk)).first()
        if obj is None:
            messages.error(request, _("Không tìm thấy nội dung này."))
        else:
            confirm(obj)
            messages.success(
                request, _("Đã ghi nhận bản tiếng Anh của «%(name)s» vẫn đúng.") % {"name": obj}
            )
        return redirect(request.get_full_path())
