"""The province's import of adverse records (不良记录) from .xlsx: every row checked first, any bad row fails
the job with a row report and nothing is stored (see services.adverse)."""

from django.utils.translation import gettext as _

from accounts.selectors import actor_for_membership
from assessment.services import adverse as services
from core import storage
from core.errors import ApplicationError, PermissionDenied
from core.xlsx import Column, read_rows
from jobs.services import JobResult, JobRowErrors, job_handler

IMPORT_KIND = "assessment.adverse_import"

IMPORT_COLUMNS = [
    Column("姓名", "name"),
    Column("身份证号", "id_card_number"),
    Column("执业证书编号", "licence_number", required=False),
    Column("不良记录类型", "kind"),  # 行政处罚, 医疗事故, 不良执业行为记分 ...
    Column("发生日期", "occurred_on"),
    Column("情况说明", "description", required=False),
    Column("来源", "source", required=False),  # the deciding authority or document number
]


@job_handler(IMPORT_KIND)
def adverse_import(job, progress):
    actor = actor_for_membership(
        user=job.created_by, organization_id=job.organization_id, role=job.params.get("role")
    )
    if actor is None:
        raise PermissionDenied(_("您已不是该机构的成员。"), code="not_a_member")
    services.require_importer(actor)
    data = storage.client().get_object(Bucket=storage.bucket(), Key=job.input_key)["Body"].read()
    rows = read_rows(data, IMPORT_COLUMNS)
    if not rows:
        raise ApplicationError(_("文件中没有数据。"), code="empty_file", attr="file")
    total = len(rows)
    progress(0, total)
    plan, errors = services.adverse_import_validate(actor=actor, user=job.created_by, rows=rows)
    if errors:
        raise JobRowErrors(errors)
    progress(total // 2, total)
    count = services.adverse_import_store(actor=actor, user=job.created_by, plan=plan, job=job)
    progress(total, total)
    return JobResult(summary={"rows": total, "created": count, "matched": plan.matched})
