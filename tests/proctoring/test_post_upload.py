"""The POST-policy upload path for wx.uploadFile, against the running SeaweedFS: a staging key with the exact type
and length as policy conditions; registration pins the staging object; a worker copies it to the final key,
hashes it, checks its bytes, deletes the staging object and only then queues the analysis."""

import requests
from proctoring.enums import Flag
from proctoring.models import ProctoringSession, Snapshot
from proctoring.services import staging
from proctoring.services.analysis import snapshot_analyse

from core import storage
from tests.proctoring.conftest import DEVICE, consent_and_start, due_now, jpeg, register, sha


def post_url(client, attempt_id, data: bytes, content_type="image/jpeg"):
    return client.post(
        f"/api/v1/me/proctoring/attempts/{attempt_id}/snapshots/",
        {"content_type": content_type, "size": len(data), "method": "post"},
        format="json",
        **DEVICE,
    )


def post(upload: dict, data: bytes, content_type="image/jpeg", **fields):
    """What wx.uploadFile sends: a multipart form, the policy's fields first, then the file."""
    return requests.post(
        upload["url"],
        data={**upload["fields"], **fields},
        files={upload["file_field"]: ("photo.jpg", data, content_type)},
        timeout=10,
    )


def _stored(key: str) -> bytes:
    return storage.client().get_object(Bucket=storage.bucket(), Key=key)["Body"].read()


def test_post_policy_upload_against_the_store(world, doctor, proctored):
    # given a snapshot due now and a POST policy for it
    attempt_id = consent_and_start(doctor.client, proctored.sitting)
    due_now(attempt_id)
    data = jpeg(31)
    r = post_url(doctor.client, attempt_id, data)
    assert r.status_code == 201, r.content
    body = r.json()
    upload = body["upload"]
    assert upload["method"] == "POST"
    assert upload["file_field"] == "file"
    assert upload["headers"] == {}
    assert {"policy", "key", "Content-Type"} <= set(upload["fields"])
    snapshot = Snapshot.objects.get(pk=body["snapshot"])
    assert upload["fields"]["key"] == snapshot.staging_key
    assert snapshot.object_key not in r.content.decode()  # the final key is never handed out

    # when a body of another length, or of another content type, is posted
    longer = post(upload, data + b"x")
    other_type = post(upload, data, content_type="image/png", **{"Content-Type": "image/png"})
    # then the store refuses them
    assert longer.status_code == 400
    assert other_type.status_code == 403
    # and takes the right one
    assert post(upload, data).status_code in (200, 201, 204)

    # when the client registers: the object is there, its ETag pinned; no hash yet (the worker's job)
    r = register(doctor.client, body["snapshot"])
    assert r.status_code == 200, r.content
    assert r.json()["status"] == "registered"
    assert r.json()["upload_method"] == "post"
    assert r.json()["sha256"] == ""
    snapshot.refresh_from_db()
    assert snapshot.staging_etag
    assert snapshot_analyse(snapshot.pk) is False  # nothing is analysed before the copy

    # when the worker runs, twice (a redelivered task)
    assert staging.snapshot_copy(snapshot.pk) == "copied"
    assert staging.snapshot_copy(snapshot.pk) == "skipped"

    # then the final key holds exactly the registered bytes, hashed by the worker; the staging object is gone
    snapshot.refresh_from_db()
    assert snapshot.sha256 == sha(data)
    assert snapshot.size == len(data)
    assert snapshot.copied_at is not None
    assert snapshot.flags == []
    assert _stored(snapshot.object_key) == data
    assert storage.head(snapshot.staging_key) is None
    # and a late POST with the old policy cannot reach the final key (it only ever writes the staging key)
    assert post(upload, data[:-1] + bytes([data[-1] ^ 1])).status_code in (200, 201, 204)
    assert _stored(snapshot.object_key) == data
    storage.client().delete_object(Bucket=storage.bucket(), Key=snapshot.staging_key)


def test_post_registration_of_an_upload_that_never_happened(world, doctor, proctored):
    attempt_id = consent_and_start(doctor.client, proctored.sitting)
    due_now(attempt_id)
    body = post_url(doctor.client, attempt_id, jpeg(33)).json()
    r = register(doctor.client, body["snapshot"])
    assert r.status_code == 409
    assert r.json()["errors"][0]["code"] == "upload_not_found"
    snapshot = Snapshot.objects.get(pk=body["snapshot"])
    assert snapshot.registered_at is None
    assert staging.snapshot_copy(snapshot.pk) == "skipped"


def test_a_second_post_after_registration_is_not_taken_as_evidence(world, doctor, proctored):
    # given a registered POST upload
    attempt_id = consent_and_start(doctor.client, proctored.sitting)
    due_now(attempt_id)
    first = jpeg(34)
    body = post_url(doctor.client, attempt_id, first).json()
    assert post(body["upload"], first).status_code in (200, 201, 204)
    assert register(doctor.client, body["snapshot"]).status_code == 200
    # when the same policy is used again before the worker copies (other bytes of the same length)
    second = first[:-1] + bytes([first[-1] ^ 1])
    assert post(body["upload"], second).status_code in (
        200,
        201,
        204,
    )  # the store takes it at the staging key

    # then the worker refuses to copy what was not registered: flagged, no photo, nothing analysed
    assert staging.snapshot_copy(body["snapshot"]) == "replaced"
    snapshot = Snapshot.objects.get(pk=body["snapshot"])
    assert snapshot.flags == [Flag.UPLOAD_REPLACED]
    assert snapshot.object_key is None
    assert snapshot.sha256 == ""
    assert snapshot.status == "analysed"
    assert storage.head(snapshot.staging_key) is None
    assert ProctoringSession.objects.get(attempt_id=attempt_id).risk >= 20


def test_post_uploads_are_checked_by_their_bytes_and_repeats_flagged(world, doctor, proctored):
    # given two slots due now and a "photo" whose bytes are not an image (declared JPEG)
    attempt_id = consent_and_start(doctor.client, proctored.sitting)
    due_now(attempt_id, offsets=(0, 1, 1200))
    data = b"not a jpeg at all" * 10
    ids = []
    for _ in range(2):
        body = post_url(doctor.client, attempt_id, data).json()
        assert post(body["upload"], data).status_code in (200, 201, 204)
        assert register(doctor.client, body["snapshot"]).status_code == 200
        # a worker that died after the copy and before writing the row: the redelivery finishes the job
        snapshot = Snapshot.objects.get(pk=body["snapshot"])
        assert staging._copy_pinned(snapshot) is True
        assert staging.snapshot_copy(snapshot.pk) == "copied"
        ids.append(snapshot.pk)
    first, second = (Snapshot.objects.get(pk=pk) for pk in ids)
    assert first.flags == [Flag.BAD_TYPE]
    assert second.flags == [Flag.BAD_TYPE, Flag.REPEATED_HASH]
    assert first.sha256 == second.sha256 == sha(data)
    # the analysis then runs on the final object and never decodes it
    assert snapshot_analyse(first.pk) is True
    assert Snapshot.objects.get(pk=first.pk).face_count is None


def test_post_policy_declarations_and_the_copy_queue(world, doctor, proctored):
    attempt_id = consent_and_start(doctor.client, proctored.sitting)
    due_now(attempt_id)
    url = f"/api/v1/me/proctoring/attempts/{attempt_id}/snapshots/"
    bad = doctor.client.post(
        url, {"content_type": "image/jpeg", "size": 10, "method": "ftp"}, format="json", **DEVICE
    )
    assert bad.status_code == 400
    assert bad.json()["errors"][0]["attr"] == "method"
    gif = doctor.client.post(
        url, {"content_type": "image/gif", "size": 10, "method": "post"}, format="json", **DEVICE
    )
    assert gif.json()["errors"][0]["code"] == "unsupported_photo_type"
    # put stays the default and still needs the SHA-256
    no_hash = doctor.client.post(url, {"content_type": "image/jpeg", "size": 10}, format="json", **DEVICE)
    assert no_hash.json()["errors"][0]["code"] == "invalid_sha256"
    # the copy task goes to the default queue, not behind the face analyses
    from config.celery import app

    route = app.amqp.router.route({"queue": "default"}, "proctoring.tasks.snapshot_copy_task")
    assert route["queue"].name == "default"
    assert app.amqp.router.route({}, "proctoring.tasks.snapshot_analyse_task")["queue"].name == "faces"


def test_retention_deletes_a_staging_object_never_registered(world, doctor, proctored):
    from datetime import timedelta

    from django.utils import timezone
    from proctoring.models import ProctoringSettings
    from proctoring.services.retention import proctoring_retention

    # given a POST upload that went up and was never registered
    attempt_id = consent_and_start(doctor.client, proctored.sitting)
    due_now(attempt_id)
    data = jpeg(35)
    body = post_url(doctor.client, attempt_id, data).json()
    assert post(body["upload"], data).status_code in (200, 201, 204)
    snapshot = Snapshot.objects.get(pk=body["snapshot"])
    assert storage.head(snapshot.staging_key) is not None
    ProctoringSettings.objects.update(retention_days=30)
    # when the retention rule runs after the period
    proctoring_retention(now=timezone.now() + timedelta(days=40))
    # then the leftover staging object is gone too
    assert storage.head(snapshot.staging_key) is None
