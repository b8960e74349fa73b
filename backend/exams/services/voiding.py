"""Voiding a submitted attempt (a confirmed cheating verdict) and lifting the void (an overturned appeal).

Called by proctoring (`proctoring.services.review`) inside its own transaction; the caller has already checked
that the user may decide about the attempt (its review reach), so these functions check the attempt's state,
not permissions. Both are idempotent.

What a voided attempt means elsewhere (docs/decisions/0018-voided-attempts.md):
- `status = voided`, `passed = False` (the graded verdict is kept in `detail["graded_passed"]`), the score
  stays for the record; `practice.selectors.passed_exam` and every "passed" reading exclude it.
- It still uses the physician's attempt in the sitting (one attempt per sitting unless a make-up is granted),
  and its questions stay excluded from a make-up paper.
- A cycle's sitting: a failed competence test (score 0) is recorded in the assessment workflow, whose own
  make-up path follows; the deadline task's retry of unrecorded results skips a voided attempt.
- Any other sitting: a make-up grant for the same sitting when the deciding organisation owns it.
- Lifted: `submitted` again with the graded verdict; a cycle's real score is recorded again; a make-up grant
  the void gave is withdrawn while unused (kept once the physician has used it).
"""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import audit_record
from core.actor import Actor
from core.errors import ApplicationError, Conflict, NotFound
from exams.enums import AttemptStatus
from exams.models import Attempt, MakeupGrant
from exams.selectors import attempts as selectors


def _locked(attempt_id) -> Attempt:
    attempt = (
        Attempt.objects.select_for_update(of=("self",))
        .select_related("sitting", "sitting__blueprint")
        .filter(pk=attempt_id)
        .first()
    )
    if attempt is None:
        raise NotFound()
    return attempt


def _code(exc: ApplicationError) -> str:
    codes = exc.get_codes()
    return codes if isinstance(codes, str) else "error"


def _record_competence_test(attempt: Attempt, *, score, passed: bool) -> str | None:
    """Send a competence test result for the attempt's enrolment; None when taken, else the refusal code.

    `exam_attempt_id=None`: the workflow is idempotent per attempt ID and would return the score stored at
    submission unchanged (so the score entry no longer names the attempt; the audit rows do)."""
    from assessment.services.results import record_competence_test

    try:
        with transaction.atomic():
            record_competence_test(
                enrolment_id=attempt.enrolment_id,
                score=score,
                passed=passed,
                exam_attempt_id=None,
                sitting="makeup" if attempt.is_makeup else "main",
            )
    except ApplicationError as exc:
        return _code(exc)
    return None


def _makeup_for_void(attempt: Attempt, *, actor: Actor | None, user, request) -> str:
    if attempt.enrolment_id:
        refused = _record_competence_test(attempt, score=0, passed=False)
        return f"assessment_refused:{refused}"[:64] if refused else "assessment_fail_recorded"
    if actor is None or actor.organization_id != attempt.owner_id:
        return "makeup_grant_needs_owner"
    from exams.services.papers import makeup_grant

    try:
        with transaction.atomic():
            grant = makeup_grant(
                actor=actor,
                user=user,
                sitting_id=attempt.sitting_id,
                physician_id=attempt.physician_id,
                reason=str(_("监考认定作弊，作答作废")),
                request=request,
            )
    except ApplicationError as exc:
        return f"makeup_refused:{_code(exc)}"[:64]
    attempt.void_grant = grant
    return "makeup_granted"


@transaction.atomic
def attempt_void(*, attempt_id, actor: Actor | None, user, reason: str, request=None) -> Attempt:
    """Void a submitted attempt and put the physician on the make-up path (module docstring). The outcome is
    in `attempt.void_outcome`. Idempotent (a voided attempt is returned as it is). Errors: 404 no such
    attempt; 409 `attempt_in_progress` (still being answered)."""
    attempt = _locked(attempt_id)
    if attempt.status == AttemptStatus.VOIDED:
        return attempt
    if attempt.status != AttemptStatus.SUBMITTED:
        raise Conflict(_("考生仍在作答，交卷后才能作废。"), code="attempt_in_progress")
    attempt.status = AttemptStatus.VOIDED
    attempt.voided_at = timezone.now()
    attempt.void_reason = (reason or "").strip()[:255]
    attempt.detail = {**attempt.detail, "graded_passed": attempt.passed}
    attempt.passed = False
    attempt.void_grant = None
    attempt.void_outcome = _makeup_for_void(attempt, actor=actor, user=user, request=request)
    attempt.save(
        update_fields=[
            "status",
            "voided_at",
            "void_reason",
            "detail",
            "passed",
            "void_grant",
            "void_outcome",
            "updated_at",
        ]
    )
    audit_record(
        action="exams.attempt_voided",
        actor=user,
        request=request,
        organization_id=attempt.owner_id,
        target=attempt,
        data={
            "reason": attempt.void_reason,
            "score": str(attempt.score),
            "graded_passed": attempt.detail["graded_passed"],
            "outcome": attempt.void_outcome,
            "grant": str(attempt.void_grant_id) if attempt.void_grant_id else None,
        },
    )
    return attempt


def _withdraw_grant(attempt: Attempt, *, user, request) -> str:
    grant = MakeupGrant.objects.select_for_update().filter(pk=attempt.void_grant_id).first()
    if grant is None:
        return "overturned"
    used = len(selectors.attempts_of(sitting_id=attempt.sitting_id, physician_id=attempt.physician_id))
    grants = selectors.makeup_grant_count(sitting_id=attempt.sitting_id, physician_id=attempt.physician_id)
    if used > grants:  # every grant has been used: the make-up attempt stands
        return "makeup_kept_used"
    audit_record(
        action="exams.makeup_withdrawn",
        actor=user,
        request=request,
        organization_id=grant.owner_id,
        target=grant,
        data={
            "sitting": str(grant.sitting_id),
            "physician": str(grant.physician_id),
            "attempt": str(attempt.pk),
        },
    )
    attempt.void_grant = None
    grant.delete()
    return "makeup_withdrawn"


@transaction.atomic
def attempt_unvoid(*, attempt_id, user, reason: str = "", request=None) -> Attempt:
    """Lift the void of an attempt (an overturned appeal): `submitted` again with its graded verdict; a
    cycle's real score is recorded again; an unused make-up grant the void gave is withdrawn. The outcome is
    in `attempt.void_outcome`. Idempotent (a submitted attempt is returned as it is). Errors: 404; 409
    `attempt_not_voided` (still in progress)."""
    attempt = _locked(attempt_id)
    if attempt.status == AttemptStatus.SUBMITTED:
        return attempt
    if attempt.status != AttemptStatus.VOIDED:
        raise Conflict(_("该作答未被作废。"), code="attempt_not_voided")
    detail = dict(attempt.detail)
    graded = detail.pop("graded_passed", None)
    if graded is None and attempt.score is not None:
        graded = attempt.score >= attempt.sitting.blueprint.pass_mark
    attempt.status = AttemptStatus.SUBMITTED
    attempt.passed = graded
    attempt.detail = detail
    voided_at = attempt.voided_at
    attempt.voided_at = None
    attempt.void_reason = ""  # the audit rows keep it
    fields = [
        "status",
        "passed",
        "detail",
        "voided_at",
        "void_reason",
        "void_outcome",
        "void_grant",
        "updated_at",
    ]
    if attempt.enrolment_id and attempt.score is not None:
        from exams.services.attempts import percent

        refused = _record_competence_test(
            attempt, score=percent(attempt.score, attempt.max_score), passed=bool(graded)
        )
        attempt.void_outcome = f"restore_refused:{refused}"[:64] if refused else "overturned_score_restored"
        if not refused:
            attempt.result_recorded_at = timezone.now()
            attempt.result_error = ""
            fields += ["result_recorded_at", "result_error"]
    elif attempt.void_grant_id:
        attempt.void_outcome = _withdraw_grant(attempt, user=user, request=request)
    else:
        attempt.void_outcome = "overturned"
    attempt.save(update_fields=fields)
    audit_record(
        action="exams.attempt_unvoided",
        actor=user,
        request=request,
        organization_id=attempt.owner_id,
        target=attempt,
        data={
            "reason": (reason or "").strip()[:255],
            "voided_at": voided_at.isoformat() if voided_at else None,
            "passed": attempt.passed,
            "outcome": attempt.void_outcome,
        },
    )
    return attempt
