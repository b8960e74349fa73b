"""The enrolled: query within reach, view with history, export, withdraw, delete, reset a password."""

import io
import uuid

import pytest
from assessment.models import Enrolment, EnrolmentHistory
from openpyxl import load_workbook

from accounts.models import User
from audit.models import AuditEvent
from core import storage
from jobs.services import job_run_now
from physicians.models import Physician
from tests.assessment.conftest import enrol
from tests.assessment.enrolment.conftest import make_physician
from tests.conftest import login

pytestmark = pytest.mark.django_db


def ids(response) -> set[str]:
    assert response.status_code == 200, response.content
    return {r["id"] for r in response.json()["results"]}


# --- the list and the detail, by reach -----------------------------------------------------------------


def test_the_list_answers_401_and_403(world, cycle, enrolment_a):
    anonymous = login("admin_a")
    anonymous.credentials()

    assert anonymous.get("/api/v1/enrolments/").status_code == 401
    assert login("doctor_a").get("/api/v1/enrolments/").status_code == 403
    assert login("nobody").get("/api/v1/enrolments/").status_code == 403


def test_each_side_lists_what_it_reaches(world, cycle, enrolment_a, enrolment_b, dept_a2, head_a, body_x):
    # given a second enrolment of hospital A in another department, made under body X's assignment
    other_dept = enrol(
        cycle,
        make_physician("赵医生", world.hospital_a, seq=102, department=dept_a2),
        by=world.admin_a,
        assessment_body=body_x,
    )

    # then each reads its own reach
    assert ids(login("admin_a").get("/api/v1/enrolments/")) == {str(enrolment_a.pk), str(other_dept.pk)}
    assert ids(login("admin_b").get("/api/v1/enrolments/")) == {str(enrolment_b.pk)}
    assert ids(login("enr_head_a").get("/api/v1/enrolments/")) == {str(enrolment_a.pk)}
    assert ids(login("enr_body_x").get("/api/v1/enrolments/")) == {str(other_dept.pk)}
    assert ids(login("city_x_admin").get("/api/v1/enrolments/")) == {str(enrolment_a.pk), str(other_dept.pk)}


def test_a_commission_reads_masked_and_audited(world, cycle, enrolment_a):
    # given the city commission
    client = login("city_x_admin")
    before = AuditEvent.objects.filter(action="assessment.enrolments.read").count()

    # when it lists and views
    listing = client.get("/api/v1/enrolments/")
    detail = client.get(f"/api/v1/enrolments/{enrolment_a.pk}/")

    # then the phone is masked, the ID card too, and both reads are audited; no actions offered
    row = listing.json()["results"][0]
    assert row["physician"]["phone"] == "138****1111"
    assert row["physician"]["id_card_masked"] == "**************1234"
    assert detail.status_code == 200
    assert detail.json()["actions"] == []
    assert AuditEvent.objects.filter(action="assessment.enrolments.read").count() == before + 2


def test_the_institution_sees_the_phone_whole(world, cycle, enrolment_a):
    row = login("admin_a").get("/api/v1/enrolments/").json()["results"][0]

    assert row["physician"]["phone"] == "13800001111"


def test_filters(world, cycle, enrolment_a, candidates_a, dept_a2):
    enrol(cycle, candidates_a[1], by=world.admin_a, status="submitted")
    client = login("admin_a")

    assert len(ids(client.get("/api/v1/enrolments/", {"status": "submitted"}))) == 1
    assert ids(client.get("/api/v1/enrolments/", {"name": "张"})) == {str(enrolment_a.pk)}
    assert len(ids(client.get("/api/v1/enrolments/", {"department": str(dept_a2.pk)}))) == 1
    assert len(ids(client.get("/api/v1/enrolments/", {"cycle": str(uuid.uuid4())}))) == 0
    assert client.get("/api/v1/enrolments/", {"region": "999999"}).status_code == 400


def test_outside_reach_the_detail_is_404(world, cycle, enrolment_a, enrolment_b, head_a):
    assert login("admin_b").get(f"/api/v1/enrolments/{enrolment_a.pk}/").status_code == 404
    assert login("city_x_admin").get(f"/api/v1/enrolments/{enrolment_b.pk}/").status_code == 404
    assert login("enr_head_a").get(f"/api/v1/enrolments/{enrolment_b.pk}/").status_code == 404
    assert login("admin_a").get(f"/api/v1/enrolments/{enrolment_a.pk}/").status_code == 200


# --- withdraw --------------------------------------------------------------------------------------------


def test_the_institution_withdraws_before_submission(world, cycle, enrolment_a):
    response = login("admin_a").post(
        f"/api/v1/enrolments/{enrolment_a.pk}/withdraw/", {"comment": "调离本院"}, format="json"
    )

    assert response.status_code == 200, response.content
    assert response.json()["status"] == "withdrawn"
    assert [(h["action"], h["comment"]) for h in response.json()["history"]] == [("withdraw", "调离本院")]
    assert AuditEvent.objects.filter(action="assessment.enrolment_withdrawn").count() == 1


def test_withdraw_after_submission_is_409(world, cycle, enrolment_a):
    enrolment_a.status = "submitted"
    enrolment_a.save()

    response = login("admin_a").post(f"/api/v1/enrolments/{enrolment_a.pk}/withdraw/", {}, format="json")

    assert response.status_code == 409
    assert response.json()["errors"][0]["code"] == "illegal_transition"
    enrolment_a.refresh_from_db()
    assert enrolment_a.status == "submitted"
    assert not EnrolmentHistory.objects.filter(subject=enrolment_a).exists()


def test_withdraw_matrix(world, cycle, enrolment_a):
    url = f"/api/v1/enrolments/{enrolment_a.pk}/withdraw/"
    clients = {u: login(u) for u in ("doctor_a", "city_x_admin", "admin_b")}

    assert clients["doctor_a"].post(url, {}, format="json").status_code == 403
    assert clients["city_x_admin"].post(url, {}, format="json").status_code == 403
    assert clients["admin_b"].post(url, {}, format="json").status_code == 404
    enrolment_a.refresh_from_db()
    assert enrolment_a.status == "enrolled"


# --- delete ----------------------------------------------------------------------------------------------


def test_an_untouched_enrolment_is_deleted(world, cycle, enrolment_a):
    response = login("admin_a").delete(f"/api/v1/enrolments/{enrolment_a.pk}/")

    assert response.status_code == 204
    assert not Enrolment.objects.filter(pk=enrolment_a.pk).exists()
    event = AuditEvent.objects.get(action="assessment.enrolment_deleted")
    assert event.data["physician"] == str(world.physician_a.pk)


@pytest.mark.parametrize("status", ["drafting", "withdrawn", "submitted"])
def test_a_touched_enrolment_is_not_deleted(world, cycle, enrolment_a, status):
    enrolment_a.status = status
    enrolment_a.save()

    response = login("admin_a").delete(f"/api/v1/enrolments/{enrolment_a.pk}/")

    assert response.status_code == 409
    assert response.json()["errors"][0]["code"] == "enrolment_in_use"
    assert Enrolment.objects.filter(pk=enrolment_a.pk).exists()


def test_an_enrolment_with_history_is_not_deleted(world, cycle, enrolment_a):
    # given an enrolment withdrawn... and one with history that is back to enrolled is impossible; a history
    # row on an `enrolled` enrolment stands for any past move
    EnrolmentHistory.objects.create(
        subject=enrolment_a, actor=world.admin_a, action="save", from_state="enrolled", to_state="enrolled"
    )

    response = login("admin_a").delete(f"/api/v1/enrolments/{enrolment_a.pk}/")

    assert response.status_code == 409
    assert Enrolment.objects.filter(pk=enrolment_a.pk).exists()


def test_delete_matrix(world, cycle, enrolment_a):
    url = f"/api/v1/enrolments/{enrolment_a.pk}/"
    clients = {u: login(u) for u in ("doctor_a", "city_x_admin", "admin_b")}
    anonymous = login("admin_a")
    anonymous.credentials()

    assert anonymous.delete(url).status_code == 401
    assert clients["doctor_a"].delete(url).status_code == 403
    assert clients["city_x_admin"].delete(url).status_code == 403
    assert clients["admin_b"].delete(url).status_code == 404
    assert Enrolment.objects.filter(pk=enrolment_a.pk).exists()


# --- reset a password ------------------------------------------------------------------------------------


def test_reset_password_gives_a_new_one_once(world, cycle, enrolment_a):
    # given physician A's account
    Physician.objects.filter(pk=world.physician_a.pk).update(user=world.doctor_a)

    # when the institution resets it
    response = login("admin_a").post(f"/api/v1/enrolments/{enrolment_a.pk}/reset-password/")

    # then the new password works and must be changed; audited
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["username"] == "doctor_a"
    user = User.objects.get(pk=world.doctor_a.pk)
    assert user.check_password(body["password"])
    assert user.must_change_password is True
    assert AuditEvent.objects.filter(action="assessment.physician_password_reset").count() == 1


def test_reset_without_an_account_is_409(world, cycle, enrolment_a):
    response = login("admin_a").post(f"/api/v1/enrolments/{enrolment_a.pk}/reset-password/")

    assert response.status_code == 409
    assert response.json()["errors"][0]["code"] == "no_account"


def test_reset_matrix(world, cycle, enrolment_a):
    Physician.objects.filter(pk=world.physician_a.pk).update(user=world.doctor_a)
    url = f"/api/v1/enrolments/{enrolment_a.pk}/reset-password/"
    clients = {u: login(u) for u in ("doctor_a", "city_x_admin", "admin_b")}
    password = User.objects.get(pk=world.doctor_a.pk).password

    assert clients["doctor_a"].post(url).status_code == 403
    assert clients["city_x_admin"].post(url).status_code == 403
    assert clients["admin_b"].post(url).status_code == 404
    assert User.objects.get(pk=world.doctor_a.pk).password == password


def test_a_candidates_password_is_reset_too(world, cycle):
    Physician.objects.filter(pk=world.physician_a.pk).update(user=world.doctor_a)
    url = f"/api/v1/cycles/{cycle.pk}/candidates/{world.physician_a.pk}/reset-password/"

    assert login("admin_b").post(url).status_code == 404
    response = login("admin_a").post(url)
    assert response.status_code == 200
    assert User.objects.get(pk=world.doctor_a.pk).check_password(response.json()["password"])


# --- export ----------------------------------------------------------------------------------------------


def test_export_writes_the_reached_enrolled(world, cycle, enrolment_a, enrolment_b):
    # given the city commission
    response = login("city_x_admin").post("/api/v1/enrolments/export/", {}, format="json")
    assert response.status_code == 202

    # when the job runs
    job = job_run_now(response.json()["id"])

    # then only its city's enrolled are in the file, masked, and the export is audited
    assert job.status == "succeeded", job.errors
    assert job.summary == {"rows": 1}
    data = storage.client().get_object(Bucket=storage.bucket(), Key=job.result_key)["Body"].read()
    rows = list(load_workbook(io.BytesIO(data)).worksheets[0].iter_rows(values_only=True))
    assert rows[1][1:4] == ("张医生", "**************1234", "138****1111")
    assert AuditEvent.objects.filter(action="assessment.enrolments.exported").count() == 1


def test_export_needs_the_permission(world, cycle):
    assert login("doctor_a").post("/api/v1/enrolments/export/", {}, format="json").status_code == 403
