"""The review of self-reports: the department head's rating (科室评定), the institution's review (机构审核)
and the re-review (复核) by the assessment body, or by the nearest commission when the enrolment has none
(see selectors.reviews for who reaches what).

Each step is a workflow move (assessment/workflow.py: history row with who, when, from, to, comment) and an
audit row, in one transaction. Checks, in this order, so the clearest refusal wins:
1. outside the caller's reach: 404; without the stage's permission code: 403;
2. the phase of the stage closed in the cycle's settings in force: 409 `phase_closed`;
3. the move illegal from the current state (approving twice): 409 `illegal_transition`;
4. the settings: institution approval needs the department rating first where the cycle asks for one and the
   physician belongs to a department (409 `department_rating_required`); the rating and the re-review only
   where the cycle includes them (409 `department_rating_not_required` / `body_review_not_required`).
Bulk approval is all or nothing: one locking read, the same checks over every row, one workflow
`transition_many` (one bulk update, one bulk insert of history) and one audit row with the count.
"""

from django.db import transaction
from django.utils.translation import gettext as _

from assessment.enums import EnrolmentStatus, Phase
from assessment.models import Cycle, DepartmentRating, Enrolment
from assessment.selectors import reports as report_selectors
from assessment.selectors import reviews as selectors
from assessment.selectors.reviews import STAGE_ACTIONS, Stage
from assessment.services.reports import attachment_download_url, require_legal, require_phase_open
from audit.services import audit_record
from core.actor import Actor
from core.errors import Conflict
from core.workflow import transition, transition_many

STAGE_PHASES = {
    Stage.DEPARTMENT: Phase.DEPARTMENT_RATING,
    Stage.INSTITUTION: Phase.INSTITUTION_REVIEW,
    Stage.BODY: Phase.BODY_REVIEW,
}


def _audit(*, action: str, user, request, enrolment: Enrolment, data: dict | None = None) -> None:
    audit_record(
        action=action,
        actor=user,
        request=request,
        organization_id=enrolment.organization_id,
        region_path=enrolment.region_path,
        target=enrolment,
        data=data,
    )


def _rating_missing(settings, *, status: str, department_id) -> bool:
    return bool(
        settings.department_rating
        and department_id is not None
        and status != EnrolmentStatus.DEPARTMENT_RATED
    )


def _require_stage_settings(settings, stage: Stage) -> None:
    if stage == Stage.DEPARTMENT and not settings.department_rating:
        raise Conflict(_("本考核周期不需要科室评定。"), code="department_rating_not_required")
    if stage == Stage.BODY and not settings.body_review:
        raise Conflict(_("本考核周期不需要考核机构复核。"), code="body_review_not_required")


def _rating_required_error(count: int | None = None) -> Conflict:
    if count is None:
        detail = _("本考核周期须先由科室评定，才能审核通过。")
    else:
        detail = _("有 %(count)d 条记录尚未经科室评定，不能审核通过。") % {"count": count}
    return Conflict(detail, code="department_rating_required")


def _prepare(*, actor: Actor, stage: Stage, enrolment_id, action: str):
    """The enrolment, locked, after checks 1-3 and the stage's settings."""
    enrolment = selectors.review_get_for_actor(
        actor=actor, stage=stage, enrolment_id=enrolment_id, for_update=True
    )
    settings = report_selectors.settings_in_force(enrolment)
    require_phase_open(settings, STAGE_PHASES[stage])
    require_legal(enrolment.status, action)
    _require_stage_settings(settings, stage)
    return enrolment, settings


def _move(enrolment, action, *, user, comment, request):
    entry = transition(enrolment, action, actor_user=user, comment=comment)
    _audit(
        action=f"assessment.enrolment.{action}",
        user=user,
        request=request,
        enrolment=enrolment,
        data={"from": entry.from_state, "to": entry.to_state, "comment": comment},
    )
    return enrolment


# --- department rating --------------------------------------------------------------------------------


@transaction.atomic
def department_rate(
    *, actor: Actor, user, enrolment_id, work_performance: str, ethics: str, comment: str = "", request=None
) -> Enrolment:
    """The department head rates work performance and professional ethics of a submitted report, with a
    comment. A report submitted again after a return is rated again (the rating is replaced)."""
    enrolment, _settings = _prepare(
        actor=actor, stage=Stage.DEPARTMENT, enrolment_id=enrolment_id, action="department_rate"
    )
    DepartmentRating.objects.update_or_create(
        enrolment=enrolment,
        defaults={
            "work_performance": work_performance,
            "ethics": ethics,
            "comment": comment,
            "rated_by": user,
        },
    )
    return _move(enrolment, "department_rate", user=user, comment=comment, request=request)


@transaction.atomic
def department_return(*, actor: Actor, user, enrolment_id, comment: str, request=None) -> Enrolment:
    """Send a submitted report back to the physician with a comment."""
    enrolment, _settings = _prepare(
        actor=actor, stage=Stage.DEPARTMENT, enrolment_id=enrolment_id, action="department_return"
    )
    return _move(enrolment, "department_return", user=user, comment=comment, request=request)


# --- institution review and re-review -----------------------------------------------------------------


@transaction.atomic
def review_approve(*, actor: Actor, user, stage: Stage, enrolment_id, comment: str = "", request=None):
    """Approve at the institution (`institution_approve`) or the re-review (`body_approve`)."""
    action = STAGE_ACTIONS[stage]["approve"]
    enrolment, settings = _prepare(actor=actor, stage=stage, enrolment_id=enrolment_id, action=action)
    if stage == Stage.INSTITUTION and _rating_missing(
        settings, status=enrolment.status, department_id=enrolment.department_id
    ):
        raise _rating_required_error()
    return _move(enrolment, action, user=user, comment=comment, request=request)


@transaction.atomic
def review_return(*, actor: Actor, user, stage: Stage, enrolment_id, comment: str, request=None):
    """Return to the physician with a comment (required by the input): they correct and submit again."""
    action = STAGE_ACTIONS[stage]["return"]
    enrolment, _settings = _prepare(actor=actor, stage=stage, enrolment_id=enrolment_id, action=action)
    return _move(enrolment, action, user=user, comment=comment, request=request)


@transaction.atomic
def review_bulk_approve(
    *, actor: Actor, user, stage: Stage, enrolment_ids, comment: str = "", request=None
) -> int:
    """Approve many at once, all or nothing; returns how many moved. NotFound when any id is outside the
    caller's reach (nothing changes), then the same checks as one by one over every row."""
    action = STAGE_ACTIONS[stage]["approve"]
    rows = selectors.review_rows_for_update(actor=actor, stage=stage, enrolment_ids=enrolment_ids)
    cycles = {
        c.pk: c for c in Cycle.objects.select_related("settings").filter(pk__in={row[3] for row in rows})
    }
    settings_of = {pk: c.settings for pk, c in cycles.items()}
    for settings in settings_of.values():
        require_phase_open(settings, STAGE_PHASES[stage])
    by_status: dict[str, int] = {}
    for _pk, status, _dept, _cycle in rows:
        by_status[status] = by_status.get(status, 0) + 1
    for status, count in by_status.items():
        require_legal(status, action, count=count)
    for settings in settings_of.values():
        _require_stage_settings(settings, stage)
    if stage == Stage.INSTITUTION:
        missing = sum(
            1
            for _pk, status, dept, cycle_id in rows
            if _rating_missing(settings_of[cycle_id], status=status, department_id=dept)
        )
        if missing:
            raise _rating_required_error(missing)
    ids = [row[0] for row in rows]
    moved = transition_many(Enrolment.objects.filter(pk__in=ids), action, actor_user=user, comment=comment)
    audit_record(
        action=f"assessment.enrolment.{action}_bulk",
        actor=user,
        request=request,
        organization_id=actor.organization_id,
        region_path=actor.region_path or "",
        data={"count": len(moved), "cycles": sorted(str(pk) for pk in cycles), "comment": comment},
    )
    return len(moved)


# --- reads that are audited ---------------------------------------------------------------------------


def review_read_audit(*, actor: Actor, user, enrolment: Enrolment, request=None) -> None:
    """A commission reading a physician's report (personal data) leaves an audit row."""
    if actor.masks_personal_data:
        with transaction.atomic():
            _audit(action="assessment.enrolment.review_read", user=user, request=request, enrolment=enrolment)


def review_attachment_download_url(
    *, actor: Actor, user, stage: Stage, enrolment_id, attachment_id, request=None
) -> dict:
    """A short-lived link to an attachment of an enrolment the caller reviews; audited."""
    enrolment = selectors.review_get_for_actor(actor=actor, stage=stage, enrolment_id=enrolment_id)
    attachment = selectors.review_attachment_get(enrolment=enrolment, attachment_id=attachment_id)
    return attachment_download_url(user=user, enrolment=enrolment, attachment=attachment, request=request)
