"""Reads of the review of self-reports: the department head's rating (科室评定), the institution's review
(机构审核) and the re-review (考核机构复核), scoped to the caller.

Who reaches which enrolments (anything else is a 404):
- department: the department head's own institution and department (membership.department), submitted ones
  (submitted at least once);
- institution: the institution's own enrolments, submitted ones;
- body: the enrolments the caller's organisation re-reviews (Enrolment.assessment_body, fixed at enrolment
  from the assignments) once the institution approved them. An enrolment without an assessment body is
  re-reviewed by the health commission nearest above its institution (county, else city, else province):
  a commission reaches those in its region subtree that no commission below it covers.
"""

from enum import StrEnum

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from accounts.permissions import Perm
from assessment.enums import EnrolmentStatus as S
from assessment.models import DepartmentRating, Enrolment, EnrolmentAttachment, SelfReport
from assessment.workflow import ENROLMENT_FLOW
from core.actor import Actor
from core.errors import ApplicationError, NotFound, PermissionDenied
from core.scoping import scope
from organizations.enums import OrganizationKind
from organizations.models import Organization


class Stage(StrEnum):
    DEPARTMENT = "department"
    INSTITUTION = "institution"
    BODY = "body"


STAGE_CODES = {
    Stage.DEPARTMENT: Perm.DEPARTMENT_RATE,
    Stage.INSTITUTION: Perm.ENROLMENT_REVIEW,
    Stage.BODY: Perm.ENROLMENT_REREVIEW,
}
# What the re-reviewer sees: approved by the institution, and whatever followed.
BODY_VISIBLE_STATES = frozenset(
    {
        S.INSTITUTION_APPROVED,
        S.BODY_APPROVED,
        S.SCORED,
        S.SCORE_CONFIRMED,
        S.PUBLICIZED,
        S.PASSED,
        S.MAKEUP_PENDING,
        S.MAKEUP,
        S.MAKEUP_SCORED,
        S.FAILED,
    }
)
# The actions each stage takes and the states they apply to (the workflow table has the last word).
STAGE_ACTIONS = {
    Stage.DEPARTMENT: {"rate": "department_rate", "return": "department_return"},
    Stage.INSTITUTION: {"approve": "institution_approve", "return": "institution_return"},
    Stage.BODY: {"approve": "body_approve", "return": "body_return"},
}


def _require(actor: Actor | None, stage: Stage) -> None:
    if actor is None or not actor.has(STAGE_CODES[stage]):
        raise PermissionDenied()


def _commission_below_paths(actor: Actor) -> list[str]:
    return list(
        Organization.objects.filter(
            kind=OrganizationKind.COMMISSION, region_path__startswith=actor.region_path
        )
        .exclude(region_path=actor.region_path)
        .values_list("region_path", flat=True)
        .distinct()
    )


def stage_q(actor: Actor, stage: Stage) -> Q:
    """The enrolments the actor handles at a stage (any state), as a filter."""
    if actor.organization_id is None:
        return Q(pk__in=[])
    if stage == Stage.DEPARTMENT:
        if actor.department_id is None:
            return Q(pk__in=[])
        return Q(organization_id=actor.organization_id, department_id=actor.department_id)
    if stage == Stage.INSTITUTION:
        return Q(organization_id=actor.organization_id)
    if actor.is_commission:
        q = Q(assessment_body__isnull=True, region_path__startswith=actor.region_path or "\0")
        for path in _commission_below_paths(actor):
            q &= ~Q(region_path__startswith=path)
        return q
    return Q(assessment_body_id=actor.organization_id)


def _stage_qs(actor: Actor, stage: Stage) -> QuerySet[Enrolment]:
    qs = Enrolment.objects.filter(stage_q(actor, stage), submitted_at__isnull=False)
    if stage in (Stage.DEPARTMENT, Stage.INSTITUTION):
        qs = scope(qs, actor)  # the institution's own reach, through the one place that decides it
    else:
        qs = qs.filter(status__in=BODY_VISIBLE_STATES)
    return qs


def review_list_for_actor(
    *,
    actor: Actor,
    stage: Stage,
    cycle_id=None,
    procedure: str = "",
    status: str = "",
    name: str = "",
    department_id=None,
    organization_id=None,
) -> QuerySet[Enrolment]:
    """Submitted enrolments the actor reviews at `stage`, oldest submission first. PermissionDenied without
    the stage's permission code."""
    _require(actor, stage)
    qs = _stage_qs(actor, stage).select_related(
        "cycle", "physician", "organization", "department", "department_rating"
    )
    if cycle_id:
        qs = qs.filter(cycle_id=cycle_id)
    if procedure:
        qs = qs.filter(procedure=procedure)
    if status:
        qs = qs.filter(status=status)
    if name:
        qs = qs.filter(physician__name__contains=name)
    if department_id:
        qs = qs.filter(department_id=department_id)
    if organization_id:
        qs = qs.filter(organization_id=organization_id)
    return qs.order_by("submitted_at", "pk")


def review_get_for_actor(*, actor: Actor, stage: Stage, enrolment_id, for_update: bool = False) -> Enrolment:
    """One enrolment the actor reviews at `stage`; NotFound when outside (whatever exists elsewhere)."""
    _require(actor, stage)
    qs = _stage_qs(actor, stage).select_related(
        "cycle", "cycle__settings", "settings", "physician", "organization", "department"
    )
    if for_update:
        qs = qs.select_for_update(of=("self",))
    try:
        return qs.get(pk=enrolment_id)
    except (Enrolment.DoesNotExist, ValueError, TypeError) as exc:
        raise NotFound() from exc


def review_rows_for_update(*, actor: Actor, stage: Stage, enrolment_ids) -> list[tuple]:
    """Lock the given enrolments (one query) and return (id, status, department_id, cycle_id) of those the
    actor reviews at `stage`; NotFound when any id is outside, so a batch never half-applies."""
    _require(actor, stage)
    ids = list(dict.fromkeys(enrolment_ids))
    if not ids:
        raise ApplicationError(_("请选择要处理的记录。"), code="ids_required", attr="ids")
    rows = list(
        _stage_qs(actor, stage)
        .filter(pk__in=ids)
        .select_for_update(of=("self",))
        .order_by("pk")
        .values_list("pk", "status", "department_id", "cycle_id")
    )
    if len(rows) != len(ids):
        raise NotFound()
    return rows


def review_attachment_get(*, enrolment: Enrolment, attachment_id) -> EnrolmentAttachment:
    try:
        return EnrolmentAttachment.objects.get(enrolment=enrolment, pk=attachment_id)
    except (EnrolmentAttachment.DoesNotExist, ValueError, TypeError) as exc:
        raise NotFound() from exc


def review_detail_parts(enrolment: Enrolment) -> dict:
    """What a reviewer sees beside the enrolment: the submitted report, the rating, attachments, history."""
    report = SelfReport.objects.filter(enrolment=enrolment).first()
    rating = DepartmentRating.objects.select_related("rated_by").filter(enrolment=enrolment).first()
    return {
        "report": report,
        "rating": rating,
        "attachments": list(EnrolmentAttachment.objects.filter(enrolment=enrolment).order_by("created_at")),
        "history": list(enrolment.history.order_by("created_at")),
    }


def review_actions_for(*, stage: Stage, enrolment: Enrolment) -> list[str]:
    """The actions (`rate`, `approve`, `return`) legal now at this stage (settings checks come on acting)."""
    return sorted(
        name
        for name, action in STAGE_ACTIONS[stage].items()
        if ENROLMENT_FLOW.target(enrolment.status, action) is not None
    )
