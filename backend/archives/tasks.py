from django.db import connection

from archives.models import TechnicalArchive
from tenants.celery import tenant_task


@tenant_task()
def archive_count() -> dict:
    """How many technical archives the hospital holds (used by rollups; runs in the tenant's schema)."""
    return {"schema": connection.schema_name, "archives": TechnicalArchive.objects.count()}
