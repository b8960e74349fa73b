"""The exam engine (public schema): question banks, versioned questions, blueprints, sittings, attempts.

Every bank, question, version, blueprint, sitting, make-up grant and attempt carries its owner organisation
(`owner`): the province commission for the province's competence test, a hospital for its own exams. Staff
reach only what their own organisation owns (selectors); anything else is a 404.

A question's classification (kind, specialty, practice category, difficulty, tags) lives on Question and may
change; what is asked (stem, options, answer key, explanation, the sub-questions of a case group) lives on an
immutable QuestionVersion. An edit makes a new version; an attempt's paper names the versions it drew, so a
finished attempt keeps what was asked.

An Attempt keeps its paper (drawn from the blueprint with a stored seed) in `paper`, server-side only: the
opaque per-attempt IDs of its questions and options, the versions, points and option order. Answers are one
AttemptAnswer row per question, written by one conditional UPSERT ordered by (client_epoch, seq).

Status: in_progress -> submitted (graded) -> voided (a confirmed cheating verdict, services.voiding) -> back to
submitted when an appeal overturns it. A voided attempt keeps its score for the record, but `passed` is False
while it is void (the graded verdict is kept in `detail["graded_passed"]`).
"""

from django.db import models

from core.models import BaseModel
from exams.enums import (
    AttemptStatus,
    BankPurpose,
    Difficulty,
    PartialCredit,
    QuestionKind,
    SubmittedBy,
)


class QuestionBank(BaseModel):
    owner = models.ForeignKey("organizations.Organization", on_delete=models.PROTECT, related_name="+")
    name = models.CharField(max_length=128)
    purpose = models.CharField(max_length=16, choices=BankPurpose.choices, default=BankPurpose.EXAM)
    description = models.TextField(blank=True)
    created_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["owner", "name"], name="exams_bank_name_per_owner")]

    def __str__(self):
        return self.name


class Question(BaseModel):
    owner = models.ForeignKey("organizations.Organization", on_delete=models.PROTECT, related_name="+")
    bank = models.ForeignKey(QuestionBank, on_delete=models.PROTECT, related_name="questions")
    kind = models.CharField(max_length=16, choices=QuestionKind.choices)
    specialty = models.CharField(max_length=64, blank=True)  # 专业, e.g. 内科学
    # 执业类别 the question is for (physicians.enums.PracticeCategory); blank: every category.
    practice_category = models.CharField(max_length=16, blank=True)
    difficulty = models.PositiveSmallIntegerField(choices=Difficulty.choices, default=Difficulty.MEDIUM)
    tags = models.JSONField(default=list, blank=True)
    # The version drawn into new papers (None only while the first version is being written).
    current = models.ForeignKey(
        "QuestionVersion", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    deleted_at = models.DateTimeField(null=True, blank=True)  # removed from the bank; versions stay
    created_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["bank", "kind", "difficulty"], name="exams_question_draw"),
        ]


class QuestionVersion(BaseModel):
    """What was asked, never edited. `options` [{"key": "A", "text": "..."}] and `answer` ["A"] for single and
    multiple choice; for a case group `stem` is the shared stem and `items` the sub-questions
    [{"kind": "single", "stem": "...", "options": [...], "answer": [...], "explanation": "..."}]."""

    owner = models.ForeignKey("organizations.Organization", on_delete=models.PROTECT, related_name="+")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    stem = models.TextField()
    options = models.JSONField(default=list, blank=True)
    answer = models.JSONField(default=list, blank=True)
    items = models.JSONField(default=list, blank=True)
    explanation = models.TextField(blank=True)
    created_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["question", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["question", "number"], name="exams_question_version_number")
        ]


class Blueprint(BaseModel):
    """How a paper is drawn. `rules` [{"kind": "single", "count": 20, "points": "1.5", "specialty": "",
    "difficulty": null}, ...]: per rule, `count` questions of the kind (for a case group: `count` groups,
    `points` per sub-question), optionally of one specialty and difficulty. The physician's practice category
    always applies (questions of their category or of none)."""

    owner = models.ForeignKey("organizations.Organization", on_delete=models.PROTECT, related_name="+")
    bank = models.ForeignKey(QuestionBank, on_delete=models.PROTECT, related_name="blueprints")
    name = models.CharField(max_length=128)
    rules = models.JSONField(default=list)
    time_limit_minutes = models.PositiveIntegerField()
    pass_mark = models.DecimalField(max_digits=6, decimal_places=2)
    partial_credit = models.CharField(
        max_length=16, choices=PartialCredit.choices, default=PartialCredit.EXACT
    )
    shuffle_options = models.BooleanField(default=True)
    created_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-created_at"]


class Sitting(BaseModel):
    """An exam with a window. Optionally the competence test of an assessment cycle (its score reaches the
    cycle's workflow); a make-up sitting names the sitting it makes up for (its papers avoid the questions
    the physician had there)."""

    owner = models.ForeignKey("organizations.Organization", on_delete=models.PROTECT, related_name="+")
    blueprint = models.ForeignKey(Blueprint, on_delete=models.PROTECT, related_name="sittings")
    name = models.CharField(max_length=128)
    opens_at = models.DateTimeField()
    closes_at = models.DateTimeField()
    cycle = models.ForeignKey(
        "assessment.Cycle", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    makeup_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="makeup_sittings"
    )
    created_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-opens_at"]


class MakeupGrant(BaseModel):
    """One more attempt in a sitting for one physician (补考 within the same sitting)."""

    owner = models.ForeignKey("organizations.Organization", on_delete=models.PROTECT, related_name="+")
    sitting = models.ForeignKey(Sitting, on_delete=models.PROTECT, related_name="makeup_grants")
    physician = models.ForeignKey("physicians.Physician", on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(max_length=255, blank=True)
    granted_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["created_at"]


class PreparedPaper(BaseModel):
    """A first attempt's paper drawn ahead of the sitting for one physician (services.prepared), so that the
    start only inserts the attempt. Per physician and used by at most one attempt (Attempt.prepared_paper is
    one-to-one): its secret, and so its opaque IDs, are never shared. It is used only while it is still what a
    draw at the start could give: the same blueprint (and its `blueprint_updated_at`), the physician's
    practice category, and no question of it edited or removed since it was drawn."""

    owner = models.ForeignKey("organizations.Organization", on_delete=models.PROTECT, related_name="+")
    sitting = models.ForeignKey(Sitting, on_delete=models.CASCADE, related_name="prepared_papers")
    physician = models.ForeignKey("physicians.Physician", on_delete=models.CASCADE, related_name="+")
    blueprint = models.ForeignKey(Blueprint, on_delete=models.CASCADE, related_name="+")
    blueprint_updated_at = models.DateTimeField()
    practice_category = models.CharField(max_length=16)
    seed = models.BigIntegerField()
    secret = models.CharField(max_length=64)
    paper = models.JSONField(default=dict)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["sitting", "physician"], name="exams_prepared_paper_once")
        ]


class Attempt(BaseModel):
    owner = models.ForeignKey("organizations.Organization", on_delete=models.PROTECT, related_name="+")
    sitting = models.ForeignKey(Sitting, on_delete=models.PROTECT, related_name="attempts")
    physician = models.ForeignKey("physicians.Physician", on_delete=models.PROTECT, related_name="+")
    user = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    number = models.PositiveSmallIntegerField(default=1)  # 1: the first; 2, 3...: make-ups granted
    is_makeup = models.BooleanField(default=False)
    status = models.CharField(max_length=16, choices=AttemptStatus.choices, default=AttemptStatus.IN_PROGRESS)
    seed = models.BigIntegerField()  # the draw is reproducible from it (services.papers.paper_draw)
    secret = models.CharField(max_length=64)  # HMAC key of the opaque IDs; never leaves the server
    paper = models.JSONField(default=dict)  # server-side only (answer order, versions, option keys)
    started_at = models.DateTimeField()
    deadline = models.DateTimeField()
    device_id = models.CharField(max_length=64)
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.CharField(max_length=16, choices=SubmittedBy.choices, blank=True)
    score = models.DecimalField(max_digits=7, decimal_places=2, null=True, blank=True)
    max_score = models.DecimalField(max_digits=7, decimal_places=2)
    passed = models.BooleanField(null=True)
    detail = models.JSONField(default=dict, blank=True)  # per question points awarded, after grading
    enrolment_id = models.UUIDField(null=True, blank=True)  # the cycle enrolment, for a cycle's sitting
    result_recorded_at = models.DateTimeField(null=True, blank=True)  # sent to the assessment workflow
    result_error = models.CharField(max_length=64, blank=True)
    # Voiding (services.voiding): when, why, what the make-up path did, and the make-up grant it gave (a
    # sitting outside a cycle), which an overturned appeal withdraws while unused.
    voided_at = models.DateTimeField(null=True, blank=True)
    void_reason = models.CharField(max_length=255, blank=True)
    void_outcome = models.CharField(max_length=64, blank=True)
    void_grant = models.ForeignKey(
        MakeupGrant, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The paper prepared ahead of the sitting this attempt took (its seed, secret and paper are copied here).
    prepared_paper = models.OneToOneField(
        PreparedPaper, null=True, blank=True, on_delete=models.SET_NULL, related_name="attempt"
    )

    class Meta:
        ordering = ["-started_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["sitting", "physician", "number"], name="exams_attempt_once_per_number"
            )
        ]
        indexes = [
            models.Index(
                fields=["deadline"],
                name="exams_attempt_open_deadline",
                condition=models.Q(status="in_progress"),
            ),
        ]


class AttemptAnswer(models.Model):
    """The latest answer to one question of an attempt. `item` is the question's opaque ID in the attempt,
    `choices` the option keys of the version (mapped from the opaque option IDs). Written only by
    services.attempts.answer_save's UPSERT, which keeps the row with the highest (client_epoch, seq)."""

    id = models.BigAutoField(primary_key=True)
    attempt = models.ForeignKey(Attempt, on_delete=models.CASCADE, related_name="answers", db_index=False)
    item = models.CharField(max_length=32)
    choices = models.JSONField(default=list)
    marked = models.BooleanField(default=False)
    client_epoch = models.BigIntegerField()
    seq = models.BigIntegerField()
    saved_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["attempt", "item"], name="exams_answer_once_per_item")]

    def __str__(self):
        return f"{self.attempt_id}:{self.item}"
