"""Writing audit rows. Call inside the transaction of the change being audited, so both land or neither."""

from audit.models import AuditEvent
from core.logging import request_id_var


def client_ip(request) -> str | None:
    if request is None:
        return None
    # Behind the platform's proxy the first X-Forwarded-For hop is the client.
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    return forwarded.split(",")[0].strip() or request.META.get("REMOTE_ADDR")


def audit_record(
    *,
    action: str,
    actor=None,
    request=None,
    organization_id=None,
    region_path: str = "",
    target=None,
    target_type: str = "",
    target_id: str = "",
    schema_name: str = "",
    data: dict | None = None,
) -> AuditEvent:
    """Append one audit row. `actor` is a User or None (anonymous, e.g. a failed login)."""
    if target is not None:
        target_type = target_type or target._meta.label_lower
        target_id = target_id or str(target.pk)
    return AuditEvent.objects.create(
        action=action,
        actor_id=getattr(actor, "pk", None),
        actor_name=getattr(actor, "username", "") or "",
        organization_id=organization_id,
        region_path=region_path,
        target_type=target_type,
        target_id=target_id,
        schema_name=schema_name,
        ip=client_ip(request),
        user_agent=(request.META.get("HTTP_USER_AGENT", "")[:255] if request is not None else ""),
        request_id=request_id_var.get() or "",
        data=data or {},
    )
