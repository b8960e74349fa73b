from django.apps import AppConfig


class AssessmentConfig(AppConfig):
    name = "assessment"
    verbose_name = "医师定期考核 Periodic assessment"

    def ready(self):
        from assessment import workflow  # noqa: F401 - declares the enrolment's state machine
