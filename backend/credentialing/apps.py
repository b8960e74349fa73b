from django.apps import AppConfig


class CredentialingConfig(AppConfig):
    name = "credentialing"
    verbose_name = "医疗技术与资质授权 Credentialing"

    def ready(self):
        from credentialing import handlers, jobs  # noqa: F401 - registers outbox and job handlers
        from credentialing.services import approvals_glue

        approvals_glue.register_types()
