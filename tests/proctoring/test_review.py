"""Review: the risk-ranked list, photos beside the reference (audited), verdicts with a second reviewer,
the make-up path, the physician's evidence and appeal window, and retention."""

from datetime import timedelta

from django.utils import timezone
from exams.models import MakeupGrant
from exams.services import papers
from proctoring.models import Appeal, ProctoringSession, ProctoringSettings, Snapshot, Verdict
from proctoring.services.retention import proctoring_retention
from proctoring.services.snapshots import missing_mark

from audit.models import AuditEvent
from core import storage
from tests.conftest import login
from tests.proctoring.conftest import DEVICE, consent_and_start, due_now, jpeg, snap


def _second_sitting(world, exam, name="补充考试"):
    now = timezone.now()
    sitting = papers.sitting_create(
        actor=exam.actor,
        user=world.admin_a,
        blueprint_id=exam.blueprint.id,
        name=name,
        opens_at=now - timedelta(hours=1),
        closes_at=now + timedelta(hours=2),
    )
    ProctoringSettings.objects.create(
        owner_id=sitting.owner_id, sitting=sitting, snapshots=2, updated_by=world.admin_a
    )
    return sitting


def _submitted(client, sitting) -> str:
    attempt_id = consent_and_start(client, sitting)
    due_now(attempt_id)
    snap(client, attempt_id, jpeg(hash(str(sitting.id)) % 1000))
    r = client.post(f"/api/v1/me/exams/attempts/{attempt_id}/submit/", **DEVICE)
    assert r.status_code == 200, r.content
    return attempt_id


def test_review_list_is_ranked_by_risk(world, doctor, proctored):
    # given three proctored attempts of doctor_a: clean, one app leave, one missing snapshot plus a leave
    calm = _submitted(doctor.client, proctored.sitting)
    left = _submitted(doctor.client, _second_sitting(world, proctored, "第二场"))
    worst = _submitted(doctor.client, _second_sitting(world, proctored, "第三场"))
    doctor.client.post(
        f"/api/v1/me/proctoring/attempts/{left}/events/", {"kind": "hide", "seq": 1}, format="json"
    )
    doctor.client.post(
        f"/api/v1/me/proctoring/attempts/{worst}/events/", {"kind": "hide", "seq": 1}, format="json"
    )
    session = ProctoringSession.objects.get(attempt_id=worst)
    session.schedule = [0, 1]
    session.save(update_fields=["schedule"])
    session.attempt.submitted_at = timezone.now() + timedelta(minutes=20)  # the slot fell inside the attempt
    session.attempt.save(update_fields=["submitted_at"])
    missing_mark(session, now=timezone.now() + timedelta(minutes=10))

    # when the institution lists
    r = login("admin_a").get("/api/v1/proctoring/attempts/")

    # then the riskiest come first
    assert r.status_code == 200, r.content
    rows = r.json()["results"]
    assert [row["attempt"] for row in rows] == [worst, left, calm]
    assert rows[0]["missing_count"] == 1
    assert rows[0]["leave_count"] == 1
    assert rows[0]["risk"] > rows[1]["risk"] > rows[2]["risk"] == 0


def test_authorization_of_the_review_routes(world, doctor, proctored):
    attempt_id = _submitted(doctor.client, proctored.sitting)
    before = AuditEvent.objects.filter(action="proctoring.photos_viewed").count()
    from rest_framework.test import APIClient

    assert APIClient().get("/api/v1/proctoring/attempts/").status_code == 401
    assert doctor.client.get("/api/v1/proctoring/attempts/").status_code == 403
    assert login("admin_b").get(f"/api/v1/proctoring/attempts/{attempt_id}/").status_code == 404
    assert login("admin_b").get("/api/v1/proctoring/attempts/").json()["count"] == 0
    r = login("admin_b").post(
        f"/api/v1/proctoring/attempts/{attempt_id}/verdicts/", {"kind": "warning"}, format="json"
    )
    assert r.status_code == 404
    assert not Verdict.objects.exists()
    assert AuditEvent.objects.filter(action="proctoring.photos_viewed").count() == before

    # the institution sees the photos through short-lived links beside the reference, every view audited
    r = login("admin_a").get(f"/api/v1/proctoring/attempts/{attempt_id}/")
    assert r.status_code == 200, r.content
    photo = r.json()["photos"][0]
    assert "X-Amz-Expires=" in photo["url"]
    assert photo["sha256"]
    assert (
        AuditEvent.objects.filter(action="proctoring.photos_viewed", actor_id=world.admin_a.id).count() == 1
    )
    # (the city commission over the hospital reaches it too; it holds no review permission)
    assert login("city_x_admin").get("/api/v1/proctoring/attempts/").status_code == 403


def test_cheating_needs_a_second_different_reviewer(world, doctor, proctored, reviewer2):
    # given a submitted attempt and a cheating verdict by admin_a
    attempt_id = _submitted(doctor.client, proctored.sitting)
    admin = login("admin_a")
    no_reason = admin.post(
        f"/api/v1/proctoring/attempts/{attempt_id}/verdicts/", {"kind": "cheating"}, format="json"
    )
    assert no_reason.status_code == 400
    assert no_reason.json()["errors"][0]["code"] == "reason_required"
    r = admin.post(
        f"/api/v1/proctoring/attempts/{attempt_id}/verdicts/",
        {"kind": "cheating", "reason": "第2张照片为他人"},
        format="json",
    )
    assert r.status_code == 201
    assert r.json()["status"] == "pending"
    verdict_id = r.json()["id"]
    # the physician sees nothing of a pending verdict
    assert (
        doctor.client.get(f"/api/v1/me/proctoring/attempts/{attempt_id}/evidence/").json()["verdicts"] == []
    )

    # when the same reviewer confirms
    same = admin.post(f"/api/v1/proctoring/verdicts/{verdict_id}/confirm/", {"confirm": True}, format="json")
    # then it is refused and nothing changes
    assert same.status_code == 409
    assert same.json()["errors"][0]["code"] == "second_reviewer_required"
    assert ProctoringSession.objects.get(attempt_id=attempt_id).voided_at is None

    # when another reviewer of the institution confirms
    r = login("ma_a").post(
        f"/api/v1/proctoring/verdicts/{verdict_id}/confirm/", {"confirm": True}, format="json"
    )
    # then the attempt is void and the physician is on the make-up path (a grant for the sitting)
    assert r.status_code == 200, r.content
    assert r.json()["status"] == "confirmed"
    assert r.json()["appeal_until"]
    session = ProctoringSession.objects.get(attempt_id=attempt_id)
    assert session.voided_at is not None
    assert session.makeup_outcome == "makeup_granted"
    assert MakeupGrant.objects.filter(sitting=proctored.sitting, physician=world.physician_a).count() == 1
    assert AuditEvent.objects.filter(action="proctoring.verdict_confirmed", target_id=verdict_id).exists()


def _confirmed(world, doctor, proctored) -> tuple[str, str]:
    attempt_id = _submitted(doctor.client, proctored.sitting)
    verdict_id = (
        login("admin_a")
        .post(
            f"/api/v1/proctoring/attempts/{attempt_id}/verdicts/",
            {"kind": "cheating", "reason": "替考"},
            format="json",
        )
        .json()["id"]
    )
    r = login("ma_a").post(
        f"/api/v1/proctoring/verdicts/{verdict_id}/confirm/", {"confirm": True}, format="json"
    )
    assert r.status_code == 200, r.content
    return attempt_id, verdict_id


def test_the_physician_sees_the_evidence_and_appeals_within_the_window(world, doctor, proctored, reviewer2):
    attempt_id, verdict_id = _confirmed(world, doctor, proctored)
    # the physician sees the verdict and the photos (audited)
    evidence = doctor.client.get(f"/api/v1/me/proctoring/attempts/{attempt_id}/evidence/").json()
    assert evidence["voided"] is True
    assert evidence["verdicts"][0]["id"] == verdict_id
    assert evidence["photos"][0]["url"]
    assert AuditEvent.objects.filter(action="proctoring.evidence_viewed", actor_id=world.doctor_a.id).exists()

    # when they appeal within the window
    url = f"/api/v1/me/proctoring/verdicts/{verdict_id}/appeal/"
    r = doctor.client.post(url, {"reason": "照片中是我本人，光线较暗"}, format="json")
    assert r.status_code == 201, r.content
    again = doctor.client.post(url, {"reason": "再次申诉"}, format="json")
    assert again.status_code == 409
    assert again.json()["errors"][0]["code"] == "appeal_exists"

    # and the verdict's author may not decide it; another reviewer overturns it and the void is lifted
    appeal_id = r.json()["id"]
    author = login("admin_a").post(
        f"/api/v1/proctoring/appeals/{appeal_id}/decide/", {"decision": "overturned"}, format="json"
    )
    assert author.status_code == 409
    assert author.json()["errors"][0]["code"] == "verdict_author"
    r = login("ma_a").post(
        f"/api/v1/proctoring/appeals/{appeal_id}/decide/", {"decision": "overturned"}, format="json"
    )
    assert r.status_code == 200
    assert r.json()["status"] == "overturned"
    assert ProctoringSession.objects.get(attempt_id=attempt_id).voided_at is None
    assert Verdict.objects.get(pk=verdict_id).status == "overturned"


def test_an_appeal_after_the_window_is_refused(world, doctor, proctored, reviewer2):
    attempt_id, verdict_id = _confirmed(world, doctor, proctored)
    Verdict.objects.filter(pk=verdict_id).update(appeal_until=timezone.now() - timedelta(seconds=1))
    r = doctor.client.post(
        f"/api/v1/me/proctoring/verdicts/{verdict_id}/appeal/", {"reason": "晚了"}, format="json"
    )
    assert r.status_code == 409
    assert r.json()["errors"][0]["code"] == "appeal_window_closed"
    assert not Appeal.objects.exists()
    # and someone else's verdict is not found
    assert login("admin_a").post(
        f"/api/v1/me/proctoring/verdicts/{verdict_id}/appeal/", {"reason": "x"}, format="json"
    ).status_code in (403, 404)


def test_retention_keeps_photos_under_a_verdict(world, doctor, proctored):
    # given two closed proctored sittings, one attempt with a warning, one without
    kept_attempt = _submitted(doctor.client, proctored.sitting)
    other = _second_sitting(world, proctored, "第二场")
    gone_attempt = _submitted(doctor.client, other)
    r = login("admin_a").post(
        f"/api/v1/proctoring/attempts/{kept_attempt}/verdicts/",
        {"kind": "warning", "reason": "多次切出"},
        format="json",
    )
    assert r.status_code == 201
    assert r.json()["status"] == "final"
    ProctoringSettings.objects.update(retention_days=30)
    kept = Snapshot.objects.get(session__attempt_id=kept_attempt)
    gone = Snapshot.objects.get(session__attempt_id=gone_attempt)

    # when retention runs before, then after the period
    assert proctoring_retention(now=timezone.now() + timedelta(days=10)) == {"deleted": 0, "kept": 0}
    result = proctoring_retention(now=timezone.now() + timedelta(days=40))

    # then the photo under the verdict stays, the other is deleted from the store (its hash stays)
    assert result == {"deleted": 1, "kept": 1}
    assert storage.head(kept.object_key) is not None
    assert storage.head(gone.object_key) is None
    gone.refresh_from_db()
    assert gone.deleted_at is not None
    assert gone.sha256
    assert AuditEvent.objects.filter(action="proctoring.photos_deleted").count() == 1
