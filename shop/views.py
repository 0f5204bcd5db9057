"""Thin views: forms in, services out (cart.py, checkout.py, orders.py, payments/)."""

import datetime
import functools
import logging
import secrets

import stripe
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import (
    Http404,
    HttpResponse,
    HttpResponseBadRequest,
    HttpResponseNotAllowed,
    JsonResponse,
)
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST, require_safe

from cms import throttle
from cms.hardening import client_ip, local_next
from cms.templatetags.cms_tags import vnd
from products.purchasable import get_purchasable, thumbnails
from products.reference import Commune

from . import addresses, returns, reviews
from .cart import Cart
from .checkout import (
    Address,
    CheckoutError,
    place_order,
    placed_with,
    price_cart,
    sold_out,
)
from .forms import CartLineForm, CheckoutForm, TrackOrderForm
from .models import Order, Review
from .payments import get_method
from .payments import stripe_gateway as gateway
from .permissions import is_officer

logger = logging.getLogger(__name__)

CHECKOUT_SESSION_KEY = "shop_checkout"
TOKEN_SESSION_KEY = "shop_checkout_token"
PLACED_SESSION_KEY = "shop_orders"
CONSENTS = ("accept_terms", "data_consent")


def _wants_json(request) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def _destination(request):
    """The commune the buyer gave at checkout (this session), for quotes in the cart."""
    code = (request.session.get(CHECKOUT_SESSION_KEY) or {}).get("commune")
    return Commune.objects.select_related("province").filter(code=code).first() if code else None


def with_thumbnails(priced):
    """Each priced line gets `thumb`, its product's small picture (products.purchasable)."""
    lines = [line for group in priced.groups for line in group.lines]
    found = thumbnails(line.item.product_id for line in lines)
    for line in lines:
        line.thumb = found.get(line.item.product_id)
    return priced


def _cart_context(request, shipping=None):
    cart = Cart(request)
    destination = _destination(request)
    priced = with_thumbnails(price_cart(cart.items(), shipping, destination))
    return {
        "priced": priced,
        "cart_count": priced.count,
        "destination": destination,
        "free_from": settings.SHOP_FREE_DELIVERY_FROM,
    }


@never_cache
def cart_view(request):
    return render(request, "shop/cart.html", _cart_context(request))


def _cart_action(request, action):
    form = CartLineForm(request.POST)
    cart = Cart(request)
    error = None
    quantity = 0
    if not form.is_valid():
        error = _("Yêu cầu không hợp lệ.")
    else:
        try:
            quantity = action(cart, form.cleaned_data["sku"], form.cleaned_data["quantity"])
        except CheckoutError as exc:
            error = " ".join(exc.messages)
    done = _("Đã thêm vào giỏ hàng.") if action is _add else _("Đã cập nhật giỏ hàng.")
    # "Mua ngay": the same add, then straight to the checkout.
    buy_now = action is _add and error is None and bool(request.POST.get("buy_now"))
    if _wants_json(request):
        priced = price_cart(cart.items(), destination=_destination(request))
        sku = form.cleaned_data.get("sku") if form.is_valid() else None
        line = next((ln for ln in priced.lines if ln.item.sku == sku), None)
        return JsonResponse(
            {
                "ok": error is None,
                "error": error,
                "message": error or done,
                "quantity": quantity,
                "cart_count": priced.count,
                "subtotal": priced.subtotal,
                "subtotal_display": vnd(priced.subtotal),
                "line_total_display": vnd(line.line_total) if line else "",
                "group_subtotals": {str(g.producer_id): vnd(g.subtotal) for g in priced.groups},
                "group_fees": {
                    str(g.producer_id): vnd(g.fee) if g.fee else _("Miễn phí")
                    for g in priced.groups
                },
                "shipping_display": vnd(priced.shipping_total),
                "total_display": vnd(priced.total),
                "redirect": reverse("shop:checkout") if buy_now else "",
            },
            status=400 if error else 200,
        )
    if error:
        messages.error(request, error)
    elif buy_now:
        return redirect("shop:checkout")
    else:
        messages.success(request, done)
    return redirect(_local_next(request.POST.get("next")))


def _local_next(target) -> str:
    """A `next` parameter, if it is a path on this site; else the cart."""
    return local_next(target, reverse("shop:cart"))


def _add(cart, sku, quantity):
    return cart.add(sku, quantity)


def _update(cart, sku, quantity):
    return cart.update(sku, quantity)


def _remove(cart, sku, quantity):
    cart.remove(sku)
    return 0


@never_cache
def cart_add(request):
    """POST adds to the cart. A GET comes from a product page's form when the browser runs no
    script (cached public pages carry no CSRF token): it shows what would be added, with a
    button that posts it."""
    if request.method == "POST":
        return _cart_action(request, _add)
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET", "POST"])
    form = CartLineForm(request.GET)
    item = get_purchasable(form.cleaned_data["sku"]) if form.is_valid() else None
    target = _local_next(request.GET.get("next"))
    if item is None:
        messages.error(request, _("Sản phẩm không tồn tại hoặc đã ngừng bán."))
        return redirect(target)
    return render(
        request,
        "shop/cart_add.html",
        {
            "item": item,
            "quantity": form.cleaned_data["quantity"],
            "next": target,
            "buy_now": bool(request.GET.get("buy_now")),
        },
    )


@never_cache
@require_GET
def csrf_token(request):
    """The CSRF token for a script about to POST from a cached page (and its cookie)."""
    return JsonResponse({"token": get_token(request)})


@never_cache
@require_POST
def cart_update(request):
    return _cart_action(request, _update)


@never_cache
@require_POST
def cart_remove(request):
    return _cart_action(request, _remove)


def _checkout_form(priced, *args, **kwargs) -> CheckoutForm:
    """The checkout form for this cart: its parts' delivery choices, and no cash on delivery
    for restricted goods or experiences booked with a deposit."""
    return CheckoutForm(
        *args,
        groups=priced.groups,
        restricted=priced.restricted,
        deposit=bool(priced.due_on_site),
        **kwargs,
    )


@never_cache
def checkout(request):
    cart = Cart(request)
    priced = price_cart(cart.items())
    if not priced.groups:
        messages.info(request, _("Giỏ hàng đang trống."))
        return redirect("shop:cart")
    initial = dict(request.session.get(CHECKOUT_SESSION_KEY) or {})
    for consent in CONSENTS:  # never pre-ticked: agreed afresh on every submit
        initial.pop(consent, None)
    book = addresses.addresses_for(request.user)
    # ?dia_chi=<id>: deliver to that saved address (a link each, no script needed); on the
    # first visit, the default one.
    chosen = next((a for a in book if str(a.pk) == request.GET.get("dia_chi")), None)
    if chosen is None and not initial:
        chosen = next((a for a in book if a.is_default), None)
    if not initial and request.user.is_authenticated:
        initial = {
            "recipient": request.user.get_full_name(),
            "email": request.user.email,
        }
    if chosen is not None:
        initial.update(addresses.initial_for(chosen))
        initial.pop("commune_query", None)
    options = {"can_save": request.user.is_authenticated}
    if request.method == "POST" and "change_province" in request.POST:
        # Without JavaScript: the buyer picked another province; show its communes.
        data = request.POST.copy()
        data["commune"] = ""
        form = _checkout_form(priced, initial=data.dict(), **options)
    elif request.method == "POST":
        form = _checkout_form(priced, request.POST, **options)
        if form.is_valid() and not priced.problems:
            data = {k: v for k, v in form.cleaned_data.items() if k != "commune"}
            data["commune"] = form.cleaned_data["commune"].code
            data["consented_at"] = timezone.now().isoformat()  # both boxes ticked, now
            request.session[CHECKOUT_SESSION_KEY] = data
            _review_token(request)
            return redirect("shop:review")
    else:
        form = _checkout_form(priced, initial=initial, **options)
    return render(
        request,
        "shop/checkout.html",
        {
            "form": form,
            "priced": with_thumbnails(priced),
            "free_from": settings.SHOP_FREE_DELIVERY_FROM,
            "saved_addresses": book,
            "chosen_address": chosen,
        },
    )


def _checkout_data(request, priced):
    data = request.session.get(CHECKOUT_SESSION_KEY)
    if not data:
        return None
    form = _checkout_form(priced, data)
    return form if form.is_valid() else None


def _consented_at(request) -> datetime.datetime | None:
    """When the buyer submitted the checkout form that agreed to the terms and the data
    processing (kept in the session with the form's data until the order is placed)."""
    value = (request.session.get(CHECKOUT_SESSION_KEY) or {}).get("consented_at")
    try:
        return datetime.datetime.fromisoformat(value) if value else None
    except (TypeError, ValueError):
        return None


def _review_token(request) -> str:
    """The one-time token of this checkout: one order per token, however often it is sent."""
    token = request.session.get(TOKEN_SESSION_KEY)
    if not token:
        token = request.session[TOKEN_SESSION_KEY] = secrets.token_urlsafe(24)
    return token


def _remember_placed(request, order):
    placed = list(request.session.get(PLACED_SESSION_KEY) or [])
    if order.reference not in placed:
        request.session[PLACED_SESSION_KEY] = (placed + [order.reference])[-20:]


@never_cache
def review(request):
    if request.method == "POST":
        # A second submit of a review that already placed its order (double tap, second tab,
        # retry after a dropped connection) lands on that order, whatever the cart holds now.
        already = placed_with(request.POST.get("checkout_token", ""))
        if already is not None:
            _remember_placed(request, already)
            messages.info(
                request, _("Đơn %(ref)s đã được đặt trước đó.") % {"ref": already.reference}
            )
            return redirect(already.signed_url())
    cart = Cart(request)
    items = cart.items()
    # Back to the cart when something can no longer be had: the cart says what, at the top
    # of its list (a message as well would say it twice).
    if request.method == "POST":
        # Came after the last unit (as the stock reads without a lock): answered from the
        # stock rows at once, so these buyers do not queue behind the ones paying for it.
        if sold_out(items):
            return redirect("shop:cart")
    # The final click prices nothing it does not need: place_order prices and quotes the cart
    # itself, from this read of the catalogue.
    priced = price_cart(items, quote=request.method != "POST")
    if not priced.groups:
        return redirect("shop:cart")
    if request.method == "POST" and priced.problems:
        return redirect("shop:cart")
    form = _checkout_data(request, priced)
    if form is None:
        messages.error(request, _("Vui lòng kiểm tra lại thông tin giao hàng."))
        return redirect("shop:checkout")
    token = _review_token(request)
    if request.method == "POST":
        posted = request.POST.get("checkout_token")
        if posted is not None and posted != token:
            messages.error(request, _("Trang xác nhận đã cũ: vui lòng xem lại đơn rồi đặt hàng."))
            return redirect("shop:review")
        data = form.cleaned_data
        try:
            order = place_order(
                items=items,
                address=Address(
                    recipient=data["recipient"],
                    phone=data["phone"],
                    commune_id=data["commune"].pk,
                    street=data["street"],
                    email=data["email"],
                    note=data["note"],
                ),
                shipping=form.shipping(),
                payment_method=data["payment_method"],
                user=request.user,
                token=token,
                invoice=form.invoice(),
                adult=bool(data.get("adult_confirmed")),
                consented_at=_consented_at(request),
                read=priced,
            )
        except CheckoutError as exc:
            for message in exc.messages:
                messages.error(request, message)
            return redirect("shop:cart")
        cart.clear()
        if request.user.is_authenticated and request.session[CHECKOUT_SESSION_KEY].get(
            "save_address"
        ):
            addresses.save(
                request.user,
                recipient=data["recipient"],
                phone=data["phone"],
                commune=data["commune"],
                street=data["street"],
            )
        request.session.pop(CHECKOUT_SESSION_KEY, None)
        request.session.pop(TOKEN_SESSION_KEY, None)
        _remember_placed(request, order)
        target = None
        try:
            target = get_method(order.payment_method).start(order, request)
        except stripe.StripeError:
            logger.exception("Stripe session for %s failed", order.reference)
            messages.error(
                request,
                _("Chưa kết nối được cổng thanh toán thẻ. Bạn có thể thử lại từ trang đơn hàng."),
            )
        messages.success(
            request, _("Đặt hàng thành công! Mã đơn của bạn: %(ref)s") % {"ref": order.reference}
        )
        return redirect(target or order.signed_url())
    priced = with_thumbnails(price_cart(items, form.shipping(), form.cleaned_data["commune"]))
    return render(
        request,
        "shop/review.html",
        {
            "form": form,
            "priced": priced,
            "data": form.cleaned_data,
            "checkout_token": token,
            "free_from": settings.SHOP_FREE_DELIVERY_FROM,
        },
    )


class OrderLinkExpired(Http404):
    """A genuine order link, older than SHOP_ORDER_LINK_DAYS: the buyer is sent to tracking."""


def _can_view(request, order: Order) -> bool:
    if request.user.is_authenticated and (
        order.user_id == request.user.pk or is_officer(request.user)
    ):
        return True
    if order.reference in (request.session.get(PLACED_SESSION_KEY) or []):
        return True
    token = request.GET.get("t")
    if not token:
        return False
    state = order.token_state(token)
    if state == "expired":
        raise OrderLinkExpired(_("Liên kết đơn hàng đã hết hạn."))
    return state == "valid"


can_view_order = _can_view  # for the experiences app's cancel button on the order page


def order_page(view):
    """For the order's own pages (order, pay, return and review forms): never cached, and an
    expired link shows the tracking form, which gives a fresh link."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except OrderLinkExpired:
            return _track_page(request, TrackOrderForm(), expired=True)

    return never_cache(wrapper)


def _get_order(request, reference) -> Order:
    order = (
        Order.objects.select_related("commune")
        .prefetch_related(
            "shipments__lines",
            "shipments__events",
            "shipments__returns__events",
            "shipments__returns__photos",
            "history",
        )
        .filter(reference=reference)
        .first()
    )
    if order is None or not _can_view(request, order):
        raise Http404(_("Không tìm thấy đơn hàng."))
    return order


@order_page
def order_detail(request, reference):
    order = _get_order(request, reference)
    context = {
        "order": order,
        "token": request.GET.get("t", ""),
        "returnable_parts": {p.pk for p in order.shipments.all() if returns.returnable(p)},
        "reviewable_lines": {r.line.pk for r in reviews.reviewable(order)},
    }
    written = {r.line_id: r for r in Review.objects.filter(line__order=order)}
    for part in order.shipments.all():
        for line in part.lines.all():
            line.my_review = written.get(line.pk)
    if order.payment_method == Order.Payment.VIETQR and not order.is_paid:
        context["transfer"] = get_method("vietqr").instructions(order)
    context["can_pay_card"] = (
        order.payment_method == Order.Payment.STRIPE
        and order.status == Order.Status.PENDING_PAYMENT
        and get_method("stripe").available()
    )
    return render(request, "shop/order_detail.html", context)


@order_page
@require_POST
def order_pay(request, reference):
    order = _get_order(request, reference)
    if order.payment_method != Order.Payment.STRIPE or order.status != Order.Status.PENDING_PAYMENT:
        return redirect(order.signed_url())
    try:
        return redirect(get_method("stripe").start(order, request))
    except stripe.StripeError:
        messages.error(request, _("Phiên thanh toán thẻ không còn hiệu lực."))
        return redirect(order.signed_url())


@never_cache
@require_safe
def my_orders(request):
    """The header's "Đơn hàng của tôi": an account holder's list of orders, a guest's tracking
    form (the header link is the same for everyone, so cached pages stay shareable)."""
    if request.user.is_authenticated:
        return redirect("shop:orders")
    return redirect("shop:track")


@never_cache
@login_required
def order_list(request):
    orders = Order.objects.filter(user=request.user).order_by("-created_at")[:100]
    return render(request, "shop/order_list.html", {"orders": orders})


def guest_lookup(request, form, prefix: str):
    """The order a guest names by reference + phone, throttled per reference and per client
    address (failed tries count): (order or None, seconds to wait or None)."""
    checks = [(f"{prefix}_reference", form.cleaned_data["reference"]), (f"{prefix}_ip", None)]
    wait = throttle.first_over(request, checks, increment=False)
    if wait:
        return None, wait
    order = Order.objects.filter(
        reference=form.cleaned_data["reference"], phone=form.cleaned_data["phone"]
    ).first()
    if order is None:
        throttle.first_over(request, checks)
    return order, None


def _track_page(request, form, expired=False):
    context = {"form": form, "expired": expired, "link_days": settings.SHOP_ORDER_LINK_DAYS}
    return render(request, "shop/track.html", context)


@never_cache
def track(request):
    form = TrackOrderForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        order, wait = guest_lookup(request, form, "track")
        if wait:
            return throttle.throttled(request, wait, json=False)
        if order is not None:
            return redirect(order.signed_url())
        form.add_error(None, _("Không tìm thấy đơn hàng với mã và số điện thoại này."))
    return _track_page(request, form)


@csrf_exempt
@require_POST
def stripe_webhook(request):
    try:
        event = gateway.construct_event(request.body, request.headers.get("Stripe-Signature"))
    except (ValueError, stripe.SignatureVerificationError):
        return HttpResponseBadRequest("invalid signature")
    try:
        result = gateway.handle_event(event)
    except gateway.MalformedEvent as exc:
        logger.warning("Malformed Stripe event: %s", exc)
        return HttpResponseBadRequest("malformed event")
    return HttpResponse(result)


@csrf_exempt
@require_POST
def bank_transfer_webhook(request):
    """Bank-transaction notifications (shop/payments/bank_hook.py)."""
    import json

    from django.conf import settings

    from .payments import bank_hook

    if not settings.BANK_WEBHOOK_API_KEY:
        raise Http404
    failures = f"bank:{client_ip(request)}"
    wait = throttle.hit(request, "webhook_auth_failure", failures, increment=False)
    if wait:
        return throttle.throttled(request, wait, json=True)
    if not bank_hook.authorised(request.headers.get("Authorization", "")):
        throttle.hit(request, "webhook_auth_failure", failures)
        return JsonResponse({"success": False, "message": "unauthorised"}, status=401)
    try:
        record = bank_hook.apply_notification(json.loads(request.body or b"null"))
    except (ValueError, bank_hook.BadNotification) as exc:
        return JsonResponse({"success": False, "message": str(exc)[:200]}, status=400)
    logger.info("Bank transaction %s: %s", record.transaction_id, record.outcome)
    return JsonResponse({"success": True})


def order_status(request, reference):
    """The order's state for its own page (polled while a transfer is awaited)."""
    order = _get_order(request, reference)
    response = JsonResponse(
        {"status": order.status, "paid": order.is_paid, "label": str(order.get_status_display())}
    )
    response["Cache-Control"] = "private, no-store"
    return response


def order_qr(request, reference):
    """The order's VietQR code as an SVG file, to save and open in a banking app."""
    from .payments.bank import transfer_details

    order = _get_order(request, reference)
    if order.payment_method != Order.Payment.VIETQR or order.is_paid:
        raise Http404
    svg = '<?xml version="1.0" encoding="utf-8"?>\n' + str(transfer_details(order)["svg"])
    if "xmlns=" not in svg:
        svg = svg.replace("<svg ", '<svg xmlns="http://www.w3.org/2000/svg" ', 1)
    response = HttpResponse(svg, content_type="image/svg+xml")
    response["Content-Disposition"] = f'attachment; filename="VietQR-{order.reference}.svg"'
    response["Cache-Control"] = "private, no-store"
    return response
