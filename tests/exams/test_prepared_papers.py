"""Papers prepared ahead of the sitting: the staff job, the start taking a prepared paper, and the cases where
the start draws afresh instead (a stale paper)."""

from exams.models import Attempt, PreparedPaper
from exams.services import banks, papers

from audit.models import AuditEvent
from jobs.services import job_run_now
from physicians.models import Physician
from tests.conftest import login

DEVICE = {"HTTP_X_DEVICE_ID": "phone-1"}


def prepare(client, sitting, capture, prefix="/api/v1"):
    with capture(execute=False):
        response = client.post(f"{prefix}/exams/sittings/{sitting.id}/prepare-papers/")
    assert response.status_code == 202, response.content
    return job_run_now(response.json()["id"])


def second_physician(world):
    """Another clinical physician of hospital A (no account: a paper is prepared all the same)."""
    return Physician.objects.create(
        name="王医生",
        organization=world.hospital_a,
        region_path=world.hospital_a.region_path,
        department=world.dept_a,
        id_card_encrypted="x",
        id_card_hash="prepared-test-hash",
        id_card_last4="0000",
        licence_number="110330100000099",
        practice_category="clinical",
    )


def ids_of(paper):
    out = set()
    for item in paper["items"]:
        for q in item["subs"] if item["kind"] == "case" else [item]:
            out.add(q["id"])
            out |= {oid for oid, _ in q["options"]}
    return out


def test_the_job_prepares_one_paper_per_eligible_physician_and_the_start_takes_it(
    world, db, exam, django_capture_on_commit_callbacks
):
    # given a second physician of hospital A; physician_b is of hospital B (not eligible)
    other = second_physician(world)
    admin = login("admin_a")
    # when the hospital's exam manager prepares the papers
    job = prepare(admin, exam.sitting, django_capture_on_commit_callbacks)
    # then one paper per eligible physician, each with its own secret and opaque IDs
    assert job.status == "succeeded", (job.errors, job.summary)
    assert job.summary == {"eligible": 2, "prepared": 2, "kept": 0, "failed": {}}
    prepared = {p.physician_id: p for p in PreparedPaper.objects.filter(sitting=exam.sitting)}
    assert set(prepared) == {world.physician_a.id, other.id}
    mine, theirs = prepared[world.physician_a.id], prepared[other.id]
    assert mine.secret != theirs.secret
    assert ids_of(mine.paper).isdisjoint(ids_of(theirs.paper))
    # and a second run keeps them
    again = prepare(admin, exam.sitting, django_capture_on_commit_callbacks)
    assert again.summary["kept"] == 2
    assert PreparedPaper.objects.get(pk=mine.pk).seed == mine.seed
    # when doctor_a starts
    response = login("doctor_a").post(f"/api/v1/me/exams/sittings/{exam.sitting.id}/start/", **DEVICE)
    # then the attempt is the prepared paper
    assert response.status_code == 201, response.content
    attempt = Attempt.objects.get(pk=response.json()["attempt"]["id"])
    assert attempt.prepared_paper_id == mine.id
    assert (attempt.seed, attempt.secret, attempt.paper) == (mine.seed, mine.secret, mine.paper)
    assert [i["id"] for i in response.json()["items"]] == [i["id"] for i in mine.paper["items"]]
    event = AuditEvent.objects.get(action="exams.attempt_started", target_id=str(attempt.id))
    assert event.data["prepared"] is True
    # and the next run counts doctor_a out (started) and keeps the other
    third = prepare(admin, exam.sitting, django_capture_on_commit_callbacks)
    assert third.summary == {"eligible": 1, "prepared": 0, "kept": 1, "failed": {}}


def test_a_stale_prepared_paper_is_not_taken(world, db, exam, django_capture_on_commit_callbacks):
    # given doctor_a's prepared paper, then a question of it edited
    admin = login("admin_a")
    prepare(admin, exam.sitting, django_capture_on_commit_callbacks)
    prepared = PreparedPaper.objects.get(sitting=exam.sitting, physician=world.physician_a)
    banks.question_update(
        actor=exam.actor,
        user=world.admin_a,
        question_id=exam.questions["s0"].id,
        content={"stem": "单选0（修订）"},
        classification={},
    )
    # when doctor_a starts
    response = login("doctor_a").post(f"/api/v1/me/exams/sittings/{exam.sitting.id}/start/", **DEVICE)
    # then the paper is drawn afresh, with the edited version
    assert response.status_code == 201, response.content
    attempt = Attempt.objects.get(pk=response.json()["attempt"]["id"])
    assert attempt.prepared_paper_id is None
    assert attempt.secret != prepared.secret
    versions = {i["version"] for i in attempt.paper["items"]}
    assert str(exam.questions["s0"].__class__.objects.get(pk=exam.questions["s0"].id).current_id) in versions


def test_a_changed_blueprint_or_category_makes_the_job_draw_again(
    world, db, exam, django_capture_on_commit_callbacks
):
    admin = login("admin_a")
    prepare(admin, exam.sitting, django_capture_on_commit_callbacks)
    first = PreparedPaper.objects.get(sitting=exam.sitting)
    # when the blueprint changes, the next run draws again
    papers.blueprint_update(actor=exam.actor, user=world.admin_a, blueprint_id=exam.blueprint.id, name="新")
    job = prepare(admin, exam.sitting, django_capture_on_commit_callbacks)
    assert job.summary["prepared"] == 1
    assert not PreparedPaper.objects.filter(pk=first.pk).exists()
    # when the physician becomes a dentist (the pool is too small), the failure is counted and the start says so
    world.physician_a.practice_category = "dental"
    world.physician_a.save(update_fields=["practice_category"])
    job = prepare(admin, exam.sitting, django_capture_on_commit_callbacks)
    assert job.summary["failed"] == {"dental": 1}
    response = login("doctor_a").post(f"/api/v1/me/exams/sittings/{exam.sitting.id}/start/", **DEVICE)
    assert response.status_code == 409
    assert response.json()["errors"][0]["code"] == "insufficient_questions"


def test_preparing_needs_the_owner_and_the_exam_manager(world, db, exam, django_capture_on_commit_callbacks):
    # the hospital's tenant route works the same
    job = prepare(
        login("admin_a"), exam.sitting, django_capture_on_commit_callbacks, prefix="/h/hosp-a/api/v1"
    )
    assert job.summary["prepared"] == 1
    # another hospital's admin: 404; a physician: 403
    url = f"/api/v1/exams/sittings/{exam.sitting.id}/prepare-papers/"
    assert login("admin_b").post(url).status_code == 404
    assert login("doctor_a").post(url).status_code == 403
