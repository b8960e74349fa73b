from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules


class JobsConfig(AppConfig):
    name = "jobs"
    verbose_name = "后台任务 Background jobs"

    def ready(self):
        autodiscover_modules("jobs")  # each app's jobs.py registers its handlers
