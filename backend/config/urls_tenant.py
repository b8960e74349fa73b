"""Tenant API, reached as /h/<tenant-slug>/api/v1/... (tenants.routing strips the prefix into the script
prefix, so these patterns start at api/v1/). Every view here gets core.permissions.TenantAccess: a caller
without a membership in the hospital, or a supervisory role over it, gets 404."""

from django.urls import include, path

from tenants.api.views import TenantContextView

api_v1 = [
    path("context/", TenantContextView.as_view(), name="tenant-context"),
    path("", include("archives.api.urls")),
    path("", include("approvals.api.urls")),
    path("", include("credentialing.api.urls")),
    path("", include("exams.api.tenant_urls")),
]

urlpatterns = [
    path("api/v1/", include(api_v1)),
]

handler404 = "core.exceptions.not_found_view"
handler500 = "core.exceptions.server_error_view"
