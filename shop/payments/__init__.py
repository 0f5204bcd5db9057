"""Payment methods behind one small interface.

Each method has a `code`, a `label`, `available()`, the order status an order starts in, and
`start(order, request)`, which returns a URL to send the buyer to (Stripe Checkout) or None (the
order page shows what to do: nothing for COD, the VietQR code for a bank transfer).
"""

from django.utils.translation import gettext_lazy as _


class PaymentMethod:
    code = ""
    label = ""
    initial_status = "pending_payment"

    def available(self) -> bool:
        return True

    def start(self, order, request) -> str | None:
        return None


class CashOnDelivery(PaymentMethod):
    code = "cod"
    label = _("Thanh toán khi nhận hàng (COD)")
    initial_status = "processing"  # awaiting delivery; the producer marks its part paid


class BankTransfer(PaymentMethod):
    code = "vietqr"
    label = _("Chuyển khoản ngân hàng (VietQR)")
    initial_status = "pending_payment"  # the bank hook (or an officer) confirms receipt

    def available(self) -> bool:
        from django.conf import settings

        return settings.SHOP_BANK_TRANSFER_ENABLED

    def instructions(self, order) -> dict:
        from .bank import transfer_details

        return transfer_details(order)


class StripeCard(PaymentMethod):
    code = "stripe"
    label = _("Thẻ quốc tế (Stripe)")
    initial_status = "pending_payment"  # paid only by the signed webhook

    def available(self) -> bool:
        from django.conf import settings

        return bool(settings.STRIPE_SECRET_KEY)

    def start(self, order, request) -> str | None:
        from .stripe_gateway import checkout_session_for

        return checkout_session_for(order, request).url


METHODS: dict[str, PaymentMethod] = {
    m.code: m for m in (CashOnDelivery(), BankTransfer(), StripeCard())
}


def get_method(code: str) -> PaymentMethod | None:
    return METHODS.get(code)


def all_methods() -> list[PaymentMethod]:
    return list(METHODS.values())
