"""VietQR bank transfer details for an order: the payload, its QR (SVG) and the same as text."""

import datetime

from django.conf import settings
from django.utils.safestring import mark_safe

from products.banks import bank_name

from .vietqr import build_payload, qr_svg


def transfer_details(order) -> dict:
    payload = build_payload(
        bank_bin=settings.VIETQR_BANK_BIN,
        account=settings.VIETQR_ACCOUNT,
        amount=int(order.due_now),
        reference=order.reference,
    )
    return {
        "payload": payload,
        "svg": mark_safe(qr_svg(payload, scale=4, title=f"VietQR {order.reference}")),
        "bank_bin": settings.VIETQR_BANK_BIN,
        "bank_name": bank_name(settings.VIETQR_BANK_BIN),
        "deadline": order.created_at + datetime.timedelta(hours=settings.SHOP_TRANSFER_HOLD_HOURS),
        "account": settings.VIETQR_ACCOUNT,
        "account_name": settings.VIETQR_ACCOUNT_NAME,
        "amount": int(order.due_now),
        "reference": order.reference,
    }
