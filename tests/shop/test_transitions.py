"""Every row of the order transition table, allowed and refused, both through
available_actions (what the admin page offers) and through the admin POST (what it accepts):
the two must always agree, for officers, the part's own producer and another producer."""

import pytest
from django.utils import timezone

from shop import orders
from shop.checkout import place_order
from shop.models import Order, OrderShipment, OrderStatusChange

from .conftest import address
from .test_admin import client_for, make_user

pytestmark = pytest.mark.django_db

S, P = Order.Status, OrderShipment.Status

# An order whose payment method and paid state satisfy each row's guard, so only the status
# and who asks decide.
GUARD_SETUP = {
    "confirm_transfer": ("vietqr", False),
    "pay": ("stripe", False),
    "late_payment": ("stripe", False),
    "cancel": ("cod", False),
    "refund": ("vietqr", True),
    "part_processing": ("cod", False),
    "part_shipped": ("cod", False),
    "part_delivered": ("cod", False),
    "part_returned": ("cod", False),
    "cod_collected": ("cod", False),
}
ACTORS = ("officer", "own_producer", "other_producer")


@pytest.fixture
def people(two_variants, settings):
    settings.STRIPE_SECRET_KEY = "sk_test_unused"  # card orders can be placed; no call is made
    a, b = two_variants
    return {
        "a": a,
        "b": b,
        "officer": make_user("can-bo-duyet", "Officer"),
        "own_producer": make_user("chu-the-a", f"Producer: {a.page.producer.slug}"),
        "other_producer": make_user("chu-the-b", f"Producer: {b.page.producer.slug}"),
    }


def _order(people, method, paid, *, status, part_status=None):
    """A one-producer order (producer A) put straight into the state under test."""
    a = people["a"]
    order = place_order(
        items={a.sku: 1},
        address=address(),
        shipping={a.page.producer_id: "delivery"},
        payment_method=method,
    )
    Order.objects.filter(pk=order.pk).update(
        status=status, paid_at=timezone.now() if paid else None
    )
    if part_status:
        order.shipments.update(status=part_status)
    order.refresh_from_db()
    return order


def _effect(order, part, transition):
    """Did the step happen? Compared before/after on fresh rows."""
    order.refresh_from_db()
    if transition.scope == orders.PART:
        part.refresh_from_db()
        if transition.name == "cod_collected":
            return part.cod_collected_at is not None
        return part.status == transition.target
    if transition.name == "confirm_transfer":
        return order.is_paid and order.status == S.PAID
    return order.status == transition.target


CASES = [
    (t.name, status, actor)
    for t in orders.TRANSITIONS
    for status in (P.values if t.scope == orders.PART else S.values)
    for actor in ACTORS
]


@pytest.mark.parametrize("name,status,actor", CASES)
def test_offered_exactly_when_accepted(people, name, status, actor):
    transition = orders.BY_NAME[name]
    method, paid = GUARD_SETUP[name]
    if transition.scope == orders.PART:
        order = _order(people, method, paid, status=S.PROCESSING, part_status=status)
    else:
        order = _order(people, method, paid, status=status)
    part = order.shipments.get()
    target = part if transition.scope == orders.PART else order
    user = people[actor]

    actor_may = (
        (actor == "officer" and orders.OFFICER in transition.actors)
        or (actor == "own_producer" and orders.PRODUCER in transition.actors)
        # other_producer: never — not its part, not its order
    )
    expected = actor_may and status in transition.sources
    offered = name in {a.name for a in orders.available_actions(target, user)}
    assert offered == expected

    before = OrderStatusChange.objects.filter(order=order).count()
    data = {"action": name, "note": "kiểm thử"}
    if transition.scope == orders.PART:
        data["part"] = part.pk
    response = client_for(user).post(f"/admin/shop/orders/{order.reference}/", data)
    # Another producer cannot even open an order it has no part in.
    assert response.status_code == (404 if actor == "other_producer" else 302)
    accepted = _effect(order, part, transition) and (
        OrderStatusChange.objects.filter(order=order).count() > before
    )
    assert accepted == expected
    if not expected and response.status_code == 302 and actor != "other_producer":
        messages = [str(m) for m in response.wsgi_request._messages]
        assert any(str(transition.label) in m for m in messages), messages


def test_system_steps_are_never_offered_to_people(people):
    order = _order(people, "stripe", False, status=S.PENDING_PAYMENT)
    for actor in ACTORS:
        names = {a.name for a in orders.available_actions(order, people[actor])}
        assert not names & {"pay", "late_payment"}


def test_guards_refuse_with_the_step_named(people):
    officer = people["officer"]
    paid_cod = _order(people, "vietqr", True, status=S.PROCESSING)
    assert "cancel" not in {a.name for a in orders.available_actions(paid_cod, officer)}
    with pytest.raises(orders.TransitionError, match="Hủy đơn.*hoàn tiền thay vì hủy"):
        orders.perform(paid_cod, "cancel", officer)
    unpaid = _order(people, "vietqr", False, status=S.PROCESSING)
    with pytest.raises(orders.TransitionError, match="Hoàn tiền.*chưa được thanh toán"):
        orders.perform(unpaid, "refund", officer)
    waiting = _order(people, "vietqr", False, status=S.PENDING_PAYMENT)
    part = waiting.shipments.get()
    assert orders.available_actions(part, people["own_producer"]) == []
    with pytest.raises(orders.TransitionError, match="Đang giao.*chưa thể giao hàng"):
        orders.perform(part, "part_shipped", people["own_producer"])
    # The services check the same table whoever calls them (a webhook, a command).
    with pytest.raises(orders.TransitionError):
        orders.set_shipment_status(part, P.SHIPPED)


def test_producer_confirms_a_transfer_only_on_an_order_wholly_its_own(people):
    a, b = people["a"], people["b"]
    farmer_a, officer = people["own_producer"], people["officer"]
    mixed = place_order(
        items={a.sku: 1, b.sku: 1},
        address=address(),
        shipping={a.page.producer_id: "delivery", b.page.producer_id: "delivery"},
        payment_method="vietqr",
    )
    assert "confirm_transfer" not in {a.name for a in orders.available_actions(mixed, farmer_a)}
    url = f"/admin/shop/orders/{mixed.reference}/"
    page = client_for(farmer_a).get(url).content.decode()
    assert 'value="confirm_transfer"' not in page
    assert "tài khoản của sàn" in page  # the producer is told why
    response = client_for(farmer_a).post(url, {"action": "confirm_transfer"})
    mixed.refresh_from_db()
    assert response.status_code == 302 and not mixed.is_paid
    assert 'value="confirm_transfer"' in client_for(officer).get(url).content.decode()
    client_for(officer).post(url, {"action": "confirm_transfer"})
    mixed.refresh_from_db()
    assert mixed.is_paid and mixed.status == S.PAID
    # An order wholly its own: the producer may confirm the transfer.
    own = _order(people, "vietqr", False, status=S.PENDING_PAYMENT)
    assert "confirm_transfer" in {x.name for x in orders.available_actions(own, farmer_a)}


def test_page_renders_exactly_the_available_actions(people):
    order = _order(people, "cod", False, status=S.PROCESSING)
    for actor in ("officer", "own_producer"):
        user = people[actor]
        html = client_for(user).get(f"/admin/shop/orders/{order.reference}/").content.decode()
        part = order.shipments.get()
        offered = {a.name for a in orders.available_actions(order, user)} | {
            a.name for a in orders.available_actions(part, user)
        }
        rendered = {t.name for t in orders.TRANSITIONS if f'value="{t.name}"' in html}
        assert rendered == offered, actor


def test_payment_after_cancellation_is_flagged_and_never_reopens(people):
    order = place_order(
        items={people["a"].sku: 2},
        address=address(),
        shipping={people["a"].page.producer_id: "delivery"},
        payment_method="vietqr",
    )
    from products.stock import levels

    sku = people["a"].sku
    orders.cancel_order(order, note="quá hạn")
    reserved = levels([sku])[sku].reserved
    assert orders.mark_paid(order, note="chuyển khoản đến muộn")
    order.refresh_from_db()
    assert order.status == S.CANCELLED and order.is_paid
    assert "hoàn tiền" in order.flagged_reason
    assert set(order.shipments.values_list("status", flat=True)) == {P.CANCELLED}
    assert levels([sku])[sku].reserved == reserved  # stock not taken again
    assert order.history.filter(note__contains="cần hoàn tiền").exists()
    # The officer now sees the refund, and the refund clears the flag.
    officer = people["officer"]
    assert "refund" in {a.name for a in orders.available_actions(order, officer)}
    assert orders.perform(order, "refund", officer, note="trả lại tiền chuyển muộn")
    order.refresh_from_db()
    assert order.status == S.REFUNDED and order.flagged_reason == ""
