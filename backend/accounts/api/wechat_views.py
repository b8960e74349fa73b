"""WeChat login for the mini-program (anonymous, throttled per IP) and the institution's management of its
physicians' WeChat bindings (bind codes, unbind)."""

from django.conf import settings
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from accounts import wechat_selectors
from accounts.api.serializers import TokenPairOutput
from accounts.api.views import pair_data
from accounts.api.wechat_serializers import (
    WeChatBindCodeIssuedOutput,
    WeChatBindCodeRequestInput,
    WeChatBindCodeRequestOutput,
    WeChatBindingOutput,
    WeChatBindInput,
    WeChatLoginInput,
    WeChatLoginOutput,
)
from accounts.permissions import Perm
from accounts.services import wechat as services
from core.permissions import get_actor


class _WeChatAnonymousView(APIView):
    """No token needed; throttled per client IP like password login."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "login"
    miniprogram_allowed = True


class WeChatLoginView(_WeChatAnonymousView):
    """Log in with a wx.login code: tokens when this WeChat is bound to a physician account, otherwise a bind
    ticket (code "wechat_not_bound"). 微信登录。"""

    @extend_schema(
        request=WeChatLoginInput, responses={200: WeChatLoginOutput}, operation_id="auth_wechat_login"
    )
    def post(self, request):
        data = WeChatLoginInput(data=request.data)
        data.is_valid(raise_exception=True)
        result = services.wechat_login(code=data.validated_data["code"], request=request)
        if result.pair is not None:
            body = {"status": "logged_in", "code": None, "bind_ticket": None, "bind_ticket_expires_at": None}
            body.update(pair_data(result.pair, result.user))
        else:
            body = {
                "status": "not_bound",
                "code": "wechat_not_bound",
                "access": None,
                "refresh": None,
                "access_expires_at": None,
                "refresh_expires_at": None,
                "must_change_password": False,
                "password_change_reason": None,
                "bind_ticket": result.ticket,
                "bind_ticket_expires_at": result.ticket_expires_at,
            }
        return Response(WeChatLoginOutput(body).data)


class WeChatBindCodeRequestView(_WeChatAnonymousView):
    """Ask for an SMS bind code to the phone on file of one's physician account. The reply is the same
    whether or not such an account exists. 发送微信绑定验证码。"""

    @extend_schema(
        request=WeChatBindCodeRequestInput,
        responses={202: WeChatBindCodeRequestOutput},
        operation_id="auth_wechat_bind_code_request",
    )
    def post(self, request):
        data = WeChatBindCodeRequestInput(data=request.data)
        data.is_valid(raise_exception=True)
        services.wechat_bind_code_send(**data.validated_data, request=request)
        body = {
            "detail": _("如信息与登记一致，验证码已发送至登记的手机号。"),
            "code_expires_in": int(settings.BIND_CODE_SMS_TTL.total_seconds()),
        }
        return Response(WeChatBindCodeRequestOutput(body).data, status=status.HTTP_202_ACCEPTED)


class WeChatBindView(_WeChatAnonymousView):
    """Bind this WeChat to one's physician account with a one-time code (SMS or from the institution) and log
    in. 绑定微信。"""

    @extend_schema(request=WeChatBindInput, responses={200: TokenPairOutput}, operation_id="auth_wechat_bind")
    def post(self, request):
        data = WeChatBindInput(data=request.data)
        data.is_valid(raise_exception=True)
        user, pair = services.wechat_bind(**data.validated_data, request=request)
        return Response(TokenPairOutput(pair_data(pair, user)).data)


class PhysicianWeChatView(APIView):
    """Whether a physician of one's own institution has bound WeChat (GET), and unbinding it so they can bind
    again with a new code (DELETE). 医师微信绑定：查看、解绑。"""

    permission_codes = {"get": Perm.WECHAT_MANAGE, "delete": Perm.WECHAT_MANAGE}

    @extend_schema(responses={200: WeChatBindingOutput}, operation_id="physician_wechat_retrieve")
    def get(self, request, pk):
        physician = wechat_selectors.wechat_physician_get_for_actor(actor=get_actor(request), physician_id=pk)
        identity = wechat_selectors.wechat_identity_for_physician(physician)
        body = {
            "physician_id": physician.id,
            "has_account": physician.user_id is not None,
            "bound": identity is not None,
            "openid_masked": wechat_selectors.mask_openid(identity.openid) if identity else None,
            "bound_at": identity.bound_at if identity else None,
        }
        return Response(WeChatBindingOutput(body).data)

    @extend_schema(responses={204: None}, operation_id="physician_wechat_unbind")
    def delete(self, request, pk):
        services.wechat_unbind(
            actor=get_actor(request), caller=request.user, physician_id=pk, request=request
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


class PhysicianWeChatBindCodeView(APIView):
    """Issue a one-time WeChat bind code for a physician of one's own institution, shown once. 发放微信绑定码。"""

    permission_codes = {"post": Perm.WECHAT_MANAGE}

    @extend_schema(
        request=None,
        responses={201: WeChatBindCodeIssuedOutput},
        operation_id="physician_wechat_bind_code_issue",
    )
    def post(self, request, pk):
        issued = services.wechat_bind_code_issue(
            actor=get_actor(request), caller=request.user, physician_id=pk, request=request
        )
        return Response(
            WeChatBindCodeIssuedOutput({"code": issued.code, "expires_at": issued.expires_at}).data,
            status=status.HTTP_201_CREATED,
        )
