"""Consent, reference photos, the snapshot schedule, write-once uploads against the real SeaweedFS,
registration, repeated and missing snapshots, leave events, analysis."""

from datetime import timedelta

import pytest
from django.utils import timezone
from proctoring.enums import Flag, ReferenceStatus
from proctoring.models import FaceConsent, ProctoringSession, ReferencePhoto, Snapshot
from proctoring.services.analysis import snapshot_analyse
from proctoring.services.snapshots import missing_mark

from audit.models import AuditEvent
from core import storage
from tests.conftest import login
from tests.proctoring.conftest import (
    DEVICE,
    consent_and_start,
    due_now,
    jpeg,
    put,
    register,
    sha,
    snap,
    upload_url,
)


def test_a_proctored_sitting_cannot_start_without_consent(world, doctor, proctored):
    # given a proctored sitting and no consent
    client = doctor.client
    # when the physician starts
    r = client.post(f"/api/v1/me/exams/sittings/{proctored.sitting.id}/start/", **DEVICE)
    # then it is refused with a clear error, and nothing was started
    assert r.status_code == 409
    assert r.json()["errors"][0]["code"] == "face_consent_required"
    assert not ProctoringSession.objects.exists()

    # when they read the text (both languages, with its version) and consent to an old version
    text = client.get("/api/v1/me/proctoring/consent-text/").json()
    assert text["version"]
    assert text["texts"]["zh-CN"]
    assert text["texts"]["en"]
    old = client.post(
        f"/api/v1/me/proctoring/sittings/{proctored.sitting.id}/consent/",
        {"version": "1999-01", "agree": True},
        format="json",
    )
    refused = client.post(
        f"/api/v1/me/proctoring/sittings/{proctored.sitting.id}/consent/",
        {"version": text["version"], "agree": False},
        format="json",
    )
    # then neither counts
    assert old.status_code == 409
    assert old.json()["errors"][0]["code"] == "consent_version_outdated"
    assert refused.status_code == 400
    assert refused.json()["errors"][0]["code"] == "consent_not_given"

    # when they consent to the current text, then start
    attempt_id = consent_and_start(client, proctored.sitting)
    # then the consent is recorded with its version and time, and the attempt started
    consent = FaceConsent.objects.get(physician=world.physician_a, sitting=proctored.sitting)
    assert consent.text_version == text["version"]
    assert consent.given_at <= timezone.now()
    assert AuditEvent.objects.filter(
        action="proctoring.face_consent_given", target_id=str(consent.pk)
    ).exists()
    assert attempt_id
    status = client.get(f"/api/v1/me/proctoring/sittings/{proctored.sitting.id}/consent/").json()
    assert status["proctored"]
    assert status["consented"]


def test_an_unproctored_sitting_starts_without_consent(world, exam):
    r = login("doctor_a").post(f"/api/v1/me/exams/sittings/{exam.sitting.id}/start/", **DEVICE)
    assert r.status_code == 201, r.content


def test_reference_photo_comes_from_the_institution(world, doctor):
    # given a photo the physician proposes
    r = doctor.client.post("/api/v1/me/proctoring/references/", {"file": _file(jpeg(1))}, format="multipart")
    assert r.status_code == 201, r.content
    proposed = ReferencePhoto.objects.get(pk=r.json()["id"])
    # then it is not a reference until the institution approves it
    assert proposed.status == ReferenceStatus.PENDING
    admin = login("admin_a")
    r = admin.post(f"/api/v1/proctoring/references/{proposed.pk}/decide/", {"approve": True}, format="json")
    assert r.status_code == 200
    assert r.json()["status"] == "approved"

    # when the institution uploads a new one
    r = admin.post(
        "/api/v1/proctoring/references/",
        {"physician": str(world.physician_a.id), "file": _file(jpeg(2))},
        format="multipart",
    )
    # then it is the reference, the proposal superseded, the bytes stored with their hash
    assert r.status_code == 201, r.content
    ref = ReferencePhoto.objects.get(pk=r.json()["id"])
    assert ref.status == ReferenceStatus.APPROVED
    assert ref.sha256 == sha(jpeg(2))
    assert ReferencePhoto.objects.get(pk=proposed.pk).status == ReferenceStatus.SUPERSEDED
    assert storage.head(ref.object_key)["ContentLength"] == len(jpeg(2))

    # and another institution cannot upload for this physician
    r = login("admin_b").post(
        "/api/v1/proctoring/references/",
        {"physician": str(world.physician_a.id), "file": _file(jpeg(3))},
        format="multipart",
    )
    assert r.status_code == 404


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"GIF89a" + b"\0" * 100, "unsupported_photo_type"),
        (
            b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR" + (50000).to_bytes(4, "big") * 2 + b"\0" * 20,
            "photo_too_many_pixels",
        ),
        (b"\xff\xd8\xff" + b"\0" * (3 * 1024 * 1024), "photo_too_large"),
    ],
    ids=["not-an-image", "too-many-pixels", "too-large"],
)
def test_reference_photo_is_checked_by_its_bytes(world, doctor, data, code):
    r = login("admin_a").post(
        "/api/v1/proctoring/references/",
        {"physician": str(world.physician_a.id), "file": _file(data)},
        format="multipart",
    )
    assert r.status_code == 400
    assert r.json()["errors"][0]["code"] == code
    assert not ReferencePhoto.objects.exists()


def _file(data: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("photo.jpg", data, content_type="image/jpeg")


def test_the_schedule_is_handed_out_one_at_a_time(world, doctor, proctored):
    attempt_id = consent_and_start(doctor.client, proctored.sitting)
    r = doctor.client.get(f"/api/v1/me/proctoring/attempts/{attempt_id}/next-snapshot/")
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["index"] == 0
    assert body["remaining"] == 3
    session = ProctoringSession.objects.get(attempt_id=attempt_id)
    # random times inside the attempt, one per third of it, never sent as a whole
    assert len(session.schedule) == 3
    assert all(0 < s < 30 * 60 for s in session.schedule)
    assert "schedule" not in r.content.decode()


def test_write_once_upload_against_the_store(world, doctor, proctored):
    # given a snapshot due now and the photo's bytes
    attempt_id = consent_and_start(doctor.client, proctored.sitting)
    due_now(attempt_id)
    data = jpeg(7)
    r = upload_url(doctor.client, attempt_id, data)
    assert r.status_code == 201, r.content
    body = r.json()
    upload = body["upload"]
    assert upload["method"] == "PUT"
    assert upload["headers"]["If-None-Match"] == "*"
    # when other bytes of the same length, or bytes of another length, are sent to the URL
    other_hash = put(upload, data[:-1] + bytes([data[-1] ^ 1]))
    other_length = put(upload, data + b"x", **{"Content-Length": str(len(data) + 1)})
    # then the store refuses them
    assert other_hash.status_code == 400
    assert other_length.status_code == 403
    # when the right bytes go up, and the URL is used again
    first = put(upload, data)
    second = put(upload, data)
    # then the second write is refused: the stored photo is the first
    assert first.status_code == 200
    assert second.status_code == 412
    # and registration checks the object and keeps its SHA-256
    r = register(doctor.client, body["snapshot"])
    assert r.status_code == 200, r.content
    assert r.json()["status"] == "registered"
    assert r.json()["sha256"] == sha(data)
    assert register(doctor.client, body["snapshot"]).status_code == 200  # idempotent


def test_registration_of_an_upload_that_never_happened(world, doctor, proctored):
    attempt_id = consent_and_start(doctor.client, proctored.sitting)
    due_now(attempt_id)
    body = upload_url(doctor.client, attempt_id, jpeg(8)).json()
    r = register(doctor.client, body["snapshot"])
    assert r.status_code == 409
    assert r.json()["errors"][0]["code"] == "upload_not_found"
    assert Snapshot.objects.get(pk=body["snapshot"]).registered_at is None


def test_upload_url_for_someone_elses_attempt_is_not_found(world, doctor, proctored, doctor_b):
    attempt_id = consent_and_start(doctor.client, proctored.sitting)
    due_now(attempt_id)
    data = jpeg(9)
    r = login("doctor_b").post(
        f"/api/v1/me/proctoring/attempts/{attempt_id}/snapshots/",
        {"content_type": "image/jpeg", "size": len(data), "sha256": sha(data)},
        format="json",
        **DEVICE,
    )
    assert r.status_code == 404
    assert not Snapshot.objects.exists()
    # and from another device of the same physician: refused
    r = doctor.client.post(
        f"/api/v1/me/proctoring/attempts/{attempt_id}/snapshots/",
        {"content_type": "image/jpeg", "size": len(data), "sha256": sha(data)},
        format="json",
        HTTP_X_DEVICE_ID="phone-2",
    )
    assert r.status_code == 409
    assert r.json()["errors"][0]["code"] == "device_conflict"


def test_upload_url_refuses_bad_declarations(world, doctor, proctored):
    attempt_id = consent_and_start(doctor.client, proctored.sitting)
    due_now(attempt_id)
    url = f"/api/v1/me/proctoring/attempts/{attempt_id}/snapshots/"
    gif = doctor.client.post(
        url, {"content_type": "image/gif", "size": 10, "sha256": "a" * 64}, format="json", **DEVICE
    )
    big = doctor.client.post(
        url,
        {"content_type": "image/jpeg", "size": 50 * 1024 * 1024, "sha256": "a" * 64},
        format="json",
        **DEVICE,
    )
    bad_hash = doctor.client.post(
        url, {"content_type": "image/jpeg", "size": 10, "sha256": "xyz"}, format="json", **DEVICE
    )
    assert gif.json()["errors"][0]["code"] == "unsupported_photo_type"
    assert big.json()["errors"][0]["code"] == "photo_too_large"
    assert bad_hash.json()["errors"][0]["code"] == "invalid_sha256"


def test_nothing_due_is_refused(world, doctor, proctored):
    attempt_id = consent_and_start(doctor.client, proctored.sitting)
    due_now(attempt_id, offsets=(600, 1200))
    r = upload_url(doctor.client, attempt_id, jpeg(1))
    assert r.status_code == 409
    assert r.json()["errors"][0]["code"] == "snapshot_not_due"


def test_a_repeated_photo_is_flagged(world, doctor, proctored):
    # given two slots due now
    attempt_id = consent_and_start(doctor.client, proctored.sitting)
    due_now(attempt_id, offsets=(0, 1, 1200))
    data = jpeg(11)
    first = snap(doctor.client, attempt_id, data)
    # when the same bytes are sent for the next slot (a replayed picture)
    r = upload_url(doctor.client, attempt_id, data)
    body = r.json()
    assert put(body["upload"], data).status_code == 200  # another key: the store takes it
    second = register(doctor.client, body["snapshot"]).json()
    # then the second one is flagged and the session counts it
    assert first["flags"] == []
    assert second["flags"] == [Flag.REPEATED_HASH]
    session = ProctoringSession.objects.get(attempt_id=attempt_id)
    assert session.repeated_count == 1
    assert session.risk > 0


def test_a_missing_snapshot_is_flagged(world, doctor, proctored):
    # given a slot due at the start and one after the deadline
    attempt_id = consent_and_start(doctor.client, proctored.sitting)
    session = due_now(attempt_id, offsets=(0, 5000))
    # when its window has long passed without a photo
    marked = missing_mark(session, now=timezone.now() + timedelta(minutes=10))
    # then the slot is a missing snapshot; the one after the deadline is not
    assert marked == 1
    row = Snapshot.objects.get(session=session)
    assert row.index == 0
    assert row.flags == [Flag.MISSING]
    assert row.status == "missing"
    session.refresh_from_db()
    assert session.missing_count == 1
    assert session.risk > 0
    assert missing_mark(session, now=timezone.now() + timedelta(minutes=10)) == 0  # once


def test_leaving_the_app_is_counted_once_per_event(world, doctor, proctored):
    attempt_id = consent_and_start(doctor.client, proctored.sitting)
    url = f"/api/v1/me/proctoring/attempts/{attempt_id}/events/"
    doctor.client.post(url, {"kind": "hide", "seq": 1}, format="json")
    doctor.client.post(url, {"kind": "show", "seq": 2}, format="json")
    again = doctor.client.post(url, {"kind": "hide", "seq": 1}, format="json")  # a retry
    r = doctor.client.post(url, {"kind": "hide", "seq": 3}, format="json")
    assert again.json() == {"leave_count": 1, "recorded": False}
    assert r.json() == {"leave_count": 2, "recorded": True}


def test_analysis_flags_a_body_that_is_not_an_image(world, doctor, proctored):
    # given a registered "photo" whose bytes are not JPEG (the declared type was)
    attempt_id = consent_and_start(doctor.client, proctored.sitting)
    due_now(attempt_id)
    data = b"not a jpeg at all" * 10
    registered = snap(doctor.client, attempt_id, data)
    # when the analysis runs, twice (a redelivered task)
    assert snapshot_analyse(registered["id"]) is True
    assert snapshot_analyse(registered["id"]) is False
    # then the photo is flagged by its bytes, never decoded, and the session's risk follows
    row = Snapshot.objects.get(pk=registered["id"])
    assert row.flags == [Flag.BAD_TYPE]
    assert row.face_count is None
    assert row.status == "analysed"
    assert ProctoringSession.objects.get(attempt_id=attempt_id).flagged_count == 1


def test_analysis_with_the_faces_package_stores_flags(world, doctor, proctored):
    # given an approved reference and a snapshot with no face in it
    login("admin_a").post(
        "/api/v1/proctoring/references/",
        {"physician": str(world.physician_a.id), "file": _file(jpeg(21, (240, 320)))},
        format="multipart",
    )
    attempt_id = consent_and_start(doctor.client, proctored.sitting)
    due_now(attempt_id)
    registered = snap(doctor.client, attempt_id, jpeg(22, (240, 320)))
    # when analysed
    assert snapshot_analyse(registered["id"]) is True
    # then no face is a flag for review (never an automatic fail), with timings kept
    row = Snapshot.objects.get(pk=registered["id"])
    assert row.face_count == 0
    assert Flag.NO_FACE in row.flags
    assert row.analysis["timings_ms"] is not None
    session = ProctoringSession.objects.get(attempt_id=attempt_id)
    assert session.voided_at is None
    assert session.flagged_count == 1
