"""Tests for shop.payments.vietqr (pure Python, no Django needed).

Run with: ``.venv/bin/pytest -p no:django tests/shop/test_vietqr.py``
"""

import xml.etree.ElementTree as ET

import pytest

from shop.payments import vietqr

NAPAS_GUID = vietqr.NAPAS_GUID
SERVICE_TO_ACCOUNT = vietqr.SERVICE_TO_ACCOUNT
SERVICE_TO_CARD = vietqr.SERVICE_TO_CARD
VietQRError = vietqr.VietQRError
build_payload = vietqr.build_payload
crc16_ccitt = vietqr.crc16_ccitt
fold_reference = vietqr.fold_reference
iter_tlv = vietqr.iter_tlv
parse_payload = vietqr.parse_payload
parse_tlv = vietqr.parse_tlv
qr_svg = vietqr.qr_svg
tlv = vietqr.tlv
verify_crc = vietqr.verify_crc

# Real-world VietQR payload (static POI "11" but with a pre-filled amount).
VECTOR = (
    "00020101021138540010A00000072701240006970407011003865776720208QRIBFTTA"
    "5303704540710000005802VN62160812henry an cut6304A322"
)


def _recrc(body_without_crc: str) -> str:
    body = body_without_crc + "6304"
    return body + f"{crc16_ccitt(body.encode()):04X}"


# --------------------------------------------------------------------------
# CRC
# --------------------------------------------------------------------------


def test_crc16_check_value():
    assert crc16_ccitt(b"123456789") == 0x29B1


def test_crc16_empty_is_init_value():
    assert crc16_ccitt(b"") == 0xFFFF


def test_vector_crc_verifies():
    assert crc16_ccitt(VECTOR[:-4].encode()) == 0xA322
    verify_crc(VECTOR)  # does not raise


def test_verify_crc_accepts_lowercase_hex():
    verify_crc(VECTOR[:-4] + "a322")


# --------------------------------------------------------------------------
# TLV
# --------------------------------------------------------------------------


def test_tlv_encoding():
    assert tlv("00", "01") == "000201"
    assert tlv(58, "VN") == "5802VN"
    assert tlv(8, "x" * 25) == "0825" + "x" * 25
    assert tlv("62", "y" * 99) == "6299" + "y" * 99


@pytest.mark.parametrize(
    "tag, value",
    [
        ("00", ""),
        ("00", "x" * 100),
        ("0", "x"),
        ("AB", "x"),
        (100, "x"),
        (-1, "x"),
        (True, "x"),
        ("00", 1),
    ],
)
def test_tlv_rejects_bad_input(tag, value):
    with pytest.raises(VietQRError):
        tlv(tag, value)


def test_iter_tlv_flat():
    assert iter_tlv("000201" + "5802VN") == [("00", "01"), ("58", "VN")]
    assert iter_tlv("") == []


def test_parse_tlv_vector_nested():
    fields = parse_tlv(VECTOR)
    assert fields == {
        "00": "01",
        "01": "11",
        "38": {
            "00": NAPAS_GUID,
            "01": {"00": "970407", "01": "0386577672"},
            "02": "QRIBFTTA",
        },
        "53": "704",
        "54": "1000000",
        "58": "VN",
        "62": {"08": "henry an cut"},
        "63": "A322",
    }


@pytest.mark.parametrize(
    "payload",
    [
        "00020",  # header cut short
        "0002",  # header ok, value missing
        "000201010",  # second header cut short
        "0005abc",  # declared length exceeds data
        "AB0201",  # non-numeric ID
        "00X201",  # non-numeric length
        "000201000202",  # duplicate ID
        "380500051",  # nested template field declares more than it holds
    ],
)
def test_parse_tlv_rejects_malformed(payload):
    with pytest.raises(VietQRError):
        parse_tlv(payload)


def test_parse_tlv_rejects_non_string():
    with pytest.raises(VietQRError):
        parse_tlv(b"000201")


# --------------------------------------------------------------------------
# Known vector: parse + byte-for-byte rebuild
# --------------------------------------------------------------------------


def test_parse_vector():
    data = parse_payload(VECTOR)
    assert data["bank_bin"] == "970407"
    assert data["account"] == "0386577672"
    assert data["amount"] == 1000000
    assert data["reference"] == "henry an cut"
    assert data["service"] == SERVICE_TO_ACCOUNT
    assert data["currency"] == "704"
    assert data["country"] == "VN"
    assert data["dynamic"] is False


def test_rebuild_vector_byte_for_byte():
    data = parse_payload(VECTOR)
    rebuilt = build_payload(
        bank_bin=data["bank_bin"],
        account=data["account"],
        amount=data["amount"],
        reference=data["reference"],
        dynamic=data["dynamic"],
        service=data["service"],
    )
    assert rebuilt == VECTOR


# --------------------------------------------------------------------------
# Building / round trips
# --------------------------------------------------------------------------


def test_build_dynamic_structure():
    payload = build_payload(
        bank_bin="970436", account="1234567890", amount=250000, reference="DH12345"
    )
    assert payload.startswith("000201" + "010212")
    assert "5303704" in payload
    assert "5406250000" in payload
    assert "5802VN" in payload
    assert "62110807DH12345" in payload
    assert payload[-8:-4] == "6304"
    tail = payload[-4:]
    assert tail == tail.upper() and len(tail) == 4
    assert int(tail, 16) == crc16_ccitt(payload[:-4].encode())


def test_build_static_without_amount_omits_tag_54():
    payload = build_payload(
        bank_bin="970418", account="12010000123456", amount=None, reference="Ung ho", dynamic=False
    )
    assert "010211" in payload
    assert [tag for tag, _ in iter_tlv(payload)] == ["00", "01", "38", "53", "58", "62", "63"]
    data = parse_payload(payload)
    assert data["amount"] is None
    assert data["dynamic"] is False
    assert data["reference"] == "Ung ho"


@pytest.mark.parametrize(
    "amount, reference, expected_reference",
    [
        (1, "a", "a"),
        (10_000, "Thanh toán đơn hàng 42", "Thanh toan don hang 42"),
        (1_234_567, "ĐẶT TOUR HẠ LONG", "DAT TOUR HA LONG"),
        (99_000_000, "Nguyễn Văn Đức", "Nguyen Van Duc"),
        (9_999_999_999_999, "Phở bò tái", "Pho bo tai"),
        (500_000, "  Cảm ơn quý khách  ", "Cam on quy khach"),
        (75_000, "ORDER-2024/07#5", "ORDER-2024/07#5"),
    ],
)
def test_round_trip(amount, reference, expected_reference):
    payload = build_payload(
        bank_bin="970422", account="0001234567", amount=amount, reference=reference
    )
    assert payload.isascii()
    data = parse_payload(payload)
    assert data == {
        "bank_bin": "970422",
        "account": "0001234567",
        "amount": amount,
        "reference": expected_reference,
        "currency": "704",
        "country": "VN",
        "service": SERVICE_TO_ACCOUNT,
        "dynamic": True,
    }


def test_round_trip_card_service():
    payload = build_payload(
        bank_bin="970415",
        account="9704151234567890123",
        amount=50_000,
        reference="Nap the",
        service=SERVICE_TO_CARD,
    )
    assert "0208QRIBFTTC" in payload
    data = parse_payload(payload)
    assert data["service"] == SERVICE_TO_CARD
    assert data["account"] == "9704151234567890123"


def test_round_trip_alphanumeric_account():
    payload = build_payload(bank_bin="970403", account="VQRQ0001abc", amount=10, reference="x")
    assert parse_payload(payload)["account"] == "VQRQ0001abc"


def test_fold_reference():
    assert fold_reference("đĐ") == "dD"
    assert fold_reference("Tiếng Việt có dấu") == "Tieng Viet co dau"
    assert fold_reference("ắằẳẵặ ấầẩẫậ ếềểễệ ốồổỗộ ớờởỡợ ứừửữự ỳýỷỹỵ") == (
        "aaaaa aaaaa eeeee ooooo ooooo uuuuu yyyyy"
    )


def test_reference_max_length_counts_folded_text():
    ok = "Đ" * 25  # 25 chars before and after folding
    payload = build_payload(bank_bin="970407", account="1", amount=1, reference=ok)
    assert parse_payload(payload)["reference"] == "D" * 25


# --------------------------------------------------------------------------
# Rejections
# --------------------------------------------------------------------------


def test_corrupted_crc_rejected():
    bad = VECTOR[:-4] + "A323"
    with pytest.raises(VietQRError, match="CRC"):
        parse_payload(bad)


def test_corrupted_body_rejected():
    bad = VECTOR.replace("0386577672", "0386577673")
    with pytest.raises(VietQRError, match="CRC"):
        parse_payload(bad)


@pytest.mark.parametrize("cut", [1, 4, 8, 9, 20, len(VECTOR) - 1])
def test_truncated_payload_rejected(cut):
    with pytest.raises(VietQRError):
        parse_payload(VECTOR[:-cut])


def test_truncated_with_recomputed_crc_rejected():
    # Structurally broken body (field 62 declares 16 chars, has 10) with a CRC
    # that matches: must still fail on TLV structure.
    body = VECTOR[:-8]
    broken = body[:-6]
    with pytest.raises(VietQRError):
        parse_payload(_recrc(broken))


@pytest.mark.parametrize("payload", ["", "6304", "63041234", None, 12345])
def test_garbage_rejected(payload):
    with pytest.raises(VietQRError):
        parse_payload(payload)


def test_wrong_guid_rejected():
    merchant = tlv("00", "A000000999") + tlv("01", tlv("00", "970407") + tlv("01", "1"))
    body = "000201010212" + tlv("38", merchant) + "5303704" + "5802VN"
    with pytest.raises(VietQRError, match="GUID"):
        parse_payload(_recrc(body))


def test_wrong_currency_rejected():
    merchant = tlv("00", NAPAS_GUID) + tlv("01", tlv("00", "970407") + tlv("01", "1"))
    body = "000201010212" + tlv("38", merchant) + "5303840" + "5802VN"
    with pytest.raises(VietQRError, match="VND"):
        parse_payload(_recrc(body))


def test_missing_merchant_info_rejected():
    with pytest.raises(VietQRError, match="38"):
        parse_payload(_recrc("000201010212" + "5303704" + "5802VN"))


def test_crc_not_last_rejected():
    body = "000201010212" + "63041234" + "5802VN"
    with pytest.raises(VietQRError):
        parse_payload(_recrc(body))


VALID = {"bank_bin": "970407", "account": "0386577672", "amount": 1000, "reference": "abc"}


@pytest.mark.parametrize(
    "overrides",
    [
        {"bank_bin": "97040"},
        {"bank_bin": "9704071"},
        {"bank_bin": "97040A"},
        {"bank_bin": "٩٧٠٤٠٧"},  # non-ASCII digits
        {"bank_bin": 970407},
        {"account": ""},
        {"account": "1" * 20},
        {"account": "0386 577 672"},
        {"account": "0386-577672"},
        {"account": "tài123"},
        {"account": None},
        {"account": "ABC123", "service": SERVICE_TO_CARD},
        {"amount": 0},
        {"amount": -5},
        {"amount": 10.5},
        {"amount": 1000.0},
        {"amount": "1000"},
        {"amount": True},
        {"amount": 10**13},  # 14 digits
        {"amount": None},  # dynamic requires an amount
        {"reference": ""},
        {"reference": "   "},
        {"reference": "x" * 26},
        {"reference": "Thanh toán đơn hàng số 12345"},  # 28 chars after folding
        {"reference": "thanks 🙏"},
        {"reference": "giá €5"},
        {"reference": "line\nbreak"},
        {"reference": None},
        {"service": "QRPUSH"},
        {"service": "qribftta"},
    ],
)
def test_invalid_inputs_rejected(overrides):
    kwargs = {**VALID, **overrides}
    with pytest.raises(VietQRError):
        build_payload(**kwargs)


def test_error_is_value_error_with_vietnamese_message():
    with pytest.raises(ValueError) as excinfo:
        build_payload(**{**VALID, "bank_bin": "123"})
    assert isinstance(excinfo.value, VietQRError)
    assert "Mã BIN ngân hàng" in str(excinfo.value)
    with pytest.raises(VietQRError, match="Nội dung chuyển khoản"):
        build_payload(**{**VALID, "reference": ""})
    with pytest.raises(VietQRError, match="Số tiền"):
        build_payload(**{**VALID, "amount": 0})


def test_build_is_keyword_only():
    with pytest.raises(TypeError):
        build_payload("970407", "1", 1, "x")  # type: ignore[misc]


# --------------------------------------------------------------------------
# SVG rendering
# --------------------------------------------------------------------------


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def test_qr_svg_is_valid_inline_xml():
    svg = qr_svg(VECTOR)
    assert not svg.lstrip().startswith("<?xml")
    root = ET.fromstring(svg)
    assert _local(root.tag) == "svg"
    paths = [el for el in root.iter() if _local(el.tag) == "path"]
    assert paths and paths[-1].get("d")


def test_qr_svg_scale_changes_size():
    small = ET.fromstring(qr_svg(VECTOR, scale=2))
    big = ET.fromstring(qr_svg(VECTOR, scale=8))
    assert int(big.get("width")) == 4 * int(small.get("width"))
    assert small.get("width") == small.get("height")


def test_qr_svg_uses_error_level_m():
    import segno

    expected = segno.make(VECTOR, error="m", boost_error=False, micro=False)
    assert expected.error == "M"
    kw = {"scale": 3, "border": 4, "dark": "#000", "light": "#fff"}
    assert qr_svg(VECTOR, scale=3) == expected.svg_inline(**kw)
    boosted = segno.make(VECTOR, error="h")
    assert qr_svg(VECTOR, scale=3) != boosted.svg_inline(**kw)


def test_qr_svg_rejects_empty_payload():
    with pytest.raises(VietQRError):
        qr_svg("")
