"""Scoping by jurisdiction, in one place. Every selector of the province platform filters through here.

- a commission reaches its region's subtree;
- an institution or industry organisation reaches itself;
- an assessment body reaches, in addition, the institutions and counties assigned to it;
- a caller without an organisation reaches nothing.

An object outside the reach is a 404 for the caller, indistinguishable from one that does not exist.
"""

from django.db.models import Q, QuerySet

from core.actor import Actor
from core.errors import NotFound


def reach_q(
    actor: Actor | None, *, region_field: str = "region_path", org_field: str = "organization_id"
) -> Q:
    if actor is None or actor.organization_id is None:
        return Q(pk__in=[])
    reach = actor.reach
    q = Q(pk__in=[])
    for prefix in reach.region_prefixes:
        q |= Q(**{f"{region_field}__startswith": prefix})
    if reach.organization_ids:
        q |= Q(**{f"{org_field}__in": list(reach.organization_ids)})
    return q


def scope(qs: QuerySet, actor: Actor | None, **fields) -> QuerySet:
    """Rows of `qs` within the actor's reach (`region_field`, `org_field` name the row's columns)."""
    return qs.filter(reach_q(actor, **fields))


def get_in_reach(qs: QuerySet, actor: Actor | None, pk, **fields):
    """One row by primary key, or NotFound when it does not exist or lies outside the actor's reach."""
    try:
        return scope(qs, actor, **fields).get(pk=pk)
    except (qs.model.DoesNotExist, ValueError, TypeError) as exc:
        raise NotFound() from exc
