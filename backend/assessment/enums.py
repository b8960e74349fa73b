from django.db import models
from django.utils.translation import gettext_lazy as _


class CycleStatus(models.TextChoices):
    DRAFT = "draft", _("未发布")
    ACTIVE = "active", _("进行中")
    CLOSED = "closed", _("已结束")


class Phase(models.TextChoices):
    """The phases of a cycle, in order; each has a window (opens, closes) in the cycle's settings."""

    SELF_REPORT = "self_report", _("个人填报")
    DEPARTMENT_RATING = "department_rating", _("科室评定")
    INSTITUTION_REVIEW = "institution_review", _("机构审核")
    BODY_REVIEW = "body_review", _("考核机构复核")
    COMPETENCE_TEST = "competence_test", _("业务水平测评")
    MAKEUP = "makeup", _("补考")
    CONFIRMATION = "confirmation", _("结果确认")


class Procedure(models.TextChoices):
    GENERAL = "general", _("一般程序")
    SIMPLIFIED = "simplified", _("简易程序")
    EXEMPT = "exempt", _("免考")


class Component(models.TextChoices):
    """Scored parts of the result; the cycle's settings say which count and their weights."""

    COMPETENCE_TEST = "competence_test", _("业务水平测评")
    SKILLS = "skills", _("技能操作")
    CASE_REVIEW = "case_review", _("病历评审")
    WORK_PERFORMANCE = "work_performance", _("工作成绩")
    ETHICS = "ethics", _("职业道德")


class ResultLevel(models.TextChoices):
    EXCELLENT = "excellent", _("优秀")
    PASS = "pass", _("合格")
    FAIL = "fail", _("不合格")


class EnrolmentStatus(models.TextChoices):
    """Where a physician stands in a cycle. The legal moves are in assessment/workflow.py."""

    ENROLLED = "enrolled", _("已参加")
    DRAFTING = "drafting", _("填报中")
    SUBMITTED = "submitted", _("已提交")
    RETURNED = "returned", _("已退回")
    DEPARTMENT_RATED = "department_rated", _("科室已评定")
    INSTITUTION_APPROVED = "institution_approved", _("机构审核通过")
    BODY_APPROVED = "body_approved", _("考核机构复核通过")
    SCORED = "scored", _("已评分")
    SCORE_CONFIRMED = "score_confirmed", _("成绩已认定")
    PUBLICIZED = "publicized", _("公示中")
    PASSED = "passed", _("合格")
    MAKEUP_PENDING = "makeup_pending", _("待确认补考")
    MAKEUP = "makeup", _("补考中")
    MAKEUP_SCORED = "makeup_scored", _("补考已评分")
    FAILED = "failed", _("不合格")
    WITHDRAWN = "withdrawn", _("已取消参加")


# States an enrolment never leaves.
FINAL_STATES = frozenset({EnrolmentStatus.PASSED, EnrolmentStatus.FAILED, EnrolmentStatus.WITHDRAWN})


class RatingLevel(models.TextChoices):
    """A department head's rating of work performance or professional ethics (科室评定)."""

    EXCELLENT = "excellent", _("优秀")
    GOOD = "good", _("良好")
    PASS = "pass", _("合格")
    FAIL = "fail", _("不合格")
