"""Reads of organisations and departments, scoped to the caller through core.scoping.

- Organisations: a commission reaches every organisation of its region subtree (itself included), an
  institution or industry organisation itself, an assessment body's staff also what is assigned to it.
- Departments belong to an institution: they are read where the institution is within reach (its own staff,
  the commissions above it, the assessment bodies serving it) and written only by the institution itself.

Anything outside the reach is a NotFound, indistinguishable from a row that does not exist.
"""

from functools import cache

from django.apps import apps
from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.db import models
from django.db.models import Q, QuerySet
from django_tenants.utils import schema_context

from core.actor import Actor
from core.errors import NotFound
from core.scoping import get_in_reach, scope
from organizations.enums import OrganizationKind
from organizations.models import Department, Organization, Region


def department_belongs_to(*, department_id, organization_id) -> bool:
    return Department.objects.filter(pk=department_id, organization_id=organization_id).exists()


# --- organisations ----------------------------------------------------------------------------------


def _organizations(actor: Actor | None) -> QuerySet[Organization]:
    return scope(
        Organization.objects.select_related("region", "tenant"),
        actor,
        region_field="region_path",
        org_field="id",
    )


def organization_list_for_actor(
    *,
    actor: Actor | None,
    kind: str | None = None,
    region_code: str | None = None,
    status: str | None = None,
    grade: str | None = None,
    institution_type: str | None = None,
    is_assessment_body: bool | None = None,
    search: str = "",
) -> QuerySet[Organization]:
    """Organisations within the actor's reach, filtered. `region_code` keeps that region's whole subtree (an
    unknown code: nothing); `search` matches the name (contains) or the unified social credit code (prefix)."""
    qs = _organizations(actor)
    if kind:
        qs = qs.filter(kind=kind)
    if region_code:
        path = Region.objects.filter(code=region_code).values_list("path", flat=True).first()
        qs = qs.filter(region_path__startswith=path) if path else qs.none()
    if status:
        qs = qs.filter(status=status)
    if grade:
        qs = qs.filter(grade=grade)
    if institution_type:
        qs = qs.filter(institution_type=institution_type)
    if is_assessment_body is not None:
        qs = qs.filter(is_assessment_body=is_assessment_body)
    if search:
        qs = qs.filter(Q(name__icontains=search) | Q(unified_social_credit_code__startswith=search.upper()))
    return qs.order_by("region_path", "name", "id")


def organization_get_for_actor(*, actor: Actor | None, organization_id) -> Organization:
    """One organisation within the actor's reach, or NotFound."""
    return get_in_reach(
        Organization.objects.select_related("region", "tenant"),
        actor,
        organization_id,
        region_field="region_path",
        org_field="id",
    )


def organization_get_own(*, actor: Actor | None) -> Organization:
    """The organisation the actor acts for, or NotFound (a caller without one)."""
    if actor is None or actor.organization_id is None:
        raise NotFound()
    return organization_get_for_actor(actor=actor, organization_id=actor.organization_id)


def organization_is_below(actor: Actor, organization: Organization) -> bool:
    """Whether an organisation lies strictly below a commission actor: in its region subtree, and not a
    commission of the actor's own region (itself)."""
    return bool(
        actor.is_commission
        and actor.region_path
        and organization.region_path.startswith(actor.region_path)
        and not (
            organization.kind == OrganizationKind.COMMISSION and organization.region_path == actor.region_path
        )
    )


# --- departments ------------------------------------------------------------------------------------


def _departments_of(organization: Organization) -> QuerySet[Department]:
    return Department.objects.filter(organization=organization).select_related("parent")


def department_organization_for_actor(*, actor: Actor | None, organization_id=None) -> Organization:
    """Whose departments the actor reads: its own organisation by default, or one within its reach."""
    if organization_id is None:
        return organization_get_own(actor=actor)
    return organization_get_for_actor(actor=actor, organization_id=organization_id)


def department_list_for_actor(
    *,
    actor: Actor | None,
    organization_id=None,
    is_active: bool | None = None,
    search: str = "",
    parent_id=None,
    top_level: bool | None = None,
) -> QuerySet[Department]:
    """The departments of one institution (the actor's own unless `organization_id` names one within reach),
    flat, ordered by sort order then name. `search` matches name or code (contains)."""
    organization = department_organization_for_actor(actor=actor, organization_id=organization_id)
    qs = _departments_of(organization)
    if is_active is not None:
        qs = qs.filter(is_active=is_active)
    if search:
        qs = qs.filter(Q(name__icontains=search) | Q(code__icontains=search))
    if parent_id is not None:
        qs = qs.filter(parent_id=parent_id)
    if top_level is not None:
        qs = qs.filter(parent__isnull=top_level)
    return qs.order_by("sort_order", "name", "id")


def department_tree_for_actor(
    *, actor: Actor | None, organization_id=None, is_active: bool | None = None
) -> list[dict]:
    """The department tree of one institution (as department_list_for_actor), nested, in one query.

    With `is_active=True` only enabled departments are kept; since an enabled department never sits under a
    disabled one (see organizations.services), no enabled department is lost with its parent.
    """
    organization = department_organization_for_actor(actor=actor, organization_id=organization_id)
    qs = Department.objects.filter(organization=organization)
    if is_active is not None:
        qs = qs.filter(is_active=is_active)
    rows = list(
        qs.order_by("sort_order", "name", "id").values(
            "id", "parent_id", "name", "code", "sort_order", "is_active"
        )
    )
    nodes = {r["id"]: {**r, "children": []} for r in rows}
    roots = []
    for r in rows:
        parent = nodes.get(r["parent_id"])
        (parent["children"] if parent is not None else roots).append(nodes[r["id"]])
    return roots


def department_get_for_actor(*, actor: Actor | None, department_id) -> Department:
    """One department of an institution within the actor's reach, or NotFound."""
    return get_in_reach(
        Department.objects.select_related("organization", "parent"),
        actor,
        department_id,
        region_field="organization__region_path",
        org_field="organization_id",
    )


def department_get_own(*, actor: Actor | None, department_id, lock: bool = False) -> Department:
    """One department of the actor's own organisation (the only place departments are written), or NotFound:
    another institution's department is not found, even for a commission above it."""
    if actor is None or actor.organization_id is None:
        raise NotFound()
    qs = Department.objects.filter(organization_id=actor.organization_id)
    if lock:
        qs = qs.select_for_update()
    try:
        return qs.get(pk=department_id)
    except (Department.DoesNotExist, ValueError, TypeError) as exc:
        raise NotFound() from exc


def department_descendant_ids(department: Department) -> set:
    """The IDs of every department below `department` (one query for the institution, walked in memory)."""
    children: dict = {}
    for pk, parent_id in Department.objects.filter(organization_id=department.organization_id).values_list(
        "id", "parent_id"
    ):
        children.setdefault(parent_id, []).append(pk)
    found: set = set()
    stack = list(children.get(department.pk, []))
    while stack:
        pk = stack.pop()
        if pk not in found:
            found.add(pk)
            stack.extend(children.get(pk, []))
    return found


def department_ancestor_ids(*, department_id, organization_id) -> list:
    """The department itself, then its parent, up to the top, within the organisation (nearest first); empty
    when the department is not the organisation's (used by approval chains: a ward without a head of its own
    goes to the head of the department above it)."""
    parents = dict(Department.objects.filter(organization_id=organization_id).values_list("id", "parent_id"))
    found: list = []
    current = department_id
    while current is not None and current in parents and current not in found:
        found.append(current)
        current = parents[current]
    return found


@cache
def _department_references() -> list[tuple[type[models.Model], str, bool]]:
    """(model, field name, lives in tenant schemas) for every foreign key to Department in the project."""
    tenant_only = set(settings.TENANT_APPS) - set(settings.SHARED_APPS)
    refs = []
    for model in apps.get_models():
        for f in model._meta.get_fields():
            if isinstance(f, models.ForeignKey) and f.related_model is Department:
                refs.append((model, f.name, model._meta.app_config.name in tenant_only))
    return refs


def department_usage(department: Department) -> dict[str, int]:
    """How often a department is referenced, by model label (only those that reference it): sub-departments,
    physicians, memberships, enrolments, transfers in public, and the rows of its institution's tenant schema
    (whose foreign keys have no database constraint, so the database alone would not refuse a delete)."""
    usage: dict[str, int] = {}
    tenant = tenant_of(department.organization)
    for model, field, in_tenant in _department_references():
        if in_tenant:
            if tenant is None:
                continue
            with schema_context(tenant.schema_name):
                count = model.objects.filter(**{field: department.pk}).count()
        else:
            count = model.objects.filter(**{field: department.pk}).count()
        if count:
            usage[model._meta.label_lower] = usage.get(model._meta.label_lower, 0) + count
    return usage


def tenant_of(organization: Organization):
    """The organisation's tenant (a hospital that adopted the hospital modules), or None."""
    try:
        return organization.tenant
    except ObjectDoesNotExist:
        return None
