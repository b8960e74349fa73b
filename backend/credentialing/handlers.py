"""Outbox consumers. `assessment.final_fail` is published by the assessment app into the schema of the
physician's institution (its tenant schema, or public when it has no tenant). The physician may hold
privileges in several hospitals (their institution, and the hospitals where they hold a membership, e.g.
multi-site practice), so the handler republishes `credentialing.assessment_failed` into each such hospital's
schema other than the current one, and suspends the grants here when it runs in a hospital schema. Both
handlers are idempotent (at-least-once delivery): suspending suspends only active grants."""

from django.db import connection
from django_tenants.utils import get_public_schema_name

from outbox.services import outbox_handler, outbox_publish

FAN_OUT_TOPIC = "credentialing.assessment_failed"


def hospital_schemas_of_physician(physician_id) -> set[str]:
    from accounts.models import Membership
    from physicians.models import Physician
    from tenants.models import Tenant, TenantStatus

    physician = Physician.objects.filter(pk=physician_id).values("organization_id", "user_id").first()
    if physician is None:
        return set()
    orgs = {physician["organization_id"]}
    if physician["user_id"]:
        orgs |= set(
            Membership.objects.filter(user_id=physician["user_id"], is_active=True).values_list(
                "organization_id", flat=True
            )
        )
    return set(
        Tenant.objects.filter(organization_id__in=orgs, status=TenantStatus.READY).values_list(
            "schema_name", flat=True
        )
    )


@outbox_handler("assessment.final_fail")
def on_assessment_final_fail(payload: dict) -> None:
    current = connection.schema_name
    for schema in sorted(hospital_schemas_of_physician(payload["physician_id"]) - {current}):
        outbox_publish(topic=FAN_OUT_TOPIC, schema_name=schema, payload=payload)
    if current != get_public_schema_name():
        _suspend(payload)


@outbox_handler(FAN_OUT_TOPIC)
def on_assessment_failed_here(payload: dict) -> None:
    if connection.schema_name != get_public_schema_name():
        _suspend(payload)


def _suspend(payload: dict) -> None:
    from credentialing.services.privileges import grants_suspend_for_assessment

    grants_suspend_for_assessment(
        physician_id=payload["physician_id"],
        cycle_id=payload.get("cycle_id", ""),
        result_level=payload.get("result_level", ""),
    )
