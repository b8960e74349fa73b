"""Keep the progress rollup in step inside the database: statement-level triggers on the enrolment table.

Every write of an enrolment, whatever path it takes (save(), transition(), transition_many's plain UPDATE,
bulk_create, queryset.update(), delete), moves its count from its old bucket to its new one in the same
statement, with one grouped INSERT ... ON CONFLICT DO UPDATE per statement (transition tables, so a bulk move
of 5,000 is one upsert of a few buckets). The Python hooks this replaces missed bulk_create (every enrolment
made by the institution) and any queryset.update(); the rollup is refilled from the enrolments here.

The make-up flag of a passed/failed enrolment comes from its history, plus the state it leaves in this very
statement (the workflow writes the history row after the UPDATE): the same rule as FRESH_BUCKETS_SQL once the
history row exists.
"""

from django.db import migrations

# The rollup as it should be, every cycle: the same GROUP BY as 0001 (and selectors.FRESH_BUCKETS_SQL).
REFILL_ALL = """
DELETE FROM assessment_stats_progressrollup;
INSERT INTO assessment_stats_progressrollup (cycle_id, organization_id, department_id, region_path,
    assessment_body_id, title, procedure, status, result_level, makeup, count)
SELECT e.cycle_id, e.organization_id, e.department_id, e.region_path, e.assessment_body_id, e.title,
       e.procedure, e.status, e.result_level,
       CASE WHEN e.status = 'makeup_pending' THEN 'listed'
            WHEN e.status IN ('makeup', 'makeup_scored') THEN 'sat'
            WHEN e.status IN ('passed', 'failed') THEN COALESCE(h.makeup, '')
            ELSE '' END,
       count(*)
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
GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10;
"""

COLUMNS = (
    "cycle_id, organization_id, department_id, region_path, assessment_body_id, title, procedure, status, "
    "result_level"
)
BUCKET = f"{COLUMNS}, makeup"


def _side(alias: str, sign: int, prev: str) -> str:
    cols = ", ".join(f"{alias}.{c.strip()}" for c in COLUMNS.split(","))
    return f"SELECT {cols}, progress_rollup_makeup({alias}.id, {alias}.status, {prev}) AS makeup, {sign} AS delta"


def _upsert(source: str) -> str:
    return f"""
    INSERT INTO assessment_stats_progressrollup ({BUCKET}, count)
    SELECT {BUCKET}, sum(delta) FROM ({source}) d
    GROUP BY {BUCKET}
    HAVING sum(delta) <> 0
    ORDER BY {BUCKET}
    ON CONFLICT ON CONSTRAINT progress_rollup_bucket
    DO UPDATE SET count = assessment_stats_progressrollup.count + EXCLUDED.count;
    """


_CHANGED = " OR ".join(f"o.{c.strip()} IS DISTINCT FROM n.{c.strip()}" for c in COLUMNS.split(","))

FORWARD = f"""
CREATE OR REPLACE FUNCTION progress_rollup_makeup(e_id uuid, e_status varchar, prev_status varchar)
RETURNS varchar LANGUAGE sql STABLE AS $$
SELECT CASE
    WHEN e_status = 'makeup_pending' THEN 'listed'
    WHEN e_status IN ('makeup', 'makeup_scored') THEN 'sat'
    WHEN e_status NOT IN ('passed', 'failed') THEN ''
    WHEN prev_status IN ('makeup', 'makeup_scored') OR EXISTS (
        SELECT 1 FROM assessment_enrolmenthistory h WHERE h.subject_id = e_id
        AND (h.from_state IN ('makeup', 'makeup_scored') OR h.to_state IN ('makeup', 'makeup_scored'))
    ) THEN 'sat'
    WHEN prev_status = 'makeup_pending' OR EXISTS (
        SELECT 1 FROM assessment_enrolmenthistory h WHERE h.subject_id = e_id
        AND (h.from_state = 'makeup_pending' OR h.to_state = 'makeup_pending')
    ) THEN 'listed'
    ELSE ''
END
$$;

CREATE OR REPLACE FUNCTION progress_rollup_on_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    {_upsert(_side("n", 1, "NULL") + " FROM new_rows n")}
    RETURN NULL;
END
$$;

CREATE OR REPLACE FUNCTION progress_rollup_on_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    {_upsert(_side("o", -1, "NULL") + " FROM old_rows o")}
    RETURN NULL;
END
$$;

CREATE OR REPLACE FUNCTION progress_rollup_on_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    {
    _upsert(
        _side("o", -1, "NULL")
        + f" FROM old_rows o JOIN new_rows n ON n.id = o.id WHERE {_CHANGED}"
        + " UNION ALL "
        + _side("n", 1, "o.status")
        + f" FROM old_rows o JOIN new_rows n ON n.id = o.id WHERE {_CHANGED}"
    )
}
    RETURN NULL;
END
$$;

CREATE TRIGGER progress_rollup_insert AFTER INSERT ON assessment_enrolment
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION progress_rollup_on_insert();
CREATE TRIGGER progress_rollup_update AFTER UPDATE ON assessment_enrolment
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION progress_rollup_on_update();
CREATE TRIGGER progress_rollup_delete AFTER DELETE ON assessment_enrolment
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION progress_rollup_on_delete();
"""

BACKWARD = """
DROP TRIGGER IF EXISTS progress_rollup_insert ON assessment_enrolment;
DROP TRIGGER IF EXISTS progress_rollup_update ON assessment_enrolment;
DROP TRIGGER IF EXISTS progress_rollup_delete ON assessment_enrolment;
DROP FUNCTION IF EXISTS progress_rollup_on_insert();
DROP FUNCTION IF EXISTS progress_rollup_on_update();
DROP FUNCTION IF EXISTS progress_rollup_on_delete();
DROP FUNCTION IF EXISTS progress_rollup_makeup(uuid, varchar, varchar);
"""


class Migration(migrations.Migration):
    dependencies = [("assessment_stats", "0001_progress_rollup"), ("assessment", "0001_initial")]

    operations = [
        migrations.RunSQL(FORWARD, BACKWARD),
        migrations.RunSQL(REFILL_ALL, migrations.RunSQL.noop),
    ]
