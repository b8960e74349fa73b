from django.db import models
from django.utils.translation import gettext_lazy as _


class SessionMode(models.TextChoices):
    """题库练习: one question at a time, right/wrong and the explanation at once. 模拟自测: the shape of a real
    blueprint (counts, points, time limit, pass mark), graded at the end by the exam rules."""

    PRACTICE = "practice", _("题库练习")
    MOCK = "mock", _("模拟自测")


class SessionSource(models.TextChoices):
    """Where a practice session's questions come from."""

    BANK = "bank", _("练习题库")
    WRONG_BOOK = "wrong_book", _("错题重练")
    FAVOURITES = "favourites", _("收藏夹")


class SessionStatus(models.TextChoices):
    IN_PROGRESS = "in_progress", _("进行中")
    SUBMITTED = "submitted", _("已结束")


class WrongSource(models.TextChoices):
    PRACTICE = "practice", _("题库练习")
    MOCK = "mock", _("模拟自测")
    EXAM = "exam", _("考试")
