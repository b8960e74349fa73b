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
    ASSESSMENT_SETTINGS = "assessment.settings"  # cycles and their settings (考核设置, province only)
    ENROLMENT_MANAGE = "assessment.enrolment_manage"  # enrol, withdraw, reset passwords (医师管理)
    ENROLMENT_VIEW = "assessment.enrolment_view"  # query and export the enrolled within reach
    ADVERSE_IMPORT = "assessment.adverse_import"  # import adverse records (不良记录, province)
    ADVERSE_VIEW = "assessment.adverse_view"  # query adverse records within reach
    STATS_VIEW = "assessment.stats_view"  # progress and statistics within reach (进度管理, 考核统计)
    SCORE_ENTER = "assessment.score_enter"  # experts enter skills / case-review scores (技能操作, 病历评审)
    SCORE_CONFIRM = "assessment.score_confirm"  # the body confirms scores and publishes results (成绩认定)
    RESULT_CONFIRM = "assessment.result_confirm"  # the assessment committee confirms results (考核委员会)
    MAKEUP_DECIDE = "assessment.makeup_decide"  # the province allows or refuses make-up participation
    EXAM_MANAGE = (
        "exams.manage"  # own organisation's banks, questions, blueprints, sittings (题库, 组卷, 考试)
    )
    EXAM_VIEW = "exams.view"  # own organisation's exams and the attempts with scores
    PROCTOR_REVIEW = "proctoring.review"  # proctoring photos, risk list, verdicts, appeals (监考照片审核)
    CREDENTIALING_VIEW = (
        "credentialing.view"  # catalogue, grants, applications, archives (a head: own department)
    )
    CREDENTIALING_MANAGE = "credentialing.manage"  # catalogue, grants, reassessments, imports (医务部门)
    CREDENTIALING_APPLY = "credentialing.apply"  # a physician applies for own privileges (资质申请)
    DEPARTMENT_CATALOGUE = "credentialing.department_catalogue"  # a department requests catalogue items
    PRIVILEGE_API_KEYS = "credentialing.api_keys"  # API keys of the hospital's systems (privilege check)
    APPROVAL_CONFIGURE = (
        "approvals.configure"  # a hospital's approval chains per application type (审批流程配置)
    )
    APPROVAL_USE = "approvals.use"  # one's approval queue, the requests one applied for or acts on
