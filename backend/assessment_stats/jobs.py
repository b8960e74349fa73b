"""Background exports of the statistics (.xlsx): a group table (progress, make-up results or final results)
and the per-physician progress list, each with the filters and the reach of its starter, audited."""

from assessment.enums import EnrolmentStatus, Procedure, ResultLevel
from assessment.selectors.cycles import cycle_get
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.selectors import actor_for_membership
from assessment_stats import selectors
from audit.services import audit_record
from core.errors import PermissionDenied
from core.xlsx import XLSX_CONTENT_TYPE, write_workbook
from jobs.services import JobResult, job_handler

TABLE_EXPORT_KIND = "assessment_stats.table_export"
PHYSICIANS_EXPORT_KIND = "assessment_stats.physicians_export"


def _rate(value) -> str:
    return "" if value is None else f"{value * 100:.2f}%"


# (header, figure) per table; a rate is written as a percentage.
TABLE_COLUMNS = {
    "progress": [
        ("参加人数", "enrolled"),
        ("已取消参加", "withdrawn"),
        ("未提交", "not_submitted"),
        ("已提交", "submitted"),
        ("机构审核通过", "institution_approved"),
        ("复核通过", "body_approved"),
        ("已评分", "scored"),
        ("已公示", "published"),
        ("补考中", "in_makeup"),
        ("合格", "passed"),
        ("其中优秀", "excellent"),
        ("不合格", "failed"),
        ("提交率", "submission_rate"),
        ("完成率", "completion_rate"),
        ("合格率", "pass_rate"),
        ("优秀率", "excellent_rate"),
    ],
    "makeup": [
        ("参加人数", "enrolled"),
        ("进入补考名单", "makeup_listed"),
        ("待确认补考", "makeup_awaiting"),
        ("不允许补考", "makeup_refused"),
        ("补考中", "makeup_sitting"),
        ("补考合格", "makeup_passed"),
        ("补考不合格", "makeup_failed"),
        ("补考合格率", "makeup_pass_rate"),
    ],
    "final": [
        ("参加人数", "enrolled"),
        ("已有最终结果", "finalized"),
        ("未完成", "pending"),
        ("合格", "passed"),
        ("其中优秀", "excellent"),
        ("其中补考合格", "passed_after_makeup"),
        ("不合格", "failed"),
        ("完成率", "completion_rate"),
        ("合格率", "pass_rate"),
        ("优秀率", "excellent_rate"),
    ],
}
TABLE_TITLES = {"progress": "考核进度统计表", "makeup": "补考考核结果统计表", "final": "最终考核结果统计表"}
GROUP_HEADERS = {
    "region": "地区",
    "organization": "机构",
    "department": "科室",
    "title": "职称",
    "procedure": "考核程序",
}

PHYSICIAN_HEADERS = [
    "考核周期",
    "姓名",
    "身份证号",
    "执业证书编号",
    "机构",
    "科室",
    "职称",
    "考核程序",
    "状态",
    "提交时间",
    "业务水平测评成绩",
    "补考成绩",
    "总分",
    "考核结果",
]


def _job_actor(job):
    actor = actor_for_membership(
        user=job.created_by, organization_id=job.organization_id, role=job.params.get("role")
    )
    if actor is None:
        raise PermissionDenied(_("您已不是该机构的成员。"), code="not_a_member")
    return actor


def _audit(job, actor, action: str, rows: int) -> None:
    audit_record(
        action=action,
        actor=job.created_by,
        organization_id=actor.organization_id,
        region_path=actor.region_path or "",
        target=job,
        data={"cycle": job.params.get("cycle_id"), "filters": job.params.get("filters", {}), "rows": rows},
    )


@job_handler(TABLE_EXPORT_KIND, queue="reports")
def progress_table_export(job, progress):
    """One statistics table, every group (not only a page) and the totals last."""
    actor = _job_actor(job)
    cycle = cycle_get(actor=actor, cycle_id=job.params["cycle_id"])
    filters = dict(job.params.get("filters", {}))
    table = filters.pop("table", "progress")
    progress(0, 1)
    with translation.override("zh-hans"):
        totals, groups = selectors.progress_groups(actor=actor, cycle=cycle, **filters)
        columns = TABLE_COLUMNS[table]
        headers = [GROUP_HEADERS[filters.get("by", "region")], *(h for h, _key in columns)]
        rows = []
        for group in [*groups, {**totals, "label": "合计"}]:
            rows.append(
                [group["label"], *(_rate(group[k]) if k.endswith("_rate") else group[k] for _h, k in columns)]
            )
        title = f"{cycle.name}{TABLE_TITLES[table]}"
    _audit(job, actor, "assessment_stats.table_exported", len(groups))
    progress(1, 1)
    return JobResult(
        summary={"rows": len(groups), "table": table},
        file=(f"{title}.xlsx", write_workbook(headers, rows, title=TABLE_TITLES[table]), XLSX_CONTENT_TYPE),
    )


@job_handler(PHYSICIANS_EXPORT_KIND, queue="reports")
def progress_physicians_export(job, progress):
    """The per-physician progress list within the starter's reach and filters. ID cards masked."""
    actor = _job_actor(job)
    cycle = cycle_get(actor=actor, cycle_id=job.params["cycle_id"])
    qs = selectors.progress_physician_list(actor=actor, cycle=cycle, **job.params.get("filters", {}))
    total = qs.count()
    progress(0, total)
    with translation.override("zh-hans"):
        statuses = {k: str(v) for k, v in EnrolmentStatus.choices}
        procedures = {k: str(v) for k, v in Procedure.choices}
        results = {k: str(v) for k, v in ResultLevel.choices}
    rows = []
    for n, e in enumerate(qs.iterator(chunk_size=2000), start=1):
        p = e.physician
        rows.append(
            [
                cycle.name,
                p.name,
                p.id_card_masked,
                p.licence_number,
                e.organization.name,
                e.department.name if e.department_id else "",
                e.title,
                procedures.get(e.procedure, e.procedure),
                statuses.get(e.status, e.status),
                timezone.localtime(e.submitted_at).strftime("%Y-%m-%d %H:%M") if e.submitted_at else "",
                "" if e.test_score is None else float(e.test_score),
                "" if e.makeup_test_score is None else float(e.makeup_test_score),
                "" if e.total_score is None else float(e.total_score),
                results.get(e.result_level, e.result_level),
            ]
        )
        if n % 2000 == 0:
            progress(n, total)
    _audit(job, actor, "assessment_stats.physicians_exported", len(rows))
    progress(total, total)
    return JobResult(
        summary={"rows": len(rows)},
        file=(
            _("医师考核进度.xlsx"),
            write_workbook(PHYSICIAN_HEADERS, rows, title=_("医师考核进度")),
            XLSX_CONTENT_TYPE,
        ),
    )
