"""An account holder's address book, the one place for its rules: at most
`SavedAddress.MAX_PER_USER` addresses, exactly one default whenever there is any (the first
saved becomes it; deleting the default promotes the newest), the same address never twice.
The checkout offers them (the default pre-filled) and saves a new one when asked."""

from django.db import transaction

from .models import SavedAddress


def addresses_for(user) -> list[SavedAddress]:
    if not getattr(user, "is_authenticated", False):
        return []
    return list(SavedAddress.objects.filter(user=user).select_related("commune__province"))


def initial_for(address: SavedAddress) -> dict:
    """The checkout form's fields from a saved address."""
    return {
        "recipient": address.recipient,
        "phone": address.phone,
        "province": address.commune.province.code,
        "commune": address.commune.code,
        "street": address.street,
    }


@transaction.atomic
def save(user, *, recipient, phone, commune, street, is_default=False, address=None):
    """Create (or, with `address`, update) one of the user's addresses. Returns it, or None
    when the book is full. An identical address is updated rather than added twice."""
    book = SavedAddress.objects.select_for_update().filter(user=user)
    if address is None:
        address = book.filter(
            recipient=recipient, phone=phone, commune=commune, street=street
        ).first()
    if address is None:
        if book.count() >= SavedAddress.MAX_PER_USER:
            return None
        address = SavedAddress(user=user)
    address.recipient, address.phone, address.commune, address.street = (
        recipient,
        phone,
        commune,
        street,
    )
    first = not book.exclude(pk=address.pk).exists()
    if is_default or first:
        book.exclude(pk=address.pk).filter(is_default=True).update(is_default=False)
        address.is_default = True
    address.save()
    return address


@transaction.atomic
def make_default(user, address_id) -> bool:
    book = SavedAddress.objects.select_for_update().filter(user=user)
    address = book.filter(pk=address_id).first()
    if address is None:
        return False
    book.filter(is_default=True).exclude(pk=address.pk).update(is_default=False)
    book.filter(pk=address.pk).update(is_default=True)
    return True


@transaction.atomic
def delete(user, address_id) -> bool:
    book = SavedAddress.objects.select_for_update().filter(user=user)
    address = book.filter(pk=address_id).first()
    if address is None:
        return False
    was_default = address.is_default
    address.delete()
    if was_default:
        newest = book.order_by("-updated_at", "-pk").first()
        if newest is not None:
            book.filter(pk=newest.pk).update(is_default=True)
    return True
