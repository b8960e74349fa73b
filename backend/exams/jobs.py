"""Background jobs of the question bank: .xlsx import (all or nothing, with a row report) and export (the
same columns, so an export imports again).

One row per question. A case group is a row of type 组合题 with the shared stem and a group number, followed
by rows of type 单选/多选 with the same group number (its sub-questions). Answers are option letters ("AC").
"""

from django.utils.translation import gettext as _

from accounts.selectors import actor_for_membership
from audit.services import audit_record
from core import storage
from core.errors import ApplicationError, PermissionDenied
from core.xlsx import XLSX_CONTENT_TYPE, Column, read_rows, write_workbook
from exams.enums import Difficulty, QuestionKind
from exams.selectors import banks as bank_selectors
from exams.services import banks as services
from jobs.services import JobResult, JobRowErrors, job_handler

IMPORT_KIND = "exams.questions_import"
EXPORT_KIND = "exams.questions_export"

OPTION_LETTERS = "ABCDEFGH"
KIND_NAMES = {"单选": QuestionKind.SINGLE, "多选": QuestionKind.MULTIPLE, "组合题": QuestionKind.CASE}
KIND_LABELS = {v: k for k, v in KIND_NAMES.items()}
DIFFICULTY_NAMES = {"容易": Difficulty.EASY, "中等": Difficulty.MEDIUM, "困难": Difficulty.HARD}
DIFFICULTY_LABELS = {v: k for k, v in DIFFICULTY_NAMES.items()}
CATEGORY_NAMES = {"临床": "clinical", "中医": "tcm", "口腔": "dental", "公共卫生": "public_health"}
CATEGORY_LABELS = {v: k for k, v in CATEGORY_NAMES.items()}

IMPORT_COLUMNS = [
    Column("题型", "kind"),  # 单选 | 多选 | 组合题
    Column("题干", "stem"),
    *[Column(f"选项{letter}", f"option_{letter}", required=False) for letter in OPTION_LETTERS],
    Column("答案", "answer", required=False),  # AC
    Column("解析", "explanation", required=False),
    Column("组合题编号", "group", required=False),
    Column("专业", "specialty", required=False),
    Column("执业类别", "practice_category", required=False),  # 临床 | 中医 | 口腔 | 公共卫生 | blank: all
    Column("难度", "difficulty", required=False),  # 容易 | 中等 | 困难
    Column("标签", "tags", required=False),  # separated by commas
]


def _job_actor(job):
    actor = actor_for_membership(
        user=job.created_by, organization_id=job.organization_id, role=job.params.get("role")
    )
    if actor is None:
        raise PermissionDenied(_("您已不是该机构的成员。"), code="not_a_member")
    return actor


def _row_error(number, attr, code, detail) -> dict:
    return {"row": number, "attr": attr, "code": code, "detail": str(detail)}


def _choice(row: dict) -> dict:
    options = [
        {"key": letter, "text": row.get(f"option_{letter}", "")}
        for letter in OPTION_LETTERS
        if row.get(f"option_{letter}", "")
    ]
    answer = [c for c in row.get("answer", "").replace(",", "").replace("，", "").upper() if c.strip()]
    return {
        "stem": row["stem"],
        "options": options,
        "answer": answer,
        "explanation": row.get("explanation", ""),
    }


def _classification(number, row, errors) -> dict:
    category = row.get("practice_category", "")
    if category and category not in CATEGORY_NAMES:
        errors.append(
            _row_error(number, "practice_category", "invalid_practice_category", _("执业类别无效。"))
        )
    difficulty = row.get("difficulty", "") or "中等"
    if difficulty not in DIFFICULTY_NAMES:
        errors.append(_row_error(number, "difficulty", "invalid_difficulty", _("难度无效。")))
    return {
        "specialty": row.get("specialty", "")[:64],
        "practice_category": CATEGORY_NAMES.get(category, ""),
        "difficulty": DIFFICULTY_NAMES.get(difficulty, Difficulty.MEDIUM),
        "tags": [t for t in row.get("tags", "").replace("，", ",").split(",") if t.strip()],
    }


def questions_from_rows(rows: list[tuple[int, dict]]) -> tuple[list[dict], list[dict]]:
    """Checked questions {"kind", "content", "classification"} and row errors (with row numbers)."""
    errors: list[dict] = []
    out: list[dict] = []
    groups: dict[str, tuple[int, dict]] = {}
    for number, row in rows:
        kind = KIND_NAMES.get(row.get("kind", ""))
        if kind is None:
            errors.append(_row_error(number, "kind", "invalid_kind", _("题型须为单选、多选或组合题。")))
            continue
        group = row.get("group", "")
        if kind == QuestionKind.CASE:
            if not group:
                errors.append(_row_error(number, "group", "group_required", _("组合题须填写组合题编号。")))
                continue
            if group in groups:
                errors.append(_row_error(number, "group", "duplicate_group", _("组合题编号重复。")))
                continue
            entry = {
                "kind": kind,
                "content": {"stem": row["stem"], "items": [], "explanation": row.get("explanation", "")},
                "classification": _classification(number, row, errors),
            }
            groups[group] = (number, entry)
            out.append(entry)
            continue
        content = _choice(row)
        if group:
            if group not in groups:
                errors.append(
                    _row_error(number, "group", "unknown_group", _("组合题编号须先在组合题行中出现。"))
                )
                continue
            content["kind"] = kind
            groups[group][1]["content"]["items"].append(content)
            continue
        entry = {"kind": kind, "content": content, "classification": _classification(number, row, errors)}
        try:
            entry["content"] = services.question_content_validate(kind=kind, content=content)
            entry["classification"] = services.classification_validate(entry["classification"])
        except ApplicationError as exc:
            errors.append(_row_error(number, exc.attr, exc.get_codes(), exc.detail))
            continue
        out.append(entry)
    for number, entry in groups.values():
        try:
            entry["content"] = services.question_content_validate(
                kind=QuestionKind.CASE, content=entry["content"]
            )
            entry["classification"] = services.classification_validate(entry["classification"])
        except ApplicationError as exc:
            errors.append(_row_error(number, exc.attr, exc.get_codes(), exc.detail))
    return out, errors


@job_handler(IMPORT_KIND)
def questions_import(job, progress):
    """Every row is checked first; any bad row fails the job with a row report and nothing is stored.
    Then all questions are stored in one transaction, each with its first version."""
    actor = _job_actor(job)
    bank = services.bank_for_import(actor=actor, bank_id=job.params["bank_id"])
    data = storage.client().get_object(Bucket=storage.bucket(), Key=job.input_key)["Body"].read()
    rows = read_rows(data, IMPORT_COLUMNS)
    total = len(rows)
    progress(0, total)
    questions, errors = questions_from_rows(rows)
    if errors:
        raise JobRowErrors(errors)
    count = services.questions_import_store(bank=bank, user=job.created_by, rows=questions)
    progress(total, total)
    return JobResult(summary={"rows": total, "created": count})


def _export_rows(question) -> list[list]:
    v = question.current
    common = [
        question.specialty,
        CATEGORY_LABELS.get(question.practice_category, ""),
        DIFFICULTY_LABELS.get(question.difficulty, ""),
        ",".join(question.tags),
    ]

    def choice_row(kind, stem, options, answer, explanation, group=""):
        texts = {o["key"]: o["text"] for o in options}
        return [
            KIND_LABELS[kind],
            stem,
            *[texts.get(letter, "") for letter in OPTION_LETTERS],
            "".join(answer),
            explanation,
            group,
        ]

    if question.kind != QuestionKind.CASE:
        return [choice_row(question.kind, v.stem, v.options, v.answer, v.explanation) + common]
    group = str(question.id)[:8]
    rows = [
        [KIND_LABELS[QuestionKind.CASE], v.stem, *[""] * len(OPTION_LETTERS), "", v.explanation, group]
        + common
    ]
    for item in v.items:
        rows.append(
            choice_row(
                item["kind"], item["stem"], item["options"], item["answer"], item["explanation"], group
            )
            + ["", "", "", ""]
        )
    return rows


@job_handler(EXPORT_KIND)
def questions_export(job, progress):
    """The bank's questions (current versions) with the import's columns. Audited."""
    actor = _job_actor(job)
    bank = services.bank_for_import(actor=actor, bank_id=job.params["bank_id"])
    qs = bank_selectors.questions_for_export(actor=actor, bank_id=bank.id)
    total = qs.count()
    progress(0, total)
    rows = []
    for question in qs.iterator(chunk_size=1000):
        rows.extend(_export_rows(question))
    audit_record(
        action="exams.questions_exported",
        actor=job.created_by,
        organization_id=actor.organization_id,
        target=job,
        data={"bank": str(bank.id), "questions": total},
    )
    progress(total, total)
    return JobResult(
        summary={"questions": total},
        file=(
            _("题库导出.xlsx"),
            write_workbook([c.header for c in IMPORT_COLUMNS], rows, title=_("题目")),
            XLSX_CONTENT_TYPE,
        ),
    )


PREPARE_KIND = "exams.papers_prepare"


@job_handler(PREPARE_KIND, queue="default")
def papers_prepare_job(job, progress):
    """Draw ahead the first-attempt paper of every physician who may take the sitting (services.prepared).
    The caller must still manage the owner's exams."""
    from exams.services.prepared import papers_prepare

    actor = _job_actor(job)
    sitting = bank_selectors.sitting_get_for_actor(actor=actor, sitting_id=job.params["sitting_id"])
    return JobResult(summary=papers_prepare(sitting_id=sitting.id, progress=progress))
