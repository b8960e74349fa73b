"""Scores and results of the periodic assessment (考核管理, 补考管理): the competence test recorded by the exam
engine, expert scores with attachments, totals and result levels, the body's confirmation and publication
(公示), the assessment committee's confirmation, the make-up and the final results.

The path of an enrolment (assessment/workflow.py; every move a history row and an audit row):
  body_approved (or institution_approved in a cycle without re-review)
    -> scored            when every required component of the main sitting is in (`score`; later changes
                         `rescore`); an enrolment with nothing to score (exempt, or simplified with no
                         component for it) is scored 合格 without total when the body confirms it
    -> score_confirmed   the assessment body confirms (one or bulk)
    -> publicized        published for `publicity_days` (publicity_ends_on = today + publicity_days)
    -> passed | makeup_pending | failed
                         the committee confirms from publicity_ends_on on: a pass is final; a fail goes to
                         the make-up list when the settings allow a make-up, else it is final
  makeup_pending -> makeup (the province allows) | failed (the province refuses)
  makeup -> makeup_scored (every make-up component in) -> passed | failed (the committee confirms; no
                         publicity again; a make-up pass is 合格, never 优秀)

Scores and totals: every score is 0-100 (two decimals). The total is the weighted mean of the required
components (weights of the result settings, re-normalised over the components the procedure needs); the
level is the settings' `result_levels` (优秀 from `excellent`, 合格 from `pass`, else 不合格), and a competence
test the exam engine reports as failed fails the result whatever the total. The result settings are the
cycle's version in force when the first score of the enrolment comes in; they stay with the enrolment
(`result_settings`, and each ScoreEntry.settings), whatever version comes later.

A final fail (status `failed`) writes the outbox event `assessment.final_fail` in the same transaction.

Errors: 404 outside the caller's reach (selectors.results); 403 without the permission code; 400
`score_out_of_range`, `component_not_required`, `component_not_for_experts`, `invalid_sitting`; 409
`illegal_transition` (confirming twice), `not_ready_for_scoring`, `scores_incomplete`, `scores_not_confirmed`
(publishing before all scores are in and confirmed), `publicity_not_over`, `attempt_mismatch`.
"""

from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.permissions import Perm
from assessment.enums import Component, ResultLevel
from assessment.enums import EnrolmentStatus as S
from assessment.models import Enrolment, EnrolmentAttachment, ScoreEntry, Sitting
from assessment.selectors import results as selectors
from assessment.selectors.results import Queue
from assessment.services.reports import ATTACHMENTS_PER_ENROLMENT, attachment_download_url, require_legal
from audit.services import audit_record
from core import storage
from core.actor import Actor
from core.errors import ApplicationError, Conflict, NotFound
from core.workflow import transition, transition_many
from outbox.services import outbox_publish

FINAL_FAIL_TOPIC = "assessment.final_fail"
SCORE_MIN = Decimal(0)
SCORE_MAX = Decimal(100)
TWO_PLACES = Decimal("0.01")
RESULT_FIELDS = ["total_score", "result_level", "result_settings"]


def _audit(*, action: str, user, request, enrolment: Enrolment, data: dict | None = None) -> None:
    audit_record(
        action=action,
        actor=user,
        request=request,
        organization_id=enrolment.organization_id,
        region_path=enrolment.region_path,
        target=enrolment,
        data=data,
    )


def _audit_bulk(*, action: str, actor: Actor, user, request, rows, data: dict | None = None) -> None:
    audit_record(
        action=action,
        actor=user,
        request=request,
        organization_id=actor.organization_id,
        region_path=actor.region_path or "",
        data={
            "count": len(rows),
            "cycles": sorted({str(r.cycle_id) for r in rows}),
            **(data or {}),
        },
    )


def _component_label(component: str) -> str:
    try:
        return str(Component(component).label)
    except ValueError:
        return component


# --- scores ---------------------------------------------------------------------------------------------


def clean_score(value, attr: str = "score") -> Decimal:
    """A score between 0 and 100 with at most two decimals; 400 `score_out_of_range` otherwise."""
    if isinstance(value, bool):
        raise ApplicationError(_("分数须为数字。"), code="invalid_score", attr=attr)
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError) as exc:
        raise ApplicationError(_("分数须为数字。"), code="invalid_score", attr=attr) from exc
    if not number.is_finite() or number < SCORE_MIN or number > SCORE_MAX:
        raise ApplicationError(_("分数须在 0 到 100 之间。"), code="score_out_of_range", attr=attr)
    if number != number.quantize(TWO_PLACES):
        raise ApplicationError(_("分数最多保留两位小数。"), code="invalid_score", attr=attr)
    return number.quantize(TWO_PLACES)


def compute_result(settings, procedure: str, entries, *, makeup: bool) -> tuple[Decimal | None, str]:
    """(total, level) of the counted scores under `settings` (see the module docstring). Nothing to score:
    (None, 合格)."""
    required = selectors.required_components(settings, procedure)
    if not required:
        return None, ResultLevel.PASS
    counted = selectors.effective_scores(entries, makeup=makeup)
    weights = sum(Decimal(str(c["weight"])) for c in required)
    weighted = sum(counted[c["component"]].score * Decimal(str(c["weight"])) for c in required)
    total = (weighted / weights).quantize(TWO_PLACES, rounding=ROUND_HALF_UP)
    levels = settings.result_levels or {}
    failed_test = any(counted[c["component"]].passed is False for c in required)
    if failed_test or total < Decimal(str(levels.get("pass", 60))):
        return total, ResultLevel.FAIL
    excellent = levels.get("excellent")
    if not makeup and excellent is not None and total >= Decimal(str(excellent)):
        return total, ResultLevel.EXCELLENT
    return total, ResultLevel.PASS


def _scoring_action(enrolment: Enrolment, sitting: str) -> str:
    """The move once the sitting is complete (a first score or a correction), or 409 when the enrolment
    does not take scores of that sitting now."""
    if sitting == Sitting.MAIN:
        settings_now = enrolment.cycle.settings or enrolment.settings
        if enrolment.status == S.BODY_APPROVED or (
            enrolment.status == S.INSTITUTION_APPROVED and not settings_now.body_review
        ):
            return "score"
        if enrolment.status == S.SCORED:
            return "rescore"
    elif enrolment.status == S.MAKEUP:
        return "score_makeup"
    elif enrolment.status == S.MAKEUP_SCORED:
        return "rescore_makeup"
    raise Conflict(
        _("当前状态为“%(state)s”，不能录入%(sitting)s成绩。")
        % {"state": enrolment.get_status_display(), "sitting": Sitting(sitting).label},
        code="not_ready_for_scoring",
    )


def _store_score(
    *,
    enrolment: Enrolment,
    component: str,
    sitting: str,
    score: Decimal,
    passed: bool | None,
    comment: str,
    user,
    exam_attempt_id=None,
) -> ScoreEntry:
    """Store one score of a locked enrolment, then move it when the sitting is complete (or recompute it
    when it was). The caller audits."""
    if sitting not in Sitting.values:
        raise ApplicationError(_("考试场次不正确。"), code="invalid_sitting", attr="sitting")
    action = _scoring_action(enrolment, sitting)
    settings = selectors.result_settings_of(enrolment)
    required = selectors.required_components(settings, enrolment.procedure)
    wanted = {c["component"] for c in required}
    if sitting == Sitting.MAKEUP:
        wanted = set(selectors.makeup_components(required))
    if component not in wanted:
        raise ApplicationError(
            _("本考核不需要“%(component)s”成绩（考核程序：%(procedure)s）。")
            % {"component": _component_label(component), "procedure": enrolment.get_procedure_display()},
            code="component_not_required",
            attr="component",
        )
    fields = []
    if enrolment.result_settings_id is None:
        enrolment.result_settings = settings
        fields.append("result_settings")
    entry, _created = ScoreEntry.objects.update_or_create(
        enrolment=enrolment,
        component=component,
        sitting=sitting,
        defaults={
            "score": score,
            "passed": passed,
            "settings": settings,
            "exam_attempt_id": exam_attempt_id,
            "entered_by": user,
            "comment": comment,
        },
    )
    entries = selectors.scores_of(enrolment)
    if selectors.missing_components(enrolment, entries):
        if fields:
            enrolment.save(update_fields=[*fields, "updated_at"])
        return entry
    enrolment.total_score, enrolment.result_level = compute_result(
        settings, enrolment.procedure, entries, makeup=sitting == Sitting.MAKEUP
    )
    transition(enrolment, action, actor_user=user, update_fields=RESULT_FIELDS)
    return entry


@transaction.atomic
def record_competence_test(*, enrolment_id, score, passed, exam_attempt_id, sitting) -> ScoreEntry:
    """The exam engine records the competence test (业务水平测评) of an enrolment: the score (0-100), its own
    pass verdict, the attempt and the sitting ("main" or "makeup"). Idempotent per `exam_attempt_id`: the
    same attempt reported again returns the stored score and changes nothing (409 `attempt_mismatch` when
    it names another enrolment). A new attempt of the same sitting replaces the score while the result is
    not confirmed. Moves the enrolment when its sitting is complete. Audited:
    `assessment.score.competence_test_recorded`."""
    if exam_attempt_id is not None:
        existing = ScoreEntry.objects.filter(exam_attempt_id=exam_attempt_id).first()
        if existing is not None:
            if str(existing.enrolment_id) != str(enrolment_id):
                raise Conflict(_("该考试记录属于另一位医师的考核。"), code="attempt_mismatch")
            return existing
    try:
        enrolment = (
            Enrolment.objects.select_for_update(of=("self",))
            .select_related("cycle", "cycle__settings", "settings", "result_settings")
            .get(pk=enrolment_id)
        )
    except (Enrolment.DoesNotExist, ValueError, TypeError) as exc:
        raise NotFound() from exc
    if exam_attempt_id is not None:  # a concurrent report of the same attempt won the lock
        existing = ScoreEntry.objects.filter(exam_attempt_id=exam_attempt_id).first()
        if existing is not None:
            return existing
    entry = _store_score(
        enrolment=enrolment,
        component=Component.COMPETENCE_TEST,
        sitting=sitting,
        score=clean_score(score),
        passed=bool(passed),
        comment="",
        user=None,
        exam_attempt_id=exam_attempt_id,
    )
    _audit(
        action="assessment.score.competence_test_recorded",
        user=None,
        request=None,
        enrolment=enrolment,
        data={
            "score": str(entry.score),
            "passed": entry.passed,
            "sitting": sitting,
            "exam_attempt_id": str(exam_attempt_id) if exam_attempt_id else None,
            "status": enrolment.status,
        },
    )
    return entry


@transaction.atomic
def competence_test_record_by_hand(
    *, actor: Actor, user, enrolment_id, score, passed: bool, sitting: str, comment: str = "", request=None
) -> Enrolment:
    """The assessment body records a competence test result by hand (until the exam engine reports it).
    Needs Perm.SCORE_CONFIRM; the enrolments the body scores. Audited:
    `assessment.score.competence_test_entered`."""
    enrolment = selectors.result_get_for_actor(
        actor=actor, queue=Queue.SCORING, enrolment_id=enrolment_id, for_update=True, code=Perm.SCORE_CONFIRM
    )
    value = clean_score(score)
    entry = _store_score(
        enrolment=enrolment,
        component=Component.COMPETENCE_TEST,
        sitting=sitting,
        score=value,
        passed=bool(passed),
        comment=comment,
        user=user,
    )
    _audit(
        action="assessment.score.competence_test_entered",
        user=user,
        request=request,
        enrolment=enrolment,
        data={"score": str(entry.score), "passed": entry.passed, "sitting": sitting, "comment": comment},
    )
    return enrolment


@transaction.atomic
def score_enter(
    *, actor: Actor, user, enrolment_id, component: str, sitting: str, score, comment: str = "", request=None
) -> Enrolment:
    """An expert enters (or corrects, until confirmed) a score of skills (技能操作), case-record review (病历评审),
    work performance or ethics, where the enrolment's result settings include it. Audited:
    `assessment.score.entered` with the old and new score."""
    enrolment = selectors.result_get_for_actor(
        actor=actor, queue=Queue.SCORING, enrolment_id=enrolment_id, for_update=True
    )
    if component not in selectors.EXPERT_COMPONENTS:
        raise ApplicationError(
            _("业务水平测评成绩由考试系统录入。"), code="component_not_for_experts", attr="component"
        )
    value = clean_score(score)
    old = (
        ScoreEntry.objects.filter(enrolment=enrolment, component=component, sitting=sitting)
        .values_list("score", flat=True)
        .first()
    )
    _store_score(
        enrolment=enrolment,
        component=component,
        sitting=sitting,
        score=value,
        passed=None,
        comment=comment,
        user=user,
    )
    _audit(
        action="assessment.score.entered",
        user=user,
        request=request,
        enrolment=enrolment,
        data={
            "component": component,
            "sitting": sitting,
            "score": str(value),
            "previous": str(old) if old is not None else None,
            "status": enrolment.status,
        },
    )
    return enrolment


@transaction.atomic
def score_attachment_upload(
    *, actor: Actor, user, enrolment_id, upload, purpose: str, request=None
) -> EnrolmentAttachment:
    """Store the material of a skills assessment or a case-record review (pdf, jpg, png; at most 20 MB) for
    an enrolment the expert scores, where the cycle's settings include that component. Audited."""
    enrolment = selectors.result_get_for_actor(
        actor=actor, queue=Queue.SCORING, enrolment_id=enrolment_id, for_update=True
    )
    component = {v: k for k, v in selectors.COMPONENT_PURPOSES.items()}.get(purpose)
    if component is None:
        raise ApplicationError(_("附件用途不正确。"), code="invalid_purpose", attr="purpose")
    settings = selectors.result_settings_of(enrolment)
    if component not in {c.get("component") for c in settings.components or []}:
        raise ApplicationError(
            _("本考核周期不包含“%(component)s”。") % {"component": _component_label(component)},
            code="component_not_in_settings",
            attr="purpose",
        )
    if enrolment.attachments.count() >= ATTACHMENTS_PER_ENROLMENT:
        raise ApplicationError(
            _("每人最多上传 %(n)d 个附件。") % {"n": ATTACHMENTS_PER_ENROLMENT}, code="too_many_attachments"
        )
    stored = storage.store_document(upload, prefix=f"assessment/enrolments/{enrolment.id}/scores")
    attachment = EnrolmentAttachment.objects.create(
        enrolment=enrolment, purpose=purpose, uploaded_by=user, **stored.__dict__
    )
    _audit(
        action="assessment.score.attachment_uploaded",
        user=user,
        request=request,
        enrolment=enrolment,
        data={"attachment": str(attachment.id), "file": attachment.file_name, "purpose": purpose},
    )
    return attachment


def score_attachment_download_url(*, actor: Actor, user, enrolment_id, attachment_id, request=None) -> dict:
    """A short-lived link to a scoring attachment of an enrolment the caller scores; audited."""
    enrolment = selectors.result_get_for_actor(actor=actor, queue=Queue.SCORING, enrolment_id=enrolment_id)
    attachment = selectors.scoring_attachment_get(enrolment=enrolment, attachment_id=attachment_id)
    return attachment_download_url(user=user, enrolment=enrolment, attachment=attachment, request=request)


# --- the body: confirmation and publication -------------------------------------------------------------


def _incomplete_error(missing: list[str], count: int | None = None) -> Conflict:
    if count is None:
        detail = _("成绩尚未录入完整（缺少：%(missing)s），不能认定。") % {
            "missing": "、".join(_component_label(c) for c in missing)
        }
    else:
        detail = _("有 %(count)d 条记录的成绩尚未录入完整，不能认定。") % {"count": count}
    return Conflict(detail, code="scores_incomplete")


def _score_without_components(enrolment: Enrolment, user) -> None:
    """An approved enrolment with nothing to score (exempt; simplified without components for it) gets
    合格 under the settings in force."""
    enrolment.result_settings = selectors.result_settings_of(enrolment)
    enrolment.total_score = None
    enrolment.result_level = ResultLevel.PASS
    transition(
        enrolment,
        "score",
        actor_user=user,
        comment=_("无需计分项目，考核结果为合格。"),
        update_fields=RESULT_FIELDS,
    )


def _check_confirmable(rows: list[Enrolment]) -> list[Enrolment]:
    """The approved rows that need scoring first (nothing to score); raises for the others."""
    to_score, incomplete, first_missing = [], 0, []
    by_status: dict[str, int] = {}
    for e in rows:
        if e.status in selectors.APPROVED_STATES:
            missing = selectors.missing_components(e)
            if missing:
                incomplete += 1
                first_missing = first_missing or missing
                continue
            to_score.append(e)
            continue
        by_status[e.status] = by_status.get(e.status, 0) + 1
    if incomplete:
        raise _incomplete_error(first_missing, None if len(rows) == 1 else incomplete)
    for status, count in by_status.items():
        require_legal(status, "confirm_score", count=None if len(rows) == 1 else count)
    return to_score


@transaction.atomic
def score_confirm_many(*, actor: Actor, user, enrolment_ids, comment: str = "", request=None) -> int:
    """The assessment body confirms the scores (成绩认定) of the given enrolments, all or nothing: every one
    scored (or approved with nothing to score), else 409 and nothing changes. One workflow bulk move;
    audited (`assessment.result.scores_confirmed`, one row per call)."""
    rows = selectors.result_rows_for_update(actor=actor, queue=Queue.BODY, enrolment_ids=enrolment_ids)
    for e in _check_confirmable(rows):
        _score_without_components(e, user)
    moved = transition_many(
        Enrolment.objects.filter(pk__in=[e.pk for e in rows]),
        "confirm_score",
        actor_user=user,
        comment=comment,
    )
    if len(rows) == 1:
        _audit(
            action="assessment.result.scores_confirmed",
            user=user,
            request=request,
            enrolment=rows[0],
            data={"total_score": str(rows[0].total_score), "result_level": rows[0].result_level},
        )
    else:
        _audit_bulk(
            action="assessment.result.scores_confirmed_bulk",
            actor=actor,
            user=user,
            request=request,
            rows=rows,
            data={"comment": comment},
        )
    return len(moved)


@transaction.atomic
def result_publish_many(*, actor: Actor, user, enrolment_ids, comment: str = "", request=None) -> int:
    """Publish confirmed results for the publicity period (公示): publicity_ends_on = today + the result
    settings' publicity_days. All or nothing: 409 `scores_not_confirmed` while any is not scored and
    confirmed yet, `illegal_transition` when already published. Audited."""
    rows = selectors.result_rows_for_update(actor=actor, queue=Queue.BODY, enrolment_ids=enrolment_ids)
    unconfirmed = [e for e in rows if e.status in selectors.APPROVED_STATES | {S.SCORED}]
    if unconfirmed:
        if len(rows) == 1:
            detail = _("成绩尚未全部录入并认定，不能公示。")
        else:
            detail = _("有 %(count)d 条记录的成绩尚未全部录入并认定，不能公示。") % {
                "count": len(unconfirmed)
            }
        raise Conflict(detail, code="scores_not_confirmed")
    by_status: dict[str, int] = {}
    for e in rows:
        by_status[e.status] = by_status.get(e.status, 0) + 1
    for status, count in by_status.items():
        require_legal(status, "publicize", count=None if len(rows) == 1 else count)
    today = timezone.localdate()
    by_end: dict = {}
    for e in rows:
        days = selectors.result_settings_of(e).publicity_days
        by_end.setdefault(today + timedelta(days=days), []).append(e.pk)
    moved = transition_many(
        Enrolment.objects.filter(pk__in=[e.pk for e in rows]), "publicize", actor_user=user, comment=comment
    )
    for ends_on, pks in by_end.items():
        Enrolment.objects.filter(pk__in=pks).update(publicity_ends_on=ends_on)
    data = {"publicity_ends_on": sorted(str(d) for d in by_end), "comment": comment}
    if len(rows) == 1:
        _audit(action="assessment.result.published", user=user, request=request, enrolment=rows[0], data=data)
    else:
        _audit_bulk(
            action="assessment.result.published_bulk",
            actor=actor,
            user=user,
            request=request,
            rows=rows,
            data=data,
        )
    return len(moved)


# --- the committee: final confirmation ------------------------------------------------------------------


def _finalize_action(e: Enrolment) -> str:
    if e.result_level in (ResultLevel.PASS, ResultLevel.EXCELLENT):
        return "finalize_pass"
    if e.status == S.PUBLICIZED and selectors.result_settings_of(e).makeup_allowed:
        return "finalize_fail"
    return "finalize_fail_no_makeup"


def _emit_final_fail(enrolments) -> None:
    """One outbox event per final fail, in the caller's transaction (both land or neither)."""
    for e in enrolments:
        outbox_publish(
            topic=FINAL_FAIL_TOPIC,
            schema_name=selectors.event_schema_for(e.organization_id),
            payload={
                "enrolment_id": str(e.pk),
                "physician_id": str(e.physician_id),
                "organization_id": str(e.organization_id),
                "cycle_id": str(e.cycle_id),
                "result_level": e.result_level or ResultLevel.FAIL,
                "total_score": str(e.total_score) if e.total_score is not None else None,
            },
        )


def _mark_final(pks) -> None:
    if pks:
        Enrolment.objects.filter(pk__in=list(pks)).update(finalized_at=timezone.now())


@transaction.atomic
def result_finalize_many(*, actor: Actor, user, enrolment_ids, comment: str = "", request=None) -> dict:
    """The assessment committee confirms results (结果确认), all or nothing: published ones once the publicity
    has ended (409 `publicity_not_over` before publicity_ends_on), make-up results at once. A pass becomes
    final (passed); a fail goes to the make-up list (makeup_pending) when the result settings allow a make-up
    and it was the main sitting, else it is final (failed: outbox `assessment.final_fail`). Returns the
    counts per outcome. Audited."""
    rows = selectors.result_rows_for_update(actor=actor, queue=Queue.COMMITTEE, enrolment_ids=enrolment_ids)
    today = timezone.localdate()
    waiting = [e for e in rows if e.status == S.PUBLICIZED and not selectors.publicity_over(e, today)]
    if waiting:
        if len(rows) == 1:
            detail = _("公示期至 %(date)s 结束，结束后才能确认结果。") % {
                "date": waiting[0].publicity_ends_on.isoformat() if waiting[0].publicity_ends_on else "—"
            }
        else:
            detail = _("有 %(count)d 条记录尚在公示期内，不能确认结果。") % {"count": len(waiting)}
        raise Conflict(detail, code="publicity_not_over")
    groups: dict[str, list[Enrolment]] = {}
    for e in rows:
        groups.setdefault(_finalize_action(e), []).append(e)
    outcome = {"passed": 0, "makeup_pending": 0, "failed": 0}
    final_pks, failed = [], []
    for action, group in groups.items():
        moved = transition_many(
            Enrolment.objects.filter(pk__in=[e.pk for e in group]), action, actor_user=user, comment=comment
        )
        if action == "finalize_pass":
            outcome["passed"] += len(moved)
            final_pks += [e.pk for e in group]
        elif action == "finalize_fail":
            outcome["makeup_pending"] += len(moved)
        else:
            outcome["failed"] += len(moved)
            final_pks += [e.pk for e in group]
            failed += group
    _mark_final(final_pks)
    _emit_final_fail(failed)
    if len(rows) == 1:
        _audit(
            action="assessment.result.finalized",
            user=user,
            request=request,
            enrolment=rows[0],
            data={"action": next(iter(groups)), "result_level": rows[0].result_level, "comment": comment},
        )
    else:
        _audit_bulk(
            action="assessment.result.finalized_bulk",
            actor=actor,
            user=user,
            request=request,
            rows=rows,
            data={**outcome, "comment": comment},
        )
    return outcome


# --- the province: make-up participation ----------------------------------------------------------------


@transaction.atomic
def makeup_decide_many(
    *, actor: Actor, user, enrolment_ids, allow: bool, comment: str = "", request=None
) -> int:
    """The province confirms (`allow_makeup`: makeup) or refuses (`refuse_makeup`: failed, final, outbox
    `assessment.final_fail`) make-up participation, one or many, all or nothing: every one on the make-up
    list waiting for the decision, else 409 `illegal_transition`. 403 without Perm.MAKEUP_DECIDE. Audited."""
    rows = selectors.makeup_decision_rows(actor=actor, enrolment_ids=enrolment_ids)
    action = "allow_makeup" if allow else "refuse_makeup"
    by_status: dict[str, int] = {}
    for e in rows:
        by_status[e.status] = by_status.get(e.status, 0) + 1
    for status, count in by_status.items():
        require_legal(status, action, count=None if len(rows) == 1 else count)
    moved = transition_many(
        Enrolment.objects.filter(pk__in=[e.pk for e in rows]), action, actor_user=user, comment=comment
    )
    if not allow:
        _mark_final([e.pk for e in rows])
        _emit_final_fail(rows)
    name = "assessment.result.makeup_allowed" if allow else "assessment.result.makeup_refused"
    if len(rows) == 1:
        _audit(action=name, user=user, request=request, enrolment=rows[0], data={"comment": comment})
    else:
        _audit_bulk(
            action=f"{name}_bulk",
            actor=actor,
            user=user,
            request=request,
            rows=rows,
            data={"comment": comment},
        )
    return len(moved)


# --- reads that are audited -----------------------------------------------------------------------------


def result_read_audit(*, actor: Actor, user, enrolment: Enrolment, request=None) -> None:
    """A commission reading a physician's scores (personal data) leaves an audit row."""
    if actor is not None and actor.masks_personal_data:
        with transaction.atomic():
            _audit(action="assessment.result.read", user=user, request=request, enrolment=enrolment)
