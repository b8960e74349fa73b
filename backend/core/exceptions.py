"""The one error shape for every error the API returns (drf-standardized-errors, extended).

Added to the library's behaviour:
- ApplicationError keeps its `attr`;
- a database, Redis or object-store outage becomes a 503 `service_unavailable` (the transaction is rolled back
  by the handler, so nothing is half-written);
- Django-level errors outside DRF views (unknown tenant, unknown URL, 500) use the same shape through
  `error_response`.
"""

import logging

from botocore.exceptions import BotoCoreError, EndpointConnectionError
from django.db import DatabaseError, InterfaceError, OperationalError
from django.http import JsonResponse
from django.utils.translation import gettext as _
from drf_standardized_errors.formatter import ExceptionFormatter as BaseFormatter
from drf_standardized_errors.handler import ExceptionHandler as BaseHandler
from drf_standardized_errors.handler import exception_handler  # noqa: F401 - used by settings
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from core.errors import ApplicationError, ServiceUnavailable

logger = logging.getLogger(__name__)

OUTAGES = (OperationalError, InterfaceError, RedisConnectionError, RedisTimeoutError, EndpointConnectionError)


class ExceptionHandler(BaseHandler):
    def convert_known_exceptions(self, exc):
        if isinstance(exc, OUTAGES) or (isinstance(exc, BotoCoreError) and "connect" in str(exc).lower()):
            logger.warning("dependency unavailable: %s", exc.__class__.__name__)
            return ServiceUnavailable()
        if isinstance(exc, DatabaseError) and getattr(exc, "__cause__", None) is not None:
            cause = exc.__cause__
            if cause.__class__.__name__ in {"ConnectionTimeout", "ConnectionFailure", "AdminShutdown"}:
                return ServiceUnavailable()
        return super().convert_known_exceptions(exc)


class ExceptionFormatter(BaseFormatter):
    def run(self):
        data = super().run()
        if isinstance(self.original_exc, ApplicationError) and self.original_exc.attr:
            for error in data["errors"]:
                error["attr"] = self.original_exc.attr
        return data


def error_response(status: int, code: str, detail: str, error_type: str = "client_error") -> JsonResponse:
    """An error outside DRF's views (middleware, URL resolution, 500) in the same JSON shape."""
    return JsonResponse(
        {"type": error_type, "errors": [{"code": code, "detail": str(detail), "attr": None}]}, status=status
    )


def not_found_view(request, exception=None):
    return error_response(404, "not_found", _("未找到。"))


def server_error_view(request):
    return error_response(500, "error", _("服务器内部错误。"), error_type="server_error")
