"""Reads of 学习: the practice banks a physician may use, question pools, their sessions, wrong-answer book and
favourites (always the caller's own: someone else's ID is a 404), and `passed_exam` for credentialing.

Practice banks a physician may use follow the rule of the sittings they may take (exams.selectors.attempts):
banks of their own hospital and of a commission whose region holds the hospital, and only banks with
purpose `practice`. An exam bank is never a source of practice questions.
"""

import uuid

from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from exams.enums import AttemptStatus, BankPurpose
from exams.models import Attempt, Question, QuestionBank, QuestionVersion
from exams.selectors import attempts as exam_attempts

from core.errors import NotFound
from physicians.models import Physician
from practice.enums import SessionStatus
from practice.models import CollectedAttempt, Favourite, PracticeAnswer, PracticeSession, WrongAnswer


def physician_for_user(user) -> Physician:
    """The caller's active physician record (404 `no_physician` without one)."""
    return exam_attempts.physician_for_user(user)


def _prefixes(path: str) -> list[str]:
    parts = [p for p in path.split("/") if p]
    return ["".join(f"{p}/" for p in parts[: i + 1]) for i in range(len(parts))]


def _owners_q(physician: Physician, prefix: str = "") -> Q:
    return Q(**{f"{prefix}owner_id": physician.organization_id}) | Q(
        **{
            f"{prefix}owner__kind": "commission",
            f"{prefix}owner__region_path__in": _prefixes(physician.region_path),
        }
    )


def practice_banks_for_physician(*, physician: Physician) -> QuerySet[QuestionBank]:
    """Practice banks the physician may practise from, with the number of questions of their category."""
    category = Q(questions__practice_category="") | Q(
        questions__practice_category=physician.practice_category
    )
    return (
        QuestionBank.objects.filter(purpose=BankPurpose.PRACTICE)
        .filter(_owners_q(physician))
        .annotate(
            question_count=Count(
                "questions",
                filter=Q(questions__deleted_at__isnull=True, questions__current__isnull=False) & category,
            )
        )
        .order_by("-created_at", "id")
    )


def practice_bank_get(*, physician: Physician, bank_id) -> QuestionBank:
    try:
        return practice_banks_for_physician(physician=physician).get(pk=bank_id)
    except (QuestionBank.DoesNotExist, ValueError, TypeError) as exc:
        raise NotFound() from exc


def _practice_questions(*, physician: Physician, bank_ids=None) -> QuerySet[Question]:
    """Questions (not deleted, with a version) of the physician's practice banks and of their category."""
    qs = Question.objects.filter(
        bank__purpose=BankPurpose.PRACTICE, deleted_at__isnull=True, current__isnull=False
    ).filter(Q(practice_category="") | Q(practice_category=physician.practice_category))
    if bank_ids is None:
        qs = qs.filter(_owners_q(physician, "bank__"))
    else:
        qs = qs.filter(bank_id__in=list(bank_ids))
    return qs


def categories_for_physician(*, physician: Physician, bank_id=None) -> QuerySet:
    """(specialty, kind, difficulty, count) of the questions the physician may practise."""
    bank_ids = None
    if bank_id:
        bank_ids = [practice_bank_get(physician=physician, bank_id=bank_id).id]
    return (
        _practice_questions(physician=physician, bank_ids=bank_ids)
        .values("specialty")
        .annotate(count=Count("id"))
        .order_by("specialty")
    )


def question_pool(
    *,
    physician: Physician,
    bank_ids=None,
    kind: str = "",
    specialty: str = "",
    difficulty: int | None = None,
    question_ids=None,
) -> list[tuple]:
    """(question id, current version id, kind) of practice questions, in a stable order (by id) so a seeded
    draw over the same pool is reproducible. `bank_ids` None: every practice bank the physician may use (the
    caller checks the banks it passes); `question_ids` narrows the pool (wrong-answer book, favourites)."""
    qs = _practice_questions(physician=physician, bank_ids=bank_ids)
    if kind:
        qs = qs.filter(kind=kind)
    if specialty:
        qs = qs.filter(specialty=specialty)
    if difficulty:
        qs = qs.filter(difficulty=difficulty)
    if question_ids is not None:
        qs = qs.filter(id__in=list(question_ids))
    return list(qs.order_by("id").values_list("id", "current_id", "kind"))


def practice_bank_ids_of_owner(*, owner_id) -> list:
    return list(
        QuestionBank.objects.filter(owner_id=owner_id, purpose=BankPurpose.PRACTICE).values_list(
            "id", flat=True
        )
    )


def versions_by_id(version_ids) -> dict[str, QuestionVersion]:
    return {str(v.id): v for v in QuestionVersion.objects.filter(id__in=list(version_ids))}


# --- sessions -------------------------------------------------------------------------------------------


def session_list(*, user, mode: str = "", status: str = "") -> QuerySet[PracticeSession]:
    qs = PracticeSession.objects.filter(user_id=user.pk)
    if mode:
        qs = qs.filter(mode=mode)
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-started_at", "id")


def session_get(*, user, session_id, for_update: bool = False) -> PracticeSession:
    qs = PracticeSession.objects.filter(user_id=user.pk)
    if for_update:
        qs = qs.select_for_update()
    try:
        return qs.get(pk=session_id)
    except (PracticeSession.DoesNotExist, ValueError, TypeError) as exc:
        raise NotFound() from exc


def answers_of(session: PracticeSession) -> dict[str, PracticeAnswer]:
    return {a.item: a for a in PracticeAnswer.objects.filter(session_id=session.pk)}


def remaining_seconds(session: PracticeSession, now=None) -> int | None:
    if session.deadline is None:
        return None
    if session.status != SessionStatus.IN_PROGRESS:
        return 0
    return max(0, int((session.deadline - (now or timezone.now())).total_seconds()))


def _revealed_choice(q: dict, content: dict, saved, *, reveal: bool) -> dict:
    texts = {o["key"]: o["text"] for o in content["options"]}
    by_key = {k: oid for oid, k in q["options"]}
    out = {
        "id": q["id"],
        "kind": q["kind"],
        "stem": content["stem"],
        "options": [{"id": oid, "text": texts[k]} for oid, k in q["options"]],
        "answer": [by_key[k] for k in saved.choices] if saved else [],
        "correct": saved.correct if saved else None,
    }
    if reveal:
        out["key"] = [by_key[k] for k in content["answer"]]
        out["explanation"] = content.get("explanation", "")
    return out


def session_view(session: PracticeSession) -> dict:
    """The session for the client: questions and options under their opaque IDs, the answers given, and the
    key and explanation of every answered question in practice mode (of every question once a mock test is
    submitted). `question_id` is the practice question's own ID (for favourites)."""
    versions = versions_by_id(i["version"] for i in session.paper["items"])
    answers = answers_of(session)
    mock_done = session.mode == "mock" and session.status == SessionStatus.SUBMITTED
    items = []
    for position, item in enumerate(session.paper["items"], start=1):
        version = versions[item["version"]]
        base = {"position": position, "points": item["points"], "question_id": item["question"]}
        if item["kind"] == "case":
            subs = []
            for sub in item["subs"]:
                saved = answers.get(sub["id"])
                reveal = mock_done or (session.mode == "practice" and saved is not None)
                subs.append(_revealed_choice(sub, version.items[sub["index"]], saved, reveal=reveal))
            entry = {**base, "id": item["id"], "kind": "case", "stem": version.stem, "subs": subs}
            if mock_done or (session.mode == "practice" and any("key" in s for s in subs)):
                entry["explanation"] = version.explanation
        else:
            saved = answers.get(item["id"])
            reveal = mock_done or (session.mode == "practice" and saved is not None)
            content = {
                "stem": version.stem,
                "options": version.options,
                "answer": version.answer,
                "explanation": version.explanation,
            }
            entry = {**base, **_revealed_choice(item, content, saved, reveal=reveal), "subs": []}
        if mock_done and session.detail.get("points"):
            entry["score"] = session.detail["points"].get(item["id"])
        items.append(entry)
    return {"session": session, "items": items, "remaining_seconds": remaining_seconds(session)}


# --- wrong-answer book and favourites --------------------------------------------------------------------


def _category_filters(qs: QuerySet, *, specialty="", kind="", difficulty=None, bank_id=None) -> QuerySet:
    if specialty:
        qs = qs.filter(question__specialty=specialty)
    if kind:
        qs = qs.filter(question__kind=kind)
    if difficulty:
        qs = qs.filter(question__difficulty=difficulty)
    if bank_id:
        qs = qs.filter(question__bank_id=bank_id)
    return qs


def wrong_answer_list(
    *,
    physician: Physician,
    status: str = "open",
    source: str = "",
    specialty: str = "",
    kind: str = "",
    difficulty: int | None = None,
    bank_id=None,
) -> QuerySet[WrongAnswer]:
    """The physician's wrong-answer book: `status` open (default), cleared or all."""
    qs = WrongAnswer.objects.filter(physician_id=physician.pk).select_related(
        "question", "question__bank", "version"
    )
    if status == "open":
        qs = qs.filter(cleared_at__isnull=True)
    elif status == "cleared":
        qs = qs.filter(cleared_at__isnull=False)
    if source:
        qs = qs.filter(source=source)
    qs = _category_filters(qs, specialty=specialty, kind=kind, difficulty=difficulty, bank_id=bank_id)
    return qs.order_by("-last_wrong_at", "id")


def wrong_answer_get(*, physician: Physician, wrong_id, for_update: bool = False) -> WrongAnswer:
    qs = WrongAnswer.objects.filter(physician_id=physician.pk).select_related(
        "question", "question__bank", "version"
    )
    if for_update:
        qs = qs.select_for_update(of=("self",))
    try:
        return qs.get(pk=wrong_id)
    except (WrongAnswer.DoesNotExist, ValueError, TypeError) as exc:
        raise NotFound() from exc


def open_wrong_question_ids(*, physician: Physician) -> list:
    return list(
        WrongAnswer.objects.filter(physician_id=physician.pk, cleared_at__isnull=True).values_list(
            "question_id", flat=True
        )
    )


def wrong_answers_by_question(*, physician_id, question_ids, for_update: bool = False) -> dict:
    qs = WrongAnswer.objects.filter(physician_id=physician_id, question_id__in=list(question_ids))
    if for_update:
        qs = qs.select_for_update()
    return {str(w.question_id): w for w in qs}


def favourite_list(
    *, physician: Physician, specialty: str = "", kind: str = "", difficulty=None, bank_id=None
) -> QuerySet[Favourite]:
    qs = Favourite.objects.filter(physician_id=physician.pk).select_related("question", "question__current")
    qs = _category_filters(qs, specialty=specialty, kind=kind, difficulty=difficulty, bank_id=bank_id)
    return qs.order_by("-created_at", "id")


def favourite_get(*, physician: Physician, favourite_id) -> Favourite:
    try:
        return Favourite.objects.select_related("question", "question__current").get(
            physician_id=physician.pk, pk=favourite_id
        )
    except (Favourite.DoesNotExist, ValueError, TypeError) as exc:
        raise NotFound() from exc


def favourite_question_ids(*, physician: Physician) -> list:
    return list(Favourite.objects.filter(physician_id=physician.pk).values_list("question_id", flat=True))


def practice_question_get(*, physician: Physician, question_id) -> Question:
    """A question the physician may practise (404 for an exam-bank question or one out of reach)."""
    try:
        return _practice_questions(physician=physician).get(pk=question_id)
    except (Question.DoesNotExist, ValueError, TypeError) as exc:
        raise NotFound() from exc


def revealed_question(version: QuestionVersion, kind: str, choices: dict | None = None) -> dict:
    """A question with its key and explanation (wrong-answer book, favourites): options under their keys."""
    choices = choices or {}
    out = {
        "kind": kind,
        "stem": version.stem,
        "options": version.options,
        "key": version.answer,
        "explanation": version.explanation,
        "chosen": choices.get("", []),
        "subs": [
            {
                "kind": sub["kind"],
                "stem": sub["stem"],
                "options": sub["options"],
                "key": sub["answer"],
                "explanation": sub.get("explanation", ""),
                "chosen": choices.get(str(i), []),
            }
            for i, sub in enumerate(version.items or [])
        ],
    }
    return out


# --- exam attempts feeding the wrong-answer book ---------------------------------------------------------


def exam_attempts_to_collect(*, physician: Physician, now=None) -> list[Attempt]:
    """The physician's graded exam attempts not yet in the book whose sitting and make-up sittings have all
    closed (exams.selectors.attempts.review_open), oldest submission first. A voided attempt is not collected
    (its answers may not be the physician's own); lifted by an appeal, it is collected then."""
    collected = CollectedAttempt.objects.values("attempt_id")
    attempts = (
        Attempt.objects.select_related("sitting")
        .filter(physician_id=physician.pk, status=AttemptStatus.SUBMITTED)
        .exclude(pk__in=collected)
        .order_by("submitted_at", "id")
    )
    return [a for a in attempts if exam_attempts.review_open(a.sitting, now=now)]


def exam_answers_of(attempt: Attempt) -> dict[str, list]:
    return {item: a.choices for item, a in exam_attempts.answers_of(attempt).items()}


# --- for other modules ----------------------------------------------------------------------------------


def passed_exam(physician_id, *, owner_id, exam_code) -> bool:
    """Whether the physician has passed the exam `exam_code` run by `owner_id` (for credentialing, e.g. the
    exam a prescribing privilege needs). The exam engine has no exam code of its own, so `exam_code` is the
    ID of the exam's blueprint (the exam's definition): a submitted, passed attempt in any sitting of that
    blueprint owned by `owner_id`, make-ups included. A voided attempt (confirmed cheating) does not count
    (status `voided`, `passed` False) until an appeal overturns the verdict. An unknown or malformed code is
    False."""
    try:
        blueprint_id = uuid.UUID(str(exam_code))
    except ValueError:
        return False
    return Attempt.objects.filter(
        physician_id=physician_id,
        owner_id=owner_id,
        sitting__blueprint_id=blueprint_id,
        sitting__owner_id=owner_id,
        status=AttemptStatus.SUBMITTED,
        passed=True,
    ).exists()
