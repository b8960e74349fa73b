"""Bad input and faults of the proctoring API that issue 5 lists and the other files did not cover: a photo with
too many pixels, registration from a second device or by someone else, an upload URL after submission, and a
lost copy or analysis (a worker killed mid-task, Redis restarted) sent again by the sweep."""

from datetime import timedelta

from django.utils import timezone
from proctoring.enums import Flag
from proctoring.models import Snapshot
from proctoring.services.analysis import snapshot_analyse
from proctoring.services.snapshots import proctoring_sweep, stalled_requeue

from tests.conftest import login
from tests.proctoring.conftest import (
    DEVICE,
    consent_and_start,
    due_now,
    jpeg,
    put,
    register,
    snap,
    upload_url,
)


def test_a_snapshot_with_too_many_pixels_is_flagged_and_never_decoded(world, doctor, proctored):
    # given a registered PNG whose header claims 50,000 x 50,000 pixels (a decompression bomb)
    attempt_id = consent_and_start(doctor.client, proctored.sitting)
    due_now(attempt_id)
    bomb = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR" + (50000).to_bytes(4, "big") * 2 + b"\0" * 200
    r = upload_url(doctor.client, attempt_id, bomb, content_type="image/png")
    assert r.status_code == 201, r.content
    assert put(r.json()["upload"], bomb).status_code == 200
    registered = register(doctor.client, r.json()["snapshot"]).json()
    # when analysed
    assert snapshot_analyse(registered["id"]) is True
    # then it is flagged from the header alone; nothing decoded it
    row = Snapshot.objects.get(pk=registered["id"])
    assert row.flags == [Flag.TOO_MANY_PIXELS]
    assert row.face_count is None
    assert row.analysis["width"] == row.analysis["height"] == 50000


def test_registration_from_a_second_device_or_by_someone_else_is_refused(world, doctor, proctored, doctor_b):
    attempt_id = consent_and_start(doctor.client, proctored.sitting)
    due_now(attempt_id)
    data = jpeg(41)
    body = upload_url(doctor.client, attempt_id, data).json()
    assert put(body["upload"], data).status_code == 200
    url = f"/api/v1/me/proctoring/snapshots/{body['snapshot']}/register/"

    other_device = doctor.client.post(url, HTTP_X_DEVICE_ID="phone-2")
    someone_else = login("doctor_b").post(url, **DEVICE)

    assert other_device.status_code == 409
    assert other_device.json()["errors"][0]["code"] == "device_conflict"
    assert someone_else.status_code == 404
    assert Snapshot.objects.get(pk=body["snapshot"]).registered_at is None
    assert register(doctor.client, body["snapshot"]).status_code == 200


def test_no_upload_url_after_the_attempt_is_submitted(world, doctor, proctored):
    attempt_id = consent_and_start(doctor.client, proctored.sitting)
    due_now(attempt_id)
    assert doctor.client.post(f"/api/v1/me/exams/attempts/{attempt_id}/submit/", **DEVICE).status_code == 200
    r = upload_url(doctor.client, attempt_id, jpeg(42))
    assert r.status_code == 409
    assert r.json()["errors"][0]["code"] == "attempt_closed"
    assert not Snapshot.objects.exists()


def test_a_lost_analysis_is_sent_again_by_the_sweep(
    world, doctor, proctored, django_capture_on_commit_callbacks
):
    # given a registered photo whose analysis message was lost (a worker killed mid-analysis: Redis keeps an
    # unacknowledged message invisible for an hour; a Redis restart without persistence loses it)
    attempt_id = consent_and_start(doctor.client, proctored.sitting)
    due_now(attempt_id)
    registered = snap(doctor.client, attempt_id, b"not a jpeg at all" * 10)
    now = timezone.now()

    # when the sweep runs within 10 minutes: nothing (the analysis may just be queued)
    with django_capture_on_commit_callbacks(execute=False) as sent:
        assert stalled_requeue(now=now + timedelta(minutes=5)) == 0
    assert sent == []
    # when it runs after 10 minutes: the analysis is sent again, once
    with django_capture_on_commit_callbacks(execute=False) as sent:
        assert proctoring_sweep(now=now + timedelta(minutes=11))["requeued"] == 1
    assert len(sent) == 1
    assert Snapshot.objects.get(pk=registered["id"]).requeued_at is not None
    assert stalled_requeue(now=now + timedelta(minutes=12)) == 0  # not every minute
    assert stalled_requeue(now=now + timedelta(minutes=22)) == 1  # again if still not done

    # and when a worker analyses it (the task is idempotent), the sweep leaves it alone
    assert snapshot_analyse(registered["id"]) is True
    assert snapshot_analyse(registered["id"]) is False  # the redelivered duplicate
    assert stalled_requeue(now=now + timedelta(minutes=45)) == 0
    assert Snapshot.objects.get(pk=registered["id"]).flags == [Flag.BAD_TYPE]


def test_a_lost_post_copy_is_sent_again_by_the_sweep(
    world, doctor, proctored, django_capture_on_commit_callbacks
):
    from proctoring.services import staging

    from tests.proctoring.test_post_upload import post, post_url

    attempt_id = consent_and_start(doctor.client, proctored.sitting)
    due_now(attempt_id)
    data = jpeg(43)
    body = post_url(doctor.client, attempt_id, data).json()
    assert post(body["upload"], data).status_code in (200, 201, 204)
    assert register(doctor.client, body["snapshot"]).status_code == 200
    now = timezone.now()
    # the copy message was lost: the sweep sends the copy (not the analysis) again
    with django_capture_on_commit_callbacks(execute=False) as sent:
        assert stalled_requeue(now=now + timedelta(minutes=11)) == 1
    assert len(sent) == 1
    assert staging.snapshot_copy(body["snapshot"]) == "copied"
    assert Snapshot.objects.get(pk=body["snapshot"]).sha256


def test_a_registration_while_redis_is_down_is_stored_and_answered(
    world, doctor, proctored, django_capture_on_commit_callbacks, caplog
):
    from config.celery import app

    # given an uploaded photo, and the broker unreachable (Redis restarting)
    attempt_id = consent_and_start(doctor.client, proctored.sitting)
    due_now(attempt_id)
    data = jpeg(44)
    body = upload_url(doctor.client, attempt_id, data).json()
    assert put(body["upload"], data).status_code == 200
    saved = (app.conf.broker_url, app._pool, app.amqp._producer_pool)
    app.conf.broker_url = "redis://127.0.0.1:1/0"  # nothing listens there
    app._pool = app.amqp._producer_pool = None
    try:
        # when the client registers it (the after-commit send fails)
        with django_capture_on_commit_callbacks(execute=True) as sent:
            r = register(doctor.client, body["snapshot"])
    finally:
        app.conf.broker_url, app._pool, app.amqp._producer_pool = saved
    # then the registration stands and is answered; the sweep will send the analysis later
    assert len(sent) == 1
    assert "not queued; the sweep will send it again" in caplog.text
    assert r.status_code == 200, r.content
    assert Snapshot.objects.get(pk=body["snapshot"]).registered_at is not None
    with django_capture_on_commit_callbacks(execute=False) as again:
        assert stalled_requeue(now=timezone.now() + timedelta(minutes=11)) == 1
    assert len(again) == 1
