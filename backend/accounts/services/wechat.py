"""WeChat login for the mini-program, and binding a WeChat identity to an existing physician account.

Flow: `wx.login` code -> wechat_login. A bound openid gets a mini-program token pair; an unbound one gets a
short-lived opaque bind ticket (in the cache, holding the openid) and then
- wechat_bind_code_send: the physician names their account (ID-card or licence number) and an SMS code goes to
  the phone on file; the reply never says whether such a physician exists (rate-limited per ticket and per
  account), or
- the institution issues a code (wechat_bind_code_issue, shown once to its staff member),
- wechat_bind: ticket + account + code binds and logs in.
A code is stored hashed, expires (BIND_CODE_SMS_TTL / BIND_CODE_INSTITUTION_TTL), allows BIND_CODE_MAX_ATTEMPTS
wrong tries and is used once. An ID-card number and a password alone never bind. An account has at most one
WeChat identity and an openid at most one account; only the institution unbinds (wechat_unbind), after which
the physician binds again with a new code. Every step is audited (`wechat.*`).
"""

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts import wechat_selectors
from accounts.models import AuthToken, BindCode, BindCodeChannel, User, WeChatIdentity
from accounts.services.auth import (
    MINIPROGRAM,
    LoginFailed,
    TokenPair,
    TokenScopeDenied,
    is_physician_account,
    tokens_issue,
)
from accounts.sms import sms_adapter
from accounts.wechat import WeChatSession, wechat_adapter
from accounts.wechat_selectors import mask_openid
from audit.services import audit_record
from core.actor import Actor
from core.crypto import keyed_hash
from core.errors import ApplicationError, Conflict
from physicians.models import Physician

SMS_TEMPLATE = "wechat_bind_code"
_INSTITUTION_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read out and typed by people
INSTITUTION_CODE_LENGTH = 8


class BindTicketInvalid(ApplicationError):
    default_code = "bind_ticket_invalid"
    default_detail = gettext_lazy("绑定凭证无效或已过期，请重新进入小程序登录。")


class BindCodeInvalid(ApplicationError):
    default_code = "bind_code_invalid"
    default_detail = gettext_lazy("验证码错误或已失效。")


class BindThrottled(ApplicationError):
    status_code = 429
    default_code = "bind_code_throttled"
    default_detail = gettext_lazy("验证码请求过于频繁，请稍后再试。")


@dataclass
class WeChatLoginResult:
    """Either `pair` (bound: logged in) or `ticket` (not bound: bind next)."""

    user: User | None = None
    pair: TokenPair | None = None
    ticket: str | None = None
    ticket_expires_at: datetime | None = None


@dataclass
class IssuedBindCode:
    code: str  # shown once to the staff member, never stored in the clear
    expires_at: datetime


# --- bind tickets (cache) ---------------------------------------------------------------------------


def _ticket_key(ticket: str, suffix: str = "") -> str:
    return f"wechat:ticket:{hashlib.sha256(ticket.encode()).hexdigest()}{suffix}"


def _ticket_create(*, appid: str, session: WeChatSession) -> tuple[str, datetime]:
    ticket = secrets.token_urlsafe(32)
    ttl = settings.WECHAT_BIND_TICKET_TTL
    cache.set(
        _ticket_key(ticket),
        {"appid": appid, "openid": session.openid, "unionid": session.unionid},
        timeout=int(ttl.total_seconds()),
    )
    return ticket, timezone.now() + ttl


def _ticket_get(ticket: str) -> dict:
    data = cache.get(_ticket_key(ticket)) if ticket else None
    if not data:
        raise BindTicketInvalid()
    return data


def _ticket_count(ticket: str, what: str) -> int:
    """Count one more use of the ticket (sends, attempts); the counter lives as long as a ticket can."""
    key = _ticket_key(ticket, f":{what}")
    cache.add(key, 0, timeout=int(settings.WECHAT_BIND_TICKET_TTL.total_seconds()))
    return cache.incr(key)


def _ticket_drop(ticket: str) -> None:
    cache.delete_many([_ticket_key(ticket), _ticket_key(ticket, ":sends"), _ticket_key(ticket, ":attempts")])


# --- codes ------------------------------------------------------------------------------------------


def _code_hash(user_id, code: str) -> str:
    """Keyed and bound to the account: a leaked table gives neither the codes nor codes valid elsewhere."""
    message = f"{user_id}:{code.strip().upper()}".encode()
    return hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()


def _physician_by_identifier(*, id_card_number: str = "", licence_number: str = "") -> Physician | None:
    qs = Physician.objects.select_related("user")
    if id_card_number:
        return qs.filter(id_card_hash=keyed_hash(id_card_number)).first()
    if licence_number:
        return qs.filter(licence_number=licence_number.strip()).first()
    return None


def _digits(phone: str) -> str:
    digits = "".join(c for c in phone if c.isdigit())
    return digits[-11:]


# --- login ------------------------------------------------------------------------------------------


def wechat_login(*, code: str, request=None) -> WeChatLoginResult:
    """Exchange a `wx.login` code (through settings.WECHAT_ADAPTER). A bound, active physician account gets a
    mini-program token pair (audited `wechat.login`); an unbound openid gets a bind ticket (audited
    `wechat.login_not_bound`). Errors: 400 `wechat_code_invalid`, 503 `wechat_unavailable`, 401
    `login_failed` (account inactive), 403 `token_scope` (no longer a physician's account)."""
    adapter = wechat_adapter()
    session = adapter.code2session(code)
    outcome = _wechat_login_attempt(appid=adapter.appid, session=session, request=request)
    if isinstance(outcome, Exception):
        raise outcome
    return outcome


@transaction.atomic
def _wechat_login_attempt(*, appid: str, session: WeChatSession, request) -> WeChatLoginResult | Exception:
    identity = (
        WeChatIdentity.objects.select_related("user").filter(appid=appid, openid=session.openid).first()
    )
    if identity is None:
        ticket, expires_at = _ticket_create(appid=appid, session=session)
        audit_record(
            action="wechat.login_not_bound", request=request, data={"openid": mask_openid(session.openid)}
        )
        return WeChatLoginResult(ticket=ticket, ticket_expires_at=expires_at)
    user = identity.user
    if not user.is_active:
        audit_record(action="wechat.login_failed", actor=user, request=request, data={"reason": "inactive"})
        return LoginFailed()
    if not is_physician_account(user):
        audit_record(
            action="wechat.login_failed", actor=user, request=request, data={"reason": "not_a_physician"}
        )
        return TokenScopeDenied()
    if session.unionid and identity.unionid != session.unionid:
        identity.unionid = session.unionid
        identity.save(update_fields=["unionid", "updated_at"])
    user.last_login = timezone.now()
    user.save(update_fields=["last_login"])
    pair = tokens_issue(user=user, client=MINIPROGRAM)
    audit_record(action="wechat.login", actor=user, request=request, data={"client": MINIPROGRAM})
    return WeChatLoginResult(user=user, pair=pair)


# --- the physician binds ----------------------------------------------------------------------------


def wechat_bind_code_send(
    *, ticket: str, id_card_number: str = "", licence_number: str = "", phone: str = "", request=None
) -> None:
    """Send a bind code by SMS to the phone on file of the physician named by ID-card or licence number, when
    there is one with an active, unbound account (and `phone`, when given, is theirs). The caller learns
    nothing either way. At most WECHAT_BIND_TICKET_MAX_SENDS requests per ticket (then 429
    `bind_code_throttled`); per account at most one SMS per BIND_CODE_SMS_INTERVAL and BIND_CODE_SMS_PER_HOUR
    an hour (silently). Audited: `wechat.bind_code_sent`, or `wechat.bind_code_requested` when nothing went.
    Errors: 400 `bind_ticket_invalid`, 503 `sms_unavailable` (nothing stored)."""
    _ticket_get(ticket)
    if _ticket_count(ticket, "sends") > settings.WECHAT_BIND_TICKET_MAX_SENDS:
        raise BindThrottled()
    _bind_code_send(
        id_card_number=id_card_number, licence_number=licence_number, phone=phone, request=request
    )


@transaction.atomic
def _bind_code_send(*, id_card_number: str, licence_number: str, phone: str, request) -> None:
    now = timezone.now()
    physician = _physician_by_identifier(id_card_number=id_card_number, licence_number=licence_number)
    user = physician.user if physician is not None else None
    reason = ""
    on_file = ""
    if user is None or not user.is_active:
        reason = "no_account"
    else:
        user = User.objects.select_for_update().get(pk=user.pk)  # one request per account at a time
        on_file = physician.phone or user.phone
        recent = BindCode.objects.filter(
            user=user, channel=BindCodeChannel.SMS, created_at__gte=now - settings.BIND_CODE_SMS_INTERVAL
        )
        last_hour = BindCode.objects.filter(
            user=user, channel=BindCodeChannel.SMS, created_at__gte=now - timedelta(hours=1)
        )
        if not on_file:
            reason = "no_phone"
        elif phone and _digits(phone) != _digits(on_file):
            reason = "phone_mismatch"
        elif WeChatIdentity.objects.filter(user=user).exists():
            reason = "already_bound"
        elif recent.exists() or last_hour.count() >= settings.BIND_CODE_SMS_PER_HOUR:
            reason = "throttled"
    org = (
        {"organization_id": physician.organization_id, "region_path": physician.region_path}
        if physician
        else {}
    )
    if reason:
        audit_record(
            action="wechat.bind_code_requested",
            actor=user if physician else None,
            request=request,
            target=physician,
            data={"channel": BindCodeChannel.SMS, "sent": False, "reason": reason},
            **org,
        )
        return
    code = f"{secrets.randbelow(10**6):06d}"
    BindCode.objects.create(
        user=user,
        channel=BindCodeChannel.SMS,
        code_hash=_code_hash(user.pk, code),
        expires_at=now + settings.BIND_CODE_SMS_TTL,
    )
    audit_record(
        action="wechat.bind_code_sent",
        actor=user,
        request=request,
        target=physician,
        data={"channel": BindCodeChannel.SMS, "sent": True, "phone": f"***{on_file[-4:]}"},
        **org,
    )
    # Inside the transaction: when the SMS cannot be sent, the code is not stored either.
    sms_adapter().send(on_file, SMS_TEMPLATE, {"code": code})


def wechat_bind(
    *, ticket: str, code: str, id_card_number: str = "", licence_number: str = "", request=None
) -> tuple[User, TokenPair]:
    """Bind the ticket's WeChat identity to the physician account named by ID-card or licence number, with a
    one-time code (SMS or institution). Returns the user and a mini-program token pair. A wrong code counts
    against every live code of the account (BIND_CODE_MAX_ATTEMPTS), committed before the error. Errors: 400
    `bind_ticket_invalid` (also after WECHAT_BIND_TICKET_MAX_ATTEMPTS tries), 400 `bind_code_invalid` (no
    such account, wrong, expired, used or exhausted code: one reply), 409 `wechat_already_bound` (the account
    has a WeChat: the institution unbinds first), 409 `wechat_openid_taken`. Audited: `wechat.bound`,
    `wechat.bind_failed`."""
    session = _ticket_get(ticket)
    if _ticket_count(ticket, "attempts") > settings.WECHAT_BIND_TICKET_MAX_ATTEMPTS:
        _ticket_drop(ticket)
        raise BindTicketInvalid()
    outcome = _bind_attempt(
        session=session,
        code=code,
        id_card_number=id_card_number,
        licence_number=licence_number,
        request=request,
    )
    if isinstance(outcome, Exception):
        raise outcome
    _ticket_drop(ticket)
    return outcome


@transaction.atomic
def _bind_attempt(
    *, session: dict, code: str, id_card_number: str, licence_number: str, request
) -> tuple[User, TokenPair] | Exception:
    now = timezone.now()
    physician = _physician_by_identifier(id_card_number=id_card_number, licence_number=licence_number)
    user = physician.user if physician is not None else None
    if user is None or not user.is_active:
        audit_record(action="wechat.bind_failed", request=request, data={"reason": "no_account"})
        return BindCodeInvalid()
    org = {"organization_id": physician.organization_id, "region_path": physician.region_path}
    user = User.objects.select_for_update().get(pk=user.pk)
    live = list(
        BindCode.objects.select_for_update().filter(
            user=user, used_at__isnull=True, expires_at__gt=now, attempts__lt=settings.BIND_CODE_MAX_ATTEMPTS
        )
    )
    wanted = _code_hash(user.pk, code)
    match = next((c for c in live if hmac.compare_digest(c.code_hash, wanted)), None)
    if match is None:
        BindCode.objects.filter(pk__in=[c.pk for c in live]).update(attempts=F("attempts") + 1)
        audit_record(
            action="wechat.bind_failed",
            actor=user,
            request=request,
            target=physician,
            data={"reason": "wrong_code" if live else "no_live_code"},
            **org,
        )
        return BindCodeInvalid()
    if WeChatIdentity.objects.filter(user=user).exists():
        return Conflict(_("该账号已绑定微信，如需更换请联系所在机构解绑。"), code="wechat_already_bound")
    if WeChatIdentity.objects.filter(appid=session["appid"], openid=session["openid"]).exists():
        return Conflict(_("该微信已绑定其他账号。"), code="wechat_openid_taken")
    match.used_at = now
    match.save(update_fields=["used_at", "updated_at"])
    # One binding ends every other outstanding code of the account.
    BindCode.objects.filter(pk__in=[c.pk for c in live if c.pk != match.pk]).update(expires_at=now)
    identity = WeChatIdentity.objects.create(
        user=user, appid=session["appid"], openid=session["openid"], unionid=session.get("unionid", "")
    )
    user.last_login = now
    user.save(update_fields=["last_login"])
    audit_record(
        action="wechat.bound",
        actor=user,
        request=request,
        target=identity,
        data={
            "channel": match.channel,
            "physician": str(physician.pk),
            "openid": mask_openid(identity.openid),
        },
        **org,
    )
    return user, tokens_issue(user=user, client=MINIPROGRAM)


# --- the institution: issue a code, unbind ----------------------------------------------------------


@transaction.atomic
def wechat_bind_code_issue(*, actor: Actor, caller: User, physician_id, request=None) -> IssuedBindCode:
    """Issue a bind code for a physician of the caller's own organisation (NotFound otherwise), valid
    BIND_CODE_INSTITUTION_TTL; returned once, stored hashed; earlier institution codes of the account end.
    Errors: 409 `physician_has_no_account`, 409 `wechat_already_bound` (unbind first).
    Audited: `wechat.bind_code_issued`."""
    physician = wechat_selectors.wechat_physician_get_for_actor(
        actor=actor, physician_id=physician_id, lock=True
    )
    if physician.user_id is None:
        raise Conflict(_("该医师尚未开通账号，不能绑定微信。"), code="physician_has_no_account")
    user = User.objects.select_for_update().get(pk=physician.user_id)
    if WeChatIdentity.objects.filter(user=user).exists():
        raise Conflict(_("该医师已绑定微信，请先解绑。"), code="wechat_already_bound")
    now = timezone.now()
    BindCode.objects.filter(
        user=user, channel=BindCodeChannel.INSTITUTION, used_at__isnull=True, expires_at__gt=now
    ).update(expires_at=now)
    code = "".join(secrets.choice(_INSTITUTION_ALPHABET) for _ in range(INSTITUTION_CODE_LENGTH))
    expires_at = now + settings.BIND_CODE_INSTITUTION_TTL
    BindCode.objects.create(
        user=user,
        channel=BindCodeChannel.INSTITUTION,
        code_hash=_code_hash(user.pk, code),
        issued_by=caller,
        expires_at=expires_at,
    )
    audit_record(
        action="wechat.bind_code_issued",
        actor=caller,
        request=request,
        organization_id=physician.organization_id,
        region_path=physician.region_path,
        target=physician,
        data={"channel": BindCodeChannel.INSTITUTION, "expires_at": expires_at.isoformat()},
    )
    return IssuedBindCode(code=code, expires_at=expires_at)


@transaction.atomic
def wechat_unbind(*, actor: Actor, caller: User, physician_id, request=None) -> None:
    """Unbind the WeChat identity of a physician of the caller's own organisation (NotFound otherwise), so
    they can bind again with a new code; their mini-program tokens are revoked. Errors: 409
    `wechat_not_bound`. Audited: `wechat.unbound`."""
    physician = wechat_selectors.wechat_physician_get_for_actor(
        actor=actor, physician_id=physician_id, lock=True
    )
    identity = (
        WeChatIdentity.objects.select_for_update().filter(user_id=physician.user_id).first()
        if physician.user_id
        else None
    )
    if identity is None:
        raise Conflict(_("该医师未绑定微信。"), code="wechat_not_bound")
    data = {"openid": mask_openid(identity.openid), "bound_at": identity.bound_at.isoformat()}
    identity.delete()
    AuthToken.objects.filter(user_id=physician.user_id, client=MINIPROGRAM, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    audit_record(
        action="wechat.unbound",
        actor=caller,
        request=request,
        organization_id=physician.organization_id,
        region_path=physician.region_path,
        target=physician,
        data=data,
    )
