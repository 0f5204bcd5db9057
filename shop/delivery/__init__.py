"""Delivery: carriers behind one interface (base.py), the fee table that stands in for them
(table.py), quotes before paying (quotes.py) and carrier shipments with their status
webhooks (shipments.py). docs/delivery.md says how to configure each carrier."""

from functools import cache

from .base import Carrier


@cache
def _all() -> dict[str, Carrier]:
    from .ghn import GHN
    from .ghtk import GHTK

    return {c.code: c for c in (GHN(), GHTK())}


def carriers() -> dict[str, Carrier]:
    """Every carrier the code knows, configured or not."""
    return _all()


def get_carrier(code: str) -> Carrier | None:
    return _all().get(code)


def configured_carriers() -> dict[str, Carrier]:
    return {code: c for code, c in _all().items() if c.configured()}
