"""VietQR (NAPAS 247) payload builder / parser.

Implements the EMVCo merchant-presented QR format as profiled by NAPAS for
"VietQR" inter-bank transfers (service ``QRIBFTTA`` = to account,
``QRIBFTTC`` = to card).  Pure Python, no Django imports; ``segno`` is only
needed for :func:`qr_svg`.

Payload layout produced by :func:`build_payload`::

    00 Payload format indicator   "01"
    01 Point of initiation        "12" (dynamic) / "11" (static)
    38 Merchant account info
       00 GUID                    "A000000727"
       01 Beneficiary organisation
          00 Acquirer / bank BIN  6 digits
          01 Account / card no.   1-19 alphanumerics
       02 Service code            "QRIBFTTA" / "QRIBFTTC"
    53 Currency                   "704" (VND)
    54 Amount                     whole dong, digits only (optional when static)
    58 Country                    "VN"
    62 Additional data
       08 Purpose / reference     ASCII, <= 25 chars
    63 CRC                        CRC-16/CCITT-FALSE over everything incl. "6304"

All validation failures raise :class:`VietQRError` (a ``ValueError``) with a
Vietnamese message suitable for showing to staff / customers.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = [
    "COUNTRY_VN",
    "CURRENCY_VND",
    "NAPAS_GUID",
    "SERVICE_TO_ACCOUNT",
    "SERVICE_TO_CARD",
    "VietQRError",
    "build_payload",
    "crc16_ccitt",
    "fold_reference",
    "iter_tlv",
    "parse_payload",
    "parse_tlv",
    "qr_svg",
    "tlv",
    "verify_crc",
]

NAPAS_GUID = "A000000727"
SERVICE_TO_ACCOUNT = "QRIBFTTA"
SERVICE_TO_CARD = "QRIBFTTC"
SERVICES = (SERVICE_TO_ACCOUNT, SERVICE_TO_CARD)
CURRENCY_VND = "704"
COUNTRY_VN = "VN"

POI_STATIC = "11"
POI_DYNAMIC = "12"

MAX_REFERENCE_LENGTH = 25
MAX_AMOUNT_LENGTH = 13

# Top-level IDs whose value is itself a TLV template (and nested templates
# inside those) that :func:`parse_tlv` decodes recursively.
_NESTED_TEMPLATES: dict[str, dict] = {
    "38": {"01": {}},  # merchant account info -> beneficiary organisation
    "62": {},  # additional data field template
}

_ID_CRC = "63"
_CRC_PREFIX = "6304"

_BIN_RE = re.compile(r"[0-9]{6}")
_ACCOUNT_RE = re.compile(r"[0-9A-Za-z]{1,19}")
_CARD_RE = re.compile(r"[0-9]{1,19}")
_AMOUNT_RE = re.compile(r"([0-9]+)(?:\.(0*))?")
_PRINTABLE_ASCII_RE = re.compile(r"[\x20-\x7e]*")

# Letters that do not decompose under NFD and so need explicit folding.
_EXTRA_FOLD = str.maketrans({"đ": "d", "Đ": "D"})


class VietQRError(ValueError):
    """Invalid VietQR input or malformed / corrupted payload."""


# --------------------------------------------------------------------------
# CRC
# --------------------------------------------------------------------------


def crc16_ccitt(data: bytes) -> int:
    """CRC-16/CCITT-FALSE (poly 0x1021, init 0xFFFF, no reflection, no xorout)."""
    crc = 0xFFFF
    for byte in data:
        crc ^= byte << 8
        for _ in range(8):
            if crc & 0x8000:
                crc = ((crc << 1) ^ 0x1021) & 0xFFFF
            else:
                crc = (crc << 1) & 0xFFFF
    return crc


def _crc_hex(text: str) -> str:
    return f"{crc16_ccitt(text.encode('utf-8')):04X}"


def verify_crc(payload: str) -> None:
    """Raise :class:`VietQRError` unless *payload* ends with a correct ``6304XXXX`` CRC."""
    if not isinstance(payload, str):
        raise VietQRError("Dữ liệu QR phải là chuỗi ký tự.")
    if len(payload) < 8 or payload[-8:-4] != _CRC_PREFIX:
        raise VietQRError("Dữ liệu QR thiếu trường mã kiểm tra CRC (63) ở cuối.")
    received = payload[-4:]
    if not re.fullmatch(r"[0-9A-Fa-f]{4}", received):
        raise VietQRError(f"Mã kiểm tra CRC không hợp lệ: {received!r}.")
    expected = _crc_hex(payload[:-4])
    if received.upper() != expected:
        raise VietQRError(
            f"Mã kiểm tra CRC không khớp (tính được {expected}, trong mã QR là {received})."
        )


# --------------------------------------------------------------------------
# TLV helpers
# --------------------------------------------------------------------------


def _normalize_id(tag: int | str) -> str:
    if isinstance(tag, bool):
        raise VietQRError(f"Mã trường (ID) không hợp lệ: {tag!r}.")
    if isinstance(tag, int):
        if not 0 <= tag <= 99:
            raise VietQRError(f"Mã trường (ID) phải nằm trong khoảng 00-99: {tag!r}.")
        return f"{tag:02d}"
    if isinstance(tag, str) and re.fullmatch(r"[0-9]{2}", tag):
        return tag
    raise VietQRError(f"Mã trường (ID) phải gồm 2 chữ số: {tag!r}.")


def tlv(tag: int | str, value: str) -> str:
    """Encode one EMVCo data object: 2-digit ID + 2-digit length + value.

    The length counts characters; values must be 1-99 characters long.
    """
    tag = _normalize_id(tag)
    if not isinstance(value, str):
        raise VietQRError(f"Giá trị của trường {tag} phải là chuỗi ký tự.")
    if not 1 <= len(value) <= 99:
        raise VietQRError(
            f"Giá trị của trường {tag} phải dài từ 1 đến 99 ký tự (hiện tại {len(value)})."
        )
    return f"{tag}{len(value):02d}{value}"


def iter_tlv(payload: str) -> list[tuple[str, str]]:
    """Split a flat TLV string into ``[(id, value), ...]`` (no nesting, no CRC check)."""
    if not isinstance(payload, str):
        raise VietQRError("Dữ liệu QR phải là chuỗi ký tự.")
    items: list[tuple[str, str]] = []
    pos = 0
    end = len(payload)
    while pos < end:
        header = payload[pos : pos + 4]
        if len(header) < 4:
            raise VietQRError(
                f"Dữ liệu QR bị cắt cụt: thiếu phần đầu trường tại vị trí {pos} ({header!r})."
            )
        tag, length_text = header[:2], header[2:]
        if not re.fullmatch(r"[0-9]{2}", tag):
            raise VietQRError(f"Mã trường không hợp lệ {tag!r} tại vị trí {pos}.")
        if not re.fullmatch(r"[0-9]{2}", length_text):
            raise VietQRError(f"Độ dài trường {tag} không hợp lệ: {length_text!r}.")
        length = int(length_text)
        start = pos + 4
        if start + length > end:
            raise VietQRError(
                f"Dữ liệu QR bị cắt cụt: trường {tag} khai báo {length} ký tự "
                f"nhưng chỉ còn {end - start}."
            )
        items.append((tag, payload[start : start + length]))
        pos = start + length
    return items


def _parse_level(payload: str, nested: dict[str, dict], path: str) -> dict[str, str | dict]:
    result: dict[str, str | dict] = {}
    for tag, value in iter_tlv(payload):
        if tag in result:
            raise VietQRError(f"Trường {path}{tag} bị lặp lại trong dữ liệu QR.")
        if tag in nested:
            try:
                result[tag] = _parse_level(value, nested[tag], f"{path}{tag}.")
            except VietQRError as exc:
                raise VietQRError(f"Trường {path}{tag} không hợp lệ: {exc}") from exc
        else:
            result[tag] = value
    return result


def parse_tlv(payload: str) -> dict[str, str | dict]:
    """Decode a TLV payload into ``{id: value}``.

    Templates 38 (merchant account info, including its sub-template 01) and
    62 (additional data) are decoded recursively into nested dicts.  Raises
    :class:`VietQRError` on malformed/truncated data or duplicate IDs.  The
    CRC is *not* checked here; see :func:`verify_crc` / :func:`parse_payload`.
    """
    return _parse_level(payload, _NESTED_TEMPLATES, "")


# --------------------------------------------------------------------------
# Input normalisation / validation
# --------------------------------------------------------------------------


def fold_reference(text: str) -> str:
    """Strip Vietnamese diacritics (incl. đ/Đ → d/D) and surrounding whitespace.

    >>> fold_reference("Thanh toán đơn hàng")
    'Thanh toan don hang'
    """
    if not isinstance(text, str):
        raise VietQRError("Nội dung chuyển khoản phải là chuỗi ký tự.")
    decomposed = unicodedata.normalize("NFD", text.translate(_EXTRA_FOLD))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return unicodedata.normalize("NFC", stripped).strip()


def _clean_reference(reference: str) -> str:
    folded = fold_reference(reference)
    if not folded:
        raise VietQRError("Nội dung chuyển khoản không được để trống.")
    if not _PRINTABLE_ASCII_RE.fullmatch(folded):
        bad = "".join(sorted({ch for ch in folded if not " " <= ch <= "~"}))
        raise VietQRError(
            "Nội dung chuyển khoản chỉ được chứa ký tự ASCII (không dấu); "
            f"ký tự không hợp lệ: {bad!r}."
        )
    if len(folded) > MAX_REFERENCE_LENGTH:
        raise VietQRError(
            f"Nội dung chuyển khoản tối đa {MAX_REFERENCE_LENGTH} ký tự "
            f"(sau khi bỏ dấu hiện có {len(folded)} ký tự)."
        )
    return folded


def _clean_amount(amount: int | None, *, dynamic: bool) -> str | None:
    if amount is None:
        if dynamic:
            raise VietQRError("Mã QR động (có số tiền) bắt buộc phải có số tiền.")
        return None
    if isinstance(amount, bool) or not isinstance(amount, int):
        raise VietQRError("Số tiền phải là số nguyên (đồng), không có phần thập phân.")
    if amount <= 0:
        raise VietQRError("Số tiền phải lớn hơn 0 đồng.")
    text = str(amount)
    if len(text) > MAX_AMOUNT_LENGTH:
        raise VietQRError(f"Số tiền quá lớn (tối đa {MAX_AMOUNT_LENGTH} chữ số).")
    return text


# --------------------------------------------------------------------------
# Build / parse
# --------------------------------------------------------------------------


def build_payload(
    *,
    bank_bin: str,
    account: str,
    amount: int | None,
    reference: str,
    dynamic: bool = True,
    service: str = SERVICE_TO_ACCOUNT,
) -> str:
    """Build a VietQR payload string (CRC included).

    ``dynamic=True`` emits point of initiation "12" and requires an amount;
    ``dynamic=False`` emits "11" and the amount is optional (real-world static
    codes sometimes still carry a pre-filled amount).  The reference has its
    Vietnamese diacritics removed and must then be 1-25 printable ASCII chars.
    """
    if not isinstance(bank_bin, str) or not _BIN_RE.fullmatch(bank_bin):
        raise VietQRError("Mã BIN ngân hàng phải gồm đúng 6 chữ số.")
    if service not in SERVICES:
        raise VietQRError(
            f"Mã dịch vụ không hợp lệ: {service!r} "
            f"(chỉ hỗ trợ {SERVICE_TO_ACCOUNT}: tới tài khoản, {SERVICE_TO_CARD}: tới thẻ)."
        )
    if service == SERVICE_TO_CARD:
        if not isinstance(account, str) or not _CARD_RE.fullmatch(account):
            raise VietQRError("Số thẻ phải gồm từ 1 đến 19 chữ số.")
    elif not isinstance(account, str) or not _ACCOUNT_RE.fullmatch(account):
        raise VietQRError(
            "Số tài khoản phải gồm từ 1 đến 19 ký tự, chỉ gồm chữ số và chữ cái không dấu."
        )
    amount_text = _clean_amount(amount, dynamic=dynamic)
    ref = _clean_reference(reference)

    beneficiary = tlv("00", bank_bin) + tlv("01", account)
    merchant_info = tlv("00", NAPAS_GUID) + tlv("01", beneficiary) + tlv("02", service)
    parts = [
        tlv("00", "01"),
        tlv("01", POI_DYNAMIC if dynamic else POI_STATIC),
        tlv("38", merchant_info),
        tlv("53", CURRENCY_VND),
    ]
    if amount_text is not None:
        parts.append(tlv("54", amount_text))
    parts.append(tlv("58", COUNTRY_VN))
    parts.append(tlv("62", tlv("08", ref)))
    body = "".join(parts) + _CRC_PREFIX
    return body + _crc_hex(body)


def _parse_amount(text: str | None) -> int | None:
    if text is None:
        return None
    match = _AMOUNT_RE.fullmatch(text)
    if not match or len(text) > MAX_AMOUNT_LENGTH:
        raise VietQRError(f"Số tiền trong mã QR không hợp lệ: {text!r}.")
    if match.group(2) is not None and text.endswith("."):
        raise VietQRError(f"Số tiền trong mã QR không hợp lệ: {text!r}.")
    value = int(match.group(1))
    if value <= 0:
        raise VietQRError(f"Số tiền trong mã QR phải lớn hơn 0: {text!r}.")
    return value


def parse_payload(payload: str) -> dict:
    """Parse and validate a VietQR payload (CRC verified).

    Returns a dict with keys ``bank_bin``, ``account``, ``amount`` (int or
    None), ``reference`` (str or None), ``currency``, ``country``,
    ``service`` and ``dynamic`` (bool).
    """
    verify_crc(payload)
    items = iter_tlv(payload)
    if not items or items[0][0] != "00":
        raise VietQRError("Trường 00 (Payload Format Indicator) phải đứng đầu mã QR.")
    if items[-1][0] != _ID_CRC:
        raise VietQRError("Trường 63 (CRC) phải đứng cuối mã QR.")
    fields = parse_tlv(payload)

    if fields.get("00") != "01":
        raise VietQRError(f"Phiên bản định dạng mã QR không được hỗ trợ: {fields.get('00')!r}.")
    poi = fields.get("01")
    if poi not in (POI_STATIC, POI_DYNAMIC, None):
        raise VietQRError(f"Trường 01 (Point of Initiation) không hợp lệ: {poi!r}.")

    merchant = fields.get("38")
    if not isinstance(merchant, dict):
        raise VietQRError("Mã QR thiếu thông tin người nhận (trường 38).")
    if merchant.get("00") != NAPAS_GUID:
        raise VietQRError(
            f"Không phải mã VietQR của NAPAS (GUID {merchant.get('00')!r}, cần {NAPAS_GUID})."
        )
    beneficiary = merchant.get("01")
    if not isinstance(beneficiary, dict):
        raise VietQRError("Mã QR thiếu thông tin ngân hàng / tài khoản (trường 38.01).")
    bank_bin = beneficiary.get("00")
    account = beneficiary.get("01")
    if not bank_bin or not _BIN_RE.fullmatch(bank_bin):
        raise VietQRError(f"Mã BIN ngân hàng trong mã QR không hợp lệ: {bank_bin!r}.")
    if not account or not _ACCOUNT_RE.fullmatch(account):
        raise VietQRError(f"Số tài khoản / số thẻ trong mã QR không hợp lệ: {account!r}.")
    service = merchant.get("02")
    if service is not None and service not in SERVICES:
        raise VietQRError(f"Mã dịch vụ trong mã QR không được hỗ trợ: {service!r}.")

    currency = fields.get("53")
    if currency != CURRENCY_VND:
        raise VietQRError(f"Mã QR phải dùng đơn vị tiền VND (704), nhận được {currency!r}.")
    country = fields.get("58")
    if country is not None and country != COUNTRY_VN:
        raise VietQRError(f"Mã quốc gia trong mã QR phải là VN, nhận được {country!r}.")

    additional = fields.get("62")
    if additional is not None and not isinstance(additional, dict):  # pragma: no cover
        raise VietQRError("Trường 62 (thông tin bổ sung) không hợp lệ.")
    reference = additional.get("08") if additional else None

    return {
        "bank_bin": bank_bin,
        "account": account,
        "amount": _parse_amount(fields.get("54")),
        "reference": reference,
        "currency": currency,
        "country": country,
        "service": service,
        "dynamic": poi == POI_DYNAMIC,
    }


# --------------------------------------------------------------------------
# Rendering
# --------------------------------------------------------------------------


def qr_svg(
    payload: str,
    scale: float = 4,
    *,
    border: int = 4,
    dark: str = "#000",
    light: str | None = "#fff",
    title: str | None = None,
) -> str:
    """Render *payload* as an inline-able SVG string (error correction level M).

    No XML declaration, no ``xmlns`` and no trailing newline are emitted (the
    output of ``segno``'s ``svg_inline``), so the markup can be dropped straight
    into an HTML template (mark it safe).  It is still well-formed XML.
    """
    import segno  # local import: only rendering needs the dependency

    if not isinstance(payload, str) or not payload:
        raise VietQRError("Không có dữ liệu để tạo mã QR.")
    qr = segno.make(payload, error="m", boost_error=False, micro=False)
    return qr.svg_inline(
        scale=scale,
        border=border,
        dark=dark,
        light=light,
        title=title,
    )
