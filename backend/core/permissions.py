"""The permission classes every view gets by default (settings.REST_FRAMEWORK).

- TenantAccess: on a tenant route (/h/<slug>/api/v1/...) the caller must be a member of that hospital or hold
  a supervisory role over it. Anyone else gets 404, the same answer as for a hospital that does not exist.
  Supervisory access is read-only.
- HasActionPermission: a view declares `permission_codes = {"list": "...", "create": "..."}` (action or
  lower-case method); the caller's actor must hold the code, or one of them when a tuple of codes is given.

Object scope (which rows) lives in the selectors, never here.
"""

from functools import cache

from django.conf import settings
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import SAFE_METHODS, BasePermission

from core.errors import NotFound, PermissionDenied


@cache
def _resolver():
    return import_string(settings.ACTOR_RESOLVER)


def get_actor(request):
    """The request's Actor, resolved once and kept on the request (None when the user has no standing)."""
    django_request = getattr(request, "_request", request)
    if not hasattr(django_request, "actor"):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            django_request.actor = None
        else:
            django_request.actor = _resolver()(request)
    return django_request.actor


class TenantAccess(BasePermission):
    def has_permission(self, request, view):
        if getattr(request, "tenant", None) is None:
            return True  # a public route: jurisdiction is the selectors' business
        if not (request.user and request.user.is_authenticated):
            return False  # IsAuthenticated answers 401 first
        actor = get_actor(request)
        if actor is None:
            raise NotFound()
        if actor.is_supervisor and request.method not in SAFE_METHODS:
            raise PermissionDenied(_("监管角色只能查看，不能修改医院数据。"), code="read_only_supervision")
        return True


class HasActionPermission(BasePermission):
    def has_permission(self, request, view):
        codes = getattr(view, "permission_codes", None)
        if not codes:
            return True
        key = getattr(view, "action", None) or request.method.lower()
        code = codes.get(key)
        if code is None:
            return True
        actor = get_actor(request)
        wanted = code if isinstance(code, tuple) else (code,)
        if actor is None or not any(actor.has(c) for c in wanted):
            raise PermissionDenied()
        return True
