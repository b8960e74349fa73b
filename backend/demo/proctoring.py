"""Demo proctoring data: Hangzhou No.1 Hospital's own proctored exam (三基三严) with three submitted attempts whose
snapshots are real JPEG photos put into the object store, so the review screen has something to rank and show.

- hz1_doc2's attempt: every photo matches the reference except one that shows another person (`not_matched`),
  one photo with two faces, one slot missed, the app left three times: the riskiest attempt.
- hz1_doc3's: one photo without a face, the app left once.
- hz1_doc4's: nothing found.
Each account is linked to a physician of the hospital who had none (password Demo@2026).

The photos: `skimage.data.astronaut()` and matplotlib's `grace_hopper.jpg` (two real people, see
shared/STACK-NOTES.md) when those packages are installed, else drawn faces (numpy + OpenCV, both project
dependencies). The analysis results are written as the face worker would (flags, face count, match score), so no
worker has to run; the attempts go through the exam engine's own services (consent, start, submit).

Idempotent: nothing happens when the sitting exists. Reviewers: hz1_admin and hz1_affairs (the sitting's owner);
a cheating verdict by one needs the other's confirmation."""

from __future__ import annotations

import hashlib
import uuid
from datetime import timedelta

import cv2
import numpy as np
from django.db import transaction
from django.utils import timezone

SITTING_NAME = "2026年第四季度三基三严考试（人脸抓拍监考）"
DEVICE = "demo-device"

# (username, photos, times the app was left): each photo is (picture, flags, faces, match score); picture
# "self", "other", "two", "none", or None for a missed slot.
ATTEMPTS = [
    (
        "hz1_doc2",
        [
            ("self", [], 1, 0.91),
            ("other", ["not_matched"], 1, 0.18),
            ("two", ["multiple_faces"], 2, None),
            ("self", [], 1, 0.88),
            (None, ["missing"], None, None),
        ],
        3,
    ),
    (
        "hz1_doc3",
        [
            ("self", [], 1, 0.86),
            ("none", ["no_face"], 0, None),
            ("self", [], 1, 0.9),
            ("self", [], 1, 0.87),
            ("self", [], 1, 0.89),
        ],
        1,
    ),
    (
        "hz1_doc4",
        [
            ("self", [], 1, 0.93),
            ("self", [], 1, 0.9),
            ("self", [], 1, 0.92),
            ("self", [], 1, 0.91),
            ("self", [], 1, 0.9),
        ],
        0,
    ),
]


def _drawn_face(seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    image = np.full((480, 640, 3), 200, dtype=np.uint8)
    image[:] = rng.integers(150, 230, 3, dtype=np.uint8)
    skin = tuple(int(v) for v in rng.integers(140, 220, 3))
    cv2.ellipse(image, (320, 250), (110, 150), 0, 0, 360, skin, -1)
    for x in (280, 360):
        cv2.circle(image, (x, 220), 14, (40, 40, 40), -1)
    cv2.ellipse(image, (320, 320), (40, 18), 0, 0, 180, (60, 40, 120), 4)
    return image


def _real_faces() -> tuple[np.ndarray, np.ndarray] | None:
    try:
        from matplotlib import cbook
        from skimage import data
    except ImportError:
        return None
    astronaut = cv2.cvtColor(data.astronaut(), cv2.COLOR_RGB2BGR)
    with cbook.get_sample_data("grace_hopper.jpg") as f:
        hopper = cv2.imdecode(np.frombuffer(f.read(), dtype=np.uint8), cv2.IMREAD_COLOR)
    return astronaut, hopper


def _pictures() -> dict[str, np.ndarray]:
    real = _real_faces()
    me, other = real if real else (_drawn_face(1), _drawn_face(2))
    me = cv2.resize(me, (480, 480))
    other = cv2.resize(other, (480, 480))
    two = np.hstack([cv2.resize(me, (320, 480)), cv2.resize(other, (320, 480))])
    none = np.full((480, 640, 3), 90, dtype=np.uint8)
    cv2.rectangle(none, (60, 300), (580, 470), (120, 110, 100), -1)  # an empty desk
    return {"self": me, "other": other, "two": two, "none": none}


def _jpeg(image: np.ndarray, variant: int) -> bytes:
    """Each snapshot different bytes (a real camera never gives the same file twice): a faint brightness shift."""
    shifted = cv2.convertScaleAbs(image, alpha=1.0, beta=variant % 7)
    ok, buf = cv2.imencode(".jpg", shifted, [cv2.IMWRITE_JPEG_QUALITY, 85])
    assert ok
    return buf.tobytes()


def seed_proctoring(*, password_hash: str) -> str | None:
    """The demo's proctored sitting at Hangzhou No.1 Hospital (found by its demo accounts); None when already
    there (idempotent) or when the demo province is not seeded."""
    from accounts.models import Membership, User

    affairs = Membership.objects.select_related("organization").filter(user__username="hz1_affairs").first()
    admin = User.objects.filter(username="hz1_admin").first()
    if affairs is None or admin is None:
        return None
    return seed_proctored_sitting(hospital=affairs.organization, admin=admin, password_hash=password_hash)


def seed_proctored_sitting(*, hospital, admin, password_hash: str) -> str | None:
    """The proctored sitting of `hospital` with its three attempts; None when it exists already."""
    from exams.models import Sitting

    from demo.exams import QUESTIONS

    if Sitting.objects.filter(owner=hospital, name=SITTING_NAME).exists():
        return None
    with transaction.atomic():
        sitting = _sitting(hospital=hospital, admin=admin, question_rows=QUESTIONS)
        users = _examinees(hospital=hospital, password_hash=password_hash)
    pictures = _pictures()
    for (_username, photos, leaves), user, wrong in zip(ATTEMPTS, users, (1, 3, 2), strict=True):
        _attempt(
            wrong=wrong,
            sitting=sitting,
            user=user,
            admin=admin,
            hospital=hospital,
            photos=photos,
            leaves=leaves,
            pictures=pictures,
        )
    return sitting.name


def _sitting(*, hospital, admin, question_rows):
    from exams.enums import BankPurpose, QuestionKind
    from exams.models import Blueprint, QuestionBank, Sitting
    from exams.services.banks import question_store
    from proctoring.models import ProctoringSettings

    now = timezone.now()
    bank = QuestionBank.objects.create(
        owner=hospital, name="三基三严考试题库", purpose=BankPurpose.EXAM, created_by=admin
    )
    for i, (kind, stem, options, answer, explanation) in enumerate(question_rows):
        question_store(
            bank=bank,
            user=admin,
            kind=kind,
            content={
                "stem": stem,
                "options": [{"key": k, "text": t} for k, t in zip("ABCD", options, strict=True)],
                "answer": answer,
                "explanation": explanation,
            },
            classification={"specialty": "医疗核心制度", "difficulty": 1 + i % 3, "tags": ["三基三严"]},
        )
    blueprint = Blueprint.objects.create(
        owner=hospital,
        bank=bank,
        name="三基三严组卷方案",
        rules=[
            {"kind": QuestionKind.SINGLE, "count": 8, "points": "10", "specialty": "", "difficulty": None},
            {"kind": QuestionKind.MULTIPLE, "count": 2, "points": "10", "specialty": "", "difficulty": None},
        ],
        time_limit_minutes=30,
        pass_mark=60,
        created_by=admin,
    )
    sitting = Sitting.objects.create(
        owner=hospital,
        blueprint=blueprint,
        name=SITTING_NAME,
        opens_at=now - timedelta(days=1),
        closes_at=now + timedelta(days=14),
        created_by=admin,
    )
    ProctoringSettings.objects.create(
        owner=hospital,
        sitting=sitting,
        enabled=True,
        snapshots=5,
        appeal_days=15,
        retention_days=180,
        updated_by=admin,
    )
    return sitting


def _examinees(*, hospital, password_hash: str):
    from accounts.models import Membership, User
    from accounts.roles import Role
    from physicians.models import Physician

    free = list(
        Physician.objects.filter(organization=hospital, user__isnull=True).order_by("licence_number")[
            : len(ATTEMPTS)
        ]
    )
    users = []
    for (username, _photos, _leaves), physician in zip(ATTEMPTS, free, strict=True):
        user = User.objects.create(
            username=username, name=physician.name, password=password_hash, must_change_password=False
        )
        Membership.objects.create(
            user=user, organization=hospital, role=Role.DOCTOR, department=physician.department
        )
        physician.user = user
        physician.save(update_fields=["user"])
        users.append(user)
    return users


def _answer(*, user, attempt, wrong: int) -> None:
    """Answer every question through the exam engine, the first `wrong` ones with a wrong option, so the
    attempts carry real scores."""
    from exams.models import QuestionVersion
    from exams.services.attempts import answer_save

    items = attempt.paper["items"]
    keys = dict(
        QuestionVersion.objects.filter(pk__in=[i["version"] for i in items]).values_list("pk", "answer")
    )
    for seq, item in enumerate(items, start=1):
        if (
            item["kind"] == "case"
        ):  # the demo bank has none; a case group's sub-questions would need their own
            continue
        answer = set(keys[uuid.UUID(item["version"])])
        right = [oid for oid, key in item["options"] if key in answer]
        other = [oid for oid, key in item["options"] if key not in answer]
        chosen = other[:1] if seq <= wrong and other else right
        answer_save(
            user=user,
            attempt_id=attempt.id,
            device_id=DEVICE,
            question=item["id"],
            options=chosen,
            marked=False,
            client_epoch=1,
            seq=seq,
        )


def _attempt(*, sitting, user, admin, hospital, photos, leaves, wrong, pictures) -> None:
    from exams.models import Attempt
    from exams.services.attempts import attempt_start, attempt_submit
    from proctoring import consent_text
    from proctoring.enums import EventKind, ReferenceSource, ReferenceStatus, SnapshotStatus
    from proctoring.models import AppEvent, ReferencePhoto, Snapshot
    from proctoring.services.consent import consent_give
    from proctoring.services.snapshots import session_ensure, session_recount

    from core import storage
    from physicians.models import Physician

    physician = Physician.objects.get(user=user)
    # The institution's reference photo (approved at once, as an upload by the hospital is).
    ref_bytes = _jpeg(pictures["self"], 0)
    ref_key = f"proctoring/reference/{physician.id}/demo-reference.jpg"
    storage.put_bytes(key=ref_key, data=ref_bytes, content_type="image/jpeg")
    ReferencePhoto.objects.create(
        organization=hospital,
        physician=physician,
        status=ReferenceStatus.APPROVED,
        source=ReferenceSource.INSTITUTION,
        object_key=ref_key,
        content_type="image/jpeg",
        size=len(ref_bytes),
        sha256=hashlib.sha256(ref_bytes).hexdigest(),
        width=480,
        height=480,
        uploaded_by=admin,
        decided_by=admin,
        decided_at=timezone.now(),
    )
    consent_give(
        user=user, sitting_id=sitting.id, version=consent_text.CURRENT_VERSION, agree=True, device_id=DEVICE
    )
    attempt, _created = attempt_start(user=user, sitting_id=sitting.id, device_id=DEVICE)
    _answer(user=user, attempt=attempt, wrong=wrong)
    # As if taken this morning: the photos then lie in the past (the deadline submits what was saved).
    started = timezone.now() - timedelta(hours=3)
    Attempt.objects.filter(pk=attempt.pk).update(started_at=started, deadline=started + timedelta(minutes=30))
    attempt.refresh_from_db()
    session = session_ensure(attempt)
    for index, (picture, flags, faces, score) in enumerate(photos):
        due = started + timedelta(
            seconds=session.schedule[index] if index < len(session.schedule) else 60 * (index + 1)
        )
        row = {
            "owner": hospital,
            "session": session,
            "index": index,
            "due_at": due,
            "flags": flags,
            "face_count": faces,
            "match_score": score,
            "matched": None if score is None else score >= 0.5,
        }
        if picture is None:
            Snapshot.objects.create(status=SnapshotStatus.MISSING, **row)
            continue
        data = _jpeg(pictures[picture], index + 1)
        key = f"proctoring/snapshots/{sitting.id}/{attempt.id}/{index}-demo.jpg"
        storage.put_bytes(key=key, data=data, content_type="image/jpeg")
        Snapshot.objects.create(
            status=SnapshotStatus.ANALYSED,
            object_key=key,
            content_type="image/jpeg",
            size=len(data),
            sha256=hashlib.sha256(data).hexdigest(),
            issued_at=due,
            registered_at=due + timedelta(seconds=3),
            analysed_at=due + timedelta(seconds=5),
            analysis={"demo": True},
            **row,
        )
    for seq in range(leaves):
        AppEvent.objects.create(owner=hospital, session=session, kind=EventKind.HIDE, seq=2 * seq + 1)
        AppEvent.objects.create(owner=hospital, session=session, kind=EventKind.SHOW, seq=2 * seq + 2)
    with transaction.atomic():
        session_recount(session.id)
    attempt_submit(user=user, attempt_id=attempt.id, device_id=DEVICE)
    # Submitted by the deadline, in the same morning as its photos.
    Attempt.objects.filter(pk=attempt.pk).update(submitted_at=attempt.deadline)
