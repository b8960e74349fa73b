"""CSV imports of performed operations and prescriptions (flags, statistics by department, broken rows fail
the file and store nothing), the catalogue's .xlsx import and export, and the reassessment built from the
imported records."""

import io
from datetime import date, timedelta

from credentialing.models import CatalogueItem, Grant, PrescriptionRecord, SurgeryRecord
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from django_tenants.utils import tenant_context
from openpyxl import Workbook, load_workbook

from core import storage
from core.crypto import encrypt, keyed_hash
from jobs.models import Job
from jobs.services import job_run_now
from physicians.models import Physician
from tests.conftest import login
from tests.credentialing.conftest import A
from tests.credentialing.test_grants import make_grant


def colleague(world):
    return Physician.objects.create(
        name="王医生",
        organization=world.hospital_a,
        region_path=world.hospital_a.region_path,
        department=world.dept_a,
        id_card_encrypted=encrypt("330102198101011111"),
        id_card_hash=keyed_hash("330102198101011111"),
        id_card_last4="1111",
        licence_number="110330100000009",
        practice_category="clinical",
        title="主任医师",
    )


def run_job(client, url, name, data, capture, content_type="text/csv"):
    with capture(execute=False):
        response = client.post(
            url, {"file": SimpleUploadedFile(name, data, content_type=content_type)}, format="multipart"
        )
    assert response.status_code == 202, response.content
    return job_run_now(response.json()["id"])


OPERATIONS_HEADER = "病案号,手术日期,科室,手术编码,主刀医师执业证号,病案首页主刀执业证号,一助执业证号,二助执业证号,并发症,死亡,非计划再次手术\n"


def test_operations_import_flags_cases_and_counts_by_department(
    world, cred, django_capture_on_commit_callbacks
):
    # given physician_a (主治医师) holds the appendectomy privilege; a 主任医师 colleague holds nothing
    wang = colleague(world)
    make_grant(world, world.tenant_a, cred.appendectomy, valid_from=date(2026, 1, 1))
    a, w = world.physician_a.licence_number, wang.licence_number
    csv = (
        OPERATIONS_HEADER
        + f"Z1,2026-03-01,普外科,47.0901,{a},{a},{w},,0,0,0\n"  # in privilege
        + f"Z2,2026-03-02,普外科,52.7x01,{a},{a},,,1,0,0\n"  # no grant, grade 4 above 主治医师
        + f"Z3,2026-03-03,普外科,47.0901,{w},{a},{a},,0,0,0\n"  # colleague without grant; front page says a
    ).encode()
    # when medical affairs imports it
    job = run_job(
        login("ma_a"), f"{A}/imports/operations/", "ops.csv", csv, django_capture_on_commit_callbacks
    )
    # then the findings
    assert job.status == "succeeded", job.errors
    assert job.summary["rows"] == 3
    assert (job.summary["out_of_privilege"], job.summary["over_grade"], job.summary["lead_mismatch"]) == (
        2,
        1,
        1,
    )
    with tenant_context(world.tenant_a):
        flags = {
            r.record_no: (r.out_of_privilege, r.over_grade, r.lead_mismatch)
            for r in SurgeryRecord.objects.all()
        }
    assert flags == {"Z1": (False, False, False), "Z2": (True, True, False), "Z3": (True, False, True)}
    # and the statistics by department and the violation list
    stats = login("ma_a").get(f"{A}/statistics/").json()["operations"]
    assert stats == [
        {
            "department_id": str(world.dept_a.id),
            "total": 3,
            "out_of_privilege": 2,
            "over_grade": 1,
            "lead_mismatch": 1,
            "preop_discussion_issue": 0,
            "death_discussion_issue": 0,
            "unreported_major": 0,
        }
    ]
    violations = login("head_a").get(f"{A}/violations/", {"flag": "lead_mismatch"}).json()
    assert [v["record_no"] for v in violations["results"]] == ["Z3"]
    # and an applicant's record now counts the assists
    response = login("doctor_a").post(
        f"{A}/applications/",
        {"kind": "surgical", "item_id": str(cred.whipple.id), "form": {"reason": "x"}},
        format="json",
    )
    assert response.status_code == 400  # grade 4 is still above the title


def test_a_csv_with_broken_rows_is_reported_and_nothing_is_imported(
    world, cred, django_capture_on_commit_callbacks
):
    a = world.physician_a.licence_number
    csv = (
        OPERATIONS_HEADER
        + f"Y1,2026-03-01,普外科,47.0901,{a},{a},,,0,0,0\n"
        + f"Y2,2026-13-45,普外科,47.0901,{a},{a},,,0,0,0\n"  # bad date
        + "Y3,2026-03-01,普外科,47.0901,999,,,,0,0,0\n"  # unknown physician
        + f"Y4,2026-03-01,不存在科,47.0901,{a},,,,maybe,0,0\n"  # unknown department, bad flag
    ).encode()
    job = run_job(
        login("ma_a"), f"{A}/imports/operations/", "ops.csv", csv, django_capture_on_commit_callbacks
    )
    assert job.status == "failed"
    assert {(e["row"], e["code"]) for e in job.errors} == {
        (3, "invalid_date"),
        (4, "unknown_physician"),
        (5, "unknown_department"),
        (5, "invalid_flag"),
    }
    with tenant_context(world.tenant_a):
        assert SurgeryRecord.objects.count() == 0


def test_prescriptions_import_flags_out_of_privilege(world, cred, django_capture_on_commit_callbacks):
    make_grant(
        world,
        world.tenant_a,
        None,
        drug_class="antimicrobial",
        level="restricted",
        valid_from=date(2026, 1, 1),
    )
    a = world.physician_a.licence_number
    csv = (
        "处方号,开具日期,科室,医师执业证号,药品类别,级别,药品名称\n"
        f"P1,2026-03-01,普外科,{a},antimicrobial,restricted,头孢曲松\n"
        f"P2,2026-03-01,普外科,{a},抗菌药物处方权,special,美罗培南\n"
        f"P3,2026-03-01,普外科,{a},oncology,general,奥沙利铂\n"
    ).encode()
    job = run_job(
        login("ma_a"), f"{A}/imports/prescriptions/", "rx.csv", csv, django_capture_on_commit_callbacks
    )
    assert job.status == "succeeded", job.errors
    with tenant_context(world.tenant_a):
        flags = dict(PrescriptionRecord.objects.values_list("record_no", "out_of_privilege"))
    assert flags == {"P1": False, "P2": True, "P3": True}


def test_imports_need_the_manage_permission(world, cred):
    upload = SimpleUploadedFile("ops.csv", OPERATIONS_HEADER.encode(), content_type="text/csv")
    assert (
        login("head_a").post(f"{A}/imports/operations/", {"file": upload}, format="multipart").status_code
        == 403
    )
    assert (
        login("admin_b").post(f"{A}/imports/operations/", {"file": upload}, format="multipart").status_code
        == 404
    )
    # a spreadsheet passed off as CSV is refused at once
    fake = SimpleUploadedFile("ops.csv", b"PK\x03\x04rest", content_type="text/csv")
    response = login("ma_a").post(f"{A}/imports/operations/", {"file": fake}, format="multipart")
    assert response.status_code == 400
    assert response.json()["errors"][0]["code"] == "not_csv"
    assert Job.objects.filter(kind="credentialing.operations_import").count() == 0


def test_catalogue_import_and_export(world, cred, django_capture_on_commit_callbacks):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["院内编码", "名称", "类别", "手术级别", "国家编码", "国家级别", "省级编码", "省级级别"])
    sheet.append(["51.2301", "腹腔镜胆囊切除术", "手术", 3, "51.2300x001", 3, "ZJ51.23", 2])
    sheet.append(["47.0901", "腹腔镜阑尾切除术（更名）", "surgery", 2, "", "", "", ""])
    out = io.BytesIO()
    workbook.save(out)
    xlsx_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    job = run_job(
        login("ma_a"),
        f"{A}/items/import/",
        "c.xlsx",
        out.getvalue(),
        django_capture_on_commit_callbacks,
        xlsx_type,
    )
    assert job.status == "succeeded", job.errors
    assert job.summary == {"created": 1, "updated": 1}
    with tenant_context(world.tenant_a):
        item = CatalogueItem.objects.get(code="51.2301")
        assert (item.grade, item.national_grade, item.provincial_code, item.provincial_grade) == (
            3,
            3,
            "ZJ51.23",
            2,
        )
        assert CatalogueItem.objects.get(code="47.0901").name == "腹腔镜阑尾切除术（更名）"
    # broken rows: nothing written
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["院内编码", "名称", "类别", "手术级别"])
    sheet.append(["60.2101", "经尿道前列腺电切", "手术", 5])
    sheet.append(["60.2102", "", "无此类", ""])
    out = io.BytesIO()
    workbook.save(out)
    job = run_job(
        login("ma_a"),
        f"{A}/items/import/",
        "c.xlsx",
        out.getvalue(),
        django_capture_on_commit_callbacks,
        xlsx_type,
    )
    assert job.status == "failed"
    assert {(e["row"], e["code"]) for e in job.errors} >= {
        (2, "invalid_grade"),
        (3, "invalid_category"),
        (3, "required"),
    }
    with tenant_context(world.tenant_a):
        assert not CatalogueItem.objects.filter(code__startswith="60.").exists()
    # export
    with django_capture_on_commit_callbacks(execute=False):
        response = login("head_a").post(f"{A}/items/export/", {}, format="json")
    job = job_run_now(response.json()["id"])
    data = storage.client().get_object(Bucket=storage.bucket(), Key=job.result_key)["Body"].read()
    rows = list(load_workbook(io.BytesIO(data)).active.iter_rows(values_only=True))
    assert rows[0][:3] == ("院内编码", "名称", "类别")
    assert ("51.2301", "腹腔镜胆囊切除术", "手术") in [r[:3] for r in rows]


def test_reassessment_lists_who_is_due_and_a_failed_item_stops(world, cred):
    # given two grade-2 grants (physician_a's appendectomy, and a colleague's) and a grade-4 one
    wang = colleague(world)
    period_end = timezone.localdate()
    start = period_end - timedelta(days=365)
    g_a = make_grant(world, world.tenant_a, cred.appendectomy, valid_from=start)
    g_w = make_grant(world, world.tenant_a, cred.appendectomy, physician=wang, valid_from=start)
    make_grant(world, world.tenant_a, cred.whipple, physician=wang, valid_from=start)
    with tenant_context(world.tenant_a):
        from credentialing.models import ImportBatch

        batch = ImportBatch.objects.create(kind="operations")
        for i in range(3):
            SurgeryRecord.objects.create(
                batch=batch,
                record_no=f"V{i}",
                performed_on=period_end - timedelta(days=i + 1),
                procedure_code="47.0901",
                item=cred.appendectomy,
                lead_id=world.physician_a.id,
                complication=i == 0,
            )
    ma = login("ma_a")
    # when medical affairs opens the grade-2 reassessment
    created = ma.post(
        f"{A}/reassessments/",
        {
            "name": "2026年二级手术考核",
            "grade": 2,
            "period_start": start.isoformat(),
            "period_end": period_end.isoformat(),
        },
        format="json",
    )
    assert created.status_code == 201, created.content
    rid = created.json()["id"]
    items = ma.get(f"{A}/reassessments/{rid}/items/").json()["results"]
    # then the two grade-2 grants are due, with their figures
    figures = {i["grant"]["id"]: (i["volume"], i["complications"]) for i in items}
    assert figures == {str(g_a.id): (3, 1), str(g_w.id): (0, 0)}
    # closing with an item unassessed is refused
    assert ma.post(f"{A}/reassessments/{rid}/close/", {}, format="json").status_code == 409
    by_grant = {i["grant"]["id"]: i["id"] for i in items}
    url = f"{A}/reassessments/{rid}/items"
    assert (
        ma.post(f"{url}/{by_grant[str(g_a.id)]}/assess/", {"result": "passed"}, format="json").status_code
        == 200
    )
    assert (
        ma.post(
            f"{url}/{by_grant[str(g_w.id)]}/assess/",
            {"result": "failed", "comment": "无开展例数"},
            format="json",
        ).status_code
        == 200
    )
    closed = ma.post(f"{A}/reassessments/{rid}/close/", {}, format="json")
    assert closed.json() == {"assessed": 2, "failed": 1}
    # then the failed item's privilege stopped, the passed one is untouched, results are archived
    with tenant_context(world.tenant_a):
        assert Grant.objects.get(pk=g_w.pk).status == "revoked"
        assert Grant.objects.get(pk=g_w.pk).status_reason == "reassessment_failed"
        assert Grant.objects.get(pk=g_a.pk).status == "active"
        from archives.models import ArchiveEntry

        assert ArchiveEntry.objects.filter(kind="reassessment").count() == 2
    # a closed reassessment is not changed any more; the department head may not run one
    assert (
        ma.post(f"{url}/{by_grant[str(g_a.id)]}/assess/", {"result": "failed"}, format="json").status_code
        == 409
    )
    assert login("head_a").get(f"{A}/reassessments/").status_code == 403


def test_catalogue_analysis_with_restricted_technology_indicators(world, cred):
    # given a restricted technology performed twice, once with a complication, and one grant
    with tenant_context(world.tenant_a):
        from credentialing.models import ImportBatch

        tavi = CatalogueItem.objects.create(
            code="35.0501", name="经导管主动脉瓣置换术", category="restricted", grade=4
        )
        batch = ImportBatch.objects.create(kind="operations")
        for i in range(2):
            SurgeryRecord.objects.create(
                batch=batch,
                record_no=f"T{i}",
                performed_on=date(2026, 2, 1),
                department_id=world.dept_a.id,
                procedure_code="35.0501",
                item=tavi,
                complication=i == 0,
            )
    make_grant(world, world.tenant_a, cred.appendectomy)
    # when medical affairs reads the analysis
    body = login("ma_a").get(f"{A}/analysis/", {"year": 2026}).json()
    # then
    assert body["restricted_technologies"] == [
        {
            "code": "35.0501",
            "name": "经导管主动脉瓣置换术",
            "cases": 2,
            "complications": 1,
            "deaths": 0,
            "unplanned_reoperations": 0,
            "complication_rate": 0.5,
            "mortality": 0.0,
        }
    ]
    assert {r["category"]: r["count"] for r in body["items_by_category"]} == {
        "surgery": 2,
        "endoscopic": 1,
        "restricted": 1,
    }
    assert body["grants_by_kind_and_status"] == [{"kind": "surgical", "status": "active", "count": 1}]
    assert {"title": "主治医师", "count": 1} in body["physicians_by_title"]
    # a doctor may not read it
    assert login("doctor_a").get(f"{A}/analysis/").status_code == 403


def test_surgery_risk_checks_from_the_optional_columns(world, cred, django_capture_on_commit_callbacks):
    # given a 主任医师 with the grade-4 privilege, and a file that carries the discussion and reporting columns
    wang = colleague(world)
    make_grant(world, world.tenant_a, cred.whipple, physician=wang, valid_from=date(2026, 1, 1))
    w = wang.licence_number
    header = OPERATIONS_HEADER.strip() + ",术前讨论日期,死亡病例讨论日期,重大手术报备\n"
    csv = (
        (
            header
            + f"K1,2026-03-01,普外科,52.7x01,{w},{w},,,0,0,0,2026-02-27,,是\n"  # all in order
            + f"K2,2026-03-02,普外科,52.7x01,{w},{w},,,0,1,0,,2026-03-20,否\n"  # no pre-op, late death review, unreported
            + f"K3,2026-03-03,普外科,47.0901,{w},{w},,,0,0,0,,,\n"  # grade 2: no pre-op check, not major
        ).encode()
    )
    job = run_job(
        login("ma_a"), f"{A}/imports/operations/", "ops.csv", csv, django_capture_on_commit_callbacks
    )
    assert job.status == "succeeded", job.errors
    with tenant_context(world.tenant_a):
        flags = {
            r.record_no: (r.preop_discussion_issue, r.death_discussion_issue, r.unreported_major)
            for r in SurgeryRecord.objects.all()
        }
    assert flags == {"K1": (False, False, False), "K2": (True, True, True), "K3": (False, False, False)}
    listed = login("ma_a").get(f"{A}/violations/", {"flag": "unreported_major"}).json()["results"]
    assert [v["record_no"] for v in listed] == ["K2"]
