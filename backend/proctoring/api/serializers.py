from rest_framework import serializers

from proctoring.enums import AppealStatus, EventKind, UploadMethod, VerdictKind

# --- the physician ------------------------------------------------------------------------------------


class ProctoringConsentTextOutput(serializers.Serializer):
    version = serializers.CharField()
    texts = serializers.DictField(child=serializers.CharField())  # {"zh-CN": "...", "en": "..."}
    sha256 = serializers.CharField()


class ProctoringConsentInput(serializers.Serializer):
    version = serializers.CharField(max_length=32)
    agree = serializers.BooleanField()


class ProctoringConsentStatusOutput(serializers.Serializer):
    sitting = serializers.UUIDField()
    proctored = serializers.BooleanField()
    version = serializers.CharField()
    consented = serializers.BooleanField()
    given_at = serializers.DateTimeField(allow_null=True)
    reference_ready = serializers.BooleanField()


class ProctoringConsentOutput(serializers.Serializer):
    id = serializers.UUIDField()
    sitting = serializers.UUIDField(source="sitting_id")
    text_version = serializers.CharField()
    given_at = serializers.DateTimeField()


class ProctoringPhotoUploadInput(serializers.Serializer):
    file = serializers.FileField()


class ProctoringReferenceOutput(serializers.Serializer):
    id = serializers.UUIDField()
    physician = serializers.UUIDField(source="physician_id")
    physician_name = serializers.CharField(source="physician.name")
    status = serializers.CharField()
    source = serializers.CharField()
    content_type = serializers.CharField()
    size = serializers.IntegerField()
    sha256 = serializers.CharField()
    width = serializers.IntegerField()
    height = serializers.IntegerField()
    comment = serializers.CharField()
    decided_at = serializers.DateTimeField(allow_null=True)
    created_at = serializers.DateTimeField()


class ProctoringNextSnapshotOutput(serializers.Serializer):
    index = serializers.IntegerField(allow_null=True)
    due_at = serializers.DateTimeField(allow_null=True)
    due_in_seconds = serializers.IntegerField(allow_null=True)
    window_seconds = serializers.IntegerField()
    remaining = serializers.IntegerField()


class ProctoringUploadUrlInput(serializers.Serializer):
    content_type = serializers.CharField(max_length=64)
    size = serializers.IntegerField(min_value=1)
    sha256 = serializers.CharField(
        max_length=64,
        required=False,
        allow_blank=True,
        default="",
        help_text="SHA-256 (hex) of the photo: required for `put` (signed into the upload); ignored for `post` "
        "(a worker computes it from the stored object).",
    )
    method = serializers.ChoiceField(
        choices=UploadMethod.choices,
        default=UploadMethod.PUT,
        help_text="`put` (default): a signed write-once PUT (wx.request). `post`: a POST policy for "
        "wx.uploadFile (multipart form to a staging key; a worker copies it to the final key and hashes it).",
    )


class ProctoringUploadOutput(serializers.Serializer):
    method = serializers.ChoiceField(choices=["PUT", "POST"])
    url = serializers.CharField()
    headers = serializers.DictField(
        child=serializers.CharField(), help_text="PUT: send exactly these headers. POST: empty."
    )
    fields = serializers.DictField(
        child=serializers.CharField(),
        help_text="POST: the form fields to send with the file (wx.uploadFile `formData`), in this order "
        "before the file. PUT: empty.",
    )
    file_field = serializers.CharField(
        help_text="POST: the form field of the file (wx.uploadFile `name`). PUT: ''."
    )
    expires_at = serializers.DateTimeField()


class ProctoringUploadUrlOutput(serializers.Serializer):
    snapshot = serializers.UUIDField()
    index = serializers.IntegerField()
    upload = ProctoringUploadOutput()


class ProctoringSnapshotOutput(serializers.Serializer):
    id = serializers.UUIDField()
    index = serializers.IntegerField()
    due_at = serializers.DateTimeField()
    status = serializers.CharField()
    sha256 = serializers.CharField()
    registered_at = serializers.DateTimeField(allow_null=True)
    analysed_at = serializers.DateTimeField(allow_null=True)
    flags = serializers.ListField(child=serializers.CharField())
    face_count = serializers.IntegerField(allow_null=True)
    match_score = serializers.FloatField(allow_null=True)
    matched = serializers.BooleanField(allow_null=True)
    deleted_at = serializers.DateTimeField(allow_null=True)
    upload_method = serializers.CharField()


class ProctoringEventInput(serializers.Serializer):
    kind = serializers.ChoiceField(choices=EventKind.choices)
    seq = serializers.IntegerField(min_value=0)
    at = serializers.DateTimeField(required=False, allow_null=True, default=None)


class ProctoringEventOutput(serializers.Serializer):
    leave_count = serializers.IntegerField()
    recorded = serializers.BooleanField()


class ProctoringAppealOutput(serializers.Serializer):
    id = serializers.UUIDField()
    verdict = serializers.UUIDField(source="verdict_id")
    reason = serializers.CharField()
    status = serializers.CharField()
    decided_at = serializers.DateTimeField(allow_null=True)
    decision_comment = serializers.CharField()
    created_at = serializers.DateTimeField()


class ProctoringVerdictOutput(serializers.Serializer):
    id = serializers.UUIDField()
    kind = serializers.CharField()
    status = serializers.CharField()
    reason = serializers.CharField()
    confirmed_at = serializers.DateTimeField(allow_null=True)
    appeal_until = serializers.DateTimeField(allow_null=True)
    created_at = serializers.DateTimeField()
    appeal = serializers.SerializerMethodField()

    def get_appeal(self, verdict) -> dict | None:
        appeal = getattr(verdict, "appeal", None)
        return ProctoringAppealOutput(appeal).data if appeal else None


class ProctoringStaffVerdictOutput(ProctoringVerdictOutput):
    created_by = serializers.UUIDField(source="created_by_id")
    confirmed_by = serializers.UUIDField(source="confirmed_by_id", allow_null=True)
    confirm_comment = serializers.CharField()


class ProctoringPhotoOutput(ProctoringSnapshotOutput):
    url = serializers.CharField(allow_null=True)


class ProctoringEvidenceOutput(serializers.Serializer):
    attempt = serializers.UUIDField()
    voided = serializers.BooleanField()
    verdicts = ProctoringVerdictOutput(many=True)
    photos = ProctoringPhotoOutput(many=True)


class ProctoringAppealInput(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)


# --- staff --------------------------------------------------------------------------------------------------


class ProctoringSettingsInput(serializers.Serializer):
    enabled = serializers.BooleanField(default=True)
    snapshots = serializers.IntegerField(required=False)
    appeal_days = serializers.IntegerField(required=False)
    retention_days = serializers.IntegerField(required=False)


class ProctoringSettingsOutput(serializers.Serializer):
    sitting = serializers.UUIDField(source="sitting_id")
    enabled = serializers.BooleanField()
    snapshots = serializers.IntegerField()
    appeal_days = serializers.IntegerField()
    retention_days = serializers.IntegerField()
    updated_at = serializers.DateTimeField()


class ProctoringReferenceFilterInput(serializers.Serializer):
    physician = serializers.UUIDField(required=False)
    status = serializers.CharField(required=False, allow_blank=True, default="")


class ProctoringReferenceUploadInput(serializers.Serializer):
    physician = serializers.UUIDField()
    file = serializers.FileField()


class ProctoringReferenceDecideInput(serializers.Serializer):
    approve = serializers.BooleanField()
    comment = serializers.CharField(max_length=255, required=False, allow_blank=True, default="")


class ProctoringSessionFilterInput(serializers.Serializer):
    sitting = serializers.UUIDField(required=False)
    flagged = serializers.BooleanField(required=False, allow_null=True, default=None)
    verdict = serializers.CharField(required=False, allow_blank=True, default="")


class ProctoringSessionOutput(serializers.Serializer):
    attempt = serializers.UUIDField(source="attempt_id")
    sitting = serializers.UUIDField(source="sitting_id")
    sitting_name = serializers.CharField(source="sitting.name")
    physician = serializers.UUIDField(source="physician_id")
    physician_name = serializers.CharField(source="physician.name")
    attempt_status = serializers.CharField(source="attempt.status")
    started_at = serializers.DateTimeField(source="attempt.started_at")
    risk = serializers.IntegerField()
    flagged_count = serializers.IntegerField()
    missing_count = serializers.IntegerField()
    repeated_count = serializers.IntegerField()
    leave_count = serializers.IntegerField()
    min_match_score = serializers.FloatField(allow_null=True)
    scheduled = serializers.SerializerMethodField()
    voided_at = serializers.DateTimeField(allow_null=True)
    makeup_outcome = serializers.CharField()

    def get_scheduled(self, session) -> int:
        return len(session.schedule)


class ProctoringSessionDetailOutput(ProctoringSessionOutput):
    reference = serializers.DictField(allow_null=True)
    photos = ProctoringPhotoOutput(many=True)
    verdicts = ProctoringStaffVerdictOutput(many=True, source="verdict_list")


class ProctoringVerdictInput(serializers.Serializer):
    kind = serializers.ChoiceField(choices=VerdictKind.choices)
    reason = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class ProctoringVerdictConfirmInput(serializers.Serializer):
    confirm = serializers.BooleanField()
    comment = serializers.CharField(max_length=255, required=False, allow_blank=True, default="")


class ProctoringAppealFilterInput(serializers.Serializer):
    status = serializers.ChoiceField(choices=AppealStatus.choices, required=False)


class ProctoringAppealDecideInput(serializers.Serializer):
    decision = serializers.ChoiceField(choices=[AppealStatus.UPHELD, AppealStatus.OVERTURNED])
    comment = serializers.CharField(max_length=255, required=False, allow_blank=True, default="")


class ProctoringStaffAppealOutput(ProctoringAppealOutput):
    attempt = serializers.UUIDField(source="verdict.session.attempt_id")
    verdict_kind = serializers.CharField(source="verdict.kind")
