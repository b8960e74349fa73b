from django.db import models
from django.utils.translation import gettext_lazy as _


class BankPurpose(models.TextChoices):
    EXAM = "exam", _("考试题库")
    PRACTICE = "practice", _("练习题库")


class QuestionKind(models.TextChoices):
    SINGLE = "single", _("单选题")
    MULTIPLE = "multiple", _("多选题")
    CASE = "case", _("组合题")


# The kinds a sub-question of a case group may have.
SUB_KINDS = (QuestionKind.SINGLE, QuestionKind.MULTIPLE)


class Difficulty(models.IntegerChoices):
    EASY = 1, _("容易")
    MEDIUM = 2, _("中等")
    HARD = 3, _("困难")


class PartialCredit(models.TextChoices):
    """How a multiple-choice answer (also inside a case group) is scored; single choice is always exact.

    - exact: full points only for exactly the right set of options, otherwise 0.
    - subset_half: full points for the exact set; half the points for a non-empty proper subset of the right
      options with no wrong option (a "less chosen" answer); 0 as soon as any wrong option is chosen.
    """

    EXACT = "exact", _("全部选对得分")
    SUBSET_HALF = "subset_half", _("少选得一半分")


class AttemptStatus(models.TextChoices):
    IN_PROGRESS = "in_progress", _("作答中")
    SUBMITTED = "submitted", _("已交卷")
    # Submitted and graded, then voided (a confirmed cheating verdict): it no longer counts (not passed,
    # no score to the workflow), but it still uses the physician's attempt (a make-up grant gives another).
    VOIDED = "voided", _("已作废")


# The statuses of a finished attempt (the physician may no longer write to it).
FINISHED = (AttemptStatus.SUBMITTED, AttemptStatus.VOIDED)


class SubmittedBy(models.TextChoices):
    PHYSICIAN = "physician", _("考生交卷")
    DEADLINE = "deadline", _("到时自动交卷")
