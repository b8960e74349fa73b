from rest_framework import serializers

from jobs.models import JobStatus


class JobOutput(serializers.Serializer):
    id = serializers.UUIDField()
    kind = serializers.CharField()
    status = serializers.ChoiceField(choices=JobStatus.choices)
    done = serializers.IntegerField()
    total = serializers.IntegerField()
    percent = serializers.IntegerField()
    errors = serializers.ListField(child=serializers.DictField())
    summary = serializers.DictField()
    input_name = serializers.CharField()
    result_name = serializers.CharField()
    created_at = serializers.DateTimeField()
    finished_at = serializers.DateTimeField(allow_null=True)


class JobDownloadOutput(serializers.Serializer):
    url = serializers.URLField()
    file_name = serializers.CharField()
