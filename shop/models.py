"""Orders, their per-producer parts, lines, status history, carts and processed Stripe events.

Plain models (not pages): orders and payments must never ride on page revisions. Lines snapshot
the SKU, title, variant, unit price and producer at purchase time.
"""

import secrets

from django.conf import settings
from django.core import signing
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

# Unambiguous upper-case alphabet (no 0/O, 1/I/L): easy to read out over the phone.
REFERENCE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
REFERENCE_LENGTH = 10  # 31**10 ≈ 8·10^14 possibilities
SIGNING_SALT = "shop.order-link"


def new_reference() -> str:
    return "DH" + "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(REFERENCE_LENGTH))


class Order(models.Model):
    class Status(models.TextChoices):
        PENDING_PAYMENT = "pending_payment", _("Chờ thanh toán")
        PAID = "paid", _("Đã thanh toán")
        PROCESSING = "processing", _("Đang xử lý")
        SHIPPED = "shipped", _("Đang giao")
        DELIVERED = "delivered", _("Đã giao")
        CANCELLED = "cancelled", _("Đã hủy")
        REFUNDED = "refunded", _("Đã hoàn tiền")

    class Payment(models.TextChoices):
        COD = "cod", _("Thanh toán khi nhận hàng (COD)")
        VIETQR = "vietqr", _("Chuyển khoản ngân hàng (VietQR)")
        STRIPE = "stripe", _("Thẻ quốc tế (Stripe)")

    reference = models.CharField(
        _("mã đơn"), max_length=20, unique=True, default=new_reference, editable=False
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("tài khoản"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="shop_orders",
    )
    status = models.CharField(
        _("trạng thái"), max_length=20, choices=Status.choices, default=Status.PENDING_PAYMENT
    )
    payment_method = models.CharField(_("thanh toán"), max_length=10, choices=Payment.choices)
    paid_at = models.DateTimeField(_("thanh toán lúc"), null=True, blank=True)
    # Stock stays reserved while True; released on cancel/expiry, consumed on delivery.
    stock_reserved = models.BooleanField(default=True, editable=False)

    recipient = models.CharField(_("người nhận"), max_length=100)
    phone = models.CharField(_("điện thoại"), max_length=15, db_index=True)
    email = models.EmailField(_("email"), blank=True)
    province = models.CharField(_("tỉnh/thành phố"), max_length=50, default="Hà Nội")
    commune = models.ForeignKey(
        "products.Commune", verbose_name=_("xã/phường"), on_delete=models.PROTECT, related_name="+"
    )
    street = models.CharField(_("số nhà, đường/thôn"), max_length=200)
    note = models.CharField(_("ghi chú"), max_length=500, blank=True)

    # A VAT e-invoice asked for at checkout (each producer invoices its own part).
    invoice_company = models.CharField(_("hóa đơn: tên đơn vị"), max_length=255, blank=True)
    invoice_tax_code = models.CharField(_("hóa đơn: mã số thuế"), max_length=14, blank=True)
    invoice_address = models.CharField(_("hóa đơn: địa chỉ"), max_length=255, blank=True)
    invoice_email = models.EmailField(_("hóa đơn: email nhận"), blank=True)

    subtotal = models.PositiveBigIntegerField(_("tiền hàng"))
    shipping_total = models.PositiveBigIntegerField(_("phí vận chuyển"), default=0)
    total = models.PositiveBigIntegerField(_("tổng cộng"))
    # Of the total, what the buyer pays the producer on site (the rest of an experience's
    # deposit); paid online or by transfer is `due_now`.
    due_on_site = models.PositiveBigIntegerField(_("trả tại chỗ"), default=0)

    # The language the buyer ordered in: their emails are written in it.
    language = models.CharField(_("ngôn ngữ"), max_length=10, default="vi", editable=False)

    stripe_session_id = models.CharField(max_length=255, blank=True, db_index=True)
    stripe_payment_intent = models.CharField(max_length=255, blank=True)
    stripe_refund_id = models.CharField(max_length=255, blank=True)

    # The review step's one-time token: a second submit of the same review (double tap, two
    # tabs, a retry after a dropped connection) finds this order instead of placing another.
    checkout_token = models.CharField(
        max_length=64, unique=True, null=True, blank=True, editable=False
    )
    # Set when an officer must look: money that arrived after cancellation (refund it), a
    # card payment that does not match the order. Cleared by the refund.
    flagged_reason = models.CharField(_("cần xử lý"), max_length=255, blank=True)
    flagged_at = models.DateTimeField(_("đánh dấu lúc"), null=True, blank=True)
    # What the buyer agreed to at checkout, separately (never pre-ticked): the purchase terms
    # and return policy, and the processing of their personal data (PDPL 91/2025).
    terms_accepted_at = models.DateTimeField(_("đồng ý điều khoản lúc"), null=True, blank=True)
    data_consent_at = models.DateTimeField(_("đồng ý xử lý dữ liệu lúc"), null=True, blank=True)
    # Set when the buyer's personal data was erased; the order stays for accounting.
    anonymised_at = models.DateTimeField(_("đã ẩn danh lúc"), null=True, blank=True)

    created_at = models.DateTimeField(_("đặt lúc"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("đơn hàng")
        verbose_name_plural = _("đơn hàng")
        permissions = [("manage_all_orders", "Quản lý mọi đơn hàng")]

    def __str__(self):
        return self.reference

    @property
    def address_text(self) -> str:
        return f"{self.street}, {self.commune}, {self.province}"

    def signed_token(self) -> str:
        return signing.dumps(self.reference, salt=SIGNING_SALT, compress=True)

    def get_absolute_url(self) -> str:
        return reverse("shop:order", args=[self.reference])

    def signed_url(self) -> str:
        return f"{self.get_absolute_url()}?t={self.signed_token()}"

    def token_matches(self, token: str) -> bool:
        """True for this order's own link, signed less than SHOP_ORDER_LINK_DAYS ago."""
        return self.token_state(token) == "valid"

    def token_state(self, token: str) -> str:
        """ "valid", "expired" (this order's link, but too old) or "invalid"."""
        try:
            value = signing.loads(
                token, salt=SIGNING_SALT, max_age=settings.SHOP_ORDER_LINK_DAYS * 86400
            )
        except signing.SignatureExpired:
            try:
                value = signing.loads(token, salt=SIGNING_SALT)
            except signing.BadSignature:
                return "invalid"
            return "expired" if value == self.reference else "invalid"
        except signing.BadSignature:
            return "invalid"
        return "valid" if value == self.reference else "invalid"

    @property
    def is_paid(self) -> bool:
        return self.paid_at is not None

    @property
    def due_now(self) -> int:
        """What is paid when ordering (card, transfer; all of it for cash on delivery)."""
        return self.total - self.due_on_site

    @property
    def wants_invoice(self) -> bool:
        return bool(self.invoice_tax_code)


class OrderShipment(models.Model):
    """One producer's part of an order: the producer sees and ships only this."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Chờ xử lý")
        PROCESSING = "processing", _("Đang chuẩn bị")
        SHIPPED = "shipped", _("Đang giao")
        DELIVERED = "delivered", _("Đã giao")
        RETURNED = "returned", _("Đã hoàn về người bán")
        CANCELLED = "cancelled", _("Đã hủy")

    class Method(models.TextChoices):
        DELIVERY = "delivery", _("Giao hàng tận nơi")
        PICKUP = "pickup", _("Nhận tại cơ sở sản xuất")

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="shipments")
    producer_id = models.PositiveIntegerField(_("mã chủ thể"), db_index=True)
    producer_title = models.CharField(_("chủ thể"), max_length=255)
    producer_slug = models.SlugField(max_length=255, blank=True)
    method = models.CharField(_("hình thức nhận"), max_length=10, choices=Method.choices)
    fee = models.PositiveBigIntegerField(_("phí vận chuyển"), default=0)
    status = models.CharField(
        _("trạng thái"), max_length=12, choices=Status.choices, default=Status.PENDING
    )
    cod_collected_at = models.DateTimeField(_("đã thu tiền COD lúc"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("giao lúc"), null=True, blank=True, editable=False)
    # Who holds the cash collected on delivery: "" the producer, else the carrier's code.
    cod_collected_by = models.CharField(_("ai thu tiền COD"), max_length=20, blank=True)
    carrier = models.CharField(_("đơn vị vận chuyển"), max_length=60, blank=True)
    tracking_code = models.CharField(_("mã vận đơn"), max_length=60, blank=True)
    # The quote that priced the part at checkout, and the carrier shipment made from it.
    weight_grams = models.PositiveIntegerField(_("khối lượng (g)"), default=0)
    quoted_by = models.CharField(_("báo giá của"), max_length=20, blank=True)
    quote_note = models.CharField(_("ghi chú phí"), max_length=255, blank=True)
    days_min = models.PositiveSmallIntegerField(_("giao sớm nhất (ngày)"), null=True, blank=True)
    days_max = models.PositiveSmallIntegerField(_("giao muộn nhất (ngày)"), null=True, blank=True)
    carrier_code = models.CharField(_("mã hãng vận chuyển"), max_length=20, blank=True)
    carrier_fee = models.PositiveBigIntegerField(_("cước hãng thu"), null=True, blank=True)
    carrier_status = models.CharField(_("trạng thái vận đơn"), max_length=20, blank=True)
    carrier_status_at = models.DateTimeField(null=True, blank=True, editable=False)
    label_url = models.URLField(_("nhãn vận đơn"), max_length=500, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["producer_title", "pk"]
        verbose_name = _("phần đơn của chủ thể")
        constraints = [
            models.UniqueConstraint(
                fields=["order", "producer_id"], name="shop_one_part_per_producer"
            )
        ]

    def __str__(self):
        return f"{self.order.reference} · {self.producer_title}"

    @property
    def subtotal(self) -> int:
        return sum(line.line_total for line in self.lines.all())

    @property
    def total(self) -> int:
        return self.subtotal + self.fee

    @property
    def due_on_site(self) -> int:
        """What the buyer pays this producer on site (the rest after a deposit)."""
        return sum(line.due_on_site for line in self.lines.all())

    @property
    def tracking_url(self) -> str:
        from .delivery import get_carrier

        carrier = get_carrier(self.carrier_code)
        return carrier.tracking_url(self.tracking_code) if carrier and self.tracking_code else ""

    @property
    def carrier_status_label(self) -> str:
        from .delivery.base import STATUS_LABELS

        return str(STATUS_LABELS.get(self.carrier_status, ""))


class ShipmentEvent(models.Model):
    """One carrier status notification for a part (webhook or tracking poll), kept once."""

    shipment = models.ForeignKey(OrderShipment, on_delete=models.CASCADE, related_name="events")
    carrier = models.CharField(max_length=20)
    event_id = models.CharField(max_length=64)
    status = models.CharField(_("trạng thái"), max_length=20)
    raw_status = models.CharField(max_length=40, blank=True)
    occurred_at = models.DateTimeField(_("lúc"))
    note = models.CharField(_("ghi chú"), max_length=255, blank=True)
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["occurred_at", "pk"]
        verbose_name = _("sự kiện vận đơn")
        constraints = [
            models.UniqueConstraint(fields=["carrier", "event_id"], name="shop_event_once")
        ]

    def __str__(self):
        return f"{self.carrier} {self.event_id}: {self.status}"

    @property
    def label(self) -> str:
        from .delivery.base import STATUS_LABELS

        return str(STATUS_LABELS.get(self.status, self.status))


class ProducerShipping(models.Model):
    """A producer's delivery settings: where carriers pick up and which carriers it accepts.
    Without a row, the producer's page address is the pickup and the fee table prices."""

    producer_id = models.PositiveIntegerField(_("mã chủ thể"), unique=True)
    pickup_commune = models.ForeignKey(
        "products.Commune",
        verbose_name=_("xã/phường lấy hàng"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    pickup_street = models.CharField(_("địa chỉ lấy hàng"), max_length=200, blank=True)
    pickup_phone = models.CharField(_("điện thoại lấy hàng"), max_length=15, blank=True)
    carriers = models.CharField(_("hãng vận chuyển nhận"), max_length=100, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("cài đặt giao hàng")

    def __str__(self):
        return f"{self.producer_id}: {self.carriers or '-'}"

    @property
    def carrier_codes(self) -> list[str]:
        return [c for c in self.carriers.split(",") if c]


class OrderLine(models.Model):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines")
    shipment = models.ForeignKey(OrderShipment, on_delete=models.CASCADE, related_name="lines")
    sku = models.CharField(_("mã SKU"), max_length=64)
    title = models.CharField(_("sản phẩm"), max_length=255)
    variant_label = models.CharField(_("quy cách"), max_length=100)
    unit_price = models.PositiveBigIntegerField(_("đơn giá"))
    quantity = models.PositiveIntegerField(_("số lượng"))
    # The product page the line was bought from (for reviews); None on lines placed before it
    # was recorded, which fall back to their SKU.
    product_id = models.PositiveIntegerField(_("mã sản phẩm"), null=True, blank=True)
    # Of the line's total, what is paid on site (an experience booked with a deposit).
    due_on_site = models.PositiveBigIntegerField(_("trả tại chỗ"), default=0)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("dòng đơn hàng")

    def __str__(self):
        return f"{self.quantity} × {self.title} ({self.variant_label})"

    @property
    def line_total(self) -> int:
        return self.unit_price * self.quantity

    @property
    def due_now(self) -> int:
        return self.line_total - self.due_on_site


class OrderStatusChange(models.Model):
    """Every status change of an order or of one producer's part: who, when, from → to, why."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="history")
    shipment = models.ForeignKey(
        OrderShipment, null=True, blank=True, on_delete=models.CASCADE, related_name="history"
    )
    old_status = models.CharField(max_length=20, blank=True)
    new_status = models.CharField(max_length=20)
    note = models.CharField(max_length=255, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("lịch sử trạng thái")

    def __str__(self):
        return f"{self.order_id}: {self.old_status} → {self.new_status}"

    @staticmethod
    def _label(value: str, part: bool) -> str:
        choices = OrderShipment.Status if part else Order.Status
        try:
            return str(choices(value).label)
        except ValueError:
            return value

    @property
    def new_status_display(self) -> str:
        return self._label(self.new_status, self.shipment_id is not None)

    @property
    def old_status_display(self) -> str:
        return self._label(self.old_status, self.shipment_id is not None) if self.old_status else ""


class StripeEvent(models.Model):
    """A processed Stripe webhook event: stored in the same transaction as the order change, so a
    replayed event is a no-op."""

    event_id = models.CharField(max_length=255, unique=True)
    type = models.CharField(max_length=100)
    order = models.ForeignKey(Order, null=True, blank=True, on_delete=models.SET_NULL)
    received_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return self.event_id


class CartLine(models.Model):
    """A signed-in buyer's cart (anonymous carts live in the session)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="cart_lines"
    )
    sku = models.CharField(max_length=64)
    quantity = models.PositiveIntegerField()
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["user", "sku"], name="shop_cart_one_line_per_sku")
        ]

    def __str__(self):
        return f"{self.user_id}: {self.quantity} × {self.sku}"


class BankTransaction(models.Model):
    """One bank-transaction notification (SePay-style bank hook), stored once per transaction
    id. Only an exact, in-time payment of an open bank-transfer order is applied; everything
    else is kept here for an officer to resolve."""

    class Outcome(models.TextChoices):
        PAID = "paid", _("Đã ghi nhận thanh toán đơn")
        PARTIAL = "partial", _("Thiếu tiền")
        OVERPAID = "overpaid", _("Thừa tiền")
        UNKNOWN = "unknown", _("Không tìm thấy mã đơn")
        CANCELLED = "cancelled", _("Đơn đã hủy")
        ALREADY_PAID = "already_paid", _("Đơn đã thanh toán trước đó")
        NOT_TRANSFER = "not_transfer", _("Đơn không thanh toán bằng chuyển khoản")
        OUTGOING = "outgoing", _("Tiền ra (không xét)")

    transaction_id = models.CharField(_("mã giao dịch"), max_length=64, unique=True)
    gateway = models.CharField(_("ngân hàng"), max_length=60, blank=True)
    account_number = models.CharField(_("số tài khoản"), max_length=40, blank=True)
    transfer_type = models.CharField(max_length=3)
    amount = models.BigIntegerField(_("số tiền"))
    content = models.CharField(_("nội dung"), max_length=500, blank=True)
    reference_code = models.CharField(_("mã tham chiếu"), max_length=100, blank=True)
    transaction_date = models.CharField(_("thời điểm (ngân hàng)"), max_length=40, blank=True)
    order = models.ForeignKey(
        Order, null=True, blank=True, on_delete=models.SET_NULL, related_name="bank_transactions"
    )
    outcome = models.CharField(_("kết quả"), max_length=20, choices=Outcome.choices)
    resolved_at = models.DateTimeField(_("đã xử lý lúc"), null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    resolution_note = models.CharField(_("ghi chú xử lý"), max_length=255, blank=True)
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-received_at", "-pk"]
        verbose_name = _("giao dịch ngân hàng")

    def __str__(self):
        return f"{self.transaction_id}: {self.amount} ({self.outcome})"

    @property
    def needs_officer(self) -> bool:
        return (
            self.outcome not in (self.Outcome.PAID, self.Outcome.OUTGOING) and not self.resolved_at
        )


class AppendOnly(models.Model):
    """Rows that are written once and never changed or deleted (the ledger)."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.pk is not None and not self._state.adding:
            raise ValueError("ledger rows are append-only: post a reversal instead")
        return super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("ledger rows are append-only: post a reversal instead")


class LedgerTransaction(AppendOnly):
    """One balanced set of ledger entries (a sale, its reversal, a payout). `key` makes posting
    idempotent: the same event can never be booked twice."""

    key = models.CharField(max_length=100, unique=True)
    kind = models.CharField(max_length=20)
    order = models.ForeignKey(
        Order, null=True, blank=True, on_delete=models.PROTECT, related_name="ledger_transactions"
    )
    shipment = models.ForeignKey(
        OrderShipment, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    memo = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("bút toán")

    def __str__(self):
        return self.key

    KIND_LABELS = {
        "sale": _("Bán hàng"),
        "reversal": _("Hoàn tiền"),
        "payout": _("Chi trả"),
    }

    def get_kind_label(self) -> str:
        return str(self.KIND_LABELS.get(self.kind, self.kind))


class LedgerEntry(AppendOnly):
    """One line of a ledger transaction, in whole đồng: positive = debit, negative = credit.
    Accounts: "producer:<id>" (negative balance = owed to the producer), "cash:<method>",
    "commission", "tax:vat", "tax:pit", "delivery"."""

    transaction = models.ForeignKey(
        LedgerTransaction, on_delete=models.PROTECT, related_name="entries"
    )
    account = models.CharField(max_length=40, db_index=True)
    amount = models.BigIntegerField()

    class Meta:
        ordering = ["pk"]
        verbose_name = _("dòng bút toán")

    def __str__(self):
        return f"{self.account} {self.amount:+d}"


class PayoutBatch(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("Chờ chuyển khoản")
        PAID = "paid", _("Đã chuyển")

    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    bank_reference = models.CharField(_("mã giao dịch ngân hàng"), max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    paid_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("đợt chi trả")

    def __str__(self):
        return f"#{self.pk} ({self.status})"


class PayoutLine(models.Model):
    batch = models.ForeignKey(PayoutBatch, on_delete=models.CASCADE, related_name="lines")
    producer_id = models.PositiveIntegerField(db_index=True)
    producer_title = models.CharField(max_length=255)
    amount = models.PositiveBigIntegerField()

    class Meta:
        ordering = ["producer_title", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["batch", "producer_id"], name="shop_one_line_per_producer"
            )
        ]

    def __str__(self):
        return f"{self.producer_title}: {self.amount}"


def private_storage():
    """settings.STORAGES["private"]: PRIVATE_MEDIA_ROOT, or a private bucket (cms/storage.py)."""
    from cms.storage import private_storage as configured

    return configured()


def _private_photo_path(folder: str, filename: str) -> str:
    """A random, unguessable name in `folder` of the private storage, keeping the extension."""
    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else "jpg"
    return f"{folder}/{secrets.token_hex(8)}.{ext[:5]}"


def _return_photo_path(instance, filename):
    return _private_photo_path(f"returns/{instance.request.order.reference}", filename)


class ReturnRequest(models.Model):
    """A buyer's return or complaint about lines of one producer's part (shop/returns.py)."""

    class Status(models.TextChoices):
        OPEN = "open", _("Chờ người bán trả lời")
        ESCALATED = "escalated", _("Cán bộ sàn đang xem xét")
        ACCEPTED = "accepted", _("Đã chấp nhận")
        REJECTED = "rejected", _("Không chấp nhận")
        CLOSED = "closed", _("Đã hoàn tất")

    class Reason(models.TextChoices):
        DAMAGED = "damaged", _("Hàng hư hỏng, vỡ khi vận chuyển")
        WRONG = "wrong", _("Giao sai sản phẩm hoặc quy cách")
        NOT_AS_DESCRIBED = "not_as_described", _("Không đúng mô tả")
        MISSING = "missing", _("Thiếu hàng")
        QUALITY = "quality", _("Chất lượng kém, hết hạn sử dụng")
        OTHER = "other", _("Lý do khác")

    class Outcome(models.TextChoices):
        REFUND = "refund", _("Hoàn tiền")
        EXCHANGE = "exchange", _("Đổi hàng")

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="returns")
    shipment = models.ForeignKey(OrderShipment, on_delete=models.CASCADE, related_name="returns")
    status = models.CharField(
        _("trạng thái"), max_length=12, choices=Status.choices, default=Status.OPEN
    )
    reason = models.CharField(_("lý do"), max_length=20, choices=Reason.choices)
    details = models.TextField(_("mô tả"), max_length=2000)
    wanted = models.CharField(_("mong muốn"), max_length=10, choices=Outcome.choices)
    answer_due_at = models.DateTimeField(_("người bán trả lời trước"))
    decision = models.CharField(_("kết quả"), max_length=10, choices=Outcome.choices, blank=True)
    refund_amount = models.PositiveBigIntegerField(_("số tiền hoàn"), default=0)
    refund_reference = models.CharField(_("mã hoàn tiền"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("gửi lúc"), auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("yêu cầu đổi trả")
        verbose_name_plural = _("yêu cầu đổi trả")

    def __str__(self):
        return f"{self.order.reference} · {self.get_reason_display()}"

    @property
    def value(self) -> int:
        """What the returned lines cost the buyer."""
        return sum(line.value for line in self.lines.all())


class ReturnLine(models.Model):
    request = models.ForeignKey(ReturnRequest, on_delete=models.CASCADE, related_name="lines")
    line = models.ForeignKey(OrderLine, on_delete=models.PROTECT, related_name="returns")
    quantity = models.PositiveIntegerField(_("số lượng"))

    class Meta:
        verbose_name = _("dòng đổi trả")

    def __str__(self):
        return f"{self.quantity} × {self.line_id}"

    @property
    def value(self) -> int:
        return self.line.unit_price * self.quantity


class ReturnPhoto(models.Model):
    request = models.ForeignKey(ReturnRequest, on_delete=models.CASCADE, related_name="photos")
    file = models.FileField(upload_to=_return_photo_path, storage=private_storage)
    content_type = models.CharField(max_length=40)

    class Meta:
        verbose_name = _("ảnh đổi trả")

    def __str__(self):
        return self.file.name


class ReturnEvent(models.Model):
    """Every step of a return: who (buyer, producer, officer, system), when, what, why."""

    ROLES = {
        "buyer": _("Người mua"),
        "producer": _("Người bán"),
        "officer": _("Cán bộ sàn"),
        "system": _("Hệ thống"),
    }

    request = models.ForeignKey(ReturnRequest, on_delete=models.CASCADE, related_name="events")
    role = models.CharField(max_length=10)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    action = models.CharField(max_length=20)
    note = models.CharField(max_length=1000, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"{self.request_id} {self.action}"

    @property
    def role_label(self) -> str:
        return str(self.ROLES.get(self.role, self.role))


def _review_photo_path(instance, filename):
    return _private_photo_path(f"reviews/{instance.review.product_id}", filename)


class Review(models.Model):
    """A verified buyer's review of one delivered order line (shop/reviews.py holds the rules)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Chờ kiểm duyệt")
        PUBLISHED = "published", _("Đã đăng")
        HIDDEN = "hidden", _("Đã ẩn")

    line = models.OneToOneField(OrderLine, on_delete=models.CASCADE, related_name="review")
    product_id = models.PositiveIntegerField(_("mã sản phẩm"), db_index=True)
    producer_id = models.PositiveIntegerField(_("mã chủ thể"), db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    author_name = models.CharField(_("tên hiển thị"), max_length=60)
    rating = models.PositiveSmallIntegerField(_("số sao"))
    text = models.TextField(_("nhận xét"), max_length=2000)
    language = models.CharField(max_length=10, default="vi")
    status = models.CharField(
        _("trạng thái"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    moderation_reason = models.CharField(_("lý do kiểm duyệt"), max_length=255, blank=True)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    moderated_at = models.DateTimeField(_("kiểm duyệt lúc"), null=True, blank=True)
    reply = models.TextField(_("người bán trả lời"), max_length=2000, blank=True)
    reply_at = models.DateTimeField(_("trả lời lúc"), null=True, blank=True)
    reply_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("gửi lúc"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("đánh giá")
        verbose_name_plural = _("đánh giá")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(rating__gte=1, rating__lte=5), name="review_rating_1_to_5"
            )
        ]
        indexes = [models.Index(fields=["product_id", "status"])]

    def __str__(self):
        return f"{self.rating}★ {self.line.title}"


class ReviewPhoto(models.Model):
    """Kept in private storage; served only while its review is published (or to officers)."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="photos")
    file = models.FileField(upload_to=_review_photo_path, storage=private_storage)
    content_type = models.CharField(max_length=40)

    class Meta:
        verbose_name = _("ảnh đánh giá")

    def __str__(self):
        return self.file.name


class DataRequest(models.Model):
    """A data subject's request under the Personal Data Protection Law: a copy of their data or
    its erasure — who asked, for what, when and what was done (kept as the controller's proof)."""

    class Kind(models.TextChoices):
        EXPORT = "export", _("Tải dữ liệu")
        DELETE = "delete", _("Xóa dữ liệu")

    class Status(models.TextChoices):
        PENDING = "pending", _("Chờ xác nhận")
        DONE = "done", _("Đã thực hiện")
        REFUSED = "refused", _("Chưa thể thực hiện")

    kind = models.CharField(_("loại yêu cầu"), max_length=10, choices=Kind.choices)
    status = models.CharField(
        _("trạng thái"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # For a guest: the order reference the request was verified against (with its phone).
    reference = models.CharField(_("mã đơn"), max_length=20, blank=True)
    note = models.CharField(_("ghi chú"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("gửi lúc"), auto_now_add=True)
    completed_at = models.DateTimeField(_("thực hiện lúc"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("yêu cầu về dữ liệu cá nhân")
        verbose_name_plural = _("yêu cầu về dữ liệu cá nhân")

    def __str__(self):
        return f"{self.get_kind_display()} · {self.created_at:%Y-%m-%d}"


class RestockAlert(models.Model):
    """ "Báo khi có hàng": a buyer's wish to be told by e-mail when a sold-out variant is back.

    Double opt-in: the row is made unconfirmed and a signed link is e-mailed; only confirmed
    alerts are served (shop/restock.py). One alert per SKU and address; it is deleted once its
    e-mail has gone out, or by the unsubscribe link (which removes every alert of the address).
    """

    sku = models.CharField(_("mã SKU"), max_length=64, db_index=True)
    email = models.EmailField(_("email"))
    language = models.CharField(_("ngôn ngữ"), max_length=8, default="vi")
    # The account holder who asked while signed in (their data export and erasure include it).
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="restock_alerts",
    )
    created_at = models.DateTimeField(_("đăng ký lúc"), auto_now_add=True)
    consented_at = models.DateTimeField(_("đồng ý lúc"))
    confirmation_sent_at = models.DateTimeField(_("gửi thư xác nhận lúc"), null=True, blank=True)
    confirmed_at = models.DateTimeField(_("xác nhận lúc"), null=True, blank=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("đăng ký báo khi có hàng")
        verbose_name_plural = _("đăng ký báo khi có hàng")
        constraints = [
            models.UniqueConstraint(fields=["sku", "email"], name="shop_restock_one_per_address")
        ]

    def __str__(self):
        return f"{self.sku} · #{self.pk}"


class SavedAddress(models.Model):
    """An account holder's delivery address, offered at checkout (one may be the default)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_addresses"
    )
    recipient = models.CharField(_("người nhận"), max_length=100)
    phone = models.CharField(_("điện thoại"), max_length=20)
    commune = models.ForeignKey(
        "products.Commune", verbose_name=_("xã/phường"), on_delete=models.PROTECT, related_name="+"
    )
    street = models.CharField(_("số nhà, đường/thôn"), max_length=200)
    is_default = models.BooleanField(_("mặc định"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    MAX_PER_USER = 10

    class Meta:
        ordering = ["-is_default", "-updated_at", "-pk"]
        verbose_name = _("địa chỉ đã lưu")
        verbose_name_plural = _("địa chỉ đã lưu")
        constraints = [
            models.UniqueConstraint(
                fields=["user"],
                condition=models.Q(is_default=True),
                name="shop_one_default_address",
            )
        ]

    def __str__(self):
        return f"{self.recipient}, {self.street}"

    @property
    def one_line(self) -> str:
        return f"{self.street}, {self.commune.full_name}"
