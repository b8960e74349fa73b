"""The enrolment's state machine, fixed by regulation (see ARCHITECTURE.md, Workflows):

self-report > department rating (when the cycle asks) > institution review > assessment-body re-review (when
the cycle asks) > scores > body confirms > publicity > committee confirms > make-up > final result.

The table says what is legal; the services say who may act and check the cycle's settings (a department rating
required before the institution approves, deadlines, eligibility) before they call `transition`.
"""

from django.utils.translation import gettext_lazy as _

from assessment.enums import EnrolmentStatus as S
from assessment.models import Enrolment, EnrolmentHistory
from core.workflow import Workflow

ENROLMENT_FLOW = Workflow(
    model=Enrolment,
    history_model=EnrolmentHistory,
    transitions={
        (S.ENROLLED, "save"): S.DRAFTING,
        (S.DRAFTING, "save"): S.DRAFTING,
        (S.RETURNED, "save"): S.RETURNED,
        (S.ENROLLED, "submit"): S.SUBMITTED,
        (S.DRAFTING, "submit"): S.SUBMITTED,
        (S.RETURNED, "submit"): S.SUBMITTED,
        (S.ENROLLED, "withdraw"): S.WITHDRAWN,
        (S.DRAFTING, "withdraw"): S.WITHDRAWN,
        (S.RETURNED, "withdraw"): S.WITHDRAWN,
        (S.SUBMITTED, "department_rate"): S.DEPARTMENT_RATED,
        (S.SUBMITTED, "department_return"): S.RETURNED,
        (S.SUBMITTED, "institution_approve"): S.INSTITUTION_APPROVED,
        (S.DEPARTMENT_RATED, "institution_approve"): S.INSTITUTION_APPROVED,
        (S.SUBMITTED, "institution_return"): S.RETURNED,
        (S.DEPARTMENT_RATED, "institution_return"): S.RETURNED,
        (S.INSTITUTION_APPROVED, "body_approve"): S.BODY_APPROVED,
        (S.INSTITUTION_APPROVED, "body_return"): S.RETURNED,
        (S.INSTITUTION_APPROVED, "score"): S.SCORED,  # a cycle without re-review
        (S.BODY_APPROVED, "score"): S.SCORED,
        (S.SCORED, "rescore"): S.SCORED,
        (S.SCORED, "confirm_score"): S.SCORE_CONFIRMED,
        (S.SCORE_CONFIRMED, "publicize"): S.PUBLICIZED,
        (S.PUBLICIZED, "finalize_pass"): S.PASSED,
        (S.PUBLICIZED, "finalize_fail"): S.MAKEUP_PENDING,
        (S.PUBLICIZED, "finalize_fail_no_makeup"): S.FAILED,
        (S.MAKEUP_PENDING, "allow_makeup"): S.MAKEUP,
        (S.MAKEUP_PENDING, "refuse_makeup"): S.FAILED,
        (S.MAKEUP, "score_makeup"): S.MAKEUP_SCORED,
        (S.MAKEUP_SCORED, "rescore_makeup"): S.MAKEUP_SCORED,
        (S.MAKEUP_SCORED, "finalize_pass"): S.PASSED,
        (S.MAKEUP_SCORED, "finalize_fail_no_makeup"): S.FAILED,
    },
    action_labels={
        "save": _("保存草稿"),
        "submit": _("提交"),
        "withdraw": _("取消参加"),
        "department_rate": _("科室评定"),
        "department_return": _("科室退回"),
        "institution_approve": _("机构审核通过"),
        "institution_return": _("机构退回"),
        "body_approve": _("考核机构复核通过"),
        "body_return": _("考核机构退回"),
        "score": _("评分"),
        "rescore": _("修改评分"),
        "confirm_score": _("成绩认定"),
        "publicize": _("公示"),
        "finalize_pass": _("确认合格"),
        "finalize_fail": _("确认不合格（进入补考名单）"),
        "finalize_fail_no_makeup": _("确认不合格"),
        "allow_makeup": _("确认参加补考"),
        "refuse_makeup": _("不允许参加补考"),
        "score_makeup": _("补考评分"),
        "rescore_makeup": _("修改补考评分"),
    },
)
