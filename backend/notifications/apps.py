from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = "通知 Notifications"

    def ready(self):
        # A submission returned and a result published notify the physician, inside the transaction of the
        # move (single and bulk), through the workflow's listener.
        from assessment.workflow import ENROLMENT_FLOW

        from notifications import services

        ENROLMENT_FLOW.listen(services.notify_on_transition)
