from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("assessment", "0002_adverse_record_ids_one_active_cycle"),
    ]

    operations = [
        migrations.AddField(
            model_name="scoreentry",
            name="passed",
            field=models.BooleanField(blank=True, null=True),
        ),
        migrations.AddConstraint(
            model_name="scoreentry",
            constraint=models.UniqueConstraint(
                condition=models.Q(exam_attempt_id__isnull=False),
                fields=("exam_attempt_id",),
                name="score_once_per_attempt",
            ),
        ),
    ]
