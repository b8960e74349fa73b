from django.apps import AppConfig


class AssessmentStatsConfig(AppConfig):
    name = "assessment_stats"
    verbose_name = "考核统计 Progress and statistics"
    # The rollup follows every write of an enrolment through database triggers (migration 0002): no
    # listener or signal to register here.
