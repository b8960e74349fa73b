"""POST cycles/<id>/progress/export/ and progress/physicians/export/: .xlsx files (run synchronously here)
holding the rows of the starter's reach, audited."""

import io

from openpyxl import load_workbook
from rest_framework.test import APIClient

from audit.models import AuditEvent
from core import storage
from jobs.models import Job
from jobs.services import job_run_now
from tests.conftest import login


def _run(username, path, body):
    response = login(username).post(path, body, format="json")
    assert response.status_code == 202, response.content
    job = job_run_now(response.json()["id"])
    assert job.status == "succeeded", job.errors
    data = storage.client().get_object(Bucket=storage.bucket(), Key=job.result_key)["Body"].read()
    return job, [list(r) for r in load_workbook(io.BytesIO(data)).worksheets[0].iter_rows(values_only=True)]


def test_export_matrix(world, cycle, spread):
    path = f"/api/v1/cycles/{cycle.pk}/progress/export/"
    assert APIClient().post(path, {}, format="json").status_code == 401
    assert login("doctor_a").post(path, {}, format="json").status_code == 403
    assert login("admin_a").post(path, {"table": "nope"}, format="json").status_code == 400
    assert login("admin_a").post(path, {"region": "999999"}, format="json").status_code == 400
    assert not Job.objects.exists()


def test_the_progress_table_export(world, cycle, spread, province_admin):
    job, rows = _run("st_province", f"/api/v1/cycles/{cycle.pk}/progress/export/", {"by": "organization"})

    header = rows[0]
    assert header[:3] == ["机构", "参加人数", "已取消参加"]
    body = {r[0]: dict(zip(header, r, strict=True)) for r in rows[1:]}
    assert set(body) == {"杭州市第一人民医院", "宁波市第二医院", "上城区人民医院", "合计"}
    assert body["杭州市第一人民医院"]["参加人数"] == 4
    assert body["杭州市第一人民医院"]["合格率"] == "66.67%"
    assert body["上城区人民医院"]["已取消参加"] == 1
    assert body["上城区人民医院"]["合格率"] is None  # nothing to divide by: an empty cell
    assert (body["合计"]["参加人数"], body["合计"]["合格"], body["合计"]["完成率"]) == (7, 3, "57.14%")
    assert job.summary == {"rows": 3, "table": "progress"}
    assert AuditEvent.objects.filter(action="assessment_stats.table_exported").count() == 1


def test_the_final_and_makeup_tables_keep_the_reach(world, cycle, spread):
    _job, final = _run(
        "admin_a", f"/api/v1/cycles/{cycle.pk}/progress/export/", {"table": "final", "by": "department"}
    )
    assert final[0][:2] == ["科室", "参加人数"]
    labels = [r[0] for r in final[1:]]
    assert labels == ["杭州市第一人民医院 心胸外科", "杭州市第一人民医院 普外科", "合计"]
    total = dict(zip(final[0], final[-1], strict=True))
    assert (total["合格"], total["不合格"], total["合格率"]) == (2, 1, "66.67%")

    _job, makeup = _run("admin_b", f"/api/v1/cycles/{cycle.pk}/progress/export/", {"table": "makeup"})
    assert "进入补考名单" in makeup[0]
    assert makeup[-1][0] == "合计"
    assert makeup[-1][1] == 2


def test_the_physician_export_is_masked_and_reached(world, cycle, spread):
    job, rows = _run("city_x_admin", f"/api/v1/cycles/{cycle.pk}/progress/physicians/export/", {})

    assert rows[0][:3] == ["考核周期", "姓名", "身份证号"]
    names = {r[1] for r in rows[1:]}
    assert names == {"张医生", "王医生", "赵医生", "孙医生", "周医生", "吴医生"}  # city X: hospitals A and C
    zhang = next(r for r in rows[1:] if r[1] == "张医生")
    assert zhang[2] == "**************1234"
    assert zhang[8] == "合格"
    assert job.summary == {"rows": 6}
    assert AuditEvent.objects.filter(action="assessment_stats.physicians_exported").count() == 1
