"""The reference photo's face encoding is computed when the photo is approved (faces queue), with real photos
(tests/faces/photos.py), so the sitting's first snapshots do not each pay for it; the lazy path stays."""

import pytest
from proctoring.enums import Flag
from proctoring.models import ReferencePhoto, Snapshot
from proctoring.services.analysis import reference_encode, reference_encoding_for, snapshot_analyse

import faces
from config.celery import app
from tests.conftest import login
from tests.faces import photos
from tests.proctoring.conftest import consent_and_start, due_now, jpeg, snap


def _file(data: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("photo.jpg", data, content_type="image/jpeg")


@pytest.fixture
def eager():
    """Tasks queued after commit run in this process (the real task code, no broker)."""
    before = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = before


def upload(world, data: bytes, capture) -> ReferencePhoto:
    with capture(execute=True):
        r = login("admin_a").post(
            "/api/v1/proctoring/references/",
            {"physician": str(world.physician_a.id), "file": _file(data)},
            format="multipart",
        )
    assert r.status_code == 201, r.content
    return ReferencePhoto.objects.get(pk=r.json()["id"])


def test_an_uploaded_reference_is_encoded_at_once_and_the_analysis_uses_it(
    world, doctor, proctored, eager, django_capture_on_commit_callbacks
):
    # given the institution uploads a real face photo as the reference
    data = photos.encode(photos.originals()["astronaut"])
    ref = upload(world, data, django_capture_on_commit_callbacks)
    # then its encoding is stored by the approval's task, the one faces would compute
    stored = bytes(ref.encoding)
    assert len(stored) == 512
    assert stored == faces.reference_encoding(data)
    # and the task is idempotent
    assert reference_encode(ref.id) == "exists"
    assert bytes(ReferencePhoto.objects.get(pk=ref.pk).encoding) == stored
    # when a snapshot of the same person is analysed, it is compared with the stored encoding
    attempt_id = consent_and_start(doctor.client, proctored.sitting)
    due_now(attempt_id)
    mirror = next(s for s in photos.variants("astronaut") if s.name == "astronaut/mirror")
    shot = photos.encode(mirror.image)
    registered = snap(doctor.client, attempt_id, shot)
    assert snapshot_analyse(registered["id"]) is True
    row = Snapshot.objects.get(pk=registered["id"])
    assert Flag.NO_REFERENCE not in row.flags
    assert row.matched is True


def test_an_approved_proposal_is_encoded_and_a_superseded_one_is_not(
    world, doctor, eager, django_capture_on_commit_callbacks
):
    # given the physician proposes a real face photo
    data = photos.encode(photos.originals()["hopper"])
    with django_capture_on_commit_callbacks(execute=True):
        r = doctor.client.post("/api/v1/me/proctoring/references/", {"file": _file(data)}, format="multipart")
    assert r.status_code == 201, r.content
    proposed = ReferencePhoto.objects.get(pk=r.json()["id"])
    # then a proposal is not encoded (it is not a reference)
    assert proposed.encoding is None
    assert reference_encode(proposed.id) == "skipped"
    # when the institution approves it
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        r = login("admin_a").post(
            f"/api/v1/proctoring/references/{proposed.pk}/decide/", {"approve": True}, format="json"
        )
    assert r.status_code == 200
    assert len(callbacks) == 1
    # then its encoding is stored
    assert bytes(ReferencePhoto.objects.get(pk=proposed.pk).encoding) == faces.reference_encoding(data)
    # and once superseded by a new upload it is not encoded again
    ReferencePhoto.objects.filter(pk=proposed.pk).update(encoding=None)
    upload(world, photos.encode(photos.originals()["astronaut"]), django_capture_on_commit_callbacks)
    assert reference_encode(proposed.id) == "skipped"


def test_a_reference_without_a_face_stores_nothing_and_the_lazy_path_still_flags_it(
    world, doctor, eager, django_capture_on_commit_callbacks
):
    # given an uploaded reference with no face in it (noise)
    ref = upload(world, jpeg(21, (240, 320)), django_capture_on_commit_callbacks)
    # then nothing is stored, and the analysis' lazy path flags no reference
    assert ReferencePhoto.objects.get(pk=ref.pk).encoding is None
    assert reference_encode(ref.id) == "no_face"
    assert reference_encoding_for(world.physician_a.id) == (None, [Flag.NO_REFERENCE])


def test_the_encoding_task_goes_to_the_faces_queue():
    assert app.amqp.router.route({}, "proctoring.tasks.reference_encode_task")["queue"].name == "faces"
