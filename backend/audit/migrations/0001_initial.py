import uuid

import django.utils.timezone
from django.db import migrations, models

APPEND_ONLY = """
CREATE OR REPLACE FUNCTION audit_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit log is append-only';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER audit_auditevent_append_only
    BEFORE UPDATE OR DELETE ON audit_auditevent
    FOR EACH ROW EXECUTE FUNCTION audit_append_only();
"""


class Migration(migrations.Migration):
    initial = True
    dependencies = []

    operations = [
        migrations.CreateModel(
            name="AuditEvent",
            fields=[
                ("id", models.UUIDField(default=uuid.uuid4, editable=False, primary_key=True, serialize=False)),
                ("occurred_at", models.DateTimeField(db_index=True, default=django.utils.timezone.now)),
                ("action", models.CharField(db_index=True, max_length=64)),
                ("actor_id", models.UUIDField(blank=True, db_index=True, null=True)),
                ("actor_name", models.CharField(blank=True, max_length=64)),
                ("organization_id", models.UUIDField(blank=True, db_index=True, null=True)),
                ("region_path", models.CharField(blank=True, db_index=True, max_length=128)),
                ("target_type", models.CharField(blank=True, max_length=64)),
                ("target_id", models.CharField(blank=True, max_length=64)),
                ("schema_name", models.CharField(blank=True, max_length=63)),
                ("ip", models.GenericIPAddressField(blank=True, null=True)),
                ("user_agent", models.CharField(blank=True, max_length=255)),
                ("request_id", models.CharField(blank=True, max_length=64)),
                ("data", models.JSONField(blank=True, default=dict)),
            ],
            options={"ordering": ["-occurred_at"]},
        ),
        migrations.RunSQL(
            APPEND_ONLY, reverse_sql="DROP TRIGGER audit_auditevent_append_only ON audit_auditevent;"
        ),
    ]
