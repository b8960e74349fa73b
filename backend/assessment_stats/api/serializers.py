from assessment.enums import EnrolmentStatus, Procedure, ResultLevel
from rest_framework import serializers

from assessment_stats.selectors import GroupBy


def _status_counts_serializer():
    return type(
        "ProgressStatusCountsOutput",
        (serializers.Serializer,),
        {s: serializers.IntegerField() for s in EnrolmentStatus.values},
    )


ProgressStatusCountsOutput = _status_counts_serializer()


class ProgressFilterInput(serializers.Serializer):
    by = serializers.ChoiceField(choices=[g.value for g in GroupBy], default=GroupBy.REGION)
    region = serializers.CharField(required=False, allow_blank=True, default="")
    organization_id = serializers.UUIDField(required=False, allow_null=True, default=None)
    department_id = serializers.UUIDField(required=False, allow_null=True, default=None)
    title = serializers.CharField(required=False, allow_blank=True, default="")
    procedure = serializers.ChoiceField(
        choices=Procedure.choices, required=False, allow_blank=True, default=""
    )

    def to_filters(self) -> dict:
        return {
            k: (str(v) if v is not None and k.endswith("_id") else v) for k, v in self.validated_data.items()
        }


class ProgressChartFilterInput(ProgressFilterInput):
    limit = serializers.IntegerField(min_value=1, max_value=100, default=20)


class ProgressExportInput(ProgressFilterInput):
    table = serializers.ChoiceField(choices=["progress", "makeup", "final"], default="progress")


class _GroupOutput(serializers.Serializer):
    key = serializers.CharField(
        help_text="the group's id: region code, organisation id, 'org/department', ..."
    )
    label = serializers.CharField()
    enrolled = serializers.IntegerField(help_text="enrolled, not withdrawn")


class ProgressRowOutput(_GroupOutput):
    """Counts per stage (a funnel: a later state counts as having reached the earlier stages) and rates
    (0..1, null when nothing to divide by)."""

    statuses = ProgressStatusCountsOutput(help_text="current count per enrolment status")
    withdrawn = serializers.IntegerField()
    not_submitted = serializers.IntegerField()
    submitted = serializers.IntegerField()
    institution_approved = serializers.IntegerField()
    body_approved = serializers.IntegerField()
    scored = serializers.IntegerField()
    published = serializers.IntegerField()
    finalized = serializers.IntegerField()
    pending = serializers.IntegerField()
    passed = serializers.IntegerField()
    excellent = serializers.IntegerField()
    failed = serializers.IntegerField()
    in_makeup = serializers.IntegerField()
    submission_rate = serializers.FloatField(allow_null=True)
    completion_rate = serializers.FloatField(allow_null=True)
    pass_rate = serializers.FloatField(allow_null=True)
    excellent_rate = serializers.FloatField(allow_null=True)


class MakeupResultRowOutput(_GroupOutput):
    """Make-up results (补考考核结果统计): those put on the make-up list and what became of them."""

    makeup_listed = serializers.IntegerField()
    makeup_awaiting = serializers.IntegerField(help_text="awaiting the province's confirmation")
    makeup_refused = serializers.IntegerField(help_text="not allowed to sit the make-up (final fail)")
    makeup_sitting = serializers.IntegerField(help_text="allowed, result not final yet")
    makeup_passed = serializers.IntegerField()
    makeup_failed = serializers.IntegerField()
    makeup_pass_rate = serializers.FloatField(allow_null=True)


class FinalResultRowOutput(_GroupOutput):
    """Final results (最终考核结果统计)."""

    finalized = serializers.IntegerField()
    pending = serializers.IntegerField()
    passed = serializers.IntegerField()
    excellent = serializers.IntegerField()
    failed = serializers.IntegerField()
    passed_after_makeup = serializers.IntegerField()
    completion_rate = serializers.FloatField(allow_null=True)
    pass_rate = serializers.FloatField(allow_null=True)
    excellent_rate = serializers.FloatField(allow_null=True)


def _page_output(name: str, row):
    return type(
        name,
        (serializers.Serializer,),
        {
            "by": serializers.ChoiceField(choices=[g.value for g in GroupBy]),
            "totals": row(),
            "count": serializers.IntegerField(),
            "next": serializers.URLField(allow_null=True),
            "previous": serializers.URLField(allow_null=True),
            "results": row(many=True),
        },
    )


ProgressPageOutput = _page_output("ProgressPageOutput", ProgressRowOutput)
MakeupResultPageOutput = _page_output("MakeupResultPageOutput", MakeupResultRowOutput)
FinalResultPageOutput = _page_output("FinalResultPageOutput", FinalResultRowOutput)


class ProgressSeriesOutput(serializers.Serializer):
    key = serializers.CharField(help_text="the figure: enrolled, passed, pass_rate, ...")
    unit = serializers.ChoiceField(choices=["count", "rate"])
    data = serializers.ListField(child=serializers.FloatField(allow_null=True))


class ProgressChartOutput(serializers.Serializer):
    by = serializers.ChoiceField(choices=[g.value for g in GroupBy])
    labels = serializers.ListField(child=serializers.CharField())
    keys = serializers.ListField(child=serializers.CharField())
    series = ProgressSeriesOutput(many=True)


class ProgressPhysicianFilterInput(serializers.Serializer):
    status = serializers.ChoiceField(
        choices=EnrolmentStatus.choices, required=False, allow_blank=True, default=""
    )
    procedure = serializers.ChoiceField(
        choices=Procedure.choices, required=False, allow_blank=True, default=""
    )
    result_level = serializers.ChoiceField(
        choices=ResultLevel.choices, required=False, allow_blank=True, default=""
    )
    department_id = serializers.UUIDField(required=False, allow_null=True, default=None)
    title = serializers.CharField(required=False, allow_blank=True, default="")
    name = serializers.CharField(required=False, allow_blank=True, default="")
    organization_id = serializers.UUIDField(required=False, allow_null=True, default=None)
    region = serializers.CharField(required=False, allow_blank=True, default="")

    def to_filters(self) -> dict:
        return {
            k: (str(v) if v is not None and k.endswith("_id") else v) for k, v in self.validated_data.items()
        }


class ProgressPhysicianOutput(serializers.Serializer):
    id = serializers.UUIDField(help_text="the enrolment")
    physician_id = serializers.UUIDField()
    name = serializers.CharField(source="physician.name")
    id_card_masked = serializers.CharField(source="physician.id_card_masked")
    licence_number = serializers.CharField(source="physician.licence_number")
    organization_id = serializers.UUIDField()
    organization_name = serializers.CharField(source="organization.name")
    department_id = serializers.UUIDField(allow_null=True)
    department_name = serializers.SerializerMethodField()
    title = serializers.CharField()
    procedure = serializers.CharField()
    procedure_label = serializers.CharField(source="get_procedure_display")
    status = serializers.ChoiceField(choices=EnrolmentStatus.choices)
    status_label = serializers.CharField(source="get_status_display")
    submitted_at = serializers.DateTimeField(allow_null=True)
    test_score = serializers.DecimalField(max_digits=5, decimal_places=2, allow_null=True)
    makeup_test_score = serializers.DecimalField(max_digits=5, decimal_places=2, allow_null=True)
    total_score = serializers.DecimalField(max_digits=5, decimal_places=2, allow_null=True)
    result_level = serializers.CharField()
    finalized_at = serializers.DateTimeField(allow_null=True)

    def get_department_name(self, obj) -> str:
        return obj.department.name if obj.department_id else ""


class StatsJobOutput(serializers.Serializer):
    id = serializers.UUIDField()
    kind = serializers.CharField()
    status = serializers.CharField()


class CycleHistoryOutput(serializers.Serializer):
    """One cycle of a physician: where they stood and the result (历史考核结果)."""

    id = serializers.UUIDField(help_text="the enrolment")
    cycle_id = serializers.UUIDField()
    cycle_code = serializers.CharField(source="cycle.code")
    cycle_name = serializers.CharField(source="cycle.name")
    cycle_status = serializers.CharField(source="cycle.status")
    organization_id = serializers.UUIDField()
    organization_name = serializers.CharField(source="organization.name")
    title = serializers.CharField()
    procedure = serializers.CharField()
    procedure_label = serializers.CharField(source="get_procedure_display")
    status = serializers.ChoiceField(choices=EnrolmentStatus.choices)
    status_label = serializers.CharField(source="get_status_display")
    test_score = serializers.DecimalField(max_digits=5, decimal_places=2, allow_null=True)
    makeup_test_score = serializers.DecimalField(max_digits=5, decimal_places=2, allow_null=True)
    total_score = serializers.DecimalField(max_digits=5, decimal_places=2, allow_null=True)
    result_level = serializers.CharField()
    result_label = serializers.CharField(source="get_result_level_display")
    finalized_at = serializers.DateTimeField(allow_null=True)
    certificate_serial = serializers.SerializerMethodField(help_text="the pass certificate's serial, if any")

    def get_certificate_serial(self, obj) -> str:
        certificate = getattr(obj, "certificate", None)
        return certificate.serial if certificate is not None and certificate.revoked_at is None else ""
