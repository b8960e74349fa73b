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


def archive_for_physician(*, physician_id) -> TechnicalArchive | None:
    return TechnicalArchive.objects.filter(physician_id=physician_id).first()


def workload_with_rankings(
    *, physician_id, department_id, period_from: str = "", period_to: str = ""
) -> dict:
    """The physician's workload totals over the periods (YYYY-MM, inclusive) with their ranks in the hospital
    and in the department (1 = most), per figure."""
    from django.db.models import Sum

    from archives.models import WorkloadFigure

    qs = WorkloadFigure.objects.all()
    if period_from:
        qs = qs.filter(period__gte=period_from)
    if period_to:
        qs = qs.filter(period__lte=period_to)
    totals = list(
        qs.values("physician_id", "department_id").annotate(
            discharges=Sum("discharges"), operations=Sum("operations"), inpatient_cost=Sum("inpatient_cost")
        )
    )
    by_physician: dict = {}
    for row in totals:
        agg = by_physician.setdefault(
            row["physician_id"],
            {"discharges": 0, "operations": 0, "inpatient_cost": 0, "department_id": None},
        )
        for field in ("discharges", "operations", "inpatient_cost"):
            agg[field] += row[field] or 0
        agg["department_id"] = agg["department_id"] or row["department_id"]
    mine = by_physician.get(physician_id)
    months = list(
        qs.filter(physician_id=physician_id)
        .order_by("period")
        .values("period", "discharges", "operations", "inpatient_cost")
    )
    result = {
        "months": months,
        "totals": None,
        "hospital_rank": {},
        "department_rank": {},
        "same_title_rank": {},
        "hospital_size": len(by_physician),
    }
    if mine is None:
        return result
    department = department_id or mine["department_id"]
    peers = [v for v in by_physician.values() if v["department_id"] == department]
    result["department_size"] = len(peers)
    result["totals"] = {k: mine[k] for k in ("discharges", "operations", "inpatient_cost")}
    from physicians.models import Physician

    titles = dict(Physician.objects.filter(pk__in=list(by_physician)).values_list("id", "title"))
    same_title = [v for pk, v in by_physician.items() if titles.get(pk) == titles.get(physician_id)]
    result["same_title_size"] = len(same_title)
    result["same_title_rank"] = {}
    for field in ("discharges", "operations", "inpatient_cost"):
        result["hospital_rank"][field] = 1 + sum(1 for v in by_physician.values() if v[field] > mine[field])
        result["department_rank"][field] = 1 + sum(1 for v in peers if v[field] > mine[field])
        result["same_title_rank"][field] = 1 + sum(1 for v in same_title if v[field] > mine[field])
    return result
