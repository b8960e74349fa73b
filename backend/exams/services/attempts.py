"""The physician's attempt: start, save answers, device takeover, submit, and the deadline.

- Start is idempotent: an open attempt is returned as it is (200); a new one (201) draws its paper from a
  fresh stored seed, or takes the physician's paper prepared ahead of the sitting (services.prepared) when
  there is a valid one. One attempt per physician per sitting; each make-up grant allows one more, whose paper
  avoids the questions of the earlier attempts (and of the sitting a make-up sitting makes up for).
- The server owns the clock: `deadline` = min(start + time limit, the sitting's close).
- One device per attempt (header X-Device-Id): another device gets 409 `device_conflict` unless it takes
  over explicitly (`attempt_takeover`, audited).
- An answer is saved by one conditional UPSERT (`answer_save`), committed before the reply: it writes only
  while the attempt is open, before the deadline and from the attempt's device, and replaces the stored
  answer only when (client_epoch, seq) is greater, so a late retry never overwrites a newer answer and a
  reinstalled app (a higher epoch, seq restarted) is accepted.
- Submission is idempotent; the deadline task submits what is there. Grading happens in the same
  transaction (services.grading). A cycle's sitting sends the score to the assessment workflow.
"""

import json
import logging
import secrets
from dataclasses import dataclass
from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import audit_record
from core.errors import ApplicationError, Conflict, NotFound
from exams.enums import AttemptStatus, QuestionKind, SubmittedBy
from exams.models import Attempt
from exams.selectors import attempts as selectors
from exams.selectors import banks as bank_selectors
from exams.services import grading, papers
from exams.services.papers import total_points
from exams.services.prepared import prepared_paper_take

logger = logging.getLogger(__name__)

MAX_DEVICE_ID = 64


def _device(device_id: str | None) -> str:
    device_id = (device_id or "").strip()
    if not device_id or len(device_id) > MAX_DEVICE_ID:
        raise ApplicationError(
            _("缺少设备标识（X-Device-Id）。"), code="device_id_required", attr="X-Device-Id"
        )
    return device_id


def _device_conflict() -> Conflict:
    return Conflict(
        _("本场考试已在另一台设备上作答；如需在本设备继续，请确认切换设备。"), code="device_conflict"
    )


def _is_open(attempt: Attempt, now=None) -> bool:
    return attempt.status == AttemptStatus.IN_PROGRESS and (now or timezone.now()) < attempt.deadline


def attempt_start(*, user, sitting_id, device_id: str, request=None) -> tuple[Attempt, bool]:
    """(attempt, created). See the module docstring. Errors: 404 sitting not available to the physician;
    409 `sitting_not_open`, `attempt_used`, `device_conflict`, `insufficient_questions`."""
    device_id = _device(device_id)
    physician = selectors.physician_for_user(user)
    sitting = selectors.sitting_get_for_physician(user=user, physician=physician, sitting_id=sitting_id)
    attempts = selectors.attempts_of(sitting_id=sitting.id, physician_id=physician.id)
    now = timezone.now()
    for attempt in attempts:
        if attempt.status == AttemptStatus.IN_PROGRESS:
            if now >= attempt.deadline:
                attempt_submit_due(attempt_id=attempt.id)
                attempt.refresh_from_db()
                continue
            if attempt.device_id != device_id:
                raise _device_conflict()
            return attempt, False
    if not sitting.opens_at <= now < sitting.closes_at:
        raise Conflict(_("考试不在开放时间内。"), code="sitting_not_open")
    allowed = 1 + selectors.makeup_grant_count(sitting_id=sitting.id, physician_id=physician.id)
    if len(attempts) >= allowed:
        raise Conflict(_("您已参加过本场考试。"), code="attempt_used")
    enrolment_id = None
    if sitting.cycle_id:
        enrolment_id = selectors.enrolment_id_for(user=user, cycle_id=sitting.cycle_id)
        if enrolment_id is None:
            raise NotFound()
    # Checks other apps hang on a new attempt (settings.EXAM_ATTEMPT_START_CHECKS; proctoring: face consent).
    from django.conf import settings
    from django.utils.module_loading import import_string

    for check in getattr(settings, "EXAM_ATTEMPT_START_CHECKS", ()):
        import_string(check)(user=user, physician=physician, sitting=sitting)
    blueprint = sitting.blueprint
    number = len(attempts) + 1
    # A first attempt of a sitting that makes up for none has no questions to avoid.
    exclude = (
        selectors.previous_question_ids(sitting=sitting, physician_id=physician.id)
        if attempts or sitting.makeup_of_id
        else set()
    )
    prepared = None
    if number == 1:
        prepared = prepared_paper_take(sitting=sitting, physician=physician, exclude_question_ids=exclude)
    if prepared is not None:
        seed, secret, paper = prepared.seed, prepared.secret, prepared.paper
    else:
        seed = secrets.randbits(62)
        secret = secrets.token_hex(32)
        drawn = papers.paper_draw(
            blueprint=blueprint,
            seed=seed,
            practice_category=physician.practice_category,
            exclude_question_ids=exclude,
        )
        paper = papers.paper_with_ids(drawn, secret)
    try:
        with transaction.atomic():
            attempt = Attempt.objects.create(
                owner_id=sitting.owner_id,
                sitting=sitting,
                physician=physician,
                user=user,
                number=number,
                is_makeup=number > 1 or sitting.makeup_of_id is not None,
                seed=seed,
                secret=secret,
                paper=paper,
                prepared_paper=prepared,
                started_at=now,
                deadline=min(now + timedelta(minutes=blueprint.time_limit_minutes), sitting.closes_at),
                device_id=device_id,
                max_score=total_points(blueprint.rules),
                enrolment_id=enrolment_id,
            )
            audit_record(
                action="exams.attempt_started",
                actor=user,
                request=request,
                organization_id=sitting.owner_id,
                target=attempt,
                data={
                    "sitting": str(sitting.id),
                    "number": number,
                    "device": device_id,
                    "prepared": prepared is not None,
                },
            )
    except IntegrityError:
        # A concurrent start of the same attempt won: answer with that one (start is idempotent).
        attempt = Attempt.objects.get(sitting=sitting, physician=physician, number=number)
        if attempt.device_id != device_id:
            raise _device_conflict() from None
        return attempt, False
    return attempt, True


@transaction.atomic
def attempt_takeover(*, user, attempt_id, device_id: str, request=None) -> Attempt:
    """Move an open attempt to the calling device (the old device's saves are refused from now on)."""
    device_id = _device(device_id)
    attempt = selectors.my_attempt_get(user=user, attempt_id=attempt_id, for_update=True)
    if not _is_open(attempt):
        raise Conflict(_("本次作答已结束。"), code="attempt_closed")
    if attempt.device_id != device_id:
        audit_record(
            action="exams.attempt_device_takeover",
            actor=user,
            request=request,
            organization_id=attempt.owner_id,
            target=attempt,
            data={"from": attempt.device_id, "to": device_id},
        )
        attempt.device_id = device_id
        attempt.save(update_fields=["device_id", "updated_at"])
    return attempt


def answerables(paper: dict) -> dict[str, dict]:
    """Opaque question ID -> {"kind", "options": {opaque option ID: key}} for every answerable question
    (single and multiple choice, and the sub-questions of case groups)."""
    out = {}
    for item in paper.get("items", []):
        for q in item["subs"] if item["kind"] == QuestionKind.CASE else [item]:
            out[q["id"]] = {"kind": q["kind"], "options": dict(map(tuple, q["options"]))}
    return out


@dataclass
class SavedAnswer:
    question: str
    options: list[str]
    marked: bool
    client_epoch: int
    seq: int
    saved_at: object
    applied: bool  # the request's answer is the stored one (False: a newer answer was already stored)


_UPSERT = """
INSERT INTO exams_attemptanswer (attempt_id, item, choices, marked, client_epoch, seq, saved_at)
SELECT a.id, %(item)s, %(choices)s::jsonb, %(marked)s, %(epoch)s, %(seq)s, clock_timestamp()
  FROM exams_attempt a
 WHERE a.id = %(attempt)s AND a.status = 'in_progress' AND a.deadline > clock_timestamp()
   AND a.device_id = %(device)s
   FOR SHARE
ON CONFLICT (attempt_id, item) DO UPDATE
   SET choices = EXCLUDED.choices, marked = EXCLUDED.marked, client_epoch = EXCLUDED.client_epoch,
       seq = EXCLUDED.seq, saved_at = EXCLUDED.saved_at
 WHERE (exams_attemptanswer.client_epoch, exams_attemptanswer.seq) < (EXCLUDED.client_epoch, EXCLUDED.seq)
RETURNING saved_at
"""


def answer_save(
    *,
    user,
    attempt_id,
    device_id: str,
    question: str,
    options: list[str],
    marked: bool,
    client_epoch: int,
    seq: int,
) -> SavedAnswer:
    """Save one answer (see the module docstring). Two statements on the happy path: the attempt read
    (to check the question and options against the paper) and the UPSERT, which re-checks the attempt
    under a share lock so a concurrent submission either sees this answer or refuses it.
    Errors: 404 not the caller's attempt; 400 `unknown_question`, `not_an_option`, `single_choice_one_option`;
    409 `attempt_closed`, `deadline_passed`, `device_conflict`."""
    device_id = _device(device_id)
    attempt = selectors.my_attempt_get(user=user, attempt_id=attempt_id)
    if attempt.status != AttemptStatus.IN_PROGRESS:
        raise Conflict(_("本次作答已交卷。"), code="attempt_closed")
    if timezone.now() >= attempt.deadline:
        raise Conflict(_("考试时间已到，不能再保存答案。"), code="deadline_passed")
    if attempt.device_id != device_id:
        raise _device_conflict()
    target = answerables(attempt.paper).get(question)
    if target is None:
        raise ApplicationError(_("试卷中没有这道题。"), code="unknown_question", attr="question")
    keys = []
    for option in dict.fromkeys(options):
        key = target["options"].get(option)
        if key is None:
            raise ApplicationError(_("所选答案不是本题的选项。"), code="not_an_option", attr="options")
        keys.append(key)
    if target["kind"] == QuestionKind.SINGLE and len(keys) > 1:
        raise ApplicationError(_("单选题只能选择一个选项。"), code="single_choice_one_option", attr="options")
    with connection.cursor() as cursor:
        cursor.execute(
            _UPSERT,
            {
                "attempt": attempt.pk,
                "item": question,
                "choices": json.dumps(sorted(keys)),
                "marked": marked,
                "epoch": client_epoch,
                "seq": seq,
                "device": device_id,
            },
        )
        row = cursor.fetchone()
    if row is not None:
        return SavedAnswer(question, list(dict.fromkeys(options)), marked, client_epoch, seq, row[0], True)
    stored = selectors.answer_get(attempt_id=attempt.pk, item=question)
    if stored is not None and (stored.client_epoch, stored.seq) >= (client_epoch, seq):
        # An older or repeated request: the newer (or identical) answer stays.
        by_key = {k: o for o, k in target["options"].items()}
        return SavedAnswer(
            question,
            [by_key[k] for k in stored.choices],
            stored.marked,
            stored.client_epoch,
            stored.seq,
            stored.saved_at,
            (stored.client_epoch, stored.seq) == (client_epoch, seq),
        )
    # The attempt changed between the read and the write (submitted, taken over, or the deadline).
    attempt.refresh_from_db()
    if attempt.device_id != device_id:
        raise _device_conflict()
    if attempt.status != AttemptStatus.IN_PROGRESS:
        raise Conflict(_("本次作答已交卷。"), code="attempt_closed")
    raise Conflict(_("考试时间已到，不能再保存答案。"), code="deadline_passed")


def _grade_and_close(attempt: Attempt, *, by: str, user=None, request=None) -> None:
    answers = {a.item: a.choices for a in selectors.answers_of(attempt).values()}
    versions = {
        str(k): v
        for k, v in bank_selectors.versions_by_id(i["version"] for i in attempt.paper["items"]).items()
    }
    blueprint = attempt.sitting.blueprint
    score, detail = grading.grade(
        paper=attempt.paper, versions=versions, answers=answers, partial=blueprint.partial_credit
    )
    attempt.status = AttemptStatus.SUBMITTED
    attempt.submitted_at = timezone.now()
    attempt.submitted_by = by
    attempt.score = score
    attempt.passed = score >= Decimal(blueprint.pass_mark)
    attempt.detail = {"points": detail, "answered": len(answers)}
    attempt.save()
    audit_record(
        action="exams.attempt_submitted",
        actor=user,
        request=request,
        organization_id=attempt.owner_id,
        target=attempt,
        data={"by": by, "score": str(score), "passed": attempt.passed},
    )
    if attempt.sitting.cycle_id:
        _record_result(attempt)


def percent(score: Decimal, max_score: Decimal) -> Decimal:
    """The workflow takes scores on a 0-100 scale: score x 100 / the paper's total, rounded half-up."""
    if not max_score:
        return Decimal("0.00")
    return (score * 100 / max_score).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _record_result(attempt: Attempt) -> None:
    """Send the score to the assessment workflow in a savepoint: a refusal there (stored as
    `result_error`) never undoes the submission; an unavailable workflow is retried by the deadline task."""
    try:
        from assessment.services.results import record_competence_test
    except ImportError:
        logger.warning("assessment.services.results.record_competence_test is not available")
        attempt.result_error = "unavailable"
        attempt.save(update_fields=["result_error"])
        return
    try:
        with transaction.atomic():
            record_competence_test(
                enrolment_id=attempt.enrolment_id,
                score=percent(attempt.score, attempt.max_score),
                passed=attempt.passed,
                exam_attempt_id=attempt.id,
                sitting="makeup" if attempt.is_makeup else "main",
            )
    except ApplicationError as exc:
        codes = exc.get_codes()
        attempt.result_error = (codes if isinstance(codes, str) else "refused")[:64]
        attempt.save(update_fields=["result_error"])
        logger.warning("competence test of attempt %s refused: %s", attempt.id, codes)
        return
    attempt.result_recorded_at = timezone.now()
    attempt.result_error = ""
    attempt.save(update_fields=["result_recorded_at", "result_error"])


@transaction.atomic
def attempt_submit(*, user, attempt_id, device_id: str, request=None) -> Attempt:
    """The physician submits: idempotent (a submitted attempt is returned as it is). From another device:
    409 `device_conflict`."""
    device_id = _device(device_id)
    attempt = selectors.my_attempt_get(user=user, attempt_id=attempt_id, for_update=True)
    if attempt.status != AttemptStatus.IN_PROGRESS:
        return attempt
    if attempt.device_id != device_id:
        raise _device_conflict()
    by = SubmittedBy.PHYSICIAN if timezone.now() < attempt.deadline else SubmittedBy.DEADLINE
    _grade_and_close(attempt, by=by, user=user, request=request)
    return attempt


@transaction.atomic
def attempt_submit_due(*, attempt_id) -> bool:
    """Submit an attempt whose deadline has passed with the answers it has (the deadline task). Returns
    whether it was submitted now."""
    attempt = (
        Attempt.objects.select_for_update(of=("self",))
        .select_related("sitting", "sitting__blueprint")
        .filter(pk=attempt_id)
        .first()
    )
    if attempt is None or attempt.status != AttemptStatus.IN_PROGRESS or timezone.now() < attempt.deadline:
        return False
    _grade_and_close(attempt, by=SubmittedBy.DEADLINE)
    return True


def attempts_submit_due() -> int:
    """Submit every attempt past its deadline; retry results the workflow could not take. Returns the
    number submitted."""
    done = sum(attempt_submit_due(attempt_id=pk) for pk in selectors.due_attempt_ids())
    for pk in selectors.unrecorded_result_ids():
        with transaction.atomic():
            attempt = Attempt.objects.select_for_update(of=("self",)).select_related("sitting").get(pk=pk)
            if attempt.result_recorded_at is None:
                _record_result(attempt)
    return done
