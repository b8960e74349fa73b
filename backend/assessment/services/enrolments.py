"""Enrolment by the institution (医师管理): enrol its physicians in the cycle in progress one by one, in bulk
or by an .xlsx import; withdraw one before submission; delete one added by mistake; reset a physician's
password.

An enrolment records what held when it was made: the settings version in force (`cycle.settings`), the
physician's institution, region path, department and title, and the assessment body that will re-review
(selectors.enrolments.assessment_body_id_for). It starts `enrolled`.

Errors, in this order so the clearest refusal wins: 403 without Perm.ENROLMENT_MANAGE or outside an
institution (`institution_only`); 404 for a cycle that does not exist or a physician / enrolment outside the
caller's institution (a batch with any such id changes nothing); 409 `cycle_not_active` (only the cycle in
progress takes enrolments), `already_enrolled`, `illegal_transition` (withdraw after submission),
`enrolment_in_use` (delete), `no_account` (reset a password without a linked account). All writes are
audited in their transaction.
"""

from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from accounts.permissions import Perm
from accounts.services.passwords import generate_password, password_set
from assessment.enums import CycleStatus
from assessment.models import Cycle, Enrolment
from assessment.selectors import cycles as cycle_selectors
from assessment.selectors import enrolments as selectors
from audit.services import audit_record
from core.actor import Actor
from core.crypto import keyed_hash
from core.errors import ApplicationError, Conflict, PermissionDenied
from core.workflow import transition
from organizations.enums import OrganizationKind
from physicians.validators import id_card_parse, licence_problem, normalise_id_card, normalise_licence

MAX_BULK = 5000


def require_manager(actor: Actor | None) -> None:
    if actor is None or not actor.has(Perm.ENROLMENT_MANAGE):
        raise PermissionDenied()
    if actor.organization_kind != OrganizationKind.INSTITUTION:
        raise PermissionDenied(_("只有医疗卫生机构可以管理参加考核的医师。"), code="institution_only")


def _audit(action: str, *, actor: Actor, user, request, target, data: dict | None = None) -> None:
    audit_record(
        action=action,
        actor=user,
        request=request,
        organization_id=actor.organization_id,
        region_path=actor.region_path or "",
        target=target,
        data=data,
    )


def active_cycle_for_enrolment(*, actor: Actor, cycle_id, lock: bool = False) -> Cycle:
    """The cycle, which must be the one in progress with settings in force (409 `cycle_not_active`)."""
    cycle = cycle_selectors.cycle_get(actor=actor, cycle_id=cycle_id, for_update=lock)
    if cycle.status != CycleStatus.ACTIVE or cycle.settings_id is None:
        raise Conflict(_("该考核周期未在进行中，不能参加。"), code="cycle_not_active")
    return cycle


def _already_enrolled(count: int) -> Conflict:
    if count == 1:
        return Conflict(_("该医师已参加本考核周期。"), code="already_enrolled")
    return Conflict(_("有 %(count)d 名医师已参加本考核周期。") % {"count": count}, code="already_enrolled")


def _build(cycle: Cycle, physician, *, user, body_id) -> Enrolment:
    return Enrolment(
        cycle=cycle,
        settings_id=cycle.settings_id,
        physician=physician,
        organization_id=physician.organization_id,
        region_path=physician.region_path,
        department_id=physician.department_id,
        title=physician.title,
        assessment_body_id=body_id,
        enrolled_by=user,
    )


def _store(cycle: Cycle, physicians: list, *, actor: Actor, user) -> list[Enrolment]:
    """Create the enrolments (all or nothing); `already_enrolled` when any physician already is."""
    taken = selectors.enrolled_physician_ids(cycle_id=cycle.pk, physician_ids=[p.pk for p in physicians])
    if taken:
        raise _already_enrolled(len(taken))
    body_id = None
    if physicians:
        body_id = selectors.assessment_body_id_for(physicians[0].organization)
    rows = [_build(cycle, p, user=user, body_id=body_id) for p in physicians]
    try:
        with transaction.atomic():
            return Enrolment.objects.bulk_create(rows, batch_size=2000)
    except IntegrityError as exc:  # a concurrent enrolment of one of them
        raise _already_enrolled(1) from exc


@transaction.atomic
def enrolment_create(*, actor: Actor, user, cycle_id, physician_id, request=None) -> Enrolment:
    """Enrol one physician of the caller's institution in the cycle in progress.
    Audited: `assessment.enrolment_created`."""
    require_manager(actor)
    cycle = active_cycle_for_enrolment(actor=actor, cycle_id=cycle_id)
    (physician,) = selectors.own_physicians(actor=actor, physician_ids=[physician_id], for_update=True)
    (enrolment,) = _store(cycle, [physician], actor=actor, user=user)
    _audit(
        "assessment.enrolment_created",
        actor=actor,
        user=user,
        request=request,
        target=enrolment,
        data={"cycle": str(cycle.pk), "physician": str(physician.pk)},
    )
    return enrolment


@transaction.atomic
def enrolments_bulk_create(*, actor: Actor, user, cycle_id, physician_ids, request=None) -> list[Enrolment]:
    """Enrol many physicians at once, all or nothing: one outside the institution is a 404, one already
    enrolled a 409, and then nobody is enrolled. Audited: one `assessment.enrolments_bulk_created` row with
    the count and the ids."""
    require_manager(actor)
    ids = list(dict.fromkeys(physician_ids))
    if not ids:
        raise ApplicationError(_("请选择要参加考核的医师。"), code="ids_required", attr="physicians")
    if len(ids) > MAX_BULK:
        raise ApplicationError(
            _("一次最多选择 %(n)d 名医师。") % {"n": MAX_BULK}, code="too_many", attr="physicians"
        )
    cycle = active_cycle_for_enrolment(actor=actor, cycle_id=cycle_id)
    physicians = selectors.own_physicians(actor=actor, physician_ids=ids, for_update=True)
    enrolments = _store(cycle, physicians, actor=actor, user=user)
    audit_record(
        action="assessment.enrolments_bulk_created",
        actor=user,
        request=request,
        organization_id=actor.organization_id,
        region_path=actor.region_path or "",
        target=cycle,
        data={"count": len(enrolments), "physicians": [str(p.pk) for p in physicians]},
    )
    return enrolments


# --- the import ---------------------------------------------------------------------------------------


@dataclass
class ImportPlan:
    physicians: list
    rows: int


def enrolments_import_validate(*, actor: Actor, cycle: Cycle, rows: list[tuple[int, dict]]):
    """Check every row of an import (licence number or ID-card number of a physician of the institution,
    not enrolled yet, not twice in the file). Returns (ImportPlan, row errors)."""
    errors: list[dict] = []
    licences, id_cards = set(), set()
    parsed = []
    for number, row in rows:
        licence = normalise_licence(row.get("licence_number"))
        id_card = normalise_id_card(row.get("id_card_number"))
        if not licence and not id_card:
            errors.append(
                {
                    "row": number,
                    "attr": "licence_number",
                    "code": "key_required",
                    "detail": _("请填写执业证书编号或身份证号。"),
                }
            )
            continue
        if licence and (problem := licence_problem(licence)):
            errors.append({"row": number, "attr": "licence_number", "code": problem[0], "detail": problem[1]})
            continue
        if id_card:
            _parsed, problem = id_card_parse(id_card)
            if problem:
                errors.append(
                    {"row": number, "attr": "id_card_number", "code": problem[0], "detail": problem[1]}
                )
                continue
        if licence:
            licences.add(licence)
        if id_card:
            id_cards.add(id_card)
        parsed.append((number, licence, id_card))
    by_licence, by_hash = selectors.own_physicians_by_keys(
        actor=actor, licence_numbers=licences, id_card_numbers=id_cards
    )
    found: dict = {}
    for number, licence, id_card in parsed:
        physician = by_licence.get(licence) if licence else None
        by_card = by_hash.get(keyed_hash(id_card)) if id_card else None
        attr = "licence_number" if licence else "id_card_number"
        if licence and id_card and physician is not None and by_card is not physician:
            errors.append(
                {
                    "row": number,
                    "attr": "id_card_number",
                    "code": "keys_mismatch",
                    "detail": _("执业证书编号与身份证号不属于同一名医师。"),
                }
            )
            continue
        physician = physician or by_card
        if physician is None:
            errors.append(
                {
                    "row": number,
                    "attr": attr,
                    "code": "physician_not_found",
                    "detail": _("本机构没有该医师。"),
                }
            )
            continue
        if physician.pk in found:
            errors.append(
                {
                    "row": number,
                    "attr": attr,
                    "code": "duplicate_row",
                    "detail": _("与第 %(row)d 行是同一名医师。") % {"row": found[physician.pk][0]},
                }
            )
            continue
        found[physician.pk] = (number, physician)
    taken = selectors.enrolled_physician_ids(cycle_id=cycle.pk, physician_ids=list(found))
    for pk in taken:
        number, _physician = found.pop(pk)
        errors.append(
            {
                "row": number,
                "attr": "licence_number",
                "code": "already_enrolled",
                "detail": _("该医师已参加本考核周期。"),
            }
        )
    errors.sort(key=lambda e: e["row"])
    return ImportPlan(physicians=[p for _n, p in found.values()], rows=len(rows)), errors


@transaction.atomic
def enrolments_import_store(*, actor: Actor, user, cycle_id, plan: ImportPlan, job=None) -> int:
    """Store a checked import in one transaction (the cycle must still be in progress).
    Audited: `assessment.enrolments_imported` with the count."""
    require_manager(actor)
    cycle = active_cycle_for_enrolment(actor=actor, cycle_id=cycle_id)
    physicians = selectors.own_physicians(
        actor=actor, physician_ids=[p.pk for p in plan.physicians], for_update=True
    )
    enrolments = _store(cycle, physicians, actor=actor, user=user)
    audit_record(
        action="assessment.enrolments_imported",
        actor=user,
        organization_id=actor.organization_id,
        region_path=actor.region_path or "",
        target=job or cycle,
        data={"cycle": str(cycle.pk), "count": len(enrolments)},
    )
    return len(enrolments)


# --- after enrolment ----------------------------------------------------------------------------------


@transaction.atomic
def enrolment_withdraw(*, actor: Actor, user, enrolment_id, comment: str = "", request=None) -> Enrolment:
    """Withdraw an enrolment (取消参加) before the report is submitted: the workflow's `withdraw`, with its
    history row; after submission 409 `illegal_transition`. Audited: `assessment.enrolment_withdrawn`."""
    require_manager(actor)
    enrolment = selectors.enrolment_get_for_manage(actor=actor, enrolment_id=enrolment_id, for_update=True)
    if enrolment.cycle.status != CycleStatus.ACTIVE:
        raise Conflict(_("该考核周期未在进行中。"), code="cycle_not_active")
    transition(enrolment, "withdraw", actor_user=user, comment=comment)
    _audit(
        "assessment.enrolment_withdrawn",
        actor=actor,
        user=user,
        request=request,
        target=enrolment,
        data={"comment": comment},
    )
    return enrolment


@transaction.atomic
def enrolment_delete(*, actor: Actor, user, enrolment_id, request=None) -> None:
    """Delete an enrolment added by mistake: only while untouched (status `enrolled`, no history, report,
    attachment, rating, score or certificate), else 409 `enrolment_in_use` (withdraw it instead).
    A hard delete; the audit row (`assessment.enrolment_deleted`) keeps who and which physician."""
    require_manager(actor)
    enrolment = selectors.enrolment_get_for_manage(actor=actor, enrolment_id=enrolment_id, for_update=True)
    if enrolment.status != "enrolled" or not selectors.enrolment_untouched(enrolment):
        raise Conflict(_("该记录已有办理记录，不能删除；如需退出本周期请取消参加。"), code="enrolment_in_use")
    _audit(
        "assessment.enrolment_deleted",
        actor=actor,
        user=user,
        request=request,
        target=enrolment,
        data={
            "cycle": str(enrolment.cycle_id),
            "physician": str(enrolment.physician_id),
            "name": enrolment.physician.name,
        },
    )
    enrolment.delete()


def _reset(*, actor: Actor, user, physician, request, target) -> dict:
    account = physician.user
    if account is None:
        raise Conflict(_("该医师尚未开通账号。"), code="no_account")
    if account.deleted_at is not None:
        raise Conflict(_("该医师的账号已删除。"), code="account_deleted")
    password = generate_password()
    password_set(user=account, password=password, must_change=True, check_policy=False)  # revokes tokens
    account.failed_login_count = 0
    account.locked_until = None
    account.save(update_fields=["failed_login_count", "locked_until"])
    _audit(
        "assessment.physician_password_reset",
        actor=actor,
        user=user,
        request=request,
        target=target,
        data={"physician": str(physician.pk), "account": str(account.pk)},
    )
    return {"username": account.username, "password": password, "account_active": account.is_active}


@transaction.atomic
def enrolment_password_reset(*, actor: Actor, user, enrolment_id, request=None) -> dict:
    """A new random password for the enrolled physician's account (shown once, to be changed at the next
    login; unlocks it; every token revoked). The account's active flag is left as it is (activation is
    account management's). 409 `no_account` without a linked account. Audited."""
    require_manager(actor)
    enrolment = selectors.enrolment_get_for_manage(actor=actor, enrolment_id=enrolment_id, for_update=True)
    return _reset(actor=actor, user=user, physician=enrolment.physician, request=request, target=enrolment)


@transaction.atomic
def candidate_password_reset(*, actor: Actor, user, physician_id, request=None) -> dict:
    """The same for a physician of the institution not enrolled yet (the candidates' list)."""
    require_manager(actor)
    physician = selectors.candidate_get(actor=actor, physician_id=physician_id)
    return _reset(actor=actor, user=user, physician=physician, request=request, target=physician)


def enrolments_read_record(*, actor: Actor, user, request, rows: int, target=None, filters=None) -> None:
    """A commission's read of enrolled physicians (personal data) is audited: `assessment.enrolments.read`."""
    audit_record(
        action="assessment.enrolments.read",
        actor=user,
        request=request,
        organization_id=actor.organization_id,
        region_path=actor.region_path or "",
        target=target,
        data={"rows": rows, "filters": filters or {}},
    )
