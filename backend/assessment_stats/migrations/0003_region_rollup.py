"""The coarse rollup by region (ProgressRegionRollup): the triggers of 0002 now keep both tables, and the new
one is filled from the first."""

import importlib

import django.db.models.deletion
from django.db import migrations, models

_t = importlib.import_module("assessment_stats.migrations.0002_rollup_triggers")

REGION_BUCKET = "cycle_id, region_path, procedure, status, result_level, makeup"


def _upsert_region(source: str) -> str:
    return f"""
    INSERT INTO assessment_stats_progressregionrollup ({REGION_BUCKET}, count)
    SELECT {REGION_BUCKET}, sum(delta) FROM ({source}) d
    GROUP BY {REGION_BUCKET}
    HAVING sum(delta) <> 0
    ORDER BY {REGION_BUCKET}
    ON CONFLICT ON CONSTRAINT progress_region_rollup_bucket
    DO UPDATE SET count = assessment_stats_progressregionrollup.count + EXCLUDED.count;
    """


def _function(name: str, source: str) -> str:
    return f"""
CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    {_t._upsert(source)}
    {_upsert_region(source)}
    RETURN NULL;
END
$$;
"""


_UPDATE_SOURCE = (
    _t._side("o", -1, "NULL")
    + f" FROM old_rows o JOIN new_rows n ON n.id = o.id WHERE {_t._CHANGED}"
    + " UNION ALL "
    + _t._side("n", 1, "o.status")
    + f" FROM old_rows o JOIN new_rows n ON n.id = o.id WHERE {_t._CHANGED}"
)
FORWARD = (
    _function("progress_rollup_on_insert", _t._side("n", 1, "NULL") + " FROM new_rows n")
    + _function("progress_rollup_on_delete", _t._side("o", -1, "NULL") + " FROM old_rows o")
    + _function("progress_rollup_on_update", _UPDATE_SOURCE)
)
REFILL = f"""
DELETE FROM assessment_stats_progressregionrollup;
INSERT INTO assessment_stats_progressregionrollup ({REGION_BUCKET}, count)
SELECT {REGION_BUCKET}, sum(count) FROM assessment_stats_progressrollup
GROUP BY {REGION_BUCKET} HAVING sum(count) <> 0;
"""


class Migration(migrations.Migration):
    dependencies = [
        ("assessment", "0001_initial"),
        ("assessment_stats", "0002_rollup_triggers"),
    ]

    operations = [
        migrations.CreateModel(
            name="ProgressRegionRollup",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("region_path", models.CharField(max_length=128)),
                ("procedure", models.CharField(blank=True, max_length=16)),
                ("status", models.CharField(max_length=24)),
                ("result_level", models.CharField(blank=True, max_length=16)),
                (
                    "makeup",
                    models.CharField(
                        blank=True,
                        choices=[("", "未进入补考"), ("listed", "进入补考名单"), ("sat", "参加补考")],
                        max_length=8,
                    ),
                ),
                ("count", models.IntegerField(default=0)),
                (
                    "cycle",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, related_name="+", to="assessment.cycle"
                    ),
                ),
            ],
            options={
                "indexes": [
                    models.Index(
                        fields=["cycle", "region_path"],
                        name="progress_region_rollup_path",
                        opclasses=["", "varchar_pattern_ops"],
                    )
                ],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("cycle", "region_path", "procedure", "status", "result_level", "makeup"),
                        name="progress_region_rollup_bucket",
                    )
                ],
            },
        ),
        migrations.RunSQL(FORWARD, migrations.RunSQL.noop),
        migrations.RunSQL(REFILL, migrations.RunSQL.noop),
    ]
