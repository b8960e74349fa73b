"""Only for the OpenAPI document: public and tenant routes in one schema, tenant ones under
/h/{tenant_slug}/."""

from django.urls import include, path

from config import urls_public, urls_tenant

urlpatterns = [
    path("api/v1/", include(urls_public.api_v1)),
    path("h/<slug:tenant_slug>/api/v1/", include(urls_tenant.api_v1)),
]
