"""Approval chains and the requests that go through them (tenant schema: a hospital's own configuration).

A chain is immutable once saved: changing a hospital's chain for an application type saves a new version and
deactivates the old one; a request keeps the chain (version) it was submitted under. Approvers are resolved
when a request is submitted (and again when it is resubmitted after a return) into one `ApprovalTask` per
person and step, so a later change of memberships or of the chain does not move a running request.
History rows are append-only. Users and departments are public rows, referenced without database
constraints (see ARCHITECTURE.md).
"""

from django.db import models
from django.db.models import Q

from approvals.enums import ApproverKind, Decision, HistoryAction, RequestStatus, StepMode
from core.models import BaseModel


class ApprovalChain(BaseModel):
    type_code = models.CharField(max_length=100)
    version = models.PositiveIntegerField()
    is_active = models.BooleanField(default=True)
    note = models.CharField(max_length=200, blank=True)
    created_by = models.ForeignKey(
        "accounts.User", null=True, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )

    class Meta:
        ordering = ["type_code", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["type_code", "version"], name="approval_chain_version"),
            models.UniqueConstraint(
                fields=["type_code"], condition=Q(is_active=True), name="approval_chain_one_active"
            ),
        ]


class ApprovalStep(BaseModel):
    chain = models.ForeignKey(ApprovalChain, on_delete=models.PROTECT, related_name="steps")
    position = models.PositiveSmallIntegerField()  # 0-based order in the chain
    name = models.CharField(max_length=64)
    approver_kind = models.CharField(max_length=20, choices=ApproverKind.choices)
    role = models.CharField(max_length=32, blank=True)  # for approver_kind=role
    user_ids = models.JSONField(default=list, blank=True)  # for approver_kind=users (UUID strings)
    mode = models.CharField(max_length=8, choices=StepMode.choices, default=StepMode.ANY)
    auto_rule = models.JSONField(null=True, blank=True)  # approvals.rules format
    due_hours = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["chain", "position"]
        constraints = [
            models.UniqueConstraint(fields=["chain", "position"], name="approval_step_position"),
        ]


class ApprovalRequest(BaseModel):
    type_code = models.CharField(max_length=100)
    chain = models.ForeignKey(ApprovalChain, on_delete=models.PROTECT, related_name="requests")
    subject_id = models.UUIDField()  # the consumer's row (an application)
    title = models.CharField(max_length=200)
    applicant = models.ForeignKey(
        "accounts.User", on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    applicant_department = models.ForeignKey(
        "organizations.Department",
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    facts = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=16, choices=RequestStatus.choices, default=RequestStatus.PENDING)
    round = models.PositiveSmallIntegerField(default=1)  # +1 at every resubmission
    current_step = models.PositiveSmallIntegerField(null=True, blank=True)  # position; None when not pending
    step_started_at = models.DateTimeField(null=True, blank=True)
    step_due_at = models.DateTimeField(null=True, blank=True)
    reminded_on = models.DateField(null=True, blank=True)  # last overdue reminder of the current step
    submitted_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-submitted_at", "-id"]
        indexes = [
            models.Index(fields=["type_code", "subject_id"], name="approval_request_subject"),
            models.Index(fields=["applicant", "-submitted_at"], name="approval_request_applicant"),
            models.Index(fields=["step_due_at"], condition=Q(status="pending"), name="approval_request_due"),
        ]


class ApprovalTask(BaseModel):
    """One person's part in one step of one round of a request."""

    request = models.ForeignKey(ApprovalRequest, on_delete=models.CASCADE, related_name="tasks")
    round = models.PositiveSmallIntegerField()
    position = models.PositiveSmallIntegerField()
    user = models.ForeignKey(
        "accounts.User", on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    decision = models.CharField(max_length=8, choices=Decision.choices, blank=True)
    comment = models.TextField(blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["round", "position", "created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["request", "round", "position", "user"], name="approval_task_once"
            ),
        ]
        indexes = [models.Index(fields=["user", "decision"], name="approval_task_user")]


class AppendOnlyError(RuntimeError):
    pass


class ApprovalHistory(BaseModel):
    """Append-only: who, when, which step, what, from which status to which, with the comment."""

    request = models.ForeignKey(ApprovalRequest, on_delete=models.CASCADE, related_name="history")
    actor = models.ForeignKey(
        "accounts.User", null=True, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    round = models.PositiveSmallIntegerField()
    position = models.PositiveSmallIntegerField(null=True, blank=True)
    action = models.CharField(max_length=16, choices=HistoryAction.choices)
    from_status = models.CharField(max_length=16, blank=True)
    to_status = models.CharField(max_length=16)
    comment = models.TextField(blank=True)

    class Meta:
        ordering = ["created_at", "id"]

    def save(self, *args, **kwargs):
        # history is never rewritten: only inserts
        if not self._state.adding:
            raise AppendOnlyError("approval history rows are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("approval history rows are append-only")
