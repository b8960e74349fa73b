"""Reads of credentialing. Tenant isolation comes from the schema; within it medical affairs and the hospital
administration (credentialing.manage) read everything, a department head (credentialing.view only) reads their
own department, a physician their own applications and grants."""

from django.db.models import QuerySet

from core.errors import NotFound
from credentialing.models import (
    ApiKey,
    CatalogueItem,
    DepartmentItem,
    Grant,
    ImportBatch,
    PrescriptionRecord,
    PrivilegeApplication,
    Reassessment,
    ReassessmentItem,
    Secondment,
    SurgeryRecord,
)

MANAGE = "credentialing.manage"


def sees_all(actor) -> bool:
    return actor.has(MANAGE) or actor.is_supervisor


def _department_scope(qs, actor, field="department_id"):
    if sees_all(actor):
        return qs
    if actor.department_id is None:
        return qs.none()
    return qs.filter(**{field: actor.department_id})


def item_list(*, search="", category="", grade=None, active=None) -> QuerySet[CatalogueItem]:
    qs = CatalogueItem.objects.all()
    if search:
        from django.db.models import Q

        qs = qs.filter(
            Q(code__icontains=search) | Q(name__icontains=search) | Q(national_code__icontains=search)
        )
    if category:
        qs = qs.filter(category=category)
    if grade:
        qs = qs.filter(grade=grade)
    if active is not None:
        qs = qs.filter(active=active)
    return qs.order_by("code")


def item_get(*, item_id) -> CatalogueItem:
    item = CatalogueItem.objects.filter(pk=item_id).first()
    if item is None:
        raise NotFound()
    return item


def department_item_list_for_actor(*, actor, department_id=None, status="") -> QuerySet[DepartmentItem]:
    qs = _department_scope(DepartmentItem.objects.select_related("item"), actor)
    if department_id:
        qs = qs.filter(department_id=department_id)
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-created_at")


def department_item_get_for_actor(*, actor, line_id) -> DepartmentItem:
    line = department_item_list_for_actor(actor=actor).filter(pk=line_id).first()
    if line is None:
        raise NotFound()
    return line


def own_physician_id(*, user, organization_id):
    from physicians.models import Physician

    return (
        Physician.objects.filter(user_id=user.pk, organization_id=organization_id)
        .values_list("id", flat=True)
        .first()
    )


def application_list_for_actor(
    *, actor, user, organization_id, mine=False, status="", kind="", physician_id=None
) -> QuerySet[PrivilegeApplication]:
    qs = PrivilegeApplication.objects.select_related("item")
    if mine or not (actor.has(MANAGE) or actor.has("credentialing.view")):
        qs = qs.filter(physician_id=own_physician_id(user=user, organization_id=organization_id))
    else:
        qs = _department_scope(qs, actor)
    if status:
        qs = qs.filter(status=status)
    if kind:
        qs = qs.filter(kind=kind)
    if physician_id:
        qs = qs.filter(physician_id=physician_id)
    return qs.order_by("-created_at")


def application_get_for_actor(*, actor, user, organization_id, application_id) -> PrivilegeApplication:
    application = (
        application_list_for_actor(actor=actor, user=user, organization_id=organization_id)
        .filter(pk=application_id)
        .first()
    )
    if application is None:
        raise NotFound()
    return application


def grant_list_for_actor(
    *, actor, user, organization_id, mine=False, status="", kind="", physician_id=None, item_id=None
) -> QuerySet[Grant]:
    qs = Grant.objects.select_related("item")
    if mine or not (actor.has(MANAGE) or actor.has("credentialing.view")):
        qs = qs.filter(physician_id=own_physician_id(user=user, organization_id=organization_id))
    else:
        qs = _department_scope(qs, actor)
    if status:
        qs = qs.filter(status=status)
    if kind:
        qs = qs.filter(kind=kind)
    if physician_id:
        qs = qs.filter(physician_id=physician_id)
    if item_id:
        qs = qs.filter(item_id=item_id)
    return qs.order_by("-valid_from", "-created_at")


def grant_get_for_actor(*, actor, user, organization_id, grant_id) -> Grant:
    grant = (
        grant_list_for_actor(actor=actor, user=user, organization_id=organization_id)
        .filter(pk=grant_id)
        .first()
    )
    if grant is None:
        raise NotFound()
    return grant


def secondment_list(*, physician_id=None) -> QuerySet[Secondment]:
    qs = Secondment.objects.all()
    if physician_id:
        qs = qs.filter(physician_id=physician_id)
    return qs.order_by("-starts_on")


def api_key_list() -> QuerySet[ApiKey]:
    return ApiKey.objects.order_by("-created_at")


def batch_list(*, kind="") -> QuerySet[ImportBatch]:
    qs = ImportBatch.objects.all()
    if kind:
        qs = qs.filter(kind=kind)
    return qs.order_by("-created_at")


def violation_list_for_actor(*, actor, kind="operations", flag="", department_id=None, batch_id=None):
    if kind == "prescriptions":
        qs = PrescriptionRecord.objects.filter(out_of_privilege=True)
    else:
        qs = SurgeryRecord.objects.select_related("item")
        flags = (
            "out_of_privilege",
            "over_grade",
            "lead_mismatch",
            "preop_discussion_issue",
            "death_discussion_issue",
            "unreported_major",
        )
        if flag in flags:
            qs = qs.filter(**{flag: True})
        else:
            from django.db.models import Q

            any_flag = Q()
            for name in flags:
                any_flag |= Q(**{name: True})
            qs = qs.filter(any_flag)
    qs = _department_scope(qs, actor)
    if department_id:
        qs = qs.filter(department_id=department_id)
    if batch_id:
        qs = qs.filter(batch_id=batch_id)
    return qs.order_by("-created_at", "record_no")


def reassessment_list() -> QuerySet[Reassessment]:
    return Reassessment.objects.order_by("-period_end", "-created_at")


def reassessment_get(*, reassessment_id) -> Reassessment:
    reassessment = Reassessment.objects.filter(pk=reassessment_id).first()
    if reassessment is None:
        raise NotFound()
    return reassessment


def reassessment_items(*, reassessment_id, result="") -> QuerySet[ReassessmentItem]:
    qs = ReassessmentItem.objects.filter(reassessment_id=reassessment_id).select_related(
        "grant", "grant__item"
    )
    if result:
        qs = qs.filter(result=result)
    return qs.order_by("created_at")


def physician_in_reach(*, actor, user, organization_id, physician_id):
    """A physician of this hospital the caller may read: medical affairs any, a department head their
    department's, a physician themself. 404 otherwise."""
    from physicians.models import Physician

    physician = Physician.objects.filter(pk=physician_id, organization_id=organization_id).first()
    if physician is None:
        raise NotFound()
    if sees_all(actor):
        return physician
    if (
        actor.has("credentialing.view")
        and actor.department_id
        and physician.department_id == actor.department_id
    ):
        return physician
    if physician.user_id and physician.user_id == user.pk:
        return physician
    raise NotFound()


def catalogue_analysis(*, actor, year: int | None = None) -> dict:
    """Figures for the catalogue and the grants (院级/科级目录分析, 年度授权分析, 职称统计, 限制类技术质控指标):
    items by category and grade, department catalogue lines by department, grants by kind and status, grants
    given per year, physicians of the hospital by title, and for restricted technologies the cases,
    complications and deaths from the imported operations. A department head gets their department's."""
    from django.db.models import Count, Q
    from django.db.models.functions import ExtractYear

    from physicians.models import Physician

    department = None if sees_all(actor) else actor.department_id
    items = CatalogueItem.objects.filter(active=True)
    lines = DepartmentItem.objects.filter(status="approved")
    grants = Grant.objects.all()
    operations = SurgeryRecord.objects.filter(item__category="restricted")
    physicians = Physician.objects.filter(organization_id=actor.organization_id)
    if department:
        lines = lines.filter(department_id=department)
        grants = grants.filter(department_id=department)
        operations = operations.filter(department_id=department)
        physicians = physicians.filter(department_id=department)
    if year:
        operations = operations.filter(performed_on__year=year)
    restricted = (
        operations.values("item__code", "item__name")
        .annotate(
            cases=Count("id"),
            complications=Count("id", filter=Q(complication=True)),
            deaths=Count("id", filter=Q(death=True)),
            unplanned_reoperations=Count("id", filter=Q(unplanned_reoperation=True)),
        )
        .order_by("item__code")
    )
    return {
        "items_by_category": list(items.values("category").annotate(count=Count("id")).order_by("category")),
        "items_by_grade": list(
            items.exclude(grade=None).values("grade").annotate(count=Count("id")).order_by("grade")
        ),
        "department_items": [
            {**r, "department_id": str(r["department_id"])}
            for r in lines.values("department_id").annotate(count=Count("id")).order_by("department_id")
        ],
        "grants_by_kind_and_status": list(
            grants.values("kind", "status").annotate(count=Count("id")).order_by("kind", "status")
        ),
        "grants_by_year": list(
            grants.annotate(year=ExtractYear("valid_from"))
            .values("year")
            .annotate(count=Count("id"))
            .order_by("year")
        ),
        "physicians_by_title": list(physicians.values("title").annotate(count=Count("id")).order_by("title")),
        "restricted_technologies": [
            {
                "code": r["item__code"],
                "name": r["item__name"],
                "cases": r["cases"],
                "complications": r["complications"],
                "deaths": r["deaths"],
                "unplanned_reoperations": r["unplanned_reoperations"],
                "complication_rate": round(r["complications"] / r["cases"], 4) if r["cases"] else 0,
                "mortality": round(r["deaths"] / r["cases"], 4) if r["cases"] else 0,
            }
            for r in restricted
        ],
    }


def physician_search_for_actor(
    *, actor, organization_id, search="", department_id=None, grade=None, grant_status="", kind=""
):
    """综合查询: the hospital's physicians by name or licence number, department, the surgical grade of a
    grant they hold and the status of their grants (a department head: own department). Returns a physician
    queryset (public rows) annotated by the caller with their grant counts."""
    from django.db.models import Q

    from physicians.models import Physician

    qs = Physician.objects.filter(organization_id=organization_id)
    if not sees_all(actor):
        if actor.department_id is None:
            return qs.none()
        qs = qs.filter(department_id=actor.department_id)
    if search:
        qs = qs.filter(Q(name__icontains=search) | Q(licence_number=search))
    if department_id:
        qs = qs.filter(department_id=department_id)
    if grade or grant_status or kind:
        grants = Grant.objects.all()
        if grade:
            grants = grants.filter(Q(item__grade=grade) | Q(anaesthesia_grade=grade))
        if grant_status:
            grants = grants.filter(status=grant_status)
        if kind:
            grants = grants.filter(kind=kind)
        qs = qs.filter(pk__in=list(grants.values_list("physician_id", flat=True).distinct()))
    return qs.order_by("name", "id")


def grant_counts(physician_ids) -> dict:
    from django.db.models import Count

    rows = (
        Grant.objects.filter(physician_id__in=list(physician_ids))
        .values("physician_id", "status")
        .annotate(n=Count("id"))
    )
    out: dict = {}
    for row in rows:
        out.setdefault(row["physician_id"], {})[row["status"]] = row["n"]
    return out
