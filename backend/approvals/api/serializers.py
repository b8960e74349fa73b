from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from approvals.enums import ApproverKind, Decision, HistoryAction, RequestStatus, StepMode
from approvals.registry import type_or_none


class ApprovalStepInput(serializers.Serializer):
    name = serializers.CharField(max_length=64)
    approver_kind = serializers.ChoiceField(choices=ApproverKind.choices)
    role = serializers.CharField(max_length=32, required=False, allow_blank=True, default="")
    user_ids = serializers.ListField(
        child=serializers.UUIDField(), required=False, default=list, max_length=50
    )
    mode = serializers.ChoiceField(choices=StepMode.choices, required=False, default=StepMode.ANY)
    auto_rule = serializers.JSONField(
        required=False,
        allow_null=True,
        default=None,
        help_text='{"all"|"any": [{"fact": "applicant_title", "op": "in", "value": ["主任医师"]}, ...]}',
    )
    due_hours = serializers.IntegerField(
        required=False, allow_null=True, default=None, min_value=1, max_value=8760
    )


class ApprovalChainCreateInput(serializers.Serializer):
    type_code = serializers.CharField(max_length=100)
    note = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    steps = ApprovalStepInput(many=True, allow_empty=True)


class ApprovalStepOutput(serializers.Serializer):
    position = serializers.IntegerField()
    name = serializers.CharField()
    approver_kind = serializers.ChoiceField(choices=ApproverKind.choices)
    role = serializers.CharField()
    user_ids = serializers.ListField(child=serializers.UUIDField())
    mode = serializers.ChoiceField(choices=StepMode.choices)
    auto_rule = serializers.JSONField(allow_null=True)
    due_hours = serializers.IntegerField(allow_null=True)


class ApprovalChainOutput(serializers.Serializer):
    id = serializers.UUIDField()
    type_code = serializers.CharField()
    version = serializers.IntegerField()
    is_active = serializers.BooleanField()
    note = serializers.CharField()
    created_by_id = serializers.UUIDField(allow_null=True)
    created_at = serializers.DateTimeField()
    steps = ApprovalStepOutput(many=True, source="steps.all")


class ApprovalTypeOutput(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField()
    fact_names = serializers.ListField(child=serializers.CharField())


class ApprovalChainFilterInput(serializers.Serializer):
    type_code = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    active = serializers.BooleanField(required=False, allow_null=True, default=None)


class ApprovalQueueFilterInput(serializers.Serializer):
    type_code = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")


class ApprovalRequestFilterInput(serializers.Serializer):
    type_code = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    status = serializers.ChoiceField(
        choices=RequestStatus.choices, required=False, allow_blank=True, default=""
    )
    mine = serializers.BooleanField(required=False, default=False)


class ApprovalDecideInput(serializers.Serializer):
    decision = serializers.ChoiceField(choices=Decision.choices)
    comment = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class ApprovalCommentInput(serializers.Serializer):
    comment = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class ApprovalRequestOutput(serializers.Serializer):
    id = serializers.UUIDField()
    type_code = serializers.CharField()
    type_label = serializers.SerializerMethodField()
    title = serializers.CharField()
    subject_id = serializers.UUIDField()
    status = serializers.ChoiceField(choices=RequestStatus.choices)
    chain_id = serializers.UUIDField()
    chain_version = serializers.IntegerField(source="chain.version")
    round = serializers.IntegerField()
    current_step = serializers.IntegerField(allow_null=True)
    current_step_name = serializers.SerializerMethodField()
    step_due_at = serializers.DateTimeField(allow_null=True)
    applicant_id = serializers.UUIDField()
    applicant_name = serializers.SerializerMethodField()
    applicant_department_id = serializers.UUIDField(allow_null=True)
    submitted_at = serializers.DateTimeField()
    finished_at = serializers.DateTimeField(allow_null=True)

    def get_type_label(self, obj) -> str:
        t = type_or_none(obj.type_code)
        return str(t.label) if t else obj.type_code

    def get_current_step_name(self, obj) -> str:
        if obj.current_step is None:
            return ""
        for step in obj.chain.steps.all():
            if step.position == obj.current_step:
                return step.name
        return ""

    def get_applicant_name(self, obj) -> str:
        return self.context.get("names", {}).get(obj.applicant_id, "")


class ApprovalTaskOutput(serializers.Serializer):
    round = serializers.IntegerField()
    position = serializers.IntegerField()
    user_id = serializers.UUIDField()
    user_name = serializers.SerializerMethodField()
    decision = serializers.CharField()
    comment = serializers.CharField()
    decided_at = serializers.DateTimeField(allow_null=True)

    def get_user_name(self, obj) -> str:
        return self.context.get("names", {}).get(obj.user_id, "")


class ApprovalHistoryOutput(serializers.Serializer):
    id = serializers.UUIDField()
    created_at = serializers.DateTimeField()
    actor_id = serializers.UUIDField(allow_null=True)
    actor_name = serializers.SerializerMethodField()
    round = serializers.IntegerField()
    position = serializers.IntegerField(allow_null=True)
    action = serializers.ChoiceField(choices=HistoryAction.choices)
    from_status = serializers.CharField()
    to_status = serializers.CharField()
    comment = serializers.CharField()

    def get_actor_name(self, obj) -> str:
        return self.context.get("names", {}).get(obj.actor_id, "")


class ApprovalRequestDetailOutput(ApprovalRequestOutput):
    facts = serializers.JSONField()
    steps = ApprovalStepOutput(many=True, source="chain.steps.all")
    tasks = serializers.SerializerMethodField()
    history = serializers.SerializerMethodField()
    can_decide = serializers.SerializerMethodField()

    @extend_schema_field(ApprovalTaskOutput(many=True))
    def get_tasks(self, obj):
        return ApprovalTaskOutput(self.context["tasks"], many=True, context=self.context).data

    @extend_schema_field(ApprovalHistoryOutput(many=True))
    def get_history(self, obj):
        return ApprovalHistoryOutput(self.context["history"], many=True, context=self.context).data

    def get_can_decide(self, obj) -> bool:
        return self.context.get("can_decide", False)
