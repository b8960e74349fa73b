from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from accounts import selectors, services
from accounts.api.serializers import (
    LoginInput,
    MeOutput,
    PasswordChangeInput,
    RefreshInput,
    TokenPairOutput,
)
from accounts.services.passwords import password_change_reason


def pair_data(pair, user) -> dict:
    """A token pair and whether the user must change their password first (and why)."""
    reason = password_change_reason(user)
    return {
        "access": pair.access,
        "refresh": pair.refresh,
        "access_expires_at": pair.access_expires_at,
        "refresh_expires_at": pair.refresh_expires_at,
        "must_change_password": reason is not None,
        "password_change_reason": reason,
    }


def _pair_output(pair, user):
    return TokenPairOutput(pair_data(pair, user)).data


class SelfServiceMixin:
    """Views a mini-program token may call (the physician's self-service; see accounts.authentication)."""

    miniprogram_allowed = True


class _AnonymousAuthView(APIView):
    """Login and refresh: no token needed, throttled per client IP."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "login"
    miniprogram_allowed = True


class LoginView(_AnonymousAuthView):
    """Log in with username and password: an access token and a refresh token. 登录。"""

    @extend_schema(request=LoginInput, responses={200: TokenPairOutput}, operation_id="auth_login")
    def post(self, request):
        data = LoginInput(data=request.data)
        data.is_valid(raise_exception=True)
        user, pair = services.auth_login(**data.validated_data, request=request)
        return Response(_pair_output(pair, user))


class RefreshView(_AnonymousAuthView):
    """Exchange a refresh token for a new pair; the old one stops working. 刷新令牌。"""

    @extend_schema(request=RefreshInput, responses={200: TokenPairOutput}, operation_id="auth_refresh")
    def post(self, request):
        data = RefreshInput(data=request.data)
        data.is_valid(raise_exception=True)
        user, pair = services.auth_refresh(refresh=data.validated_data["refresh"], request=request)
        return Response(_pair_output(pair, user))


class LogoutView(SelfServiceMixin, APIView):
    allowed_before_password_change = True

    @extend_schema(request=None, responses={204: None}, operation_id="auth_logout")
    def post(self, request):
        services.auth_logout(user=request.user, access_token=request.auth, request=request)
        return Response(status=status.HTTP_204_NO_CONTENT)


class PasswordChangeView(SelfServiceMixin, APIView):
    """Change one's own password (policy: at least 8 characters of 3 kinds, none of the last five); every
    token of the user is revoked. 修改密码。"""

    allowed_before_password_change = True

    @extend_schema(request=PasswordChangeInput, responses={204: None}, operation_id="auth_password_change")
    def post(self, request):
        data = PasswordChangeInput(data=request.data)
        data.is_valid(raise_exception=True)
        services.password_change(user=request.user, **data.validated_data, request=request)
        return Response(status=status.HTTP_204_NO_CONTENT)


class MeView(SelfServiceMixin, APIView):
    allowed_before_password_change = True

    @extend_schema(responses={200: MeOutput}, operation_id="me_retrieve")
    def get(self, request):
        memberships = selectors.memberships_for_user(request.user)
        user = request.user
        reason = password_change_reason(user)
        return Response(
            MeOutput(
                {
                    "id": user.id,
                    "username": user.username,
                    "name": user.name,
                    "must_change_password": reason is not None,
                    "password_change_reason": reason,
                    "memberships": memberships,
                }
            ).data
        )
