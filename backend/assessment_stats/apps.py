from django.apps import AppConfig


class AssessmentStatsConfig(AppConfig):
    name = "assessment_stats"
    verbose_name = "考核统计 Progress and statistics"

    def ready(self):
        # The rollup follows every change of an enrolment: workflow moves (single and bulk) through the
        # listener, saves and deletes through the model signals (see services.py for what each covers).
        from assessment.models import Enrolment
        from assessment.workflow import ENROLMENT_FLOW
        from django.db.models.signals import post_delete, post_save, pre_save

        from assessment_stats import services

        ENROLMENT_FLOW.listen(services.rollup_on_transition)
        pre_save.connect(services.rollup_before_save, sender=Enrolment, dispatch_uid="rollup_pre_save")
        post_save.connect(services.rollup_after_save, sender=Enrolment, dispatch_uid="rollup_post_save")
        post_delete.connect(services.rollup_after_delete, sender=Enrolment, dispatch_uid="rollup_post_delete")
