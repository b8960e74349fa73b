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


def archive_for_physician(*, physician_id, department_id=None) -> TechnicalArchive:
    """The physician's archive in this hospital, opened on first use by another module (credentialing writes
    every grant change into it). The caller has already checked that the physician belongs to the hospital."""
    archive = TechnicalArchive.objects.filter(physician_id=physician_id).first()
    if archive is None:
        archive = TechnicalArchive.objects.create(physician_id=physician_id, department_id=department_id)
    return archive


def archive_entry_add(*, physician_id, kind: str, summary: str, occurred_on, data=None, department_id=None):
    """Append one line to the physician's technical archive (grants, suspensions, reassessments ...)."""
    from archives.models import ArchiveEntry

    archive = archive_for_physician(physician_id=physician_id, department_id=department_id)
    return ArchiveEntry.objects.create(
        archive=archive, kind=kind, summary=summary[:255], occurred_on=occurred_on, data=data or {}
    )


# --- certificates, work and training history, workload (issue 8 item 7) -----------------------------------


def _audit_here(action, *, user, request=None, target=None, data=None):
    from tenants.models import Tenant

    row = (
        Tenant.objects.filter(schema_name=connection.schema_name)
        .values_list("organization_id", "organization__region_path")
        .first()
    ) or (None, "")
    audit_record(
        action=action,
        actor=user,
        request=request,
        organization_id=row[0],
        region_path=row[1] or "",
        target=target,
        schema_name=connection.schema_name,
        data=data or {},
    )


@transaction.atomic
def certificate_add(*, user, archive, name, upload=None, request=None, **fields):
    """A certificate with its scan (PDF, JPEG or PNG, checked by type, size and first bytes)."""
    from archives.models import ArchiveCertificate
    from core import storage

    stored = (
        storage.store_document(upload, prefix=f"archives/{connection.schema_name}/{archive.pk}/certificates")
        if upload is not None
        else None
    )
    certificate = ArchiveCertificate.objects.create(
        archive=archive,
        name=name,
        object_key=stored.object_key if stored else "",
        file_name=stored.file_name if stored else "",
        content_type=stored.content_type if stored else "",
        size=stored.size if stored else 0,
        sha256=stored.sha256 if stored else "",
        **fields,
    )
    _audit_here("archives.certificate.added", user=user, request=request, target=certificate)
    return certificate


@transaction.atomic
def certificate_update(*, user, certificate, upload=None, request=None, **fields):
    from core import storage

    if upload is not None:
        stored = storage.store_document(
            upload, prefix=f"archives/{connection.schema_name}/{certificate.archive_id}/certificates"
        )
        fields.update(
            object_key=stored.object_key,
            file_name=stored.file_name,
            content_type=stored.content_type,
            size=stored.size,
            sha256=stored.sha256,
        )
    for field, value in fields.items():
        setattr(certificate, field, value)
    certificate.save()
    _audit_here(
        "archives.certificate.updated",
        user=user,
        request=request,
        target=certificate,
        data={"fields": sorted(fields)},
    )
    return certificate


@transaction.atomic
def certificate_delete(*, user, certificate, request=None) -> None:
    """The row goes; the stored file stays (an audit trail may point at it)."""
    _audit_here(
        "archives.certificate.deleted",
        user=user,
        request=request,
        target=certificate,
        data={"name": certificate.name, "sha256": certificate.sha256},
    )
    certificate.delete()


@transaction.atomic
def career_add(*, user, archive, request=None, **fields):
    from archives.models import CareerEntry

    if fields.get("kind") not in ("work", "training"):
        raise ApplicationError(_("经历类型须为工作或培训。"), code="invalid_kind", attr="kind")
    if fields.get("ends_on") and fields["ends_on"] < fields["starts_on"]:
        raise ApplicationError(_("结束日期不能早于开始日期。"), code="invalid_dates", attr="ends_on")
    entry = CareerEntry.objects.create(archive=archive, **fields)
    _audit_here("archives.career.added", user=user, request=request, target=entry)
    return entry


@transaction.atomic
def career_delete(*, user, entry, request=None) -> None:
    _audit_here("archives.career.deleted", user=user, request=request, target=entry)
    entry.delete()


@transaction.atomic
def workload_upsert(rows: list[dict]) -> dict:
    """Write validated monthly workload rows (one per physician and month, replaced on re-import)."""
    from archives.models import WorkloadFigure

    created = updated = 0
    for row in rows:
        _obj, was_created = WorkloadFigure.objects.update_or_create(
            physician_id=row["physician_id"], period=row["period"], defaults=row
        )
        created += was_created
        updated += not was_created
    return {"created": created, "updated": updated}
