"""Checks of physicians' identifiers: resident ID-card numbers (GB 11643-1999), licence numbers, phones.

Pure functions: `id_card_problem` / `licence_problem` answer (code, message) or None, so the single-record
services raise them as errors and the import collects them as row errors.
"""

import datetime
import re
from dataclasses import dataclass

from django.utils.translation import gettext as _

from core.errors import ApplicationError

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"
_ID_CARD = re.compile(r"^\d{17}[\dX]$")
_LICENCE = re.compile(r"^[0-9A-Z]{6,32}$")
_PHONE = re.compile(r"^[0-9+\-]{7,20}$")
MALE, FEMALE = "男", "女"


def id_card_check_digit(first17: str) -> str:
    """The GB 11643 check character (ISO 7064 MOD 11-2) of the first 17 digits."""
    return _CHECK[sum(int(d) * w for d, w in zip(first17, _WEIGHTS, strict=True)) % 11]


def id_card_with_check(first17: str) -> str:
    """A valid 18-character number from its first 17 digits (test data, demo seeds)."""
    return first17 + id_card_check_digit(first17)


@dataclass(frozen=True)
class IdCard:
    number: str  # normalised: stripped, upper-case X
    birth_date: datetime.date
    gender: str  # "男" | "女", from the sequence code's parity


def normalise_id_card(value) -> str:
    return str(value or "").strip().upper()


def id_card_parse(value) -> tuple[IdCard | None, tuple[str, str] | None]:
    """(parsed, None) for a valid number, (None, (code, message)) otherwise: 18 characters, digits with an
    optional final X, a real birth date not in the future, and the check character."""
    number = normalise_id_card(value)
    if not _ID_CARD.match(number):
        return None, ("invalid_id_card", _("身份证号须为 18 位数字（末位可为 X）。"))
    try:
        birth = datetime.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return None, ("invalid_id_card", _("身份证号中的出生日期无效。"))
    if birth.year < 1900 or birth > datetime.date.today():  # noqa: DTZ011 - a calendar date, no time zone
        return None, ("invalid_id_card", _("身份证号中的出生日期无效。"))
    if id_card_check_digit(number[:17]) != number[17]:
        return None, ("invalid_id_card", _("身份证号校验位错误。"))
    # Stored as data (the registry's values are 男 / 女, as the demo seeds them), not a message.
    gender = MALE if int(number[16]) % 2 == 1 else FEMALE
    return IdCard(number=number, birth_date=birth, gender=gender), None


def check_id_card(value, *, attr: str = "id_card_number") -> IdCard:
    parsed, problem = id_card_parse(value)
    if problem:
        raise ApplicationError(problem[1], code=problem[0], attr=attr)
    return parsed


def normalise_licence(value) -> str:
    return str(value or "").strip().upper()


def licence_problem(value) -> tuple[str, str] | None:
    """执业证书编号: 6 to 32 letters or digits (the current national format is 15 digits)."""
    if not _LICENCE.match(normalise_licence(value)):
        return "invalid_licence_number", _("执业证书编号须为 6 到 32 位字母或数字。")
    return None


def check_licence(value, *, attr: str = "licence_number") -> str:
    problem = licence_problem(value)
    if problem:
        raise ApplicationError(problem[1], code=problem[0], attr=attr)
    return normalise_licence(value)


def phone_problem(value) -> tuple[str, str] | None:
    if value and not _PHONE.match(str(value).strip()):
        return "invalid_phone", _("手机号格式不正确。")
    return None


def check_phone(value, *, attr: str = "phone") -> str:
    problem = phone_problem(value)
    if problem:
        raise ApplicationError(problem[1], code=problem[0], attr=attr)
    return str(value or "").strip()


def mask_phone(phone: str) -> str:
    """138****1111: what commissions see of a physician's phone number."""
    if not phone:
        return ""
    if len(phone) <= 7:
        return phone[:1] + "*" * (len(phone) - 1)
    return phone[:3] + "*" * (len(phone) - 7) + phone[-4:]
