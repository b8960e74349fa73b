"""Writes of 学习: practice sessions and mock tests, answers, the wrong-answer book and favourites.

- Practice (题库练习) draws questions of the physician's practice category from practice banks only (never from
  an exam bank): by bank, specialty, kind and difficulty, or again from the open wrong-answer book or the
  favourites (their practice-bank questions only). Each answer is graded at once (exactly the key is right)
  and the reply carries the key and the explanation; the first answer to a question is final.
- A mock test (模拟自测) takes the shape of the blueprint of a sitting the physician may see (rules with their
  counts, kinds, specialties, difficulties and points, time limit, pass mark, partial-credit rule) and draws
  from the practice banks of the sitting's owner. Answers may change until submission or the deadline (the
  server's clock); submission grades with the exam engine's rules (exams.services.grading) and reveals the key.
- The wrong-answer book (错题集) gets a question when it is answered wrong in practice or a mock test, and
  from a graded exam attempt once its sitting and every make-up sitting have closed (collected when the
  physician opens the book). A later right answer to the question clears it; a later wrong one reopens it.
  A case group is wrong when any sub-question is answered wrong, right when all are answered right.
"""

import random
import secrets
from datetime import timedelta
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from exams.enums import PartialCredit, QuestionKind
from exams.selectors import attempts as exam_attempts
from exams.services import grading, papers
from exams.services.attempts import answerables

from audit.services import audit_record
from core.errors import ApplicationError, Conflict
from practice import selectors
from practice.enums import SessionMode, SessionSource, SessionStatus, WrongSource
from practice.models import CollectedAttempt, Favourite, PracticeAnswer, PracticeSession, WrongAnswer

MAX_COUNT = 100
DEFAULT_COUNT = 10


# --- drawing --------------------------------------------------------------------------------------------


def _with_options(drawn: list[dict], rng: random.Random, *, shuffle: bool) -> list[dict]:
    """Add the option order (shuffled with the session's rng) as exams.services.papers.paper_draw does."""
    versions = selectors.versions_by_id(d["version"] for d in drawn)
    for item in drawn:
        version = versions[item["version"]]
        if item["kind"] == QuestionKind.CASE:
            item["subs"] = []
            for index, sub in enumerate(version.items):
                keys = [o["key"] for o in sub["options"]]
                if shuffle:
                    rng.shuffle(keys)
                item["subs"].append({"index": index, "kind": sub["kind"], "options": keys})
        else:
            keys = [o["key"] for o in version.options]
            if shuffle:
                rng.shuffle(keys)
            item["options"] = keys
    return drawn


def _mock_draw(*, physician, sitting, rng: random.Random) -> list[dict]:
    blueprint = sitting.blueprint
    bank_ids = selectors.practice_bank_ids_of_owner(owner_id=sitting.owner_id)
    taken: set[str] = set()
    drawn = []
    for i, rule in enumerate(blueprint.rules):
        pool = [
            (str(qid), str(vid))
            for qid, vid, _kind in selectors.question_pool(
                physician=physician,
                bank_ids=bank_ids,
                kind=rule["kind"],
                specialty=rule.get("specialty") or "",
                difficulty=rule.get("difficulty"),
            )
            if str(qid) not in taken
        ]
        if len(pool) < rule["count"]:
            raise Conflict(
                _("练习题库中符合该考试组卷规则的题目不足，暂不能模拟自测。"),
                code="insufficient_questions",
                attr=f"rules.{i}",
            )
        for qid, vid in rng.sample(pool, rule["count"]):
            taken.add(qid)
            drawn.append({"question": qid, "version": vid, "kind": rule["kind"], "points": rule["points"]})
    return drawn


def _practice_draw(
    *, physician, rng: random.Random, source, bank_id, kind, specialty, difficulty, count
) -> list[dict]:
    bank_ids = None
    question_ids = None
    if source == SessionSource.BANK and bank_id:
        bank_ids = [selectors.practice_bank_get(physician=physician, bank_id=bank_id).id]
    elif source == SessionSource.WRONG_BOOK:
        question_ids = selectors.open_wrong_question_ids(physician=physician)
    elif source == SessionSource.FAVOURITES:
        question_ids = selectors.favourite_question_ids(physician=physician)
    pool = selectors.question_pool(
        physician=physician,
        bank_ids=bank_ids,
        kind=kind,
        specialty=specialty,
        difficulty=difficulty,
        question_ids=question_ids,
    )
    if not pool:
        raise Conflict(_("没有符合条件的练习题。"), code="no_questions")
    return [
        {"question": str(qid), "version": str(vid), "kind": k, "points": "1"}
        for qid, vid, k in rng.sample(pool, min(count, len(pool)))
    ]


@transaction.atomic
def session_start(
    *,
    user,
    mode: str,
    source: str = SessionSource.BANK,
    bank_id=None,
    specialty: str = "",
    difficulty: int | None = None,
    kind: str = "",
    count: int = DEFAULT_COUNT,
    sitting_id=None,
    request=None,
) -> PracticeSession:
    """Start a practice session or a mock test (see the module docstring). Errors: 404 no physician, a bank
    or sitting out of reach; 400 `sitting_required`, `invalid_count`; 409 `no_questions`,
    `insufficient_questions` (the practice banks cannot fill the blueprint)."""
    physician = selectors.physician_for_user(user)
    seed = secrets.randbits(62)
    secret = secrets.token_hex(32)
    rng = random.Random(seed)  # noqa: S311 - reproducible order, not secrecy (the IDs use HMAC)
    now = timezone.now()
    fields: dict = {}
    if mode == SessionMode.MOCK:
        if not sitting_id:
            raise ApplicationError(_("模拟自测需要选择一场考试。"), code="sitting_required", attr="sitting")
        sitting = exam_attempts.sitting_get_for_physician(
            user=user, physician=physician, sitting_id=sitting_id
        )
        blueprint = sitting.blueprint
        drawn = _with_options(
            _mock_draw(physician=physician, sitting=sitting, rng=rng), rng, shuffle=blueprint.shuffle_options
        )
        fields = {
            "source": SessionSource.BANK,
            "sitting": sitting,
            "partial_credit": blueprint.partial_credit,
            "pass_mark": blueprint.pass_mark,
            "max_score": papers.total_points(blueprint.rules),
            "deadline": now + timedelta(minutes=blueprint.time_limit_minutes),
        }
    else:
        if not 1 <= count <= MAX_COUNT:
            raise ApplicationError(
                _("题数须在 1 至 %(n)d 之间。") % {"n": MAX_COUNT}, code="invalid_count", attr="count"
            )
        drawn = _with_options(
            _practice_draw(
                physician=physician,
                rng=rng,
                source=source,
                bank_id=bank_id,
                kind=kind,
                specialty=specialty,
                difficulty=difficulty,
                count=count,
            ),
            rng,
            shuffle=True,
        )
        fields = {
            "source": source,
            "filters": {
                "bank": str(bank_id or ""),
                "specialty": specialty,
                "kind": kind,
                "difficulty": difficulty,
                "count": count,
            },
            "partial_credit": PartialCredit.EXACT,
            "max_score": Decimal(len(drawn)),
        }
    session = PracticeSession.objects.create(
        physician=physician,
        user=user,
        mode=mode,
        seed=seed,
        secret=secret,
        paper=papers.paper_with_ids(drawn, secret),
        started_at=now,
        **fields,
    )
    audit_record(
        action="practice.session_started",
        actor=user,
        request=request,
        organization_id=physician.organization_id,
        target=session,
        data={"mode": mode, "source": session.source, "sitting": str(sitting_id or ""), "count": len(drawn)},
    )
    return session


# --- answers --------------------------------------------------------------------------------------------


def _locate(paper: dict, question: str) -> tuple[dict, dict | None]:
    """(top-level item, sub-question or None) of an opaque question ID."""
    for item in paper["items"]:
        if item["id"] == question:
            return item, None
        for sub in item.get("subs", []) if item["kind"] == QuestionKind.CASE else []:
            if sub["id"] == question:
                return item, sub
    raise ApplicationError(_("试卷中没有这道题。"), code="unknown_question", attr="question")


def _key_of(version, sub: dict | None) -> list[str]:
    return version.items[sub["index"]]["answer"] if sub is not None else version.answer


def _right(kind: str, chosen, key) -> bool:
    """Right means exactly the key (practice and the wrong-answer book never give partial credit)."""
    return grading.credit(kind=kind, chosen=chosen, key=key, partial=PartialCredit.EXACT) == 1


def _choices(item: dict, answers: dict[str, list]) -> dict:
    if item["kind"] == QuestionKind.CASE:
        return {str(s["index"]): answers[s["id"]] for s in item["subs"] if answers.get(s["id"])}
    return {"": answers.get(item["id"], [])}


def _verdict(item: dict, version, answers: dict[str, list]) -> bool | None:
    """True: every (sub-)question answered right; False: one answered wrong; None: neither (unanswered)."""
    qs = item["subs"] if item["kind"] == QuestionKind.CASE else [item]
    answered = [q for q in qs if answers.get(q["id"])]
    if any(
        not _right(q["kind"], answers[q["id"]], _key_of(version, q if q is not item else None))
        for q in answered
    ):
        return False
    if answered and len(answered) == len(qs):
        return True
    return None


def _book(*, physician_id, item: dict, version, answers: dict[str, list], source: str, at, attempt=None):
    verdict = _verdict(item, version, answers)
    if verdict is True:
        WrongAnswer.objects.filter(
            physician_id=physician_id,
            question_id=item["question"],
            cleared_at__isnull=True,
            last_wrong_at__lte=at,
        ).update(cleared_at=at, updated_at=timezone.now())
    elif verdict is False:
        wrong_record(
            physician_id=physician_id,
            question_id=item["question"],
            version_id=item["version"],
            source=source,
            choices=_choices(item, answers),
            at=at,
            attempt=attempt,
        )


def wrong_record(*, physician_id, question_id, version_id, source: str, choices: dict, at, attempt=None):
    """Put a question in the wrong-answer book, or count one more wrong answer and reopen it. A wrong answer
    older than the entry's clearing (an exam collected late) is counted without reopening it."""
    entry = selectors.wrong_answers_by_question(
        physician_id=physician_id, question_ids=[question_id], for_update=True
    ).get(str(question_id))
    if entry is None:
        try:
            with transaction.atomic():
                return WrongAnswer.objects.create(
                    physician_id=physician_id,
                    question_id=question_id,
                    version_id=version_id,
                    source=source,
                    attempt=attempt,
                    choices=choices,
                    last_wrong_at=at,
                )
        except IntegrityError:
            entry = selectors.wrong_answers_by_question(
                physician_id=physician_id, question_ids=[question_id], for_update=True
            )[str(question_id)]
    entry.wrong_count += 1
    if entry.cleared_at is None or entry.cleared_at <= at:
        entry.cleared_at = None
        entry.version_id = version_id
        entry.source = source
        entry.attempt = attempt
        entry.choices = choices
        entry.last_wrong_at = max(entry.last_wrong_at, at)
    entry.save()
    return entry


def _checked_keys(
    session: PracticeSession, question: str, options: list[str], *, allow_empty: bool
) -> tuple[dict, list[str]]:
    target = answerables(session.paper).get(question)
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
    if not keys and not allow_empty:
        raise ApplicationError(_("请选择答案。"), code="no_option", attr="options")
    return target, sorted(keys)


def _answer_reply(session, item, sub, version, saved: PracticeAnswer, *, applied: bool) -> dict:
    q = sub if sub is not None else item
    by_key = {k: oid for oid, k in q["options"]}
    reply = {
        "question": q["id"],
        "options": [by_key[k] for k in saved.choices],
        "answered_at": saved.answered_at,
        "applied": applied,
        "correct": saved.correct,
    }
    if session.mode == SessionMode.PRACTICE:
        reply["key"] = [by_key[k] for k in _key_of(version, sub)]
        if sub is not None:
            reply["explanation"] = version.items[sub["index"]].get("explanation", "")
            reply["group_explanation"] = version.explanation
        else:
            reply["explanation"] = version.explanation
    return reply


@transaction.atomic
def session_answer(*, user, session_id, question: str, options: list[str]) -> dict:
    """Answer one question. Practice: graded at once, the reply has `correct`, the key (as option IDs) and
    the explanation, and the wrong-answer book follows; the first answer is final (a repeat returns it with
    `applied` false). Mock test: saved (replacing an earlier answer) without feedback until submission.
    Errors: 404 not the caller's session; 400 `unknown_question`, `not_an_option`, `single_choice_one_option`,
    `no_option`; 409 `session_closed`, `deadline_passed`."""
    session = selectors.session_get(user=user, session_id=session_id, for_update=True)
    if session.status != SessionStatus.IN_PROGRESS:
        raise Conflict(_("本次练习已结束。"), code="session_closed")
    now = timezone.now()
    if session.deadline is not None and now >= session.deadline:
        raise Conflict(_("模拟自测时间已到，不能再保存答案。"), code="deadline_passed")
    # a mock test's answer may be taken back (no option: unanswered); a practice answer is final
    target, keys = _checked_keys(session, question, options, allow_empty=session.mode == SessionMode.MOCK)
    item, sub = _locate(session.paper, question)
    version = selectors.versions_by_id([item["version"]])[item["version"]]
    answers = selectors.answers_of(session)
    saved = answers.get(question)
    if session.mode == SessionMode.MOCK:
        if saved is None:
            saved = PracticeAnswer.objects.create(
                session=session, item=question, choices=keys, answered_at=now
            )
        else:
            saved.choices, saved.answered_at = keys, now
            saved.save(update_fields=["choices", "answered_at"])
        return _answer_reply(session, item, sub, version, saved, applied=True)
    if saved is not None:
        return _answer_reply(session, item, sub, version, saved, applied=False)
    correct = _right(target["kind"], keys, _key_of(version, sub))
    saved = PracticeAnswer.objects.create(
        session=session, item=question, choices=keys, correct=correct, answered_at=now
    )
    if sub is not None:
        group = {s["id"] for s in item["subs"]}
        if any(a.correct is False for k, a in answers.items() if k in group):
            # the group is already in the book for this session; one wrong answer per group and session
            return _answer_reply(session, item, sub, version, saved, applied=True)
    chosen = {k: a.choices for k, a in answers.items()} | {question: keys}
    _book(
        physician_id=session.physician_id,
        item=item,
        version=version,
        answers=chosen,
        source=WrongSource.PRACTICE,
        at=now,
    )
    return _answer_reply(session, item, sub, version, saved, applied=True)


@transaction.atomic
def session_submit(*, user, session_id, request=None) -> PracticeSession:
    """End a session (idempotent). A mock test is graded by the exam rules (exams.services.grading with the
    blueprint's partial-credit rule; passed = score >= pass mark), also after its deadline (what was saved
    counts), and its wrong answers go into the book."""
    session = selectors.session_get(user=user, session_id=session_id, for_update=True)
    if session.status != SessionStatus.IN_PROGRESS:
        return session
    now = timezone.now()
    if session.mode == SessionMode.MOCK:
        saved = selectors.answers_of(session)
        answers = {k: a.choices for k, a in saved.items()}
        versions = selectors.versions_by_id(i["version"] for i in session.paper["items"])
        score, detail = grading.grade(
            paper=session.paper, versions=versions, answers=answers, partial=session.partial_credit
        )
        session.score = score
        session.passed = score >= Decimal(session.pass_mark)
        session.detail = {"points": detail, "answered": len(answers)}
        for item in session.paper["items"]:
            version = versions[item["version"]]
            for q in item["subs"] if item["kind"] == QuestionKind.CASE else [item]:
                if q["id"] in saved:
                    sub = q if q is not item else None
                    saved[q["id"]].correct = _right(q["kind"], answers[q["id"]], _key_of(version, sub))
            _book(
                physician_id=session.physician_id,
                item=item,
                version=version,
                answers=answers,
                source=WrongSource.MOCK,
                at=now,
            )
        PracticeAnswer.objects.bulk_update(saved.values(), ["correct"])
    session.status = SessionStatus.SUBMITTED
    session.submitted_at = now
    session.save()
    audit_record(
        action="practice.session_submitted",
        actor=user,
        request=request,
        organization_id=session.physician.organization_id,
        target=session,
        data={"mode": session.mode, "score": str(session.score or ""), "passed": session.passed},
    )
    return session


# --- exam attempts into the book ------------------------------------------------------------------------


@transaction.atomic
def exam_wrong_answers_collect(*, physician) -> int:
    """Put the wrong answers of the physician's graded exam attempts into the book, once per attempt and
    only when its sitting and every make-up sitting have closed (before that, the key is not the
    physician's to see). Right answers there clear earlier entries. Returns the attempts collected."""
    done = 0
    now = timezone.now()
    for attempt in selectors.exam_attempts_to_collect(physician=physician, now=now):
        try:
            with transaction.atomic():
                CollectedAttempt.objects.create(attempt=attempt, collected_at=now)
        except IntegrityError:
            continue  # collected by a concurrent request
        answers = selectors.exam_answers_of(attempt)
        versions = selectors.versions_by_id(i["version"] for i in attempt.paper["items"])
        for item in attempt.paper["items"]:
            _book(
                physician_id=physician.pk,
                item=item,
                version=versions[item["version"]],
                answers=answers,
                source=WrongSource.EXAM,
                at=attempt.submitted_at,
                attempt=attempt,
            )
        done += 1
    return done


def wrong_book_refresh(*, user) -> int:
    """Collect what graded exams may now add to the caller's book (called when the book is opened)."""
    return exam_wrong_answers_collect(physician=selectors.physician_for_user(user))


@transaction.atomic
def wrong_answer_remove(*, user, wrong_id) -> None:
    """The physician takes a question out of their book (it comes back with the next wrong answer)."""
    physician = selectors.physician_for_user(user)
    selectors.wrong_answer_get(physician=physician, wrong_id=wrong_id, for_update=True).delete()


# --- favourites ------------------------------------------------------------------------------------------


def favourite_add(*, user, question_id) -> tuple[Favourite, bool]:
    """Keep a practice question (idempotent: (favourite, created)). A question of an exam bank or out of the
    physician's reach is a 404."""
    physician = selectors.physician_for_user(user)
    question = selectors.practice_question_get(physician=physician, question_id=question_id)
    try:
        with transaction.atomic():
            return Favourite.objects.create(physician=physician, question=question), True
    except IntegrityError:
        return selectors.favourite_list(physician=physician).get(question_id=question.id), False


@transaction.atomic
def favourite_remove(*, user, favourite_id) -> None:
    physician = selectors.physician_for_user(user)
    selectors.favourite_get(physician=physician, favourite_id=favourite_id).delete()
