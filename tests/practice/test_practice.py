"""学习: practice by category from practice banks only, instant feedback, mock tests graded by the exam rules,
the wrong-answer book and favourites, each the physician's own."""

import json
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from exams.models import Question
from practice.models import Favourite, PracticeSession, WrongAnswer
from rest_framework.test import APIClient

from audit.models import AuditEvent
from tests.conftest import login
from tests.practice.conftest import keys_in_session

SESSIONS = "/api/v1/me/practice/sessions/"
WRONG = "/api/v1/me/practice/wrong-answers/"
FAVOURITES = "/api/v1/me/practice/favourites/"


def start(client, **body):
    return client.post(SESSIONS, {"mode": "practice", **body}, format="json")


def answer(client, session_id, question, options):
    return client.put(
        f"{SESSIONS}{session_id}/answers/", {"question": question, "options": options}, format="json"
    )


def drawn_question_ids(session_id) -> set[str]:
    return {i["question"] for i in PracticeSession.objects.get(pk=session_id).paper["items"]}


def test_practice_routes_authorization_matrix(world, db, practice):
    # anonymous: 401; staff without the self-service code: 403; no session was started
    assert APIClient().get(SESSIONS).status_code == 401
    assert APIClient().post(SESSIONS, {"mode": "practice"}, format="json").status_code == 401
    for path in (SESSIONS, WRONG, FAVOURITES, "/api/v1/me/practice/banks/"):
        assert login("admin_a").get(path).status_code == 403
    assert start(login("admin_a")).status_code == 403
    assert PracticeSession.objects.count() == 0
    # the physician: 201
    assert start(login("doctor_a")).status_code == 201


def test_practice_draws_from_practice_banks_only_never_from_an_exam_bank(world, db, practice):
    # given exam banks of the hospital (7 questions) and of the province (1), practice banks of both
    client = login("doctor_a")
    exam_ids = {str(q.id) for q in practice.exam.questions.values()} | {str(practice.province_exam_q.id)}
    # when the physician practises everything they may, several times
    drawn = set()
    for _ in range(3):
        response = start(client, count=100)
        assert response.status_code == 201, response.content
        drawn |= drawn_question_ids(response.json()["session"]["id"])
    # then only practice questions of their category: the hospital's and the province's practice banks
    expected = {str(q.id) for k, q in practice.questions.items() if k != "ps_dental"}
    assert drawn == expected | {str(practice.province_practice_q.id)}
    assert drawn.isdisjoint(exam_ids)
    # and naming an exam bank as the source is a 404, as is another hospital's practice bank
    assert start(client, bank=str(practice.exam.bank.id)).status_code == 404
    assert start(client, bank=str(practice.province_exam_bank.id)).status_code == 404
    # a mock test of the sitting draws from the practice bank too
    mock = client.post(SESSIONS, {"mode": "mock", "sitting": str(practice.exam.sitting.id)}, format="json")
    assert mock.status_code == 201, mock.content
    assert drawn_question_ids(mock.json()["session"]["id"]).isdisjoint(exam_ids)


def test_practice_by_category_and_difficulty(world, db, practice):
    client = login("doctor_a")
    # the categories offered, with counts of the physician's category
    categories = client.get("/api/v1/me/practice/categories/", {"bank": str(practice.bank.id)}).json()
    assert {(c["specialty"], c["count"]) for c in categories["results"]} == {("内科", 8), ("外科", 1)}
    banks = client.get("/api/v1/me/practice/banks/").json()["results"]
    assert {b["name"] for b in banks} == {"三基练习题库", "省练习题库"}
    # 内科, hard: the one hard single
    response = start(client, specialty="内科", difficulty=3, count=10)
    assert drawn_question_ids(response.json()["session"]["id"]) == {str(practice.questions["ps2"].id)}
    # 外科 single choice from the hospital's bank
    response = start(client, specialty="外科", kind="single", bank=str(practice.bank.id))
    assert drawn_question_ids(response.json()["session"]["id"]) == {str(practice.questions["ps_surgery"].id)}
    # nothing matches: 409, nothing started
    before = PracticeSession.objects.count()
    response = start(client, specialty="儿科")
    assert response.status_code == 409
    assert response.json()["errors"][0]["code"] == "no_questions"
    assert start(client, count=0).json()["errors"][0]["code"] == "invalid_count"
    assert PracticeSession.objects.count() == before


def test_practice_shows_right_or_wrong_and_the_explanation_after_each_answer(world, db, practice):
    client = login("doctor_a")
    paper = start(client, specialty="外科").json()
    session_id = paper["session"]["id"]
    item = paper["items"][0]
    # before answering: no key, no explanation
    text = json.dumps(paper, ensure_ascii=False)
    assert '"key"' not in text
    assert "解析" not in text
    right, wrong = keys_in_session(PracticeSession.objects.get(pk=session_id).paper)[item["id"]]
    # when answered wrong
    reply = answer(client, session_id, item["id"], wrong[:1])
    # then at once: wrong, the key, the explanation
    assert reply.status_code == 200, reply.content
    body = reply.json()
    assert body["correct"] is False
    assert body["key"] == right
    assert body["explanation"] == "练习外科单选的解析"
    assert body["applied"] is True
    # the first answer is final: answering again returns it
    again = answer(client, session_id, item["id"], right).json()
    assert (again["correct"], again["applied"], again["options"]) == (False, False, wrong[:1])
    # the session now shows the key of the answered question
    shown = client.get(f"{SESSIONS}{session_id}/").json()["items"][0]
    assert shown["key"] == right
    assert shown["correct"] is False
    # bad input
    assert answer(client, session_id, "nope", right).json()["errors"][0]["code"] == "unknown_question"
    assert answer(client, session_id, item["id"], ["x"]).json()["errors"][0]["code"] == "not_an_option"
    assert answer(client, session_id, item["id"], []).json()["errors"][0]["code"] == "no_option"


def test_a_case_group_gives_feedback_per_sub_question(world, db, practice):
    client = login("doctor_a")
    paper = start(client, kind="case", count=1).json()
    session_id = paper["session"]["id"]
    group = paper["items"][0]
    keys = keys_in_session(PracticeSession.objects.get(pk=session_id).paper)
    first, second = group["subs"]
    reply = answer(client, session_id, first["id"], keys[first["id"]][0]).json()
    assert reply["correct"] is True
    assert reply["explanation"].endswith("小题1的解析")
    assert reply["group_explanation"] == "病例解析"
    # one sub-question right, one not yet answered: not in the book
    assert not WrongAnswer.objects.filter(question_id=group["question_id"]).exists()
    reply = answer(client, session_id, second["id"], keys[second["id"]][1][:1]).json()
    assert reply["correct"] is False
    entry = WrongAnswer.objects.get(question_id=group["question_id"])
    assert entry.source == "practice"
    assert set(entry.choices) == {"0", "1"}


def test_the_wrong_answer_book_is_filled_by_wrong_answers_and_cleared_by_a_later_right_one(
    world, db, practice
):
    client = login("doctor_a")
    # given a wrong answer in practice
    paper = start(client, specialty="外科").json()
    session_id, item = paper["session"]["id"], paper["items"][0]
    right, wrong = keys_in_session(PracticeSession.objects.get(pk=session_id).paper)[item["id"]]
    answer(client, session_id, item["id"], wrong[:1])
    # then the book has it, with the key, the explanation and what was chosen
    book = client.get(WRONG).json()
    assert book["count"] == 1
    entry = book["results"][0]
    assert entry["question"] == str(practice.questions["ps_surgery"].id)
    assert entry["source"] == "practice"
    assert entry["wrong_count"] == 1
    assert entry["content"]["explanation"] == "练习外科单选的解析"
    assert entry["content"]["key"] == ["A"]
    assert entry["content"]["chosen"] != ["A"]
    # filtered by category
    assert client.get(WRONG, {"specialty": "内科"}).json()["count"] == 0
    assert client.get(WRONG, {"specialty": "外科", "kind": "single"}).json()["count"] == 1
    # when the physician practises their wrong answers and now answers right
    redo = start(client, source="wrong_book").json()
    redo_id = redo["session"]["id"]
    assert drawn_question_ids(redo_id) == {str(practice.questions["ps_surgery"].id)}
    q = redo["items"][0]["id"]
    right = keys_in_session(PracticeSession.objects.get(pk=redo_id).paper)[q][0]
    assert answer(client, redo_id, q, right).json()["correct"] is True
    # then it leaves the open book and is listed as cleared
    assert client.get(WRONG).json()["count"] == 0
    cleared = client.get(WRONG, {"status": "cleared"}).json()["results"]
    assert [c["id"] for c in cleared] == [entry["id"]]
    assert start(client, source="wrong_book").json()["errors"][0]["code"] == "no_questions"
    # and a later wrong answer reopens it
    again = start(client, specialty="外科").json()
    again_id = again["session"]["id"]
    q = again["items"][0]["id"]
    answer(client, again_id, q, keys_in_session(PracticeSession.objects.get(pk=again_id).paper)[q][1][:1])
    assert client.get(WRONG).json()["results"][0]["wrong_count"] == 2


def test_a_mock_test_takes_the_blueprints_shape_and_is_graded_by_the_exam_rules(world, db, practice):
    client = login("doctor_a")
    sitting = practice.exam.sitting
    # when a mock test of the sitting is started
    response = client.post(SESSIONS, {"mode": "mock", "sitting": str(sitting.id)}, format="json")
    assert response.status_code == 201, response.content
    paper = response.json()
    session = PracticeSession.objects.get(pk=paper["session"]["id"])
    # then the blueprint's shape: kinds and counts, points, pass mark, time limit
    assert [i["kind"] for i in paper["items"]] == ["single"] * 3 + ["multiple"] * 2 + ["case"]
    assert [i["points"] for i in paper["items"]] == ["2", "2", "2", "3", "3", "4"]
    assert paper["session"]["max_score"] == "16.00"
    assert paper["session"]["pass_mark"] == "10.00"
    assert 29 * 60 < paper["remaining_seconds"] <= 30 * 60
    # drawn from the practice bank
    assert drawn_question_ids(session.id) <= {str(q.id) for q in practice.questions.values()}
    # answers are saved without feedback
    keys = keys_in_session(session.paper)
    items = paper["items"]
    for item in items[:3]:  # singles right: 6
        reply = answer(client, session.id, item["id"], keys[item["id"]][0]).json()
        assert reply["correct"] is None
        assert "key" not in reply
    answer(client, session.id, items[3]["id"], keys[items[3]["id"]][1][:1])  # changed below
    assert answer(client, session.id, items[3]["id"], []).json()["options"] == []  # taken back
    answer(client, session.id, items[3]["id"], keys[items[3]["id"]][0])  # multiple right: 3
    answer(client, session.id, items[4]["id"], keys[items[4]["id"]][0][:1])  # subset, exact rule: 0
    first, second = items[5]["subs"]
    answer(client, session.id, first["id"], keys[first["id"]][0])  # case: 4 x 1/2 = 2
    answer(client, session.id, second["id"], keys[second["id"]][1][:1])
    assert '"key"' not in json.dumps(client.get(f"{SESSIONS}{session.id}/").json())
    # when submitted (twice: idempotent)
    done = client.post(f"{SESSIONS}{session.id}/submit/")
    again = client.post(f"{SESSIONS}{session.id}/submit/")
    # then graded like the exam: 11 of 16, passed (pass mark 10), keys and explanations shown
    assert done.status_code == 200, done.content
    result = done.json()
    assert result["session"]["score"] == "11.00"
    assert result["session"]["passed"] is True
    assert again.json()["session"] == result["session"]
    assert result["items"][0]["key"] == keys[items[0]["id"]][0]
    assert result["items"][0]["score"] == "2.00"
    assert "解析" in result["items"][5]["explanation"]
    assert (
        AuditEvent.objects.filter(action="practice.session_submitted", target_id=str(session.id)).count() == 1
    )
    # the wrong answers went into the book (the multiple with a missing option, the case group)
    wrong = WrongAnswer.objects.filter(physician=world.physician_a, source="mock")
    assert {str(w.question_id) for w in wrong} == {items[4]["question_id"], items[5]["question_id"]}
    # and no more answers
    closed = answer(client, session.id, items[0]["id"], keys[items[0]["id"]][0])
    assert closed.status_code == 409
    assert closed.json()["errors"][0]["code"] == "session_closed"


def test_a_mock_test_is_refused_when_the_practice_bank_cannot_fill_the_blueprint(world, db, practice):
    # given a blueprint asking for more single choice questions than the practice bank has
    practice.exam.blueprint.rules[0]["count"] = 5
    practice.exam.blueprint.save(update_fields=["rules"])
    response = login("doctor_a").post(
        SESSIONS, {"mode": "mock", "sitting": str(practice.exam.sitting.id)}, format="json"
    )
    assert response.status_code == 409
    assert response.json()["errors"][0] == {
        "code": "insufficient_questions",
        "detail": "练习题库中符合该考试组卷规则的题目不足，暂不能模拟自测。",
        "attr": "rules.0",
    }
    assert PracticeSession.objects.count() == 0


def test_a_mock_test_after_its_deadline_takes_no_answer_and_grades_what_was_saved(world, db, practice):
    client = login("doctor_a")
    paper = client.post(SESSIONS, {"mode": "mock", "sitting": str(practice.exam.sitting.id)}, format="json")
    session = PracticeSession.objects.get(pk=paper.json()["session"]["id"])
    keys = keys_in_session(session.paper)
    first = paper.json()["items"][0]["id"]
    answer(client, session.id, first, keys[first][0])
    session.deadline = timezone.now() - timedelta(seconds=1)
    session.save(update_fields=["deadline"])
    late = answer(client, session.id, paper.json()["items"][1]["id"], keys[first][0])
    assert late.status_code == 409
    assert late.json()["errors"][0]["code"] == "deadline_passed"
    assert client.post(f"{SESSIONS}{session.id}/submit/").json()["session"]["score"] == "2.00"


def test_a_mock_test_of_a_sitting_out_of_reach_is_not_found(world, db, practice, doctor_b):
    # physician B (hospital B) cannot take or mock hospital A's sitting
    response = login("doctor_b").post(
        SESSIONS, {"mode": "mock", "sitting": str(practice.exam.sitting.id)}, format="json"
    )
    assert response.status_code == 404
    # and a mock test needs a sitting
    response = login("doctor_a").post(SESSIONS, {"mode": "mock"}, format="json")
    assert response.json()["errors"][0]["code"] == "sitting_required"


def test_sessions_wrong_answers_and_favourites_are_the_physicians_own(world, db, practice, doctor_b):
    # given doctor_a's session, wrong answer and favourite
    client = login("doctor_a")
    paper = start(client, specialty="外科").json()
    session_id, item = paper["session"]["id"], paper["items"][0]
    answer(
        client,
        session_id,
        item["id"],
        keys_in_session(PracticeSession.objects.get(pk=session_id).paper)[item["id"]][1][:1],
    )
    wrong_id = client.get(WRONG).json()["results"][0]["id"]
    favourite_id = client.post(FAVOURITES, {"question": item["question_id"]}, format="json").json()["id"]
    # when physician B uses their IDs: 404 for every route and method, nothing changes
    other = login("doctor_b")
    before = (PracticeSession.objects.count(), WrongAnswer.objects.count(), Favourite.objects.count())
    assert other.get(f"{SESSIONS}{session_id}/").status_code == 404
    assert answer(other, session_id, item["id"], ["x"]).status_code == 404
    assert other.post(f"{SESSIONS}{session_id}/submit/").status_code == 404
    assert other.get(f"{WRONG}{wrong_id}/").status_code == 404
    assert other.delete(f"{WRONG}{wrong_id}/").status_code == 404
    assert other.get(f"{FAVOURITES}{favourite_id}/").status_code == 404
    assert other.delete(f"{FAVOURITES}{favourite_id}/").status_code == 404
    assert other.get(SESSIONS).json()["count"] == 0
    assert other.get(WRONG).json()["count"] == 0
    assert other.get(FAVOURITES).json()["count"] == 0
    assert (PracticeSession.objects.count(), WrongAnswer.objects.count(), Favourite.objects.count()) == before
    assert PracticeSession.objects.get(pk=session_id).status == "in_progress"
    # and hospital A's practice questions are not B's to keep
    assert other.post(FAVOURITES, {"question": item["question_id"]}, format="json").status_code == 404


def test_favourites_add_list_filter_and_remove(world, db, practice):
    client = login("doctor_a")
    surgery = practice.questions["ps_surgery"]
    medicine = practice.questions["pm0"]
    # add (201), again (200, the same)
    first = client.post(FAVOURITES, {"question": str(surgery.id)}, format="json")
    assert first.status_code == 201, first.content
    again = client.post(FAVOURITES, {"question": str(surgery.id)}, format="json")
    assert again.status_code == 200
    assert again.json()["id"] == first.json()["id"]
    client.post(FAVOURITES, {"question": str(medicine.id)}, format="json")
    # an exam question cannot be kept (the exam bank is not practice material)
    exam_q = practice.exam.questions["s0"]
    assert client.post(FAVOURITES, {"question": str(exam_q.id)}, format="json").status_code == 404
    # list, paginated and filtered by category, with the key and explanation
    listing = client.get(FAVOURITES, {"page_size": 1})
    assert listing.json()["count"] == 2
    assert len(listing.json()["results"]) == 1
    only = client.get(FAVOURITES, {"specialty": "外科"}).json()["results"]
    assert [f["question"] for f in only] == [str(surgery.id)]
    assert only[0]["content"]["explanation"] == "练习外科单选的解析"
    assert [f["question"] for f in client.get(FAVOURITES, {"kind": "multiple"}).json()["results"]] == [
        str(medicine.id)
    ]
    # practise the favourites
    redo = start(client, source="favourites", count=5)
    assert drawn_question_ids(redo.json()["session"]["id"]) == {str(surgery.id), str(medicine.id)}
    # remove
    assert client.delete(f"{FAVOURITES}{first.json()['id']}/").status_code == 204
    assert client.get(f"{FAVOURITES}{first.json()['id']}/").status_code == 404
    assert client.get(FAVOURITES).json()["count"] == 1


def test_a_deleted_practice_question_is_no_longer_drawn(world, db, practice):
    Question.objects.filter(pk=practice.questions["ps_surgery"].pk).update(deleted_at=timezone.now())
    response = start(login("doctor_a"), specialty="外科")
    assert response.status_code == 409


@pytest.mark.parametrize("count", [1, 100])
def test_count_bounds(world, db, practice, count):
    assert start(login("doctor_a"), count=count).status_code == 201


def test_max_score_of_practice_is_the_number_of_questions(world, db, practice):
    body = start(login("doctor_a"), count=3).json()
    assert Decimal(body["session"]["max_score"]) == 3
