"""Reads of the progress statistics (进度管理, 考核统计), scoped to the caller.

Who reaches what is the enrolments' rule (assessment.selectors.enrolments.reach_q), applied to the rollup's
copies of the same columns: a commission its region subtree, an institution itself, an assessment body the
enrolments it re-reviews (Enrolment.assessment_body), a department head their department. Statistics are
counts only; the per-physician list masks ID cards for everyone and the views audit a commission's reads.

Figures come from the rollups, never from a loop over institutions or schemas: a commission's table by
region or procedure from ProgressRegionRollup (a few thousand rows for a province), every other table from
ProgressRollup (one row per bucket, so up to about one per enrolment, but scoped to one institution, body or
department, or grouped by institution for a commission).
"""

from __future__ import annotations

from collections import defaultdict
from enum import StrEnum

from assessment.enums import Component, EnrolmentStatus, Procedure, ResultLevel
from assessment.models import Cycle, Enrolment, ScoreEntry, Sitting
from assessment.selectors import enrolments as enrolment_selectors
from django.db import connection
from django.db.models import CharField, F, Func, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from assessment_stats.models import Makeup, ProgressRegionRollup, ProgressRollup
from core.actor import Actor
from core.scoping import get_in_reach
from organizations.models import Department, Organization, Region
from physicians.models import Physician
from physicians.selectors import region_path_for_code

S = EnrolmentStatus

# The columns of a bucket, in the order of the unique constraint `progress_rollup_bucket`.
BUCKET_COLUMNS = (
    "cycle_id",
    "organization_id",
    "department_id",
    "region_path",
    "assessment_body_id",
    "title",
    "procedure",
    "status",
    "result_level",
    "makeup",
)
# The same buckets computed afresh from the enrolment table, one GROUP BY: what `rollup_rebuild` stores and
# what the nightly check compares with. An enrolment that passed or failed went through the make-up when its
# history touches the make-up states (`sat` once allowed to sit it, else `listed`). The triggers of migration
# 0002 apply the same rule to each write.
FRESH_BUCKETS_SQL = """
SELECT e.cycle_id, e.organization_id, e.department_id, e.region_path, e.assessment_body_id, e.title,
       e.procedure, e.status, e.result_level,
       CASE WHEN e.status = 'makeup_pending' THEN 'listed'
            WHEN e.status IN ('makeup', 'makeup_scored') THEN 'sat'
            WHEN e.status IN ('passed', 'failed') THEN COALESCE(h.makeup, '')
            ELSE '' END AS makeup,
       count(*) AS count
FROM assessment_enrolment e
LEFT JOIN (
    SELECT subject_id,
           CASE WHEN bool_or(from_state IN ('makeup', 'makeup_scored') OR to_state IN ('makeup', 'makeup_scored'))
                THEN 'sat' ELSE 'listed' END AS makeup
    FROM assessment_enrolmenthistory
    WHERE from_state IN ('makeup_pending', 'makeup', 'makeup_scored')
       OR to_state IN ('makeup_pending', 'makeup', 'makeup_scored')
    GROUP BY subject_id
) h ON h.subject_id = e.id AND e.status IN ('passed', 'failed')
WHERE e.cycle_id = %s
GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10
"""


# --- the rollup's own reads (rebuild and check) --------------------------------------------------------------


# The coarse rollup (ProgressRegionRollup) of a cycle from the fine one.
REGION_BUCKET_COLUMNS = ("cycle_id", "region_path", "procedure", "status", "result_level", "makeup")
REGION_FROM_ROLLUP_SQL = f"""
SELECT {", ".join(REGION_BUCKET_COLUMNS)}, sum(count) FROM assessment_stats_progressrollup
WHERE cycle_id = %s GROUP BY {", ".join(REGION_BUCKET_COLUMNS)} HAVING sum(count) <> 0
"""  # noqa: S608 - constant column names


def fresh_buckets(cycle_id) -> dict[tuple, int]:
    """{bucket: count} recomputed from the enrolments (see FRESH_BUCKETS_SQL)."""
    with connection.cursor() as cur:
        cur.execute(FRESH_BUCKETS_SQL, [cycle_id])
        return {tuple(row[:-1]): row[-1] for row in cur.fetchall()}


def rollup_buckets(cycle_id) -> dict[tuple, int]:
    """{bucket: count} as the rollup holds it (empty buckets left out)."""
    rows = (
        ProgressRollup.objects.filter(cycle_id=cycle_id)
        .exclude(count=0)
        .values_list(*BUCKET_COLUMNS, "count")
    )
    return {tuple(row[:-1]): row[-1] for row in rows}


def region_buckets(cycle_id) -> dict[tuple, int]:
    """{region bucket: count} as the region rollup holds it (empty buckets left out)."""
    rows = (
        ProgressRegionRollup.objects.filter(cycle_id=cycle_id)
        .exclude(count=0)
        .values_list(*REGION_BUCKET_COLUMNS, "count")
    )
    return {tuple(row[:-1]): row[-1] for row in rows}


def _region_of(buckets: dict[tuple, int]) -> dict[tuple, int]:
    out: dict[tuple, int] = defaultdict(int)
    for key, n in buckets.items():
        row = dict(zip(BUCKET_COLUMNS, key, strict=True))
        out[tuple(row[c] for c in REGION_BUCKET_COLUMNS)] += n
    return {k: n for k, n in out.items() if n}


def _differ(held: dict, fresh: dict) -> dict:
    return {
        key: (held.get(key, 0), fresh.get(key, 0))
        for key in held.keys() | fresh.keys()
        if held.get(key, 0) != fresh.get(key, 0)
    }


def rollup_diff(cycle_id) -> dict[tuple, tuple[int, int]]:
    """Buckets where the rollups and a fresh GROUP BY disagree: {bucket: (rollup, fresh)}, region buckets
    prefixed with "region". Empty when both are in step."""
    fresh = fresh_buckets(cycle_id)
    diff = _differ(rollup_buckets(cycle_id), fresh)
    for key, pair in _differ(region_buckets(cycle_id), _region_of(fresh)).items():
        diff[("region", *key)] = pair
    return diff


def cycles_to_check() -> list:
    """Cycles whose rollup the nightly check compares: every published one (draft cycles have no enrolments)."""
    return list(Cycle.objects.exclude(status="draft").values_list("pk", flat=True))


# --- statistics ---------------------------------------------------------------------------------------------


class GroupBy(StrEnum):
    REGION = "region"
    ORGANIZATION = "organization"
    DEPARTMENT = "department"
    TITLE = "title"
    PROCEDURE = "procedure"


# States reached by the time of each stage (a funnel: every later state counts as having reached it).
_AFTER_INSTITUTION = {
    S.INSTITUTION_APPROVED,
    S.BODY_APPROVED,
    S.SCORED,
    S.SCORE_CONFIRMED,
    S.PUBLICIZED,
    S.PASSED,
    S.MAKEUP_PENDING,
    S.MAKEUP,
    S.MAKEUP_SCORED,
    S.FAILED,
}
_AFTER_BODY = _AFTER_INSTITUTION - {S.INSTITUTION_APPROVED}
_AFTER_SCORE = _AFTER_BODY - {S.BODY_APPROVED}
_AFTER_PUBLICITY = _AFTER_SCORE - {S.SCORED, S.SCORE_CONFIRMED}
_NOT_SUBMITTED = {S.ENROLLED, S.DRAFTING, S.RETURNED}


def _sum(**q) -> Coalesce:
    return Coalesce(Sum("count", filter=Q(**q)), 0)


# One SQL column per status, plus the splits the status alone does not tell: one row per group comes back
# (3,000 for a province by institution), never one per bucket.
_AGGREGATES = {
    **{f"s_{s}": _sum(status=s) for s in S.values},
    "x_excellent": _sum(status=S.PASSED, result_level=ResultLevel.EXCELLENT),
    "x_makeup_refused": _sum(status=S.FAILED, makeup=Makeup.LISTED),
    "x_makeup_passed": _sum(status=S.PASSED, makeup=Makeup.SAT),
    "x_makeup_failed": _sum(status=S.FAILED, makeup=Makeup.SAT),
}
_RAW_KEYS = tuple(_AGGREGATES)


def _rate(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def progress_metrics(raw: dict) -> dict:
    """Every figure of one group from its raw sums: counts per status, the stages reached, the final and
    make-up results and their rates (None when the denominator is 0)."""
    statuses = {s: int(raw.get(f"s_{s}", 0)) for s in S.values}
    withdrawn = statuses[S.WITHDRAWN]
    enrolled = sum(statuses.values()) - withdrawn
    passed, failed = statuses[S.PASSED], statuses[S.FAILED]
    finalized = passed + failed
    excellent = int(raw.get("x_excellent", 0))
    submitted = enrolled - sum(statuses[s] for s in _NOT_SUBMITTED)
    makeup_refused = int(raw.get("x_makeup_refused", 0))
    makeup_passed = int(raw.get("x_makeup_passed", 0))
    makeup_failed = int(raw.get("x_makeup_failed", 0))
    makeup_sitting = statuses[S.MAKEUP] + statuses[S.MAKEUP_SCORED]
    makeup_awaiting = statuses[S.MAKEUP_PENDING]
    return {
        "statuses": statuses,
        "enrolled": enrolled,
        "withdrawn": withdrawn,
        "not_submitted": enrolled - submitted,
        "submitted": submitted,
        "institution_approved": sum(statuses[s] for s in _AFTER_INSTITUTION),
        "body_approved": sum(statuses[s] for s in _AFTER_BODY),
        "scored": sum(statuses[s] for s in _AFTER_SCORE),
        "published": sum(statuses[s] for s in _AFTER_PUBLICITY),
        "finalized": finalized,
        "pending": enrolled - finalized,
        "passed": passed,
        "excellent": excellent,
        "failed": failed,
        "in_makeup": makeup_awaiting + makeup_sitting,
        "submission_rate": _rate(submitted, enrolled),
        "completion_rate": _rate(finalized, enrolled),
        "pass_rate": _rate(passed, finalized),
        "excellent_rate": _rate(excellent, finalized),
        "makeup_listed": makeup_awaiting + makeup_sitting + makeup_refused + makeup_passed + makeup_failed,
        "makeup_awaiting": makeup_awaiting,
        "makeup_refused": makeup_refused,
        "makeup_sitting": makeup_sitting,
        "makeup_passed": makeup_passed,
        "makeup_failed": makeup_failed,
        "makeup_pass_rate": _rate(makeup_passed, makeup_passed + makeup_failed),
        "passed_after_makeup": makeup_passed,
    }


def _depth(path: str) -> int:
    return len([p for p in (path or "").split("/") if p])


def _base_path(actor: Actor, region_path: str) -> str:
    """The region whose children `by=region` lists: the region filter, else a commission's own region, else
    the top (provinces)."""
    if region_path:
        return region_path
    if actor.is_commission and actor.region_path:
        return actor.region_path
    return ""


def progress_groups(
    *,
    actor: Actor,
    cycle: Cycle,
    by: str = GroupBy.REGION,
    region: str = "",
    organization_id=None,
    department_id=None,
    title: str = "",
    procedure: str = "",
) -> tuple[dict, list[dict]]:
    """(totals, groups) of the cycle's enrolments within the actor's reach and the filters, grouped `by`
    one of GroupBy: each group {"key", "label", **progress_metrics}. One aggregate query on the rollup plus
    one for the groups' names. `region` is a division code (unknown: 400 `unknown_region`); `by=region`
    lists the children of that region (or of a commission's own), enrolments directly at it as "本级"."""
    region_path = region_path_for_code(region) if region else ""
    # A commission's table by region or procedure, without institution, department or title filters, needs
    # only the region rollup: a few thousand rows for a province instead of nearly one per enrolment.
    coarse = (
        actor is not None
        and actor.is_commission
        and by in (GroupBy.REGION, GroupBy.PROCEDURE)
        and not (organization_id or department_id or title)
    )
    model = ProgressRegionRollup if coarse else ProgressRollup
    qs = model.objects.filter(enrolment_selectors.reach_q(actor), cycle_id=cycle.pk)
    if region_path:
        qs = qs.filter(region_path__startswith=region_path)
    if organization_id:
        qs = qs.filter(organization_id=organization_id)
    if department_id:
        qs = qs.filter(department_id=department_id)
    if title:
        qs = qs.filter(title=title)
    if procedure:
        qs = qs.filter(procedure=procedure)

    base = _base_path(actor, region_path)
    if by == GroupBy.REGION:
        qs = qs.annotate(
            g_region=Func(
                F("region_path"),
                Value("/"),
                Value(_depth(base) + 1),
                function="split_part",
                output_field=CharField(),
            )
        )
        keys = ("g_region",)
    elif by == GroupBy.ORGANIZATION:
        keys = ("organization_id",)
    elif by == GroupBy.DEPARTMENT:
        keys = ("organization_id", "department_id")
    elif by == GroupBy.TITLE:
        keys = ("title",)
    else:
        keys = ("procedure",)
    rows = list(qs.values(*keys).annotate(**_AGGREGATES).order_by())
    totals_raw: dict = defaultdict(int)
    for row in rows:
        for k in _RAW_KEYS:
            totals_raw[k] += row[k]
    labels = _labels(by, rows, base)
    groups = []
    for row in rows:
        key = "/".join("" if row[k] is None else str(row[k]) for k in keys)
        groups.append({"key": key, "label": labels.get(key, key), **progress_metrics(row)})
    if by in (GroupBy.REGION, GroupBy.PROCEDURE):
        groups.sort(key=lambda g: g["key"])
    else:
        groups.sort(key=lambda g: (g["label"], g["key"]))
    return progress_metrics(totals_raw), groups


def _labels(by: str, rows: list[dict], base: str) -> dict[str, str]:
    if by == GroupBy.REGION:
        codes = {r["g_region"] for r in rows}
        names = dict(Region.objects.filter(code__in=codes).values_list("code", "name"))
        own = Region.objects.filter(path=base).values_list("name", flat=True).first() if base else None
        names[""] = _("%(region)s（本级）") % {"region": own} if own else _("本级")
        return names
    if by == GroupBy.ORGANIZATION:
        ids = {r["organization_id"] for r in rows}
        return {str(k): v for k, v in Organization.objects.filter(pk__in=ids).values_list("pk", "name")}
    if by == GroupBy.DEPARTMENT:
        orgs = dict(
            Organization.objects.filter(pk__in={r["organization_id"] for r in rows}).values_list("pk", "name")
        )
        depts = dict(
            Department.objects.filter(
                pk__in={r["department_id"] for r in rows if r["department_id"]}
            ).values_list("pk", "name")
        )
        out = {}
        for r in rows:
            dept = depts.get(r["department_id"]) if r["department_id"] else _("未分科室")
            key = f"{r['organization_id']}/{'' if r['department_id'] is None else r['department_id']}"
            out[key] = f"{orgs.get(r['organization_id'], '')} {dept}".strip()
        return out
    if by == GroupBy.TITLE:
        return {r["title"]: r["title"] or _("未填写职称") for r in rows}
    procedures = {k: str(v) for k, v in Procedure.choices}
    return {r["procedure"]: procedures.get(r["procedure"], r["procedure"]) or _("未选择程序") for r in rows}


# Series a chart can show; the order is the legend's.
CHART_SERIES = (
    ("enrolled", "count"),
    ("submitted", "count"),
    ("finalized", "count"),
    ("passed", "count"),
    ("excellent", "count"),
    ("failed", "count"),
    ("makeup_listed", "count"),
    ("submission_rate", "rate"),
    ("completion_rate", "rate"),
    ("pass_rate", "rate"),
    ("excellent_rate", "rate"),
    ("makeup_pass_rate", "rate"),
)


def progress_chart(groups: list[dict], *, by: str, limit: int) -> dict:
    """{labels, series: [{key, kind, data}]} for the web app's charts. Region, title and procedure groups all
    come, in table order; organisations and departments the `limit` largest by enrolment."""
    if by in (GroupBy.ORGANIZATION, GroupBy.DEPARTMENT):
        groups = sorted(groups, key=lambda g: (-g["enrolled"], g["label"]))[:limit]
    return {
        "by": by,
        "labels": [g["label"] for g in groups],
        "keys": [g["key"] for g in groups],
        "series": [
            {"key": key, "unit": unit, "data": [g[key] for g in groups]} for key, unit in CHART_SERIES
        ],
    }


# --- per physician ---------------------------------------------------------------------------------------


def _score(sitting: str) -> Subquery:
    return Subquery(
        ScoreEntry.objects.filter(
            enrolment_id=OuterRef("pk"), component=Component.COMPETENCE_TEST, sitting=sitting
        ).values("score")[:1]
    )


def progress_physician_list(
    *,
    actor: Actor,
    cycle: Cycle,
    status: str = "",
    procedure: str = "",
    result_level: str = "",
    department_id=None,
    title: str = "",
    name: str = "",
    organization_id=None,
    region: str = "",
) -> QuerySet[Enrolment]:
    """The cycle's enrolments within reach and filters (the enrolment list's rules), each with its
    competence-test scores (`test_score` of the main sitting, `makeup_test_score`), oldest first."""
    qs = enrolment_selectors.enrolment_list_for_actor(
        actor=actor,
        cycle_id=cycle.pk,
        status=status,
        procedure=procedure,
        department_id=department_id,
        title=title,
        name=name,
        organization_id=organization_id,
        region=region,
    )
    if result_level:
        qs = qs.filter(result_level=result_level)
    return qs.annotate(test_score=_score(Sitting.MAIN), makeup_test_score=_score(Sitting.MAKEUP))


# --- cycle history ----------------------------------------------------------------------------------------


def _history(qs: QuerySet[Enrolment]) -> QuerySet[Enrolment]:
    return (
        qs.select_related("cycle", "organization", "certificate")
        .annotate(test_score=_score(Sitting.MAIN), makeup_test_score=_score(Sitting.MAKEUP))
        .order_by("-cycle__starts_on", "pk")
    )


def physician_cycle_list(*, actor: Actor | None, physician_id) -> QuerySet[Enrolment]:
    """Every cycle of a physician in the actor's registry reach (core.scoping, like the registry: a
    commission its subtree, an institution its own, an assessment body its assigned ones), newest first,
    whichever institution enrolled them then. NotFound (404) for a physician outside the reach."""
    physician = get_in_reach(
        Physician.objects.only("id", "organization_id", "region_path"), actor, physician_id
    )
    return _history(Enrolment.objects.filter(physician_id=physician.pk))


def my_cycle_list(*, user) -> QuerySet[Enrolment]:
    """The caller's own cycles (physician.user is the caller), newest first; empty for a non-physician."""
    return _history(Enrolment.objects.filter(physician__user_id=user.pk))
