"""The state machine of an assessment-body application.

draft ──submit──> submitted ──approve──> approved
  │                  │ ├─────reject───> rejected
  │                  │ └─────return───> returned ──submit──> submitted
  └──withdraw──> withdrawn <──withdraw── (submitted, returned)
"""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from assessment_bodies.models import (
    ApplicationStatus as S,
)
from assessment_bodies.models import (
    AssessmentBodyApplication,
    AssessmentBodyApplicationHistory,
)
from core.errors import ApplicationError, PermissionDenied
from core.workflow import Workflow


def _require_attachments(application, actor_user) -> None:
    if not application.attachments.exists():
        raise ApplicationError(
            _("提交前请至少上传一个附件。"), code="attachments_required", attr="attachments"
        )


def _require_may_apply(application, actor_user) -> None:
    if not application.organization.may_apply_assessment_body:
        raise PermissionDenied(_("本机构未被允许申请考核机构。"), code="apply_not_allowed")


APPLICATION_FLOW = Workflow(
    model=AssessmentBodyApplication,
    history_model=AssessmentBodyApplicationHistory,
    transitions={
        (S.DRAFT, "submit"): S.SUBMITTED,
        (S.RETURNED, "submit"): S.SUBMITTED,
        (S.DRAFT, "withdraw"): S.WITHDRAWN,
        (S.SUBMITTED, "withdraw"): S.WITHDRAWN,
        (S.RETURNED, "withdraw"): S.WITHDRAWN,
        (S.SUBMITTED, "approve"): S.APPROVED,
        (S.SUBMITTED, "reject"): S.REJECTED,
        (S.SUBMITTED, "return"): S.RETURNED,
    },
    action_labels={
        "submit": gettext_lazy("提交"),
        "withdraw": gettext_lazy("撤回"),
        "approve": gettext_lazy("审核通过"),
        "reject": gettext_lazy("审核不通过"),
        "return": gettext_lazy("退回修改"),
    },
    guards={"submit": [_require_may_apply, _require_attachments]},
)

APPLICANT_ACTIONS = frozenset({"submit", "withdraw"})
REVIEW_ACTIONS = frozenset({"approve", "reject", "return"})
