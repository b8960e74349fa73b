from django_tenants.utils import schema_context

from tenants.celery import public_task


@public_task()
def grants_daily_all_tenants() -> dict:
    """Daily: in every hospital schema, expire grants past validity and suspend/resume for secondments."""
    from credentialing.services.privileges import grants_daily
    from tenants.models import Tenant, TenantStatus

    out = {}
    for schema in Tenant.objects.filter(status=TenantStatus.READY).values_list("schema_name", flat=True):
        with schema_context(schema):
            out[schema] = grants_daily()
    return out
