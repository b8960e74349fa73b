from django.db import models
from django.utils.translation import gettext_lazy as _


class NotificationKind(models.TextChoices):
    SUBMISSION_RETURNED = "submission_returned", _("填报信息被退回")
    RESULT_PUBLISHED = "result_published", _("考核结果公示")
    PHASE_STARTED = "phase_started", _("阶段开始")
    DEADLINE_APPROACHING = "deadline_approaching", _("截止提醒")
    APPROVAL_PENDING = "approval_pending", _("待审批")
    APPROVAL_OVERDUE = "approval_overdue", _("审批超时提醒")
    APPROVAL_DECIDED = "approval_decided", _("审批结果")


class SmsStatus(models.TextChoices):
    NONE = "", _("不发送")
    PENDING = "pending", _("待发送")
    SENT = "sent", _("已发送")
    FAILED = "failed", _("发送失败")
    SKIPPED = "skipped", _("无手机号")


class LinkType(models.TextChoices):
    """Where the web app and the mini-program open a notification."""

    MY_ENROLMENT = "my_enrolment", _("我的考核")
    REVIEW_DEPARTMENT = "review_department", _("科室评定")
    REVIEW_INSTITUTION = "review_institution", _("机构审核")
    REVIEW_BODY = "review_body", _("考核机构复核")
    APPROVAL_REQUEST = "approval_request", _("审批申请")


# Kinds a physician also receives by SMS; staff get every kind in-app only.
SMS_KINDS = frozenset({NotificationKind.SUBMISSION_RETURNED, NotificationKind.RESULT_PUBLISHED})
