"""Reads about assessment bodies, scoped to the caller through core.scoping.

Visibility:
- applications: the applicant sees its own (any status); a commission sees the submitted ones (submitted_at
  set) of applicants in its jurisdiction. Anything else is a 404.
- assignments: visible when the target lies in the caller's reach, the body lies in its reach (the body
  itself, the body's commissions), the caller's organisation made it, or (institutions) it covers the caller.
- bodies: organisations with is_assessment_body in the caller's reach, plus the bodies with a visible active
  assignment into its reach (cross-region ones included).
"""

from django.db.models import Q, QuerySet

from accounts.permissions import Perm
from accounts.roles import Role
from assessment_bodies.models import (
    AssessmentBodyApplication,
    AssessmentBodyApplicationAttachment,
    AssessmentBodyAssignment,
)
from core.actor import Actor, Reach
from core.errors import NotFound, PermissionDenied
from core.scoping import reach_q
from organizations.models import Organization, Region

# Roles that act for an assessment body and therefore reach what is assigned to it. Read-only roles only:
# the admins of a hospital that is also a body keep managing their own hospital, not the ones it assesses.
BODY_REACH_ROLES = frozenset({Role.ASSESSMENT_REVIEWER, Role.EXPERT})


def reach_for_body(*, organization, role: str) -> Reach:
    """ACTOR_REACH_EXTENSIONS entry: what an assessment body's staff reach in addition to their organisation,
    the institutions and counties of its active assignments. Runs on every request of every user: no query
    at all unless the organisation is a body and the role acts for it, then one indexed query."""
    if not organization.is_assessment_body or role not in BODY_REACH_ROLES:
        return Reach()
    rows = AssessmentBodyAssignment.objects.filter(body_id=organization.id, is_active=True).values_list(
        "target_organization_id", "target_region_id", "target_region_path"
    )
    org_ids = set()
    prefixes = []
    for target_org_id, target_region_id, path in rows:
        if target_org_id is not None:
            org_ids.add(target_org_id)
        elif target_region_id is not None:
            prefixes.append(path)
    return Reach(region_prefixes=tuple(prefixes), organization_ids=frozenset(org_ids))


def _path_prefixes(path: str | None) -> list[str]:
    """'330000/330100/330102/' -> ['330000/', '330000/330100/', '330000/330100/330102/']."""
    parts = [p for p in (path or "").split("/") if p]
    return ["".join(f"{p}/" for p in parts[: i + 1]) for i in range(len(parts))]


def province_path(path: str | None) -> str:
    prefixes = _path_prefixes(path)
    return prefixes[0] if prefixes else ""


def review_region_path_for(path: str) -> str:
    """The region of the commission that reviews an applicant at `path`: its city, or its province when the
    applicant sits at province level."""
    prefixes = _path_prefixes(path)
    return prefixes[min(1, len(prefixes) - 1)] if prefixes else ""


# --- applications -----------------------------------------------------------------------------------


def _require_any(actor: Actor | None, *codes: str) -> None:
    if actor is None or not any(actor.has(c) for c in codes):
        raise PermissionDenied()


def application_list_for_actor(
    *, actor: Actor, status: str = "", region_code: str = "", search: str = ""
) -> QuerySet[AssessmentBodyApplication]:
    """Applications the caller sees (BODY_APPLY: its own; BODY_REVIEW: submitted ones in its jurisdiction).
    Raises PermissionDenied without either code."""
    _require_any(actor, Perm.BODY_APPLY, Perm.BODY_REVIEW)
    qs = AssessmentBodyApplication.objects.select_related("organization", "organization__region")
    if actor.is_commission and actor.has(Perm.BODY_REVIEW):
        qs = qs.filter(reach_q(actor, region_field="region_path", org_field="organization_id")).filter(
            submitted_at__isnull=False
        )
    elif actor.has(Perm.BODY_APPLY) and actor.organization_id is not None:
        qs = qs.filter(organization_id=actor.organization_id)
    else:
        return qs.none()
    if status:
        qs = qs.filter(status=status)
    if region_code:
        region = Region.objects.filter(code=region_code).only("path").first()
        qs = qs.filter(region_path__startswith=region.path) if region else qs.none()
    if search:
        qs = qs.filter(organization__name__icontains=search)
    return qs.order_by("-created_at")


def application_get_for_actor(*, actor: Actor, application_id, for_update: bool = False):
    qs = application_list_for_actor(actor=actor)
    if for_update:
        qs = qs.select_for_update(of=("self",))
    try:
        return qs.get(pk=application_id)
    except (AssessmentBodyApplication.DoesNotExist, ValueError, TypeError) as exc:
        raise NotFound() from exc


def attachment_get_for_actor(*, actor: Actor, application_id, attachment_id):
    application = application_get_for_actor(actor=actor, application_id=application_id)
    attachment = AssessmentBodyApplicationAttachment.objects.filter(
        application=application, pk=attachment_id
    ).first()
    if attachment is None:
        raise NotFound()
    return application, attachment


def application_history(*, application):
    return application.history.all().order_by("created_at")


# --- assignments ------------------------------------------------------------------------------------


def _assignment_visible_q(actor: Actor) -> Q:
    q = reach_q(actor, region_field="target_region_path", org_field="target_organization_id")
    q |= reach_q(actor, region_field="body__region_path", org_field="body_id")
    q |= Q(assigned_by_id=actor.organization_id)
    if not actor.is_commission:
        # a county assignment covers the institutions of that county
        q |= Q(target_region__isnull=False, target_region_path__in=_path_prefixes(actor.region_path))
    return q


def assignment_list_for_actor(
    *,
    actor: Actor,
    body_id=None,
    target_region_code: str = "",
    target_organization_id=None,
    active: bool | None = None,
    cross_region: bool | None = None,
) -> QuerySet[AssessmentBodyAssignment]:
    if actor is None or actor.organization_id is None:
        return AssessmentBodyAssignment.objects.none()
    qs = AssessmentBodyAssignment.objects.select_related(
        "body", "body__region", "target_region", "target_organization", "assigned_by"
    ).filter(_assignment_visible_q(actor))
    if body_id:
        qs = qs.filter(body_id=body_id)
    if target_region_code:
        qs = qs.filter(target_region__code=target_region_code)
    if target_organization_id:
        qs = qs.filter(target_organization_id=target_organization_id)
    if active is not None:
        qs = qs.filter(is_active=active)
    if cross_region is not None:
        qs = qs.filter(is_cross_region=cross_region)
    return qs.order_by("-created_at")


def assignment_get_for_actor(*, actor: Actor, assignment_id, for_update: bool = False):
    qs = assignment_list_for_actor(actor=actor)
    if for_update:
        qs = qs.select_for_update(of=("self",))
    try:
        return qs.get(pk=assignment_id)
    except (AssessmentBodyAssignment.DoesNotExist, ValueError, TypeError) as exc:
        raise NotFound() from exc


def assignments_served_by(*, actor: Actor, body_ids) -> dict:
    """Active assignments of the given bodies that the caller sees, grouped by body id (one query)."""
    grouped: dict = {}
    if not body_ids:
        return grouped
    qs = (
        assignment_list_for_actor(actor=actor, active=True)
        .filter(body_id__in=list(body_ids))
        .order_by("target_region_path", "created_at")
    )
    for a in qs:
        grouped.setdefault(a.body_id, []).append(a)
    return grouped


def served_by_my_organization(*, actor: Actor) -> QuerySet[AssessmentBodyAssignment]:
    """What the caller's own organisation serves as an assessment body (active assignments)."""
    if actor is None or actor.organization_id is None:
        return AssessmentBodyAssignment.objects.none()
    return (
        AssessmentBodyAssignment.objects.select_related(
            "body", "body__region", "target_region", "target_organization", "assigned_by"
        )
        .filter(body_id=actor.organization_id, is_active=True)
        .order_by("target_region_path", "created_at")
    )


# --- bodies -----------------------------------------------------------------------------------------


def body_list_for_actor(
    *, actor: Actor, region_code: str = "", kind: str = "", name: str = "", candidates: bool = False
) -> QuerySet[Organization]:
    """Assessment bodies the caller sees. With `candidates` (callers holding BODY_ASSIGN only): every active
    body of the caller's province, the ones it may assign across regions."""
    if actor is None or actor.organization_id is None:
        return Organization.objects.none()
    qs = Organization.objects.select_related("region").filter(is_assessment_body=True)
    if candidates:
        _require_any(actor, Perm.BODY_ASSIGN)
        qs = qs.filter(region_path__startswith=province_path(actor.region_path), status="active")
    else:
        assigned_into = (
            AssessmentBodyAssignment.objects.filter(is_active=True)
            .filter(
                reach_q(actor, region_field="target_region_path", org_field="target_organization_id")
                | (
                    Q(target_region__isnull=False, target_region_path__in=_path_prefixes(actor.region_path))
                    if not actor.is_commission
                    else Q(pk__in=[])
                )
            )
            .values("body_id")
        )
        qs = qs.filter(reach_q(actor, region_field="region_path", org_field="id") | Q(id__in=assigned_into))
    if region_code:
        region = Region.objects.filter(code=region_code).only("path").first()
        qs = qs.filter(region_path__startswith=region.path) if region else qs.none()
    if kind:
        qs = qs.filter(kind=kind)
    if name:
        qs = qs.filter(name__icontains=name)
    return qs.order_by("region_path", "name")


def body_get_for_actor(*, actor: Actor, body_id) -> Organization:
    try:
        return body_list_for_actor(actor=actor).get(pk=body_id)
    except (Organization.DoesNotExist, ValueError, TypeError) as exc:
        raise NotFound() from exc


def application_actions_for(*, actor: Actor, application: AssessmentBodyApplication) -> set[str]:
    """The workflow actions the caller may take on the application now (for the web app's buttons)."""
    from assessment_bodies.workflow import APPLICANT_ACTIONS, APPLICATION_FLOW, REVIEW_ACTIONS

    legal = set(APPLICATION_FLOW.actions_from(application.status))
    allowed: set[str] = set()
    if actor.has(Perm.BODY_APPLY) and application.organization_id == actor.organization_id:
        allowed |= legal & APPLICANT_ACTIONS
    if (
        actor.is_commission
        and actor.has(Perm.BODY_REVIEW)
        and application.review_region_path.startswith(actor.region_path or "\0")
    ):
        allowed |= legal & REVIEW_ACTIONS
    return {str(a) for a in allowed}
