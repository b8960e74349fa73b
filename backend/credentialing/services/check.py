"""The privilege check the hospital's systems call (HIS before a prescription, the anaesthesia system before an
operation), and the API keys they authenticate with (stored as SHA-256, shown once)."""

import hashlib
import secrets
from datetime import timedelta

from django.db import transaction
from django.db.models import Case, Exists, OuterRef, Q, When
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import ApplicationError, Conflict, NotFound
from credentialing.models import ApiKey, CatalogueItem, DrugClass, Grant, GrantStatus, Secondment
from credentialing.services.common import audit

KEY_PREFIX = "pk_"


def key_hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


@transaction.atomic
def api_key_create(*, user, name: str, request=None) -> tuple[ApiKey, str]:
    raw = KEY_PREFIX + secrets.token_urlsafe(32)
    key = ApiKey.objects.create(name=name, prefix=raw[:10], key_hash=key_hash(raw), created_by_id=user.pk)
    audit("credentialing.api_key.created", user=user, request=request, target=key, data={"name": name})
    return key, raw


@transaction.atomic
def api_key_revoke(*, user, key_id, request=None) -> ApiKey:
    key = ApiKey.objects.select_for_update().filter(pk=key_id).first()
    if key is None:
        raise NotFound()
    if key.revoked_at:
        raise Conflict(_("该密钥已吊销。"), code="api_key_revoked")
    key.revoked_at = timezone.now()
    key.save(update_fields=["revoked_at", "updated_at"])
    audit("credentialing.api_key.revoked", user=user, request=request, target=key)
    return key


def api_key_authenticate(raw: str) -> ApiKey | None:
    if not raw or not raw.startswith(KEY_PREFIX):
        return None
    key = (
        ApiKey.objects.filter(key_hash=key_hash(raw), revoked_at__isnull=True)
        .only("id", "name", "last_used_at")
        .first()
    )
    now = timezone.now()
    if key is not None and (key.last_used_at is None or now - key.last_used_at > timedelta(minutes=5)):
        ApiKey.objects.filter(pk=key.pk).update(
            last_used_at=now
        )  # at most every 5 minutes: the hot path stays read-only
    return key


def _level_covers(drug_class, granted: str, asked: str) -> bool:
    from credentialing.services.privileges import LEVELS

    order = LEVELS.get(drug_class)
    if not order or not asked:
        return True
    if asked not in order or granted not in order:
        return False
    return order.index(granted) >= order.index(asked)


def _answer(allowed: bool, reason: str, message, grant=None) -> dict:
    return {
        "allowed": allowed,
        "reason": reason,
        "message": str(message),
        "grant_id": str(grant.pk) if grant else None,
        "valid_until": grant.valid_until.isoformat() if grant else None,
    }


def privilege_check(
    *,
    organization_id,
    physician_id=None,
    licence_number: str = "",
    procedure_code: str = "",
    drug_class: str = "",
    level: str = "",
) -> dict:
    """Whether the physician (by ID or licence number, of this hospital) may perform the procedure or prescribe
    the drug class (and level) today, with the reason. A code is looked up among the hospital, national and
    provincial codes of the catalogue. Hot path: the item, then the physician's grants joined with the public
    physician row and with an EXISTS on current secondments, in one query; the physician alone is looked up
    only when they hold nothing."""
    today = timezone.localdate()
    if physician_id:
        who = {"physician_id": physician_id, "physician__organization_id": organization_id}
    elif licence_number:
        who = {"physician__licence_number": licence_number, "physician__organization_id": organization_id}
    else:
        raise ApplicationError(
            _("请提供医师ID或执业证号。"), code="physician_required", attr="licence_number"
        )
    seconded = Secondment.objects.filter(
        physician_id=OuterRef("physician_id"), cancelled=False, starts_on__lte=today, ends_on__gte=today
    )
    fields = ("id", "status", "valid_from", "valid_until", "level", "drug_class")
    if procedure_code:
        item = (
            CatalogueItem.objects.filter(
                Q(code=procedure_code) | Q(national_code=procedure_code) | Q(provincial_code=procedure_code)
            )
            .annotate(exact=Case(When(code=procedure_code, then=0), default=1))
            .order_by("exact", "code")
            .only("id", "grade")
            .first()
        )
        if item is None:
            return _answer(False, "not_in_catalogue", _("该手术/操作编码不在本院技术目录中。"))
        scope = Q(item_id=item.pk)
        if item.grade:  # anaesthesia granted by grade covers every item up to that grade
            scope |= Q(kind="anaesthesia", item__isnull=True, anaesthesia_grade__gte=item.grade)
        grants = list(Grant.objects.filter(scope, **who).annotate(seconded=Exists(seconded)).only(*fields))
    elif drug_class:
        if drug_class not in DrugClass.values:
            raise ApplicationError(_("药品类别无效。"), code="invalid_drug_class", attr="drug_class")
        held = list(
            Grant.objects.filter(drug_class=drug_class, **who)
            .annotate(seconded=Exists(seconded))
            .only(*fields)
        )
        grants = [g for g in held if _level_covers(drug_class, g.level, level)]
        if held and not grants:
            return _answer(False, "level_too_low", _("该医师的授权级别不足。"), held[0])
    else:
        raise ApplicationError(
            _("请提供手术/操作编码或药品类别。"), code="subject_required", attr="procedure_code"
        )
    if not grants:
        from physicians.models import Physician

        known = Physician.objects.filter(
            organization_id=organization_id,
            **({"pk": physician_id} if physician_id else {"licence_number": licence_number}),
        ).exists()
        if not known:
            return _answer(False, "unknown_physician", _("本院没有该医师。"))
        return _answer(False, "no_privilege", _("该医师没有此项授权。"))
    active = [g for g in grants if g.status == GrantStatus.ACTIVE and g.valid_from <= today <= g.valid_until]
    if active:
        if active[0].seconded:
            return _answer(False, "seconded", _("该医师外派期间授权暂停。"), active[0])
        return _answer(True, "granted", _("已授权。"), max(active, key=lambda g: g.valid_until))
    suspended = [g for g in grants if g.status == GrantStatus.SUSPENDED]
    if suspended:
        return _answer(False, "suspended", _("该项授权已暂停。"), suspended[0])
    if any(
        g.status == GrantStatus.EXPIRED or (g.status == GrantStatus.ACTIVE and g.valid_until < today)
        for g in grants
    ):
        return _answer(False, "expired", _("该项授权已过期。"), grants[0])
    if any(g.status == GrantStatus.REVOKED for g in grants):
        return _answer(False, "revoked", _("该项授权已终止。"), grants[0])
    return _answer(False, "not_yet_valid", _("该项授权尚未生效。"), grants[0])
