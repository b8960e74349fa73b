"""Fixtures of proctoring: the exam engine's `exam` (hospital A's bank, blueprint and open sitting; doctor_a
is physician_a), made proctored; photo bytes; a second reviewer of hospital A; a doctor of hospital B."""

import hashlib
from types import SimpleNamespace

import cv2
import numpy as np
import pytest
import requests
from django.utils import timezone
from proctoring.models import ProctoringSettings

from accounts.models import User
from accounts.roles import Role
from accounts.services import membership_grant
from tests.conftest import PASSWORD, login
from tests.exams.conftest import exam  # noqa: F401  (the exam engine's fixture, reused)

DEVICE = {"HTTP_X_DEVICE_ID": "phone-1"}


def jpeg(seed: int = 0, size=(120, 160)) -> bytes:
    rng = np.random.default_rng(seed)
    image = rng.integers(0, 255, (*size, 3), dtype=np.uint8)
    ok, buf = cv2.imencode(".jpg", image)
    assert ok
    return buf.tobytes()


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def make_user(username: str, org, role: str) -> User:
    user = User(username=username, name=username, must_change_password=False)
    user.set_password(PASSWORD)
    user.save()
    membership_grant(user=user, organization=org, role=role)
    return user


@pytest.fixture
def proctored(exam, world):  # noqa: F811
    ProctoringSettings.objects.create(
        owner_id=exam.sitting.owner_id, sitting=exam.sitting, snapshots=3, updated_by=world.admin_a
    )
    return exam


@pytest.fixture
def reviewer2(world, db):
    return make_user("ma_a", world.hospital_a, Role.MEDICAL_AFFAIRS)


@pytest.fixture
def doctor_b(world, db):
    user = make_user("doctor_b", world.hospital_b, Role.DOCTOR)
    world.physician_b.user = user
    world.physician_b.save(update_fields=["user"])
    return user


def consent_and_start(client, sitting) -> str:
    text = client.get("/api/v1/me/proctoring/consent-text/").json()
    r = client.post(
        f"/api/v1/me/proctoring/sittings/{sitting.id}/consent/",
        {"version": text["version"], "agree": True},
        format="json",
    )
    assert r.status_code == 201, r.content
    r = client.post(f"/api/v1/me/exams/sittings/{sitting.id}/start/", **DEVICE)
    assert r.status_code == 201, r.content
    return r.json()["attempt"]["id"]


def due_now(attempt_id, offsets=(0, 600, 1200)):
    """Make the session's schedule known to the test: slot 0 due at the attempt's start."""
    from exams.models import Attempt
    from proctoring.services.snapshots import session_ensure

    session = session_ensure(Attempt.objects.get(pk=attempt_id))
    session.schedule = list(offsets)
    session.save(update_fields=["schedule"])
    return session


def upload_url(client, attempt_id, data: bytes, content_type="image/jpeg"):
    return client.post(
        f"/api/v1/me/proctoring/attempts/{attempt_id}/snapshots/",
        {"content_type": content_type, "size": len(data), "sha256": sha(data)},
        format="json",
        **DEVICE,
    )


def put(upload: dict, data: bytes, **headers):
    return requests.put(upload["url"], data=data, headers={**upload["headers"], **headers}, timeout=10)


def register(client, snapshot_id):
    return client.post(f"/api/v1/me/proctoring/snapshots/{snapshot_id}/register/", **DEVICE)


def snap(client, attempt_id, data: bytes) -> dict:
    """Upload URL, PUT and registration of one photo; returns the registration's body."""
    r = upload_url(client, attempt_id, data)
    assert r.status_code == 201, r.content
    body = r.json()
    assert put(body["upload"], data).status_code == 200
    r = register(client, body["snapshot"])
    assert r.status_code == 200, r.content
    return r.json()


@pytest.fixture
def doctor(world, proctored):
    return SimpleNamespace(client=login("doctor_a"), now=timezone.now())
