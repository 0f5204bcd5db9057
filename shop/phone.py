"""Vietnamese phone numbers: accept +84 / 84 / 0 forms with spaces, dots or dashes.

Stored as 0xxxxxxxxx (mobile) or 02xxxxxxxxx (landline)."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# Mobile: 10 digits, networks 03x, 05x, 07x, 08x, 09x. Landline: 02 + area code + subscriber,
# 11 digits (Hà Nội: 024 xxxx xxxx).
MOBILE_RE = re.compile(r"0[35789][0-9]{8}")
LANDLINE_RE = re.compile(r"02[0-9]{9}")


def normalise_phone(text: str) -> str:
    raw = (text or "").strip()
    digits = re.sub(r"[\s.\-()]", "", raw)
    if digits.startswith("+84"):
        digits = "0" + digits[3:]
    elif digits.startswith("84") and len(digits) in (11, 12):
        digits = "0" + digits[2:]
    if not digits.isdigit() or not (MOBILE_RE.fullmatch(digits) or LANDLINE_RE.fullmatch(digits)):
        raise ValidationError(
            _(
                "Số điện thoại không hợp lệ. Nhập số di động 10 chữ số (ví dụ 0912 345 678) "
                "hoặc số cố định có mã vùng (ví dụ 024 3825 1234)."
            ),
            code="phone",
        )
    return digits
