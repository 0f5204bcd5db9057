"""The editable search vocabulary in the admin: synonyms and intent rules (snippets)."""

from django.utils.translation import gettext_lazy as _
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from .models import IntentRule, SearchSynonym


class SearchSynonymViewSet(SnippetViewSet):
    model = SearchSynonym
    icon = "resubmit"
    menu_label = _("Từ đồng nghĩa")
    list_display = ["__str__", "note", "enabled"]
    list_filter = ["enabled"]
    search_fields = ["terms", "note"]
    search_backend_name = None


class IntentRuleViewSet(SnippetViewSet):
    model = IntentRule
    icon = "tag"
    menu_label = _("Quy tắc nhu cầu tìm kiếm")
    list_display = ["name", "phrases", "categories", "site_kinds", "enabled"]
    list_filter = ["enabled"]
    search_fields = ["name", "phrases", "keywords"]
    search_backend_name = None


class SearchVocabularyGroup(SnippetViewSetGroup):
    menu_label = _("Từ điển tìm kiếm")
    menu_icon = "search"
    menu_order = 185
    items = (SearchSynonymViewSet, IntentRuleViewSet)


register_snippet(SearchVocabularyGroup)
