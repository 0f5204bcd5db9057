"""The vocabulary every engine analyses queries with, cached per process and per version.

* the index vocabulary (`SearchTerm`): folded words and folded place names, written by the
  database engine (always kept up to date, also when Elasticsearch answers); cached per index
  version (`IndexState` "default", a random value bumped on every index change);
* the editable rules (`SearchSynonym`, `IntentRule` snippets): cached per rules version
  (`IndexState` "rules", bumped when an officer saves or deletes one — `cms.search.signals`),
  so an edit applies to the next query in every process, with no reindex.

`analyze_query(q)` is `cms.search.analysis.analyze` with both.
"""

from __future__ import annotations

import secrets
import threading

from ..analysis import AnalyzedQuery, Intent, Lexicon, Rules, analyze, tag_token
from ..analysis import typo_candidates as _typo_candidates
from ..models import IndexState, SearchTerm
from ..text import DEFAULT_SYNONYM_GROUPS, fold, normalize

INDEX_KEY = "default"
RULES_KEY = "rules"

_lock = threading.Lock()
_lexicon: dict = {"version": None, "lexicon": Lexicon()}
_rules: dict = {"version": None, "rules": Rules()}


def _version(key: str) -> int:
    return IndexState.objects.filter(key=key).values_list("version", flat=True).first() or 0


def _bump(key: str) -> None:
    """A random value, not a counter: after a rolled-back write the next change must not reuse
    a version some process cached results under."""
    version = secrets.randbits(62)
    if not IndexState.objects.filter(key=key).update(version=version):
        IndexState.objects.get_or_create(key=key, defaults={"version": version})


def index_version() -> int:
    return _version(INDEX_KEY)


def bump_version() -> None:
    _bump(INDEX_KEY)


def rules_version() -> int:
    return _version(RULES_KEY)


def bump_rules_version() -> None:
    _bump(RULES_KEY)


def versions() -> tuple[int, int]:
    """(index version, rules version) in one query (a plain cursor: read on every search)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT key, version FROM {IndexState._meta.db_table} WHERE key IN (%s, %s)",
            [INDEX_KEY, RULES_KEY],
        )
        found = dict(cursor.fetchall())
    return found.get(INDEX_KEY) or 0, found.get(RULES_KEY) or 0


def lexicon(version: int | None = None) -> Lexicon:
    if version is None:
        version = index_version()
    if _lexicon["version"] != version:
        with _lock:
            if _lexicon["version"] != version:
                words, places = [], []
                for term, kind in SearchTerm.objects.values_list("term", "kind"):
                    (places if kind == SearchTerm.PLACE else words).append(term)
                _lexicon.update(version=version, lexicon=Lexicon(words, places))
    return _lexicon["lexicon"]


def load_rules() -> Rules:
    from ..models import IntentRule, SearchSynonym

    synonyms = [s.phrases() for s in SearchSynonym.objects.filter(enabled=True)]
    intents = [
        Intent(
            phrases=tuple(fold(p) for p in rule.phrase_list()),
            tags=tuple(tag_token(code) for code in rule.targets()),
            keywords=tuple(normalize(k) for k in rule.keyword_list()),
        )
        for rule in IntentRule.objects.filter(enabled=True)
    ]
    if not synonyms and not intents and not IndexState.objects.filter(key=RULES_KEY).exists():
        synonyms = [list(group) for group in DEFAULT_SYNONYM_GROUPS]  # never configured
    return Rules(synonyms, intents)


def rules(version: int | None = None) -> Rules:
    if version is None:
        version = rules_version()
    if _rules["version"] != version:
        with _lock:
            if _rules["version"] != version:
                _rules.update(version=version, rules=load_rules())
    return _rules["rules"]


def clear_cache() -> None:
    with _lock:
        _lexicon.update(version=None, lexicon=Lexicon())
        _rules.update(version=None, rules=Rules())


def analyze_query(
    q: str, *, suggest: bool = False, typos: bool = True, version=None
) -> AnalyzedQuery:
    """`analyze` with the cached vocabulary; `version`: (index, rules) already read."""
    index, rules_at = version if version is not None else versions()
    return analyze(q, lexicon(index), rules(rules_at), suggest=suggest, typos=typos)


def typo_candidates(term: str, vocab: Lexicon | None = None) -> list[str]:
    """Vocabulary words within the edit budget of an unknown folded word."""
    return _typo_candidates(term, vocab or lexicon())
