from django.apps import AppConfig


class AssessmentBodiesConfig(AppConfig):
    name = "assessment_bodies"
    verbose_name = "考核机构 Assessment bodies"
