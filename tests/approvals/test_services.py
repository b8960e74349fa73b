"""The approvals engine through its services, in hospital A's schema."""

import uuid
from datetime import timedelta

import pytest
from approvals import selectors, services
from approvals.models import (
    AppendOnlyError,
    ApprovalChain,
    ApprovalHistory,
    ApprovalRequest,
    ApprovalTask,
)
from django.utils import timezone
from django_tenants.utils import tenant_context
from notifications.models import Notification

from core.errors import ApplicationError, NotFound
from tests.approvals.conftest import TYPE, in_a, make_chain, step, submit


def queue_ids(world, user):
    return set(
        in_a(world, lambda: list(selectors.approval_queue_for_actor(user).values_list("pk", flat=True)))
    )


def decide(world, user, request, decision="approve", comment=""):
    return in_a(
        world, services.approval_decide, actor=user, request_id=request.pk, decision=decision, comment=comment
    )


def history(world, request):
    return in_a(
        world,
        lambda: list(
            ApprovalHistory.objects.filter(request_id=request.pk).values_list(
                "action", "from_status", "to_status"
            )
        ),
    )


def two_steps(world, staff):
    return make_chain(
        world,
        [
            step("科室审核", "department_head"),
            step("医务部审核", "role", role="medical_affairs"),
        ],
    )


def test_two_step_chain_runs_department_then_medical_affairs_then_approves(world, staff):
    # given a chain 科室 > 医务部
    two_steps(world, staff)

    # when the doctor submits
    request = submit(world, staff)

    # then the department head must act first, and only they
    assert request.status == "pending"
    assert request.current_step == 0
    assert request.pk in queue_ids(world, staff.head)
    assert request.pk not in queue_ids(world, staff.ma1)

    # when the head approves, medical affairs (either of them) must act
    request = decide(world, staff.head, request)
    assert request.current_step == 1
    assert request.pk not in queue_ids(world, staff.head)
    assert request.pk in queue_ids(world, staff.ma1)
    assert request.pk in queue_ids(world, staff.ma2)

    # when one of medical affairs approves, the request is approved and the consumer hook ran once
    request = decide(world, staff.ma2, request, comment="同意")
    assert request.status == "approved"
    assert request.current_step is None
    assert request.finished_at
    assert staff.calls.approved == [request.pk]
    assert request.pk not in queue_ids(world, staff.ma1)


def test_countersign_needs_every_approver(world, staff):
    # given a committee step where both members must approve (会签)
    make_chain(world, [step("委员会会签", "users", user_ids=[staff.c1.pk, staff.c2.pk], mode="all")])
    request = submit(world, staff)

    # when the first member approves
    request = decide(world, staff.c1, request)

    # then the step still waits for the second, and the first cannot approve twice
    assert request.status == "pending"
    assert request.current_step == 0
    assert request.pk in queue_ids(world, staff.c2)
    assert request.pk not in queue_ids(world, staff.c1)
    with pytest.raises(ApplicationError) as twice:
        decide(world, staff.c1, request)
    assert twice.value.get_codes() == "approval_not_your_turn"
    assert staff.calls.approved == []

    # when the second approves, the request is approved
    request = decide(world, staff.c2, request)
    assert request.status == "approved"
    assert staff.calls.approved == [request.pk]


def test_any_one_step_passes_at_the_first_approval(world, staff):
    # given a step any one of medical affairs may approve
    make_chain(world, [step("医务部审核", "role", role="medical_affairs", mode="any")])
    request = submit(world, staff)

    # when ma1 approves
    request = decide(world, staff.ma1, request)

    # then it is approved, and ma2 has nothing left to decide
    assert request.status == "approved"
    with pytest.raises(ApplicationError) as late:
        decide(world, staff.ma2, request)
    assert late.value.get_codes() == "approval_not_pending"


def test_a_rule_approves_a_step_automatically_when_the_facts_match(world, staff):
    # given a department step skipped for senior titles, then medical affairs
    senior = {"all": [{"fact": "applicant_title", "op": "in", "value": ["主任医师", "副主任医师"]}]}
    make_chain(
        world,
        [
            step("科室审核", "department_head", auto_rule=senior),
            step("医务部审核", "role", role="medical_affairs"),
        ],
    )

    # when a 副主任医师 submits
    request = submit(world, staff, facts={"applicant_title": "副主任医师"})

    # then the department step passed by itself (recorded) and medical affairs acts
    assert request.current_step == 1
    assert request.pk not in queue_ids(world, staff.head)
    assert [a for a, _, _ in history(world, request)] == ["submit", "auto_approve"]

    # and an attending physician goes through the department head
    other = submit(world, staff, facts={"applicant_title": "主治医师"})
    assert other.current_step == 0


def test_a_request_whose_every_step_passes_by_rule_is_approved_at_submission(world, staff):
    passed = {
        "all": [{"fact": "passed_exam", "op": "is_true"}, {"fact": "surgical_grade", "op": "lte", "value": 2}]
    }
    make_chain(world, [step("医务部审核", "role", role="medical_affairs", auto_rule=passed)])

    request = submit(world, staff, facts={"passed_exam": True, "surgical_grade": 2})

    assert request.status == "approved"
    assert staff.calls.approved == [request.pk]
    assert submit(world, staff, facts={"passed_exam": True, "surgical_grade": 3}).status == "pending"


def test_a_chain_change_does_not_affect_requests_under_way(world, staff):
    # given a one-step chain (v1) and a request under it
    v1 = make_chain(world, [step("医务部审核", "role", role="medical_affairs")])
    running = submit(world, staff)

    # when the hospital saves a two-step chain (v2)
    v2 = make_chain(
        world, [step("科室审核", "department_head"), step("医务部审核", "role", role="medical_affairs")]
    )

    # then v1 is kept, inactive, and the running request still ends after medical affairs
    assert (v1.version, v2.version) == (1, 2)
    with tenant_context(world.tenant_a):
        assert ApprovalChain.objects.get(pk=v1.pk).is_active is False
    running = decide(world, staff.ma1, running)
    assert running.status == "approved"
    assert running.chain_id == v1.pk

    # while a new request takes v2 and starts at the department head
    fresh = submit(world, staff)
    assert fresh.chain_id == v2.pk
    assert fresh.current_step == 0


def test_return_for_correction_then_resubmit_starts_again(world, staff):
    two_steps(world, staff)
    request = submit(world, staff)
    request = decide(world, staff.head, request)

    # a return needs a comment
    with pytest.raises(ApplicationError) as bare:
        decide(world, staff.ma1, request, decision="return")
    assert bare.value.get_codes() == "approval_comment_required"

    # when medical affairs returns it
    request = decide(world, staff.ma1, request, decision="return", comment="请补充手术例数")

    # then it is back with the applicant, out of every queue, and the applicant is told with the comment
    assert request.status == "returned"
    assert request.current_step is None
    assert request.pk not in queue_ids(world, staff.ma1)
    told = Notification.objects.get(recipient=staff.applicant, subject_id=request.pk, kind="approval_decided")
    assert "请补充手术例数" in told.body

    # when the applicant resubmits, a new round starts from the department head
    request = in_a(world, services.approval_resubmit, actor=staff.applicant, request_id=request.pk)
    assert (request.status, request.round, request.current_step) == ("pending", 2, 0)
    assert request.pk in queue_ids(world, staff.head)
    assert [a for a, _, _ in history(world, request)] == ["submit", "approve", "return", "resubmit"]

    # and only a returned request can be resubmitted
    with pytest.raises(ApplicationError) as again:
        in_a(world, services.approval_resubmit, actor=staff.applicant, request_id=request.pk)
    assert again.value.get_codes() == "approval_not_returned"


def test_reject_ends_the_request(world, staff):
    two_steps(world, staff)
    request = submit(world, staff)

    request = decide(world, staff.head, request, decision="reject", comment="不符合条件")

    assert request.status == "rejected"
    assert staff.calls.rejected == [request.pk]
    assert staff.calls.approved == []
    assert request.pk not in queue_ids(world, staff.head)


def test_withdraw_by_the_applicant_only_while_under_way(world, staff):
    two_steps(world, staff)
    request = submit(world, staff)

    # the department head (who can see it) cannot withdraw it
    with pytest.raises(ApplicationError) as other:
        in_a(world, services.approval_withdraw, actor=staff.head, request_id=request.pk)
    assert other.value.get_codes() == "approval_not_applicant"

    # the applicant can
    request = in_a(world, services.approval_withdraw, actor=staff.applicant, request_id=request.pk)
    assert request.status == "withdrawn"
    assert staff.calls.withdrawn == [request.pk]
    assert request.pk not in queue_ids(world, staff.head)

    # not twice
    with pytest.raises(ApplicationError) as twice:
        in_a(world, services.approval_withdraw, actor=staff.applicant, request_id=request.pk)
    assert twice.value.get_codes() == "approval_not_withdrawable"


def test_approving_out_of_turn_is_refused_and_changes_nothing(world, staff):
    two_steps(world, staff)
    request = submit(world, staff)
    before = history(world, request)

    # medical affairs (step 2) tries to approve at step 1
    with pytest.raises(ApplicationError) as early:
        decide(world, staff.ma1, request)
    assert early.value.get_codes() == "approval_not_your_turn"
    assert early.value.status_code == 409

    # a doctor of the hospital with no part in it does not even see it
    with pytest.raises(NotFound):
        decide(world, staff.outsider, request)

    # the applicant cannot approve their own request
    with pytest.raises(ApplicationError) as own:
        decide(world, staff.applicant, request)
    assert own.value.get_codes() == "approval_not_your_turn"

    with tenant_context(world.tenant_a):
        fresh = ApprovalRequest.objects.get(pk=request.pk)
        assert (fresh.status, fresh.current_step) == ("pending", 0)
        assert not ApprovalTask.objects.filter(request=fresh).exclude(decision="").exists()
    assert history(world, request) == before


def test_a_step_without_approver_or_a_missing_chain_is_an_error_and_creates_nothing(world, staff):
    # no chain at all
    with pytest.raises(ApplicationError) as missing:
        submit(world, staff)
    assert missing.value.get_codes() == "approval_chain_missing"

    # a department-head step for an applicant without a department
    two_steps(world, staff)
    with pytest.raises(ApplicationError) as nobody:
        submit(world, staff, department=False)
    assert nobody.value.get_codes() == "approval_no_approver"

    # a role nobody holds in the hospital
    make_chain(world, [step("质控科", "role", role="expert")])
    with pytest.raises(ApplicationError) as no_role:
        submit(world, staff)
    assert no_role.value.get_codes() == "approval_no_approver"

    with tenant_context(world.tenant_a):
        assert ApprovalRequest.objects.count() == 0
        assert ApprovalTask.objects.count() == 0
        assert ApprovalHistory.objects.count() == 0
    assert not Notification.objects.filter(kind__startswith="approval_").exists()


def test_an_empty_chain_cannot_be_saved(world, staff):
    with pytest.raises(ApplicationError) as empty:
        make_chain(world, [])
    assert empty.value.get_codes() == "approval_chain_empty"


def test_history_is_complete_and_append_only(world, staff):
    two_steps(world, staff)
    request = submit(world, staff)
    decide(world, staff.head, request, comment="科室同意")
    decide(world, staff.ma1, request, comment="医务部同意")

    with tenant_context(world.tenant_a):
        rows = list(ApprovalHistory.objects.filter(request_id=request.pk))
        assert [(r.action, r.actor_id, r.position, r.from_status, r.to_status, r.comment) for r in rows] == [
            ("submit", staff.applicant.pk, None, "", "pending", ""),
            ("approve", staff.head.pk, 0, "pending", "pending", "科室同意"),
            ("approve", staff.ma1.pk, 1, "pending", "approved", "医务部同意"),
        ]
        rows[0].comment = "rewritten"
        with pytest.raises(AppendOnlyError):
            rows[0].save()
        with pytest.raises(AppendOnlyError):
            rows[0].delete()


def test_whoever_must_act_next_is_notified(world, staff):
    two_steps(world, staff)

    request = submit(world, staff, title="腹腔镜胆囊切除术授权")

    # the department head is told, medical affairs not yet
    pending = Notification.objects.filter(subject_id=request.pk, kind="approval_pending")
    assert list(pending.values_list("recipient_id", flat=True)) == [staff.head.pk]
    told = pending.get()
    assert "腹腔镜胆囊切除术授权" in told.title
    assert "科室审核" in told.body
    assert (told.link_type, told.link_id) == ("approval_request", request.pk)

    # after the head approves, both of medical affairs are told
    decide(world, staff.head, request)
    assert set(pending.values_list("recipient_id", flat=True)) == {staff.head.pk, staff.ma1.pk, staff.ma2.pk}

    # and the applicant learns the outcome
    decide(world, staff.ma1, request)
    outcome = Notification.objects.get(subject_id=request.pk, kind="approval_decided")
    assert outcome.recipient_id == staff.applicant.pk
    assert outcome.template == "approval_approved"


def test_overdue_step_reminds_its_approvers_once_a_day(world, staff):
    from approvals.tasks import approvals_reminders_run

    # given a step due within 24 hours
    make_chain(
        world, [step("委员会会签", "users", user_ids=[staff.c1.pk, staff.c2.pk], mode="all", due_hours=24)]
    )
    request = submit(world, staff)
    decide(world, staff.c1, request)
    overdue = Notification.objects.filter(subject_id=request.pk, kind="approval_overdue")

    # nothing before the due time
    assert in_a(world, services.approval_reminders_run, now=timezone.now() + timedelta(hours=23)) == 0

    # after it, the one who has not decided yet is reminded (the one who approved is not)
    later = timezone.now() + timedelta(hours=25)
    assert in_a(world, services.approval_reminders_run, now=later) == 1
    assert list(overdue.values_list("recipient_id", flat=True)) == [staff.c2.pk]

    # a second run the same day tells nobody again; the next day it does
    assert in_a(world, services.approval_reminders_run, now=later + timedelta(minutes=30)) == 0
    assert in_a(world, services.approval_reminders_run, now=later + timedelta(days=1)) == 1
    assert overdue.count() == 2

    # the beat's per-tenant task runs in the schema it is given (nothing left to tell today)
    assert approvals_reminders_run(world.tenant_a.schema_name) == 0


def test_reminder_run_in_another_hospital_sees_nothing_of_a(world, staff):
    from approvals.tasks import approvals_reminders_run

    make_chain(world, [step("医务部审核", "role", role="medical_affairs", due_hours=1)])
    submit(world, staff)
    with tenant_context(world.tenant_b):
        assert services.approval_reminders_run(now=timezone.now() + timedelta(hours=2)) == 0
    assert approvals_reminders_run(world.tenant_b.schema_name) == 0


def test_chain_validation(world, staff):
    with pytest.raises(ApplicationError) as outsider:
        make_chain(world, [step("委员会", "users", user_ids=[world.admin_b.pk])])
    assert outsider.value.get_codes() == "approval_user_not_member"

    with pytest.raises(ApplicationError) as bad_role:
        make_chain(world, [step("x", "role", role="province_admin")])
    assert bad_role.value.get_codes() == "approval_step_invalid"

    with pytest.raises(ApplicationError) as bad_rule:
        make_chain(
            world,
            [
                step(
                    "x",
                    "department_head",
                    auto_rule={"all": [{"fact": "__import__", "op": "eq", "value": 1}]},
                )
            ],
        )
    assert bad_rule.value.get_codes() == "approval_rule_invalid"

    with pytest.raises(ApplicationError) as typo:
        make_chain(
            world,
            [step("x", "department_head", auto_rule={"all": [{"fact": "applicant_titel", "op": "is_true"}]})],
        )
    assert typo.value.get_codes() == "approval_rule_invalid"
    assert "applicant_titel" in str(typo.value.detail)

    with pytest.raises(ApplicationError) as unknown:
        in_a(
            world,
            services.chain_create_version,
            actor=world.admin_a,
            type_code="nope",
            steps=[step("x", "department_head")],
        )
    assert unknown.value.get_codes() == "approval_type_unknown"

    with tenant_context(world.tenant_a):
        assert not ApprovalChain.objects.filter(type_code=TYPE).exists()


def test_request_for_subject_selector(world, staff):
    two_steps(world, staff)
    request = submit(world, staff)
    found = in_a(world, selectors.approval_request_for_subject, type_code=TYPE, subject_id=request.subject_id)
    assert found.pk == request.pk


def test_the_beat_fan_out_reaches_every_ready_hospital(world, staff):
    from approvals.tasks import approvals_reminders_fanout

    from config.celery import app

    # given an overdue step in hospital A (due within 1 hour, submitted 2 hours "ago")
    make_chain(world, [step("医务部审核", "role", role="medical_affairs", due_hours=1)])
    request = submit(world, staff)
    with tenant_context(world.tenant_a):
        ApprovalRequest.objects.filter(pk=request.pk).update(step_due_at=timezone.now() - timedelta(hours=1))

    # when beat's public task runs (the per-tenant tasks executed in this process)
    app.conf.task_always_eager = True
    try:
        queued = approvals_reminders_fanout()
    finally:
        app.conf.task_always_eager = False

    # then every ready tenant was visited and A's medical affairs were reminded
    assert queued >= 2
    reminded = Notification.objects.filter(subject_id=request.pk, kind="approval_overdue")
    assert set(reminded.values_list("recipient_id", flat=True)) == {staff.ma1.pk, staff.ma2.pk}


def test_a_ward_without_a_head_goes_to_the_head_of_the_department_above(world, staff):
    from organizations.models import Department

    # given a ward under 普外科 with no head of its own, and a ward of another hospital
    ward = Department.objects.create(organization=world.hospital_a, parent=world.dept_a, name="普外一病区")
    make_chain(world, [step("科室审核", "department_head")])

    # when a doctor of the ward applies
    request = in_a(
        world,
        services.approval_submit,
        actor=staff.applicant,
        type_code=TYPE,
        subject_id=uuid.uuid4(),
        applicant_user_id=staff.applicant.pk,
        applicant_department_id=ward.pk,
        title="病区申请",
    )

    # then 普外科's head decides
    assert request.pk in queue_ids(world, staff.head)

    # while a department of another hospital resolves to nobody here
    with pytest.raises(ApplicationError) as foreign:
        in_a(
            world,
            services.approval_submit,
            actor=staff.applicant,
            type_code=TYPE,
            subject_id=uuid.uuid4(),
            applicant_user_id=staff.applicant.pk,
            applicant_department_id=world.dept_b.pk,
            title="x",
        )
    assert foreign.value.get_codes() == "approval_no_approver"
