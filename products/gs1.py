"""GS1 identifiers: GTIN check digits (GTIN-8/12/13/14), the first piece of issue 19."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

GTIN_LENGTHS = (8, 12, 13, 14)


def gtin_check_digit(body: str) -> int:
    """The GS1 mod-10 check digit for the digits before it (weights 3,1,3,… from the right)."""
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(body)))
    return (10 - total % 10) % 10


def is_valid_gtin(value: str) -> bool:
    value = (value or "").strip()
    if not value.isascii() or not value.isdigit() or len(value) not in GTIN_LENGTHS:
        return False
    return gtin_check_digit(value[:-1]) == int(value[-1])


def normalise_gtin(value: str) -> str:
    """The GTIN-14 form used in GS1 Digital Link URIs (left-padded with zeros)."""
    return value.strip().zfill(14)


def validate_gtin(value: str) -> None:
    if not is_valid_gtin(value):
        raise ValidationError(
            _("Mã GTIN không hợp lệ: cần 8, 12, 13 hoặc 14 chữ số và chữ số kiểm tra đúng."),
            code="invalid_gtin",
        )
