"""Writes of the technical archive."""

from django.db import connection, transaction
from django.utils.translation import gettext as _

from archives.models import TechnicalArchive
from audit.services import audit_record
from core.errors import ApplicationError, Conflict


@transaction.atomic
def archive_create(
    *,
    actor,
    tenant,
    physician_id,
    department_id=None,
    employee_number="",
    title="",
    joined_on=None,
    request=None,
) -> TechnicalArchive:
    """Open a physician's technical archive in this hospital.

    The physician (and department) must belong to the tenant's own organisation: public rows reached from a
    tenant are filtered by the tenant's organisation. One archive per physician (Conflict otherwise).
    """
    from organizations.selectors import department_belongs_to
    from physicians.selectors import physician_belongs_to

    if not physician_belongs_to(physician_id=physician_id, organization_id=tenant.organization_id):
        raise ApplicationError(_("该医师不属于本院。"), code="physician_not_in_hospital", attr="physician_id")
    if department_id and not department_belongs_to(
        department_id=department_id, organization_id=tenant.organization_id
    ):
        raise ApplicationError(
            _("该科室不属于本院。"), code="department_not_in_hospital", attr="department_id"
        )
    if TechnicalArchive.objects.filter(physician_id=physician_id).exists():
        raise Conflict(_("该医师的技术档案已存在。"), code="archive_exists", attr="physician_id")
    archive = TechnicalArchive.objects.create(
        physician_id=physician_id,
        department_id=department_id,
        employee_number=employee_number,
        title=title,
        joined_on=joined_on,
    )
    audit_record(
        action="archives.created",
        actor=actor,
        request=request,
        organization_id=tenant.organization_id,
        region_path=tenant.region_path,
        target=archive,
        schema_name=connection.schema_name,
    )
    return archive
