from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions

from accounts.models import AuthToken, TokenKind
from accounts.tokens import token_hash


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
