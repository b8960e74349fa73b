"""Background jobs of the physician registry: the .xlsx import (all or nothing, with a row report) and the .xlsx
export of the list. Registered with jobs.services.job_handler (discovered by the jobs app)."""

from django.utils import translation
from django.utils.translation import gettext as _

from accounts.selectors import actor_for_membership
from audit.services import audit_record
from core import storage
from core.errors import PermissionDenied
from core.xlsx import XLSX_CONTENT_TYPE, Column, read_rows, write_workbook
from jobs.services import JobResult, JobRowErrors, job_handler
from physicians import selectors, services
from physicians.enums import PhysicianStatus, PostType, PracticeCategory
from physicians.validators import mask_phone

IMPORT_KIND = "physicians.import"
EXPORT_KIND = "physicians.export"

IMPORT_COLUMNS = [
    Column("姓名", "name"),
    Column("身份证号", "id_card_number"),
    Column("执业证书编号", "licence_number"),
    Column("执业类别", "practice_category"),  # 临床 | 中医 | 口腔 | 公共卫生
    Column("执业范围", "practice_scope", required=False),
    Column("职称", "title", required=False),
    Column("科室", "department", required=False),  # a department name of the institution
    Column("手机号", "phone", required=False),
    Column("医师资格证书编号", "qualification_number", required=False),
    Column("执业证书有效期至", "licence_valid_until", required=False),
    Column("最高学历", "education", required=False),
    Column("专业", "specialty", required=False),
    Column("岗位类型", "post_type", required=False),  # 临床 | 医技 | 行政
    Column("入职日期", "hired_on", required=False),
]

EXPORT_HEADERS = [
    "姓名",
    "性别",
    "出生日期",
    "身份证号",
    "手机号",
    "执业证书编号",
    "执业类别",
    "执业范围",
    "职称",
    "岗位类型",
    "机构",
    "科室",
    "状态",
]


def _job_actor(job):
    actor = actor_for_membership(
        user=job.created_by, organization_id=job.organization_id, role=job.params.get("role")
    )
    if actor is None:
        raise PermissionDenied(_("您已不是该机构的成员。"), code="not_a_member")
    return actor


@job_handler(IMPORT_KIND)
def physicians_import(job, progress):
    """Every row is checked first (see services.physicians_import_validate); any bad row fails the job with a
    row report and nothing is stored. Otherwise all rows are stored in one transaction, with their accounts
    (inactive, no password hashing). Progress: checking is the first half, storing the second."""
    actor = _job_actor(job)
    data = storage.client().get_object(Bucket=storage.bucket(), Key=job.input_key)["Body"].read()
    rows = read_rows(data, IMPORT_COLUMNS)
    total = len(rows)
    progress(0, total)
    clean, errors = services.physicians_import_validate(
        actor=actor, rows=rows, progress=lambda n: progress(n // 2, total)
    )
    if errors:
        raise JobRowErrors(errors)
    progress(total // 2, total)
    count = services.physicians_import_store(
        actor=actor,
        caller=job.created_by,
        clean=clean,
        progress=lambda n: progress(total // 2 + n // 2, total),
    )
    progress(total, total)
    return JobResult(summary={"rows": total, "created": count})


@job_handler(EXPORT_KIND)
def physicians_export(job, progress):
    """The physician list with the same filters and scope as GET /physicians/. ID-card numbers are always
    masked (shown whole only to the physician they belong to); phone numbers are masked for commissions.
    Audited: `physicians.exported` with the filters and the row count."""
    actor = _job_actor(job)
    filters = job.params.get("filters", {})
    qs = selectors.physician_list_for_actor(actor=actor, **filters)
    total = qs.count()
    progress(0, total)
    with translation.override("zh-hans"):
        categories = {k: str(v) for k, v in PracticeCategory.choices}
        post_types = {k: str(v) for k, v in PostType.choices}
        statuses = {k: str(v) for k, v in PhysicianStatus.choices}
    mask = actor.masks_personal_data
    rows = []
    for n, p in enumerate(qs.iterator(chunk_size=2000), start=1):
        rows.append(
            [
                p.name,
                p.gender,
                p.birth_date.isoformat() if p.birth_date else "",
                p.id_card_masked,
                mask_phone(p.phone) if mask else p.phone,
                p.licence_number,
                categories.get(p.practice_category, p.practice_category),
                p.practice_scope,
                p.title,
                post_types.get(p.post_type, p.post_type),
                p.organization.name,
                p.department.name if p.department_id else "",
                statuses.get(p.status, p.status),
            ]
        )
        if n % 2000 == 0:
            progress(n, total)
    audit_record(
        action="physicians.exported",
        actor=job.created_by,
        organization_id=actor.organization_id,
        region_path=actor.region_path or "",
        target=job,
        data={"filters": filters, "rows": len(rows)},
    )
    progress(total, total)
    return JobResult(
        summary={"rows": len(rows)},
        file=(_("医师列表.xlsx"), write_workbook(EXPORT_HEADERS, rows, title=_("医师")), XLSX_CONTENT_TYPE),
    )
