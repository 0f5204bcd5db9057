"""Public delivery endpoints: the commune type-ahead, the fee estimate for a product page, and
the carriers' status webhooks."""

import logging

from django.conf import settings
from django.http import Http404, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from cms import throttle
from cms.hardening import client_ip
from cms.templatetags.cms_tags import vnd
from products.purchasable import get_purchasable
from products.reference import Commune, Province

from . import get_carrier, quotes
from .base import WebhookMalformed, WebhookRejected
from .shipments import apply_events

logger = logging.getLogger(__name__)
MAX_QUERY = 100


def _bad(message: str) -> JsonResponse:
    return JsonResponse({"error": message}, status=400)


def _province_param(request) -> tuple[str | None, JsonResponse | None]:
    code = request.GET.get("province", "").strip()
    if not code:
        return None, None
    if not (code.isdigit() and len(code) == 2 and Province.objects.filter(code=code).exists()):
        return None, _bad(_("Mã tỉnh/thành phố không hợp lệ (2 chữ số, ví dụ 01 là Hà Nội)."))
    return code, None


def commune_json(commune: Commune) -> dict:
    return {
        "code": commune.code,
        "name": commune.name,
        "kind": commune.kind,
        "label": f"{commune}, {commune.province}",
        "province_code": commune.province.code,
        "province_name": commune.province.name,
        "legacy": [f"{n.legacy_commune}, {n.legacy_district}" for n in commune.legacy_names.all()],
    }


@require_GET
def communes(request):
    """GET /shop/api/communes/?q=<text>&province=<code>: the type-ahead of the address form."""
    query = request.GET.get("q", "")
    if "\x00" in query or len(query) > MAX_QUERY:
        return _bad(_("Từ khóa không hợp lệ (tối đa %(n)s ký tự).") % {"n": MAX_QUERY})
    if not query.strip():
        return _bad(_("Thiếu từ khóa tìm xã/phường (tham số q)."))
    province, error = _province_param(request)
    if error:
        return error
    found = Commune.objects.search(query, province=province)
    response = JsonResponse(
        {"results": [commune_json(c) for c in found], "count": len(found)},
        json_dumps_params={"ensure_ascii": False},
    )
    response["Cache-Control"] = "public, max-age=3600"
    return response


@require_GET
def estimate(request):
    """GET /shop/api/delivery-estimate/?sku=<sku>&province=<code>: the fee table's estimate of
    delivering one unit to a province (the exact quote needs the commune, at checkout)."""
    item = get_purchasable(request.GET.get("sku", "").strip()[:64])
    if item is None:
        return _bad(_("Sản phẩm không tồn tại hoặc không còn bán."))
    code, error = _province_param(request)
    if error:
        return error
    province = Province.objects.get(code=code or settings.SHOP_DEFAULT_PROVINCE)
    return JsonResponse(
        estimate_for(item.producer_id, item.weight_grams, (province.code, province.short_name))
    )


def estimate_for(producer_id: int, weight_grams: int | None, province) -> dict:
    """The product page's estimate (quotes.estimate) to `province` (code, short name)."""
    code, name = province
    quote = quotes.estimate(producer_id, weight_grams, code)
    return {
        "province_code": code,
        "province_name": name,
        "fee": quote.fee,
        "fee_display": vnd(quote.fee),
        "days_min": quote.days_min,
        "days_max": quote.days_max,
        "free_from": settings.SHOP_FREE_DELIVERY_FROM,
        "free_from_display": vnd(settings.SHOP_FREE_DELIVERY_FROM),
    }


@csrf_exempt
@require_POST
def webhook(request, carrier: str):
    """POST /shop/delivery/webhook/<carrier>/: a carrier's status notification."""
    handler = get_carrier(carrier)
    if handler is None or not handler.configured():
        raise Http404
    failures = f"{carrier}:{client_ip(request)}"
    wait = throttle.hit(request, "webhook_auth_failure", failures, increment=False)
    if wait:
        return throttle.throttled(request, wait, json=True)
    try:
        events = handler.parse_webhook(request.headers, request.GET, request.body)
    except WebhookRejected:
        throttle.hit(request, "webhook_auth_failure", failures)
        return HttpResponse("unauthorised", status=401)
    except WebhookMalformed as exc:
        logger.warning("Malformed %s webhook: %s", carrier, exc)
        return HttpResponse("malformed", status=400)
    applied = apply_events(events)
    return JsonResponse({"success": True, "applied": applied})
