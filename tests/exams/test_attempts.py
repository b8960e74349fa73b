"""The physician's attempt: start, opaque IDs, ordered answer saving, one device, sheet, resume, submit,
deadline, grading, make-ups, and what never reaches the client."""

import json
from datetime import timedelta

import pytest
from django.utils import timezone
from exams.models import Attempt, AttemptAnswer
from exams.services import papers
from exams.services.attempts import attempts_submit_due

from audit.models import AuditEvent
from tests.conftest import login

DEVICE = {"HTTP_X_DEVICE_ID": "phone-1"}
OTHER_DEVICE = {"HTTP_X_DEVICE_ID": "phone-2"}


def start(client, sitting, headers=DEVICE):
    return client.post(f"/api/v1/me/exams/sittings/{sitting.id}/start/", **headers)


def save(client, attempt_id, question, options, *, epoch=1, seq=1, marked=False, headers=DEVICE):
    return client.put(
        f"/api/v1/me/exams/attempts/{attempt_id}/answers/",
        {"question": question, "options": options, "marked": marked, "client_epoch": epoch, "seq": seq},
        format="json",
        **headers,
    )


def answerable(paper):
    """(opaque id, [option ids], kind) of every answerable question, in paper order."""
    out = []
    for item in paper["items"]:
        for q in item["subs"] if item["kind"] == "case" else [item]:
            out.append((q["id"], [o["id"] for o in q["options"]], q["kind"]))
    return out


def right_options(attempt: Attempt) -> dict:
    """The key of each question in opaque IDs (from the server's side, as the test knows the bank)."""
    from exams.models import QuestionVersion

    out = {}
    for item in attempt.paper["items"]:
        version = QuestionVersion.objects.get(pk=item["version"])
        for q in item["subs"] if item["kind"] == "case" else [item]:
            key = version.items[q["index"]]["answer"] if item["kind"] == "case" else version.answer
            out[q["id"]] = [oid for oid, k in q["options"] if k in key]
    return out


def test_start_is_idempotent_and_the_paper_follows_the_blueprint(world, db, exam):
    # given doctor_a, a clinical physician of hospital A
    client = login("doctor_a")
    # when they start twice
    first = start(client, exam.sitting)
    again = start(client, exam.sitting)
    # then one attempt, the same paper
    assert first.status_code == 201, first.content
    assert again.status_code == 200
    assert first.json()["attempt"]["id"] == again.json()["attempt"]["id"]
    assert first.json()["items"] == again.json()["items"]
    assert Attempt.objects.filter(sitting=exam.sitting).count() == 1
    paper = first.json()
    kinds = [i["kind"] for i in paper["items"]]
    assert kinds == ["single"] * 3 + ["multiple"] * 2 + ["case"]
    assert paper["attempt"]["max_score"] == "16.00"
    assert 0 < paper["remaining_seconds"] <= 30 * 60
    # and no dental question, no answer key, no explanation reaches the client
    text = json.dumps(paper, ensure_ascii=False)
    assert "口腔题" not in text
    assert "解析" not in text
    assert '"key"' not in text
    assert "explanation" not in text
    # and IDs are opaque: no question, version or option key of the bank appears
    for q in exam.questions.values():
        assert str(q.id) not in text
        assert str(q.current_id) not in text
    assert all(len(o) == 16 for _, opts, _ in answerable(paper) for o in opts)


def test_the_same_questions_have_different_ids_in_another_attempt(world, db, exam):
    # given two sittings of the same blueprint (the pool is exactly the paper: same questions in both)
    now = timezone.now()
    second = papers.sitting_create(
        actor=exam.actor,
        user=world.admin_a,
        blueprint_id=exam.blueprint.id,
        name="第二场",
        opens_at=now - timedelta(hours=1),
        closes_at=now + timedelta(hours=1),
    )
    client = login("doctor_a")
    one = answerable(start(client, exam.sitting).json())
    two = answerable(start(client, second).json())
    # then no question or option ID of one attempt is valid in the other
    ids_one = {q for q, _, _ in one} | {o for _, opts, _ in one for o in opts}
    ids_two = {q for q, _, _ in two} | {o for _, opts, _ in two for o in opts}
    assert ids_one.isdisjoint(ids_two)
    attempt_two = Attempt.objects.get(sitting=second)
    response = save(client, attempt_two.id, one[0][0], one[0][1][:1])
    assert response.status_code == 400
    assert response.json()["errors"][0]["code"] == "unknown_question"


def test_the_draw_is_reproducible_from_the_seed(world, db, exam):
    args = {"blueprint": exam.blueprint, "practice_category": "clinical"}
    assert papers.paper_draw(seed=42, **args) == papers.paper_draw(seed=42, **args)
    draws = {json.dumps(papers.paper_draw(seed=s, **args)) for s in range(8)}
    assert len(draws) > 1  # question and option order change with the seed


def test_a_physician_of_another_category_cannot_get_a_paper_when_the_pool_is_short(world, db, exam):
    # given physician_a is a dentist: only one single-choice question fits (the blueprint needs 3)
    world.physician_a.practice_category = "dental"
    world.physician_a.save(update_fields=["practice_category"])
    response = start(login("doctor_a"), exam.sitting)
    assert response.status_code == 409
    assert response.json()["errors"][0]["code"] == "insufficient_questions"
    assert not Attempt.objects.filter(sitting=exam.sitting).exists()


def test_answers_are_ordered_by_epoch_and_sequence(world, db, exam):
    client = login("doctor_a")
    paper = start(client, exam.sitting).json()
    attempt_id = paper["attempt"]["id"]
    question, options, _ = answerable(paper)[0]
    # a newer answer, then a late retry of an older one
    assert save(client, attempt_id, question, [options[1]], seq=2).json()["applied"] is True
    late = save(client, attempt_id, question, [options[0]], seq=1)
    assert late.status_code == 200
    assert late.json()["applied"] is False
    assert late.json()["options"] == [options[1]]
    # a repeat of the same request is acknowledged as stored
    assert save(client, attempt_id, question, [options[1]], seq=2).json()["applied"] is True
    # a reinstalled app: higher epoch, sequence restarted
    assert save(client, attempt_id, question, [options[2]], epoch=2, seq=1).json()["applied"] is True
    stored = AttemptAnswer.objects.get(attempt_id=attempt_id, item=question)
    assert (stored.client_epoch, stored.seq) == (2, 1)
    resumed = client.get(f"/api/v1/me/exams/attempts/{attempt_id}/").json()
    assert resumed["items"][0]["answer"] == [options[2]]


def test_an_answer_that_is_not_an_option_is_refused(world, db, exam):
    client = login("doctor_a")
    paper = start(client, exam.sitting).json()
    attempt_id = paper["attempt"]["id"]
    items = answerable(paper)
    single_q, single_opts, _ = items[0]
    other_q, other_opts, _ = items[1]
    cases = [
        (single_q, [other_opts[0]], "not_an_option"),  # an option of another question
        (single_q, ["A"], "not_an_option"),  # a letter is not an ID
        (single_q, single_opts[:2], "single_choice_one_option"),
        ("0123456789abcdef", [], "unknown_question"),
    ]
    for question, options, code in cases:
        response = save(client, attempt_id, question, options)
        assert response.status_code == 400
        assert response.json()["errors"][0]["code"] == code
    assert not AttemptAnswer.objects.filter(attempt_id=attempt_id).exists()
    # and a save without the device header
    response = client.put(
        f"/api/v1/me/exams/attempts/{attempt_id}/answers/",
        {"question": single_q, "options": [], "client_epoch": 1, "seq": 1},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["code"] == "device_id_required"


def test_someone_elses_attempt_is_not_found(world, db, exam):
    # given doctor_a's attempt and a second physician of hospital A with an account
    from accounts.models import User
    from accounts.roles import Role
    from accounts.services import membership_grant
    from physicians.models import Physician

    client = login("doctor_a")
    paper = start(client, exam.sitting).json()
    attempt_id = paper["attempt"]["id"]
    question, options, _ = answerable(paper)[0]
    other = User(username="doctor_a2", name="王医生", must_change_password=False)
    other.set_password("Passw0rd!x")
    other.save()
    membership_grant(user=other, organization=world.hospital_a, role=Role.DOCTOR)
    Physician.objects.create(
        user=other,
        name="王医生",
        organization=world.hospital_a,
        region_path=world.hospital_a.region_path,
        id_card_encrypted="x",
        id_card_hash="h-a2",
        id_card_last4="0000",
        licence_number="L-A2",
        practice_category="clinical",
    )
    intruder = login("doctor_a2")
    # when they try to read, save to, take over or submit it
    assert intruder.get(f"/api/v1/me/exams/attempts/{attempt_id}/").status_code == 404
    assert save(intruder, attempt_id, question, options[:1]).status_code == 404
    assert intruder.post(f"/api/v1/me/exams/attempts/{attempt_id}/takeover/", **DEVICE).status_code == 404
    assert intruder.post(f"/api/v1/me/exams/attempts/{attempt_id}/submit/", **DEVICE).status_code == 404
    # then nothing changed
    assert not AttemptAnswer.objects.filter(attempt_id=attempt_id).exists()
    assert Attempt.objects.get(pk=attempt_id).status == "in_progress"
    # and hospital B's staff do not see the attempt
    assert login("admin_b").get(f"/api/v1/exams/attempts/{attempt_id}/").status_code == 404
    assert login("admin_b").get("/api/v1/exams/attempts/").json()["count"] == 0


def test_one_device_per_attempt_and_an_audited_takeover(world, db, exam):
    client = login("doctor_a")
    paper = start(client, exam.sitting).json()
    attempt_id = paper["attempt"]["id"]
    question, options, _ = answerable(paper)[0]
    # a second device is refused
    assert start(client, exam.sitting, OTHER_DEVICE).status_code == 409
    refused = save(client, attempt_id, question, options[:1], headers=OTHER_DEVICE)
    assert refused.status_code == 409
    assert refused.json()["errors"][0]["code"] == "device_conflict"
    assert not AttemptAnswer.objects.filter(attempt_id=attempt_id).exists()
    # until it takes over explicitly (audited); then the first device is refused
    taken = client.post(f"/api/v1/me/exams/attempts/{attempt_id}/takeover/", **OTHER_DEVICE)
    assert taken.status_code == 200
    event = AuditEvent.objects.get(action="exams.attempt_device_takeover", target_id=attempt_id)
    assert event.data == {"from": "phone-1", "to": "phone-2"}
    assert save(client, attempt_id, question, options[:1], headers=OTHER_DEVICE).status_code == 200
    assert save(client, attempt_id, question, options[1:2], seq=5).status_code == 409


def test_the_answer_sheet_counts_answered_unanswered_and_marked(world, db, exam):
    client = login("doctor_a")
    paper = start(client, exam.sitting).json()
    attempt_id = paper["attempt"]["id"]
    items = answerable(paper)
    save(client, attempt_id, items[0][0], items[0][1][:1])
    save(client, attempt_id, items[1][0], [], marked=True)
    sheet = client.get(f"/api/v1/me/exams/attempts/{attempt_id}/sheet/").json()
    assert len(sheet["questions"]) == 3 + 2 + 2  # the case group's two sub-questions count
    assert (sheet["answered"], sheet["unanswered"], sheet["marked"]) == (1, 6, 1)
    assert sheet["questions"][1]["marked"] is True
    assert sheet["questions"][1]["answered"] is False
    assert sheet["remaining_seconds"] > 0


def test_submit_grades_once_and_the_key_shows_only_after_the_sitting_closes(world, db, exam):
    client = login("doctor_a")
    paper = start(client, exam.sitting).json()
    attempt_id = paper["attempt"]["id"]
    attempt = Attempt.objects.get(pk=attempt_id)
    right = right_options(attempt)
    items = answerable(paper)
    # every single choice right (6), one multiple right (3), the other with one of two right options (0,
    # exact rule), the case group's single right and multiple wrong (4 x 1/2 = 2): 11
    for q, _opts, _kind in items[:3]:
        save(client, attempt_id, q, right[q])
    save(client, attempt_id, items[3][0], right[items[3][0]])
    save(client, attempt_id, items[4][0], right[items[4][0]][:1])
    save(client, attempt_id, items[5][0], right[items[5][0]])
    wrong = [o for o in items[6][1] if o not in right[items[6][0]]][:1]
    save(client, attempt_id, items[6][0], wrong)
    # when submitted twice
    first = client.post(f"/api/v1/me/exams/attempts/{attempt_id}/submit/", **DEVICE)
    again = client.post(f"/api/v1/me/exams/attempts/{attempt_id}/submit/", **DEVICE)
    # then graded once
    assert first.status_code == 200, first.content
    assert first.json()["score"] == "11.00"
    assert first.json()["passed"] is True
    assert again.json() == first.json()
    assert AuditEvent.objects.filter(action="exams.attempt_submitted", target_id=attempt_id).count() == 1
    # and no more saves
    assert save(client, attempt_id, items[0][0], items[0][1][:1], seq=9).status_code == 409
    # and the key is still hidden while the sitting is open
    text = json.dumps(client.get(f"/api/v1/me/exams/attempts/{attempt_id}/").json(), ensure_ascii=False)
    assert '"key"' not in text
    assert "解析" not in text
    # once the sitting has closed, the key and explanations are shown
    exam.sitting.closes_at = timezone.now() - timedelta(minutes=1)
    exam.sitting.save(update_fields=["closes_at"])
    review = client.get(f"/api/v1/me/exams/attempts/{attempt_id}/").json()
    assert review["revealed"] is True
    assert review["items"][0]["key"] == right[items[0][0]]
    assert "解析" in review["items"][0]["explanation"]
    # and staff see the score
    listing = login("admin_a").get(
        "/api/v1/exams/attempts/", {"sitting": str(exam.sitting.id), "passed": "true"}
    )
    assert [(a["id"], a["score"]) for a in listing.json()["results"]] == [(attempt_id, "11.00")]


def test_one_attempt_per_sitting_unless_a_makeup_is_granted_which_avoids_the_first_questions(world, db, exam):
    # given a bigger bank: two more of each kind, so a make-up can avoid the first paper
    from exams.services import banks

    from tests.exams.conftest import case, multiple, single

    for i in range(3):
        banks.question_create(
            actor=exam.actor,
            user=world.admin_a,
            bank_id=exam.bank.id,
            kind="single",
            content=single(f"补充单选{i}"),
            classification={},
        )
    for i in range(2):
        banks.question_create(
            actor=exam.actor,
            user=world.admin_a,
            bank_id=exam.bank.id,
            kind="multiple",
            content=multiple(f"补充多选{i}"),
            classification={},
        )
    banks.question_create(
        actor=exam.actor,
        user=world.admin_a,
        bank_id=exam.bank.id,
        kind="case",
        content=case("病例二"),
        classification={},
    )
    client = login("doctor_a")
    first = start(client, exam.sitting).json()["attempt"]["id"]
    client.post(f"/api/v1/me/exams/attempts/{first}/submit/", **DEVICE)
    # when they start again: refused
    again = start(client, exam.sitting)
    assert again.status_code == 409
    assert again.json()["errors"][0]["code"] == "attempt_used"
    # the hospital grants a make-up (another hospital cannot)
    body = {"physician": str(world.physician_a.id), "reason": "网络故障"}
    assert (
        login("admin_b")
        .post(f"/api/v1/exams/sittings/{exam.sitting.id}/makeups/", body, format="json")
        .status_code
        == 404
    )
    granted = login("admin_a").post(f"/api/v1/exams/sittings/{exam.sitting.id}/makeups/", body, format="json")
    assert granted.status_code == 201, granted.content
    makeup = start(client, exam.sitting)
    assert makeup.status_code == 201
    first_questions = {i["question"] for i in Attempt.objects.get(pk=first).paper["items"]}
    second = Attempt.objects.get(pk=makeup.json()["attempt"]["id"])
    assert second.number == 2
    assert second.is_makeup
    assert first_questions.isdisjoint({i["question"] for i in second.paper["items"]})


def test_at_the_deadline_the_server_submits_what_it_has(world, db, exam):
    client = login("doctor_a")
    paper = start(client, exam.sitting).json()
    attempt_id = paper["attempt"]["id"]
    attempt = Attempt.objects.get(pk=attempt_id)
    right = right_options(attempt)
    q = answerable(paper)[0][0]
    save(client, attempt_id, q, right[q])
    # when the deadline passes
    Attempt.objects.filter(pk=attempt_id).update(deadline=timezone.now() - timedelta(seconds=1))
    late = save(client, attempt_id, q, [], seq=2)
    assert late.status_code == 409
    assert late.json()["errors"][0]["code"] == "deadline_passed"
    # then the deadline task submits with the saved answer
    assert attempts_submit_due() == 1
    attempt.refresh_from_db()
    assert (attempt.status, attempt.submitted_by, attempt.score) == ("submitted", "deadline", 2)
    assert attempts_submit_due() == 0


def test_a_sitting_outside_its_window_cannot_be_started(world, db, exam):
    exam.sitting.opens_at = timezone.now() + timedelta(hours=1)
    exam.sitting.save(update_fields=["opens_at"])
    response = start(login("doctor_a"), exam.sitting)
    assert response.status_code == 409
    assert response.json()["errors"][0]["code"] == "sitting_not_open"


def test_another_hospitals_sitting_is_not_found_for_the_physician(world, db, exam):
    # given hospital B's own sitting
    from exams.services import banks

    from accounts.selectors import actor_for_membership

    actor_b = actor_for_membership(user=world.admin_b, organization_id=world.hospital_b.id)
    bank = banks.bank_create(actor=actor_b, user=world.admin_b, name="乙院题库", purpose="exam")
    banks.question_create(
        actor=actor_b,
        user=world.admin_b,
        bank_id=bank.id,
        kind="single",
        content={
            "stem": "乙",
            "options": [{"key": "A", "text": "1"}, {"key": "B", "text": "2"}],
            "answer": ["A"],
        },
        classification={},
    )
    bp = papers.blueprint_create(
        actor=actor_b,
        user=world.admin_b,
        bank_id=bank.id,
        name="乙方案",
        rules=[{"kind": "single", "count": 1, "points": "1"}],
        time_limit_minutes=5,
        pass_mark=1,
    )
    now = timezone.now()
    sitting_b = papers.sitting_create(
        actor=actor_b,
        user=world.admin_b,
        blueprint_id=bp.id,
        name="乙院考试",
        opens_at=now - timedelta(hours=1),
        closes_at=now + timedelta(hours=1),
    )
    client = login("doctor_a")
    # then doctor_a of hospital A neither lists nor starts it
    listed = client.get("/api/v1/me/exams/sittings/").json()
    assert [s["id"] for s in listed["results"]] == [str(exam.sitting.id)]
    assert start(client, sitting_b).status_code == 404
    assert not Attempt.objects.filter(sitting=sitting_b).exists()


@pytest.mark.parametrize("path", ["sittings/", "attempts/"])
def test_physician_routes_need_a_physician(world, db, exam, path):
    from rest_framework.test import APIClient

    assert APIClient().get(f"/api/v1/me/exams/{path}").status_code == 401
    assert login("admin_b").get(f"/api/v1/me/exams/{path}").status_code == 403


def test_answers_need_no_redis(world, db, exam, settings, django_capture_on_commit_callbacks):
    """Redis restarted mid-exam: answers live in PostgreSQL only (committed before the reply), so saving,
    the answer sheet and submission work with the cache and the broker unreachable."""
    from config.celery import app

    client = login("doctor_a")  # logged in before Redis went away
    paper = start(client, exam.sitting).json()
    attempt_id = paper["attempt"]["id"]
    question, options, _kind = answerable(paper)[0]
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens there
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    saved = (app.conf.broker_url, app._pool, app.amqp._producer_pool)
    app.conf.broker_url = "redis://127.0.0.1:1/0"
    app._pool = app.amqp._producer_pool = None
    try:
        with django_capture_on_commit_callbacks(execute=True):
            answered = save(client, attempt_id, question, options[:1], seq=1)
            sheet = client.get(f"/api/v1/me/exams/attempts/{attempt_id}/sheet/")
            submitted = client.post(f"/api/v1/me/exams/attempts/{attempt_id}/submit/", **DEVICE)
    finally:
        app.conf.broker_url, app._pool, app.amqp._producer_pool = saved
    assert answered.status_code == 200, answered.content
    assert sheet.json()["answered"] == 1
    assert submitted.status_code == 200, submitted.content
    assert Attempt.objects.get(pk=attempt_id).detail["answered"] == 1


def test_the_sittings_list_shows_proctoring_and_my_attempt_to_take_over(world, db, exam):
    # given a second sitting of the same blueprint, proctored
    from proctoring.models import ProctoringSettings

    now = timezone.now()
    second = papers.sitting_create(
        actor=exam.actor,
        user=world.admin_a,
        blueprint_id=exam.blueprint.id,
        name="监考场",
        opens_at=now - timedelta(hours=2),
        closes_at=now + timedelta(hours=1),
    )
    ProctoringSettings.objects.create(
        owner_id=second.owner_id, sitting=second, snapshots=3, updated_by=world.admin_a
    )
    client = login("doctor_a")
    # when nothing is started, no attempt, and the proctored one says so
    rows = {r["id"]: r for r in client.get("/api/v1/me/exams/sittings/").json()["results"]}
    assert rows[str(exam.sitting.id)]["proctored"] is False
    assert rows[str(exam.sitting.id)]["attempt"] is None
    assert rows[str(second.id)]["proctored"] is True
    # when the physician started on phone-1 and phone-2 is refused
    started = start(client, exam.sitting).json()["attempt"]
    conflict = start(client, exam.sitting, OTHER_DEVICE)
    assert conflict.status_code == 409
    assert conflict.json()["errors"][0]["code"] == "device_conflict"
    # then phone-2 finds the attempt to take over in the list, and takes it over
    rows = {r["id"]: r for r in client.get("/api/v1/me/exams/sittings/").json()["results"]}
    mine = rows[str(exam.sitting.id)]["attempt"]
    assert mine == {
        "id": started["id"],
        "number": 1,
        "status": "in_progress",
        "deadline": started["deadline"],
    }
    assert rows[str(second.id)]["attempt"] is None
    taken = client.post(f"/api/v1/me/exams/attempts/{mine['id']}/takeover/", **OTHER_DEVICE)
    assert taken.status_code == 200
    assert start(client, exam.sitting, OTHER_DEVICE).status_code == 200
