from django.db import models
from django.utils.translation import gettext_lazy as _


class ApproverKind(models.TextChoices):
    ROLE = "role", _("按角色")
    DEPARTMENT_HEAD = "department_head", _("申请人所在科室主任")
    USERS = "users", _("指定人员")


class StepMode(models.TextChoices):
    ANY = "any", _("任一人审批")
    ALL = "all", _("会签（全部同意）")


class RequestStatus(models.TextChoices):
    PENDING = "pending", _("审批中")
    RETURNED = "returned", _("已退回修改")
    APPROVED = "approved", _("已通过")
    REJECTED = "rejected", _("已驳回")
    WITHDRAWN = "withdrawn", _("已撤回")


class Decision(models.TextChoices):
    APPROVE = "approve", _("同意")
    REJECT = "reject", _("驳回")
    RETURN = "return", _("退回修改")


class HistoryAction(models.TextChoices):
    SUBMIT = "submit", _("提交")
    APPROVE = "approve", _("同意")
    AUTO_APPROVE = "auto_approve", _("自动通过")
    REJECT = "reject", _("驳回")
    RETURN = "return", _("退回修改")
    WITHDRAW = "withdraw", _("撤回")
    RESUBMIT = "resubmit", _("重新提交")
    REMIND = "remind", _("超时提醒")


OPEN_STATUSES = frozenset({RequestStatus.PENDING, RequestStatus.RETURNED})
