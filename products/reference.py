"""Reference data: the address register (34 provinces and their communes after 1 July 2025,
with the pre-reform names that resolve to them); the OCOP category tree."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, InlinePanel

from cms.language import localized
from cms.search.text import fold
from cms.translation import Bilingual

PROGRAMME_PROVINCE_CODE = "01"  # Thành phố Hà Nội: the programme's producers and sites are here

# Kind words people put before a name ("Phường Hải Châu", "huyện Gia Lâm"), folded, longest first.
_UNIT_PREFIXES = (
    "thanh pho ",
    "thi tran ",
    "dac khu ",
    "thi xa ",
    "phuong ",
    "huyen ",
    "quan ",
    "tinh ",
    "tp. ",
    "tp ",
    "xa ",
    "q. ",
    "p. ",
)


def split_kind(text: str) -> tuple[str, str, str]:
    """("phuong", "hai chau", "Hải Châu") for "Phường Hải Châu": the folded kind word (or ""),
    the folded bare name and the bare name as typed."""
    typed = " ".join(text.replace(".", ". ").split())
    folded = fold(typed)
    for prefix in _UNIT_PREFIXES:
        if folded.startswith(prefix) and len(folded) > len(prefix):
            words = len(prefix.split())
            return (
                prefix.strip(" ."),
                folded[len(prefix) :].strip(),
                " ".join(typed.split()[words:]),
            )
    return "", folded, typed


def bare(text: str) -> str:
    """The folded name without its kind word: "Phường Hải Châu" → "hai chau"."""
    return split_kind(text)[1]


_KIND_WORDS = {"phuong": "phường", "p": "phường", "xa": "xã", "dac khu": "đặc khu"}


class Province(models.Model):
    """A province or centrally-run city after the 1 July 2025 reform (34 units, GSO codes)."""

    code = models.CharField(_("mã"), max_length=2, unique=True)
    name = models.CharField(_("tên"), max_length=100)  # "Thành phố Hà Nội"
    short_name = models.CharField(_("tên ngắn"), max_length=60)  # "Hà Nội"
    folded_name = models.CharField(max_length=60, editable=False, db_index=True)

    class Meta:
        ordering = ["folded_name"]
        verbose_name = _("tỉnh/thành phố")
        verbose_name_plural = _("tỉnh/thành phố")

    def __str__(self):
        return self.short_name

    def save(self, *args, **kwargs):
        self.folded_name = bare(self.short_name)
        super().save(*args, **kwargs)


def programme_communes():
    """limit_choices_to for producers, products and sites: the programme's own province."""
    return Q(province__code=PROGRAMME_PROVINCE_CODE)


class CommuneQuerySet(models.QuerySet):
    def resolve(self, text: str, province: str | None = None):
        """Find the commune for a current or legacy name.

        Accepts "Gia Lâm", "xã Gia Lâm", "Dương Xá", "Dương Xá, Gia Lâm" (legacy commune and
        district) or "Hải Châu, Đà Nẵng" — with or without diacritics — and returns the current
        Commune or None. A legacy unit split between several communes resolves to the one that
        took its main part.
        """
        parts = [bare(p) for p in text.split(",") if p.strip()]
        if not parts:
            return None
        name, rest = parts[0], parts[1:]
        scope = self.filter(province__code=province) if province else self
        current = scope.filter(folded_name=name)
        legacy = LegacyCommuneName.objects.filter(folded_commune=name)
        if province:
            legacy = legacy.filter(commune__province__code=province)
        for part in rest:
            narrowed = current.filter(province__folded_name=part)
            current = narrowed if narrowed.exists() else current.none()
            legacy = legacy.filter(Q(folded_district=part) | Q(folded_province=part))
        if not rest and current.exists():
            return current.order_by("province__code", "code").first()
        hit = legacy.select_related("commune").order_by("-is_main", "pk").first()
        if hit:
            return hit.commune
        return current.order_by("province__code", "code").first()

    def matching(self, text: str):
        """Communes whose current or legacy name folds to `text`."""
        folded = bare(text)
        return self.filter(
            Q(folded_name=folded) | Q(legacy_names__folded_commune=folded) | Q(code=text.strip())
        ).distinct()

    def search(self, text: str, province: str | None = None, limit: int = 20) -> list:
        """Type-ahead: communes whose current name, old name or old district starts with (or,
        from three letters, contains) what was typed — with or without diacritics. "dong da"
        finds Phường Đống Đa and the wards of the old Đống Đa district; "Kiêu Kỵ, Gia Lâm"
        finds the commune that took Kiêu Kỵ. Current names rank first."""
        pieces = [p for p in text.split(",") if p.strip()]
        scope = self.filter(province__code=province) if province else self.all()
        if not pieces:
            return []
        kind_word, name, as_typed = split_kind(pieces[0])
        rest = [bare(p) for p in pieces[1:]]
        current = Q(folded_name__startswith=name)
        old = Q(legacy_names__folded_commune__startswith=name)
        district = Q(legacy_names__folded_district__startswith=name)
        if len(name) >= 3:
            current |= Q(folded_name__contains=" " + name)
            old |= Q(legacy_names__folded_commune__contains=" " + name)
        hits = scope.filter(current | old | district)
        for part in rest:
            hits = hits.filter(
                Q(province__folded_name__startswith=part)
                | Q(legacy_names__folded_district__startswith=part)
                | Q(legacy_names__folded_province__startswith=part)
            )
        kind = _KIND_WORDS.get(kind_word)
        ranked = (
            hits.values("pk", "name")
            .annotate(
                best=models.Min(
                    models.Case(
                        models.When(folded_name=name, name__iexact=as_typed, then=0),
                        models.When(folded_name=name, then=1),
                        models.When(legacy_names__folded_commune=name, then=2),
                        models.When(legacy_names__folded_district=name, then=3),
                        models.When(folded_name__startswith=name, then=4),
                        default=5,
                        output_field=models.IntegerField(),
                    )
                ),
                same_kind=models.Case(
                    models.When(kind=kind, then=0), default=1, output_field=models.IntegerField()
                ),
            )
            .order_by("best", "same_kind", "name", "pk")[:limit]
        )
        rank = {row["pk"]: row["best"] for row in ranked}
        found = self.filter(pk__in=rank).select_related("province").prefetch_related("legacy_names")
        by_pk = {c.pk: c for c in found}
        for commune in found:
            commune.match_rank = rank[commune.pk]  # 0, 1: the current name, as typed / folded
        return [by_pk[pk] for pk in rank]


class Commune(ClusterableModel):
    """A commune, ward or special zone after the 1 July 2025 reform (two-level local
    government), in its province; the whole country's register comes from
    products.register."""

    class Kind(models.TextChoices):
        COMMUNE = "xã", _("Xã")
        WARD = "phường", _("Phường")
        SPECIAL_ZONE = "đặc khu", _("Đặc khu")

    code = models.CharField(_("mã"), max_length=5, unique=True)
    province = models.ForeignKey(
        Province,
        verbose_name=_("tỉnh/thành phố"),
        on_delete=models.PROTECT,
        related_name="communes",
    )
    name = models.CharField(_("tên"), max_length=100)
    kind = models.CharField(_("loại"), max_length=10, choices=Kind.choices, default=Kind.COMMUNE)
    folded_name = models.CharField(max_length=100, editable=False, db_index=True)
    latitude = models.FloatField(_("vĩ độ"), null=True, blank=True)
    longitude = models.FloatField(_("kinh độ"), null=True, blank=True)

    objects = CommuneQuerySet.as_manager()

    panels = [
        FieldPanel("code"),
        FieldPanel("province"),
        FieldPanel("name"),
        FieldPanel("kind"),
        InlinePanel("legacy_names"),
    ]

    class Meta:
        ordering = ["name"]
        verbose_name = _("xã/phường")
        verbose_name_plural = _("xã/phường")

    def __str__(self):
        return f"{self.get_kind_display()} {self.name}"

    def save(self, *args, **kwargs):
        self.folded_name = bare(self.name)
        super().save(*args, **kwargs)

    @property
    def full_name(self) -> str:
        """ "Phường Hoàn Kiếm, Hà Nội" — how an address line names it."""
        return f"{self}, {self.province}"

    @property
    def aliases(self) -> list[str]:
        """ "Dương Xá, Gia Lâm" for each pre-reform commune that (mainly) became this one — how
        people still name the place; a sliver of an old commune split off here is left out."""
        return [
            f"{n.legacy_commune}, {n.legacy_district}" for n in self.legacy_names.all() if n.is_main
        ]

    @property
    def legacy_label(self) -> str:
        """The pre-reform communes grouped by their old district: "Dương Xá, Kiêu Kỵ, Trâu Quỳ
        (Gia Lâm)" — each district named once."""
        districts: dict[str, list[str]] = {}
        for n in self.legacy_names.all():
            if n.is_main:
                districts.setdefault(n.legacy_district, []).append(n.legacy_commune)
        return "; ".join(f"{', '.join(names)} ({d})" for d, names in districts.items())

    @property
    def main_legacy(self):
        """The pre-reform unit that gave this commune its main part (carriers still use it)."""
        names = sorted(self.legacy_names.all(), key=lambda n: (not n.is_main, n.pk))
        return names[0] if names else None


class LegacyCommuneName(models.Model):
    """A pre-reform commune (with its district and province) now part of a current commune.
    A unit split between several communes is listed under each; `is_main` marks the one that
    took its main part (where an old address resolves)."""

    commune = ParentalKey(Commune, on_delete=models.CASCADE, related_name="legacy_names")
    legacy_commune = models.CharField(_("xã cũ"), max_length=100)
    legacy_district = models.CharField(_("huyện/quận cũ"), max_length=100)
    legacy_province = models.CharField(_("tỉnh cũ"), max_length=100, blank=True)
    is_main = models.BooleanField(_("phần chính"), default=True)
    folded_commune = models.CharField(max_length=100, editable=False, db_index=True)
    folded_district = models.CharField(max_length=100, editable=False, db_index=True)
    folded_province = models.CharField(max_length=100, editable=False, blank=True)

    class Meta:
        verbose_name = _("tên cũ")
        verbose_name_plural = _("tên cũ (trước 1/7/2025)")

    def __str__(self):
        return f"{self.legacy_commune}, {self.legacy_district}"

    def save(self, *args, **kwargs):
        self.fold_names()
        super().save(*args, **kwargs)

    def fold_names(self):
        self.folded_commune = bare(self.legacy_commune)
        self.folded_district = bare(self.legacy_district)
        self.folded_province = bare(self.legacy_province)

    # Template-friendly names.
    @property
    def commune_name(self):
        return self.legacy_commune

    @property
    def district(self):
        return self.legacy_district


class OcopCategory(Bilingual, models.Model):
    """A group (I–VI) or subgroup (I.1 …) of the OCOP classification (Decision 148/QĐ-TTg)."""

    code = models.CharField(_("mã"), max_length=10, unique=True)
    name = models.CharField(_("tên"), max_length=120)
    name_en = models.CharField(_("tên tiếng Anh"), max_length=120, blank=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("nhóm"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="subgroups",
    )
    sort_order = models.PositiveIntegerField(default=0, editable=False)
    return_days = models.PositiveSmallIntegerField(
        _("số ngày được đổi trả"),
        null=True,
        blank=True,
        help_text=_("Tính từ ngày giao; để trống: theo nhóm, hoặc mặc định của sàn (7 ngày)."),
    )

    translated_fields = {"name": "name_en"}
    panels = [
        FieldPanel("code"),
        FieldPanel("name"),
        FieldPanel("name_en"),
        FieldPanel("parent"),
        FieldPanel("return_days"),
    ]

    class Meta:
        ordering = ["sort_order", "code"]
        verbose_name = _("ngành hàng OCOP")
        verbose_name_plural = _("ngành hàng OCOP")

    def __str__(self):
        return f"{self.code} {self.name}"

    @property
    def group(self) -> "OcopCategory":
        return self.parent or self

    @property
    def display_name(self) -> str:
        """The name in the active UI language (the English name when there is one)."""
        return localized(self.name, self.name_en)

    def save(self, *args, **kwargs):
        self.sort_order = _category_sort_key(self.code)
        super().save(*args, **kwargs)


_ROMAN = {"I": 1, "II": 2, "III": 3, "IV": 4, "V": 5, "VI": 6}


def _category_sort_key(code: str) -> int:
    group, _sep, sub = code.partition(".")
    return _ROMAN.get(group, 9) * 100 + (int(sub) if sub.isdigit() else 0)
