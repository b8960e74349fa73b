"""The Celery app. Queues by kind, so a burst of photos never delays a password-reset message."""

import os
import sys
from pathlib import Path

from celery import Celery
from kombu import Queue

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

app = Celery("platform")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.conf.task_queues = [Queue(name) for name in ("default", "faces", "documents", "reports")]
app.conf.task_routes = {
    "proctoring.*": {"queue": "faces"},
    "documents.*": {"queue": "documents"},
    "reports.*": {"queue": "reports"},
}
# Workers log through Django's LOGGING (JSON lines), not Celery's own formatter.
app.conf.worker_hijack_root_logger = False
app.autodiscover_tasks()
