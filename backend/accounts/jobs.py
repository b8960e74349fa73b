"""Background jobs of delegated account management: the .xlsx import of organisations with their
administrator accounts, and the .xlsx export of the accounts list. Registered with jobs.services.job_handler
(discovered by the jobs app)."""

from django.utils.translation import gettext as _

from accounts import account_selectors
from accounts.roles import Role
from accounts.selectors import actor_for_membership
from accounts.services import management
from audit.services import audit_record
from core import storage
from core.errors import PermissionDenied
from core.xlsx import XLSX_CONTENT_TYPE, Column, read_rows, write_workbook
from jobs.services import JobResult, JobRowErrors, job_handler
from organizations.enums import OrganizationKind

IMPORT_KIND = "accounts.import"
EXPORT_KIND = "accounts.export"

IMPORT_COLUMNS = [
    Column("机构名称", "name"),
    Column("机构类别", "kind"),  # 医疗卫生机构 | 行业组织
    Column("行政区划代码", "region_code"),
    Column("统一社会信用代码", "unified_social_credit_code"),
    Column("机构类型", "institution_type", required=False),  # 综合医院, 中医医院 ...
    Column("机构等级", "grade", required=False),
    Column("地址", "address", required=False),
    Column("联系人", "contact_name", required=False),
    Column("联系电话", "contact_phone", required=False),
    Column("管理员用户名", "username"),
    Column("管理员姓名", "admin_name"),
]

EXPORT_HEADERS = [
    "用户名",
    "姓名",
    "手机号",
    "邮箱",
    "角色",
    "机构名称",
    "机构类别",
    "行政区划代码",
    "行政区划",
    "统一社会信用代码",
    "账号状态",
    "已激活",
    "允许申请考核机构",
]


def _job_actor(job):
    actor = actor_for_membership(
        user=job.created_by, organization_id=job.organization_id, role=job.params.get("role")
    )
    if actor is None:
        raise PermissionDenied(_("您已不是该机构的成员。"), code="not_a_member")
    return actor


@job_handler(IMPORT_KIND)
def accounts_import(job, progress):
    """Every row is checked first (required fields, kind, region code and jurisdiction, USCC format and
    uniqueness in the file and the database, username uniqueness); any bad row fails the job with a row
    report and nothing is stored. Otherwise all rows are stored in one transaction, inactive."""
    actor = _job_actor(job)
    data = storage.client().get_object(Bucket=storage.bucket(), Key=job.input_key)["Body"].read()
    rows = read_rows(data, IMPORT_COLUMNS)
    total = len(rows)
    progress(0, total)
    clean, errors = management.accounts_import_validate(actor=actor, rows=rows)
    if errors:
        raise JobRowErrors(errors)
    progress(total // 2, total)
    count = management.accounts_import_store(actor=actor, caller=job.created_by, clean=clean)
    progress(total, total)
    return JobResult(summary={"rows": total, "created": count})


def _yes(value: bool) -> str:
    return _("是") if value else _("否")


@job_handler(EXPORT_KIND)
def accounts_export(job, progress):
    """The accounts list with the same filters as GET /accounts/, phone numbers masked for commissions.
    Audited: `accounts.exported` with the filters and the row count."""
    actor = _job_actor(job)
    filters = job.params.get("filters", {})
    qs = account_selectors.account_list_for_actor(actor=actor, **filters)
    total = qs.count()
    progress(0, total)
    kinds = dict(OrganizationKind.choices)
    roles = dict(Role.choices)
    rows = []
    for n, m in enumerate(qs.iterator(chunk_size=2000), start=1):
        user, org = m.user, m.organization
        rows.append(
            [
                user.username,
                user.name,
                account_selectors.mask_phone(user.phone) if actor.masks_personal_data else user.phone,
                user.email,
                str(roles.get(m.role, m.role)),
                org.name,
                str(kinds.get(org.kind, org.kind)),
                org.region.code,
                org.region.name,
                org.unified_social_credit_code or "",
                _("启用") if user.is_active else _("停用"),
                _yes(user.has_usable_password()),
                _yes(org.may_apply_assessment_body),
            ]
        )
        if n % 2000 == 0:
            progress(n, total)
    audit_record(
        action="accounts.exported",
        actor=job.created_by,
        organization_id=actor.organization_id,
        region_path=actor.region_path or "",
        target=job,
        data={"filters": filters, "rows": len(rows)},
    )
    progress(total, total)
    return JobResult(
        summary={"rows": len(rows)},
        file=(_("账号列表.xlsx"), write_workbook(EXPORT_HEADERS, rows, title=_("账号")), XLSX_CONTENT_TYPE),
    )
