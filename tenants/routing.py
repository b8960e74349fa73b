"""Tenant routing by URL prefix: /h/<slug>/api/v1/... runs in the hospital's schema.

One small middleware instead of django-tenants' subfolder middleware (beta; it sets the search path twice,
clears the URL caches on every request and answers an unknown slug with HTML). Here:
- slug -> tenant comes from an in-process cache (a query the first time a process sees a slug, then again
  after TENANT_ROUTING_TTL seconds, so a suspension or a move to another region reaches every process);
- `/h/<slug>` moves into the script prefix, the rest of the path is resolved by the tenant URLconf, whose
  resolver and reverse() caches stay warm (reverse() then yields /h/<slug>/api/v1/... by itself);
- exactly one `set_tenant` per tenant request, none for a public request on a connection already in public;
- an unknown or suspended slug is a JSON 404 in the API's error shape;
- a connection that has touched many schemas is closed after the request (bounded catalogue cache).
"""

import re
import threading
import time
from dataclasses import dataclass

from django.conf import settings
from django.db import connection
from django.urls import get_script_prefix, set_script_prefix
from django.utils.translation import gettext as _
from django_tenants.utils import get_public_schema_name

from core.exceptions import OUTAGES, error_response

TENANT_PATH = re.compile(r"^/h/(?P<slug>[a-z0-9][a-z0-9-]{0,39})(?P<rest>/.*)$")


@dataclass(frozen=True)
class TenantRef:
    """What a request needs to know about its tenant, cached per process."""

    id: object
    slug: str
    schema_name: str
    organization_id: object
    region_path: str

    def get_tenant_type(self):  # django-tenants' connection API
        return None


_cache: dict[str, tuple[TenantRef, float]] = {}
_lock = threading.Lock()


def lookup(slug: str) -> TenantRef | None:
    cached = _cache.get(slug)
    if cached is not None and cached[1] > time.monotonic():
        return cached[0]
    from tenants.models import Tenant, TenantStatus

    if connection.schema_name != get_public_schema_name():
        connection.set_schema_to_public()
    row = (
        Tenant.objects.filter(slug=slug, status=TenantStatus.READY)
        .values_list("id", "schema_name", "organization_id", "organization__region_path")
        .first()
    )
    if row is None:
        return None
    ref = TenantRef(id=row[0], slug=slug, schema_name=row[1], organization_id=row[2], region_path=row[3])
    with _lock:
        _cache[slug] = (ref, time.monotonic() + getattr(settings, "TENANT_ROUTING_TTL", 60))
    return ref


def forget(slug: str | None = None) -> None:
    """Drop cached tenants now (after a suspension or a move, and in tests); other processes within the TTL."""
    with _lock:
        if slug is None:
            _cache.clear()
        else:
            _cache.pop(slug, None)


class TenantRoutingMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        match = TENANT_PATH.match(request.path_info)
        if match is None:
            request.tenant = None
            if connection.schema_name != get_public_schema_name():
                connection.set_schema_to_public()
            return self.get_response(request)

        try:
            ref = lookup(match["slug"])
        except OUTAGES:
            return error_response(
                503, "service_unavailable", _("服务暂不可用，请稍后重试。"), error_type="server_error"
            )
        if ref is None:
            return error_response(404, "tenant_not_found", _("未找到该医院。"))
        request.tenant = ref
        request.urlconf = settings.TENANT_URLCONF
        request.path_info = match["rest"]
        previous_prefix = get_script_prefix()
        set_script_prefix(f"{previous_prefix.rstrip('/')}/h/{ref.slug}/")
        connection.set_tenant(ref)
        touched = connection.__dict__.setdefault("_tenants_touched", set())
        touched.add(ref.schema_name)
        try:
            return self.get_response(request)
        finally:
            set_script_prefix(previous_prefix)
            connection.set_schema_to_public()
            if len(touched) >= settings.TENANT_CONN_MAX_SCHEMAS and not connection.in_atomic_block:
                touched.clear()
                connection.close()
