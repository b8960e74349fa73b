"""The .xlsx import (all or nothing, with a row report) and export of the registry, as background jobs."""

import hashlib
import io
from unittest import mock

from django.contrib.auth.hashers import MD5PasswordHasher
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook
from rest_framework.test import APIClient

from accounts.models import Membership, User
from audit.models import AuditEvent
from core import storage
from jobs.models import Job, JobStatus
from jobs.services import job_run_now
from physicians.jobs import IMPORT_COLUMNS
from physicians.models import Physician
from tests.conftest import login
from tests.physicians.conftest import id_card, xlsx_upload

HEADERS = [c.header for c in IMPORT_COLUMNS]


def _row(
    name, number, licence, *, category="临床", department="普外科", phone="13700000001", hired="2015-07-01"
):
    values = {
        "name": name,
        "id_card_number": number,
        "licence_number": licence,
        "practice_category": category,
        "practice_scope": "外科专业",
        "title": "医师",
        "department": department,
        "phone": phone,
        "hired_on": hired,
    }
    return [values.get(c.field, "") for c in IMPORT_COLUMNS]


def _run(client, url, data, capture, fmt="multipart"):
    with capture(execute=False):
        response = client.post(url, data, format=fmt)
    assert response.status_code == 202, response.content
    return job_run_now(response.json()["id"])


def test_an_import_stores_every_row_with_inactive_accounts_and_no_hashing(
    world, registry, django_capture_on_commit_callbacks
):
    # given a file of three physicians of hospital A
    rows = [
        _row("导入一", id_card("330106", "19800101", "011"), "110330100100001"),
        _row("导入二", id_card("330106", "19810202", "022"), "110330100100002", category="中医"),
        _row("导入三", id_card("330106", "19820303", "033"), "110330100100003", department=""),
    ]
    client = login("admin_a")

    # when hospital A imports it
    with mock.patch.object(MD5PasswordHasher, "encode", autospec=True) as encode:
        job = _run(
            client,
            "/api/v1/physicians/import/",
            {"file": xlsx_upload(HEADERS, rows)},
            django_capture_on_commit_callbacks,
        )

    # then all are stored in hospital A with derived data, accounts without hashing
    assert job.status == JobStatus.SUCCEEDED, job.errors
    assert job.summary == {"rows": 3, "created": 3}
    assert (job.done, job.total) == (3, 3)
    assert encode.call_count == 0
    stored = Physician.objects.filter(licence_number__startswith="1103301001000").order_by("licence_number")
    assert [p.name for p in stored] == ["导入一", "导入二", "导入三"]
    assert {p.organization_id for p in stored} == {world.hospital_a.id}
    assert [p.practice_category for p in stored] == ["clinical", "tcm", "clinical"]
    assert [p.department_id for p in stored] == [world.dept_a.id, world.dept_a.id, None]
    assert str(stored[0].hired_on) == "2015-07-01"
    users = User.objects.filter(username__in=[p.licence_number for p in stored])
    assert users.count() == 3
    assert not any(u.is_active or u.has_usable_password() for u in users)
    assert (
        Membership.objects.filter(user__in=users, role="doctor", organization=world.hospital_a).count() == 3
    )
    assert AuditEvent.objects.filter(action="physicians.imported", data__rows=3).exists()
    # and they are found by ID card
    assert (
        client.get("/api/v1/physicians/", {"id_card": id_card("330106", "19810202", "022")}).json()["count"]
        == 1
    )


def test_an_import_with_any_bad_row_stores_nothing_and_reports_each(
    world, registry, django_capture_on_commit_callbacks
):
    # given one good row and bad ones
    good = id_card("330106", "19800101", "011")
    wrong_check = good[:17] + ("1" if good[17] != "1" else "2")
    rows = [
        _row("好", good, "110330100200001"),  # row 2
        _row("校验位", wrong_check, "110330100200002"),  # row 3
        _row("同证", good, "110330100200003"),  # row 4: ID card repeated in the file
        _row("同号", id_card("330106", "19800101", "044"), "110330100200001"),  # row 5: licence repeated
        _row("已有证", registry.own_number, "110330100200005"),  # row 6: ID card in the registry
        _row("已有号", id_card("330106", "19800101", "066"), world.physician_b.licence_number),  # row 7
        _row("无科室", id_card("330106", "19800101", "077"), "110330100200007", department="心内科"),  # row 8
        _row("", id_card("330106", "19800101", "088"), "110330100200008", category="兽医"),  # row 9
        _row("日期", id_card("330106", "19800101", "099"), "110330100200009", hired="去年"),  # row 10
    ]
    before = (Physician.objects.count(), User.objects.count())

    # when hospital A imports it
    job = _run(
        login("admin_a"),
        "/api/v1/physicians/import/",
        {"file": xlsx_upload(HEADERS, rows)},
        django_capture_on_commit_callbacks,
    )

    # then the job failed with one line per problem, and nothing was stored
    assert job.status == JobStatus.FAILED
    report = {(e["row"], e["attr"], e["code"]) for e in job.errors}
    assert report == {
        (3, "id_card_number", "invalid_id_card"),
        (4, "id_card_number", "duplicate_in_file"),
        (5, "licence_number", "duplicate_in_file"),
        (6, "id_card_number", "id_card_taken"),
        (7, "licence_number", "licence_number_taken"),
        (8, "department", "unknown_department"),
        (9, "name", "required"),
        (9, "practice_category", "invalid_choice"),
        (10, "hired_on", "invalid_date"),
    }
    assert all(e["detail"] for e in job.errors)
    assert (Physician.objects.count(), User.objects.count()) == before


def test_a_file_that_is_not_xlsx_or_too_large_is_refused(world, registry):
    client = login("admin_a")
    jobs_before = Job.objects.count()

    csv = client.post(
        "/api/v1/physicians/import/",
        {"file": SimpleUploadedFile("p.xlsx", b"name,id\n", content_type="text/csv")},
        format="multipart",
    )
    big = client.post(
        "/api/v1/physicians/import/",
        {
            "file": SimpleUploadedFile(
                "p.xlsx", b"PK\x03\x04" + b"0" * (10 * 1024 * 1024), content_type="application/zip"
            )
        },
        format="multipart",
    )
    missing = client.post("/api/v1/physicians/import/", {}, format="multipart")

    assert (csv.status_code, csv.json()["errors"][0]["code"]) == (400, "not_xlsx")
    assert (big.status_code, big.json()["errors"][0]["code"]) == (400, "file_too_large")
    assert missing.status_code == 400
    assert csv.json()["errors"][0]["attr"] == "file"
    assert Job.objects.count() == jobs_before


def test_import_is_refused_to_anonymous_doctors_and_commissions(world, registry):
    upload = xlsx_upload(HEADERS, [])
    assert (
        APIClient().post("/api/v1/physicians/import/", {"file": upload}, format="multipart").status_code
        == 401
    )
    for username in ("doctor_a", "city_x_admin"):
        response = login(username).post(
            "/api/v1/physicians/import/", {"file": xlsx_upload(HEADERS, [])}, format="multipart"
        )
        assert response.status_code == 403
    assert login("city_x_admin").get("/api/v1/physicians/import-template/").status_code == 403


def test_the_template_has_the_import_columns(world, registry):
    response = login("admin_a").get("/api/v1/physicians/import-template/")
    assert response.status_code == 200
    assert response.json()["file_name"].endswith(".xlsx")
    digest = hashlib.sha256("|".join(HEADERS).encode()).hexdigest()[:16]
    key = f"templates/physicians-import-{digest}.xlsx"
    data = storage.client().get_object(Bucket=storage.bucket(), Key=key)["Body"].read()
    header = [c.value for c in next(load_workbook(io.BytesIO(data)).worksheets[0].iter_rows())]
    assert header == HEADERS


def _sheet(job) -> list[list]:
    data = storage.client().get_object(Bucket=storage.bucket(), Key=job.result_key)["Body"].read()
    return [list(r) for r in load_workbook(io.BytesIO(data)).worksheets[0].iter_rows(values_only=True)]


def test_an_institution_exports_its_physicians_with_id_cards_masked(
    world, registry, django_capture_on_commit_callbacks
):
    # when hospital A exports its clinical physicians
    job = _run(
        login("admin_a"),
        "/api/v1/physicians/export/",
        {"practice_category": "clinical"},
        django_capture_on_commit_callbacks,
        "json",
    )

    # then the file holds its physicians, ID cards masked, phones whole
    assert job.status == JobStatus.SUCCEEDED, job.errors
    rows = _sheet(job)
    assert rows[0][:4] == ["姓名", "性别", "出生日期", "身份证号"]
    by_licence = {r[5]: r for r in rows[1:]}
    assert set(by_licence) == {world.physician_a.licence_number, registry.own.licence_number}
    row = by_licence[world.physician_a.licence_number]
    assert row[3] == "**************1234"
    assert row[4] == "13800001111"
    assert row[10] == world.hospital_a.name
    assert job.summary == {"rows": 2}
    assert AuditEvent.objects.filter(action="physicians.exported", target_id=str(job.id)).exists()


def test_a_commission_export_masks_phones_and_stays_in_its_city(
    world, registry, django_capture_on_commit_callbacks
):
    job = _run(
        login("city_x_admin"), "/api/v1/physicians/export/", {}, django_capture_on_commit_callbacks, "json"
    )
    assert job.status == JobStatus.SUCCEEDED, job.errors
    rows = _sheet(job)[1:]
    licences = {r[5] for r in rows}
    assert world.physician_a.licence_number in licences
    assert world.physician_b.licence_number not in licences
    row = next(r for r in rows if r[5] == world.physician_a.licence_number)
    assert row[4] == "138****1111"
    assert "330102198001011234" not in str(rows)


def test_export_is_refused_to_anonymous_and_doctors_and_checks_the_region(world, registry):
    before = Job.objects.count()
    assert APIClient().post("/api/v1/physicians/export/", {}, format="json").status_code == 401
    assert login("doctor_a").post("/api/v1/physicians/export/", {}, format="json").status_code == 403
    bad = login("city_x_admin").post("/api/v1/physicians/export/", {"region": "999999"}, format="json")
    assert (bad.status_code, bad.json()["errors"][0]["code"]) == (400, "unknown_region")
    assert Job.objects.count() == before
