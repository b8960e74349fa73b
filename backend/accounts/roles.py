"""The fixed role vocabulary: which organisation kind (and commission level) holds each role, its permission
codes, whether it reads down a jurisdiction (supervisory), and which roles it may grant to whom.
A role maps to codes here and nowhere else."""

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.permissions import Perm
from organizations.enums import OrganizationKind


class Role(models.TextChoices):
    PROVINCE_ADMIN = "province_admin", _("省级卫健委管理员")
    CITY_ADMIN = "city_admin", _("市级卫健委管理员")
    COUNTY_ADMIN = "county_admin", _("区县卫健委管理员")
    ASSESSMENT_REVIEWER = "assessment_reviewer", _("考核机构审核员")
    INDUSTRY_ADMIN = "industry_admin", _("行业组织管理员")
    HOSPITAL_ADMIN = "hospital_admin", _("医院管理员")
    MEDICAL_AFFAIRS = "medical_affairs", _("医务部门人员")
    DEPARTMENT_HEAD = "department_head", _("科室主任")
    DOCTOR = "doctor", _("医师")
    EXPERT = "expert", _("考核专家")


@dataclass(frozen=True)
class RoleSpec:
    kinds: frozenset[str]
    codes: frozenset[str]
    supervisory: bool = False  # reads hospitals in its jurisdiction: read-only, masked, audited
    level: str | None = None  # for commission roles: the region level of the commission
    grants_below: frozenset[str] = frozenset()  # roles it may give in organisations below it
    grants_own: frozenset[str] = frozenset()  # roles it may give in its own organisation


_COMMISSION = frozenset({OrganizationKind.COMMISSION})
_INSTITUTION = frozenset({OrganizationKind.INSTITUTION})
_INDUSTRY = frozenset({OrganizationKind.INDUSTRY_ORG})
_COMMISSION_CODES = frozenset(
    {
        Perm.ACCOUNT_VIEW,
        Perm.ACCOUNT_MANAGE,
        Perm.AUDIT_VIEW,
        Perm.PHYSICIAN_VIEW,
        Perm.ARCHIVE_VIEW,
        Perm.ORG_VIEW,
        Perm.ORG_MANAGE,
        Perm.BODY_REVIEW,
        Perm.CERTIFICATE_VIEW,
        Perm.CERTIFICATE_ISSUE,
        Perm.ENROLMENT_REREVIEW,
        Perm.ENROLMENT_VIEW,
        Perm.ADVERSE_VIEW,
        Perm.STATS_VIEW,
        Perm.SCORE_CONFIRM,  # for the enrolments without an assessment body (nearest commission)
        Perm.RESULT_CONFIRM,
    }
)

ROLE_SPECS: dict[str, RoleSpec] = {
    Role.PROVINCE_ADMIN: RoleSpec(
        _COMMISSION,
        _COMMISSION_CODES
        | {Perm.BODY_ASSIGN, Perm.ASSESSMENT_SETTINGS, Perm.ADVERSE_IMPORT, Perm.MAKEUP_DECIDE}
        | {Perm.EXAM_MANAGE, Perm.EXAM_VIEW}  # the province's competence test (exams app)
        | {Perm.PROCTOR_REVIEW},  # its proctoring photos (proctoring app)
        supervisory=True,
        level="province",
        grants_below=frozenset(
            {Role.CITY_ADMIN, Role.COUNTY_ADMIN, Role.HOSPITAL_ADMIN, Role.INDUSTRY_ADMIN}
        ),
        grants_own=frozenset({Role.EXPERT}),
    ),
    Role.CITY_ADMIN: RoleSpec(
        _COMMISSION,
        _COMMISSION_CODES | {Perm.BODY_ASSIGN},
        supervisory=True,
        level="city",
        grants_below=frozenset({Role.COUNTY_ADMIN, Role.HOSPITAL_ADMIN, Role.INDUSTRY_ADMIN}),
        grants_own=frozenset({Role.EXPERT}),
    ),
    Role.COUNTY_ADMIN: RoleSpec(
        _COMMISSION,
        _COMMISSION_CODES,
        supervisory=True,
        level="county",
        grants_below=frozenset({Role.HOSPITAL_ADMIN, Role.INDUSTRY_ADMIN}),
    ),
    Role.ASSESSMENT_REVIEWER: RoleSpec(
        _INSTITUTION | _INDUSTRY,
        frozenset(
            {
                Perm.PHYSICIAN_VIEW,
                Perm.ORG_VIEW,
                Perm.ENROLMENT_REREVIEW,
                Perm.ENROLMENT_VIEW,
                Perm.ADVERSE_VIEW,
                Perm.STATS_VIEW,
                Perm.SCORE_ENTER,
                Perm.SCORE_CONFIRM,
                Perm.PROCTOR_REVIEW,  # proctoring photos of the institutions assigned to it
            }
        ),
    ),
    Role.INDUSTRY_ADMIN: RoleSpec(
        _INDUSTRY,
        frozenset(
            {
                Perm.ACCOUNT_VIEW,
                Perm.ACCOUNT_MANAGE,
                Perm.AUDIT_VIEW,
                Perm.ORG_VIEW,
                Perm.ORG_MANAGE,
                Perm.BODY_APPLY,
                Perm.PHYSICIAN_VIEW,
                Perm.ADVERSE_VIEW,
            }
        ),
        grants_own=frozenset({Role.ASSESSMENT_REVIEWER, Role.EXPERT}),
    ),
    Role.HOSPITAL_ADMIN: RoleSpec(
        _INSTITUTION,
        frozenset(
            {
                Perm.ACCOUNT_VIEW,
                Perm.ACCOUNT_MANAGE,
                Perm.WECHAT_MANAGE,
                Perm.AUDIT_VIEW,
                Perm.ORG_VIEW,
                Perm.ORG_MANAGE,
                Perm.DEPARTMENT_MANAGE,
                Perm.ARCHIVE_VIEW,
                Perm.ARCHIVE_MANAGE,
                Perm.PHYSICIAN_VIEW,
                Perm.PHYSICIAN_MANAGE,
                Perm.BODY_APPLY,
                Perm.CERTIFICATE_VIEW,
                Perm.CERTIFICATE_ISSUE,
                Perm.ENROLMENT_REVIEW,
                Perm.ENROLMENT_MANAGE,
                Perm.ENROLMENT_VIEW,
                Perm.ADVERSE_VIEW,
                Perm.STATS_VIEW,
                Perm.EXAM_MANAGE,  # the hospital's own exams (exams app)
                Perm.EXAM_VIEW,
                Perm.PROCTOR_REVIEW,  # proctoring photos of its exams and its physicians
                Perm.APPROVAL_CONFIGURE,  # approval chains of the hospital modules
                Perm.APPROVAL_USE,
                Perm.CREDENTIALING_VIEW,
                Perm.CREDENTIALING_MANAGE,
                Perm.DEPARTMENT_CATALOGUE,
                Perm.PRIVILEGE_API_KEYS,
            }
        ),
        grants_own=frozenset(
            {Role.MEDICAL_AFFAIRS, Role.DEPARTMENT_HEAD, Role.DOCTOR, Role.ASSESSMENT_REVIEWER}
        ),
    ),
    Role.MEDICAL_AFFAIRS: RoleSpec(
        _INSTITUTION,
        frozenset(
            {
                Perm.ORG_VIEW,
                Perm.DEPARTMENT_MANAGE,
                Perm.WECHAT_MANAGE,
                Perm.PHYSICIAN_VIEW,
                Perm.PHYSICIAN_MANAGE,
                Perm.ARCHIVE_VIEW,
                Perm.ARCHIVE_MANAGE,
                Perm.CERTIFICATE_VIEW,
                Perm.CERTIFICATE_ISSUE,
                Perm.ENROLMENT_REVIEW,
                Perm.ENROLMENT_MANAGE,
                Perm.ENROLMENT_VIEW,
                Perm.ADVERSE_VIEW,
                Perm.STATS_VIEW,
                Perm.EXAM_MANAGE,  # the hospital's own exams (exams app)
                Perm.EXAM_VIEW,
                Perm.PROCTOR_REVIEW,  # proctoring photos of its exams and its physicians
                Perm.APPROVAL_CONFIGURE,  # approval chains of the hospital modules
                Perm.APPROVAL_USE,
                Perm.CREDENTIALING_VIEW,
                Perm.CREDENTIALING_MANAGE,
                Perm.DEPARTMENT_CATALOGUE,
            }
        ),
    ),
    Role.DEPARTMENT_HEAD: RoleSpec(
        _INSTITUTION,
        frozenset(
            {
                Perm.ORG_VIEW,
                Perm.PHYSICIAN_VIEW,
                Perm.ARCHIVE_VIEW,
                Perm.DEPARTMENT_RATE,
                Perm.ENROLMENT_VIEW,
                Perm.STATS_VIEW,
                Perm.APPROVAL_USE,  # approves the department's applications, applies
                Perm.CREDENTIALING_VIEW,  # own department only (credentialing.selectors)
                Perm.CREDENTIALING_APPLY,
                Perm.DEPARTMENT_CATALOGUE,  # own department only
            }
        ),
    ),
    # a doctor applies (privileges ...) and may be a named approver (a committee member)
    Role.DOCTOR: RoleSpec(
        _INSTITUTION, frozenset({Perm.SELF_SERVICE, Perm.APPROVAL_USE, Perm.CREDENTIALING_APPLY})
    ),
    Role.EXPERT: RoleSpec(_COMMISSION | _INSTITUTION | _INDUSTRY, frozenset({Perm.SCORE_ENTER})),
}

# Roles whose holders are institution or commission staff (periodic password change, MLPS level 3).
STAFF_ROLES = frozenset(r for r in Role if r != Role.DOCTOR)


def codes_for(role: str) -> frozenset[str]:
    spec = ROLE_SPECS.get(role)
    return frozenset(str(c) for c in spec.codes) if spec else frozenset()


def is_supervisory(role: str) -> bool:
    spec = ROLE_SPECS.get(role)
    return bool(spec and spec.supervisory)


def role_fits(role: str, organization) -> bool:
    """Whether an organisation can hold the role (kind, and the commission's level)."""
    spec = ROLE_SPECS.get(role)
    if spec is None or organization.kind not in spec.kinds:
        return False
    if spec.level is not None:
        return organization.region.level == spec.level
    return True


def may_grant(*, granter_role: str, granter_org, role: str, target_org) -> bool:
    """Whether a holder of `granter_role` in `granter_org` may give `role` in `target_org`.

    Own organisation: only the roles in grants_own. Below: the target must lie strictly inside the granter's
    jurisdiction (a commission's region subtree, not the commission itself) and the role in grants_below.
    The role must always fit the target organisation.
    """
    spec = ROLE_SPECS.get(granter_role)
    if spec is None or not role_fits(role, target_org):
        return False
    if target_org.id == granter_org.id:
        return role in spec.grants_own
    if granter_org.kind != OrganizationKind.COMMISSION or role not in spec.grants_below:
        return False
    return target_org.region_path.startswith(granter_org.region_path) and not (
        target_org.kind == OrganizationKind.COMMISSION and target_org.region_path == granter_org.region_path
    )
