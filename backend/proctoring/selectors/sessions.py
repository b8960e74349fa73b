"""Reads of proctoring: the physician's own (through their exam attempts), and reviewers' (institutions and
assessment bodies).

Who reviews an attempt: the organisation that owns the sitting, and whoever reaches the physician's
institution (the institution itself, the assessment body it is assigned to, a commission over its region),
holding `proctoring.review`. Anything else is a 404, indistinguishable from what does not exist."""

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from exams.models import Attempt
from exams.selectors import attempts as exam_attempts
from exams.selectors.banks import sitting_get_for_actor

from core.actor import Actor
from core.errors import NotFound
from core.scoping import reach_q
from proctoring.enums import ReferenceStatus, VerdictStatus
from proctoring.models import (
    Appeal,
    FaceConsent,
    ProctoringSession,
    ProctoringSettings,
    ReferencePhoto,
    Snapshot,
    Verdict,
)

# Verdicts that keep photos from the retention rule and count as "under a verdict".
STANDING_VERDICTS = (VerdictStatus.FINAL, VerdictStatus.PENDING, VerdictStatus.CONFIRMED)

physician_for_user = exam_attempts.physician_for_user
my_attempt_get = exam_attempts.my_attempt_get
sitting_get_for_physician = exam_attempts.sitting_get_for_physician

# The attempt's paper (the whole drawn paper as JSON), grading detail and ID secret: never needed here.
_ATTEMPT_HEAVY = ("attempt__paper", "attempt__detail", "attempt__secret")


def settings_for_sitting(sitting_id) -> ProctoringSettings | None:
    return ProctoringSettings.objects.filter(sitting_id=sitting_id).first()


def proctored(sitting_id) -> ProctoringSettings | None:
    """The sitting's settings when it is proctored, else None."""
    return ProctoringSettings.objects.filter(sitting_id=sitting_id, enabled=True).first()


def proctored_sitting_ids(sitting_ids) -> set:
    """Which of these sittings are proctored (settings.EXAM_PROCTORED_SITTINGS, for the exam engine's list)."""
    return set(
        ProctoringSettings.objects.filter(sitting_id__in=list(sitting_ids), enabled=True).values_list(
            "sitting_id", flat=True
        )
    )


def consent_get(*, sitting_id, physician_id, version: str) -> FaceConsent | None:
    return FaceConsent.objects.filter(
        sitting_id=sitting_id, physician_id=physician_id, text_version=version
    ).first()


def approved_reference(physician_id) -> ReferencePhoto | None:
    return ReferencePhoto.objects.filter(physician_id=physician_id, status=ReferenceStatus.APPROVED).first()


def my_references(*, physician_id) -> QuerySet[ReferencePhoto]:
    return ReferencePhoto.objects.filter(physician_id=physician_id).order_by("-created_at")


# --- the physician ------------------------------------------------------------------------------------


def session_of_attempt(attempt_id, *, for_update: bool = False) -> ProctoringSession | None:
    qs = ProctoringSession.objects.select_related("attempt", "sitting")
    if for_update:
        qs = qs.select_for_update(of=("self",))
    return qs.filter(attempt_id=attempt_id).first()


def my_session_with_attempt(*, user, attempt_id) -> ProctoringSession | None:
    """The caller's own attempt's session with the attempt, in one query (the upload-URL path); None when
    the session is not made yet or the attempt is not theirs."""
    try:
        return (
            ProctoringSession.objects.select_related("attempt")
            .defer(*_ATTEMPT_HEAVY)  # the paper's JSON is large
            .filter(attempt_id=attempt_id, attempt__user_id=user.pk)
            .first()
        )
    except (ValueError, TypeError, ValidationError):
        return None


def my_snapshot_get(*, user, snapshot_id, for_update: bool = False) -> Snapshot:
    qs = Snapshot.objects.select_related("session", "session__attempt").filter(
        session__attempt__user_id=user.pk
    )
    if for_update:
        qs = qs.select_for_update(of=("self",))
    try:
        return qs.get(pk=snapshot_id)
    except (Snapshot.DoesNotExist, ValueError, TypeError) as exc:
        raise NotFound() from exc


def my_verdict_get(*, user, verdict_id, for_update: bool = False) -> Verdict:
    """A verdict on the caller's own attempt that has taken effect (a warning, or confirmed cheating and
    what followed); a pending or dismissed one is not shown to the physician."""
    qs = Verdict.objects.select_related("session", "session__attempt").filter(
        session__attempt__user_id=user.pk,
        status__in=[VerdictStatus.FINAL, VerdictStatus.CONFIRMED, VerdictStatus.OVERTURNED],
    )
    if for_update:
        qs = qs.select_for_update(of=("self",))
    try:
        return qs.get(pk=verdict_id)
    except (Verdict.DoesNotExist, ValueError, TypeError) as exc:
        raise NotFound() from exc


def my_verdicts(session: ProctoringSession) -> list[Verdict]:
    return list(
        Verdict.objects.select_related("appeal")
        .filter(
            session=session,
            status__in=[VerdictStatus.FINAL, VerdictStatus.CONFIRMED, VerdictStatus.OVERTURNED],
        )
        .order_by("created_at")
    )


def snapshots_of(session: ProctoringSession) -> list[Snapshot]:
    return list(Snapshot.objects.filter(session=session).order_by("index"))


def same_hash_exists(*, physician_id, sha256: str, exclude_id) -> bool:
    """Another photo of the physician (any attempt) with the same bytes: a replayed picture."""
    return (
        Snapshot.objects.filter(session__physician_id=physician_id, sha256=sha256)
        .exclude(pk=exclude_id)
        .exclude(object_key__isnull=True)
        .exists()
    )


# --- reviewers ------------------------------------------------------------------------------------------


def _review_q(actor: Actor | None, prefix: str = "") -> Q:
    if actor is None or actor.organization_id is None:
        return Q(pk__in=[])
    return Q(**{f"{prefix}owner_id": actor.organization_id}) | reach_q(
        actor,
        region_field=f"{prefix}physician__region_path",
        org_field=f"{prefix}physician__organization_id",
    )


def session_list_for_actor(
    *, actor: Actor, sitting_id=None, flagged: bool | None = None, verdict: str = ""
) -> QuerySet[ProctoringSession]:
    """Sessions within the caller's review reach, riskiest first (see services.snapshots.risk_of)."""
    qs = (
        ProctoringSession.objects.select_related("attempt", "sitting", "physician")
        .defer(*_ATTEMPT_HEAVY)
        .filter(_review_q(actor))
    )
    if sitting_id:
        qs = qs.filter(sitting_id=sitting_id)
    if flagged is True:
        qs = qs.filter(risk__gt=0)
    elif flagged is False:
        qs = qs.filter(risk=0)
    if verdict == "none":
        qs = qs.exclude(verdicts__status__in=STANDING_VERDICTS)
    elif verdict:
        qs = qs.filter(verdicts__status=verdict).distinct()
    return qs.order_by("-risk", "-missing_count", "-leave_count", "attempt__started_at", "id")


def session_get_for_actor(*, actor: Actor, attempt_id, for_update: bool = False) -> ProctoringSession:
    qs = (
        ProctoringSession.objects.select_related("attempt", "sitting", "physician")
        .defer(*_ATTEMPT_HEAVY)
        .filter(_review_q(actor))
    )
    if for_update:
        qs = qs.select_for_update(of=("self",))
    try:
        return qs.get(attempt_id=attempt_id)
    except (ProctoringSession.DoesNotExist, ValueError, TypeError) as exc:
        raise NotFound() from exc


def verdict_get_for_actor(*, actor: Actor, verdict_id, for_update: bool = False) -> Verdict:
    qs = Verdict.objects.select_related("session", "session__attempt").filter(_review_q(actor, "session__"))
    if for_update:
        qs = qs.select_for_update(of=("self",))
    try:
        return qs.get(pk=verdict_id)
    except (Verdict.DoesNotExist, ValueError, TypeError) as exc:
        raise NotFound() from exc


def appeal_get_for_actor(*, actor: Actor, appeal_id, for_update: bool = False) -> Appeal:
    qs = Appeal.objects.select_related("verdict", "verdict__session", "verdict__session__attempt").filter(
        _review_q(actor, "verdict__session__")
    )
    if for_update:
        qs = qs.select_for_update(of=("self",))
    try:
        return qs.get(pk=appeal_id)
    except (Appeal.DoesNotExist, ValueError, TypeError) as exc:
        raise NotFound() from exc


def verdicts_of(session: ProctoringSession) -> list[Verdict]:
    return list(Verdict.objects.select_related("appeal").filter(session=session).order_by("created_at"))


def appeal_list_for_actor(*, actor: Actor, status: str = "") -> QuerySet[Appeal]:
    qs = Appeal.objects.select_related("verdict", "verdict__session").filter(
        _review_q(actor, "verdict__session__")
    )
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-created_at", "id")


def has_standing_verdict(session_id) -> bool:
    return Verdict.objects.filter(session_id=session_id, status__in=STANDING_VERDICTS).exists()


# --- reference photos (staff of the physician's institution) ----------------------------------------------


def reference_list_for_actor(
    *, actor: Actor, physician_id=None, status: str = ""
) -> QuerySet[ReferencePhoto]:
    if actor is None or actor.organization_id is None:
        return ReferencePhoto.objects.none()
    qs = ReferencePhoto.objects.select_related("physician").filter(organization_id=actor.organization_id)
    if physician_id:
        qs = qs.filter(physician_id=physician_id)
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-created_at", "id")


def reference_get_for_actor(*, actor: Actor, reference_id, for_update: bool = False) -> ReferencePhoto:
    qs = reference_list_for_actor(actor=actor)
    if for_update:
        qs = qs.select_for_update(of=("self",))
    try:
        return qs.get(pk=reference_id)
    except (ReferencePhoto.DoesNotExist, ValueError, TypeError) as exc:
        raise NotFound() from exc


# --- background work ------------------------------------------------------------------------------------


def retention_candidates():
    """Settings of proctored sittings with photos that may have passed retention (the caller checks dates)."""
    return ProctoringSettings.objects.select_related("sitting", "sitting__cycle")


def proctored_attempts_without_session(*, since):
    sittings = ProctoringSettings.objects.filter(enabled=True).values("sitting_id")
    have = ProctoringSession.objects.filter(attempt__started_at__gte=since).values("attempt_id")
    return list(
        Attempt.objects.filter(sitting_id__in=sittings, started_at__gte=since).exclude(pk__in=have)[:1000]
    )


def stalled_snapshots(*, before, limit: int = 500) -> list:
    """Registered photos whose copy (POST uploads) or analysis has not happened by `before`, and that were
    not sent again since then: (id, upload_method, copied_at)."""
    return list(
        Snapshot.objects.filter(
            registered_at__lt=before,
            analysed_at__isnull=True,
            deleted_at__isnull=True,
            object_key__isnull=False,
        )
        .filter(Q(requeued_at__isnull=True) | Q(requeued_at__lt=before))
        .order_by("registered_at")
        .values_list("pk", "upload_method", "copied_at")[:limit]
    )


def sessions_started_since(*, since):
    return list(
        ProctoringSession.objects.select_related("attempt").filter(
            attempt__started_at__gte=since, voided_at__isnull=True
        )
    )


def settings_get_for_actor(*, actor: Actor, sitting_id) -> tuple:
    """(sitting, settings or None) of a sitting the caller's organisation owns; 404 otherwise."""
    sitting = sitting_get_for_actor(actor=actor, sitting_id=sitting_id)
    return sitting, ProctoringSettings.objects.filter(sitting=sitting).first()
