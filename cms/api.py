"""The open read API (Wagtail API v2) at /api/v2/."""

from wagtail.api.v2.router import WagtailAPIRouter
from wagtail.api.v2.views import PagesAPIViewSet

from products.api import PublishedImagesAPIViewSet

api_router = WagtailAPIRouter("wagtailapi")
api_router.register_endpoint("pages", PagesAPIViewSet)
# Only pictures already on live pages: a farmer's unreviewed uploads stay private.
api_router.register_endpoint("images", PublishedImagesAPIViewSet)
