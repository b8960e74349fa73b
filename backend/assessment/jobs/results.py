"""Background jobs of results: the .xlsx export of the make-up list (补考名单) and of the final results, with
the same filters and reach as GET /results/makeup/ and GET /results/final/. ID-card numbers always masked.
Audited: `assessment.results.exported` with the list, the filters and the count."""

from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.selectors import actor_for_membership
from assessment.enums import EnrolmentStatus, Procedure, ResultLevel
from assessment.selectors import results as selectors
from audit.services import audit_record
from core.errors import PermissionDenied
from core.xlsx import XLSX_CONTENT_TYPE, write_workbook
from jobs.services import JobResult, job_handler

MAKEUP_EXPORT_KIND = "assessment.makeup_export"
FINAL_EXPORT_KIND = "assessment.results_export"

HEADERS = [
    "考核周期",
    "姓名",
    "身份证号",
    "执业证书编号",
    "机构",
    "科室",
    "职称",
    "考核程序",
    "状态",
    "总分",
    "考核结果",
    "公示截止日期",
    "确认时间",
]


def _job_actor(job):
    actor = actor_for_membership(
        user=job.created_by, organization_id=job.organization_id, role=job.params.get("role")
    )
    if actor is None:
        raise PermissionDenied(_("您已不是该机构的成员。"), code="not_a_member")
    return actor


def _export(job, progress, *, queue: str, name: str):
    actor = _job_actor(job)
    filters = job.params.get("filters", {})
    qs = selectors.result_list_for_actor(actor=actor, queue=queue, **filters)
    total = qs.count()
    progress(0, total)
    with translation.override("zh-hans"):
        statuses = {k: str(v) for k, v in EnrolmentStatus.choices}
        procedures = {k: str(v) for k, v in Procedure.choices}
        levels = {k: str(v) for k, v in ResultLevel.choices}
    rows = []
    for n, e in enumerate(qs.iterator(chunk_size=2000), start=1):
        p = e.physician
        rows.append(
            [
                e.cycle.name,
                p.name,
                p.id_card_masked,
                p.licence_number,
                e.organization.name,
                e.department.name if e.department_id else "",
                e.title,
                procedures.get(e.procedure, e.procedure),
                statuses.get(e.status, e.status),
                str(e.total_score) if e.total_score is not None else "",
                levels.get(e.result_level, ""),
                e.publicity_ends_on.isoformat() if e.publicity_ends_on else "",
                timezone.localtime(e.finalized_at).strftime("%Y-%m-%d %H:%M") if e.finalized_at else "",
            ]
        )
        if n % 2000 == 0:
            progress(n, total)
    audit_record(
        action="assessment.results.exported",
        actor=job.created_by,
        organization_id=actor.organization_id,
        region_path=actor.region_path or "",
        target=job,
        data={"list": queue, "filters": filters, "rows": len(rows)},
    )
    progress(total, total)
    return JobResult(
        summary={"rows": len(rows)},
        file=(f"{name}.xlsx", write_workbook(HEADERS, rows, title=name), XLSX_CONTENT_TYPE),
    )


@job_handler(MAKEUP_EXPORT_KIND)
def makeup_export(job, progress):
    """The make-up list within the starter's reach."""
    return _export(job, progress, queue=selectors.Queue.MAKEUP, name=_("补考名单"))


@job_handler(FINAL_EXPORT_KIND)
def results_export(job, progress):
    """The final results within the starter's reach."""
    return _export(job, progress, queue=selectors.Queue.FINAL, name=_("最终考核结果"))
