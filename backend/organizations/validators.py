"""Checks of organisation identifiers, shared by creation, editing and imports."""

from django.utils.translation import gettext as _

from core.errors import ApplicationError

_USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # GB 32100-2015: no I, O, S, V, Z
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def uscc_is_valid(code: str) -> bool:
    """Whether `code` is a well-formed unified social credit code (18 characters, GB 32100-2015 check)."""
    if len(code) != 18 or any(c not in _USCC_ALPHABET for c in code):
        return False
    total = sum(_USCC_ALPHABET.index(c) * w for c, w in zip(code[:17], _USCC_WEIGHTS, strict=True))
    return _USCC_ALPHABET[(31 - total % 31) % 31] == code[17]


def check_uscc(code: str, *, attr: str = "unified_social_credit_code") -> str:
    """The code upper-cased, or an ApplicationError naming the field."""
    code = (code or "").strip().upper()
    if not uscc_is_valid(code):
        raise ApplicationError(
            _("统一社会信用代码格式错误（18位，校验位不符）。"), code="invalid_uscc", attr=attr
        )
    return code


def uscc_with_check(prefix17: str) -> str:
    """Complete a 17-character prefix with its check character (for demo and test data)."""
    total = sum(_USCC_ALPHABET.index(c) * w for c, w in zip(prefix17, _USCC_WEIGHTS, strict=True))
    return prefix17 + _USCC_ALPHABET[(31 - total % 31) % 31]
