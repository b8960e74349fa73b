"""Tenant-aware Celery tasks: the schema is an explicit argument, checked when the task runs.

tenant-schemas-celery reads the schema when the task is *sent*; a task queued with transaction.on_commit inside
a tenant context that fires at an outer commit then runs in public. Here the caller names the schema, and
`send_on_commit` captures it when the task is queued, not when the transaction commits.

    @tenant_task(queue="default")
    def archive_reindex(archive_id): ...          # runs inside the tenant's schema

    archive_reindex.delay("h_zj_rmyy", archive_id)    # the schema comes first, always
"""

import functools
import logging

from celery import shared_task
from django.db import connection, transaction
from django_tenants.utils import get_public_schema_name, schema_context

logger = logging.getLogger(__name__)


class WrongSchema(RuntimeError):
    pass


def tenant_task(**options):
    """Declare a task that runs in a tenant schema given as its first argument."""

    def decorate(fn):
        @shared_task(name=options.pop("name", f"{fn.__module__}.{fn.__name__}"), **options)
        @functools.wraps(fn)
        def run(schema_name: str, *args, **kwargs):
            from tenants.models import Tenant, TenantStatus

            if not isinstance(schema_name, str) or schema_name == get_public_schema_name():
                raise WrongSchema(f"{fn.__name__} needs a tenant schema, got {schema_name!r}")
            with schema_context(get_public_schema_name()):
                tenant = Tenant.objects.filter(schema_name=schema_name).first()
            if tenant is None:
                raise WrongSchema(f"{fn.__name__}: no tenant with schema {schema_name!r}")
            if tenant.status != TenantStatus.READY:
                logger.warning("skipping %s for %s: tenant not ready", fn.__name__, schema_name)
                return None
            with schema_context(schema_name):
                if connection.schema_name != schema_name:
                    raise WrongSchema(f"{fn.__name__} runs in {connection.schema_name}, not {schema_name}")
                return fn(*args, **kwargs)

        return run

    return decorate


def public_task(**options):
    """Declare a task that runs in the public schema, whatever the worker's connection was doing before."""

    def decorate(fn):
        @shared_task(name=options.pop("name", f"{fn.__module__}.{fn.__name__}"), **options)
        @functools.wraps(fn)
        def run(*args, **kwargs):
            with schema_context(get_public_schema_name()):
                return fn(*args, **kwargs)

        return run

    return decorate


def send_on_commit(task, *args, schema_name: str | None = None, **kwargs) -> None:
    """Queue a tenant task after the current transaction commits, in the schema that is current *now*."""
    schema = schema_name or connection.schema_name
    transaction.on_commit(lambda: task.delay(schema, *args, **kwargs))
