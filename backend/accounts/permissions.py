from enum import StrEnum


class Perm(StrEnum):
    """Permission codes; roles map to them in accounts/roles.py. Views declare the code each action needs."""

    ACCOUNT_VIEW = "accounts.view"
    ACCOUNT_MANAGE = "accounts.manage"  # create, edit, activate, delete, reset passwords of accounts below
    WECHAT_MANAGE = "accounts.wechat_manage"  # issue WeChat bind codes, rebind (institutions)
    AUDIT_VIEW = "audit.view"
    ORG_VIEW = "organizations.view"
    ORG_MANAGE = "organizations.manage"  # edit own organisation; create organisations below
    DEPARTMENT_MANAGE = "organizations.department_manage"
    ARCHIVE_VIEW = "archives.view"
    ARCHIVE_MANAGE = "archives.manage"
    PHYSICIAN_VIEW = "physicians.view"
    PHYSICIAN_MANAGE = "physicians.manage"  # add, edit, import, transfer physicians
    BODY_APPLY = "assessment_bodies.apply"
    BODY_REVIEW = "assessment_bodies.review"
    BODY_ASSIGN = "assessment_bodies.assign"
    SELF_SERVICE = "self.service"  # a physician's own records, self-report, exams
    CERTIFICATE_VIEW = "assessment.certificate_view"  # list and print pass certificates within reach
    CERTIFICATE_ISSUE = "assessment.certificate_issue"  # generate pass certificates in a batch job
    ENROLMENT_REVIEW = "assessment.enrolment_review"  # institution review of self-reports (机构审核)
    ENROLMENT_REREVIEW = "assessment.enrolment_rereview"  # assessment body / commission re-review (复核)
    DEPARTMENT_RATE = "assessment.department_rate"  # department head rates own department (科室评定)
