"""Reads of enrolments (医师管理: who takes part in a cycle), scoped to the caller.

Who reaches which enrolments (anything else is a 404):
- an institution's staff: its own (Enrolment.organization, where the physician was when enrolled);
- a department head: those of their own department in their institution;
- an assessment body's reviewers: those it re-reviews (Enrolment.assessment_body is their organisation);
- a commission: its region subtree, read-only, personal data masked (the views audit the reads).
Writes (enrol, withdraw, delete, reset a password) are the institution's alone: `enrolment_get_for_manage`.

The assessment body of a new enrolment comes from the active assessment_bodies assignments: one to the
institution itself wins over one to its county (the newest when several); none means NULL, and then the
nearest commission above the institution re-reviews itself (see selectors.reviews).
"""

from django.db.models import Exists, OuterRef, Q, QuerySet

from accounts.roles import Role
from assessment.models import (
    Certificate,
    Cycle,
    DepartmentRating,
    Enrolment,
    EnrolmentAttachment,
    EnrolmentHistory,
    ScoreEntry,
    SelfReport,
)
from assessment_bodies.models import AssessmentBodyAssignment
from assessment_bodies.selectors import BODY_REACH_ROLES
from core.actor import Actor
from core.crypto import keyed_hash
from core.errors import NotFound
from organizations.enums import OrganizationKind
from physicians.enums import PhysicianStatus
from physicians.models import Physician
from physicians.selectors import region_path_for_code


def _path_prefixes(path: str) -> list[str]:
    parts = [p for p in (path or "").split("/") if p]
    return ["".join(f"{p}/" for p in parts[: i + 1]) for i in range(len(parts))]


def assessment_body_id_for(organization) -> object | None:
    """The body that re-reviews the institution's enrolments now: an active assignment to the institution,
    else the deepest active assignment to a region containing it (its county), the newest when several;
    None when there is no assignment (the commission re-reviews itself)."""
    rows = (
        AssessmentBodyAssignment.objects.filter(is_active=True)
        .filter(
            Q(target_organization_id=organization.id)
            | Q(target_region__isnull=False, target_region_path__in=_path_prefixes(organization.region_path))
        )
        .values_list("body_id", "target_organization_id", "target_region_path", "created_at")
    )
    best = None
    for body_id, target_org_id, path, created_at in rows:
        rank = (target_org_id is not None, len(path or ""), created_at)
        if best is None or rank > best[0]:
            best = (rank, body_id)
    return best[1] if best else None


# --- the institution's side: candidates and its own enrolments ----------------------------------------


def candidate_list(
    *,
    actor: Actor,
    cycle: Cycle,
    name: str = "",
    department_id=None,
    title: str = "",
    practice_category: str = "",
) -> QuerySet[Physician]:
    """Active physicians of the caller's institution not enrolled in the cycle yet, by name then id."""
    qs = Physician.objects.filter(organization_id=actor.organization_id, status=PhysicianStatus.ACTIVE)
    qs = qs.filter(~Exists(Enrolment.objects.filter(cycle_id=cycle.pk, physician_id=OuterRef("pk"))))
    if name:
        qs = qs.filter(name__contains=name.strip())
    if department_id:
        qs = qs.filter(department_id=department_id)
    if title:
        qs = qs.filter(title=title)
    if practice_category:
        qs = qs.filter(practice_category=practice_category)
    return qs.select_related("department", "user").order_by("name", "pk")


def candidate_get(*, actor: Actor, physician_id) -> Physician:
    """A physician of the caller's institution (any status); NotFound otherwise."""
    try:
        return Physician.objects.select_related("user").get(
            pk=physician_id, organization_id=actor.organization_id
        )
    except (Physician.DoesNotExist, ValueError, TypeError) as exc:
        raise NotFound() from exc


def own_physicians(*, actor: Actor, physician_ids, for_update: bool = False) -> list[Physician]:
    """The given physicians, all of the caller's institution; NotFound when any is not (a batch never
    half-applies)."""
    ids = list(dict.fromkeys(physician_ids))
    qs = Physician.objects.filter(pk__in=ids, organization_id=actor.organization_id).select_related(
        "organization"
    )
    if for_update:
        qs = qs.select_for_update(of=("self",))
    found = list(qs.order_by("pk"))
    if len(found) != len(ids):
        raise NotFound()
    return found


def own_physicians_by_keys(*, actor: Actor, licence_numbers, id_card_numbers) -> tuple[dict, dict]:
    """Physicians of the caller's institution by licence number and by ID-card hash (for the import)."""
    hashes = {keyed_hash(n) for n in id_card_numbers}
    qs = Physician.objects.filter(organization_id=actor.organization_id).filter(
        Q(licence_number__in=list(licence_numbers)) | Q(id_card_hash__in=list(hashes))
    )
    by_licence, by_hash = {}, {}
    for p in qs.select_related("department"):
        by_licence[p.licence_number] = p
        by_hash[p.id_card_hash] = p
    return by_licence, by_hash


def enrolled_physician_ids(*, cycle_id, physician_ids) -> set:
    return set(
        Enrolment.objects.filter(cycle_id=cycle_id, physician_id__in=list(physician_ids)).values_list(
            "physician_id", flat=True
        )
    )


def enrolment_get_for_manage(*, actor: Actor, enrolment_id, for_update: bool = False) -> Enrolment:
    """An enrolment of the caller's own institution (the only one that may change it); NotFound otherwise."""
    if actor is None or actor.organization_id is None:
        raise NotFound()
    qs = Enrolment.objects.select_related("cycle", "physician", "physician__user").filter(
        organization_id=actor.organization_id
    )
    if for_update:
        qs = qs.select_for_update(of=("self",))
    try:
        return qs.get(pk=enrolment_id)
    except (Enrolment.DoesNotExist, ValueError, TypeError) as exc:
        raise NotFound() from exc


def enrolment_untouched(enrolment: Enrolment) -> bool:
    """Nothing was done on it yet: still `enrolled`, no history, report, rating, attachment, score or
    certificate. Only then may the institution delete it as wrongly added."""
    pk = enrolment.pk
    return not (
        EnrolmentHistory.objects.filter(subject_id=pk).exists()
        or SelfReport.objects.filter(enrolment_id=pk).exists()
        or DepartmentRating.objects.filter(enrolment_id=pk).exists()
        or EnrolmentAttachment.objects.filter(enrolment_id=pk).exists()
        or ScoreEntry.objects.filter(enrolment_id=pk).exists()
        or Certificate.objects.filter(enrolment_id=pk).exists()
    )


# --- reading the enrolled, within reach ----------------------------------------------------------------


def reach_q(actor: Actor | None) -> Q:
    """The enrolments the actor reads, as a filter (see the module's docstring)."""
    if actor is None or actor.organization_id is None:
        return Q(pk__in=[])
    if actor.organization_kind == OrganizationKind.COMMISSION:
        return Q(region_path__startswith=actor.region_path or "\0")
    if actor.role == Role.DEPARTMENT_HEAD:
        if actor.department_id is None:
            return Q(pk__in=[])
        return Q(organization_id=actor.organization_id, department_id=actor.department_id)
    if actor.role in BODY_REACH_ROLES:
        return Q(assessment_body_id=actor.organization_id)
    return Q(organization_id=actor.organization_id)


def enrolment_list_for_actor(
    *,
    actor: Actor | None,
    cycle_id=None,
    status: str = "",
    procedure: str = "",
    department_id=None,
    title: str = "",
    name: str = "",
    organization_id=None,
    region: str = "",
) -> QuerySet[Enrolment]:
    """The enrolments the actor reaches matching the filters, oldest enrolment first. `name` is a substring
    of the physician's name; `region` a division code whose subtree is searched (an unknown code: 400)."""
    qs = Enrolment.objects.filter(reach_q(actor))
    if cycle_id:
        qs = qs.filter(cycle_id=cycle_id)
    if status:
        qs = qs.filter(status=status)
    if procedure:
        qs = qs.filter(procedure=procedure)
    if department_id:
        qs = qs.filter(department_id=department_id)
    if title:
        qs = qs.filter(title=title)
    if name:
        qs = qs.filter(physician__name__contains=name.strip())
    if organization_id:
        qs = qs.filter(organization_id=organization_id)
    if region:
        qs = qs.filter(region_path__startswith=region_path_for_code(region))
    return qs.select_related("cycle", "physician", "organization", "department", "assessment_body").order_by(
        "created_at", "pk"
    )


def enrolment_get_for_actor(*, actor: Actor | None, enrolment_id) -> Enrolment:
    """One enrolment the actor reaches; NotFound otherwise (whatever exists elsewhere)."""
    qs = Enrolment.objects.filter(reach_q(actor)).select_related(
        "cycle", "settings", "physician", "organization", "department", "assessment_body", "enrolled_by"
    )
    try:
        return qs.get(pk=enrolment_id)
    except (Enrolment.DoesNotExist, ValueError, TypeError) as exc:
        raise NotFound() from exc


def enrolment_history(enrolment: Enrolment) -> QuerySet[EnrolmentHistory]:
    return EnrolmentHistory.objects.filter(subject=enrolment).order_by("created_at", "pk")
