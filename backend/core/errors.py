"""Domain errors: one base class with a stable snake_case code, an HTTP status and a translatable message.

Clients branch on `code`, never on the text. The exception handler (core.exceptions) renders every error,
ours and Django's and DRF's, in one shape:
    {"type": "client_error", "errors": [{"code": "...", "detail": "...", "attr": null}]}
"""

from django.utils.translation import gettext_lazy as _
from rest_framework import status
from rest_framework.exceptions import APIException


class ApplicationError(APIException):
    status_code = status.HTTP_400_BAD_REQUEST
    default_code = "application_error"
    default_detail = _("请求无法处理。")

    def __init__(self, detail=None, code=None, *, attr: str | None = None):
        super().__init__(detail=detail, code=code)
        self.attr = attr


class NotFound(ApplicationError):
    status_code = status.HTTP_404_NOT_FOUND
    default_code = "not_found"
    default_detail = _("未找到。")


class Conflict(ApplicationError):
    status_code = status.HTTP_409_CONFLICT
    default_code = "conflict"
    default_detail = _("与当前状态冲突。")


class PermissionDenied(ApplicationError):
    status_code = status.HTTP_403_FORBIDDEN
    default_code = "permission_denied"
    default_detail = _("您没有执行该操作的权限。")


class ServiceUnavailable(ApplicationError):
    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_code = "service_unavailable"
    default_detail = _("服务暂不可用，请稍后重试。")
