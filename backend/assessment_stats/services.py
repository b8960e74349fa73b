"""Keeping ProgressRollup in step with the enrolments, and the reads that are audited.

Every change of an enrolment moves one count from its old bucket to its new one, inside the transaction of
the change, with one grouped statement (INSERT ... ON CONFLICT DO UPDATE SET count = count + n) whatever the
number of enrolments moved:

- workflow moves: `rollup_on_transition`, registered on ENROLMENT_FLOW (apps.py). A bulk move
  (transition_many: one UPDATE, no save()) of 5,000 is one statement here;
- save() of an enrolment (a single transition saves too, and may change the procedure or the result with
  the status): `rollup_before_save` reads the stored row, `rollup_after_save` moves it, and marks the object
  so that the listener called next by the same transition does not count it twice;
- creation by save() (`post_save` created) and deletion (`post_delete`, also for queryset.delete());
- `Enrolment.objects.bulk_create` and `queryset.update()` send no signal: their callers call
  `rollup_enrolments_added(objs)` / `rollup_enrolments_removed(objs)`, or `rollup_rebuild(cycle_id)` after
  a mass repair. The nightly `rollup_check` finds and repairs any drift (and logs it).

Lock order: the enrolment rows first (the workflow locks them), then the rollup rows, sorted by bucket within
each statement, so concurrent moves wait for each other instead of deadlocking.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Iterable

from assessment.models import Enrolment
from django.db import connection, transaction

from assessment_stats import selectors
from assessment_stats.models import Makeup, ProgressRollup
from assessment_stats.selectors import BUCKET_COLUMNS, MAKEUP_BY_STATUS, RESULT_STATES
from audit.services import audit_record

log = logging.getLogger(__name__)

# Fields whose change moves an enrolment to another bucket (names and attnames, as update_fields has them).
_TRACKED_FIELDS = frozenset(
    {
        "cycle",
        "cycle_id",
        "organization",
        "organization_id",
        "department",
        "department_id",
        "region_path",
        "assessment_body",
        "assessment_body_id",
        "title",
        "procedure",
        "status",
        "result_level",
    }
)
_COUNTED = "_rollup_counted"  # set on an object whose save() already moved it (the listener skips it)
_OLD = "_rollup_old"
_BATCH = 1000


def _bucket(row, *, status: str, makeup: str) -> tuple:
    """The bucket of an enrolment (object or snapshot dict) in `status` with the make-up flag `makeup`."""
    get = row.get if isinstance(row, dict) else lambda name: getattr(row, name)
    return (
        get("cycle_id"),
        get("organization_id"),
        get("department_id"),
        get("region_path"),
        get("assessment_body_id"),
        get("title"),
        get("procedure"),
        str(status),
        get("result_level"),
        str(makeup),
    )


def _makeup_after(from_state: str, to_state: str, from_flag: str) -> str:
    """The make-up flag after a move: make-up states say it themselves; a result keeps what the state before
    it said (refused from the list, or passed/failed the make-up)."""
    if to_state in MAKEUP_BY_STATUS:
        return MAKEUP_BY_STATUS[to_state]
    if to_state in RESULT_STATES:
        return from_flag if from_state in RESULT_STATES else MAKEUP_BY_STATUS.get(from_state, Makeup.NONE)
    return Makeup.NONE


def _makeup_now(statuses_by_id: dict) -> dict:
    """{id: flag} for enrolments in the given stored statuses (the history decides for results)."""
    flags = {pk: MAKEUP_BY_STATUS.get(status, Makeup.NONE) for pk, status in statuses_by_id.items()}
    results = [pk for pk, status in statuses_by_id.items() if status in RESULT_STATES]
    if results:
        flags.update(selectors.makeup_from_history(results))
    return flags


def rollup_apply(deltas: dict[tuple, int]) -> None:
    """Add each delta to its bucket: one INSERT ... ON CONFLICT DO UPDATE per 1,000 buckets, in bucket order."""
    rows = sorted(
        ((key, n) for key, n in deltas.items() if n),
        key=lambda kv: tuple("" if v is None else str(v) for v in kv[0]),
    )
    if not rows:
        return
    table = ProgressRollup._meta.db_table
    columns = ", ".join((*BUCKET_COLUMNS, "count"))
    placeholder = "(" + ", ".join(["%s"] * (len(BUCKET_COLUMNS) + 1)) + ")"
    with connection.cursor() as cur:
        for start in range(0, len(rows), _BATCH):
            chunk = rows[start : start + _BATCH]
            params = [v for key, n in chunk for v in (*key, n)]
            cur.execute(
                f"INSERT INTO {table} ({columns}) VALUES {', '.join([placeholder] * len(chunk))} "  # noqa: S608
                f"ON CONFLICT ON CONSTRAINT progress_rollup_bucket "
                f"DO UPDATE SET count = {table}.count + EXCLUDED.count",
                params,
            )


def rollup_on_transition(objs: list, from_state: str, to_state: str, action: str) -> None:
    """ENROLMENT_FLOW listener: move `objs` from the `from_state` bucket to the `to_state` one (their other
    columns are as stored: the bulk move changes only the status). Objects a save() already moved are
    skipped (see the module's docstring)."""
    pending = [obj for obj in objs if not obj.__dict__.pop(_COUNTED, False)]
    if not pending or from_state == to_state:
        return
    from_flags = _makeup_now({obj.pk: from_state for obj in pending})
    deltas: Counter = Counter()
    for obj in pending:
        before = from_flags[obj.pk]
        deltas[_bucket(obj, status=from_state, makeup=before)] -= 1
        deltas[_bucket(obj, status=to_state, makeup=_makeup_after(from_state, to_state, before))] += 1
    rollup_apply(deltas)


def rollup_before_save(sender, instance, update_fields=None, **kwargs) -> None:
    """pre_save: remember the stored bucket columns of an existing enrolment whose tracked fields may change."""
    instance.__dict__.pop(_OLD, None)
    if instance._state.adding or instance.pk is None:
        return
    if update_fields is not None and not (set(update_fields) & _TRACKED_FIELDS):
        return
    instance.__dict__[_OLD] = selectors.enrolment_snapshot(instance.pk)


def rollup_after_save(sender, instance, created=False, **kwargs) -> None:
    """post_save: count a new enrolment, or move a saved one from its old bucket to its new one."""
    old = instance.__dict__.pop(_OLD, None)
    if created or old is None:
        if created:
            flag = _makeup_now({instance.pk: instance.status})[instance.pk]
            rollup_apply({_bucket(instance, status=instance.status, makeup=flag): 1})
        return
    before = _makeup_now({instance.pk: old["status"]})[instance.pk]
    after = _makeup_after(old["status"], instance.status, before)
    old_key = _bucket(old, status=old["status"], makeup=before)
    new_key = _bucket(instance, status=instance.status, makeup=after)
    if old_key != new_key:
        rollup_apply({old_key: -1, new_key: 1})
    instance.__dict__[_COUNTED] = True


def rollup_after_delete(sender, instance, **kwargs) -> None:
    """post_delete: take a deleted enrolment out of its bucket."""
    flag = _makeup_now({instance.pk: instance.status})[instance.pk]
    rollup_apply({_bucket(instance, status=instance.status, makeup=flag): -1})


def _count(enrolments: Iterable[Enrolment], sign: int) -> None:
    enrolments = list(enrolments)
    flags = _makeup_now({e.pk: e.status for e in enrolments})
    deltas: Counter = Counter()
    for e in enrolments:
        deltas[_bucket(e, status=e.status, makeup=flags[e.pk])] += sign
    rollup_apply(deltas)


def rollup_enrolments_added(enrolments: Iterable[Enrolment]) -> None:
    """Count enrolments created without save() (bulk_create). Call inside the creating transaction."""
    _count(enrolments, 1)


def rollup_enrolments_removed(enrolments: Iterable[Enrolment]) -> None:
    """Uncount enrolments deleted without signals (a raw delete). Call inside the deleting transaction."""
    _count(enrolments, -1)


@transaction.atomic
def rollup_rebuild(*, cycle_id) -> int:
    """Recompute a cycle's rollup from its enrolments with one GROUP BY; returns the number of buckets.

    Takes the rollup table in EXCLUSIVE mode first: moves running meanwhile wait (their enrolment rows are
    uncommitted, so the GROUP BY counts them in their old bucket and their delta applies on top afterwards);
    reads are not blocked."""
    table = ProgressRollup._meta.db_table
    columns = ", ".join((*BUCKET_COLUMNS, "count"))
    with connection.cursor() as cur:
        cur.execute(f"LOCK TABLE {table} IN EXCLUSIVE MODE")
        cur.execute(f"DELETE FROM {table} WHERE cycle_id = %s", [cycle_id])  # noqa: S608 model's table
        cur.execute(f"INSERT INTO {table} ({columns}) {selectors.FRESH_BUCKETS_SQL}", [cycle_id])
        return cur.rowcount


def rollup_check(*, repair: bool = True) -> dict:
    """Compare every published cycle's rollup with a fresh GROUP BY (the nightly beat job); rebuild a cycle
    that drifted when `repair`. Returns {cycle id: number of buckets that differed} for those that did."""
    drifted = {}
    for cycle_id in selectors.cycles_to_check():
        diff = selectors.rollup_diff(cycle_id)
        if not diff:
            continue
        drifted[str(cycle_id)] = len(diff)
        log.warning("progress rollup of cycle %s drifted in %d buckets", cycle_id, len(diff))
        if repair:
            rollup_rebuild(cycle_id=cycle_id)
    return drifted


def progress_physicians_read_record(*, actor, user, request, cycle, rows: int) -> None:
    """Audit a commission's read of the per-physician progress list (personal data, masked)."""
    audit_record(
        action="assessment_stats.progress_physicians.read",
        actor=user,
        request=request,
        organization_id=actor.organization_id,
        region_path=actor.region_path or "",
        target=cycle,
        data={"rows": rows},
    )


def physician_cycles_read_record(*, actor, user, request, physician_id, rows: int) -> None:
    """Audit a commission's read of a physician's cycle history."""
    audit_record(
        action="assessment_stats.physician_cycles.read",
        actor=user,
        request=request,
        organization_id=actor.organization_id,
        region_path=actor.region_path or "",
        target_type="physicians.physician",
        target_id=str(physician_id),
        data={"rows": rows},
    )
