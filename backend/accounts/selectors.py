"""Reads about accounts, scoped to the caller."""

from functools import cache

from django.conf import settings
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from accounts.models import Membership
from accounts.roles import codes_for, is_supervisory
from core.actor import AccessMode, Actor, Reach
from core.errors import ApplicationError


@cache
def _reach_extensions():
    return [import_string(path) for path in getattr(settings, "ACTOR_REACH_EXTENSIONS", [])]


def reach_for(organization, role: str) -> Reach:
    """A commission reaches its subtree; anyone else its own organisation, plus what extensions add
    (an assessment body: the institutions and counties assigned to it)."""
    if organization.kind == "commission":
        reach = Reach(region_prefixes=(organization.region_path,))
    else:
        reach = Reach(organization_ids=frozenset({organization.id}))
    for extend in _reach_extensions():
        reach = reach.merge(extend(organization=organization, role=role))
    return reach


def _actor(m: Membership, mode: AccessMode = AccessMode.MEMBER) -> Actor:
    org = m.organization
    codes = codes_for(m.role)
    return Actor(
        reach=reach_for(org, m.role),
        user_id=m.user_id,
        organization_id=org.id,
        organization_kind=org.kind,
        region_path=org.region_path,
        role=m.role,
        department_id=m.department_id,
        codes=codes,
        mode=mode,
    )


def memberships_for_user(user) -> list[Membership]:
    return list(
        Membership.objects.filter(user=user, is_active=True, organization__status="active")
        .select_related("organization", "organization__tenant")
        .order_by("created_at")
    )


def actor_for_request(request) -> Actor | None:
    """The membership the caller acts through.

    On a tenant route: a membership in that hospital; failing that, a supervisory membership of a commission
    whose region contains the hospital (read-only). None means no standing there: the caller gets 404.
    On a public route: the membership named by the `X-Organization` header, or the first one.
    """
    memberships = memberships_for_user(request.user)
    tenant = getattr(request, "tenant", None)
    if tenant is not None:
        own = [m for m in memberships if m.organization_id == tenant.organization_id]
        if own:
            # Several roles in one hospital: the union of their codes.
            best = own[0]
            codes = frozenset().union(*(codes_for(m.role) for m in own))
            actor = _actor(best)
            return Actor(**{**actor.__dict__, "codes": codes})
        for m in memberships:
            if is_supervisory(m.role) and tenant.region_path.startswith(m.organization.region_path):
                return _actor(m, AccessMode.SUPERVISOR)
        return None
    if not memberships:
        return Actor(user_id=request.user.pk)
    wanted = request.headers.get("X-Organization")
    if wanted:
        for m in memberships:
            if str(m.organization_id) == wanted:
                return _actor(m)
        raise ApplicationError(_("您不是该机构的成员。"), code="not_a_member")
    return _actor(memberships[0])


def actor_for_membership(*, user, organization_id, role: str | None = None) -> Actor | None:
    """The actor a user is when acting for an organisation (in a background job started from a request):
    None when the user no longer holds an active membership there."""
    for m in memberships_for_user(user):
        if str(m.organization_id) == str(organization_id) and (role is None or m.role == role):
            return _actor(m)
    return None


def member_user_ids(*, organization_id, role: str | None = None, department_id=None, user_ids=None) -> list:
    """IDs of the users with an active membership in the organisation (of `role`, in `department_id`, among
    `user_ids` when given), ordered, without duplicates (used by approval chains to resolve approvers)."""
    qs = Membership.objects.filter(organization_id=organization_id, is_active=True, user__is_active=True)
    if role is not None:
        qs = qs.filter(role=role)
    if department_id is not None:
        qs = qs.filter(department_id=department_id)
    if user_ids is not None:
        qs = qs.filter(user_id__in=list(user_ids))
    return list(dict.fromkeys(qs.order_by("created_at").values_list("user_id", flat=True)))


def user_names(user_ids) -> dict:
    """{user id: display name} for the given IDs (unknown IDs are left out)."""
    from accounts.models import User

    return dict(User.objects.filter(pk__in=list(user_ids)).values_list("id", "name"))
