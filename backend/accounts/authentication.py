from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions
from rest_framework.permissions import BasePermission

from accounts.models import AuthToken, TokenKind
from accounts.services.passwords import password_change_reason
from accounts.tokens import token_hash
from core.errors import PermissionDenied

MINIPROGRAM_CLIENT = "miniprogram"


class BearerTokenAuthentication(authentication.BaseAuthentication):
    """`Authorization: Bearer <access token>`; the token is looked up by its hash."""

    keyword = "Bearer"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(_("认证信息格式错误。"), code="bad_authorization_header")
        try:
            raw = header[1].decode()
        except UnicodeError as exc:
            raise exceptions.AuthenticationFailed(
                _("认证信息格式错误。"), code="bad_authorization_header"
            ) from exc
        token = (
            AuthToken.objects.select_related("user")
            .filter(key_hash=token_hash(raw), kind=TokenKind.ACCESS, revoked_at__isnull=True)
            .first()
        )
        if token is None or token.expires_at <= timezone.now() or not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("登录已失效，请重新登录。"), code="token_invalid")
        return token.user, token

    def authenticate_header(self, request):
        return self.keyword


class TokenScope(BasePermission):
    """Mini-program tokens are scoped to the physician: they reach only the views that mark themselves
    `miniprogram_allowed = True` (the physician's self-service: /me/, logout, password change, WeChat, exams).
    Anything else answers 403 `token_scope`. A default permission class (settings.REST_FRAMEWORK)."""

    def has_permission(self, request, view):
        token = request.auth
        if (
            isinstance(token, AuthToken)
            and token.client == MINIPROGRAM_CLIENT
            and not getattr(view, "miniprogram_allowed", False)
        ):
            raise PermissionDenied(_("小程序登录凭证不能访问该接口。"), code="token_scope")
        return True


class PasswordChangeGate(BasePermission):
    """A user who must change their password (first login, after a reset, a staff password past its age) may
    only change it, log out and read /me/ (views marked `allowed_before_password_change = True`); anything
    else answers 403 `password_change_required`. A default permission class (settings.REST_FRAMEWORK)."""

    def has_permission(self, request, view):
        user = request.user
        if not (user and user.is_authenticated) or getattr(view, "allowed_before_password_change", False):
            return True
        if password_change_reason_for_request(request) is not None:
            raise PermissionDenied(_("请先修改密码。"), code="password_change_required")
        return True


def password_change_reason_for_request(request) -> str | None:
    """password_change_reason of the caller, computed once per request."""
    django_request = getattr(request, "_request", request)
    if not hasattr(django_request, "password_change_reason"):
        django_request.password_change_reason = password_change_reason(request.user)
    return django_request.password_change_reason
