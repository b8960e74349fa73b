"""学习 (practice, public schema): practice sessions and mock tests, the wrong-answer book and favourites.

Everything here belongs to one physician (and their user); nothing points at an organisation directly. The
questions come from the exam engine (`exams.Question` / `exams.QuestionVersion`): a practice session or a mock
test only ever draws from banks with purpose `practice`; exam-bank questions reach the wrong-answer book only
from a graded exam attempt whose sitting (and every make-up sitting) has closed.

A session keeps its drawn paper (`paper`, server-side only) in the exam engine's format, with question and
option IDs opaque to the session, so the mini-program renders practice and exams alike.
"""

from django.db import models

from core.models import BaseModel
from practice.enums import SessionMode, SessionSource, SessionStatus, WrongSource


class PracticeSession(BaseModel):
    physician = models.ForeignKey("physicians.Physician", on_delete=models.PROTECT, related_name="+")
    user = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    mode = models.CharField(max_length=16, choices=SessionMode.choices)
    source = models.CharField(max_length=16, choices=SessionSource.choices, default=SessionSource.BANK)
    # What the physician asked for: {"bank", "specialty", "difficulty", "kind", "count"} (practice).
    filters = models.JSONField(default=dict, blank=True)
    # A mock test copies the shape of the blueprint of this sitting (rules, time limit, pass mark).
    sitting = models.ForeignKey(
        "exams.Sitting", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    partial_credit = models.CharField(max_length=16, default="exact")
    pass_mark = models.DecimalField(max_digits=6, decimal_places=2, null=True, blank=True)
    seed = models.BigIntegerField()
    secret = models.CharField(max_length=64)  # HMAC key of the opaque IDs; never leaves the server
    paper = models.JSONField(default=dict)  # server-side only
    status = models.CharField(max_length=16, choices=SessionStatus.choices, default=SessionStatus.IN_PROGRESS)
    started_at = models.DateTimeField()
    deadline = models.DateTimeField(null=True, blank=True)  # mock tests only
    submitted_at = models.DateTimeField(null=True, blank=True)
    score = models.DecimalField(max_digits=7, decimal_places=2, null=True, blank=True)
    max_score = models.DecimalField(max_digits=7, decimal_places=2)
    passed = models.BooleanField(null=True)
    detail = models.JSONField(default=dict, blank=True)  # per question points, after grading (mock)

    class Meta:
        ordering = ["-started_at"]
        indexes = [models.Index(fields=["user", "-started_at"], name="practice_session_by_user")]


class PracticeAnswer(models.Model):
    """One answer in a session. `item` is the answered question's opaque ID in the session (a case group's
    sub-question has its own), `choices` the option keys of the version. In practice mode the first answer
    is final and graded at once (`correct`); in a mock test the answer may change until submission."""

    id = models.BigAutoField(primary_key=True)
    session = models.ForeignKey(PracticeSession, on_delete=models.CASCADE, related_name="answers")
    item = models.CharField(max_length=32)
    choices = models.JSONField(default=list)
    correct = models.BooleanField(null=True)
    answered_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["session", "item"], name="practice_answer_once_per_item")
        ]

    def __str__(self):
        return f"{self.session_id}:{self.item}"


class WrongAnswer(BaseModel):
    """错题集: one row per physician and question, filled by a wrong answer and cleared (`cleared_at`) by a
    later right one. `choices` is what was chosen the last time it was wrong: {"": [keys]} for a single or
    multiple choice question, {"0": [keys], "1": [keys]} per sub-question of a case group."""

    physician = models.ForeignKey("physicians.Physician", on_delete=models.PROTECT, related_name="+")
    question = models.ForeignKey("exams.Question", on_delete=models.PROTECT, related_name="+")
    version = models.ForeignKey("exams.QuestionVersion", on_delete=models.PROTECT, related_name="+")
    source = models.CharField(max_length=16, choices=WrongSource.choices)
    attempt = models.ForeignKey(
        "exams.Attempt", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    choices = models.JSONField(default=dict)
    wrong_count = models.PositiveIntegerField(default=1)
    last_wrong_at = models.DateTimeField()
    cleared_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-last_wrong_at"]
        constraints = [
            models.UniqueConstraint(fields=["physician", "question"], name="practice_wrong_once_per_question")
        ]
        indexes = [
            models.Index(fields=["physician", "cleared_at", "-last_wrong_at"], name="practice_wrong_open"),
        ]


class Favourite(BaseModel):
    """收藏夹: a practice-bank question the physician keeps."""

    physician = models.ForeignKey("physicians.Physician", on_delete=models.PROTECT, related_name="+")
    question = models.ForeignKey("exams.Question", on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["physician", "question"], name="practice_favourite_once")
        ]


class CollectedAttempt(models.Model):
    """A graded exam attempt whose wrong answers have gone into the wrong-answer book (once, after its
    sitting and every make-up sitting closed)."""

    attempt = models.OneToOneField(
        "exams.Attempt", primary_key=True, on_delete=models.PROTECT, related_name="+"
    )
    collected_at = models.DateTimeField()

    def __str__(self):
        return str(self.attempt_id)
