import pytest
from django.core.exceptions import ValidationError

from products.gs1 import gtin_check_digit, is_valid_gtin, normalise_gtin, validate_gtin


@pytest.mark.parametrize(
    "gtin",
    ["96385074", "036000291452", "4006381333931", "8934563138165", "09506000134352"],
)
def test_valid_gtins(gtin):
    assert is_valid_gtin(gtin)
    validate_gtin(gtin)


@pytest.mark.parametrize(
    "gtin",
    [
        "96385075",
        "036000291453",
        "4006381333932",
        "09506000134353",
        "123",
        "40063813339a1",
        "",
        "４００６３８１３３３９３１",
    ],
)
def test_invalid_gtins(gtin):
    assert not is_valid_gtin(gtin)
    with pytest.raises(ValidationError):
        validate_gtin(gtin)


def test_check_digit_and_gtin14_form():
    assert gtin_check_digit("400638133393") == 1
    assert normalise_gtin("4006381333931") == "04006381333931"
