"""Reference data: communes (post-1 July 2025) with legacy names; the OCOP category tree."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, InlinePanel
from wagtail.search import index

from cms.language import localized
from cms.search.text import fold


class CommuneQuerySet(models.QuerySet):
    def resolve(self, text: str):
        """Find the commune for a current or legacy name.

        Accepts "Gia Lâm", "xã Gia Lâm", "Dương Xá" or "Dương Xá, Gia Lâm" (legacy commune and
        district) — with or without diacritics — and returns the current Commune or None.
        """
        parts = [fold(p) for p in text.split(",") if p.strip()]
        if not parts:
            return None
        name = parts[0]
        for prefix in ("xa ", "phuong ", "thi tran "):
            if name.startswith(prefix):
                name = name[len(prefix) :]
        district = parts[1] if len(parts) > 1 else None
        for prefix in ("huyen ", "quan ", "thi xa "):
            if district and district.startswith(prefix):
                district = district[len(prefix) :]
        legacy = LegacyCommuneName.objects.filter(folded_commune=name)
        if district:
            legacy = legacy.filter(folded_district=district)
        current = self.filter(folded_name=name)
        if not district and current.exists():
            return current.first()
        hit = legacy.select_related("commune").first()
        if hit:
            return hit.commune
        return current.first()

    def matching(self, text: str):
        """Communes whose current or legacy name folds to `text`."""
        folded = fold(text)
        return self.filter(
            Q(folded_name=folded) | Q(legacy_names__folded_commune=folded) | Q(code=text.strip())
        ).distinct()


class Commune(index.Indexed, ClusterableModel):
    """A commune or ward of Hà Nội after the 1 July 2025 reform (two-level local government)."""

    class Kind(models.TextChoices):
        COMMUNE = "xã", _("Xã")
        WARD = "phường", _("Phường")

    code = models.CharField(_("mã"), max_length=5, unique=True)
    name = models.CharField(_("tên"), max_length=100)
    kind = models.CharField(_("loại"), max_length=10, choices=Kind.choices, default=Kind.COMMUNE)
    folded_name = models.CharField(max_length=100, editable=False, db_index=True)

    objects = CommuneQuerySet.as_manager()

    panels = [
        FieldPanel("code"),
        FieldPanel("name"),
        FieldPanel("kind"),
        InlinePanel("legacy_names"),
    ]
    search_fields = [index.SearchField("name"), index.AutocompleteField("name")]

    class Meta:
        ordering = ["name"]
        verbose_name = _("xã/phường")
        verbose_name_plural = _("xã/phường")

    def __str__(self):
        return f"{self.get_kind_display()} {self.name}"

    def save(self, *args, **kwargs):
        self.folded_name = fold(self.name)
        super().save(*args, **kwargs)

    @property
    def legacy_label(self) -> str:
        """ "Dương Xá, Kiêu Kỵ (Gia Lâm cũ)" — how people still name the place."""
        names = [f"{n.commune}, {n.district}" for n in self.legacy_names.all()]
        return "; ".join(names)


class LegacyCommuneName(models.Model):
    """A pre-reform commune and district now part of a current commune."""

    commune = ParentalKey(Commune, on_delete=models.CASCADE, related_name="legacy_names")
    legacy_commune = models.CharField(_("xã cũ"), max_length=100)
    legacy_district = models.CharField(_("huyện/quận cũ"), max_length=100)
    folded_commune = models.CharField(max_length=100, editable=False, db_index=True)
    folded_district = models.CharField(max_length=100, editable=False)

    class Meta:
        verbose_name = _("tên cũ")
        verbose_name_plural = _("tên cũ (trước 1/7/2025)")

    def __str__(self):
        return f"{self.legacy_commune}, {self.legacy_district}"

    def save(self, *args, **kwargs):
        self.folded_commune = fold(self.legacy_commune)
        self.folded_district = fold(self.legacy_district)
        super().save(*args, **kwargs)

    # Template-friendly names.
    @property
    def commune_name(self):
        return self.legacy_commune

    @property
    def district(self):
        return self.legacy_district


class OcopCategory(models.Model):
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

    panels = [FieldPanel("code"), FieldPanel("name"), FieldPanel("name_en"), FieldPanel("parent")]

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
