"""Surgical competence reassessment (手术能力动态考核): for a grade and a period, every physician holding an
active grant of that grade is due; each granted item is assessed with its volume and quality figures from the
imported surgery records; closing it stops the privilege of every failed item and archives the results."""

from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import ApplicationError, Conflict, NotFound
from credentialing.models import (
    Grant,
    Reassessment,
    ReassessmentItem,
    ReassessmentResult,
    ReassessmentStatus,
    SurgeryRecord,
)
from credentialing.services.common import audit
from credentialing.services.privileges import describe, grant_stop_for_reassessment


def _figures(grant, reassessment) -> dict:
    return SurgeryRecord.objects.filter(
        lead_id=grant.physician_id,
        item_id=grant.item_id,
        performed_on__gte=reassessment.period_start,
        performed_on__lte=reassessment.period_end,
    ).aggregate(
        volume=Count("id"),
        complications=Count("id", filter=Q(complication=True)),
        deaths=Count("id", filter=Q(death=True)),
        unplanned_reoperations=Count("id", filter=Q(unplanned_reoperation=True)),
    )


@transaction.atomic
def reassessment_create(
    *, user, name, grade, period_start, period_end, min_volume=1, request=None
) -> Reassessment:
    """Open a reassessment and build the list of who is due: every active or suspended surgical grant of the
    grade that was granted before the period ended, with its figures filled from the surgery records."""
    if grade not in (1, 2, 3, 4):
        raise ApplicationError(_("手术级别须为 1-4。"), code="invalid_grade", attr="grade")
    if period_end < period_start:
        raise ApplicationError(_("结束日期不能早于开始日期。"), code="invalid_dates", attr="period_end")
    reassessment = Reassessment.objects.create(
        name=name,
        grade=grade,
        period_start=period_start,
        period_end=period_end,
        min_volume=min_volume,
        created_by_id=user.pk,
    )
    grants = Grant.objects.filter(
        item__grade=grade, item__isnull=False, status__in=["active", "suspended"], valid_from__lte=period_end
    ).select_related("item")
    items = []
    for grant in grants:
        items.append(
            ReassessmentItem(
                reassessment=reassessment,
                grant=grant,
                physician_id=grant.physician_id,
                **_figures(grant, reassessment),
            )
        )
    ReassessmentItem.objects.bulk_create(items)
    audit(
        "credentialing.reassessment.created",
        user=user,
        request=request,
        target=reassessment,
        data={"due": len(items)},
    )
    return reassessment


def _open(reassessment_id) -> Reassessment:
    reassessment = Reassessment.objects.select_for_update().filter(pk=reassessment_id).first()
    if reassessment is None:
        raise NotFound()
    if reassessment.status != ReassessmentStatus.OPEN:
        raise Conflict(_("该考核已完成，不能修改。"), code="reassessment_closed")
    return reassessment


@transaction.atomic
def reassessment_item_assess(
    *,
    user,
    reassessment_id,
    item_id,
    result,
    comment="",
    complications=None,
    deaths=None,
    unplanned_reoperations=None,
    request=None,
) -> ReassessmentItem:
    _open(reassessment_id)
    line = (
        ReassessmentItem.objects.select_for_update()
        .filter(pk=item_id, reassessment_id=reassessment_id)
        .first()
    )
    if line is None:
        raise NotFound()
    if result not in (ReassessmentResult.PASSED, ReassessmentResult.FAILED):
        raise ApplicationError(_("考核结果须为通过或不通过。"), code="invalid_result", attr="result")
    for field, value in (
        ("complications", complications),
        ("deaths", deaths),
        ("unplanned_reoperations", unplanned_reoperations),
    ):
        if value is not None:
            setattr(line, field, value)
    line.result, line.comment, line.assessed_by_id = result, comment, user.pk
    line.save()
    audit(
        "credentialing.reassessment.assessed",
        user=user,
        request=request,
        target=line,
        data={"result": result},
    )
    return line


@transaction.atomic
def reassessment_refresh(*, user, reassessment_id, request=None) -> Reassessment:
    """Recount the volume figures from the surgery records (after a later import)."""
    reassessment = _open(reassessment_id)
    for line in reassessment.items.select_related("grant"):
        figures = _figures(line.grant, reassessment)
        line.volume = figures["volume"]
        line.save(update_fields=["volume", "updated_at"])
    return reassessment


@transaction.atomic
def reassessment_close(*, user, reassessment_id, request=None) -> dict:
    """Close: every item must be assessed; failed items' privileges stop; every result goes to the archive."""
    from archives.services import archive_entry_add

    reassessment = _open(reassessment_id)
    lines = list(reassessment.items.select_related("grant", "grant__item"))
    pending = [line for line in lines if line.result == ReassessmentResult.PENDING]
    if pending:
        raise Conflict(_("还有 %(n)d 项未评估。") % {"n": len(pending)}, code="reassessment_incomplete")
    failed = 0
    for line in lines:
        archive_entry_add(
            physician_id=line.physician_id,
            kind="reassessment",
            summary=_("手术能力动态考核%(result)s：%(what)s（%(name)s）")
            % {"result": line.get_result_display(), "what": describe(line.grant), "name": reassessment.name},
            occurred_on=reassessment.period_end,
            data={
                "reassessment_id": str(reassessment.pk),
                "grant_id": str(line.grant_id),
                "result": line.result,
                "volume": line.volume,
                "complications": line.complications,
                "deaths": line.deaths,
                "unplanned_reoperations": line.unplanned_reoperations,
                "comment": line.comment,
            },
        )
        if line.result == ReassessmentResult.FAILED:
            grant_stop_for_reassessment(line.grant, user_id=user.pk, reassessment_name=reassessment.name)
            failed += 1
    reassessment.status = ReassessmentStatus.CLOSED
    reassessment.closed_at = timezone.now()
    reassessment.save(update_fields=["status", "closed_at", "updated_at"])
    audit(
        "credentialing.reassessment.closed",
        user=user,
        request=request,
        target=reassessment,
        data={"failed": failed},
    )
    return {"assessed": len(lines), "failed": failed}
