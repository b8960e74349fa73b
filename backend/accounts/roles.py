"""The fixed role vocabulary: which organisation kind holds each role, its permission codes, and whether it
reads down a jurisdiction (supervisory). A role maps to codes here and nowhere else."""

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
    supervisory: bool = False  # reads hospitals in its jurisdiction, read-only, masked, audited


_ALL_ADMIN = {Perm.ACCOUNT_VIEW, Perm.ACCOUNT_MANAGE, Perm.AUDIT_VIEW, Perm.PHYSICIAN_VIEW}
_COMMISSION = frozenset({OrganizationKind.COMMISSION})
_INSTITUTION = frozenset({OrganizationKind.INSTITUTION})

ROLE_SPECS: dict[str, RoleSpec] = {
    Role.PROVINCE_ADMIN: RoleSpec(_COMMISSION, frozenset(_ALL_ADMIN | {Perm.ARCHIVE_VIEW}), supervisory=True),
    Role.CITY_ADMIN: RoleSpec(_COMMISSION, frozenset(_ALL_ADMIN | {Perm.ARCHIVE_VIEW}), supervisory=True),
    Role.COUNTY_ADMIN: RoleSpec(_COMMISSION, frozenset(_ALL_ADMIN | {Perm.ARCHIVE_VIEW}), supervisory=True),
    Role.ASSESSMENT_REVIEWER: RoleSpec(
        frozenset({OrganizationKind.INSTITUTION, OrganizationKind.INDUSTRY_ORG}),
        frozenset({Perm.PHYSICIAN_VIEW}),
    ),
    Role.INDUSTRY_ADMIN: RoleSpec(
        frozenset({OrganizationKind.INDUSTRY_ORG}), frozenset({Perm.ACCOUNT_VIEW, Perm.ACCOUNT_MANAGE})
    ),
    Role.HOSPITAL_ADMIN: RoleSpec(
        _INSTITUTION,
        frozenset(_ALL_ADMIN | {Perm.ARCHIVE_VIEW, Perm.ARCHIVE_MANAGE, Perm.PHYSICIAN_MANAGE}),
    ),
    Role.MEDICAL_AFFAIRS: RoleSpec(
        _INSTITUTION,
        frozenset({Perm.PHYSICIAN_VIEW, Perm.PHYSICIAN_MANAGE, Perm.ARCHIVE_VIEW, Perm.ARCHIVE_MANAGE}),
    ),
    Role.DEPARTMENT_HEAD: RoleSpec(_INSTITUTION, frozenset({Perm.PHYSICIAN_VIEW, Perm.ARCHIVE_VIEW})),
    Role.DOCTOR: RoleSpec(_INSTITUTION, frozenset({Perm.SELF_SERVICE})),
    Role.EXPERT: RoleSpec(
        frozenset({OrganizationKind.COMMISSION, OrganizationKind.INSTITUTION, OrganizationKind.INDUSTRY_ORG}),
        frozenset(),
    ),
}


def codes_for(role: str) -> frozenset[str]:
    spec = ROLE_SPECS.get(role)
    return frozenset(str(c) for c in spec.codes) if spec else frozenset()


def is_supervisory(role: str) -> bool:
    spec = ROLE_SPECS.get(role)
    return bool(spec and spec.supervisory)
