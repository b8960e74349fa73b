"""Staff endpoints of the question bank: scoping by owner, versions, bad input."""

from exams.models import Question, QuestionBank, QuestionVersion

from tests.conftest import login
from tests.exams.conftest import single


def test_bank_routes_authorization_matrix(world, db, exam):
    # anonymous, no organisation, a physician (no exam permission)
    from rest_framework.test import APIClient

    assert APIClient().get("/api/v1/exams/banks/").status_code == 401
    assert login("nobody").get("/api/v1/exams/banks/").status_code == 403
    assert login("doctor_a").post("/api/v1/exams/banks/", {"name": "x"}, format="json").status_code == 403
    # the owner sees its bank with its question count
    listing = login("admin_a").get("/api/v1/exams/banks/").json()
    assert [(b["id"], b["question_count"]) for b in listing["results"]] == [(str(exam.bank.id), 7)]
    # another hospital sees nothing of it and cannot touch it
    client_b = login("admin_b")
    assert client_b.get("/api/v1/exams/banks/").json()["count"] == 0
    assert client_b.get(f"/api/v1/exams/banks/{exam.bank.id}/").status_code == 404
    response = client_b.patch(f"/api/v1/exams/banks/{exam.bank.id}/", {"name": "改名"}, format="json")
    assert response.status_code == 404
    assert client_b.delete(f"/api/v1/exams/questions/{exam.questions['s0'].id}/").status_code == 404
    assert client_b.get(f"/api/v1/exams/sittings/{exam.sitting.id}/").status_code == 404
    assert client_b.get(f"/api/v1/exams/blueprints/{exam.blueprint.id}/").status_code == 404
    exam.bank.refresh_from_db()
    assert exam.bank.name == "三基三严题库"
    assert Question.objects.get(pk=exam.questions["s0"].id).deleted_at is None


def test_a_question_into_someone_elses_bank_is_not_found(world, db, exam):
    response = login("admin_b").post(
        "/api/v1/exams/questions/",
        {"bank": str(exam.bank.id), "kind": "single", **single("题")},
        format="json",
    )
    assert response.status_code == 404
    assert Question.objects.filter(bank=exam.bank).count() == 7


def test_bad_questions_are_refused_with_the_field(world, db, exam):
    client = login("admin_a")
    cases = [
        ({**single("题"), "answer": ["E"]}, "single", "answer_not_an_option"),
        ({**single("题"), "answer": ["A", "B"]}, "single", "single_needs_one_answer"),
        ({**single("题"), "options": [{"key": "A", "text": "唯一"}]}, "single", "invalid_options"),
        ({"stem": "病例", "items": [{"kind": "case", "stem": "x"}]}, "case", "invalid_case_items"),
    ]
    for body, kind, code in cases:
        response = client.post(
            "/api/v1/exams/questions/", {"bank": str(exam.bank.id), "kind": kind, **body}, format="json"
        )
        assert response.status_code == 400, body
        assert response.json()["errors"][0]["code"] == code
    assert Question.objects.filter(bank=exam.bank).count() == 7


def test_editing_the_content_makes_a_new_version_and_keeps_the_old(world, db, exam):
    # given a question
    client = login("admin_a")
    question = exam.questions["s0"]
    first = question.current_id
    # when its stem and answer change
    response = client.patch(
        f"/api/v1/exams/questions/{question.id}/", {"stem": "新题干", "answer": ["C"]}, format="json"
    )
    # then a new version is current and the old one is unchanged
    assert response.status_code == 200
    assert response.json()["current"]["number"] == 2
    assert response.json()["current"]["answer"] == ["C"]
    old = QuestionVersion.objects.get(pk=first)
    assert (old.stem, old.answer) == ("单选0", ["A"])
    versions = client.get(f"/api/v1/exams/questions/{question.id}/versions/").json()
    assert [v["number"] for v in versions["results"]] == [2, 1]
    # and a classification change alone makes no version
    client.patch(
        f"/api/v1/exams/questions/{question.id}/", {"difficulty": 3, "tags": ["心电图"]}, format="json"
    )
    assert QuestionVersion.objects.filter(question=question).count() == 2


def test_question_list_filters(world, db, exam):
    client = login("admin_a")
    body = client.get("/api/v1/exams/questions/", {"kind": "case"}).json()
    assert [q["id"] for q in body["results"]] == [str(exam.questions["c0"].id)]
    body = client.get("/api/v1/exams/questions/", {"practice_category": "dental"}).json()
    assert body["count"] == 1
    assert client.get("/api/v1/exams/questions/", {"kind": "essay"}).status_code == 400


def test_a_blueprint_with_a_pass_mark_above_the_total_is_refused(world, db, exam):
    response = login("admin_a").post(
        "/api/v1/exams/blueprints/",
        {
            "bank": str(exam.bank.id),
            "name": "方案",
            "rules": [{"kind": "single", "count": 2, "points": "1"}],
            "time_limit_minutes": 10,
            "pass_mark": "3",
        },
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["code"] == "invalid_pass_mark"


def test_a_bank_with_questions_cannot_be_deleted(world, db, exam):
    response = login("admin_a").delete(f"/api/v1/exams/banks/{exam.bank.id}/")
    assert response.status_code == 409
    assert QuestionBank.objects.filter(pk=exam.bank.id).exists()
