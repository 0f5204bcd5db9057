"""What both engines derive the same way from a document dict: texts, keys, vocabulary."""

from __future__ import annotations

from dataclasses import dataclass

from ..query import commune_key
from ..text import fold, folded_tokens, normalize, tokens


@dataclass
class PreparedDocument:
    doc_type: str
    object_id: int
    data: dict
    title_f: str
    title_e: str
    alt_f: str
    body_f: str
    body_e: str
    commune_keys: str
    snippet_text: str

    @property
    def geo(self):
        return self.data.get("geo")


def commune_words(data: dict) -> list[str]:
    """The commune's names a document matches as text: its current name and the old communes
    it was made of ("Dương Xá"), not their old districts — "Đức Tú, Đông Anh" would otherwise make
    every document in the old Đông Anh district match "đông" (the commune filter still knows
    the district through the keys)."""
    aliases = [a.split(",")[0].strip() for a in data.get("commune_aliases") or [] if a]
    return [n for n in [data.get("commune_label") or "", *aliases] if n]


def prepare(doc_type: str, object_id: int, data: dict) -> PreparedDocument:
    title = data.get("title") or ""
    alt = " ".join(a for a in data.get("alt_titles") or [] if a)
    body = data.get("body") or ""
    keywords = [k for k in data.get("keywords") or [] if k]
    extra = [data.get("commune_label") or "", *(data.get("commune_aliases") or [])]
    matching = " ".join([body, *keywords, *commune_words(data)])
    keys = {commune_key(name) for name in extra if name}
    # "Dương Xá, Gia Lâm" is found by "Dương Xá" too (like Commune.objects.matching); the old
    # district alone is not a commune, so it only matches as text.
    keys |= {commune_key(name.split(",")[0]) for name in extra if name}
    if data.get("commune"):
        keys.add(data["commune"])
    keys.discard("")
    return PreparedDocument(
        doc_type=doc_type,
        object_id=object_id,
        data=data,
        title_f=fold(title),
        title_e=normalize(title),
        alt_f=fold(alt),
        body_f=fold(matching),
        body_e=normalize(matching),
        commune_keys="|" + "|".join(sorted(keys)) + "|" if keys else "",
        snippet_text=" ".join(p for p in [body, " · ".join(keywords)] if p) or title,
    )


def vocabulary(prepared: PreparedDocument) -> set[str]:
    """Folded terms worth typo-correcting to (letters only, 2–60 characters)."""
    words = set()
    for text in (prepared.title_f, prepared.alt_f, prepared.body_f):
        for word in folded_tokens(text):
            if 2 <= len(word) <= 60 and word.isalpha() and word.isascii():
                words.add(word)
    return words


@dataclass
class ParsedQuery:
    folded: list[str]
    exact: list[str]  # same length as folded; the accented form as typed

    @property
    def empty(self) -> bool:
        return not self.folded


def parse_query(q: str) -> ParsedQuery:
    folded = folded_tokens(q)[:12]
    exact = tokens(q)[:12]
    if len(exact) != len(folded):
        exact = list(folded)
    return ParsedQuery(folded=folded, exact=exact)
