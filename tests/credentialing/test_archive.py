"""The technical archive per physician: certificates (checked uploads, edit, delete, .zip export of one or
all), work and training history, privileges with history, workload from the HIS with rankings; visible by
role (a department head sees the department, a physician themself)."""

import io
import zipfile

from django.core.files.uploadedfile import SimpleUploadedFile
from django_tenants.utils import tenant_context
from rest_framework.test import APIClient

from archives.models import ArchiveCertificate
from core import storage
from jobs.services import job_run_now
from tests.conftest import login
from tests.credentialing.conftest import A, B
from tests.credentialing.test_grants import make_grant
from tests.credentialing.test_imports import colleague, run_job

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def archive_url(physician):
    return f"{A}/physicians/{physician.id}"


def test_a_physician_keeps_their_certificates_and_exports_them(
    world, cred, django_capture_on_commit_callbacks
):
    doctor = login("doctor_a")
    base = archive_url(world.physician_a)
    # upload a certificate scan
    response = doctor.post(
        f"{base}/certificates/",
        {
            "name": "医师执业证书",
            "number": "110330100000001",
            "file": SimpleUploadedFile("licence.pdf", PDF, "application/pdf"),
        },
        format="multipart",
    )
    assert response.status_code == 201, response.content
    cert = response.json()
    assert cert["size"] == len(PDF)
    assert len(cert["sha256"]) == 64
    # a file whose bytes are not what it claims is refused, nothing stored
    bad = doctor.post(
        f"{base}/certificates/",
        {"name": "假证", "file": SimpleUploadedFile("x.pdf", b"MZ\x90\x00", "application/pdf")},
        format="multipart",
    )
    assert bad.status_code == 400
    assert bad.json()["errors"][0]["code"] == "file_content_mismatch"
    # edit and list
    assert (
        doctor.patch(f"{base}/certificates/{cert['id']}/", {"number": "NEW-1"}, format="multipart").json()[
            "number"
        ]
        == "NEW-1"
    )
    assert [c["name"] for c in doctor.get(f"{base}/certificates/").json()["results"]] == ["医师执业证书"]
    # a download link
    link = doctor.post(f"{base}/certificates/{cert['id']}/download/", {}, format="json")
    assert link.status_code == 200
    assert link.json()["file_name"] == "licence.pdf"
    # export one physician's certificates as a zip
    with django_capture_on_commit_callbacks(execute=False):
        started = doctor.post(
            f"{A}/certificates/export/", {"physician_id": str(world.physician_a.id)}, format="json"
        )
    assert started.status_code == 202, started.content
    job = job_run_now(started.json()["id"])
    assert job.status == "succeeded", job.errors
    data = storage.client().get_object(Bucket=storage.bucket(), Key=job.result_key)["Body"].read()
    names = zipfile.ZipFile(io.BytesIO(data)).namelist()
    assert "index.xlsx" in names
    assert any(n.endswith(".pdf") and n.startswith("张医生_") for n in names)
    # all of the hospital's only for medical affairs
    assert doctor.post(f"{A}/certificates/export/", {}, format="json").status_code == 403
    with django_capture_on_commit_callbacks(execute=False):
        assert login("ma_a").post(f"{A}/certificates/export/", {}, format="json").status_code == 202
    # delete
    assert doctor.delete(f"{base}/certificates/{cert['id']}/").status_code == 204
    with tenant_context(world.tenant_a):
        assert ArchiveCertificate.objects.count() == 0


def test_the_archive_overview_with_privileges_history_career_and_workload(
    world, cred, django_capture_on_commit_callbacks
):
    wang = colleague(world)
    grant = make_grant(world, world.tenant_a, cred.appendectomy)
    ma = login("ma_a")
    ma.post(f"{A}/grants/{grant.id}/suspend/", {"reason": "调查"}, format="json")
    login("doctor_a").post(
        f"{archive_url(world.physician_a)}/career/",
        {
            "kind": "training",
            "organization_name": "浙大一院",
            "starts_on": "2024-01-01",
            "ends_on": "2024-06-30",
        },
        format="json",
    )
    a, w = world.physician_a.licence_number, wang.licence_number
    csv = (
        "医师执业证号,月份,科室,出院患者数,手术数量,住院总费用\n"
        f"{a},2026-01,普外科,30,12,500000\n{a},2026-02,普外科,25,10,400000\n{w},2026-01,普外科,80,40,900000\n"
    ).encode()
    job = run_job(ma, f"{A}/imports/workload/", "w.csv", csv, django_capture_on_commit_callbacks)
    assert job.status == "succeeded", job.errors
    # when medical affairs opens physician_a's archive
    body = ma.get(f"{archive_url(world.physician_a)}/archive/").json()
    # then everything is there
    assert body["physician"]["licence_number"] == a
    assert [(g["item"]["code"], g["status"]) for g in body["grants"]] == [("47.0901", "suspended")]
    assert [e["action"] for e in body["grants"][0]["events"]] == ["suspended"]
    assert body["career"][0]["organization_name"] == "浙大一院"
    assert any(h["kind"] == "privilege.suspended" for h in body["history"])
    workload = body["workload"]
    assert workload["totals"]["discharges"] == 55
    assert workload["hospital_rank"]["discharges"] == 2
    assert workload["department_rank"]["operations"] == 2
    assert workload["same_title_rank"]["discharges"] == 1  # the only 主治医师 with figures
    assert workload["same_title_size"] == 1
    assert [m["period"] for m in workload["months"]] == ["2026-01", "2026-02"]


def test_broken_workload_rows_store_nothing(world, cred, django_capture_on_commit_callbacks):
    csv = "医师执业证号,月份,出院患者数\n999,2026-13,-1\n".encode()
    job = run_job(login("ma_a"), f"{A}/imports/workload/", "w.csv", csv, django_capture_on_commit_callbacks)
    assert job.status == "failed"
    assert {e["code"] for e in job.errors} == {"unknown_physician", "invalid_period", "invalid_number"}


def test_archive_visibility_by_role(world, cred):
    wang = colleague(world)
    with tenant_context(world.tenant_a):
        from organizations.models import Department

        ortho = Department.objects.create(organization=world.hospital_a, name="骨科")
    from physicians.models import Physician

    Physician.objects.filter(pk=wang.pk).update(department=ortho)
    # anonymous 401, a user of another hospital 404 on A's route and on B's
    assert APIClient().get(f"{archive_url(world.physician_a)}/archive/").status_code == 401
    assert login("admin_b").get(f"{archive_url(world.physician_a)}/archive/").status_code == 404
    assert login("admin_b").get(f"{B}/physicians/{world.physician_a.id}/archive/").status_code == 404
    # the department head sees their department's physician, not another department's
    head = login("head_a")
    assert head.get(f"{archive_url(world.physician_a)}/archive/").status_code == 200
    assert head.get(f"{archive_url(wang)}/archive/").status_code == 404
    # a doctor sees themself only, and cannot change another's certificates
    doctor = login("doctor_a")
    assert doctor.get(f"{archive_url(world.physician_a)}/archive/").status_code == 200
    assert doctor.get(f"{archive_url(wang)}/archive/").status_code == 404
    # the head reads but does not edit a physician's certificates
    response = head.post(f"{archive_url(world.physician_a)}/certificates/", {"name": "x"}, format="multipart")
    assert response.status_code == 403
    # a user without a membership
    assert login("nobody").get(f"{archive_url(world.physician_a)}/archive/").status_code == 404


def test_physician_search_by_grade_and_grant_status(world, cred):
    wang = colleague(world)
    make_grant(world, world.tenant_a, cred.whipple, physician=wang)
    grant = make_grant(world, world.tenant_a, cred.appendectomy)
    with tenant_context(world.tenant_a):
        from credentialing.models import Grant

        Grant.objects.filter(pk=grant.pk).update(status="suspended")
    ma = login("ma_a")
    # who holds a grade-4 privilege
    found = ma.get(f"{A}/physicians/", {"grade": 4}).json()["results"]
    assert [(p["name"], p["grants"]) for p in found] == [("王医生", {"active": 1})]
    # whose privileges are suspended
    found = ma.get(f"{A}/physicians/", {"grant_status": "suspended"}).json()["results"]
    assert [p["id"] for p in found] == [str(world.physician_a.id)]
    # by name; hospital B's physicians never appear; a doctor may not search
    assert ma.get(f"{A}/physicians/", {"search": "李医生"}).json()["count"] == 0
    assert login("doctor_a").get(f"{A}/physicians/").status_code == 403
    assert login("admin_b").get(f"{A}/physicians/").status_code == 404
