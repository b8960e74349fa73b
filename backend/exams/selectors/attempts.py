"""Reads of sittings and attempts: the physician's own (by their user), and staff's (owned by their
organisation). Someone else's attempt or a sitting the physician may not take is a 404."""

from assessment.enums import EnrolmentStatus
from assessment.selectors import certificates as assessment_cycles
from assessment.selectors import reports as assessment_reports
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from core.actor import Actor
from core.errors import ApplicationError, NotFound
from exams.enums import AttemptStatus
from exams.models import Attempt, AttemptAnswer, MakeupGrant, Sitting
from exams.selectors.banks import owned
from physicians.models import Physician


def physician_for_user(user) -> Physician:
    physician = Physician.objects.filter(user_id=user.pk, status="active").first()
    if physician is None:
        raise NotFound(_("未找到您的医师信息。"), code="no_physician")
    return physician


def cycle_check(*, cycle_id) -> None:
    try:
        assessment_cycles.cycle_get(cycle_id=cycle_id)
    except NotFound as exc:
        raise ApplicationError(_("考核周期不存在。"), code="cycle_not_found", attr="cycle") from exc


def _prefixes(path: str) -> list[str]:
    parts = [p for p in path.split("/") if p]
    return ["".join(f"{p}/" for p in parts[: i + 1]) for i in range(len(parts))]


def enrolment_id_for(*, user, cycle_id):
    """The physician's enrolment in a cycle (not withdrawn), or None."""
    return (
        assessment_reports.my_enrolment_list(user=user)
        .filter(cycle_id=cycle_id)
        .exclude(status=EnrolmentStatus.WITHDRAWN)
        .values_list("pk", flat=True)
        .first()
    )


def sittings_for_physician(*, user, physician: Physician) -> QuerySet[Sitting]:
    """Sittings the physician may take: their hospital's own, and those of a commission whose region holds
    the hospital; a cycle's sitting only for the enrolled (not withdrawn)."""
    enrolled_cycles = (
        assessment_reports.my_enrolment_list(user=user)
        .exclude(status=EnrolmentStatus.WITHDRAWN)
        .values_list("cycle_id", flat=True)
    )
    return (
        Sitting.objects.select_related("blueprint")
        .filter(
            Q(owner_id=physician.organization_id)
            | Q(owner__kind="commission", owner__region_path__in=_prefixes(physician.region_path))
        )
        .filter(Q(cycle__isnull=True) | Q(cycle_id__in=list(enrolled_cycles)))
        .order_by("-opens_at", "id")
    )


def sitting_get_for_physician(*, user, physician: Physician, sitting_id) -> Sitting:
    try:
        return sittings_for_physician(user=user, physician=physician).get(pk=sitting_id)
    except (Sitting.DoesNotExist, ValueError, TypeError) as exc:
        raise NotFound() from exc


def my_latest_attempts(*, physician_id, sitting_ids) -> dict:
    """Sitting id -> the physician's latest attempt in it (the highest number), for the given sittings."""
    out = {}
    for attempt in (
        Attempt.objects.filter(physician_id=physician_id, sitting_id__in=list(sitting_ids))
        .only("id", "sitting_id", "number", "status", "deadline")
        .order_by("sitting_id", "-number")
    ):
        out.setdefault(attempt.sitting_id, attempt)
    return out


def proctored_sitting_ids(sitting_ids) -> set:
    """The sittings among these that are proctored, asked of the apps that proctor
    (settings.EXAM_PROCTORED_SITTINGS: fn(sitting_ids) -> set of ids; the exam engine imports none of them)."""
    from django.conf import settings
    from django.utils.module_loading import import_string

    ids = list(sitting_ids)
    found: set = set()
    for path in getattr(settings, "EXAM_PROCTORED_SITTINGS", ()):
        found |= set(import_string(path)(ids))
    return found


def attempts_of(*, sitting_id, physician_id) -> list[Attempt]:
    return list(Attempt.objects.filter(sitting_id=sitting_id, physician_id=physician_id).order_by("number"))


def makeup_grant_count(*, sitting_id, physician_id) -> int:
    return MakeupGrant.objects.filter(sitting_id=sitting_id, physician_id=physician_id).count()


def previous_question_ids(*, sitting: Sitting, physician_id) -> set[str]:
    """Questions the physician had in earlier attempts of this sitting and of the sitting it makes up for."""
    sitting_ids = [sitting.id] + ([sitting.makeup_of_id] if sitting.makeup_of_id else [])
    ids: set[str] = set()
    for paper in Attempt.objects.filter(sitting_id__in=sitting_ids, physician_id=physician_id).values_list(
        "paper", flat=True
    ):
        ids |= {item["question"] for item in paper.get("items", [])}
    return ids


def my_attempt_list(*, user) -> QuerySet[Attempt]:
    return Attempt.objects.select_related("sitting").filter(user_id=user.pk).order_by("-started_at")


def my_attempt_get(*, user, attempt_id, for_update: bool = False) -> Attempt:
    qs = Attempt.objects.select_related("sitting", "sitting__blueprint").filter(user_id=user.pk)
    if for_update:
        qs = qs.select_for_update(of=("self",))
    try:
        return qs.get(pk=attempt_id)
    except (Attempt.DoesNotExist, ValueError, TypeError) as exc:
        raise NotFound() from exc


def answers_of(attempt: Attempt) -> dict[str, AttemptAnswer]:
    return {a.item: a for a in AttemptAnswer.objects.filter(attempt_id=attempt.pk)}


def answer_get(*, attempt_id, item: str) -> AttemptAnswer | None:
    return AttemptAnswer.objects.filter(attempt_id=attempt_id, item=item).first()


def attempt_list_for_actor(
    *,
    actor: Actor,
    sitting_id=None,
    status: str = "",
    passed: bool | None = None,
    search: str = "",
) -> QuerySet[Attempt]:
    qs = owned(Attempt.objects.select_related("sitting", "physician", "physician__organization"), actor)
    if sitting_id:
        qs = qs.filter(sitting_id=sitting_id)
    if status:
        qs = qs.filter(status=status)
    if passed is not None:
        qs = qs.filter(passed=passed)
    if search:
        qs = qs.filter(Q(physician__name__icontains=search) | Q(physician__licence_number=search))
    return qs.order_by("-started_at", "id")


def attempt_get_for_actor(*, actor: Actor, attempt_id) -> Attempt:
    qs = owned(Attempt.objects.select_related("sitting", "physician", "physician__organization"), actor)
    try:
        return qs.get(pk=attempt_id)
    except (Attempt.DoesNotExist, ValueError, TypeError) as exc:
        raise NotFound() from exc


def due_attempt_ids(*, limit: int = 500) -> list:
    """Attempts still open after their deadline (the deadline task submits them)."""
    return list(
        Attempt.objects.filter(status=AttemptStatus.IN_PROGRESS, deadline__lte=timezone.now())
        .order_by("deadline")
        .values_list("pk", flat=True)[:limit]
    )


def unrecorded_result_ids(*, limit: int = 200) -> list:
    """Graded attempts of a cycle's sitting whose score has not reached the assessment workflow because it
    was unavailable (not refused). Not a voided attempt: its void sent a failed test instead."""
    return list(
        Attempt.objects.filter(
            status=AttemptStatus.SUBMITTED,
            sitting__cycle__isnull=False,
            result_recorded_at__isnull=True,
            result_error="unavailable",
        ).values_list("pk", flat=True)[:limit]
    )


def review_open(sitting: Sitting, now=None) -> bool:
    """Answer keys and explanations are shown only when the sitting and every make-up sitting of the same
    exam have closed (a make-up examinee must not meet a key published by the first sitting)."""
    root_id = sitting.makeup_of_id or sitting.id
    latest = max(
        Sitting.objects.filter(Q(pk=root_id) | Q(makeup_of_id=root_id)).values_list("closes_at", flat=True)
    )
    return (now or timezone.now()) >= latest


def attempt_view(attempt: Attempt, *, reveal: bool) -> dict:
    """What the physician's client gets: the questions and options under their opaque IDs in the attempt's
    order, the saved answers and marks, the clock. With `reveal` (submitted and review_open), also the key
    and the explanations; never otherwise."""
    from exams.selectors.banks import versions_by_id

    versions = {str(k): v for k, v in versions_by_id(i["version"] for i in attempt.paper["items"]).items()}
    answers = answers_of(attempt)
    now = timezone.now()

    def choice(q: dict, content: dict) -> dict:
        texts = {o["key"]: o["text"] for o in content["options"]}
        by_key = {k: oid for oid, k in q["options"]}
        saved = answers.get(q["id"])
        out = {
            "id": q["id"],
            "kind": q["kind"],
            "stem": content["stem"],
            "options": [{"id": oid, "text": texts[k]} for oid, k in q["options"]],
            "answer": [by_key[k] for k in saved.choices] if saved else [],
            "marked": bool(saved and saved.marked),
        }
        if reveal:
            out["key"] = [by_key[k] for k in content["answer"]]
            out["explanation"] = content.get("explanation", "")
        return out

    items = []
    for position, item in enumerate(attempt.paper["items"], start=1):
        version = versions[item["version"]]
        base = {"position": position, "points": item["points"]}
        if item["kind"] == "case":
            subs = [choice(sub, version.items[sub["index"]]) for sub in item["subs"]]
            entry = {**base, "id": item["id"], "kind": "case", "stem": version.stem, "subs": subs}
            if reveal:
                entry["explanation"] = version.explanation
        else:
            content = {
                "stem": version.stem,
                "options": version.options,
                "answer": version.answer,
                "explanation": version.explanation,
            }
            entry = {**base, **choice(item, content), "subs": []}
        if reveal and attempt.detail.get("points"):
            entry["score"] = attempt.detail["points"].get(item["id"])
        items.append(entry)
    remaining = 0
    if attempt.status == AttemptStatus.IN_PROGRESS:
        remaining = max(0, int((attempt.deadline - now).total_seconds()))
    return {"attempt": attempt, "items": items, "remaining_seconds": remaining, "revealed": reveal}


def answer_sheet(attempt: Attempt) -> dict:
    """Answered, unanswered and marked questions, in paper order (one query for the answers)."""
    answers = answers_of(attempt)
    rows = []
    position = 0
    for item in attempt.paper["items"]:
        for q in item["subs"] if item["kind"] == "case" else [item]:
            position += 1
            saved = answers.get(q["id"])
            rows.append(
                {
                    "position": position,
                    "id": q["id"],
                    "group": item["id"] if item["kind"] == "case" else None,
                    "answered": bool(saved and saved.choices),
                    "marked": bool(saved and saved.marked),
                }
            )
    now = timezone.now()
    remaining = 0
    if attempt.status == AttemptStatus.IN_PROGRESS:
        remaining = max(0, int((attempt.deadline - now).total_seconds()))
    return {
        "questions": rows,
        "answered": sum(r["answered"] for r in rows),
        "unanswered": sum(not r["answered"] for r in rows),
        "marked": sum(r["marked"] for r in rows),
        "remaining_seconds": remaining,
        "deadline": attempt.deadline,
        "status": attempt.status,
    }
