"""Reads of regions, organisations and departments."""

from organizations.models import Department


def department_belongs_to(*, department_id, organization_id) -> bool:
    return Department.objects.filter(pk=department_id, organization_id=organization_id).exists()
