"""Question import (all or nothing, row report) and export (re-importable) as background jobs."""

from django.core.files.uploadedfile import SimpleUploadedFile
from exams.jobs import IMPORT_COLUMNS
from exams.models import Question

from core import storage
from core.xlsx import XLSX_CONTENT_TYPE, read_rows, write_workbook
from jobs.services import job_run_now
from tests.conftest import login

HEADERS = [c.header for c in IMPORT_COLUMNS]


def row(**values):
    by_header = {c.header: "" for c in IMPORT_COLUMNS}
    by_header.update(values)
    return [by_header[h] for h in HEADERS]


def upload(rows):
    return SimpleUploadedFile("q.xlsx", write_workbook(HEADERS, rows), content_type=XLSX_CONTENT_TYPE)


def run_import(client, bank, rows, capture):
    with capture(execute=False):
        response = client.post(
            f"/api/v1/exams/banks/{bank.id}/import/", {"file": upload(rows)}, format="multipart"
        )
    assert response.status_code == 202, response.content
    return job_run_now(response.json()["id"])


GOOD = [
    row(
        题型="单选",
        题干="高血压的诊断标准",
        选项A="140/90",
        选项B="120/80",
        答案="A",
        难度="容易",
        执业类别="临床",
    ),
    row(
        题型="多选",
        题干="属于抗生素的是",
        选项A="青霉素",
        选项B="头孢",
        选项C="阿司匹林",
        答案="AB",
        标签="药学,抗菌",
    ),
    row(题型="组合题", 题干="患者男，65岁……", 组合题编号="G1", 解析="病例解析"),
    row(题型="单选", 题干="首选检查", 选项A="心电图", 选项B="CT", 答案="A", 组合题编号="G1"),
    row(题型="多选", 题干="治疗措施", 选项A="吸氧", 选项B="溶栓", 选项C="补钾", 答案="AB", 组合题编号="G1"),
]


def test_import_stores_every_kind_and_export_imports_again(
    world, db, exam, django_capture_on_commit_callbacks
):
    client = login("admin_a")
    # when a good file is imported
    job = run_import(client, exam.bank, GOOD, django_capture_on_commit_callbacks)
    # then three questions, the case group with two sub-questions
    assert job.status == "succeeded", job.errors
    assert job.summary == {"rows": 5, "created": 3}
    case = Question.objects.get(bank=exam.bank, kind="case", current__stem="患者男，65岁……")
    assert [i["answer"] for i in case.current.items] == [["A"], ["A", "B"]]
    multiple = Question.objects.get(bank=exam.bank, current__stem="属于抗生素的是")
    assert multiple.tags == ["抗菌", "药学"]
    # and the export carries the same columns, importable into another bank
    with django_capture_on_commit_callbacks(execute=False):
        response = client.post(f"/api/v1/exams/banks/{exam.bank.id}/export/")
    export = job_run_now(response.json()["id"])
    assert export.status == "succeeded"
    data = storage.client().get_object(Bucket=storage.bucket(), Key=export.result_key)["Body"].read()
    rows = read_rows(data, IMPORT_COLUMNS)
    assert len(rows) == 7 + 2 + 3 + 2  # the fixture's 7 (its case has 2 subs) and the 3 imported (2 subs)
    other = client.post("/api/v1/exams/banks/", {"name": "副本", "purpose": "exam"}, format="json").json()
    bank = type("B", (), {"id": other["id"]})
    again = run_import(client, bank, [list(r.values()) for _, r in rows], django_capture_on_commit_callbacks)
    assert again.status == "succeeded", again.errors
    assert Question.objects.filter(bank_id=other["id"]).count() == 10


def test_an_import_with_bad_rows_stores_nothing_and_names_the_rows(
    world, db, exam, django_capture_on_commit_callbacks
):
    bad = GOOD + [
        row(题型="判断", 题干="x", 选项A="1", 选项B="2", 答案="A"),
        row(题型="单选", 题干="y", 选项A="1", 选项B="2", 答案="E"),
        row(题型="单选", 题干="z", 选项A="1", 选项B="2", 答案="A", 组合题编号="G9"),
    ]
    job = run_import(login("admin_a"), exam.bank, bad, django_capture_on_commit_callbacks)
    assert job.status == "failed"
    assert sorted((e["row"], e["code"]) for e in job.errors) == [
        (7, "invalid_kind"),
        (8, "answer_not_an_option"),
        (9, "unknown_group"),
    ]
    assert Question.objects.filter(bank=exam.bank).count() == 7


def test_import_into_someone_elses_bank_is_not_found(world, db, exam):
    response = login("admin_b").post(
        f"/api/v1/exams/banks/{exam.bank.id}/import/", {"file": upload(GOOD)}, format="multipart"
    )
    assert response.status_code == 404
    assert login("admin_b").post(f"/api/v1/exams/banks/{exam.bank.id}/export/").status_code == 404
