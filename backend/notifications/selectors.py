"""Reads of the notifications: the caller's own (anyone else's is a 404, the same as one that does not
exist), and the set-based reads the producers need (recipients of an event, who still has to act in a phase).

Every "who has to act" read is one query per phase (or three for the commissions' re-review), whatever the
number of physicians: a correlated count per reviewer's membership, and NOT EXISTS on the notification already
made for the same occasion, so a second run of the reminders reads nothing new.
"""

from collections import defaultdict
from collections.abc import Iterable, Iterator

from assessment.enums import EnrolmentStatus as S
from assessment.models import Cycle, CycleSettings, Enrolment, EnrolmentHistory
from django.db.models import Count, Exists, F, IntegerField, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce

from accounts.models import Membership, User
from accounts.permissions import Perm
from accounts.roles import ROLE_SPECS, Role
from core.errors import NotFound
from notifications.models import Notification
from organizations.enums import OrganizationKind
from organizations.models import Organization

SELF_REPORT_STATES = (S.ENROLLED, S.DRAFTING, S.RETURNED)


# --- the caller's own ---------------------------------------------------------------------------------


def notification_list_for_user(*, user, unread: bool | None = None) -> QuerySet[Notification]:
    """The user's notifications, newest first; `unread` True: only unread, False: only read."""
    qs = Notification.objects.filter(recipient_id=user.pk)
    if unread is True:
        qs = qs.filter(read_at__isnull=True)
    elif unread is False:
        qs = qs.filter(read_at__isnull=False)
    return qs.order_by("-created_at", "-id")


def notification_get_for_user(*, user, notification_id, for_update: bool = False) -> Notification:
    """One of the user's own notifications; NotFound for anyone else's (or none)."""
    qs = Notification.objects.filter(recipient_id=user.pk)
    if for_update:
        qs = qs.select_for_update()
    try:
        return qs.get(pk=notification_id)
    except (Notification.DoesNotExist, ValueError, TypeError) as exc:
        raise NotFound() from exc


def notification_unread_count(*, user) -> int:
    return Notification.objects.filter(recipient_id=user.pk, read_at__isnull=True).count()


# --- recipients of events -----------------------------------------------------------------------------


def returned_recipients(*, enrolment_ids: Iterable, action: str) -> list[dict]:
    """For each enrolment (with a physician account) just returned by `action`: the return's history row
    (id and comment), the physician's user and the cycle's name. One query."""
    return list(
        EnrolmentHistory.objects.filter(
            subject_id__in=list(enrolment_ids),
            action=action,
            to_state=S.RETURNED,
            subject__physician__user__isnull=False,
        )
        .order_by("subject_id", "-created_at")
        .distinct("subject_id")
        .values(
            "id",
            "subject_id",
            "comment",
            user_id=F("subject__physician__user_id"),
            cycle_name=F("subject__cycle__name"),
        )
    )


def published_recipients(*, enrolment_ids: Iterable) -> list[dict]:
    """For each enrolment (with a physician account): the physician's user, the cycle's name, the result
    level and the end of publicity. One query."""
    return list(
        Enrolment.objects.filter(pk__in=list(enrolment_ids), physician__user__isnull=False)
        .order_by()
        .values(
            "id",
            "result_level",
            "publicity_ends_on",
            user_id=F("physician__user_id"),
            cycle_name=F("cycle__name"),
        )
    )


def sms_phone_for(user: User) -> str:
    """Where a physician's SMS goes: the account's phone, else the registry's."""
    if user.phone:
        return user.phone
    physician = getattr(user, "physician", None)
    return (physician.phone if physician is not None else "") or ""


def sms_pending(*, notification_id, for_update: bool = False) -> Notification | None:
    qs = Notification.objects.filter(pk=notification_id, sms_status="pending").select_related(
        "recipient", "recipient__physician"
    )
    if for_update:
        qs = qs.select_for_update(skip_locked=True, of=("self",))
    return qs.first()


# --- who still has to act in a phase (the reminders) --------------------------------------------------


def active_cycle() -> Cycle | None:
    return Cycle.objects.filter(status="active").select_related("settings").first()


def _notified(*, kind: str, phase: str, occasion: str, recipient: str, subject: str):
    return Exists(
        Notification.objects.filter(
            recipient_id=OuterRef(recipient),
            kind=kind,
            subject_id=OuterRef(subject),
            phase=phase,
            occasion=occasion,
        )
    )


def physicians_to_report(*, cycle: Cycle, kind: str, phase: str, occasion: str) -> Iterator[dict]:
    """Physicians (with an active account) who have not submitted their self-report yet (enrolled, drafting,
    returned) and were not told on this occasion: {enrolment_id, user_id}. One query, streamed."""
    return (
        Enrolment.objects.filter(
            cycle_id=cycle.pk,
            status__in=SELF_REPORT_STATES,
            physician__user__isnull=False,
            physician__user__is_active=True,
        )
        .exclude(
            _notified(kind=kind, phase=phase, occasion=occasion, recipient="physician__user_id", subject="pk")
        )
        .order_by()
        .values("id", user_id=F("physician__user_id"))
        .iterator(chunk_size=2000)
    )


def _roles_with(code: str, kinds: set[str]) -> list[str]:
    return [
        str(role)
        for role, spec in ROLE_SPECS.items()
        if code in spec.codes and spec.kinds & kinds and role != Role.EXPERT
    ]


def _reviewers(
    *, memberships: QuerySet[Membership], pending: QuerySet[Enrolment], kind: str, phase: str, occasion: str
) -> list[dict]:
    """Active members with a count of pending enrolments > 0, not told on this occasion (subject: their
    organisation): {user_id, organization_id, organization_name, pending}. One query."""
    count = pending.order_by().values("cycle_id").annotate(n=Count("pk")).values("n")
    return list(
        memberships.filter(is_active=True, user__is_active=True)
        .annotate(pending=Coalesce(Subquery(count, output_field=IntegerField()), 0))
        .filter(pending__gt=0)
        .exclude(
            _notified(
                kind=kind, phase=phase, occasion=occasion, recipient="user_id", subject="organization_id"
            )
        )
        .order_by()
        .values("user_id", "organization_id", "pending", organization_name=F("organization__name"))
        .distinct()
    )


def department_heads_to_rate(*, cycle: Cycle, kind: str, phase: str, occasion: str) -> list[dict]:
    """Department heads with submitted self-reports of their department waiting for the rating."""
    pending = Enrolment.objects.filter(
        cycle_id=cycle.pk,
        status=S.SUBMITTED,
        organization_id=OuterRef("organization_id"),
        department_id=OuterRef("department_id"),
    )
    return _reviewers(
        memberships=Membership.objects.filter(role=Role.DEPARTMENT_HEAD, department__isnull=False),
        pending=pending,
        kind=kind,
        phase=phase,
        occasion=occasion,
    )


def institution_reviewers_to_review(
    *, cycle: Cycle, settings: CycleSettings, kind: str, phase: str, occasion: str
) -> list[dict]:
    """Institution staff who review (Perm.ENROLMENT_REVIEW) with submissions waiting for their review (rated
    by the department first when the cycle asks for it)."""
    states = (S.DEPARTMENT_RATED,) if settings.department_rating else (S.SUBMITTED, S.DEPARTMENT_RATED)
    pending = Enrolment.objects.filter(
        cycle_id=cycle.pk, status__in=states, organization_id=OuterRef("organization_id")
    )
    roles = _roles_with(Perm.ENROLMENT_REVIEW, {OrganizationKind.INSTITUTION})
    return _reviewers(
        memberships=Membership.objects.filter(
            role__in=roles, organization__kind=OrganizationKind.INSTITUTION
        ),
        pending=pending,
        kind=kind,
        phase=phase,
        occasion=occasion,
    )


def body_reviewers_to_review(*, cycle: Cycle, kind: str, phase: str, occasion: str) -> list[dict]:
    """Re-reviewers (Perm.ENROLMENT_REREVIEW) with submissions approved by the institution waiting for them:
    an assessment body's reviewers for the enrolments assigned to it; for those without a body, the staff of
    the commission nearest above the institution (selectors of assessment.reviews decide the same way)."""
    body_roles = _roles_with(
        Perm.ENROLMENT_REREVIEW, {OrganizationKind.INSTITUTION, OrganizationKind.INDUSTRY_ORG}
    )
    rows = _reviewers(
        memberships=Membership.objects.filter(role__in=body_roles).exclude(
            organization__kind=OrganizationKind.COMMISSION
        ),
        pending=Enrolment.objects.filter(
            cycle_id=cycle.pk, status=S.INSTITUTION_APPROVED, assessment_body_id=OuterRef("organization_id")
        ),
        kind=kind,
        phase=phase,
        occasion=occasion,
    )
    # Without a body: group by region, then give each region to its nearest commission (few of either).
    by_region = (
        Enrolment.objects.filter(
            cycle_id=cycle.pk, status=S.INSTITUTION_APPROVED, assessment_body__isnull=True
        )
        .order_by()
        .values("region_path")
        .annotate(n=Count("pk"))
    )
    by_region = {row["region_path"]: row["n"] for row in by_region}
    if not by_region:
        return rows
    commissions = list(
        Organization.objects.filter(kind=OrganizationKind.COMMISSION).values("id", "region_path", "name")
    )
    pending: dict = defaultdict(int)
    names = {}
    for path, n in by_region.items():
        nearest = max(
            (c for c in commissions if path.startswith(c["region_path"])),
            key=lambda c: len(c["region_path"]),
            default=None,
        )
        if nearest is not None:
            pending[nearest["id"]] += n
            names[nearest["id"]] = nearest["name"]
    commission_roles = _roles_with(Perm.ENROLMENT_REREVIEW, {OrganizationKind.COMMISSION})
    members = (
        Membership.objects.filter(
            role__in=commission_roles,
            organization_id__in=list(pending),
            is_active=True,
            user__is_active=True,
        )
        .exclude(
            _notified(
                kind=kind, phase=phase, occasion=occasion, recipient="user_id", subject="organization_id"
            )
        )
        .order_by()
        .values("user_id", "organization_id")
        .distinct()
    )
    for m in members:
        rows.append(
            {
                **m,
                "organization_name": names[m["organization_id"]],
                "pending": pending[m["organization_id"]],
            }
        )
    return rows
