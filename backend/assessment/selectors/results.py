"""Reads of scores and results (考核管理, 补考管理, 考核结果), scoped to the caller.

Who reaches which enrolments (anything else is a 404):
- scoring and the body's confirmation and publication: the enrolments the caller's organisation re-reviews
  (Enrolment.assessment_body), or, without an assessment body, the nearest commission above the institution
  (the same rule as the re-review: selectors.reviews.stage_q for the body stage);
- the assessment committee's confirmation: the health commission nearest above the physician's institution
  (county, else city, else province) reaches the enrolments of its region subtree that no commission below
  it covers;
- the make-up decision: a province commission (Perm.MAKEUP_DECIDE), its whole region;
- the make-up list and the final results (queries, export): what the caller reads of the enrolled
  (selectors.enrolments.reach_q: the institution its own, a body what it re-reviews, a commission its region);
- the physician: their own enrolments, the result and the scores per component only once published.

What an enrolment must have scored (`required_components`): the components of its result settings whose
`procedures` include its procedure. The competence test (业务水平测评) is for the general procedure only:
simplified-procedure enrolments are scored on the other components listed for "simplified" (usually work
performance and ethics), and exempt ones (免考) on none; an enrolment with nothing to score gets its result
(合格) when the body confirms it.
"""

from datetime import date

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.permissions import Perm
from assessment.enums import Component, EnrolmentStatus, Procedure
from assessment.models import (
    CycleSettings,
    Enrolment,
    EnrolmentAttachment,
    EnrolmentHistory,
    ScoreEntry,
    Sitting,
)
from assessment.selectors import enrolments as enrolment_selectors
from assessment.selectors import reports as report_selectors
from assessment.selectors.reviews import BODY_VISIBLE_STATES, Stage, stage_q
from core.actor import Actor
from core.errors import ApplicationError, NotFound, PermissionDenied
from organizations.enums import OrganizationKind
from organizations.models import Organization

S = EnrolmentStatus

# Components sat again in the make-up (the tests); the others (work performance, ethics) carry over.
MAKEUP_COMPONENTS = frozenset({Component.COMPETENCE_TEST, Component.SKILLS, Component.CASE_REVIEW})
# Entered by scorers; the competence test comes from the exam engine (or the body by hand).
EXPERT_COMPONENTS = frozenset(
    {Component.SKILLS, Component.CASE_REVIEW, Component.WORK_PERFORMANCE, Component.ETHICS}
)
# Attachment purposes of scored components.
COMPONENT_PURPOSES = {Component.SKILLS: "skills", Component.CASE_REVIEW: "case_review"}

APPROVED_STATES = frozenset({S.BODY_APPROVED, S.INSTITUTION_APPROVED})
SCORING_STATES = frozenset({S.BODY_APPROVED, S.INSTITUTION_APPROVED, S.SCORED, S.MAKEUP, S.MAKEUP_SCORED})
BODY_STATES = frozenset({S.BODY_APPROVED, S.INSTITUTION_APPROVED, S.SCORED, S.SCORE_CONFIRMED, S.PUBLICIZED})
COMMITTEE_STATES = frozenset({S.PUBLICIZED, S.MAKEUP_SCORED})
MAKEUP_STATES = frozenset({S.MAKEUP_PENDING, S.MAKEUP, S.MAKEUP_SCORED})
FINAL_STATES = frozenset({S.PASSED, S.FAILED})
# From these on the physician sees the result and the scores per component.
PUBLISHED_STATES = report_selectors.RESULT_VISIBLE_STATES


class Queue:
    SCORING = "scoring"
    BODY = "body"
    COMMITTEE = "committee"
    MAKEUP = "makeup"
    FINAL = "final"


QUEUE_CODES = {
    Queue.SCORING: Perm.SCORE_ENTER,
    Queue.BODY: Perm.SCORE_CONFIRM,
    Queue.COMMITTEE: Perm.RESULT_CONFIRM,
    Queue.MAKEUP: Perm.ENROLMENT_VIEW,
    Queue.FINAL: Perm.ENROLMENT_VIEW,
}


# --- what an enrolment needs --------------------------------------------------------------------------


def result_settings_of(enrolment: Enrolment) -> CycleSettings:
    """The settings version the enrolment is (or will be) scored under: the one fixed with its first
    score, else the version in force now."""
    if enrolment.result_settings_id:
        return enrolment.result_settings
    return report_selectors.settings_in_force(enrolment)


def required_components(settings: CycleSettings, procedure: str) -> list[dict]:
    """[{component, weight}] the enrolment must have scored under `settings` (see the module docstring)."""
    if procedure not in (Procedure.GENERAL, Procedure.SIMPLIFIED):
        return []
    wanted = []
    for item in settings.components or []:
        component = item.get("component")
        if procedure != Procedure.GENERAL and component == Component.COMPETENCE_TEST:
            continue
        if procedure in (item.get("procedures") or [Procedure.GENERAL]):
            wanted.append({"component": component, "weight": item.get("weight", 0)})
    return wanted


def makeup_components(required: list[dict]) -> list[str]:
    """The components sat again in the make-up: the tests among the required ones, or all of them when
    none is a test."""
    tests = [c["component"] for c in required if c["component"] in MAKEUP_COMPONENTS]
    return tests or [c["component"] for c in required]


def scores_of(enrolment: Enrolment) -> list[ScoreEntry]:
    return list(
        ScoreEntry.objects.filter(enrolment=enrolment)
        .select_related("entered_by")
        .order_by("sitting", "component")
    )


def effective_scores(entries, *, makeup: bool) -> dict[str, ScoreEntry]:
    """component -> the score that counts: the main sitting's, replaced by the make-up's when `makeup`."""
    counted = {e.component: e for e in entries if e.sitting == Sitting.MAIN}
    if makeup:
        counted.update({e.component: e for e in entries if e.sitting == Sitting.MAKEUP})
    return counted


def missing_components(enrolment: Enrolment, entries=None) -> list[str]:
    """The required components of the current sitting not scored yet (make-up while in make-up)."""
    entries = scores_of(enrolment) if entries is None else entries
    required = required_components(result_settings_of(enrolment), enrolment.procedure)
    if enrolment.status in (S.MAKEUP, S.MAKEUP_SCORED):
        done = {e.component for e in entries if e.sitting == Sitting.MAKEUP}
        return [c for c in makeup_components(required) if c not in done]
    done = {e.component for e in entries if e.sitting == Sitting.MAIN}
    return [c["component"] for c in required if c["component"] not in done]


def publicity_over(enrolment: Enrolment, today: date | None = None) -> bool:
    """The publicity period has ended (the committee may confirm from `publicity_ends_on` on)."""
    today = today or timezone.localdate()
    return enrolment.publicity_ends_on is not None and enrolment.publicity_ends_on <= today


# --- reach ----------------------------------------------------------------------------------------------


def _commissions_below(actor: Actor) -> list[str]:
    return list(
        Organization.objects.filter(
            kind=OrganizationKind.COMMISSION, region_path__startswith=actor.region_path
        )
        .exclude(region_path=actor.region_path)
        .values_list("region_path", flat=True)
        .distinct()
    )


def committee_q(actor: Actor) -> Q:
    """The enrolments whose results the actor's commission confirms (the nearest commission above)."""
    if actor.organization_id is None or not actor.is_commission or not actor.region_path:
        return Q(pk__in=[])
    q = Q(region_path__startswith=actor.region_path)
    for path in _commissions_below(actor):
        q &= ~Q(region_path__startswith=path)
    return q


def province_q(actor: Actor) -> Q:
    if actor.organization_id is None or not actor.is_commission or not actor.region_path:
        return Q(pk__in=[])
    return Q(region_path__startswith=actor.region_path)


def _require(actor: Actor | None, code: str) -> None:
    if actor is None or not actor.has(code):
        raise PermissionDenied()


def _entered_makeup() -> Exists:
    return Exists(EnrolmentHistory.objects.filter(subject_id=OuterRef("pk"), action="finalize_fail"))


def _queue_qs(actor: Actor, queue: str, *, one: bool = False) -> QuerySet[Enrolment]:
    """The queue's enrolments. `one`: for acting on a single enrolment, the scoring queue reaches every
    enrolment the body handles once approved, so that a score entered too late is a clear 409 (from the
    service) rather than a 404."""
    qs = Enrolment.objects.all()
    if queue == Queue.SCORING and one:
        return qs.filter(stage_q(actor, Stage.BODY), status__in=BODY_VISIBLE_STATES)
    if queue == Queue.SCORING:
        return qs.filter(stage_q(actor, Stage.BODY), status__in=SCORING_STATES).exclude(
            status=S.INSTITUTION_APPROVED, cycle__settings__body_review=True
        )
    if queue == Queue.BODY:
        return qs.filter(stage_q(actor, Stage.BODY), status__in=BODY_STATES).exclude(
            status=S.INSTITUTION_APPROVED, cycle__settings__body_review=True
        )
    if queue == Queue.COMMITTEE:
        return qs.filter(committee_q(actor), status__in=COMMITTEE_STATES)
    if queue == Queue.MAKEUP:
        return qs.filter(enrolment_selectors.reach_q(actor)).filter(
            Q(status__in=MAKEUP_STATES) | Q(status__in=FINAL_STATES) & _entered_makeup()
        )
    return qs.filter(enrolment_selectors.reach_q(actor), status__in=FINAL_STATES)


def result_list_for_actor(
    *,
    actor: Actor | None,
    queue: str,
    cycle_id=None,
    status: str = "",
    procedure: str = "",
    result_level: str = "",
    name: str = "",
    organization_id=None,
    department_id=None,
    publicity_over_only: bool | None = None,
) -> QuerySet[Enrolment]:
    """The enrolments of one queue the actor reaches, matching the filters, by institution then name.
    PermissionDenied without the queue's permission code."""
    _require(actor, QUEUE_CODES[queue])
    qs = _queue_qs(actor, queue)
    if cycle_id:
        qs = qs.filter(cycle_id=cycle_id)
    if status:
        qs = qs.filter(status=status)
    if procedure:
        qs = qs.filter(procedure=procedure)
    if result_level:
        qs = qs.filter(result_level=result_level)
    if name:
        qs = qs.filter(physician__name__contains=name.strip())
    if organization_id:
        qs = qs.filter(organization_id=organization_id)
    if department_id:
        qs = qs.filter(department_id=department_id)
    if publicity_over_only is not None:
        today = timezone.localdate()
        over = Q(status=S.PUBLICIZED, publicity_ends_on__lte=today) | Q(status=S.MAKEUP_SCORED)
        qs = qs.filter(over) if publicity_over_only else qs.exclude(over)
    return qs.select_related("cycle", "physician", "organization", "department", "assessment_body").order_by(
        "organization__name", "physician__name", "pk"
    )


def result_get_for_actor(
    *, actor: Actor | None, queue: str, enrolment_id, for_update: bool = False, code: str | None = None
) -> Enrolment:
    """One enrolment of the queue the actor reaches; NotFound otherwise (whatever exists elsewhere).
    `code` replaces the queue's permission code (the body recording a test by hand)."""
    _require(actor, code or QUEUE_CODES[queue])
    qs = _queue_qs(actor, queue, one=True).select_related(
        "cycle",
        "cycle__settings",
        "settings",
        "result_settings",
        "physician",
        "organization",
        "department",
        "assessment_body",
    )
    if for_update:
        qs = qs.select_for_update(of=("self",))
    try:
        return qs.get(pk=enrolment_id)
    except (Enrolment.DoesNotExist, ValueError, TypeError) as exc:
        raise NotFound() from exc


def result_rows_for_update(*, actor: Actor | None, queue: str, enrolment_ids) -> list[Enrolment]:
    """Lock the given enrolments of the queue (one query); NotFound when any is outside, so a batch never
    half-applies."""
    _require(actor, QUEUE_CODES[queue])
    ids = list(dict.fromkeys(enrolment_ids))
    if not ids:
        raise ApplicationError(_("请选择要处理的记录。"), code="ids_required", attr="ids")
    rows = list(
        _queue_qs(actor, queue)
        .filter(pk__in=ids)
        .select_related("cycle", "cycle__settings", "settings", "result_settings", "physician")
        .select_for_update(of=("self",))
        .order_by("pk")
    )
    if len(rows) != len(ids):
        raise NotFound()
    return rows


def makeup_decision_rows(*, actor: Actor | None, enrolment_ids) -> list[Enrolment]:
    """The province's make-up decision: the given enrolments of its region, locked; NotFound when any is
    outside. PermissionDenied without Perm.MAKEUP_DECIDE."""
    _require(actor, Perm.MAKEUP_DECIDE)
    ids = list(dict.fromkeys(enrolment_ids))
    if not ids:
        raise ApplicationError(_("请选择要处理的记录。"), code="ids_required", attr="ids")
    rows = list(
        Enrolment.objects.filter(province_q(actor), pk__in=ids)
        .select_related("cycle", "physician")
        .select_for_update(of=("self",))
        .order_by("pk")
    )
    if len(rows) != len(ids):
        raise NotFound()
    return rows


def result_view_get(*, actor: Actor | None, enrolment_id) -> Enrolment:
    """One enrolment's result for anyone who reads the enrolled (Perm.ENROLMENT_VIEW) within reach."""
    _require(actor, Perm.ENROLMENT_VIEW)
    return enrolment_selectors.enrolment_get_for_actor(actor=actor, enrolment_id=enrolment_id)


def scoring_attachments(enrolment: Enrolment) -> list[EnrolmentAttachment]:
    return list(
        EnrolmentAttachment.objects.filter(
            enrolment=enrolment, purpose__in=list(COMPONENT_PURPOSES.values())
        ).order_by("created_at")
    )


def scoring_attachment_get(*, enrolment: Enrolment, attachment_id) -> EnrolmentAttachment:
    try:
        return EnrolmentAttachment.objects.get(
            enrolment=enrolment, pk=attachment_id, purpose__in=list(COMPONENT_PURPOSES.values())
        )
    except (EnrolmentAttachment.DoesNotExist, ValueError, TypeError) as exc:
        raise NotFound() from exc


def result_history(enrolment: Enrolment) -> list[EnrolmentHistory]:
    return list(EnrolmentHistory.objects.filter(subject=enrolment).order_by("created_at", "pk"))


# --- the physician --------------------------------------------------------------------------------------


def my_result_get(*, user, enrolment_id) -> Enrolment:
    """One of the caller's own enrolments (NotFound for anyone else's)."""
    return report_selectors.my_enrolment_get(user=user, enrolment_id=enrolment_id)


def result_published(enrolment: Enrolment) -> bool:
    return enrolment.status in PUBLISHED_STATES


# --- the outbox event's destination ---------------------------------------------------------------------


def event_schema_for(organization_id) -> str:
    """Where consumers of an event about an institution run: its hospital tenant's schema when it adopted
    the hospital modules, else the public schema."""
    from tenants.models import Tenant  # the one lookup of the organisation's tenant, read-only

    schema = Tenant.objects.filter(organization_id=organization_id).values_list("schema_name", flat=True)
    return schema.first() or "public"


def result_get_after_action(*, enrolment_id) -> Enrolment:
    """The enrolment as it stands after an action whose service checked the caller's reach (it may have
    left the caller's queue by then). Never use it to decide who may read."""
    try:
        return Enrolment.objects.select_related(
            "cycle",
            "cycle__settings",
            "settings",
            "result_settings",
            "physician",
            "organization",
            "department",
            "assessment_body",
        ).get(pk=enrolment_id)
    except (Enrolment.DoesNotExist, ValueError, TypeError) as exc:
        raise NotFound() from exc
