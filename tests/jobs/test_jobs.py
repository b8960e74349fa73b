"""Background jobs: progress, row-level failures, downloadable results, visible only to who started them."""

import requests
from django.core.files.uploadedfile import SimpleUploadedFile

from core.xlsx import XLSX_CONTENT_TYPE, Column, read_rows, write_workbook
from jobs.models import JobStatus
from jobs.services import JobResult, JobRowErrors, job_handler, job_run_now, job_start
from tests.conftest import login

COLUMNS = [Column("姓名", "name"), Column("年龄", "age", required=False)]


@job_handler("tests.echo")
def _echo(job, progress):
    from core import storage

    data = storage.client().get_object(Bucket=storage.bucket(), Key=job.input_key)["Body"].read()
    rows = read_rows(data, COLUMNS)
    errors = [
        {"row": n, "attr": "name", "code": "required", "detail": "必填"} for n, r in rows if not r["name"]
    ]
    if errors:
        raise JobRowErrors(errors)
    progress(len(rows), len(rows))
    return JobResult(
        summary={"rows": len(rows)},
        file=("回显.xlsx", write_workbook(["姓名"], [[r["name"]] for _, r in rows]), XLSX_CONTENT_TYPE),
    )


def _upload(rows):
    return SimpleUploadedFile(
        "in.xlsx", write_workbook(["姓名", "年龄"], rows), content_type=XLSX_CONTENT_TYPE
    )


def _start(world, rows, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        job = job_start(kind="tests.echo", user=world.admin_a, upload=_upload(rows))
    return job_run_now(job.id)


def test_a_job_runs_and_its_result_is_downloadable_by_its_owner_only(
    world, db, django_capture_on_commit_callbacks
):
    # given a job over an uploaded workbook
    job = _start(world, [["张三", 30], ["李四", 40]], django_capture_on_commit_callbacks)

    # then it succeeded with a summary and a file
    assert job.status == JobStatus.SUCCEEDED
    assert job.summary == {"rows": 2}
    owner = login("admin_a")
    body = owner.get(f"/api/v1/jobs/{job.id}/").json()
    assert body["percent"] == 100
    assert body["result_name"] == "回显.xlsx"
    link = owner.post(f"/api/v1/jobs/{job.id}/download/").json()["url"]
    rows = read_rows(requests.get(link, timeout=10).content, [Column("姓名", "name")])
    assert [r["name"] for _, r in rows] == ["张三", "李四"]

    # and someone else cannot see it
    other = login("admin_b")
    assert other.get(f"/api/v1/jobs/{job.id}/").status_code == 404
    assert other.post(f"/api/v1/jobs/{job.id}/download/").status_code == 404
    assert str(job.id) not in str(other.get("/api/v1/jobs/").json())


def test_a_job_with_bad_rows_fails_with_a_row_report(world, db, django_capture_on_commit_callbacks):
    job = _start(world, [["张三", 30], [None, 40], ["", 50]], django_capture_on_commit_callbacks)
    assert job.status == JobStatus.FAILED
    assert [e["row"] for e in job.errors] == [3, 4]
    assert job.result_key == ""
