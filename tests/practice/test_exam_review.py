"""An exam's key and explanations reach the physician only after its sitting and every make-up sitting have
closed: the exam engine's own review (GET /me/exams/attempts/<id>/, not repeated by 学习), and the
wrong-answer book, which takes an exam's wrong answers only then. Also `practice.selectors.passed_exam`."""

import json
from datetime import timedelta

from django.utils import timezone
from exams.models import Attempt, Sitting
from exams.services import papers
from practice.models import CollectedAttempt, WrongAnswer
from practice.selectors import passed_exam

from tests.conftest import login
from tests.exams.test_attempts import DEVICE, answerable, right_options, save, start

WRONG = "/api/v1/me/practice/wrong-answers/"


def sit_exam(client, sitting, *, all_right: bool) -> str:
    """Start, answer (all right, or the first single choice wrong and the rest right), submit."""
    paper = start(client, sitting).json()
    attempt_id = paper["attempt"]["id"]
    right = right_options(Attempt.objects.get(pk=attempt_id))
    for n, (q, options, _kind) in enumerate(answerable(paper)):
        chosen = right[q] if all_right or n > 0 else [o for o in options if o not in right[q]][:1]
        assert save(client, attempt_id, q, chosen, seq=n + 1).status_code == 200
    assert client.post(f"/api/v1/me/exams/attempts/{attempt_id}/submit/", **DEVICE).status_code == 200
    return attempt_id


def close(sitting) -> None:
    Sitting.objects.filter(pk=sitting.pk).update(closes_at=timezone.now() - timedelta(minutes=1))


def test_exam_review_is_refused_until_the_sitting_and_its_makeup_close(world, db, practice):
    # given a make-up sitting of the exam, open later
    exam = practice.exam
    now = timezone.now()
    makeup = papers.sitting_create(
        actor=exam.actor,
        user=world.admin_a,
        blueprint_id=exam.blueprint.id,
        name="2025年三基考试（补考）",
        opens_at=now + timedelta(hours=3),
        closes_at=now + timedelta(hours=5),
        makeup_of_id=exam.sitting.id,
    )
    client = login("doctor_a")
    attempt_id = sit_exam(client, exam.sitting, all_right=False)
    review = f"/api/v1/me/exams/attempts/{attempt_id}/"

    # while the sitting is open: the score, no key, no explanation; the book has no exam question
    body = client.get(review).json()
    assert body["revealed"] is False
    assert body["attempt"]["score"] == "14.00"
    assert '"key"' not in json.dumps(body)
    assert "解析" not in json.dumps(body, ensure_ascii=False)
    assert client.get(WRONG, {"source": "exam"}).json()["count"] == 0

    # the sitting closes but its make-up is still to come: still refused
    close(exam.sitting)
    body = client.get(review).json()
    assert body["revealed"] is False
    assert '"key"' not in json.dumps(body)
    assert client.get(WRONG, {"source": "exam"}).json()["count"] == 0
    assert not CollectedAttempt.objects.filter(attempt_id=attempt_id).exists()

    # the make-up closes too: the key and explanations are shown
    close(makeup)
    body = client.get(review).json()
    assert body["revealed"] is True
    assert body["items"][0]["key"]
    assert "解析" in body["items"][0]["explanation"]
    # and the exam's wrong answer is in the book, once, without the exam question's own ID
    book = client.get(WRONG, {"source": "exam"}).json()
    assert book["count"] == 1
    entry = book["results"][0]
    assert entry["attempt"] == attempt_id
    assert entry["question"] is None
    assert entry["content"]["key"] == ["A"]
    assert entry["content"]["chosen"] != ["A"]
    assert client.get(WRONG, {"source": "exam"}).json()["count"] == 1
    assert WrongAnswer.objects.get(pk=entry["id"]).wrong_count == 1


def test_a_later_right_exam_answer_clears_an_earlier_wrong_one(world, db, practice):
    # given a wrong exam answer in the book (the sitting has closed)
    exam = practice.exam
    client = login("doctor_a")
    first = sit_exam(client, exam.sitting, all_right=False)
    close(exam.sitting)
    entry = client.get(WRONG).json()["results"][0]
    wrong_question = WrongAnswer.objects.get(pk=entry["id"]).question_id
    # when a later sitting of the same exam asks it again and it is answered right
    now = timezone.now()
    later = papers.sitting_create(
        actor=exam.actor,
        user=world.admin_a,
        blueprint_id=exam.blueprint.id,
        name="2026年三基考试",
        opens_at=now - timedelta(minutes=5),
        closes_at=now + timedelta(hours=1),
    )
    second = sit_exam(client, later, all_right=True)
    assert str(wrong_question) in {i["question"] for i in Attempt.objects.get(pk=second).paper["items"]}
    close(later)
    client.get(WRONG)
    # then the entry is cleared (the blueprint draws all three singles, so the question was asked again)
    assert WrongAnswer.objects.get(pk=entry["id"]).cleared_at is not None
    assert client.get(WRONG).json()["count"] == 0
    assert [e["attempt"] for e in client.get(WRONG, {"status": "cleared"}).json()["results"]] == [first]


def test_passed_exam_for_credentialing(world, db, practice):
    exam = practice.exam
    code = str(exam.blueprint.id)
    physician = world.physician_a
    # nothing yet
    assert passed_exam(physician.id, owner_id=world.hospital_a.id, exam_code=code) is False
    # a passed attempt (16 of 16)
    sit_exam(login("doctor_a"), exam.sitting, all_right=True)
    assert passed_exam(physician.id, owner_id=world.hospital_a.id, exam_code=code) is True
    # another owner, another exam, a malformed code: no
    assert passed_exam(physician.id, owner_id=world.hospital_b.id, exam_code=code) is False
    assert (
        passed_exam(physician.id, owner_id=world.hospital_a.id, exam_code=str(world.hospital_a.id)) is False
    )
    assert passed_exam(physician.id, owner_id=world.hospital_a.id, exam_code="三基三严") is False
    assert passed_exam(world.physician_b.id, owner_id=world.hospital_a.id, exam_code=code) is False


def test_a_failed_attempt_is_not_a_pass(world, db, practice):
    exam = practice.exam
    exam.blueprint.pass_mark = 15
    exam.blueprint.save(update_fields=["pass_mark"])
    sit_exam(login("doctor_a"), exam.sitting, all_right=False)  # 14 of 16
    assert (
        passed_exam(world.physician_a.id, owner_id=world.hospital_a.id, exam_code=str(exam.blueprint.id))
        is False
    )


def test_a_voided_attempt_does_not_count_for_passed_exam(world, db, practice):
    from exams.services.voiding import attempt_unvoid, attempt_void

    from tests.exams.conftest import actor_of

    # given a passed attempt
    exam = practice.exam
    code = str(exam.blueprint.id)
    attempt_id = sit_exam(login("doctor_a"), exam.sitting, all_right=True)
    assert passed_exam(world.physician_a.id, owner_id=world.hospital_a.id, exam_code=code) is True
    # when it is voided (a confirmed cheating verdict): it no longer counts
    attempt_void(
        attempt_id=attempt_id,
        actor=actor_of(world.admin_a, world.hospital_a),
        user=world.admin_a,
        reason="替考",
    )
    assert passed_exam(world.physician_a.id, owner_id=world.hospital_a.id, exam_code=code) is False
    # and it does not feed the wrong-answer book while void
    close(exam.sitting)
    assert login("doctor_a").get(WRONG).status_code == 200
    assert not CollectedAttempt.objects.filter(attempt_id=attempt_id).exists()
    # when the void is lifted (an overturned appeal): it counts again
    attempt_unvoid(attempt_id=attempt_id, user=world.admin_a)
    assert passed_exam(world.physician_a.id, owner_id=world.hospital_a.id, exam_code=code) is True
