"""Keeping ProgressRollup in step with the enrolments, and the reads that are audited.

The rollup is maintained by the database: statement-level triggers on the enrolment table (migration
0002_rollup_triggers) move the counts of every INSERT, UPDATE and DELETE, in the same statement and
transaction, with one grouped INSERT ... ON CONFLICT DO UPDATE per statement whatever the number of rows. So
save(), the workflow's transition() and transition_many() (a plain UPDATE), bulk_create(), queryset.update()
and delete() are all counted without any call from the code that writes, and nothing here needs to know
which service moved an enrolment. `rollup_rebuild` recomputes a cycle with one GROUP BY; the nightly
`rollup_check` compares both and repairs (a drift means a bug or a manual SQL edit).

Lock order: the enrolment rows first (the writer locks them), then the rollup rows, sorted by bucket within
each statement, so concurrent moves wait for each other instead of deadlocking.
"""

from __future__ import annotations

import logging

from django.db import connection, transaction

from assessment_stats import selectors
from assessment_stats.models import ProgressRegionRollup, ProgressRollup
from assessment_stats.selectors import BUCKET_COLUMNS
from audit.services import audit_record

log = logging.getLogger(__name__)


@transaction.atomic
def rollup_rebuild(*, cycle_id) -> int:
    """Recompute a cycle's rollup from its enrolments with one GROUP BY, and the region rollup from it;
    returns the number of buckets of the first.

    Takes the rollup table in EXCLUSIVE mode first: moves running meanwhile wait (their enrolment rows are
    uncommitted, so the GROUP BY counts them in their old bucket and their delta applies on top afterwards);
    reads are not blocked."""
    table = ProgressRollup._meta.db_table
    columns = ", ".join((*BUCKET_COLUMNS, "count"))
    with connection.cursor() as cur:
        cur.execute(f"LOCK TABLE {table} IN EXCLUSIVE MODE")
        cur.execute(f"DELETE FROM {table} WHERE cycle_id = %s", [cycle_id])  # noqa: S608 model's table
        cur.execute(f"INSERT INTO {table} ({columns}) {selectors.FRESH_BUCKETS_SQL}", [cycle_id])
        buckets = cur.rowcount
        region_table = ProgressRegionRollup._meta.db_table
        region_columns = ", ".join((*selectors.REGION_BUCKET_COLUMNS, "count"))
        cur.execute(f"LOCK TABLE {region_table} IN EXCLUSIVE MODE")
        cur.execute(f"DELETE FROM {region_table} WHERE cycle_id = %s", [cycle_id])  # noqa: S608 model's table
        cur.execute(
            f"INSERT INTO {region_table} ({region_columns}) {selectors.REGION_FROM_ROLLUP_SQL}",  # noqa: S608
            [cycle_id],
        )
        return buckets


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
