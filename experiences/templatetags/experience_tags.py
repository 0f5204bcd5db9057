from django import template
from django.conf import settings

from ..bookings import cancel_state, issue_tickets, tickets_of
from ..models import Experience
from ..places import bookable_sessions

register = template.Library()


@register.simple_tag
def experience_for(page):
    """The page's Experience (booking rules) if the product is sold by sessions, else None."""
    if page is None or not getattr(page, "pk", None):
        return None
    return Experience.objects.filter(product_id=page.pk).first()


@register.inclusion_tag("experiences/includes/booking.html", takes_context=True)
def experience_booking(context, experience):
    """The session chooser and participants count that replace variants on the product page."""
    sessions = list(bookable_sessions(experience.product))
    return {
        "request": context.get("request"),
        "experience": experience,
        "sessions": sessions,
        "max_participants": min(
            max((s.remaining for s in sessions), default=1), settings.SHOP_MAX_QUANTITY
        ),
    }


@register.inclusion_tag("experiences/includes/order_bookings.html")
def order_bookings(order, token=""):
    """Tickets of an order, and the cancel button while free cancellation lasts."""
    issue_tickets(order)  # an order placed before its email went out still shows its tickets
    tickets = tickets_of(order)
    return {
        "order": order,
        "token": token,
        "tickets": tickets,
        "state": cancel_state(order) if tickets else None,
    }
