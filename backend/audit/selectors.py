"""Reads of the audit log, within the caller's jurisdiction.

- a commission: rows about its region subtree (`region_path` prefix) or about any organisation in it;
- an institution or industry organisation: rows about itself;
- both: rows about no organisation (logins, logouts, password changes) by users who hold a membership in an
  organisation of that jurisdiction.
"""

from datetime import date, datetime, time

from django.db.models import Q, QuerySet
from django.utils import timezone

from audit.models import AuditEvent
from core.actor import Actor
from core.scoping import reach_q


def audit_scope_q(actor: Actor | None) -> Q:
    from accounts.account_selectors import member_user_ids_for_actor, organization_ids_for_actor

    if actor is None or actor.organization_id is None:
        return Q(pk__in=[])
    if actor.is_commission:
        about_orgs = reach_q(actor, region_field="region_path", org_field="organization_id") | Q(
            organization_id__in=organization_ids_for_actor(actor)
        )
    else:
        about_orgs = Q(organization_id=actor.organization_id)
    by_members = Q(organization_id__isnull=True, actor_id__in=member_user_ids_for_actor(actor))
    return about_orgs | by_members


def _bound(value: date | datetime, *, end: bool) -> datetime:
    if isinstance(value, datetime):
        return value if timezone.is_aware(value) else timezone.make_aware(value)
    return timezone.make_aware(datetime.combine(value, time.max if end else time.min))


def audit_event_list_for_actor(
    *,
    actor: Actor | None,
    action: str = "",
    actor_name: str = "",
    date_from: date | datetime | None = None,
    date_to: date | datetime | None = None,
    target_type: str = "",
    target_id: str = "",
    organization_id=None,
) -> QuerySet[AuditEvent]:
    """Audit rows the actor may read, newest first. `action` is a prefix ("accounts." for every account
    action), `actor_name` a substring, the dates inclusive (a date means the whole day)."""
    qs = AuditEvent.objects.filter(audit_scope_q(actor))
    if action:
        qs = qs.filter(action__startswith=action)
    if actor_name:
        qs = qs.filter(actor_name__icontains=actor_name)
    if date_from:
        qs = qs.filter(occurred_at__gte=_bound(date_from, end=False))
    if date_to:
        qs = qs.filter(occurred_at__lte=_bound(date_to, end=True))
    if target_type:
        qs = qs.filter(target_type=target_type)
    if target_id:
        qs = qs.filter(target_id=str(target_id))
    if organization_id:
        qs = qs.filter(organization_id=organization_id)
    return qs.order_by("-occurred_at", "-id")
