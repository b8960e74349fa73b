"""core.workflow: the declarative state machine, on the assessment-body application's table."""

import pytest

from assessment_bodies.models import (
    ApplicationStatus,
    AssessmentBodyApplication,
    AssessmentBodyApplicationAttachment,
    AssessmentBodyApplicationHistory,
)
from assessment_bodies.workflow import APPLICATION_FLOW
from core.errors import ApplicationError
from core.workflow import IllegalTransition, transition, workflow_for
from organizations.models import Organization

ACTIONS = sorted({action for _, action in APPLICATION_FLOW.transitions})
LEGAL = sorted(APPLICATION_FLOW.transitions.items())
ILLEGAL = [
    (state, action)
    for state in ApplicationStatus.values
    for action in ACTIONS
    if (state, action) not in APPLICATION_FLOW.transitions
]


@pytest.fixture
def application(world, db):
    Organization.objects.filter(pk=world.hospital_a.pk).update(may_apply_assessment_body=True)
    app = AssessmentBodyApplication.objects.create(
        organization=Organization.objects.get(pk=world.hospital_a.pk),
        region_path=world.hospital_a.region_path,
        review_region_path=world.hospital_a.region_path,
    )
    AssessmentBodyApplicationAttachment.objects.create(
        application=app,
        object_key=f"tests/{app.id}",
        file_name="a.pdf",
        content_type="application/pdf",
        size=1,
        sha256="0" * 64,
    )
    return app


def _at(app, state):
    AssessmentBodyApplication.objects.filter(pk=app.pk).update(status=state)
    app.refresh_from_db()
    return app


@pytest.mark.parametrize(("pair", "to_state"), LEGAL, ids=[f"{s}-{a}" for (s, a), _ in LEGAL])
def test_every_legal_transition_moves_and_writes_one_history_row(application, world, pair, to_state):
    # given an application in the from-state
    from_state, action = pair
    app = _at(application, from_state)

    # when
    entry = transition(app, action, actor_user=world.admin_a, comment="说明")

    # then
    app.refresh_from_db()
    assert app.status == to_state
    assert (entry.from_state, entry.to_state, entry.action, entry.comment) == (
        from_state,
        to_state,
        action,
        "说明",
    )
    assert (entry.actor_id, entry.actor_name) == (world.admin_a.id, "admin_a")
    assert list(app.history.values_list("action", flat=True)) == [action]


@pytest.mark.parametrize(("state", "action"), ILLEGAL, ids=[f"{s}-{a}" for s, a in ILLEGAL])
def test_every_illegal_transition_is_a_409_naming_the_current_state(application, world, state, action):
    # given
    app = _at(application, state)

    # when
    with pytest.raises(IllegalTransition) as raised:
        transition(app, action, actor_user=world.admin_a)

    # then
    assert raised.value.status_code == 409
    assert raised.value.get_codes() == "illegal_transition"
    assert APPLICATION_FLOW.state_label(state) in str(raised.value.detail)
    app.refresh_from_db()
    assert app.status == state
    assert not app.history.exists()


def test_the_state_is_read_from_the_locked_row_not_the_stale_object(application, world):
    # given an object that still believes it is a draft while the row was approved meanwhile
    stale = AssessmentBodyApplication.objects.get(pk=application.pk)
    _at(application, ApplicationStatus.APPROVED)

    # when / then
    with pytest.raises(IllegalTransition):
        transition(stale, "submit", actor_user=world.admin_a)
    assert AssessmentBodyApplication.objects.get(pk=application.pk).status == "approved"


def test_a_guard_blocks_the_transition_and_nothing_is_written(application, world):
    # given a draft without attachments
    application.attachments.all().delete()

    # when
    with pytest.raises(ApplicationError) as raised:
        transition(application, "submit", actor_user=world.admin_a)

    # then
    assert raised.value.get_codes() == "attachments_required"
    assert AssessmentBodyApplication.objects.get(pk=application.pk).status == "draft"
    assert not AssessmentBodyApplicationHistory.objects.filter(subject=application).exists()


def test_named_fields_are_saved_with_the_state(application, world):
    # given
    application.review_comment = "补充"
    application.description = "not saved"

    # when
    transition(application, "submit", actor_user=world.admin_a, update_fields=["review_comment"])

    # then
    row = AssessmentBodyApplication.objects.get(pk=application.pk)
    assert (row.status, row.review_comment, row.description) == ("submitted", "补充", "")


def test_history_is_append_only(application, world):
    # given
    entry = transition(application, "submit", actor_user=world.admin_a)

    # when / then
    entry.comment = "changed"
    with pytest.raises(ValueError, match="append-only"):
        entry.save()
    with pytest.raises(ValueError, match="append-only"):
        entry.delete()


def test_the_table_answers_which_actions_are_legal():
    assert set(APPLICATION_FLOW.actions_from("draft")) == {"submit", "withdraw"}
    assert set(APPLICATION_FLOW.actions_from("submitted")) == {"approve", "reject", "return", "withdraw"}
    assert APPLICATION_FLOW.actions_from("approved") == []
    assert workflow_for(AssessmentBodyApplication) is APPLICATION_FLOW
    with pytest.raises(LookupError):
        workflow_for(Organization)
