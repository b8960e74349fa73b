"""Reads of delegated account management: the accounts (a user with a role in an organisation) an actor
administers.

- A commission administers the accounts below it: memberships with a role it may grant (accounts.roles
  grants_below) in organisations of its region subtree, its own level's commission excepted (province > cities >
  counties > institutions and industry organisations), plus the roles it grants in its own organisation.
- An institution or industry organisation administers the accounts of its own organisation only (an assessment
  body's wider reach over assigned institutions does not extend to their accounts).

Every read goes through core.scoping first; deleted accounts are invisible (a 404 like any other).
"""

from django.db.models import Q, QuerySet

from accounts.models import Membership, User
from accounts.roles import ROLE_SPECS
from core.actor import Actor
from core.errors import NotFound
from core.scoping import reach_q, scope
from organizations.enums import OrganizationKind
from organizations.models import Organization, Region


def _below_q(actor: Actor, prefix: str = "") -> Q:
    """Organisations strictly below a commission: in its region subtree, not a commission of its own region."""
    return Q(**{f"{prefix}region_path__startswith": actor.region_path}) & ~Q(
        **{f"{prefix}kind": OrganizationKind.COMMISSION, f"{prefix}region_path": actor.region_path}
    )


def account_membership_q(actor: Actor | None) -> Q:
    """The membership rows (Q over Membership) the actor administers."""
    nothing = Q(pk__in=[])
    if actor is None or actor.organization_id is None:
        return nothing
    spec = ROLE_SPECS.get(actor.role)
    if spec is None:
        return nothing
    reach = reach_q(actor, region_field="organization__region_path", org_field="organization_id")
    if actor.is_commission:
        below = _below_q(actor, "organization__") & Q(role__in=list(spec.grants_below))
        own = Q(organization_id=actor.organization_id, role__in=list(spec.grants_own))
        return reach & (below | own)
    return reach & Q(organization_id=actor.organization_id)


def _memberships(actor: Actor | None) -> QuerySet[Membership]:
    return Membership.objects.filter(
        account_membership_q(actor), is_active=True, user__deleted_at__isnull=True
    )


def account_list_for_actor(
    *,
    actor: Actor | None,
    kind: str | None = None,
    region_code: str | None = None,
    organization: str = "",
    organization_id=None,
    search: str = "",
    role: str | None = None,
    is_active: bool | None = None,
    may_apply_assessment_body: bool | None = None,
) -> QuerySet[Membership]:
    """The accounts below the actor, one row per (user, role, organisation), filtered.

    `region_code` keeps organisations in that region's subtree; `organization` and `search` are substring
    matches (organisation name; username or person's name).
    """
    qs = _memberships(actor).select_related("user", "organization", "organization__region")
    if kind:
        qs = qs.filter(organization__kind=kind)
    if region_code:
        path = Region.objects.filter(code=region_code).values_list("path", flat=True).first()
        qs = qs.filter(organization__region_path__startswith=path) if path else qs.none()
    if organization:
        qs = qs.filter(organization__name__icontains=organization)
    if organization_id:
        qs = qs.filter(organization_id=organization_id)
    if search:
        qs = qs.filter(Q(user__username__icontains=search) | Q(user__name__icontains=search))
    if role:
        qs = qs.filter(role=role)
    if is_active is not None:
        qs = qs.filter(user__is_active=is_active)
    if may_apply_assessment_body is not None:
        qs = qs.filter(organization__may_apply_assessment_body=may_apply_assessment_body)
    return qs.order_by("organization__region_path", "organization__name", "user__username", "role")


def account_memberships_for_actor(*, actor: Actor | None, user_ids) -> list[Membership]:
    """The visible memberships of the given users (active, not deleted), with organisation and region."""
    return list(
        _memberships(actor)
        .filter(user_id__in=list(user_ids))
        .select_related("user", "organization", "organization__region")
        .order_by("created_at")
    )


def account_get_for_actor(*, actor: Actor | None, user_id) -> tuple[User, list[Membership]]:
    """One account and its memberships the actor administers; NotFound when there are none (also for an
    account that exists elsewhere or was deleted)."""
    try:
        memberships = account_memberships_for_actor(actor=actor, user_ids=[user_id])
    except (ValueError, TypeError) as exc:
        raise NotFound() from exc
    if not memberships:
        raise NotFound()
    return memberships[0].user, memberships


def active_memberships_of(user_ids) -> list[Membership]:
    """Every active membership of the users, wherever it is (to check that a change stays in jurisdiction)."""
    return list(
        Membership.objects.filter(user_id__in=list(user_ids), is_active=True).select_related(
            "organization", "organization__region"
        )
    )


def organization_is_below(actor: Actor, organization) -> bool:
    """Whether an organisation lies strictly below a commission actor."""
    return bool(
        actor.is_commission
        and organization.region_path.startswith(actor.region_path)
        and not (
            organization.kind == OrganizationKind.COMMISSION and organization.region_path == actor.region_path
        )
    )


def organization_for_accounts(*, actor: Actor | None, organization_id) -> Organization:
    """An organisation the actor may hold accounts in: its own, or (a commission) one below it. NotFound
    otherwise."""
    qs = scope(
        Organization.objects.select_related("region"), actor, region_field="region_path", org_field="id"
    )
    if actor is not None and actor.organization_id is not None:
        if actor.is_commission:
            qs = qs.filter(_below_q(actor) | Q(pk=actor.organization_id))
        else:
            qs = qs.filter(pk=actor.organization_id)
    try:
        return qs.get(pk=organization_id)
    except (Organization.DoesNotExist, ValueError, TypeError) as exc:
        raise NotFound() from exc


def organizations_below_for_actor(*, actor: Actor | None, organization_ids) -> QuerySet[Organization]:
    """Institutions and industry organisations below a commission among the given IDs."""
    if actor is None or not actor.is_commission:
        return Organization.objects.none()
    return scope(Organization.objects.all(), actor, region_field="region_path", org_field="id").filter(
        _below_q(actor),
        pk__in=list(organization_ids),
        kind__in=[OrganizationKind.INSTITUTION, OrganizationKind.INDUSTRY_ORG],
    )


def member_user_ids_for_actor(actor: Actor | None) -> QuerySet:
    """IDs of users holding a membership in an organisation of the actor's jurisdiction (a commission: its
    region subtree; anyone else: its own organisation). A subquery, for the audit log's login rows."""
    if actor is None or actor.organization_id is None:
        return Membership.objects.none().values("user_id")
    if actor.is_commission:
        qs = scope(
            Membership.objects.all(),
            actor,
            region_field="organization__region_path",
            org_field="organization_id",
        )
    else:
        qs = Membership.objects.filter(organization_id=actor.organization_id)
    return qs.values("user_id")


def organization_ids_for_actor(actor: Actor | None) -> QuerySet:
    """IDs of the organisations of the actor's jurisdiction (see member_user_ids_for_actor). A subquery."""
    if actor is None or actor.organization_id is None:
        return Organization.objects.none().values("id")
    if actor.is_commission:
        return scope(Organization.objects.all(), actor, region_field="region_path", org_field="id").values(
            "id"
        )
    return Organization.objects.filter(pk=actor.organization_id).values("id")


def username_taken(username: str) -> bool:
    return User.objects.filter(username=username).exists()


def mask_phone(phone: str) -> str:
    """138****1111: what commissions see of a person's phone number."""
    if not phone:
        return ""
    if len(phone) <= 7:
        return phone[:1] + "*" * (len(phone) - 1)
    return phone[:3] + "*" * (len(phone) - 7) + phone[-4:]
