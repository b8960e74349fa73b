"""Celery tasks of the periodic assessment (discovered by Celery): one module per area, imported here."""
