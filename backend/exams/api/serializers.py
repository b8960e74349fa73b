from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from exams.enums import AttemptStatus, BankPurpose, Difficulty, PartialCredit, QuestionKind

# --- banks and questions ---------------------------------------------------------------------------------


class ExamBankInput(serializers.Serializer):
    name = serializers.CharField(max_length=128)
    purpose = serializers.ChoiceField(choices=BankPurpose.choices, default=BankPurpose.EXAM)
    description = serializers.CharField(required=False, allow_blank=True, default="")


class ExamBankUpdateInput(serializers.Serializer):
    name = serializers.CharField(max_length=128, required=False)
    purpose = serializers.ChoiceField(choices=BankPurpose.choices, required=False)
    description = serializers.CharField(required=False, allow_blank=True)


class ExamBankFilterInput(serializers.Serializer):
    purpose = serializers.ChoiceField(choices=BankPurpose.choices, required=False)
    search = serializers.CharField(required=False, allow_blank=True)


class ExamBankOutput(serializers.Serializer):
    id = serializers.UUIDField()
    name = serializers.CharField()
    purpose = serializers.CharField()
    description = serializers.CharField()
    question_count = serializers.IntegerField(required=False, default=0)
    created_at = serializers.DateTimeField()


class ExamOptionSchema(serializers.Serializer):
    key = serializers.CharField(max_length=4)
    text = serializers.CharField()


class ExamCaseItemSchema(serializers.Serializer):
    kind = serializers.CharField()  # single | multiple (checked by the service)
    stem = serializers.CharField()
    options = ExamOptionSchema(many=True)
    answer = serializers.ListField(child=serializers.CharField())
    explanation = serializers.CharField(required=False, allow_blank=True, default="")


class ExamQuestionInput(serializers.Serializer):
    bank = serializers.UUIDField()
    kind = serializers.ChoiceField(choices=QuestionKind.choices)
    specialty = serializers.CharField(max_length=64, required=False, allow_blank=True, default="")
    practice_category = serializers.CharField(max_length=16, required=False, allow_blank=True, default="")
    difficulty = serializers.ChoiceField(choices=Difficulty.choices, default=Difficulty.MEDIUM)
    tags = serializers.ListField(child=serializers.CharField(max_length=32), required=False, default=list)
    # Content, checked by services.banks.question_content_validate (the service owns the rules).
    stem = serializers.CharField()
    options = serializers.ListField(child=serializers.DictField(), required=False, default=list)
    answer = serializers.ListField(child=serializers.CharField(), required=False, default=list)
    items = serializers.ListField(child=serializers.DictField(), required=False, default=list)
    explanation = serializers.CharField(required=False, allow_blank=True, default="")


class ExamQuestionUpdateInput(serializers.Serializer):
    specialty = serializers.CharField(max_length=64, required=False, allow_blank=True)
    practice_category = serializers.CharField(max_length=16, required=False, allow_blank=True)
    difficulty = serializers.ChoiceField(choices=Difficulty.choices, required=False)
    tags = serializers.ListField(child=serializers.CharField(max_length=32), required=False)
    stem = serializers.CharField(required=False)
    options = serializers.ListField(child=serializers.DictField(), required=False)
    answer = serializers.ListField(child=serializers.CharField(), required=False)
    items = serializers.ListField(child=serializers.DictField(), required=False)
    explanation = serializers.CharField(required=False, allow_blank=True)


class ExamQuestionFilterInput(serializers.Serializer):
    bank = serializers.UUIDField(required=False)
    kind = serializers.ChoiceField(choices=QuestionKind.choices, required=False)
    specialty = serializers.CharField(required=False, allow_blank=True)
    practice_category = serializers.CharField(required=False, allow_blank=True)
    difficulty = serializers.ChoiceField(choices=Difficulty.choices, required=False)
    tag = serializers.CharField(required=False, allow_blank=True)
    search = serializers.CharField(required=False, allow_blank=True)

    def to_filters(self) -> dict:
        data = dict(self.validated_data)
        if "bank" in data:
            data["bank_id"] = data.pop("bank")
        return data


class ExamQuestionVersionOutput(serializers.Serializer):
    id = serializers.UUIDField()
    number = serializers.IntegerField()
    stem = serializers.CharField()
    options = ExamOptionSchema(many=True)
    answer = serializers.ListField(child=serializers.CharField())
    items = ExamCaseItemSchema(many=True)
    explanation = serializers.CharField()
    created_at = serializers.DateTimeField()


class ExamQuestionOutput(serializers.Serializer):
    id = serializers.UUIDField()
    bank = serializers.UUIDField(source="bank_id")
    bank_name = serializers.CharField(source="bank.name")
    kind = serializers.CharField()
    specialty = serializers.CharField()
    practice_category = serializers.CharField()
    difficulty = serializers.IntegerField()
    tags = serializers.ListField(child=serializers.CharField())
    current = ExamQuestionVersionOutput()
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()


class ExamJobOutput(serializers.Serializer):
    id = serializers.UUIDField()
    kind = serializers.CharField()
    status = serializers.CharField()


class ExamImportInput(serializers.Serializer):
    file = serializers.FileField()


class ExamTemplateOutput(serializers.Serializer):
    url = serializers.CharField()
    file_name = serializers.CharField()


# --- blueprints, sittings ----------------------------------------------------------------------------


class ExamBlueprintRuleSchema(serializers.Serializer):
    kind = serializers.ChoiceField(choices=QuestionKind.choices)
    count = serializers.IntegerField(min_value=1)
    points = serializers.DecimalField(max_digits=6, decimal_places=2)
    specialty = serializers.CharField(required=False, allow_blank=True, default="")
    difficulty = serializers.IntegerField(required=False, allow_null=True, default=None)


class ExamBlueprintInput(serializers.Serializer):
    bank = serializers.UUIDField()
    name = serializers.CharField(max_length=128)
    rules = serializers.ListField(child=serializers.DictField())
    time_limit_minutes = serializers.IntegerField(min_value=1, max_value=600)
    pass_mark = serializers.DecimalField(max_digits=6, decimal_places=2, min_value=0)
    partial_credit = serializers.ChoiceField(choices=PartialCredit.choices, default=PartialCredit.EXACT)
    shuffle_options = serializers.BooleanField(default=True)


class ExamBlueprintUpdateInput(serializers.Serializer):
    name = serializers.CharField(max_length=128, required=False)
    rules = serializers.ListField(child=serializers.DictField(), required=False)
    time_limit_minutes = serializers.IntegerField(min_value=1, max_value=600, required=False)
    pass_mark = serializers.DecimalField(max_digits=6, decimal_places=2, min_value=0, required=False)
    partial_credit = serializers.ChoiceField(choices=PartialCredit.choices, required=False)
    shuffle_options = serializers.BooleanField(required=False)


class ExamBlueprintOutput(serializers.Serializer):
    id = serializers.UUIDField()
    bank = serializers.UUIDField(source="bank_id")
    name = serializers.CharField()
    rules = ExamBlueprintRuleSchema(many=True)
    total_points = serializers.SerializerMethodField()
    time_limit_minutes = serializers.IntegerField()
    pass_mark = serializers.DecimalField(max_digits=6, decimal_places=2)
    partial_credit = serializers.CharField()
    shuffle_options = serializers.BooleanField()
    created_at = serializers.DateTimeField()

    def get_total_points(self, obj) -> str:
        from exams.services.papers import total_points

        return str(total_points(obj.rules))


class ExamSittingInput(serializers.Serializer):
    blueprint = serializers.UUIDField()
    name = serializers.CharField(max_length=128)
    opens_at = serializers.DateTimeField()
    closes_at = serializers.DateTimeField()
    cycle = serializers.UUIDField(required=False, allow_null=True, default=None)
    makeup_of = serializers.UUIDField(required=False, allow_null=True, default=None)


class ExamSittingUpdateInput(serializers.Serializer):
    blueprint = serializers.UUIDField(required=False)
    name = serializers.CharField(max_length=128, required=False)
    opens_at = serializers.DateTimeField(required=False)
    closes_at = serializers.DateTimeField(required=False)


class ExamSittingOutput(serializers.Serializer):
    id = serializers.UUIDField()
    name = serializers.CharField()
    blueprint = serializers.UUIDField(source="blueprint_id")
    blueprint_name = serializers.CharField(source="blueprint.name")
    opens_at = serializers.DateTimeField()
    closes_at = serializers.DateTimeField()
    cycle = serializers.UUIDField(source="cycle_id", allow_null=True)
    makeup_of = serializers.UUIDField(source="makeup_of_id", allow_null=True)
    attempt_count = serializers.IntegerField(required=False, default=0)
    created_at = serializers.DateTimeField()


class ExamMakeupGrantInput(serializers.Serializer):
    physician = serializers.UUIDField()
    reason = serializers.CharField(max_length=255, required=False, allow_blank=True, default="")


class ExamMakeupGrantOutput(serializers.Serializer):
    id = serializers.UUIDField()
    sitting = serializers.UUIDField(source="sitting_id")
    physician = serializers.UUIDField(source="physician_id")
    reason = serializers.CharField()
    created_at = serializers.DateTimeField()


# --- attempts (staff) ---------------------------------------------------------------------------------


class ExamAttemptFilterInput(serializers.Serializer):
    sitting = serializers.UUIDField(required=False)
    status = serializers.ChoiceField(choices=AttemptStatus.choices, required=False)
    passed = serializers.ChoiceField(choices=["true", "false"], required=False)
    search = serializers.CharField(required=False, allow_blank=True)

    def to_filters(self) -> dict:
        data = dict(self.validated_data)
        if "sitting" in data:
            data["sitting_id"] = data.pop("sitting")
        if "passed" in data:
            data["passed"] = data["passed"] == "true"
        return data


class ExamAttemptOutput(serializers.Serializer):
    id = serializers.UUIDField()
    sitting = serializers.UUIDField(source="sitting_id")
    sitting_name = serializers.CharField(source="sitting.name")
    physician = serializers.UUIDField(source="physician_id")
    physician_name = serializers.CharField(source="physician.name")
    organization_name = serializers.CharField(source="physician.organization.name")
    number = serializers.IntegerField()
    is_makeup = serializers.BooleanField()
    status = serializers.CharField()
    started_at = serializers.DateTimeField()
    deadline = serializers.DateTimeField()
    submitted_at = serializers.DateTimeField(allow_null=True)
    submitted_by = serializers.CharField()
    score = serializers.DecimalField(max_digits=7, decimal_places=2, allow_null=True)
    max_score = serializers.DecimalField(max_digits=7, decimal_places=2)
    passed = serializers.BooleanField(allow_null=True)
    result_recorded_at = serializers.DateTimeField(allow_null=True)
    result_error = serializers.CharField()
    voided_at = serializers.DateTimeField(allow_null=True)
    void_reason = serializers.CharField()
    void_outcome = serializers.CharField()


# --- the physician ---------------------------------------------------------------------------------


class MyExamSittingAttemptOutput(serializers.Serializer):
    """The caller's latest attempt in the sitting (a make-up's when one was granted and started)."""

    id = serializers.UUIDField()
    number = serializers.IntegerField()
    status = serializers.CharField()
    deadline = serializers.DateTimeField()


class MyExamSittingOutput(serializers.Serializer):
    id = serializers.UUIDField()
    name = serializers.CharField()
    opens_at = serializers.DateTimeField()
    closes_at = serializers.DateTimeField()
    time_limit_minutes = serializers.IntegerField(source="blueprint.time_limit_minutes")
    total_points = serializers.SerializerMethodField()
    pass_mark = serializers.DecimalField(source="blueprint.pass_mark", max_digits=6, decimal_places=2)
    proctored = serializers.SerializerMethodField(help_text="face capture applies (consent before the start)")
    attempt = serializers.SerializerMethodField(
        help_text="the caller's latest attempt, or null; on 409 device_conflict at the start, its id is the "
        "attempt to take over (POST /me/exams/attempts/{id}/takeover/)"
    )

    def get_total_points(self, obj) -> str:
        from exams.services.papers import total_points

        return str(total_points(obj.blueprint.rules))

    def get_proctored(self, obj) -> bool:
        return obj.id in self.context.get("proctored", ())

    @extend_schema_field(MyExamSittingAttemptOutput(allow_null=True))
    def get_attempt(self, obj):
        attempt = self.context.get("attempts", {}).get(obj.id)
        return MyExamSittingAttemptOutput(attempt).data if attempt is not None else None


class MyExamAttemptOutput(serializers.Serializer):
    id = serializers.UUIDField()
    sitting = serializers.UUIDField(source="sitting_id")
    sitting_name = serializers.CharField(source="sitting.name")
    number = serializers.IntegerField()
    is_makeup = serializers.BooleanField()
    status = serializers.CharField()
    started_at = serializers.DateTimeField()
    deadline = serializers.DateTimeField()
    submitted_at = serializers.DateTimeField(allow_null=True)
    score = serializers.DecimalField(max_digits=7, decimal_places=2, allow_null=True)
    max_score = serializers.DecimalField(max_digits=7, decimal_places=2)
    passed = serializers.BooleanField(allow_null=True)
    voided_at = serializers.DateTimeField(allow_null=True)


class MyExamOptionOutput(serializers.Serializer):
    id = serializers.CharField()
    text = serializers.CharField()


class MyExamSubQuestionOutput(serializers.Serializer):
    id = serializers.CharField()
    kind = serializers.CharField()
    stem = serializers.CharField()
    options = MyExamOptionOutput(many=True)
    answer = serializers.ListField(child=serializers.CharField())
    marked = serializers.BooleanField()
    key = serializers.ListField(child=serializers.CharField(), required=False)
    explanation = serializers.CharField(required=False)


class MyExamQuestionOutput(MyExamSubQuestionOutput):
    position = serializers.IntegerField()
    points = serializers.CharField()
    options = MyExamOptionOutput(many=True, required=False)
    answer = serializers.ListField(child=serializers.CharField(), required=False)
    marked = serializers.BooleanField(required=False)
    subs = MyExamSubQuestionOutput(many=True)
    score = serializers.CharField(required=False, allow_null=True)


class MyExamPaperOutput(serializers.Serializer):
    attempt = MyExamAttemptOutput()
    items = MyExamQuestionOutput(many=True)
    remaining_seconds = serializers.IntegerField()
    revealed = serializers.BooleanField()


class MyExamAnswerInput(serializers.Serializer):
    question = serializers.CharField(max_length=32)
    options = serializers.ListField(child=serializers.CharField(max_length=32), max_length=20)
    marked = serializers.BooleanField(default=False)
    client_epoch = serializers.IntegerField(min_value=0, max_value=2**62)
    seq = serializers.IntegerField(min_value=0, max_value=2**62)


class MyExamAnswerOutput(serializers.Serializer):
    question = serializers.CharField()
    options = serializers.ListField(child=serializers.CharField())
    marked = serializers.BooleanField()
    client_epoch = serializers.IntegerField()
    seq = serializers.IntegerField()
    saved_at = serializers.DateTimeField()
    applied = serializers.BooleanField()


class MyExamSheetRowOutput(serializers.Serializer):
    position = serializers.IntegerField()
    id = serializers.CharField()
    group = serializers.CharField(allow_null=True)
    answered = serializers.BooleanField()
    marked = serializers.BooleanField()


class MyExamSheetOutput(serializers.Serializer):
    questions = MyExamSheetRowOutput(many=True)
    answered = serializers.IntegerField()
    unanswered = serializers.IntegerField()
    marked = serializers.IntegerField()
    remaining_seconds = serializers.IntegerField()
    deadline = serializers.DateTimeField()
    status = serializers.CharField()
