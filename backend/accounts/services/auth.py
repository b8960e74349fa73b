"""Writes about accounts: login, tokens, passwords, memberships."""

from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import AuthToken, Membership, TokenKind, User
from accounts.roles import ROLE_SPECS
from accounts.services.passwords import password_set
from accounts.tokens import new_token, token_hash
from audit.services import audit_record
from core.errors import ApplicationError, PermissionDenied

# Checked against when the username does not exist, so that the reply takes as long as for a real user.
_DUMMY_HASH = make_password("timing-equaliser")


class LoginFailed(ApplicationError):
    status_code = 401
    default_code = "login_failed"
    default_detail = gettext_lazy("用户名或密码错误，或账号已被锁定。")


class TokenScopeDenied(PermissionDenied):
    default_code = "token_scope"
    default_detail = gettext_lazy("只有医师账号可以登录小程序。")


# _login_attempt's answer when the password was right but the account may not have mini-program tokens.
MINIPROGRAM_REFUSED = object()


@dataclass
class TokenPair:
    access: str
    refresh: str
    access_expires_at: datetime
    refresh_expires_at: datetime


MINIPROGRAM = "miniprogram"


def is_physician_account(user: User) -> bool:
    """Whether the account is linked to a physician of the registry: only those get mini-program tokens."""
    return User.objects.filter(pk=user.pk, physician__isnull=False).exists()


def _ttls(client: str):
    if client == MINIPROGRAM:
        return settings.MINIPROGRAM_ACCESS_TOKEN_TTL, settings.MINIPROGRAM_REFRESH_TOKEN_TTL
    return settings.ACCESS_TOKEN_TTL, settings.REFRESH_TOKEN_TTL


def _issue_pair(user: User, *, client: str, family=None) -> TokenPair:
    now = timezone.now()
    access, access_hash = new_token()
    refresh, refresh_hash = new_token()
    access_ttl, refresh_ttl = _ttls(client)
    access_exp = now + access_ttl
    refresh_exp = now + refresh_ttl
    kwargs = {"family": family} if family else {}
    parent = AuthToken.objects.create(
        user=user,
        kind=TokenKind.REFRESH,
        key_hash=refresh_hash,
        client=client,
        expires_at=refresh_exp,
        **kwargs,
    )
    AuthToken.objects.create(
        user=user,
        kind=TokenKind.ACCESS,
        key_hash=access_hash,
        client=client,
        expires_at=access_exp,
        family=parent.family,
    )
    return TokenPair(access, refresh, access_exp, refresh_exp)


def tokens_issue(*, user: User, client: str) -> TokenPair:
    """A new token pair (a new family) for a user who has just proven who they are (WeChat login, bind)."""
    return _issue_pair(user, client=client)


def auth_login(*, username: str, password: str, client: str = "web", request=None) -> tuple[User, TokenPair]:
    """Password login with lockout.

    After LOGIN_MAX_FAILURES wrong passwords the account is locked for LOGIN_LOCKOUT; a wrong password, an
    unknown user, an inactive or a locked account all get the same reply (LoginFailed). Every attempt is
    audited with IP and user agent; the failure counter and the audit row are committed before the error
    is raised.
    """
    outcome = _login_attempt(username=username, password=password, client=client, request=request)
    if outcome is None:
        raise LoginFailed()
    if outcome is MINIPROGRAM_REFUSED:
        raise TokenScopeDenied()
    return outcome


@transaction.atomic
def _login_attempt(*, username, password, client, request) -> tuple[User, TokenPair] | object | None:
    now = timezone.now()
    user = User.objects.select_for_update().filter(username=username).first()
    if user is None:
        check_password(password, _DUMMY_HASH)
        _audit_failure(request, username, "unknown_user")
        return None
    if user.locked_until and user.locked_until > now:
        _audit_failure(request, username, "locked", user)
        return None
    if not user.is_active or not user.check_password(password):
        user.failed_login_count += 1
        fields = ["failed_login_count"]
        if user.failed_login_count >= settings.LOGIN_MAX_FAILURES:
            user.locked_until = now + settings.LOGIN_LOCKOUT
            user.failed_login_count = 0
            fields.append("locked_until")
        user.save(update_fields=fields)
        _audit_failure(request, username, "inactive" if not user.is_active else "bad_password", user)
        return None
    user.failed_login_count = 0
    user.locked_until = None
    user.last_login = now
    user.save(update_fields=["failed_login_count", "locked_until", "last_login"])
    if client == MINIPROGRAM and not is_physician_account(user):
        # Mini-program tokens are scoped to the physician: staff-only accounts use the web app.
        _audit_failure(request, username, "not_a_physician", user)
        return MINIPROGRAM_REFUSED
    pair = _issue_pair(user, client=client)
    audit_record(action="auth.login", actor=user, request=request, data={"client": client})
    return user, pair


def _audit_failure(request, username: str, reason: str, user: User | None = None) -> None:
    audit_record(
        action="auth.login_failed",
        actor=user,
        request=request,
        data={"username": username[:64], "reason": reason},
    )


def auth_refresh(*, refresh: str, request=None) -> tuple[User, TokenPair]:
    """Rotate a refresh token: the old one is revoked, a new pair issued in the same family.

    A refresh token presented after it was rotated means it leaked: the whole family is revoked (committed
    before the error is raised), so the thief's and the owner's tokens all stop working.
    """
    outcome = _refresh_attempt(refresh=refresh, request=request)
    if outcome is None:
        raise ApplicationError(_("登录已失效，请重新登录。"), code="refresh_invalid")
    return outcome


@transaction.atomic
def _refresh_attempt(*, refresh: str, request) -> tuple[User, TokenPair] | None:
    now = timezone.now()
    token = (
        AuthToken.objects.select_for_update()
        .select_related("user")
        .filter(key_hash=token_hash(refresh), kind=TokenKind.REFRESH)
        .first()
    )
    if token is None or token.expires_at <= now or not token.user.is_active:
        return None
    if token.client == MINIPROGRAM and not is_physician_account(token.user):
        return None
    if token.revoked_at is not None:
        AuthToken.objects.filter(family=token.family, revoked_at__isnull=True).update(revoked_at=now)
        audit_record(action="auth.refresh_reused", actor=token.user, request=request)
        return None
    AuthToken.objects.filter(family=token.family, revoked_at__isnull=True).update(revoked_at=now)
    return token.user, _issue_pair(token.user, client=token.client, family=token.family)


@transaction.atomic
def auth_logout(*, user: User, access_token: AuthToken, request=None) -> None:
    """Revoke the caller's token family (this device), not their other sessions."""
    AuthToken.objects.filter(family=access_token.family, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    audit_record(action="auth.logout", actor=user, request=request)


@transaction.atomic
def password_change(*, user: User, old_password: str, new_password: str, request=None) -> None:
    """Change one's own password under the policy (accounts.services.passwords: validators, none of the last
    five); clears a forced change; every token of the user is revoked (all devices log in again).
    Audited: `auth.password_changed`."""
    if not user.check_password(old_password):
        raise ApplicationError(_("原密码不正确。"), code="wrong_password", attr="old_password")
    password_set(user=user, password=new_password, must_change=False, attr="new_password")
    audit_record(action="auth.password_changed", actor=user, request=request)


@transaction.atomic
def membership_grant(*, user: User, organization, role: str, department=None, actor=None) -> Membership:
    """Give a user a role in an organisation. The role must fit the organisation's kind."""
    spec = ROLE_SPECS.get(role)
    if spec is None or organization.kind not in spec.kinds:
        raise ApplicationError(_("该角色不适用于此类机构。"), code="role_not_allowed", attr="role")
    membership, _created = Membership.objects.update_or_create(
        user=user,
        organization=organization,
        role=role,
        defaults={"department": department, "is_active": True},
    )
    audit_record(
        action="accounts.membership_granted",
        actor=actor,
        organization_id=organization.id,
        region_path=organization.region_path,
        target=membership,
        data={"user": str(user.pk), "role": role},
    )
    return membership
