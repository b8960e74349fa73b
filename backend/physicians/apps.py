from django.apps import AppConfig


class PhysiciansConfig(AppConfig):
    name = "physicians"
    verbose_name = "医师 Physicians"
