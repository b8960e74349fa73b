"""Proctoring of exam attempts with face capture (public schema, beside the exam engine).

Every row carries the organisation that owns it: the sitting's owner for what belongs to an exam (consents,
settings, sessions, snapshots, events, verdicts, appeals), the physician's institution for a reference photo
(it serves every exam of that physician).

- FaceConsent: the physician's explicit consent to face capture for one sitting, with the version of the text
  they agreed to and the time. A proctored sitting cannot be started without it.
- ReferencePhoto: the face a snapshot is compared with. Only an institution's upload or an institution's
  approval of a photo the physician proposed makes it `approved`; one approved photo per physician.
- ProctoringSettings: whether a sitting is proctored, how many snapshots, the appeal window and retention.
- ProctoringSession: one per proctored attempt: the snapshot schedule (offsets from the start, chosen at
  random by the server, handed out one at a time), counters and the risk score reviewers rank by.
- Snapshot: one scheduled photo: the server-chosen object key, the length and SHA-256 the upload was signed
  with, the analysis (faces, match score, flags). A slot that passed without a photo is a `missing` row.
- AppEvent: the client's reports of leaving and returning to the app (onHide / onShow), idempotent by seq.
- Verdict and Appeal: a reviewer's warning or cheating finding (cheating needs a second reviewer), and the
  physician's appeal within the window.
"""

from django.db import models

from core.models import BaseModel
from proctoring.enums import (
    AppealStatus,
    EventKind,
    ReferenceSource,
    ReferenceStatus,
    SnapshotStatus,
    UploadMethod,
    VerdictKind,
    VerdictStatus,
)


class FaceConsent(BaseModel):
    owner = models.ForeignKey("organizations.Organization", on_delete=models.PROTECT, related_name="+")
    sitting = models.ForeignKey("exams.Sitting", on_delete=models.PROTECT, related_name="+")
    physician = models.ForeignKey("physicians.Physician", on_delete=models.PROTECT, related_name="+")
    user = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    text_version = models.CharField(max_length=32)
    text_sha256 = models.CharField(max_length=64)  # of the texts served under that version
    given_at = models.DateTimeField()
    device_id = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["-given_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["sitting", "physician", "text_version"], name="proctoring_consent_once_per_version"
            )
        ]


class ReferencePhoto(BaseModel):
    organization = models.ForeignKey("organizations.Organization", on_delete=models.PROTECT, related_name="+")
    physician = models.ForeignKey("physicians.Physician", on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=16, choices=ReferenceStatus.choices)
    source = models.CharField(max_length=16, choices=ReferenceSource.choices)
    object_key = models.CharField(max_length=255, unique=True)
    content_type = models.CharField(max_length=32)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    encoding = models.BinaryField(null=True, blank=True)  # faces.reference_encoding, computed on first use
    uploaded_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    decided_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    comment = models.CharField(max_length=255, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["physician"],
                condition=models.Q(status="approved"),
                name="proctoring_one_approved_reference",
            )
        ]


class ProctoringSettings(BaseModel):
    owner = models.ForeignKey("organizations.Organization", on_delete=models.PROTECT, related_name="+")
    sitting = models.OneToOneField("exams.Sitting", on_delete=models.PROTECT, related_name="+")
    enabled = models.BooleanField(default=True)
    snapshots = models.PositiveSmallIntegerField(default=6)  # per attempt, at random times
    appeal_days = models.PositiveSmallIntegerField(default=15)
    retention_days = models.PositiveSmallIntegerField(default=180)  # after the sitting (or cycle) closes
    updated_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")


class ProctoringSession(BaseModel):
    owner = models.ForeignKey("organizations.Organization", on_delete=models.PROTECT, related_name="+")
    attempt = models.OneToOneField("exams.Attempt", on_delete=models.PROTECT, related_name="+")
    sitting = models.ForeignKey("exams.Sitting", on_delete=models.PROTECT, related_name="+")
    physician = models.ForeignKey("physicians.Physician", on_delete=models.PROTECT, related_name="+")
    schedule = models.JSONField(default=list)  # seconds after the attempt's start, ascending; server only
    leave_count = models.PositiveIntegerField(default=0)
    missing_count = models.PositiveIntegerField(default=0)
    flagged_count = models.PositiveIntegerField(default=0)  # photos with at least one flag
    repeated_count = models.PositiveIntegerField(default=0)
    min_match_score = models.FloatField(null=True, blank=True)
    risk = models.IntegerField(default=0, db_index=True)
    voided_at = models.DateTimeField(null=True, blank=True)  # a confirmed cheating verdict
    makeup_outcome = models.CharField(max_length=64, blank=True)  # what the make-up path did (see services)

    class Meta:
        ordering = ["-risk", "-created_at"]


class Snapshot(BaseModel):
    owner = models.ForeignKey("organizations.Organization", on_delete=models.PROTECT, related_name="+")
    session = models.ForeignKey(ProctoringSession, on_delete=models.PROTECT, related_name="snapshots")
    index = models.PositiveSmallIntegerField()
    due_at = models.DateTimeField()
    status = models.CharField(max_length=16, choices=SnapshotStatus.choices)
    object_key = models.CharField(max_length=255, null=True, blank=True, unique=True)
    content_type = models.CharField(max_length=32, blank=True)
    size = models.PositiveIntegerField(null=True, blank=True)
    sha256 = models.CharField(max_length=64, blank=True, db_index=True)  # signed into the upload
    issued_at = models.DateTimeField(null=True, blank=True)
    registered_at = models.DateTimeField(null=True, blank=True)
    analysed_at = models.DateTimeField(null=True, blank=True)
    flags = models.JSONField(default=list, blank=True)
    face_count = models.PositiveSmallIntegerField(null=True, blank=True)
    match_score = models.FloatField(null=True, blank=True)
    matched = models.BooleanField(null=True)
    analysis = models.JSONField(default=dict, blank=True)  # boxes, ratio, timings, pixels
    deleted_at = models.DateTimeField(null=True, blank=True)  # photo removed by the retention rule
    # A POST-policy upload (wx.uploadFile) lands on `staging_key`; registration pins the staging object's
    # ETag; a worker copies exactly that object to `object_key` (never signed to a client), hashes it there
    # and deletes the staging object (services.staging). `sha256` is the worker's for these.
    upload_method = models.CharField(max_length=8, choices=UploadMethod.choices, default=UploadMethod.PUT)
    staging_key = models.CharField(max_length=255, null=True, blank=True, unique=True)
    staging_etag = models.CharField(max_length=128, blank=True)
    copied_at = models.DateTimeField(null=True, blank=True)
    # Last time the sweep sent the copy or the analysis again (its message was lost: a worker killed, Redis
    # restarted, the broker down when the photo was registered).
    requeued_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["session", "index"]
        constraints = [
            models.UniqueConstraint(fields=["session", "index"], name="proctoring_snapshot_once_per_slot")
        ]


class AppEvent(models.Model):
    id = models.BigAutoField(primary_key=True)
    owner = models.ForeignKey("organizations.Organization", on_delete=models.PROTECT, related_name="+")
    session = models.ForeignKey(ProctoringSession, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=8, choices=EventKind.choices)
    seq = models.BigIntegerField()
    client_at = models.DateTimeField(null=True, blank=True)
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["session", "seq"], name="proctoring_event_once")]

    def __str__(self):
        return f"{self.session_id}:{self.seq}:{self.kind}"


class Verdict(BaseModel):
    owner = models.ForeignKey("organizations.Organization", on_delete=models.PROTECT, related_name="+")
    session = models.ForeignKey(ProctoringSession, on_delete=models.PROTECT, related_name="verdicts")
    kind = models.CharField(max_length=16, choices=VerdictKind.choices)
    status = models.CharField(max_length=16, choices=VerdictStatus.choices)
    reason = models.TextField()
    created_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    confirmed_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)
    confirm_comment = models.CharField(max_length=255, blank=True)
    appeal_until = models.DateTimeField(null=True, blank=True)  # set when the verdict takes effect

    class Meta:
        ordering = ["-created_at"]


class Appeal(BaseModel):
    owner = models.ForeignKey("organizations.Organization", on_delete=models.PROTECT, related_name="+")
    verdict = models.OneToOneField(Verdict, on_delete=models.PROTECT, related_name="appeal")
    user = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    reason = models.TextField()
    status = models.CharField(max_length=16, choices=AppealStatus.choices, default=AppealStatus.PENDING)
    decided_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_comment = models.CharField(max_length=255, blank=True)

    class Meta:
        ordering = ["-created_at"]
