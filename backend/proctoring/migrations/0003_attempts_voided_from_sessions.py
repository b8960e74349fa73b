"""Attempts voided by a confirmed cheating verdict before exams had a `voided` status (decision 0016's
workaround: only `ProctoringSession.voided_at` said so) become `voided` (decision 0018). The make-up path they
were put on is not redone; the grant, if any, is not linked."""

from django.db import migrations


def forwards(apps, schema_editor):
    Session = apps.get_model("proctoring", "ProctoringSession")
    Attempt = apps.get_model("exams", "Attempt")
    for session in Session.objects.filter(voided_at__isnull=False).only("attempt_id", "voided_at", "makeup_outcome"):
        attempt = Attempt.objects.filter(pk=session.attempt_id, status="submitted").first()
        if attempt is None:
            continue
        attempt.detail = {**(attempt.detail or {}), "graded_passed": attempt.passed}
        attempt.status = "voided"
        attempt.passed = False
        attempt.voided_at = session.voided_at
        attempt.void_outcome = session.makeup_outcome[:64]
        attempt.save(update_fields=["detail", "status", "passed", "voided_at", "void_outcome"])


class Migration(migrations.Migration):
    dependencies = [
        ("exams", "0002_attempt_voided"),
        ("proctoring", "0002_snapshot_post_upload"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
