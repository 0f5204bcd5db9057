"""Who is an officer: the one site-wide role every app asks about (officers and site admins
review, publish, moderate and run the money). Knows no domain model; the producers' own groups
(``Producer: <slug>``) are products.roles' business."""

OFFICER_GROUP = "Officer"


def group_names(user) -> list[str]:
    """The login's group names, read once per user object (a request's `request.user`)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    cache = getattr(user, "_ocop_group_names", None)
    if cache is None:
        cache = list(user.groups.values_list("name", flat=True))
        user._ocop_group_names = cache
    return cache


def is_officer(user) -> bool:
    """Officers and site admins review, publish and see every producer."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return user.is_superuser or OFFICER_GROUP in group_names(user)
