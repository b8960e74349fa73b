"""Adverse records (不良记录): the province imports, everyone else queries within reach; they count."""

from datetime import date

import pytest
from assessment.models import AdverseRecord
from assessment.selectors.adverse import adverse_record_count

from audit.models import AuditEvent
from core.crypto import keyed_hash
from jobs.models import Job
from jobs.services import job_run_now
from physicians.validators import id_card_with_check
from tests.assessment.enrolment.conftest import make_physician, xlsx_file
from tests.conftest import login

pytestmark = pytest.mark.django_db

HEADERS = ["姓名", "身份证号", "执业证书编号", "不良记录类型", "发生日期", "情况说明", "来源"]
ID_A = "330102198001011234"  # physician A's (world; its check digit is not valid, fine for queries)
ID_X = id_card_with_check("33010219750101301")  # 吴医生, hospital A (valid: for imports)
ID_Y = id_card_with_check("33010219750101302")  # 郑医生, hospital B
ID_UNKNOWN = id_card_with_check("33010619900101555")


@pytest.fixture
def wu_and_zheng(world):
    return (
        make_physician("吴医生", world.hospital_a, seq=301, department=world.dept_a),
        make_physician("郑医生", world.hospital_b, seq=302),
    )


def run_import(client, rows):
    response = client.post(
        "/api/v1/adverse-records/import/", {"file": xlsx_file(HEADERS, rows)}, format="multipart"
    )
    assert response.status_code == 202, response.content
    return job_run_now(response.json()["id"])


def record(world, physician, *, occurred_on=date(2025, 5, 1), kind="行政处罚"):
    return AdverseRecord.objects.create(
        physician=physician,
        id_card_hash=physician.id_card_hash,
        id_card_last4=physician.id_card_last4,
        name=physician.name,
        organization=physician.organization,
        region_path=physician.region_path,
        kind=kind,
        occurred_on=occurred_on,
        imported_by=world.city_admin,
    )


# --- import ------------------------------------------------------------------------------------------


def test_the_province_imports_and_rows_are_matched(world, province_admin, wu_and_zheng):
    # given rows for a physician of hospital A, one of hospital B and someone not in the registry
    wu, _zheng = wu_and_zheng
    rows = [
        ["吴医生", ID_X, "", "行政处罚", "2025-03-01", "超范围执业", "杭卫罚〔2025〕1号"],
        ["郑医生", ID_Y, "110330100000302", "医疗事故", "2024/11/20", "", ""],
        ["周医生", ID_UNKNOWN, "", "不良执业行为记分", date(2025, 6, 1), "", ""],
    ]

    # when the province imports them
    job = run_import(login("enr_province"), rows)

    # then all are stored, two matched to the registry with their institution
    assert job.status == "succeeded", job.errors
    assert job.summary == {"rows": 3, "created": 3, "matched": 2}
    a = AdverseRecord.objects.get(name="吴医生")
    assert (a.physician_id, a.organization_id, a.region_path) == (
        wu.pk,
        world.hospital_a.pk,
        world.hospital_a.region_path,
    )
    unknown = AdverseRecord.objects.get(name="周医生")
    assert (unknown.physician_id, unknown.region_path, unknown.id_card_last4) == (
        None,
        "330000/",
        ID_UNKNOWN[-4:],
    )
    assert unknown.id_card_hash == keyed_hash(ID_UNKNOWN)
    assert AuditEvent.objects.filter(action="assessment.adverse_records_imported").count() == 1


def test_an_import_with_a_bad_row_stores_nothing_and_reports_rows(world, province_admin, wu_and_zheng):
    # given a stored record and a file with problems
    record(world, wu_and_zheng[0], occurred_on=date(2025, 3, 1))
    rows = [
        ["吴医生", ID_X, "", "医疗事故", "2025-04-01", "", ""],  # fine
        ["吴医生", ID_A, "", "医疗事故", "2025-04-01", "", ""],  # check digit
        ["王某", ID_X, "", "医疗事故", "2025-04-02", "", ""],  # name differs from the registry
        ["吴医生", ID_X, "", "", "2025-04-03", "", ""],  # kind missing
        ["吴医生", ID_X, "", "医疗事故", "明天", "", ""],  # date
        ["吴医生", ID_X, "", "医疗事故", "2025-04-01", "", ""],  # same as row 2
        ["吴医生", ID_X, "", "行政处罚", "2025-03-01", "", ""],  # already imported
        ["吴医生", ID_X, "", "医疗事故", "2999-01-01", "", ""],  # future
    ]
    before = AdverseRecord.objects.count()

    job = run_import(login("enr_province"), rows)

    assert job.status == "failed"
    assert [(e["row"], e["attr"], e["code"]) for e in job.errors] == [
        (3, "id_card_number", "invalid_id_card"),
        (4, "name", "name_mismatch"),
        (5, "kind", "required"),
        (6, "occurred_on", "invalid_date"),
        (7, "id_card_number", "duplicate_row"),
        (8, "id_card_number", "already_imported"),
        (9, "occurred_on", "date_in_future"),
    ]
    assert AdverseRecord.objects.count() == before


def test_only_the_province_imports(world):
    clients = {u: login(u) for u in ("admin_a", "city_x_admin", "doctor_a")}
    jobs_before = Job.objects.count()

    for client in clients.values():
        response = client.post(
            "/api/v1/adverse-records/import/", {"file": xlsx_file(HEADERS, [])}, format="multipart"
        )
        assert response.status_code == 403

    assert Job.objects.count() == jobs_before
    anonymous = login("admin_a")
    anonymous.credentials()
    assert anonymous.post("/api/v1/adverse-records/import/", {}, format="multipart").status_code == 401


# --- queries -----------------------------------------------------------------------------------------


def listed(username, **params) -> set:
    response = login(username).get("/api/v1/adverse-records/", params)
    assert response.status_code == 200, response.content
    return {r["id"] for r in response.json()["results"]}


def test_each_side_queries_within_reach(world, province_admin, body_x, industry_x):
    # given a record of physician A (hospital A, city X), one of B (city Y), one unmatched (province)
    a = record(world, world.physician_a)
    b = record(world, world.physician_b)
    unmatched = AdverseRecord.objects.create(
        id_card_hash=keyed_hash(ID_UNKNOWN),
        id_card_last4=ID_UNKNOWN[-4:],
        name="周医生",
        region_path="330000/",
        kind="行政处罚",
        occurred_on=date(2025, 1, 1),
        imported_by=province_admin,
    )

    # then
    assert listed("enr_province") == {str(a.pk), str(b.pk), str(unmatched.pk)}
    assert listed("city_x_admin") == {str(a.pk)}
    assert listed("admin_a") == {str(a.pk)}
    assert listed("admin_b") == {str(b.pk)}
    assert listed("enr_body_x") == {str(a.pk)}  # body X is assigned to hospital A
    assert listed("enr_industry_x") == set()
    assert login("admin_b").get(f"/api/v1/adverse-records/{a.pk}/").status_code == 404
    assert login("city_x_admin").get(f"/api/v1/adverse-records/{b.pk}/").status_code == 404


def test_the_id_card_is_masked_and_commission_reads_are_audited(world):
    a = record(world, world.physician_a)
    before = AuditEvent.objects.filter(action="assessment.adverse_records.read").count()

    row = login("city_x_admin").get("/api/v1/adverse-records/").json()["results"][0]
    detail = login("admin_a").get(f"/api/v1/adverse-records/{a.pk}/").json()

    assert row["id_card_masked"] == "**************1234"
    assert detail["organization_name"] == "杭州市第一人民医院"
    assert ID_A not in str(row)
    assert ID_A not in str(detail)
    assert AuditEvent.objects.filter(action="assessment.adverse_records.read").count() == before + 1


def test_filters(world):
    a = record(world, world.physician_a, occurred_on=date(2025, 5, 1), kind="行政处罚")
    old = record(world, world.physician_a, occurred_on=date(2020, 5, 1), kind="医疗事故")

    assert listed("admin_a", kind="事故") == {str(old.pk)}
    assert listed("admin_a", occurred_from="2024-01-01") == {str(a.pk)}
    assert listed("admin_a", id_card=ID_A) == {str(a.pk), str(old.pk)}
    assert listed("admin_a", name="李") == set()


def test_the_query_matrix(world):
    anonymous = login("admin_a")
    anonymous.credentials()

    assert anonymous.get("/api/v1/adverse-records/").status_code == 401
    assert login("doctor_a").get("/api/v1/adverse-records/").status_code == 403


# --- the count the eligibility rules use -------------------------------------------------------------


def test_the_count_includes_unmatched_records_with_the_same_id_card(world, cycle):
    # given one matched record in the cycle, one before it, one unmatched with A's ID card
    record(world, world.physician_a, occurred_on=date(2025, 5, 1))
    record(world, world.physician_a, occurred_on=date(2019, 5, 1))
    AdverseRecord.objects.create(
        id_card_hash=keyed_hash(ID_A),
        name="张医生",
        region_path="330000/",
        kind="行政处罚",
        occurred_on=date(2024, 2, 1),
        imported_by=world.city_admin,
    )

    assert adverse_record_count(world.physician_a) == 3
    assert adverse_record_count(world.physician_a, since=date(2024, 1, 1)) == 2
    assert adverse_record_count(physician=world.physician_a, cycle=cycle) == 2
    assert adverse_record_count(world.physician_b) == 0
