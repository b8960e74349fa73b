"""Enrolling physicians (医师管理 of the institution): candidates, one, in bulk, by import."""

import uuid

import pytest
from assessment.enums import CycleStatus
from assessment.models import Cycle, CycleSettings, Enrolment

from audit.models import AuditEvent
from jobs.models import Job
from jobs.services import job_run_now
from physicians.models import Physician
from tests.assessment.conftest import DEFAULT_SETTINGS, enrol, open_phases
from tests.assessment.enrolment.conftest import make_physician, xlsx_file
from tests.conftest import login

pytestmark = pytest.mark.django_db


def state():
    return (Enrolment.objects.count(), AuditEvent.objects.exclude(action__startswith="auth.").count())


# --- candidates ----------------------------------------------------------------------------------------


def test_candidates_are_the_institutions_physicians_not_enrolled(world, cycle, candidates_a, enrolment_a):
    # given physician A enrolled and three more in hospital A (and physician B in hospital B)
    client = login("admin_a")

    # when the institution lists the candidates
    response = client.get(f"/api/v1/cycles/{cycle.pk}/candidates/")

    # then only its own physicians not yet enrolled
    assert response.status_code == 200
    names = sorted(r["name"] for r in response.json()["results"])
    assert names == sorted(p.name for p in candidates_a)
    first = response.json()["results"][0]
    assert first["id_card_masked"].startswith("**************")


def test_candidates_filter_by_department_title_and_name(world, cycle, candidates_a, dept_a2):
    client = login("admin_a")
    url = f"/api/v1/cycles/{cycle.pk}/candidates/"

    by_dept = client.get(url, {"department_id": str(dept_a2.pk)}).json()["results"]
    by_title = client.get(url, {"title": "主任医师"}).json()["results"]
    by_name = client.get(url, {"name": "王"}).json()["results"]

    assert [r["name"] for r in by_dept] == ["赵医生"]
    assert [r["name"] for r in by_title] == ["钱医生"]
    assert [r["name"] for r in by_name] == ["王医生"]


def test_candidates_matrix(world, cycle):
    anonymous = login("admin_a")
    anonymous.credentials()
    assert anonymous.get(f"/api/v1/cycles/{cycle.pk}/candidates/").status_code == 401
    for username in ("doctor_a", "city_x_admin"):
        assert login(username).get(f"/api/v1/cycles/{cycle.pk}/candidates/").status_code == 403
    assert login("admin_a").get(f"/api/v1/cycles/{uuid.uuid4()}/candidates/").status_code == 404


# --- one -----------------------------------------------------------------------------------------------


def test_the_institution_enrols_one_physician(world, cycle, body_x):
    # given physician A not enrolled; hospital A is assigned to body X
    client = login("admin_a")

    # when the institution enrols them
    response = client.post(
        f"/api/v1/cycles/{cycle.pk}/enrolments/", {"physician": str(world.physician_a.pk)}, format="json"
    )

    # then the enrolment records what holds now
    assert response.status_code == 201, response.content
    enrolment = Enrolment.objects.get(pk=response.json()["id"])
    assert (enrolment.status, enrolment.settings_id, enrolment.organization_id) == (
        "enrolled",
        cycle.settings_id,
        world.hospital_a.pk,
    )
    assert (enrolment.region_path, enrolment.department_id, enrolment.title) == (
        world.hospital_a.region_path,
        world.dept_a.pk,
        "主治医师",
    )
    assert enrolment.assessment_body_id == body_x.pk
    assert enrolment.enrolled_by_id == world.admin_a.pk
    assert AuditEvent.objects.filter(
        action="assessment.enrolment_created", target_id=str(enrolment.pk)
    ).exists()
    assert response.json()["actions"] == ["withdraw", "delete"]


def test_without_an_assignment_the_body_is_empty(world, cycle):
    response = login("admin_a").post(
        f"/api/v1/cycles/{cycle.pk}/enrolments/", {"physician": str(world.physician_a.pk)}, format="json"
    )

    assert response.status_code == 201
    assert Enrolment.objects.get(pk=response.json()["id"]).assessment_body_id is None


def test_an_assignment_to_the_institution_wins_over_one_to_its_county(world, cycle, body_x):
    # given hospital A in a county with another body assigned to the county
    from assessment_bodies.models import AssessmentBodyAssignment
    from organizations.models import Organization, Region

    county = Region.objects.create(
        code="330102", name="上城区", level="county", parent=world.city_x, path="330000/330100/330102/"
    )
    Organization.objects.filter(pk=world.hospital_a.pk).update(region_path=county.path)
    Physician.objects.filter(pk=world.physician_a.pk).update(region_path=county.path)
    county_body = Organization.objects.create(
        name="上城区考核机构",
        kind="industry_org",
        region=county,
        region_path=county.path,
        is_assessment_body=True,
    )
    AssessmentBodyAssignment.objects.create(
        body=county_body,
        target_region=county,
        target_region_path=county.path,
        assigned_by=world.commission_x,
        assigned_by_region_path=world.commission_x.region_path,
    )
    other = make_physician("孙医生", Organization.objects.get(pk=world.hospital_b.pk), seq=201)

    # when A's physician is enrolled
    response = login("admin_a").post(
        f"/api/v1/cycles/{cycle.pk}/enrolments/", {"physician": str(world.physician_a.pk)}, format="json"
    )

    # then the institution's own assignment decides
    assert Enrolment.objects.get(pk=response.json()["id"]).assessment_body_id == body_x.pk
    assert other.organization_id == world.hospital_b.pk


def test_enrolling_twice_is_409(world, cycle, enrolment_a):
    before = state()

    response = login("admin_a").post(
        f"/api/v1/cycles/{cycle.pk}/enrolments/", {"physician": str(world.physician_a.pk)}, format="json"
    )

    assert response.status_code == 409
    assert response.json()["errors"][0]["code"] == "already_enrolled"
    assert state() == before


def test_another_hospitals_physician_is_404_and_nothing_changes(world, cycle):
    client = login("admin_a")
    before = state()

    response = client.post(
        f"/api/v1/cycles/{cycle.pk}/enrolments/", {"physician": str(world.physician_b.pk)}, format="json"
    )

    assert response.status_code == 404
    assert state() == before


def test_enrol_matrix(world, cycle):
    url = f"/api/v1/cycles/{cycle.pk}/enrolments/"
    body = {"physician": str(world.physician_a.pk)}
    clients = {u: login(u) for u in ("doctor_a", "city_x_admin")}
    anonymous = login("admin_a")
    anonymous.credentials()
    before = state()

    assert anonymous.post(url, body, format="json").status_code == 401
    assert clients["doctor_a"].post(url, body, format="json").status_code == 403
    assert clients["city_x_admin"].post(url, body, format="json").status_code == 403
    assert state() == before


def test_medical_affairs_enrols_too(world, cycle, affairs_a):
    response = login("enr_affairs_a").post(
        f"/api/v1/cycles/{cycle.pk}/enrolments/", {"physician": str(world.physician_a.pk)}, format="json"
    )

    assert response.status_code == 201


def test_only_the_cycle_in_progress_takes_enrolments(world, cycle):
    # given a draft cycle with settings
    draft = Cycle.objects.create(
        code="2027-2029",
        name="2027—2029年度",
        starts_on="2027-01-01",
        ends_on="2029-12-31",
        created_by=world.city_admin,
    )
    draft.settings = CycleSettings.objects.create(
        cycle=draft, version=1, phases=open_phases(), created_by=world.city_admin, **DEFAULT_SETTINGS
    )
    draft.save()
    before = state()

    response = login("admin_a").post(
        f"/api/v1/cycles/{draft.pk}/enrolments/", {"physician": str(world.physician_a.pk)}, format="json"
    )

    assert response.status_code == 409
    assert response.json()["errors"][0]["code"] == "cycle_not_active"
    assert state() == before
    assert draft.status == CycleStatus.DRAFT


# --- bulk ----------------------------------------------------------------------------------------------


def test_bulk_enrols_all(world, cycle, candidates_a):
    ids = [str(p.pk) for p in candidates_a]

    response = login("admin_a").post(
        f"/api/v1/cycles/{cycle.pk}/enrolments/bulk/", {"physicians": ids}, format="json"
    )

    assert response.status_code == 201, response.content
    assert response.json()["enrolled"] == 3
    assert set(Enrolment.objects.filter(cycle=cycle).values_list("physician_id", flat=True)) == {
        p.pk for p in candidates_a
    }
    assert AuditEvent.objects.filter(action="assessment.enrolments_bulk_created").count() == 1


def test_bulk_with_one_foreign_physician_enrols_nobody(world, cycle, candidates_a):
    ids = [str(p.pk) for p in candidates_a] + [str(world.physician_b.pk)]
    before = state()

    response = login("admin_a").post(
        f"/api/v1/cycles/{cycle.pk}/enrolments/bulk/", {"physicians": ids}, format="json"
    )

    assert response.status_code == 404
    assert state() == before


def test_bulk_with_one_already_enrolled_enrols_nobody(world, cycle, candidates_a):
    enrol(cycle, candidates_a[0], by=world.admin_a)
    before = state()

    response = login("admin_a").post(
        f"/api/v1/cycles/{cycle.pk}/enrolments/bulk/",
        {"physicians": [str(p.pk) for p in candidates_a]},
        format="json",
    )

    assert response.status_code == 409
    assert response.json()["errors"][0]["code"] == "already_enrolled"
    assert state() == before


def test_bulk_matrix(world, cycle, candidates_a):
    url = f"/api/v1/cycles/{cycle.pk}/enrolments/bulk/"
    body = {"physicians": [str(candidates_a[0].pk)]}
    clients = {u: login(u) for u in ("doctor_a", "city_x_admin", "admin_b")}
    before = state()

    assert clients["doctor_a"].post(url, body, format="json").status_code == 403
    assert clients["city_x_admin"].post(url, body, format="json").status_code == 403
    assert clients["admin_b"].post(url, body, format="json").status_code == 404
    assert state() == before


# --- import --------------------------------------------------------------------------------------------


def start_import(client, cycle, rows, headers=("执业证书编号", "身份证号", "姓名")):
    response = client.post(
        f"/api/v1/cycles/{cycle.pk}/enrolments/import/",
        {"file": xlsx_file(list(headers), rows)},
        format="multipart",
    )
    assert response.status_code == 202, response.content
    return job_run_now(response.json()["id"])


def test_import_enrols_by_licence_or_id_card(world, cycle, candidates_a):
    # given a file naming one physician by licence, one by ID card
    rows = [
        [candidates_a[0].licence_number, "", candidates_a[0].name],
        ["", _id_card(candidates_a[1]), candidates_a[1].name],
    ]

    # when the institution imports it
    job = start_import(login("admin_a"), cycle, rows)

    # then both are enrolled
    assert job.status == "succeeded", job.errors
    assert job.summary == {"rows": 2, "enrolled": 2}
    assert set(Enrolment.objects.values_list("physician_id", flat=True)) == {
        candidates_a[0].pk,
        candidates_a[1].pk,
    }


def _id_card(physician) -> str:
    from core.crypto import decrypt

    return decrypt(physician.id_card_encrypted)


def test_an_import_with_a_bad_row_enrols_nobody_and_reports_rows(world, cycle, candidates_a, enrolment_a):
    # given a good row, an unknown licence, another hospital's physician, a duplicate, an enrolled one
    rows = [
        [candidates_a[0].licence_number, "", ""],
        ["110330100999999", "", ""],
        [world.physician_b.licence_number, "", ""],
        ["", _id_card(candidates_a[0]), ""],
        [world.physician_a.licence_number, "", ""],
        ["", "330102197501011021", ""],
    ]
    before = Enrolment.objects.count()

    job = start_import(login("admin_a"), cycle, rows)

    assert job.status == "failed"
    assert [(e["row"], e["code"]) for e in job.errors] == [
        (3, "physician_not_found"),
        (4, "physician_not_found"),
        (5, "duplicate_row"),
        (6, "already_enrolled"),
        (7, "invalid_id_card"),
    ]
    assert Enrolment.objects.count() == before


def test_an_import_needs_the_cycle_in_progress_and_permission(world, cycle):
    cycle.status = CycleStatus.CLOSED
    cycle.save()
    clients = {u: login(u) for u in ("admin_a", "city_x_admin")}
    jobs_before = Job.objects.count()

    closed = clients["admin_a"].post(
        f"/api/v1/cycles/{cycle.pk}/enrolments/import/",
        {"file": xlsx_file(["执业证书编号"], [["x"]])},
        format="multipart",
    )
    refused = clients["city_x_admin"].post(
        f"/api/v1/cycles/{cycle.pk}/enrolments/import/",
        {"file": xlsx_file(["执业证书编号"], [["x"]])},
        format="multipart",
    )

    assert closed.status_code == 409
    assert refused.status_code == 403
    assert Job.objects.count() == jobs_before


def test_the_import_template_is_offered(world):
    response = login("admin_a").get("/api/v1/enrolments/import-template/")

    assert response.status_code == 200
    assert response.json()["file_name"].endswith(".xlsx")
