"""Review of proctored attempts: verdicts, the second reviewer, the physician's appeal.

- A reviewer records a warning (in force at once) or cheating with a reason (`pending`). One standing
  verdict per attempt at a time (409 `verdict_exists`).
- Cheating takes effect only when a second reviewer, a different user, confirms it (409
  `second_reviewer_required` for the same user). Confirmed: the exam engine voids the attempt
  (exams.services.voiding.attempt_void: status `voided`, no longer passed) and puts the physician on the
  make-up path:
    * an attempt of an assessment cycle's sitting: a failed competence test (score 0) is recorded through
      assessment.services.results.record_competence_test, so the cycle's own make-up path applies (the
      committee's confirmation, then the province's make-up decision);
    * any other sitting: an exams make-up grant for the same sitting (exams.services.papers.makeup_grant),
      when the confirming reviewer's organisation owns the sitting.
  What happened is kept in `ProctoringSession.makeup_outcome` (= `Attempt.void_outcome`) and the audit
  rows; a refusal there never undoes the verdict. `ProctoringSession.voided_at` mirrors the attempt's void.
- A second reviewer who does not confirm dismisses it.
- A warning or a confirmed cheating verdict may be appealed by the physician until `appeal_until`
  (settings.appeal_days after it took effect), once. A reviewer other than the verdict's author decides:
  upheld, or overturned (exams.services.voiding.attempt_unvoid: `submitted` again; for a cycle the attempt's
  own score is recorded again; an unused make-up grant the void gave is withdrawn).
"""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import audit_record
from core.actor import Actor
from core.errors import ApplicationError, Conflict
from proctoring.enums import AppealStatus, VerdictKind, VerdictStatus
from proctoring.models import Appeal, ProctoringSession, Verdict
from proctoring.selectors import sessions as selectors

DEFAULT_APPEAL_DAYS = 15


def _appeal_until(session: ProctoringSession):
    config = selectors.settings_for_sitting(session.sitting_id)
    days = config.appeal_days if config else DEFAULT_APPEAL_DAYS
    return timezone.now() + timedelta(days=days)


def _audit(action: str, *, user, request, session: ProctoringSession, target, data: dict) -> None:
    audit_record(
        action=action,
        actor=user,
        request=request,
        organization_id=session.owner_id,
        target=target,
        data={"attempt": str(session.attempt_id), **data},
    )


@transaction.atomic
def verdict_record(*, actor: Actor, user, attempt_id, kind: str, reason: str, request=None) -> Verdict:
    """Errors: 404 outside the review reach; 400 `reason_required`; 409 `verdict_exists`."""
    session = selectors.session_get_for_actor(actor=actor, attempt_id=attempt_id, for_update=True)
    reason = (reason or "").strip()
    if kind == VerdictKind.CHEATING and not reason:
        raise ApplicationError(_("认定作弊须填写理由。"), code="reason_required", attr="reason")
    if kind not in VerdictKind.values:
        raise ApplicationError(_("认定类型不正确。"), code="invalid_kind", attr="kind")
    if selectors.has_standing_verdict(session.pk):
        raise Conflict(_("该作答已有认定结果。"), code="verdict_exists")
    warning = kind == VerdictKind.WARNING
    verdict = Verdict.objects.create(
        owner_id=session.owner_id,
        session=session,
        kind=kind,
        status=VerdictStatus.FINAL if warning else VerdictStatus.PENDING,
        reason=reason,
        created_by=user,
        appeal_until=_appeal_until(session) if warning else None,
    )
    _audit(
        "proctoring.verdict_recorded",
        user=user,
        request=request,
        session=session,
        target=verdict,
        data={"kind": kind, "reason": reason},
    )
    return verdict


@transaction.atomic
def verdict_confirm(
    *, actor: Actor, user, verdict_id, confirm: bool, comment: str = "", request=None
) -> Verdict:
    """The second reviewer confirms or dismisses a pending cheating verdict. Errors: 404 outside the
    reach; 409 `verdict_not_pending`, `second_reviewer_required` (the author may not confirm their own),
    `attempt_in_progress` (confirm after the attempt is over)."""
    verdict = selectors.verdict_get_for_actor(actor=actor, verdict_id=verdict_id, for_update=True)
    if verdict.status != VerdictStatus.PENDING:
        raise Conflict(_("该认定不在待确认状态。"), code="verdict_not_pending")
    if verdict.created_by_id == user.pk:
        raise Conflict(_("作弊认定须由另一位审核人员确认。"), code="second_reviewer_required")
    session = (
        ProctoringSession.objects.select_for_update().select_related("attempt").get(pk=verdict.session_id)
    )
    now = timezone.now()
    verdict.confirmed_by = user
    verdict.confirmed_at = now
    verdict.confirm_comment = (comment or "")[:255]
    if not confirm:
        verdict.status = VerdictStatus.DISMISSED
        verdict.save(
            update_fields=["status", "confirmed_by", "confirmed_at", "confirm_comment", "updated_at"]
        )
        _audit(
            "proctoring.verdict_dismissed",
            user=user,
            request=request,
            session=session,
            target=verdict,
            data={"comment": comment},
        )
        return verdict
    if session.attempt.status == "in_progress":
        raise Conflict(_("考生仍在作答，交卷后才能确认作弊认定。"), code="attempt_in_progress")
    verdict.status = VerdictStatus.CONFIRMED
    verdict.appeal_until = _appeal_until(session)
    verdict.save(
        update_fields=[
            "status",
            "confirmed_by",
            "confirmed_at",
            "confirm_comment",
            "appeal_until",
            "updated_at",
        ]
    )
    from exams.services.voiding import attempt_void

    attempt = attempt_void(
        attempt_id=session.attempt_id, actor=actor, user=user, reason=verdict.reason, request=request
    )
    session.voided_at = attempt.voided_at or now  # a mirror of the attempt's status, for the review list
    session.makeup_outcome = attempt.void_outcome
    session.save(update_fields=["voided_at", "makeup_outcome", "updated_at"])
    _audit(
        "proctoring.verdict_confirmed",
        user=user,
        request=request,
        session=session,
        target=verdict,
        data={"comment": comment, "makeup": session.makeup_outcome},
    )
    return verdict


@transaction.atomic
def appeal_submit(*, user, verdict_id, reason: str, request=None) -> Appeal:
    """The physician appeals a warning or a confirmed cheating verdict on their own attempt, once, within
    the window. Errors: 404 not theirs; 400 `reason_required`; 409 `appeal_exists`, `appeal_window_closed`,
    `not_appealable`."""
    verdict = selectors.my_verdict_get(user=user, verdict_id=verdict_id, for_update=True)
    reason = (reason or "").strip()
    if not reason:
        raise ApplicationError(_("请填写申诉理由。"), code="reason_required", attr="reason")
    if verdict.status not in (VerdictStatus.FINAL, VerdictStatus.CONFIRMED):
        raise Conflict(_("该认定不能申诉。"), code="not_appealable")
    if Appeal.objects.filter(verdict=verdict).exists():
        raise Conflict(_("您已对该认定提出过申诉。"), code="appeal_exists")
    if verdict.appeal_until is None or timezone.now() > verdict.appeal_until:
        raise Conflict(_("申诉期限已过。"), code="appeal_window_closed")
    appeal = Appeal.objects.create(owner_id=verdict.owner_id, verdict=verdict, user=user, reason=reason)
    _audit(
        "proctoring.appeal_submitted",
        user=user,
        request=request,
        session=verdict.session,
        target=appeal,
        data={"verdict": str(verdict.pk)},
    )
    return appeal


@transaction.atomic
def appeal_decide(*, actor: Actor, user, appeal_id, decision: str, comment: str = "", request=None) -> Appeal:
    """A reviewer decides an appeal: `upheld` or `overturned`. Errors: 404 outside the reach; 409
    `appeal_decided`, `verdict_author` (the verdict's author does not decide its appeal)."""
    appeal = selectors.appeal_get_for_actor(actor=actor, appeal_id=appeal_id, for_update=True)
    if decision not in (AppealStatus.UPHELD, AppealStatus.OVERTURNED):
        raise ApplicationError(_("处理结果不正确。"), code="invalid_decision", attr="decision")
    if appeal.status != AppealStatus.PENDING:
        raise Conflict(_("该申诉已处理。"), code="appeal_decided")
    verdict = Verdict.objects.select_for_update().get(pk=appeal.verdict_id)
    if verdict.created_by_id == user.pk:
        raise Conflict(_("认定人不能处理对本人认定的申诉。"), code="verdict_author")
    session = (
        ProctoringSession.objects.select_for_update().select_related("attempt").get(pk=verdict.session_id)
    )
    appeal.status = decision
    appeal.decided_by = user
    appeal.decided_at = timezone.now()
    appeal.decision_comment = (comment or "")[:255]
    appeal.save(update_fields=["status", "decided_by", "decided_at", "decision_comment", "updated_at"])
    outcome = ""
    if decision == AppealStatus.OVERTURNED:
        was_void = verdict.status == VerdictStatus.CONFIRMED
        verdict.status = VerdictStatus.OVERTURNED
        verdict.save(update_fields=["status", "updated_at"])
        if was_void:
            from exams.services.voiding import attempt_unvoid

            attempt = attempt_unvoid(
                attempt_id=session.attempt_id, user=user, reason=appeal.decision_comment, request=request
            )
            session.voided_at = None
            outcome = attempt.void_outcome
            session.makeup_outcome = outcome
            session.save(update_fields=["voided_at", "makeup_outcome", "updated_at"])
    _audit(
        "proctoring.appeal_decided",
        user=user,
        request=request,
        session=session,
        target=appeal,
        data={"decision": decision, "comment": comment, "outcome": outcome},
    )
    return appeal


def _photos(snapshots, expires: int) -> list[dict]:
    from core import storage

    out = []
    for s in snapshots:
        url = None
        if s.object_key and s.registered_at and not s.deleted_at:
            url = storage.presigned_get(key=s.object_key, expires=expires)
        out.append({**{f: getattr(s, f) for f in PHOTO_FIELDS}, "url": url})
    return out


PHOTO_FIELDS = (
    "id",
    "index",
    "due_at",
    "status",
    "sha256",
    "registered_at",
    "analysed_at",
    "flags",
    "face_count",
    "match_score",
    "matched",
    "deleted_at",
    "upload_method",
)


def session_review_view(*, actor: Actor, user, attempt_id, request=None) -> dict:
    """What a reviewer sees of one attempt: the counters, every snapshot with a short-lived link beside the
    reference photo's, the verdicts. Every view is audited (`proctoring.photos_viewed`, the photo IDs)."""
    from django.conf import settings

    from core import storage

    session = selectors.session_get_for_actor(actor=actor, attempt_id=attempt_id)
    expires = settings.PROCTORING_VIEW_URL_SECONDS
    snapshots = selectors.snapshots_of(session)
    photos = _photos(snapshots, expires)
    ref = selectors.approved_reference(session.physician_id)
    reference = None
    if ref is not None:
        reference = {
            "id": str(ref.pk),
            "sha256": ref.sha256,
            "source": ref.source,
            "url": storage.presigned_get(key=ref.object_key, expires=expires),
        }
    audit_record(
        action="proctoring.photos_viewed",
        actor=user,
        request=request,
        organization_id=session.owner_id,
        target=session,
        data={
            "attempt": str(session.attempt_id),
            "snapshots": [str(p["id"]) for p in photos if p["url"]],
            "reference": reference["id"] if reference else None,
        },
    )
    session.photos = photos
    session.reference = reference
    session.verdict_list = selectors.verdicts_of(session)
    return session


def evidence_for_physician(*, user, attempt_id, request=None) -> dict:
    """The physician sees the evidence of a verdict in force on their attempt (photos with short-lived
    links, the verdicts and appeals); nothing before a verdict takes effect. Audited."""
    from django.conf import settings

    attempt = selectors.my_attempt_get(user=user, attempt_id=attempt_id)
    session = selectors.session_of_attempt(attempt.pk)
    verdicts = selectors.my_verdicts(session) if session else []
    photos = []
    if verdicts:
        photos = _photos(selectors.snapshots_of(session), settings.PROCTORING_VIEW_URL_SECONDS)
        audit_record(
            action="proctoring.evidence_viewed",
            actor=user,
            request=request,
            organization_id=session.owner_id,
            target=session,
            data={"attempt": str(attempt.pk), "snapshots": [str(p["id"]) for p in photos if p["url"]]},
        )
    return {
        "attempt": attempt.pk,
        "voided": attempt.status == "voided",
        "verdicts": verdicts,
        "photos": photos,
    }
