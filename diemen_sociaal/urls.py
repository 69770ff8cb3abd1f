from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.utils.functional import lazy
from django.views.generic import RedirectView

import public.urls
import publishing.urls

# Read when a page is made, so the name follows the settings of this installation.
admin.site.site_header = lazy(
    lambda: f"{settings.MUNICIPALITY_NAME} — beheer sociaal domein", str
)()
admin.site.site_title = lazy(lambda: f"{settings.MUNICIPALITY_NAME} — sociaal domein", str)()
admin.site.index_title = "Beheer van rapportages"
# The admin's own login page would skip the second factor: it sends people to ours.
admin.site.login = RedirectView.as_view(pattern_name="login", query_string=True)  # type: ignore[method-assign, assignment]

handler500 = "diemen_sociaal.ops.server_error"
handler404 = "readmodel.withdrawn.page_not_found"

urlpatterns = [
    path("admin/", admin.site.urls),
    # The login with its second step, and Django's other account pages.
    path("accounts/", include("accounts.urls")),
    path("", include("diemen_sociaal.ops_urls")),
    path("api/", include("opendata.api_urls")),
    path("", include("opendata.urls")),
    path("beheer/", include("staff.urls")),
    path("", include("policy.urls")),
    # The public pages and their PDF addresses share one namespace ("programs:").
    path("", include(([*publishing.urls.urlpatterns, *public.urls.urlpatterns], "programs"))),
]
