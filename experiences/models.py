"""Bookable experiences: a ProductPage (OCOP group VI services — a pottery class, a village
tour) with dated sessions whose places are its "stock", and the tickets of its bookings.

Plain models (not page revisions): places and tickets never ride on a page revision. The
places of a session (`held`, `booked`) are written only by `experiences/places.py`; a CHECK
constraint keeps booked + held ≤ capacity whatever writes the row.
"""

import datetime
import secrets

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel

from cms.translation import Bilingual, english_group
from products.purchasable import deposit_of

from .forms import SessionForm

# Unambiguous upper-case alphabet, as the shop's order references: read out, typed at the gate.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 8


def new_ticket_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def new_ticket_token() -> str:
    return secrets.token_urlsafe(24)  # 192 bits: the ticket URL cannot be guessed


class Experience(models.Model):
    """What makes a product an experience: its booking and cancellation rules."""

    class Payment(models.TextChoices):
        FULL = "full", _("Thanh toán toàn bộ khi đặt")
        DEPOSIT = "deposit", _("Đặt cọc khi đặt, phần còn lại trả tại chỗ")

    product = models.OneToOneField(
        "products.ProductPage",
        verbose_name=_("sản phẩm (dịch vụ)"),
        on_delete=models.CASCADE,
        related_name="experience",
    )
    free_cancel_hours = models.PositiveIntegerField(
        _("hủy miễn phí trước (giờ)"),
        default=24,
        help_text=_("Người mua được hủy và hoàn tiền đến trước giờ bắt đầu bấy nhiêu giờ."),
    )
    payment = models.CharField(
        _("thanh toán"), max_length=10, choices=Payment.choices, default=Payment.FULL
    )
    deposit_percent = models.PositiveSmallIntegerField(
        _("tỷ lệ đặt cọc (%)"),
        default=100,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text=_("Chỉ dùng khi thanh toán là đặt cọc."),
    )

    panels = [
        FieldPanel("product"),
        FieldPanel("free_cancel_hours"),
        FieldRowPanel([FieldPanel("payment"), FieldPanel("deposit_percent")]),
    ]

    class Meta:
        verbose_name = _("trải nghiệm")
        verbose_name_plural = _("trải nghiệm")
        constraints = [
            models.CheckConstraint(
                condition=Q(deposit_percent__gte=1, deposit_percent__lte=100),
                name="experiences_deposit_percent_range",
            )
        ]

    def __str__(self):
        return self.product.title

    @property
    def producer_id(self):
        return self.product.producer_id

    def deposit_of(self, amount: int) -> int:
        """What is charged when booking `amount` đồng (the rest is paid on site)."""
        return deposit_of(amount, self.charged_percent)

    @property
    def charged_percent(self) -> int:
        """The share of the price charged when booking (100 unless a deposit is asked)."""
        return self.deposit_percent if self.payment == self.Payment.DEPOSIT else 100


class ExperienceSession(Bilingual, models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("Mở bán")
        CANCELLED = "cancelled", _("Đã hủy")

    class Language(models.TextChoices):
        VI = "vi", _("Tiếng Việt")
        EN = "en", _("Tiếng Anh")
        FR = "fr", _("Tiếng Pháp")
        JA = "ja", _("Tiếng Nhật")
        KO = "ko", _("Tiếng Hàn")
        ZH = "zh", _("Tiếng Trung")

    experience = models.ForeignKey(
        Experience, verbose_name=_("trải nghiệm"), on_delete=models.CASCADE, related_name="sessions"
    )
    date = models.DateField(_("ngày"))
    start_time = models.TimeField(_("giờ bắt đầu"))
    duration_minutes = models.PositiveIntegerField(
        _("thời lượng (phút)"), default=120, validators=[MinValueValidator(1)]
    )
    capacity = models.PositiveIntegerField(
        _("số chỗ"), validators=[MinValueValidator(1), MaxValueValidator(1000)]
    )
    language = models.CharField(
        _("ngôn ngữ hướng dẫn"), max_length=5, choices=Language.choices, default=Language.VI
    )
    meeting_point = models.CharField(_("điểm hẹn"), max_length=255)
    meeting_point_en = models.CharField(_("điểm hẹn (tiếng Anh)"), max_length=255, blank=True)
    latitude = models.DecimalField(
        _("vĩ độ"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )
    longitude = models.DecimalField(
        _("kinh độ"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )
    price = models.PositiveBigIntegerField(
        _("giá mỗi người (đồng)"),
        null=True,
        blank=True,
        help_text=_("Để trống: dùng giá của sản phẩm."),
    )
    status = models.CharField(
        _("trạng thái"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    # Written only by experiences/places.py (never by a form: see save()).
    held = models.PositiveIntegerField(_("đang giữ chỗ"), default=0, editable=False)
    booked = models.PositiveIntegerField(_("đã tham gia"), default=0, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    PLACE_FIELDS = ("held", "booked")

    base_form_class = SessionForm  # a producer's own experiences only
    panels = [
        FieldPanel("experience", widget=forms.Select),  # a list, not the all-snippets chooser
        FieldRowPanel(
            [FieldPanel("date"), FieldPanel("start_time"), FieldPanel("duration_minutes")]
        ),
        FieldRowPanel([FieldPanel("capacity"), FieldPanel("language"), FieldPanel("price")]),
        FieldPanel("meeting_point"),
        FieldRowPanel([FieldPanel("latitude"), FieldPanel("longitude")]),
        FieldPanel("status"),
        english_group(["meeting_point_en"]),
    ]
    translated_fields = {"meeting_point": "meeting_point_en"}

    class Meta:
        ordering = ["date", "start_time", "pk"]
        verbose_name = _("buổi trải nghiệm")
        verbose_name_plural = _("buổi trải nghiệm")
        constraints = [
            models.CheckConstraint(
                condition=Q(capacity__gte=F("held") + F("booked")),
                name="experiences_places_within_capacity",
            )
        ]

    def __str__(self):
        return f"{self.experience} — {self.label}"

    @property
    def sku(self) -> str:
        from .places import SKU_PREFIX

        return f"{SKU_PREFIX}{self.pk}"

    @property
    def starts_at(self) -> datetime.datetime:
        return timezone.make_aware(datetime.datetime.combine(self.date, self.start_time))

    @property
    def ends_at(self) -> datetime.datetime:
        return self.starts_at + datetime.timedelta(minutes=self.duration_minutes)

    @property
    def remaining(self) -> int:
        return max(self.capacity - self.held - self.booked, 0)

    @property
    def unit_price(self) -> int:
        if self.price is not None:
            return int(self.price)
        return int(self.experience.product.min_price or 0)

    @property
    def label(self) -> str:
        """ "12/12/2026 09:00 · 120 phút · Tiếng Việt" (the cart line's variant label)."""
        return _("%(day)s %(time)s · %(minutes)s phút · %(language)s") % {
            "day": self.date.strftime("%d/%m/%Y"),
            "time": self.start_time.strftime("%H:%M"),
            "minutes": self.duration_minutes,
            "language": self.get_language_display(),
        }

    @property
    def free_cancel_until(self) -> datetime.datetime:
        return self.starts_at - datetime.timedelta(hours=self.experience.free_cancel_hours)

    def clean(self):
        super().clean()
        if self.pk:
            taken = (
                ExperienceSession.objects.filter(pk=self.pk).values_list("held", "booked").first()
            )
            if taken and self.capacity is not None and self.capacity < sum(taken):
                raise ValidationError(
                    {
                        "capacity": _("Đã có %(n)s chỗ được đặt: số chỗ không thể ít hơn.")
                        % {"n": sum(taken)}
                    }
                )

    def save(self, *args, **kwargs):
        # A form (admin edit) saves everything but the places, which only places.py writes:
        # a booking made while the editor had the form open is never overwritten.
        if self.pk and not self._state.adding and kwargs.get("update_fields") is None:
            kwargs["update_fields"] = [
                f.name
                for f in self._meta.concrete_fields
                if not f.primary_key and f.name not in self.PLACE_FIELDS
            ]
        return super().save(*args, **kwargs)


class Ticket(models.Model):
    """One booking line of an order: its QR ticket, opened by the producer at the gate."""

    order = models.ForeignKey(
        "shop.Order", verbose_name=_("đơn hàng"), on_delete=models.CASCADE, related_name="tickets"
    )
    line = models.OneToOneField(
        "shop.OrderLine", on_delete=models.CASCADE, related_name="ticket", verbose_name=_("dòng")
    )
    session = models.ForeignKey(
        ExperienceSession,
        verbose_name=_("buổi"),
        on_delete=models.PROTECT,
        related_name="tickets",
    )
    participants = models.PositiveIntegerField(_("số người"))
    token = models.CharField(max_length=64, unique=True, default=new_ticket_token, editable=False)
    code = models.CharField(
        _("mã vé"), max_length=12, unique=True, default=new_ticket_code, editable=False
    )
    checked_in_at = models.DateTimeField(_("đã đến lúc"), null=True, blank=True)
    checked_in_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["session", "pk"]
        verbose_name = _("vé trải nghiệm")
        verbose_name_plural = _("vé trải nghiệm")

    def __str__(self):
        return self.code

    def get_absolute_url(self) -> str:
        return reverse("experiences:ticket", args=[self.token])
