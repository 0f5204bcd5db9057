"""The cart: in the session for anonymous buyers, in CartLine rows for signed-in ones.

It holds only SKUs and quantities; prices are looked up again every time it is shown or
checked out (see checkout.price_cart).
"""

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from products.purchasable import get_purchasable

from .checkout import CheckoutError, validate_quantity
from .models import CartLine

SESSION_KEY = "shop_cart"
# Shown in the site header by a script (public pages are cached and carry no per-visitor
# data): how many units the cart holds. Display only; the cart itself stays in the session.
COUNT_COOKIE = "cart_count"


def changed(request) -> None:
    """The cart of this request changed (or its owner did): refresh the count cookie."""
    if request is not None:
        request._cart_changed = True


class CartCountCookieMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if getattr(request, "_cart_changed", False) and hasattr(request, "session"):
            count = Cart(request).count()
            if count:
                response.set_cookie(
                    COUNT_COOKIE,
                    str(count),
                    max_age=settings.SESSION_COOKIE_AGE,
                    samesite="Lax",
                    secure=settings.SESSION_COOKIE_SECURE,
                )
            else:
                response.delete_cookie(COUNT_COOKIE, samesite="Lax")
        return response


class Cart:
    def __init__(self, request):
        self.request = request
        self.user = request.user if request.user.is_authenticated else None

    # --- reading -----------------------------------------------------------------------
    def items(self) -> dict[str, int]:
        if self.user is not None:
            return dict(CartLine.objects.filter(user=self.user).values_list("sku", "quantity"))
        raw = self.request.session.get(SESSION_KEY) or {}
        return {str(k): int(v) for k, v in raw.items() if isinstance(v, int) and v > 0}

    def count(self) -> int:
        return sum(self.items().values())

    # --- writing -----------------------------------------------------------------------
    def _store(self, sku: str, quantity: int) -> None:
        changed(self.request)
        if self.user is not None:
            if quantity <= 0:
                CartLine.objects.filter(user=self.user, sku=sku).delete()
            else:
                CartLine.objects.update_or_create(
                    user=self.user, sku=sku, defaults={"quantity": quantity}
                )
            return
        cart = dict(self.request.session.get(SESSION_KEY) or {})
        if quantity <= 0:
            cart.pop(sku, None)
        else:
            cart[sku] = quantity
        self.request.session[SESSION_KEY] = cart

    def add(self, sku: str, quantity) -> int:
        """Add units of a SKU; returns the new quantity. Raises CheckoutError (Vietnamese)."""
        item = get_purchasable(sku)
        if item is None:
            raise CheckoutError(_("Sản phẩm không tồn tại hoặc đã ngừng bán."))
        quantity = validate_quantity(quantity)
        total = self.items().get(sku, 0) + quantity
        validate_quantity(total, item.available)
        self._store(sku, total)
        return total

    def update(self, sku: str, quantity) -> int:
        """Set the quantity of a line; 0 removes it."""
        if str(quantity).strip() == "0":
            self.remove(sku)
            return 0
        item = get_purchasable(sku)
        if item is None:
            self.remove(sku)
            raise CheckoutError(_("Sản phẩm không tồn tại hoặc đã ngừng bán."))
        quantity = validate_quantity(quantity, item.available)
        self._store(sku, quantity)
        return quantity

    def remove(self, sku: str) -> None:
        self._store(sku, 0)

    def clear(self) -> None:
        changed(self.request)
        if self.user is not None:
            CartLine.objects.filter(user=self.user).delete()
        else:
            self.request.session.pop(SESSION_KEY, None)


@transaction.atomic
def merge_session_cart(request, user) -> int:
    """On login: move the anonymous cart into the user's cart (quantities add up, capped at the
    maximum). Returns how many lines were merged."""
    raw = request.session.pop(SESSION_KEY, None) or {}
    merged = 0
    for sku, quantity in raw.items():
        if not isinstance(quantity, int) or quantity <= 0:
            continue
        line, created = CartLine.objects.select_for_update().get_or_create(
            user=user, sku=str(sku), defaults={"quantity": quantity}
        )
        if not created:
            line.quantity = min(line.quantity + quantity, settings.SHOP_MAX_QUANTITY)
            line.save(update_fields=["quantity", "updated_at"])
        merged += 1
    return merged
