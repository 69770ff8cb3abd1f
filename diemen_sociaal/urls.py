from django.contrib import admin
from django.urls import include, path

import programs.urls  # noqa: F401 - registers the path converters used below

admin.site.site_header = "Diemen Sociaal — beheer"
admin.site.site_title = "Diemen Sociaal"
admin.site.index_title = "Beheer van rapportages"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/", include("django.contrib.auth.urls")),
    path("", include("diemen_sociaal.ops_urls")),
    path("api/", include("programs.api_urls")),
    path("", include("programs.data_urls")),
    path("beheer/", include("programs.staff_urls")),
    path("", include("policy.urls")),
    path("", include("programs.urls")),
]
