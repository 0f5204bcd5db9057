"""The session form of the admin: a producer schedules sessions of its own experiences only."""

from wagtail.admin.forms import WagtailAdminModelForm


class SessionForm(WagtailAdminModelForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from .bookings import experiences_for

        field = self.fields.get("experience")
        if field is not None and self.for_user is not None:
            field.queryset = experiences_for(self.for_user).select_related("product")
