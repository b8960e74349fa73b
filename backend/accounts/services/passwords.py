"""The password policy, in one place: every password that is set (own change, reset, activation, creation)
goes through here.

- Django's validators (settings.AUTH_PASSWORD_VALIDATORS: at least 8 characters, 3 of 4 character classes);
- no reuse of the last PASSWORD_HISTORY_COUNT (5) passwords, the current one included, checked against the
  stored hashes (PasswordHistory, written on every change);
- staff (any active membership with a role in accounts.roles.STAFF_ROLES) change their password every
  PASSWORD_MAX_AGE_DAYS days (MLPS level 3); everybody changes it at first login and after a reset
  (`User.must_change_password`). Until then every endpoint but change password, logout and /me/ answers 403
  `password_change_required` (accounts.authentication.PasswordChangeGate).
"""

import secrets
import string
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.hashers import check_password
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import AuthToken, Membership, PasswordHistory, User
from accounts.roles import STAFF_ROLES
from core.errors import ApplicationError

REASON_REQUIRED = "required"  # first login, or after a reset
REASON_EXPIRED = "expired"  # a staff password older than PASSWORD_MAX_AGE_DAYS

_PASSWORD_CLASSES = (
    "ABCDEFGHJKLMNPQRSTUVWXYZ",
    "abcdefghijkmnpqrstuvwxyz",
    "23456789",
    "@#%+=!?",
)


def history_count() -> int:
    return getattr(settings, "PASSWORD_HISTORY_COUNT", 5)


def generate_password(length: int = 12) -> str:
    """A random password with every character class (no look-alike characters); it meets the policy."""
    chars = [secrets.choice(group) for group in _PASSWORD_CLASSES]
    alphabet = "".join(_PASSWORD_CLASSES[:3]) + string.digits[2:]
    chars += [secrets.choice(alphabet) for _ in range(max(length, 8) - len(chars))]
    secrets.SystemRandom().shuffle(chars)
    return "".join(chars)


def _recent_hashes(user: User) -> list[str]:
    """The hashes of the user's last `history_count()` passwords, the current one first."""
    depth = history_count()
    hashes = list(
        PasswordHistory.objects.filter(user=user)
        .order_by("-created_at", "-id")
        .values_list("password", flat=True)[:depth]
    )
    current = user.password
    if current and user.has_usable_password() and current not in hashes:
        # Set outside this module (an account from before the history existed): the current one counts too.
        hashes = [current, *hashes[: depth - 1]]
    return hashes


def password_policy_check(*, user: User, password: str, attr: str = "new_password") -> None:
    """Raise ApplicationError (400) when `password` breaks the policy: `password_policy` for the validators,
    `password_reused` for one of the last five. Hashing is slow (~200 ms each): the validators run first."""
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise ApplicationError(" ".join(exc.messages), code="password_policy", attr=attr) from exc
    for encoded in _recent_hashes(user):
        if check_password(password, encoded):
            raise ApplicationError(
                _("新密码不能与最近 %(n)d 次使用过的密码相同。") % {"n": history_count()},
                code="password_reused",
                attr=attr,
            )


def password_set(
    *,
    user: User,
    password: str,
    must_change: bool = False,
    check_policy: bool = True,
    attr: str = "new_password",
) -> None:
    """Set a user's password (call inside the caller's transaction; the caller audits).

    Checks the policy (unless `check_policy` is False, for a random password from generate_password), records
    the hash in the history (keeping the last five), stamps password_changed_at, sets must_change_password
    (True after a reset or for an initial password) and revokes every token of the user: all devices log in
    again, the mini-program included.
    """
    if check_policy:
        password_policy_check(user=user, password=password, attr=attr)
    now = timezone.now()
    user.set_password(password)
    user.must_change_password = must_change
    user.password_changed_at = now
    user.save(update_fields=["password", "must_change_password", "password_changed_at"])
    password_history_record(user=user, at=now)
    AuthToken.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=now)


def password_history_record(*, user: User, at=None) -> None:
    """Remember the user's current password hash (keeping the last five). password_set does this; call it
    yourself only after setting a password on a user that was not saved yet (account creation)."""
    PasswordHistory.objects.create(user=user, password=user.password, created_at=at or timezone.now())
    history = PasswordHistory.objects.filter(user=user)
    keep = history.order_by("-created_at", "-id").values_list("pk", flat=True)[: history_count()]
    history.exclude(pk__in=list(keep)).delete()


def password_expired(user: User, *, now=None) -> bool:
    """A staff account whose password is older than PASSWORD_MAX_AGE_DAYS (never changed: since creation).
    Cheap for everybody else: the memberships are only queried when the password is old."""
    now = now or timezone.now()
    changed = user.password_changed_at or user.created_at
    if changed is None or changed > now - timedelta(days=settings.PASSWORD_MAX_AGE_DAYS):
        return False
    return Membership.objects.filter(user=user, is_active=True, role__in=list(STAFF_ROLES)).exists()


def password_change_reason(user: User) -> str | None:
    """Why the user must change their password before doing anything else: "required" (first login, after a
    reset), "expired" (a staff password past its age), or None."""
    if user.must_change_password:
        return REASON_REQUIRED
    if password_expired(user):
        return REASON_EXPIRED
    return None
