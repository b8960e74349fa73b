"""Public API: /api/v1/... (the province platform). Tenant routes live in urls_tenant.py."""

from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from core import web

api_v1 = [
    path("", include("core.api.urls")),
    path("", include("accounts.api.urls")),
    path("", include("jobs.api.urls")),
    path("", include("organizations.api.region_urls")),
    path("", include("organizations.api.urls")),
    path("", include("accounts.api.account_urls")),
    path("", include("accounts.api.wechat_urls")),
    path("", include("audit.api.urls")),
    path("", include("physicians.api.urls")),
    path("", include("assessment_bodies.api.urls")),
    path("", include("assessment.api.urls")),
    path("", include("notifications.api.urls")),
    path("", include("exams.api.urls")),
    path("", include("practice.api.urls")),
    path("", include("proctoring.api.urls")),
]

urlpatterns = [
    path("api/v1/", include(api_v1)),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="docs"),
    # The browser app (web/dist): every other path, so its router handles deep links. Keep this line last.
    re_path(r"^(?!api/|h/|static/).*$", web.spa, name="web"),
]

handler404 = "core.exceptions.not_found_view"
handler500 = "core.exceptions.server_error_view"
