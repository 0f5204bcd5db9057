"""What both engines derive the same way from a document dict: texts, keys, vocabulary.

Place names (the document's own, its commune's current and old names, its province) are kept
out of the body and matched whole, in a place field of their own (an FTS5 column, the tsvector's
weight D, an Elasticsearch keyword field): every part of a name ("Dương Xá", "Gia Lâm") and every
run of neighbouring parts ("Dương Xá Gia Lâm") is one token there, its words run together
("duongxagialam"). So a query matches a place only by naming a whole part, and the words of two
different old communes never make a match together ("Đức Tú" and "Đông Hội" do not answer
"đức đông"). Intent-rule tags ride in the same field as `zt…` tokens
(`cms.search.analysis.tag_token`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..analysis import tag_token
from ..query import commune_key
from ..scoring import rank_data
from ..text import fold, folded_tokens, normalize, tokens

#: Administrative words dropped from place names ("xã Dương Xá" → Dương Xá); matched with
#: their accents ("Phượng Dực" is a name, "phường" a ward).
PLACE_PREFIXES = (
    "thị trấn ", "thị xã ", "thành phố ", "tp. ", "tp ", "xã ", "phường ", "huyện ", "quận ",
    "thôn ", "xóm ", "ấp ", "tổ dân phố ", "khu phố ", "tỉnh ", "đặc khu ",
)  # fmt: skip


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
    place_text: str = ""
    rank_data: str = ""
    places: list[str] = field(default_factory=list)  # folded names, for the vocabulary

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


def place_parts(name: str) -> list[str]:
    """Folded parts of a place name or address, without administrative words:
    "Thôn Thuận Quang, xã Dương Xá, Gia Lâm" → ["thuan quang", "duong xa", "gia lam"]."""
    parts = []
    for part in normalize(name).split(","):
        part = " ".join(tokens(part))
        for prefix in PLACE_PREFIXES:
            if part.startswith(prefix):
                part = part[len(prefix) :]
                break
        part = fold(part)
        if part and not part.isdigit():
            parts.append(part)
    return parts


def _runs(names, province: str) -> list[str]:
    """Every part and every run of neighbouring parts of each name (the province left out)."""
    runs: list[str] = []
    for name in names:
        parts = [p for p in place_parts(name or "") if p != province]
        for start in range(len(parts)):
            for end in range(start + 1, len(parts) + 1):
                run = " ".join(parts[start:end])
                if len(run) <= 60:
                    runs.append(run)
    return list(dict.fromkeys(runs))


def place_runs(data: dict) -> tuple[list[str], list[str]]:
    """(the object's own place runs, its commune's and province's), folded."""
    province_parts = place_parts(data.get("province") or "")
    province = " ".join(province_parts)
    own = _runs(data.get("places") or [], province)
    others = _runs(
        [data.get("commune_label") or "", *(data.get("commune_aliases") or [])], province
    )
    if province:
        others.append(province)
    return own, [r for r in dict.fromkeys(others) if r not in own]


def place_token(run: str) -> str:
    """The place field's token for a place run: "duong xa" → "duongxa"."""
    return run.replace(" ", "")


def prepare(doc_type: str, object_id: int, data: dict) -> PreparedDocument:
    title = data.get("title") or ""
    alt_titles = [a for a in data.get("alt_titles") or [] if a]
    alt = " ".join(alt_titles)
    body = data.get("body") or ""
    keywords = [k for k in data.get("keywords") or [] if k]
    extra = [data.get("commune_label") or "", *(data.get("commune_aliases") or [])]
    # Text in the other language (English summaries, names, labels): matched like the body,
    # never shown in the snippet (an English page shows the English summary instead).
    other = [t for t in data.get("other_language") or [] if t]
    matching = " ".join([body, *keywords, *other])
    own, others = place_runs(data)
    tags = [tag_token(t) for t in data.get("tags") or [] if t]
    place_text = " ".join([*(place_token(r) for r in [*own, *others]), *tags])
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
        place_text=place_text,
        rank_data=rank_data(title, alt_titles, matching, own, others, tags),
        places=[*own, *others],
    )


def vocabulary(prepared: PreparedDocument) -> set[str]:
    """Folded terms worth typo-correcting to (letters only, 2–60 characters): the words of the
    texts and of the place names."""
    words = set()
    for text in (prepared.title_f, prepared.alt_f, prepared.body_f, *prepared.places):
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
