"""Serializers of scores and results (考核管理, 补考管理, 考核结果)."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from assessment.enums import Component, EnrolmentStatus, Procedure, ResultLevel
from assessment.models import AttachmentPurpose, Sitting

# --- inputs ---------------------------------------------------------------------------------------------


class ScoreEnterInput(serializers.Serializer):
    """A score (0-100, two decimals) of a component the experts score."""

    component = serializers.ChoiceField(
        choices=Component.choices, help_text="skills, case_review, work_performance or ethics"
    )
    sitting = serializers.ChoiceField(choices=Sitting.choices, default=Sitting.MAIN)
    score = serializers.DecimalField(max_digits=7, decimal_places=2, coerce_to_string=False)
    comment = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class CompetenceTestRecordInput(serializers.Serializer):
    """The competence test result recorded by hand (until the exam engine reports it)."""

    score = serializers.DecimalField(max_digits=7, decimal_places=2, coerce_to_string=False)
    passed = serializers.BooleanField(help_text="the test's own verdict; a failed test fails the result")
    sitting = serializers.ChoiceField(choices=Sitting.choices, default=Sitting.MAIN)
    comment = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class ScoreAttachmentUploadInput(serializers.Serializer):
    file = serializers.FileField(help_text="pdf, jpg or png, at most 20 MB")
    purpose = serializers.ChoiceField(choices=AttachmentPurpose.choices, help_text="skills or case_review")


class ResultCommentInput(serializers.Serializer):
    comment = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class ResultBulkInput(serializers.Serializer):
    ids = serializers.ListField(child=serializers.UUIDField(), min_length=1, max_length=10000)
    comment = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class ResultFilterInput(serializers.Serializer):
    cycle = serializers.UUIDField(required=False)
    status = serializers.ChoiceField(choices=EnrolmentStatus.choices, required=False)
    procedure = serializers.ChoiceField(choices=Procedure.choices, required=False)
    result_level = serializers.ChoiceField(choices=ResultLevel.choices, required=False)
    name = serializers.CharField(max_length=64, required=False)
    organization = serializers.UUIDField(required=False)
    department = serializers.UUIDField(required=False)
    publicity_over = serializers.BooleanField(required=False, allow_null=True, default=None)


class ResultExportInput(serializers.Serializer):
    cycle = serializers.UUIDField(required=False)
    status = serializers.ChoiceField(choices=EnrolmentStatus.choices, required=False)
    procedure = serializers.ChoiceField(choices=Procedure.choices, required=False)
    result_level = serializers.ChoiceField(choices=ResultLevel.choices, required=False)
    name = serializers.CharField(max_length=64, required=False)
    organization = serializers.UUIDField(required=False)
    department = serializers.UUIDField(required=False)


# --- outputs --------------------------------------------------------------------------------------------


class ResultBulkOutput(serializers.Serializer):
    count = serializers.IntegerField(help_text="how many moved")


class ResultFinalizeOutput(serializers.Serializer):
    passed = serializers.IntegerField()
    makeup_pending = serializers.IntegerField()
    failed = serializers.IntegerField()


class ResultJobOutput(serializers.Serializer):
    id = serializers.UUIDField()
    kind = serializers.CharField()
    status = serializers.CharField()


class ScoreEntryOutput(serializers.Serializer):
    component = serializers.ChoiceField(choices=Component.choices)
    component_label = serializers.CharField(source="get_component_display")
    sitting = serializers.ChoiceField(choices=Sitting.choices)
    sitting_label = serializers.CharField(source="get_sitting_display")
    score = serializers.DecimalField(max_digits=5, decimal_places=2)
    passed = serializers.BooleanField(allow_null=True)
    comment = serializers.CharField()
    entered_by_name = serializers.CharField(source="entered_by.name", allow_null=True, default=None)
    from_exam_engine = serializers.SerializerMethodField()
    updated_at = serializers.DateTimeField()

    @extend_schema_field(serializers.BooleanField())
    def get_from_exam_engine(self, obj) -> bool:
        return obj.exam_attempt_id is not None


class RequiredComponentOutput(serializers.Serializer):
    component = serializers.ChoiceField(choices=Component.choices)
    component_label = serializers.CharField()
    weight = serializers.FloatField()


class ResultItemOutput(serializers.Serializer):
    id = serializers.UUIDField()
    cycle_id = serializers.UUIDField()
    cycle_name = serializers.CharField(source="cycle.name")
    physician_id = serializers.UUIDField()
    physician_name = serializers.CharField(source="physician.name")
    id_card_masked = serializers.CharField(source="physician.id_card_masked")
    licence_number = serializers.CharField(source="physician.licence_number")
    title = serializers.CharField()
    organization_id = serializers.UUIDField()
    organization_name = serializers.CharField(source="organization.name")
    department_name = serializers.CharField(source="department.name", allow_null=True, default=None)
    assessment_body_name = serializers.CharField(source="assessment_body.name", allow_null=True, default=None)
    procedure = serializers.ChoiceField(choices=Procedure.choices, allow_blank=True)
    procedure_label = serializers.CharField(source="get_procedure_display")
    status = serializers.ChoiceField(choices=EnrolmentStatus.choices)
    status_label = serializers.CharField(source="get_status_display")
    total_score = serializers.DecimalField(max_digits=5, decimal_places=2, allow_null=True)
    result_level = serializers.ChoiceField(choices=ResultLevel.choices, allow_blank=True)
    result_level_label = serializers.CharField(source="get_result_level_display")
    publicity_ends_on = serializers.DateField(allow_null=True)
    finalized_at = serializers.DateTimeField(allow_null=True)


class ResultAttachmentOutput(serializers.Serializer):
    id = serializers.UUIDField()
    purpose = serializers.CharField()
    file_name = serializers.CharField()
    content_type = serializers.CharField()
    size = serializers.IntegerField()
    uploaded_at = serializers.DateTimeField(source="created_at")


class ResultHistoryEntryOutput(serializers.Serializer):
    action = serializers.CharField()
    action_label = serializers.CharField()
    from_state = serializers.ChoiceField(choices=EnrolmentStatus.choices)
    to_state = serializers.ChoiceField(choices=EnrolmentStatus.choices)
    actor_name = serializers.CharField()
    comment = serializers.CharField()
    created_at = serializers.DateTimeField()


class ResultDetailOutput(ResultItemOutput):
    """One enrolment's scores and result: what it needs, what is in, attachments and history."""

    result_settings_version = serializers.IntegerField(allow_null=True)
    required_components = RequiredComponentOutput(many=True)
    missing_components = serializers.ListField(child=serializers.CharField())
    scores = ScoreEntryOutput(many=True)
    attachments = ResultAttachmentOutput(many=True)
    history = ResultHistoryEntryOutput(many=True)
    publicity_over = serializers.BooleanField()


class MyScoreOutput(serializers.Serializer):
    component = serializers.ChoiceField(choices=Component.choices)
    component_label = serializers.CharField()
    sitting = serializers.ChoiceField(choices=Sitting.choices)
    score = serializers.DecimalField(max_digits=5, decimal_places=2)
    passed = serializers.BooleanField(allow_null=True)
    weight = serializers.FloatField(allow_null=True)


class MyResultOutput(serializers.Serializer):
    """The physician's result of one cycle: the scores per component only once published (公示 on)."""

    id = serializers.UUIDField()
    cycle_id = serializers.UUIDField()
    cycle_name = serializers.CharField()
    status = serializers.ChoiceField(choices=EnrolmentStatus.choices)
    status_label = serializers.CharField()
    procedure = serializers.ChoiceField(choices=Procedure.choices, allow_blank=True)
    published = serializers.BooleanField()
    final = serializers.BooleanField()
    total_score = serializers.DecimalField(max_digits=5, decimal_places=2, allow_null=True)
    result_level = serializers.ChoiceField(choices=ResultLevel.choices, allow_null=True)
    result_level_label = serializers.CharField(allow_null=True)
    publicity_ends_on = serializers.DateField(allow_null=True)
    finalized_at = serializers.DateTimeField(allow_null=True)
    scores = MyScoreOutput(many=True)
