"""A confirmed cheating verdict voids the exam attempt itself (exams status `voided`, no longer passed) and puts
the physician on the make-up path; an overturned appeal makes it `submitted` again with its score. Both for a
hospital's own sitting (a make-up grant) and for a cycle's competence test (a failed test in the workflow,
then the real score again)."""

from datetime import timedelta

import pytest
from django.utils import timezone
from exams.models import Attempt, MakeupGrant
from exams.services import papers
from exams.services.voiding import attempt_unvoid, attempt_void
from proctoring.models import ProctoringSession, ProctoringSettings

from audit.models import AuditEvent
from core.errors import Conflict
from tests.assessment.conftest import cycle, enrol  # noqa: F401 - the fixture is used by name
from tests.conftest import login
from tests.exams.conftest import actor_of
from tests.exams.test_attempts import answerable, right_options, save
from tests.proctoring.conftest import DEVICE, consent_and_start, due_now, jpeg, snap


def _bigger_bank(world, exam) -> None:
    """Another paper's worth of questions, so a make-up can avoid the first paper."""
    from exams.services import banks

    from tests.exams.conftest import case, multiple, single

    for kind, content in [
        *[("single", single(f"补充单选{i}")) for i in range(3)],
        *[("multiple", multiple(f"补充多选{i}")) for i in range(2)],
        ("case", case("病例二")),
    ]:
        banks.question_create(
            actor=exam.actor,
            user=world.admin_a,
            bank_id=exam.bank.id,
            kind=kind,
            content=content,
            classification={},
        )


def _sit(client, sitting, *, all_right=True) -> str:
    """A proctored attempt with one photo, every answer right (16 of 16: passed), submitted."""
    attempt_id = consent_and_start(client, sitting)
    due_now(attempt_id)
    snap(client, attempt_id, jpeg(abs(hash(str(sitting.id))) % 1000))
    paper = client.get(f"/api/v1/me/exams/attempts/{attempt_id}/").json()
    right = right_options(Attempt.objects.get(pk=attempt_id))
    if all_right:
        for n, (q, _options, _kind) in enumerate(answerable(paper)):
            assert save(client, attempt_id, q, right[q], seq=n + 1).status_code == 200
    r = client.post(f"/api/v1/me/exams/attempts/{attempt_id}/submit/", **DEVICE)
    assert r.status_code == 200, r.content
    return attempt_id


def _confirm_cheating(attempt_id) -> str:
    r = login("admin_a").post(
        f"/api/v1/proctoring/attempts/{attempt_id}/verdicts/",
        {"kind": "cheating", "reason": "第2张照片为他人"},
        format="json",
    )
    assert r.status_code == 201, r.content
    verdict_id = r.json()["id"]
    r = login("ma_a").post(
        f"/api/v1/proctoring/verdicts/{verdict_id}/confirm/", {"confirm": True}, format="json"
    )
    assert r.status_code == 200, r.content
    return verdict_id


def _overturn(client, verdict_id):
    r = client.post(
        f"/api/v1/me/proctoring/verdicts/{verdict_id}/appeal/", {"reason": "是我本人"}, format="json"
    )
    assert r.status_code == 201, r.content
    r = login("ma_a").post(
        f"/api/v1/proctoring/appeals/{r.json()['id']}/decide/", {"decision": "overturned"}, format="json"
    )
    assert r.status_code == 200, r.content


def test_confirmed_cheating_voids_the_attempt_and_opens_a_makeup(world, doctor, proctored, reviewer2):
    # given a passed, proctored attempt of a hospital's own sitting
    _bigger_bank(world, proctored)
    attempt_id = _sit(doctor.client, proctored.sitting)
    assert Attempt.objects.get(pk=attempt_id).passed is True

    # when a second reviewer confirms cheating
    _confirm_cheating(attempt_id)

    # then the attempt itself is void: not passed any more, its score kept for the record, audited
    attempt = Attempt.objects.get(pk=attempt_id)
    assert attempt.status == "voided"
    assert attempt.passed is False
    assert attempt.score == 16
    assert attempt.voided_at is not None
    assert attempt.void_reason == "第2张照片为他人"
    assert attempt.void_outcome == "makeup_granted"
    assert AuditEvent.objects.filter(action="exams.attempt_voided", target_id=str(attempt_id)).exists()
    session = ProctoringSession.objects.get(attempt_id=attempt_id)
    assert session.voided_at is not None  # the mirror proctoring's lists show
    assert session.makeup_outcome == "makeup_granted"
    # staff and the physician see it as voided
    staff = login("admin_a").get("/api/v1/exams/attempts/", {"status": "voided"}).json()
    assert [row["id"] for row in staff["results"]] == [attempt_id]
    assert staff["results"][0]["void_outcome"] == "makeup_granted"
    mine = doctor.client.get(f"/api/v1/me/exams/attempts/{attempt_id}/").json()["attempt"]
    assert mine["status"] == "voided"
    assert mine["passed"] is False
    assert mine["voided_at"]
    assert (
        doctor.client.get(f"/api/v1/me/proctoring/attempts/{attempt_id}/evidence/").json()["voided"] is True
    )

    # and the make-up path: one more attempt in the sitting, whose paper avoids the voided one's questions
    r = doctor.client.post(f"/api/v1/me/exams/sittings/{proctored.sitting.id}/start/", **DEVICE)
    assert r.status_code == 201, r.content
    assert r.json()["attempt"]["number"] == 2
    assert r.json()["attempt"]["is_makeup"] is True


def test_an_overturned_appeal_restores_the_attempt_and_withdraws_the_unused_grant(
    world, doctor, proctored, reviewer2
):
    # given a voided attempt whose make-up the physician has not used
    attempt_id = _sit(doctor.client, proctored.sitting)
    verdict_id = _confirm_cheating(attempt_id)
    assert MakeupGrant.objects.filter(sitting=proctored.sitting, physician=world.physician_a).count() == 1

    # when the appeal is overturned
    _overturn(doctor.client, verdict_id)

    # then the attempt is submitted again with its graded verdict, and the grant is gone
    attempt = Attempt.objects.get(pk=attempt_id)
    assert attempt.status == "submitted"
    assert attempt.passed is True
    assert attempt.score == 16
    assert attempt.voided_at is None
    assert "graded_passed" not in attempt.detail
    assert attempt.void_outcome == "makeup_withdrawn"
    assert not MakeupGrant.objects.filter(sitting=proctored.sitting, physician=world.physician_a).exists()
    assert AuditEvent.objects.filter(action="exams.attempt_unvoided", target_id=str(attempt_id)).exists()
    assert AuditEvent.objects.filter(action="exams.makeup_withdrawn").exists()
    assert ProctoringSession.objects.get(attempt_id=attempt_id).voided_at is None
    # one attempt per sitting again
    r = doctor.client.post(f"/api/v1/me/exams/sittings/{proctored.sitting.id}/start/", **DEVICE)
    assert r.status_code == 409
    assert r.json()["errors"][0]["code"] == "attempt_used"


def test_an_overturned_appeal_keeps_a_makeup_already_taken(world, doctor, proctored, reviewer2):
    # given a voided attempt and the make-up attempt already sat
    _bigger_bank(world, proctored)
    attempt_id = _sit(doctor.client, proctored.sitting)
    verdict_id = _confirm_cheating(attempt_id)
    r = doctor.client.post(f"/api/v1/me/exams/sittings/{proctored.sitting.id}/start/", **DEVICE)
    makeup_id = r.json()["attempt"]["id"]
    doctor.client.post(f"/api/v1/me/exams/attempts/{makeup_id}/submit/", **DEVICE)

    # when the appeal is overturned
    _overturn(doctor.client, verdict_id)

    # then both attempts stand and the used grant stays
    assert Attempt.objects.get(pk=attempt_id).status == "submitted"
    assert Attempt.objects.get(pk=attempt_id).void_outcome == "makeup_kept_used"
    assert Attempt.objects.get(pk=makeup_id).status == "submitted"
    assert MakeupGrant.objects.filter(sitting=proctored.sitting, physician=world.physician_a).count() == 1


def test_an_attempt_in_progress_cannot_be_voided_and_voiding_is_idempotent(world, doctor, proctored):
    attempt_id = consent_and_start(doctor.client, proctored.sitting)
    actor = actor_of(world.admin_a, world.hospital_a)
    with pytest.raises(Conflict) as exc:
        attempt_void(attempt_id=attempt_id, actor=actor, user=world.admin_a, reason="x")
    assert exc.value.get_codes() == "attempt_in_progress"
    assert Attempt.objects.get(pk=attempt_id).status == "in_progress"
    with pytest.raises(Conflict):
        attempt_unvoid(attempt_id=attempt_id, user=world.admin_a)

    doctor.client.post(f"/api/v1/me/exams/attempts/{attempt_id}/submit/", **DEVICE)
    first = attempt_void(attempt_id=attempt_id, actor=actor, user=world.admin_a, reason="替考")
    again = attempt_void(attempt_id=attempt_id, actor=actor, user=world.admin_a, reason="替考")
    assert first.voided_at == again.voided_at
    assert MakeupGrant.objects.filter(physician=world.physician_a).count() == 1
    assert AuditEvent.objects.filter(action="exams.attempt_voided").count() == 1
    # someone else's organisation voids it: no grant it could give
    assert attempt_unvoid(attempt_id=attempt_id, user=world.admin_a).status == "submitted"
    other = attempt_void(
        attempt_id=attempt_id, actor=actor_of(world.admin_b, world.hospital_b), user=world.admin_b, reason="x"
    )
    assert other.void_outcome == "makeup_grant_needs_owner"


@pytest.fixture
def cycle_exam(world, proctored, cycle):  # noqa: F811
    now = timezone.now()
    sitting = papers.sitting_create(
        actor=proctored.actor,
        user=world.admin_a,
        blueprint_id=proctored.blueprint.id,
        name="业务水平测评",
        opens_at=now - timedelta(hours=1),
        closes_at=now + timedelta(hours=1),
        cycle_id=cycle.id,
    )
    ProctoringSettings.objects.create(
        owner_id=sitting.owner_id, sitting=sitting, snapshots=3, updated_by=world.admin_a
    )
    enrolment = enrol(cycle, world.physician_a, by=world.admin_a, status="body_approved", procedure="general")
    return sitting, enrolment


def test_a_cycles_attempt_voided_records_a_failed_test_and_the_appeal_restores_the_score(
    world, doctor, cycle_exam, reviewer2
):
    from assessment.models import ScoreEntry

    sitting, enrolment = cycle_exam
    attempt_id = _sit(doctor.client, sitting)
    entry = ScoreEntry.objects.get(enrolment=enrolment, component="competence_test", sitting="main")
    assert (entry.score, entry.passed) == (100, True)

    # when cheating is confirmed: the workflow gets a failed test (its own make-up path follows)
    verdict_id = _confirm_cheating(attempt_id)
    attempt = Attempt.objects.get(pk=attempt_id)
    assert attempt.status == "voided"
    assert attempt.void_outcome == "assessment_fail_recorded"
    entry = ScoreEntry.objects.get(enrolment=enrolment, component="competence_test", sitting="main")
    assert (entry.score, entry.passed) == (0, False)
    # the deadline task's retry of unrecorded results leaves a voided attempt alone
    from exams.selectors.attempts import unrecorded_result_ids

    Attempt.objects.filter(pk=attempt_id).update(result_recorded_at=None, result_error="unavailable")
    assert attempt.pk not in unrecorded_result_ids()

    # when the appeal is overturned: the attempt's own score again
    _overturn(doctor.client, verdict_id)
    attempt = Attempt.objects.get(pk=attempt_id)
    assert attempt.status == "submitted"
    assert attempt.void_outcome == "overturned_score_restored"
    assert attempt.result_error == ""
    entry = ScoreEntry.objects.get(enrolment=enrolment, component="competence_test", sitting="main")
    assert (entry.score, entry.passed) == (100, True)


def test_attempts_voided_before_the_status_existed_are_migrated(world, doctor, proctored):
    import importlib

    from django.apps import apps

    # given an attempt voided the old way (only the proctoring session said so)
    attempt_id = _sit(doctor.client, proctored.sitting)
    ProctoringSession.objects.filter(attempt_id=attempt_id).update(
        voided_at=timezone.now(), makeup_outcome="makeup_granted"
    )
    migration = importlib.import_module("proctoring.migrations.0003_attempts_voided_from_sessions")
    # when the data migration runs (twice: it is idempotent)
    migration.forwards(apps, None)
    migration.forwards(apps, None)
    # then the attempt is voided, no longer passed, its graded verdict kept
    attempt = Attempt.objects.get(pk=attempt_id)
    assert (attempt.status, attempt.passed, attempt.detail["graded_passed"]) == ("voided", False, True)
    assert attempt.void_outcome == "makeup_granted"
