"""Tables of the database search engine.

`IndexedDocument` holds one row per searchable object: its display fields, the generic facet
columns, and (on PostgreSQL) a `search_vector` tsvector column added by migration 0002. On SQLite
the folded and normalised text lives in the FTS5 table `search_index_fts` (rowid = document id).
`SearchTerm` is the vocabulary: folded words (typo and Telex targets) and folded place names
(matched as phrases); `IndexState` carries a version number bumped on every change, so
processes know when their cached vocabulary is stale (key "default" for the index, "rules" for
the editable vocabulary below).

`SearchSynonym` and `IntentRule` are the vocabulary officers edit in the admin (snippets):
interchangeable names, and needs people type that are in no title ("quà Tết", "đồ thờ") mapped
to OCOP category codes, site kinds or extra keywords. They apply at query time (no reindex):
saving one bumps the "rules" version. This app imports no domain app: targets are stored as
codes, which the search documents put on their objects as tags (`tags` in `to_document`).
"""

import re

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel


class IndexedDocument(models.Model):
    doc_type = models.CharField(max_length=30)
    object_id = models.BigIntegerField()
    title = models.CharField(max_length=255)
    url = models.CharField(max_length=500)
    body = models.TextField(blank=True)  # original, accented text used for snippets
    boost = models.FloatField(default=1.0)
    category = models.CharField(max_length=20, blank=True, db_index=True)
    category_label = models.CharField(max_length=200, blank=True)
    group_code = models.CharField(max_length=20, blank=True, db_index=True)
    group_label = models.CharField(max_length=200, blank=True)
    stars = models.PositiveSmallIntegerField(null=True, db_index=True)
    commune = models.CharField(max_length=20, blank=True, db_index=True)
    commune_label = models.CharField(max_length=200, blank=True)
    commune_keys = models.TextField(blank=True)  # "|code|folded name|folded legacy name|…|"
    price = models.BigIntegerField(null=True, db_index=True)
    in_stock = models.BooleanField(null=True)
    rating = models.FloatField(null=True)
    rating_count = models.PositiveIntegerField(default=0)
    rank_data = models.TextField(blank=True)  # JSON for cms.search.scoring (both engines)
    lat = models.FloatField(null=True)
    lon = models.FloatField(null=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["doc_type", "object_id"], name="search_doc_unique")
        ]
        indexes = [models.Index(fields=["lat", "lon"], name="search_doc_geo")]

    def __str__(self):
        return f"{self.doc_type}:{self.object_id} {self.title}"


class SearchTerm(models.Model):
    """A folded word that appears in the index (typo candidates are drawn from here), or a
    folded place name (kind "p": "duong xa gia lam")."""

    WORD = "w"
    PLACE = "p"

    term = models.CharField(max_length=60)
    kind = models.CharField(max_length=1, default=WORD)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["kind", "term"], name="search_term_unique")]

    def __str__(self):
        return self.term


class IndexState(models.Model):
    key = models.CharField(max_length=20, unique=True)
    version = models.BigIntegerField(default=0)
    rebuilt_at = models.DateTimeField(null=True)
    elasticsearch_index = models.CharField(max_length=200, blank=True)

    def __str__(self):
        return f"{self.key} v{self.version}"


def split_list(text: str) -> list[str]:
    """Items of an officer-edited list: one a line, or separated by commas or semicolons."""
    return [item.strip() for item in re.split(r"[,;\n]", text or "") if item.strip()]


class SearchSynonym(models.Model):
    terms = models.TextField(
        _("các cách gọi"),
        help_text=_(
            "Những cách gọi cùng một thứ, cách nhau bằng dấu phẩy hoặc mỗi dòng một cách, "
            "ví dụ: hà nội, hanoi, hn. Tìm một cách gọi cũng ra kết quả của các cách kia."
        ),
    )
    note = models.CharField(_("ghi chú"), max_length=200, blank=True)
    enabled = models.BooleanField(_("đang dùng"), default=True)

    panels = [FieldPanel("terms"), FieldPanel("note"), FieldPanel("enabled")]

    class Meta:
        verbose_name = _("từ đồng nghĩa")
        verbose_name_plural = _("từ đồng nghĩa")
        ordering = ["pk"]

    def __str__(self):
        return " = ".join(self.phrases()[:4])

    def phrases(self) -> list[str]:
        return split_list(self.terms)

    def clean(self):
        if len(self.phrases()) < 2:
            raise ValidationError({"terms": _("Cần ít nhất hai cách gọi.")})


CATEGORY_CODE = re.compile(r"^[IVX]+(\.\d+)?$")
SITE_KIND = re.compile(r"^[a-z][a-z_]*$")


class IntentRule(models.Model):
    name = models.CharField(_("tên"), max_length=100)
    phrases = models.TextField(
        _("cụm từ người mua gõ"),
        help_text=_(
            "Những gì người mua gõ khi cần thứ này, cách nhau bằng dấu phẩy hoặc mỗi dòng một "
            "cụm, ví dụ: quà tết, quà biếu tết."
        ),
    )
    categories = models.CharField(
        _("ngành hàng OCOP"),
        max_length=200,
        blank=True,
        help_text=_("Mã nhóm hoặc phân nhóm OCOP, cách nhau bằng dấu phẩy, ví dụ: II, I.5, IV.1."),
    )
    site_kinds = models.CharField(
        _("loại hình điểm du lịch"),
        max_length=200,
        blank=True,
        help_text=_(
            "Mã loại hình, cách nhau bằng dấu phẩy: craft_village (làng nghề), heritage_village "
            "(làng cổ), community_tourism (du lịch cộng đồng), farm (trang trại), eco_park (khu "
            "sinh thái), heritage_site (di tích)."
        ),
    )
    keywords = models.TextField(
        _("từ khoá thêm"),
        blank=True,
        help_text=_(
            "Sản phẩm và điểm du lịch có một trong các từ này cũng khớp, xếp sau kết quả khớp "
            "đúng chữ gõ, ví dụ: trà, mứt sen, rượu."
        ),
    )
    enabled = models.BooleanField(_("đang dùng"), default=True)

    panels = [
        FieldPanel("name"),
        FieldPanel("phrases"),
        FieldPanel("categories"),
        FieldPanel("site_kinds"),
        FieldPanel("keywords"),
        FieldPanel("enabled"),
    ]

    class Meta:
        verbose_name = _("quy tắc nhu cầu tìm kiếm")
        verbose_name_plural = _("quy tắc nhu cầu tìm kiếm")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def phrase_list(self) -> list[str]:
        return split_list(self.phrases)

    def category_list(self) -> list[str]:
        return [c.upper() for c in split_list(self.categories)]

    def site_kind_list(self) -> list[str]:
        return [k.lower() for k in split_list(self.site_kinds)]

    def keyword_list(self) -> list[str]:
        return split_list(self.keywords)

    def targets(self) -> list[str]:
        """The tag codes the rule points at (documents carry them: see `to_document`)."""
        return [*self.category_list(), *self.site_kind_list()]

    def clean(self):
        from .registry import known_tags

        errors = {}
        if not self.phrase_list():
            errors["phrases"] = _("Cần ít nhất một cụm từ.")
        known = known_tags()
        bad = [c for c in self.category_list() if not CATEGORY_CODE.match(c)]
        bad += [c for c in self.category_list() if known and c not in known and c not in bad]
        if bad:
            errors["categories"] = _("Mã ngành hàng không có: %(v)s.") % {"v": ", ".join(bad)}
        bad = [k for k in self.site_kind_list() if not SITE_KIND.match(k)]
        bad += [k for k in self.site_kind_list() if known and k not in known and k not in bad]
        if bad:
            errors["site_kinds"] = _("Loại hình không có: %(v)s.") % {"v": ", ".join(bad)}
        if not (self.targets() or self.keyword_list()) and "phrases" not in errors:
            errors["keywords"] = _("Cần ngành hàng, loại hình hoặc từ khoá thêm.")
        if errors:
            raise ValidationError(errors)
