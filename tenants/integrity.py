"""The nightly check for references from tenant tables to public rows (kept without database constraints)."""

import logging

from django.apps import apps
from django.conf import settings
from django.db import connection
from django_tenants.utils import schema_context

from tenants.schema_sql import quote, tenant_schemas

logger = logging.getLogger(__name__)


def _cross_schema_references():
    """(table, column, public table, public pk column) for every tenant FK that points at a public model."""
    tenant_apps = set(settings.TENANT_APPS)
    public_apps = set(settings.SHARED_APPS)
    refs = []
    for model in apps.get_models():
        if model._meta.app_config.name not in tenant_apps:
            continue
        for field in model._meta.concrete_fields:
            target = getattr(field, "related_model", None)
            if target is None or target._meta.app_config.name not in public_apps:
                continue
            refs.append((model._meta.db_table, field.column, target._meta.db_table, target._meta.pk.column))
    return refs


def dangling_references(schemas: list[str] | None = None) -> dict[str, dict[str, int]]:
    """Rows in tenant schemas whose public target no longer exists, counted per schema and column."""
    found: dict[str, dict[str, int]] = {}
    refs = _cross_schema_references()
    for schema in tenant_schemas() if schemas is None else schemas:
        with schema_context(schema), connection.cursor() as cur:
            for table, column, target, pk in refs:
                cur.execute(
                    f"SELECT count(*) FROM {quote(schema)}.{quote(table)} t "  # noqa: S608 - quoted identifiers
                    f"WHERE t.{quote(column)} IS NOT NULL AND NOT EXISTS "
                    f"(SELECT 1 FROM public.{quote(target)} p WHERE p.{quote(pk)} = t.{quote(column)})"
                )
                count = cur.fetchone()[0]
                if count:
                    found.setdefault(schema, {})[f"{table}.{column}"] = count
    if found:
        logger.warning("dangling references from tenant schemas: %s", found)
    return found
