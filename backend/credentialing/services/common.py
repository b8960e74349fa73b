"""What every credentialing write needs: the current hospital (from the schema) and the audit row."""

from dataclasses import dataclass

from django.db import connection

from audit.services import audit_record


@dataclass(frozen=True)
class Hospital:
    schema_name: str
    organization_id: object
    region_path: str


def current_hospital() -> Hospital:
    """The hospital whose schema the connection is in (requests, tasks and outbox handlers alike)."""
    from tenants.models import Tenant

    schema = connection.schema_name
    tenant = getattr(connection, "tenant", None)
    org_id = getattr(tenant, "organization_id", None)
    region_path = getattr(tenant, "region_path", None)
    if org_id is None or region_path is None:
        row = (
            Tenant.objects.filter(schema_name=schema)
            .values_list("organization_id", "organization__region_path")
            .first()
        )
        org_id, region_path = row if row else (None, "")
    return Hospital(schema_name=schema, organization_id=org_id, region_path=region_path or "")


def audit(action: str, *, user=None, request=None, target=None, data=None) -> None:
    hospital = current_hospital()
    audit_record(
        action=action,
        actor=user,
        request=request,
        organization_id=hospital.organization_id,
        region_path=hospital.region_path,
        target=target,
        schema_name=hospital.schema_name,
        data=data or {},
    )
