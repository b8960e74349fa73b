"""Background jobs of enrolment: the .xlsx import (licence numbers or ID-card numbers of the institution's
physicians; all or nothing with a row report) and the .xlsx export of the enrolled (same filters and scope
as GET /enrolments/)."""

from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.selectors import actor_for_membership
from assessment.enums import EnrolmentStatus, Procedure
from assessment.selectors import enrolments as selectors
from assessment.services import enrolments as services
from audit.services import audit_record
from core import storage
from core.errors import ApplicationError, PermissionDenied
from core.xlsx import XLSX_CONTENT_TYPE, Column, read_rows, write_workbook
from jobs.services import JobResult, JobRowErrors, job_handler
from physicians.validators import mask_phone

IMPORT_KIND = "assessment.enrolments_import"
EXPORT_KIND = "assessment.enrolments_export"

# Either column identifies the physician; a row needs one of them.
IMPORT_COLUMNS = [
    Column("执业证书编号", "licence_number", required=False),
    Column("身份证号", "id_card_number", required=False),
    Column("姓名", "name", required=False),  # for the reader's eyes; not matched
]

EXPORT_HEADERS = [
    "考核周期",
    "姓名",
    "身份证号",
    "手机号",
    "执业证书编号",
    "机构",
    "科室",
    "职称",
    "考核程序",
    "状态",
    "考核机构",
    "参加时间",
]


def _job_actor(job):
    actor = actor_for_membership(
        user=job.created_by, organization_id=job.organization_id, role=job.params.get("role")
    )
    if actor is None:
        raise PermissionDenied(_("您已不是该机构的成员。"), code="not_a_member")
    return actor


@job_handler(IMPORT_KIND)
def enrolments_import(job, progress):
    """Check every row first; any bad row fails the job with a row report and nobody is enrolled. Then all
    in one transaction."""
    actor = _job_actor(job)
    services.require_manager(actor)
    cycle = services.active_cycle_for_enrolment(actor=actor, cycle_id=job.params["cycle_id"])
    data = storage.client().get_object(Bucket=storage.bucket(), Key=job.input_key)["Body"].read()
    rows = read_rows(data, IMPORT_COLUMNS)
    if not rows:
        raise ApplicationError(_("文件中没有数据。"), code="empty_file", attr="file")
    if not {"licence_number", "id_card_number"} & set(rows[0][1]):
        raise ApplicationError(
            _("缺少表头“执业证书编号”或“身份证号”，请使用导入模板。"), code="missing_header", attr="file"
        )
    total = len(rows)
    progress(0, total)
    plan, errors = services.enrolments_import_validate(actor=actor, cycle=cycle, rows=rows)
    if errors:
        raise JobRowErrors(errors)
    progress(total // 2, total)
    count = services.enrolments_import_store(
        actor=actor, user=job.created_by, cycle_id=cycle.pk, plan=plan, job=job
    )
    progress(total, total)
    return JobResult(summary={"rows": total, "enrolled": count})


@job_handler(EXPORT_KIND)
def enrolments_export(job, progress):
    """The enrolled within the starter's reach, with the list's filters. ID cards always masked, phones
    masked for commissions. Audited: `assessment.enrolments.exported` with the filters and the count."""
    actor = _job_actor(job)
    filters = job.params.get("filters", {})
    qs = selectors.enrolment_list_for_actor(actor=actor, **filters)
    total = qs.count()
    progress(0, total)
    with translation.override("zh-hans"):
        statuses = {k: str(v) for k, v in EnrolmentStatus.choices}
        procedures = {k: str(v) for k, v in Procedure.choices}
    mask = actor.masks_personal_data
    rows = []
    for n, e in enumerate(qs.iterator(chunk_size=2000), start=1):
        p = e.physician
        rows.append(
            [
                e.cycle.name,
                p.name,
                p.id_card_masked,
                mask_phone(p.phone) if mask else p.phone,
                p.licence_number,
                e.organization.name,
                e.department.name if e.department_id else "",
                e.title,
                procedures.get(e.procedure, e.procedure),
                statuses.get(e.status, e.status),
                e.assessment_body.name if e.assessment_body_id else "",
                timezone.localtime(e.created_at).strftime("%Y-%m-%d %H:%M"),
            ]
        )
        if n % 2000 == 0:
            progress(n, total)
    audit_record(
        action="assessment.enrolments.exported",
        actor=job.created_by,
        organization_id=actor.organization_id,
        region_path=actor.region_path or "",
        target=job,
        data={"filters": filters, "rows": len(rows)},
    )
    progress(total, total)
    return JobResult(
        summary={"rows": len(rows)},
        file=(
            _("参加考核医师.xlsx"),
            write_workbook(EXPORT_HEADERS, rows, title=_("参加考核医师")),
            XLSX_CONTENT_TYPE,
        ),
    )
