from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo province's seed (`manage.py seed_demo`); no models."""

    name = "demo"
    verbose_name = "演示数据 Demo data"
