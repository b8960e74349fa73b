"""Making and reading-state of notifications.

Producers (each inserts with ON CONFLICT DO NOTHING on the unique key, so running twice makes nothing twice):
- `notify_on_transition`, the ENROLMENT_FLOW listener (apps.py): a submission returned (department,
  institution or body) and a result published (`publicize`) notify the physician, inside the transaction of
  the move; a bulk move of N makes its N rows with one bulk_create;
- `reminders_run`, the beat task (twice a day): phase start and deadline approaching for the active cycle,
  to those who still have to act (see selectors), one set-based read and one bulk insert per phase.

SMS: physicians also get an SMS for the kinds in enums.SMS_KINDS. It is never sent in the request: the
rows are marked `pending` and a Celery task is queued after commit (`notification_sms_send`); each attempt is
recorded on the row (attempts, last error), failures are retried with a growing delay and marked `failed`
after the last attempt. Staff get everything in-app only.
"""

from __future__ import annotations

import logging
from datetime import date, timedelta

from assessment.enums import EnrolmentStatus as S
from assessment.enums import Phase
from assessment.models import CycleSettings
from assessment.selectors.reports import phase_window
from django.conf import settings as django_settings
from django.db import transaction
from django.utils import timezone

from accounts.sms import sms_adapter
from notifications import messages, selectors
from notifications.enums import SMS_KINDS, LinkType, NotificationKind, SmsStatus
from notifications.models import Notification

log = logging.getLogger(__name__)

RETURN_ACTIONS = frozenset({"department_return", "institution_return", "body_return"})
BATCH = 1000
SMS_CHUNK = 500
SMS_MAX_ATTEMPTS = 5
SMS_RETRY_SECONDS = 60  # doubled after every failed attempt


def reminder_days() -> int:
    """How many days before a phase closes the deadline reminder goes out."""
    return int(getattr(django_settings, "NOTIFICATION_DEADLINE_DAYS", 3))


# --- making rows --------------------------------------------------------------------------------------


def _build(*, user_id, kind, subject_id, template, params, phase="", occasion="", link_type="", link_id=None):
    title, body = messages.render_stored(template, params)
    return Notification(
        recipient_id=user_id,
        kind=kind,
        subject_id=subject_id,
        phase=phase,
        occasion=occasion,
        template=template,
        params=params,
        title=title[:200],
        body=body,
        link_type=link_type,
        link_id=link_id,
        sms_status=SmsStatus.PENDING if kind in SMS_KINDS else SmsStatus.NONE,
    )


def _insert(rows: list[Notification]) -> list[Notification]:
    """Insert, ignoring rows whose key exists; queue the SMS of the new ones after commit."""
    if not rows:
        return []
    Notification.objects.bulk_create(rows, batch_size=BATCH, ignore_conflicts=True)
    # With ignore_conflicts the objects keep their generated ids whether inserted or not: the task sends
    # only what exists and is still pending, so an id that was not inserted sends nothing.
    sms_ids = [str(n.pk) for n in rows if n.sms_status == SmsStatus.PENDING]
    if sms_ids:
        _queue_sms(sms_ids)
    return rows


def _queue_sms(ids: list[str]) -> None:
    from notifications.tasks import notification_sms_send

    chunks = [ids[i : i + SMS_CHUNK] for i in range(0, len(ids), SMS_CHUNK)]

    def send():
        for chunk in chunks:
            notification_sms_send.delay(chunk)

    transaction.on_commit(send)


def notify_on_transition(objs: list, from_state: str, to_state: str, action: str) -> None:
    """ENROLMENT_FLOW listener (inside the move's transaction): a return notifies the physician with the
    reviewer's comment; `publicize` notifies the result. Physicians without an account are skipped (they
    have nowhere to read it). Anything else is ignored, including saving a returned draft."""
    if not objs:
        return
    ids = [obj.pk for obj in objs]
    if to_state == S.RETURNED and action in RETURN_ACTIONS:
        notify_returned(enrolment_ids=ids, action=action)
    elif to_state == S.PUBLICIZED and action == "publicize":
        notify_published(enrolment_ids=ids)


def notify_returned(*, enrolment_ids, action: str) -> list[Notification]:
    """One notification (and an SMS) per returned enrolment; the occasion is the return's history row, so
    each return is told once, and a second return after a resubmission again."""
    rows = []
    for r in selectors.returned_recipients(enrolment_ids=enrolment_ids, action=action):
        comment = (r["comment"] or "").strip()
        params = {"cycle": r["cycle_name"], "by": action}
        if comment:
            params["comment"] = comment[:500]
        rows.append(
            _build(
                user_id=r["user_id"],
                kind=NotificationKind.SUBMISSION_RETURNED,
                subject_id=r["subject_id"],
                occasion=str(r["id"]),
                template="returned_comment" if comment else "returned",
                params=params,
                link_type=LinkType.MY_ENROLMENT,
                link_id=r["subject_id"],
            )
        )
    return _insert(rows)


def notify_published(*, enrolment_ids) -> list[Notification]:
    """One notification (and an SMS) per enrolment whose result was published (公示)."""
    rows = []
    for r in selectors.published_recipients(enrolment_ids=enrolment_ids):
        params = {"cycle": r["cycle_name"]}
        template = "result_published_plain"
        if r["result_level"]:
            params["level"] = r["result_level"]
            template = "result_published"
            if r["publicity_ends_on"]:
                params["until"] = r["publicity_ends_on"].isoformat()
                template = "result_published_until"
        rows.append(
            _build(
                user_id=r["user_id"],
                kind=NotificationKind.RESULT_PUBLISHED,
                subject_id=r["id"],
                occasion="publicize",
                template=template,
                params=params,
                link_type=LinkType.MY_ENROLMENT,
                link_id=r["id"],
            )
        )
    return _insert(rows)


# --- reminders (beat) ---------------------------------------------------------------------------------

_STAFF_PHASES = {
    Phase.DEPARTMENT_RATING.value: LinkType.REVIEW_DEPARTMENT,
    Phase.INSTITUTION_REVIEW.value: LinkType.REVIEW_INSTITUTION,
    Phase.BODY_REVIEW.value: LinkType.REVIEW_BODY,
}


def _occasion(settings: CycleSettings, phase: str, today: date) -> tuple[str, str, str] | None:
    """(kind, occasion, window end) when a reminder of `phase` is due today, else None: while the phase is
    open, `deadline_approaching` in its last days (reminder_days before it closes), `phase_started` before.
    The occasion is the date that decides it, so a changed window is told again."""
    opens, closes = phase_window(settings, phase)
    if opens is None or closes is None or not (opens <= today <= closes):
        return None
    if closes - today <= timedelta(days=reminder_days()):
        return NotificationKind.DEADLINE_APPROACHING, closes.isoformat(), closes.isoformat()
    return NotificationKind.PHASE_STARTED, opens.isoformat(), closes.isoformat()


def _insert_streamed(rows) -> int:
    n = 0
    batch: list[Notification] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= BATCH:
            n += len(_insert(batch))
            batch = []
    return n + len(_insert(batch))


@transaction.atomic
def reminders_run(*, today: date | None = None) -> dict[str, int]:
    """Phase start and deadline reminders of the active cycle's settings in force, to whoever still has to
    act in each phase open today: physicians who have not submitted (self-report), department heads with
    reports to rate, institution reviewers and re-reviewers with submissions waiting. In-app only.
    Idempotent: who was told on an occasion is not read again. Returns the rows made per phase."""
    today = today or timezone.localdate()
    cycle = selectors.active_cycle()
    if cycle is None or cycle.settings is None:
        return {}
    settings = cycle.settings
    made: dict[str, int] = {}
    for phase in (
        Phase.SELF_REPORT.value,
        Phase.DEPARTMENT_RATING.value,
        Phase.INSTITUTION_REVIEW.value,
        Phase.BODY_REVIEW.value,
    ):
        if phase == Phase.DEPARTMENT_RATING and not settings.department_rating:
            continue
        if phase == Phase.BODY_REVIEW and not settings.body_review:
            continue
        due = _occasion(settings, phase, today)
        if due is None:
            continue
        kind, occasion, closes = due
        key = {"kind": kind, "phase": phase, "occasion": occasion}
        base = {"cycle": cycle.name, "phase": phase, "closes": closes}
        deadline = kind == NotificationKind.DEADLINE_APPROACHING
        if phase == Phase.SELF_REPORT:
            template = "deadline" if deadline else "phase_started"
            rows = (
                _build(
                    user_id=r["user_id"],
                    subject_id=r["id"],
                    template=template,
                    params=base,
                    link_type=LinkType.MY_ENROLMENT,
                    link_id=r["id"],
                    **key,
                )
                for r in selectors.physicians_to_report(cycle=cycle, **key)
            )
        else:
            if phase == Phase.DEPARTMENT_RATING:
                found = selectors.department_heads_to_rate(cycle=cycle, **key)
            elif phase == Phase.INSTITUTION_REVIEW:
                found = selectors.institution_reviewers_to_review(cycle=cycle, settings=settings, **key)
            else:
                found = selectors.body_reviewers_to_review(cycle=cycle, **key)
            template = "deadline_staff" if deadline else "phase_started_staff"
            rows = (
                _build(
                    user_id=r["user_id"],
                    subject_id=r["organization_id"],
                    template=template,
                    params={**base, "organization": r["organization_name"], "count": r["pending"]},
                    link_type=_STAFF_PHASES[phase],
                    **key,
                )
                for r in found
            )
        made[phase] = _insert_streamed(rows)
    if any(made.values()):
        log.info("notification reminders made: %s", made)
    return made


# --- the reader's state -------------------------------------------------------------------------------


@transaction.atomic
def notification_mark_read(*, user, notification_id) -> Notification:
    """Mark one of the user's own notifications read (again: no change). NotFound for anyone else's."""
    notification = selectors.notification_get_for_user(
        user=user, notification_id=notification_id, for_update=True
    )
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at", "updated_at"])
    return notification


@transaction.atomic
def notification_mark_all_read(*, user) -> int:
    """Mark every unread notification of the user read; returns how many."""
    now = timezone.now()
    return selectors.notification_list_for_user(user=user, unread=True).update(read_at=now, updated_at=now)


# --- SMS (the task calls these; never in a request) ---------------------------------------------------


def sms_params(notification: Notification) -> tuple[str, dict]:
    """The SMS template name and its parameters (zh-CN, short: the provider limits each value)."""
    params = notification.params or {}
    if notification.kind == NotificationKind.SUBMISSION_RETURNED:
        with messages.zh():
            by = str(messages.RETURNED_BY.get(params.get("by"), ""))
        return "assessment_returned", {"cycle": params.get("cycle", "")[:30], "by": by}
    return "assessment_result_published", {"cycle": params.get("cycle", "")[:30]}


def sms_deliver(*, notification_id) -> bool | None:
    """Send the SMS of one pending notification: True sent, False failed (recorded, may be retried), None
    nothing to send (already sent or given up, another worker holds it, or no phone: marked `skipped`)."""
    with transaction.atomic():
        notification = selectors.sms_pending(notification_id=notification_id, for_update=True)
        if notification is None:
            return None
        phone = selectors.sms_phone_for(notification.recipient)
        if not phone:
            notification.sms_status = SmsStatus.SKIPPED
            notification.save(update_fields=["sms_status", "updated_at"])
            return None
        template, params = sms_params(notification)
        notification.sms_attempts += 1
        try:
            sms_adapter().send(phone, template, params)
        except Exception as exc:  # noqa: BLE001 - any failure of the provider is recorded and retried
            notification.sms_error = f"{exc.__class__.__name__}: {exc}"[:255]
            notification.save(update_fields=["sms_attempts", "sms_error", "updated_at"])
            log.warning(
                "notification sms failed (attempt %d): %s", notification.sms_attempts, exc.__class__.__name__
            )
            return False
        notification.sms_status = SmsStatus.SENT
        notification.sms_sent_at = timezone.now()
        notification.sms_error = ""
        notification.save(
            update_fields=["sms_status", "sms_sent_at", "sms_attempts", "sms_error", "updated_at"]
        )
        return True


def sms_give_up(*, notification_ids) -> int:
    """Mark notifications whose SMS failed on the last attempt `failed` (their last error stays)."""
    return Notification.objects.filter(pk__in=list(notification_ids), sms_status=SmsStatus.PENDING).update(
        sms_status=SmsStatus.FAILED, updated_at=timezone.now()
    )


# --- other producers (hospital modules) ----------------------------------------------------------------


def notify_users(
    *,
    user_ids,
    kind: str,
    subject_id,
    occasion: str,
    template: str,
    params: dict,
    link_type: str = "",
    link_id=None,
) -> list[Notification]:
    """In-app notifications of one event to several users (e.g. the approvers of a step), inside the caller's
    transaction. Idempotent on (recipient, kind, subject, occasion): the same occasion tells nobody twice.
    Works from a tenant schema too (the table is public and the search path includes public)."""
    rows = [
        _build(
            user_id=user_id,
            kind=kind,
            subject_id=subject_id,
            occasion=occasion[:64],
            template=template,
            params=params,
            link_type=link_type,
            link_id=link_id,
        )
        for user_id in dict.fromkeys(user_ids)
    ]
    return _insert(rows)
