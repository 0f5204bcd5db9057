from django.dispatch import receiver

from shop.checkout import order_placed


@receiver(order_placed, dispatch_uid="experiences.tickets_on_order")
def tickets_on_order(sender, order_pk, skus=None, **kwargs):
    """An order with places in sessions (sent after commit): issue its tickets, email them.
    An order known to hold none (`skus` given, none a session's place) is not read."""
    from .bookings import send_ticket_email
    from .places import session_id

    if skus is not None and all(session_id(sku) is None for sku in skus):
        return
    send_ticket_email(order_pk)
