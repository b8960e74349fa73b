"""The analysis task's service with the real face pipeline: a physician's reference photo, then snapshots of
the same person and of someone else, through upload, registration and `snapshot_analyse`."""

from proctoring.enums import Flag
from proctoring.models import ProctoringSession, ReferencePhoto, Snapshot
from proctoring.services.analysis import snapshot_analyse

import faces
from tests.conftest import login
from tests.faces import photos
from tests.faces.conftest import variant
from tests.proctoring.conftest import consent_and_start, due_now, snap


def _file(data: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("photo.jpg", data, content_type="image/jpeg")


def test_snapshots_are_compared_with_the_approved_reference(world, doctor, proctored):
    # given Grace Hopper's photo approved as physician A's reference by the institution
    r = login("admin_a").post(
        "/api/v1/proctoring/references/",
        {"physician": str(world.physician_a.id), "file": _file(photos.encode(photos.originals()["hopper"]))},
        format="multipart",
    )
    assert r.status_code == 201, r.content
    attempt_id = consent_and_start(doctor.client, proctored.sitting)
    due_now(attempt_id, offsets=(0, 1, 1200))
    # and two snapshots: her, darker and smaller in a 640x480 frame; then Eileen Collins in her place
    same = snap(doctor.client, attempt_id, photos.encode(variant("hopper", "scene-brick-300").image))
    other = snap(doctor.client, attempt_id, photos.encode(variant("astronaut", "scene-coffee-420").image))

    # when both are analysed
    assert snapshot_analyse(same["id"]) is True
    assert snapshot_analyse(other["id"]) is True
    assert snapshot_analyse(same["id"]) is False  # a redelivered task writes nothing

    # then the reference's encoding was computed once and kept
    reference = ReferencePhoto.objects.get(physician=world.physician_a, status="approved")
    assert len(bytes(reference.encoding)) == 512
    # the same person matched, unflagged, with a similarity score and her box
    mine = Snapshot.objects.get(pk=same["id"])
    assert mine.face_count == 1
    assert mine.matched is True
    assert 0.5 <= mine.match_score <= 1
    assert mine.flags == []
    assert len(mine.analysis["boxes"]) == 1
    assert {"decode", "resize", "detect", "encode", "compare"} <= set(mine.analysis["timings_ms"])
    # the other person is a face that does not match: flagged for review, nothing failed
    theirs = Snapshot.objects.get(pk=other["id"])
    assert theirs.face_count == 1
    assert theirs.matched is False
    assert theirs.match_score < 0.5
    assert theirs.flags == [Flag.NOT_MATCHED]
    session = ProctoringSession.objects.get(attempt_id=attempt_id)
    assert session.flagged_count == 1
    assert session.voided_at is None
    assert session.risk >= 30
    assert faces.distance(bytes(reference.encoding), bytes(reference.encoding)) == 0
