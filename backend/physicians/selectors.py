"""Reads of the physician registry."""

from physicians.models import Physician


def physician_belongs_to(*, physician_id, organization_id) -> bool:
    return Physician.objects.filter(pk=physician_id, organization_id=organization_id).exists()


def physicians_by_ids(ids) -> dict:
    return {p.id: p for p in Physician.objects.filter(pk__in=list(ids)).select_related("department")}
