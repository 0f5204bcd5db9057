from django.dispatch import receiver

from shop.checkout import order_placed


@receiver(order_placed, dispatch_uid="experiences.tickets_on_order")
def tickets_on_order(sender, order_pk, skus=None, **kwargs):
    """An order with places in sessions (sent after commit): issue its tickets, email them.
    An order known to hold none (`skus` given, none a session's place) is not read."""
    from .bookings import send_ticket_email
    from .places import SKU_PREFIX

    if skus is not None and not any(str(sku).startswith(SKU_PREFIX) for sku in skus):
        return
    send_ticket_email(order_pk)
