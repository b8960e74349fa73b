"""Reads of the technical archive. Tenant isolation comes from the schema; within it the caller needs
archives.view (checked by the view)."""

from django.db.models import QuerySet

from archives.models import TechnicalArchive
from core.errors import NotFound


def archive_list_for_actor(*, actor, search: str = "") -> QuerySet[TechnicalArchive]:
    qs = TechnicalArchive.objects.all()
    if search:
        qs = qs.filter(employee_number__icontains=search) | qs.filter(title__icontains=search)
    return qs.order_by("-created_at")


def archive_get_for_actor(*, actor, archive_id) -> TechnicalArchive:
    archive = TechnicalArchive.objects.filter(pk=archive_id).first()
    if archive is None:
        raise NotFound()
    return archive
