from django.dispatch import receiver

from shop.checkout import order_placed


@receiver(order_placed, dispatch_uid="experiences.tickets_on_order")
def tickets_on_order(sender, order_pk, **kwargs):
    """An order with places in sessions (sent after commit): issue its tickets, email them."""
    from .bookings import send_ticket_email

    send_ticket_email(order_pk)
