"""Hospital exams through the tenant API (/h/<slug>/api/v1/exams/...): the exam engine's staff views, owned by
the hospital of the slug. Nothing of another owner is visible: another hospital's or the province's bank,
sitting or attempt is a 404, and a supervising commission reads the hospital's exams, never its own."""

from datetime import timedelta

from django.utils import timezone
from exams.models import Blueprint, QuestionBank, Sitting

from audit.models import AuditEvent
from tests.conftest import login
from tests.exams.test_attempts import DEVICE, start

A = "/h/hosp-a/api/v1/exams"
B = "/h/hosp-b/api/v1/exams"


def ids(response) -> set[str]:
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


def b_exam(client_b):
    """Hospital B sets up its own exam through its tenant API: bank, question, blueprint, sitting."""
    bank = client_b.post(f"{B}/banks/", {"name": "乙院三基三严", "purpose": "exam"}, format="json")
    assert bank.status_code == 201, bank.content
    bank_id = bank.json()["id"]
    question = client_b.post(
        f"{B}/questions/",
        {
            "bank": bank_id,
            "kind": "single",
            "stem": "乙院题",
            "options": [{"key": k, "text": k} for k in "ABCD"],
            "answer": ["B"],
        },
        format="json",
    )
    assert question.status_code == 201, question.content
    blueprint = client_b.post(
        f"{B}/blueprints/",
        {
            "bank": bank_id,
            "name": "乙院方案",
            "rules": [{"kind": "single", "count": 1, "points": "10"}],
            "time_limit_minutes": 10,
            "pass_mark": "6",
        },
        format="json",
    )
    assert blueprint.status_code == 201, blueprint.content
    now = timezone.now()
    sitting = client_b.post(
        f"{B}/sittings/",
        {
            "blueprint": blueprint.json()["id"],
            "name": "乙院处方权考试",
            "opens_at": (now - timedelta(hours=1)).isoformat(),
            "closes_at": (now + timedelta(hours=1)).isoformat(),
        },
        format="json",
    )
    assert sitting.status_code == 201, sitting.content
    return bank_id, question.json()["id"], blueprint.json()["id"], sitting.json()["id"]


def test_a_hospital_runs_its_own_exam_through_its_tenant_api(world, db, practice):
    # when hospital B's administrator sets up an exam under B's slug
    bank_id, _question_id, blueprint_id, sitting_id = b_exam(login("admin_b"))
    # then B owns it
    assert QuestionBank.objects.get(pk=bank_id).owner_id == world.hospital_b.id
    assert Blueprint.objects.get(pk=blueprint_id).owner_id == world.hospital_b.id
    assert Sitting.objects.get(pk=sitting_id).owner_id == world.hospital_b.id
    # and hospital A lists its own banks there: the exam and practice banks, nothing of B or the province
    listing = ids(login("admin_a").get(f"{A}/banks/"))
    assert listing == {str(practice.exam.bank.id), str(practice.bank.id)}
    assert ids(login("admin_a").get(f"{A}/sittings/")) == {str(practice.exam.sitting.id)}


def test_hospital_a_cannot_see_or_touch_hospital_bs_exam(world, db, practice, doctor_b):
    # given B's exam with an attempt by B's physician
    client_b = login("admin_b")
    bank_id, question_id, blueprint_id, sitting_id = b_exam(client_b)
    doctor = login("doctor_b")
    attempt = start(doctor, Sitting.objects.get(pk=sitting_id))
    assert attempt.status_code == 201, attempt.content
    attempt_id = attempt.json()["attempt"]["id"]
    client_a = login("admin_a")
    audit_before = AuditEvent.objects.count()
    # when A reaches B's rows under A's own slug: every one is a 404
    for path in (
        f"{A}/banks/{bank_id}/",
        f"{A}/questions/{question_id}/",
        f"{A}/questions/{question_id}/versions/",
        f"{A}/blueprints/{blueprint_id}/",
        f"{A}/sittings/{sitting_id}/",
        f"{A}/attempts/{attempt_id}/",
    ):
        assert client_a.get(path).status_code == 404, path
    assert client_a.patch(f"{A}/banks/{bank_id}/", {"name": "改名"}, format="json").status_code == 404
    assert client_a.delete(f"{A}/questions/{question_id}/").status_code == 404
    response = client_a.patch(f"{A}/sittings/{sitting_id}/", {"name": "改名"}, format="json")
    assert response.status_code == 404
    response = client_a.post(
        f"{A}/sittings/{sitting_id}/makeups/", {"physician": str(world.physician_b.id)}, format="json"
    )
    assert response.status_code == 404
    response = client_a.post(
        f"{A}/blueprints/",
        {
            "bank": bank_id,
            "name": "借用乙院题库",
            "rules": [{"kind": "single", "count": 1, "points": "1"}],
            "time_limit_minutes": 5,
            "pass_mark": "1",
        },
        format="json",
    )
    assert response.status_code == 404
    # and A's lists show nothing of B
    assert str(attempt_id) not in ids(client_a.get(f"{A}/attempts/"))
    assert bank_id not in ids(client_a.get(f"{A}/banks/"))
    # and nothing changed
    assert QuestionBank.objects.get(pk=bank_id).name == "乙院三基三严"
    assert Sitting.objects.get(pk=sitting_id).name == "乙院处方权考试"
    assert AuditEvent.objects.count() == audit_before
    # B's slug is not A's to use at all
    assert client_a.get(f"{B}/banks/").status_code == 404
    assert client_a.get(f"{B}/attempts/{attempt_id}/").status_code == 404
    # while B sees its own attempt
    assert attempt_id in ids(client_b.get(f"{B}/attempts/"))


def test_the_provinces_exam_bank_is_not_visible_through_a_hospitals_api(world, db, practice):
    client_a = login("admin_a")
    province_bank = practice.province_exam_bank
    assert client_a.get(f"{A}/banks/{province_bank.id}/").status_code == 404
    assert client_a.get(f"{A}/questions/{practice.province_exam_q.id}/").status_code == 404
    assert str(province_bank.id) not in ids(client_a.get(f"{A}/banks/"))
    assert str(practice.province_exam_q.id) not in ids(client_a.get(f"{A}/questions/"))
    # a hospital cannot draw a blueprint from it
    response = client_a.post(
        f"{A}/blueprints/",
        {
            "bank": str(province_bank.id),
            "name": "借用省题库",
            "rules": [{"kind": "single", "count": 1, "points": "1"}],
            "time_limit_minutes": 5,
            "pass_mark": "1",
        },
        format="json",
    )
    assert response.status_code == 404


def test_a_supervising_commission_reads_the_hospitals_exams_not_its_own_and_cannot_write(world, db, practice):
    # given the province administrator (supervisory over hospital A, with the exam codes)
    client = login("province_admin")
    # on the public API it sees the province's banks
    assert str(practice.province_exam_bank.id) in ids(client.get("/api/v1/exams/banks/"))
    before = AuditEvent.objects.filter(action="supervision.read").count()
    # when it reads hospital A's exams under A's slug
    listing = ids(client.get(f"{A}/banks/"))
    # then it sees A's banks, never the province's own, and the read is audited
    assert listing == {str(practice.exam.bank.id), str(practice.bank.id)}
    assert client.get(f"{A}/banks/{practice.province_exam_bank.id}/").status_code == 404
    assert AuditEvent.objects.filter(action="supervision.read").count() == before + 2
    # and it cannot write there
    banks_before = QuestionBank.objects.count()
    response = client.post(f"{A}/banks/", {"name": "省里建的", "purpose": "exam"}, format="json")
    assert response.status_code == 403
    assert response.json()["errors"][0]["code"] == "read_only_supervision"
    assert QuestionBank.objects.count() == banks_before


def test_tenant_exam_routes_need_the_exam_permission(world, db, practice):
    from rest_framework.test import APIClient

    assert APIClient().get(f"{A}/banks/").status_code == 401
    assert login("doctor_a").get(f"{A}/banks/").status_code == 403
    assert login("nobody").get(f"{A}/banks/").status_code == 404
    assert login("admin_b").get(f"{A}/banks/").status_code == 404
    assert login("city_x_admin").get(f"{A}/banks/").status_code == 403  # supervises A, no exam codes


def test_a_hospitals_own_sitting_reaches_its_physician(world, db, practice):
    # a sitting hospital A created through its tenant API is listed for A's physician
    client_a = login("admin_a")
    now = timezone.now()
    sitting = client_a.post(
        f"{A}/sittings/",
        {
            "blueprint": str(practice.exam.blueprint.id),
            "name": "处方权考试",
            "opens_at": (now - timedelta(minutes=5)).isoformat(),
            "closes_at": (now + timedelta(hours=1)).isoformat(),
        },
        format="json",
    )
    assert sitting.status_code == 201, sitting.content
    listed = login("doctor_a").get("/api/v1/me/exams/sittings/").json()["results"]
    assert sitting.json()["id"] in {s["id"] for s in listed}
    assert start(login("doctor_a"), Sitting.objects.get(pk=sitting.json()["id"]), DEVICE).status_code == 201
