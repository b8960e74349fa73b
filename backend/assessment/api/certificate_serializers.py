from rest_framework import serializers

from assessment.enums import ResultLevel


class CertificateEntryOutput(serializers.Serializer):
    """A passed enrolment and its certificate (`serial` etc. null until one is issued)."""

    id = serializers.UUIDField(help_text="the enrolment's id: download with it")
    cycle_id = serializers.UUIDField()
    cycle_code = serializers.CharField(source="cycle.code")
    cycle_name = serializers.CharField(source="cycle.name")
    physician_name = serializers.CharField(source="physician.name")
    organization_id = serializers.UUIDField()
    organization_name = serializers.CharField(source="organization.name")
    department_id = serializers.UUIDField(allow_null=True)
    department_name = serializers.CharField(source="department.name", allow_null=True, default=None)
    result_level = serializers.ChoiceField(choices=ResultLevel.choices, allow_blank=True)
    certificate_status = serializers.SerializerMethodField(help_text="not_issued | valid | revoked")
    serial = serializers.SerializerMethodField()
    issued_at = serializers.SerializerMethodField()
    revoked_at = serializers.SerializerMethodField()

    @staticmethod
    def _certificate(obj):
        return getattr(obj, "certificate", None)

    def get_certificate_status(self, obj) -> str:
        certificate = self._certificate(obj)
        if certificate is None:
            return "not_issued"
        return "revoked" if certificate.revoked_at else "valid"

    def get_serial(self, obj) -> str | None:
        certificate = self._certificate(obj)
        return certificate.serial if certificate else None

    def get_issued_at(self, obj) -> str | None:
        certificate = self._certificate(obj)
        return serializers.DateTimeField().to_representation(certificate.issued_at) if certificate else None

    def get_revoked_at(self, obj) -> str | None:
        certificate = self._certificate(obj)
        if certificate is None or certificate.revoked_at is None:
            return None
        return serializers.DateTimeField().to_representation(certificate.revoked_at)


class CertificateFilterInput(serializers.Serializer):
    cycle = serializers.UUIDField(required=False)
    name = serializers.CharField(required=False, max_length=64)
    department = serializers.UUIDField(required=False)


class CertificateDownloadOutput(serializers.Serializer):
    url = serializers.URLField()
    file_name = serializers.CharField()


class CertificateVerificationOutput(serializers.Serializer):
    """What the public verification shows: validity and masked numbers, nothing else."""

    valid = serializers.BooleanField()
    status = serializers.CharField(help_text="valid | revoked")
    serial = serializers.CharField()
    name = serializers.CharField()
    id_card_masked = serializers.CharField()
    licence_number_masked = serializers.CharField()
    institution = serializers.CharField()
    cycle_name = serializers.CharField()
    result = serializers.CharField()
    issued_on = serializers.DateField()
    revoked_on = serializers.DateField(allow_null=True)


class CertificateBatchInput(serializers.Serializer):
    cycle = serializers.UUIDField()
    organization = serializers.UUIDField(required=False, allow_null=True)


class CertificateBatchJobOutput(serializers.Serializer):
    id = serializers.UUIDField()
    kind = serializers.CharField()
    status = serializers.CharField()
