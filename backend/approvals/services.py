"""Writes of the approvals engine: chain versions, and the life of a request.

    submit ──> pending (step 0 … n-1) ──approve (all steps)──> approved   (on_approved, same transaction)
                  │  ├──reject──> rejected                                  (on_rejected)
                  │  └──return──> returned ──resubmit──> pending (round+1, from step 0)
                  └──withdraw (applicant, pending or returned)──> withdrawn (on_withdrawn)

Invariants: only an undecided approver of the current step of the current round decides (else
`approval_not_your_turn`, 409, or 404 outside the request's reach); a countersign (`all`) step passes when
every one of its approvers approved, an `any` step at the first approval; a step whose auto-approval rule
holds for the request's facts passes by itself when it becomes current. Every change writes a history row
in the same transaction and notifies, in-app, whoever must act next (approvers of the new step; the
applicant when the request ends or is returned).
"""

from __future__ import annotations

import uuid
from datetime import timedelta

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from notifications.enums import LinkType, NotificationKind
from notifications.services import notify_users

from accounts.roles import ROLE_SPECS, Role
from accounts.selectors import member_user_ids
from approvals import rules, selectors
from approvals.enums import ApproverKind, Decision, HistoryAction, RequestStatus, StepMode
from approvals.models import ApprovalChain, ApprovalHistory, ApprovalRequest, ApprovalStep, ApprovalTask
from approvals.registry import get_type
from approvals.selectors import user_id_of
from audit.services import audit_record
from core.errors import ApplicationError, Conflict
from organizations.selectors import department_ancestor_ids

MAX_STEPS = 20
MAX_NAMED_USERS = 50
# roles a hospital's staff hold (the roles an approval step may name)
STEP_ROLES = frozenset(r.value for r, spec in ROLE_SPECS.items() if "institution" in spec.kinds)


def _tenant():
    """The hospital of the current schema: the request's tenant, or (in a tenant task, where
    django-tenants' schema_context sets a bare FakeTenant) the Tenant row of the schema."""
    tenant = connection.tenant
    if hasattr(tenant, "organization_id"):
        return tenant
    from tenants.models import Tenant

    return Tenant.objects.select_related("organization").get(schema_name=connection.schema_name)


def _organization_id():
    return _tenant().organization_id


def _hospital_name() -> str:
    from organizations.models import Organization

    name = getattr(_tenant(), "name", None)
    if name:
        return name
    return Organization.objects.filter(pk=_organization_id()).values_list("name", flat=True).first() or ""


def _region_path() -> str:
    tenant = _tenant()
    path = getattr(tenant, "region_path", None)
    if path is not None:
        return path
    organization = getattr(tenant, "organization", None)
    return organization.region_path if organization is not None else ""


# --- chains ------------------------------------------------------------------------------------------


def _clean_step(index: int, step: dict, organization_id, fact_names=()) -> dict:
    attr = f"steps[{index}]"
    name = (step.get("name") or "").strip()
    if not name:
        raise ApplicationError(_("请填写审批环节名称。"), code="approval_step_invalid", attr=attr)
    kind = step.get("approver_kind")
    role = step.get("role") or ""
    user_ids = [str(u) for u in (step.get("user_ids") or [])]
    if kind == ApproverKind.ROLE:
        if role not in STEP_ROLES:
            raise ApplicationError(_("审批角色无效。"), code="approval_step_invalid", attr=attr)
        user_ids = []
    elif kind == ApproverKind.DEPARTMENT_HEAD:
        role, user_ids = "", []
    elif kind == ApproverKind.USERS:
        role = ""
        if not user_ids or len(user_ids) > MAX_NAMED_USERS:
            raise ApplicationError(
                _("请指定 1 至 %(n)d 名审批人。") % {"n": MAX_NAMED_USERS},
                code="approval_step_invalid",
                attr=attr,
            )
        user_ids = list(dict.fromkeys(user_ids))
        members = {str(u) for u in member_user_ids(organization_id=organization_id, user_ids=user_ids)}
        if set(user_ids) - members:
            raise ApplicationError(
                _("指定的审批人不是本院人员。"), code="approval_user_not_member", attr=attr
            )
    else:
        raise ApplicationError(_("审批人类型无效。"), code="approval_step_invalid", attr=attr)
    mode = step.get("mode") or StepMode.ANY
    if mode not in StepMode.values:
        raise ApplicationError(_("审批方式无效。"), code="approval_step_invalid", attr=attr)
    due_hours = step.get("due_hours")
    if due_hours is not None and not (isinstance(due_hours, int) and 1 <= due_hours <= 24 * 365):
        raise ApplicationError(_("办理时限无效。"), code="approval_step_invalid", attr=attr)
    auto_rule = step.get("auto_rule") or None
    rules.validate(auto_rule)
    if fact_names:
        rules.validate_facts(auto_rule, fact_names)
    return {
        "position": index,
        "name": name[:64],
        "approver_kind": kind,
        "role": role,
        "user_ids": user_ids,
        "mode": mode,
        "auto_rule": auto_rule,
        "due_hours": due_hours,
    }


@transaction.atomic
def chain_create_version(
    *, actor, type_code: str, steps: list[dict], note: str = "", request=None
) -> ApprovalChain:
    """Save a new version of the hospital's chain for `type_code` and make it the active one.

    Requests already submitted keep the version they started with. Errors: `approval_type_unknown` (no such
    registered type), `approval_chain_empty` (no step), `approval_step_invalid`, `approval_user_not_member`,
    `approval_rule_invalid` (attr names the step). Audited (`approvals.chain_created`)."""
    app_type = get_type(type_code)
    if not steps:
        raise ApplicationError(_("审批流程至少需要一个环节。"), code="approval_chain_empty", attr="steps")
    if len(steps) > MAX_STEPS:
        raise ApplicationError(
            _("审批环节不能超过 %(n)d 个。") % {"n": MAX_STEPS}, code="approval_chain_too_long", attr="steps"
        )
    organization_id = _organization_id()
    cleaned = [_clean_step(i, step, organization_id, app_type.fact_names) for i, step in enumerate(steps)]
    # serialise concurrent edits of one type's chain: lock the active row (if any) before numbering
    list(ApprovalChain.objects.select_for_update().filter(type_code=type_code, is_active=True))
    ApprovalChain.objects.filter(type_code=type_code, is_active=True).update(
        is_active=False, updated_at=timezone.now()
    )
    chain = ApprovalChain.objects.create(
        type_code=type_code,
        version=selectors.chain_next_version(type_code=type_code),
        is_active=True,
        note=note[:200],
        created_by_id=user_id_of(actor),
    )
    ApprovalStep.objects.bulk_create([ApprovalStep(chain=chain, **step) for step in cleaned])
    audit_record(
        action="approvals.chain_created",
        actor=actor if not hasattr(actor, "user_id") else None,
        request=request,
        organization_id=organization_id,
        region_path=_region_path(),
        target=chain,
        schema_name=connection.schema_name,
        data={"type_code": type_code, "version": chain.version, "steps": len(cleaned)},
    )
    return chain


# --- requests: helpers -------------------------------------------------------------------------------


def _resolve(step: ApprovalStep, *, applicant_department_id, applicant_id) -> list:
    organization_id = _organization_id()
    if step.approver_kind == ApproverKind.ROLE:
        ids = member_user_ids(organization_id=organization_id, role=step.role)
    elif step.approver_kind == ApproverKind.DEPARTMENT_HEAD:
        # the head of the applicant's department; a department without one (a ward, a section) goes to the
        # head of the department above it
        ids = []
        for department_id in department_ancestor_ids(
            department_id=applicant_department_id, organization_id=organization_id
        ):
            ids = [
                i
                for i in member_user_ids(
                    organization_id=organization_id, role=Role.DEPARTMENT_HEAD, department_id=department_id
                )
                if i != applicant_id
            ]
            if ids:
                break
    else:
        ids = member_user_ids(organization_id=organization_id, user_ids=step.user_ids)
    # nobody approves their own application
    return [i for i in ids if i != applicant_id]


def _plan(request: ApprovalRequest, steps: list[ApprovalStep]) -> dict[int, list]:
    """Approvers per position, for every step that will need a person (its rule does not hold for the facts).
    ApplicationError `approval_no_approver` when such a step resolves to nobody."""
    plan: dict[int, list] = {}
    for step in steps:
        if rules.evaluate(step.auto_rule, request.facts):
            plan[step.position] = []
            continue
        ids = _resolve(
            step, applicant_department_id=request.applicant_department_id, applicant_id=request.applicant_id
        )
        if not ids:
            raise ApplicationError(
                _("审批环节“%(step)s”没有可用的审批人，请联系管理员配置审批流程。") % {"step": step.name},
                code="approval_no_approver",
            )
        plan[step.position] = ids
    return plan


def _history(request, *, actor_id, action, from_status, position=None, comment="", to_status=None):
    ApprovalHistory.objects.create(
        request=request,
        actor_id=actor_id,
        round=request.round,
        position=position,
        action=action,
        from_status=from_status,
        to_status=to_status or request.status,
        comment=comment,
    )


def _audit(action: str, *, actor, http_request, approval_request, data=None) -> None:
    """An audit row beside the history (the audit log is what the hospital's auditors search)."""
    user = getattr(http_request, "user", None) if http_request is not None else None
    if user is None and not hasattr(actor, "user_id"):
        user = actor  # a User given by a consumer
    audit_record(
        action=action,
        actor=user,
        request=http_request,
        organization_id=_organization_id(),
        region_path=_region_path(),
        target=approval_request,
        schema_name=connection.schema_name,
        data={"type_code": approval_request.type_code, "status": approval_request.status, **(data or {})},
    )


def _params(request, **extra) -> dict:
    return {"hospital": _hospital_name(), "title": request.title[:100], **extra}


def _notify_approvers(request, step: ApprovalStep) -> None:
    user_ids = selectors.approval_open_approver_ids(request)
    notify_users(
        user_ids=user_ids,
        kind=NotificationKind.APPROVAL_PENDING,
        subject_id=request.pk,
        occasion=f"{request.round}:{step.position}",
        template="approval_pending",
        params=_params(request, step=step.name, slug=getattr(_tenant(), "slug", "")),
        link_type=LinkType.APPROVAL_REQUEST,
        link_id=request.pk,
    )


def _notify_applicant(request, template: str, comment: str = "") -> None:
    notify_users(
        user_ids=[request.applicant_id],
        kind=NotificationKind.APPROVAL_DECIDED,
        subject_id=request.pk,
        occasion=f"{request.round}:{template}",
        template=template,
        params=_params(request, comment=(comment or "-")[:500], slug=getattr(_tenant(), "slug", "")),
        link_type=LinkType.APPROVAL_REQUEST,
        link_id=request.pk,
    )


def _steps(request) -> list[ApprovalStep]:
    return list(request.chain.steps.order_by("position"))


def _finish(request, status: str, *, now) -> None:
    request.status = status
    request.current_step = None
    request.step_started_at = None
    request.step_due_at = None
    request.reminded_on = None
    request.finished_at = now if status != RequestStatus.RETURNED else None


def _route(request, steps: list[ApprovalStep], start: int) -> tuple[list[ApprovalStep], ApprovalStep | None]:
    """From `start`: the steps that pass by their rule, and the first that needs a person (None: no more)."""
    autos = []
    for step in steps[start:]:
        if not rules.evaluate(step.auto_rule, request.facts):
            return autos, step
        autos.append(step)
    return autos, None


def _advance(request, steps: list[ApprovalStep], start: int, *, now) -> None:
    """Make `start` (or the first later step whose rule does not hold) current, recording the steps passed
    by rule; approve the request when no step is left. Saves the request."""
    autos, human = _route(request, steps, start)
    for i, step in enumerate(autos):
        last = human is None and i == len(autos) - 1
        _history(
            request,
            actor_id=None,
            action=HistoryAction.AUTO_APPROVE,
            from_status=request.status,
            position=step.position,
            to_status=RequestStatus.APPROVED if last else None,
        )
    if human is not None:
        request.current_step = human.position
        request.step_started_at = now
        request.step_due_at = now + timedelta(hours=human.due_hours) if human.due_hours else None
        request.reminded_on = None
        request.save()
        _notify_approvers(request, human)
        return
    _finish(request, RequestStatus.APPROVED, now=now)
    request.save()
    get_type(request.type_code).on_approved(request)
    _notify_applicant(request, "approval_approved")


def _create_tasks(request, plan: dict[int, list]) -> None:
    ApprovalTask.objects.bulk_create(
        [
            ApprovalTask(request=request, round=request.round, position=position, user_id=user_id)
            for position, ids in sorted(plan.items())
            for user_id in ids
        ]
    )


# --- requests ----------------------------------------------------------------------------------------


@transaction.atomic
def approval_submit(
    *,
    actor,
    type_code: str,
    subject_id: uuid.UUID,
    applicant_user_id,
    applicant_department_id=None,
    title: str,
    facts: dict | None = None,
) -> ApprovalRequest:
    """Start a request under the hospital's active chain for `type_code` (kept for the request's life).

    Approvers of every step are resolved now (role members of the hospital, the applicant's department head,
    or the named users; never the applicant). Steps whose auto-approval rule holds for `facts` pass at once;
    when all do, the request is approved before this returns (on_approved has run).
    Errors, nothing written: `approval_type_unknown`, `approval_chain_missing` (no active chain or no step),
    `approval_no_approver` (a step that needs a person resolves to nobody)."""
    get_type(type_code)
    chain = selectors.chain_active_for_type(type_code=type_code)
    steps = _steps_of(chain)
    if chain is None or not steps:
        raise ApplicationError(
            _("本院尚未配置该类申请的审批流程。"), code="approval_chain_missing", attr="type_code"
        )
    now = timezone.now()
    request = ApprovalRequest(
        type_code=type_code,
        chain=chain,
        subject_id=subject_id,
        title=(title or "")[:200],
        applicant_id=applicant_user_id,
        applicant_department_id=applicant_department_id,
        facts=facts or {},
        status=RequestStatus.PENDING,
        submitted_at=now,
    )
    plan = _plan(request, steps)
    request.save()
    _create_tasks(request, plan)
    _history(request, actor_id=user_id_of(actor), action=HistoryAction.SUBMIT, from_status="")
    _advance(request, steps, 0, now=now)
    return request


def _steps_of(chain) -> list[ApprovalStep]:
    if chain is None:
        return []
    return sorted(chain.steps.all(), key=lambda s: s.position)


@transaction.atomic
def approval_decide(
    *, actor, request_id, decision: str, comment: str = "", http_request=None
) -> ApprovalRequest:
    """Record the actor's decision on the current step.

    approve: the step passes (any: at once; all/countersign: when every approver approved) and the next step
    becomes current, or the request is approved. reject: the request ends rejected. return: back to the
    applicant for correction (resubmit starts again from the first step).
    Errors: 404 outside the request's reach; `approval_not_pending` (409) when it is not under way;
    `approval_not_your_turn` (409) when the actor has no undecided task in the current step;
    `approval_comment_required` for reject and return without a comment."""
    if decision not in Decision.values:
        raise ApplicationError(_("审批决定无效。"), code="invalid_choice", attr="decision")
    comment = (comment or "").strip()
    if decision in (Decision.REJECT, Decision.RETURN) and not comment:
        raise ApplicationError(
            _("驳回或退回时请填写意见。"), code="approval_comment_required", attr="comment"
        )
    user_id = user_id_of(actor)
    request = selectors.approval_get_for_actor(actor, request_id, for_update=True)
    if request.status != RequestStatus.PENDING:
        raise Conflict(_("该申请当前不在审批中。"), code="approval_not_pending")
    task = (
        ApprovalTask.objects.select_for_update()
        .filter(
            request=request, round=request.round, position=request.current_step, user_id=user_id, decision=""
        )
        .first()
    )
    if task is None:
        raise Conflict(_("当前环节不由您审批，或您已审批。"), code="approval_not_your_turn")
    now = timezone.now()
    task.decision, task.comment, task.decided_at = decision, comment[:2000], now
    task.save(update_fields=["decision", "comment", "decided_at", "updated_at"])
    steps = _steps(request)
    step = steps[request.current_step]
    before = request.status
    app_type = get_type(request.type_code)
    if decision == Decision.APPROVE:
        waiting = step.mode == StepMode.ALL and (
            request.tasks.filter(round=request.round, position=step.position, decision="").exists()
        )
        autos, human = _route(request, steps, step.position + 1)
        ends = not waiting and human is None and not autos
        _history(
            request,
            actor_id=user_id,
            action=HistoryAction.APPROVE,
            from_status=before,
            position=step.position,
            comment=comment,
            to_status=RequestStatus.APPROVED if ends else None,
        )
        if not waiting:
            _advance(request, steps, step.position + 1, now=now)
    elif decision == Decision.REJECT:
        _finish(request, RequestStatus.REJECTED, now=now)
        request.save()
        _history(
            request,
            actor_id=user_id,
            action=HistoryAction.REJECT,
            from_status=before,
            position=step.position,
            comment=comment,
        )
        if app_type.on_rejected:
            app_type.on_rejected(request)
        _notify_applicant(request, "approval_rejected", comment)
    else:
        _finish(request, RequestStatus.RETURNED, now=now)
        request.save()
        _history(
            request,
            actor_id=user_id,
            action=HistoryAction.RETURN,
            from_status=before,
            position=step.position,
            comment=comment,
        )
        _notify_applicant(request, "approval_returned", comment)
    _audit(
        "approvals.decided",
        actor=actor,
        http_request=http_request,
        approval_request=request,
        data={"decision": decision, "position": step.position, "round": request.round},
    )
    return request


def _applicant_request(actor, request_id) -> ApprovalRequest:
    request = selectors.approval_get_for_actor(actor, request_id, for_update=True)
    if request.applicant_id != user_id_of(actor):
        raise Conflict(_("只有申请人本人可以执行该操作。"), code="approval_not_applicant")
    return request


@transaction.atomic
def approval_withdraw(*, actor, request_id, comment: str = "", http_request=None) -> ApprovalRequest:
    """The applicant withdraws a pending or returned request (on_withdrawn runs). `approval_not_applicant`,
    `approval_not_withdrawable` (409) otherwise."""
    request = _applicant_request(actor, request_id)
    if request.status not in (RequestStatus.PENDING, RequestStatus.RETURNED):
        raise Conflict(_("该申请已结束，不能撤回。"), code="approval_not_withdrawable")
    before, position = request.status, request.current_step
    _finish(request, RequestStatus.WITHDRAWN, now=timezone.now())
    request.save()
    _history(
        request,
        actor_id=user_id_of(actor),
        action=HistoryAction.WITHDRAW,
        from_status=before,
        position=position,
        comment=(comment or "").strip()[:2000],
    )
    app_type = get_type(request.type_code)
    if app_type.on_withdrawn:
        app_type.on_withdrawn(request)
    _audit("approvals.withdrawn", actor=actor, http_request=http_request, approval_request=request)
    return request


@transaction.atomic
def approval_resubmit(
    *, actor, request_id, facts: dict | None = None, comment: str = "", http_request=None
) -> ApprovalRequest:
    """The applicant resubmits a returned request: a new round under the same chain version, from the first
    step, approvers resolved again. Facts: those given, else the type's `facts(request)`, else unchanged.
    Errors: `approval_not_applicant`, `approval_not_returned` (409), `approval_no_approver` (nothing changed)."""
    request = _applicant_request(actor, request_id)
    if request.status != RequestStatus.RETURNED:
        raise Conflict(_("只有被退回的申请可以重新提交。"), code="approval_not_returned")
    app_type = get_type(request.type_code)
    if facts is not None:
        request.facts = facts
    elif app_type.facts is not None:
        request.facts = app_type.facts(request)
    steps = _steps(request)
    request.round += 1
    plan = _plan(request, steps)
    before = request.status
    request.status = RequestStatus.PENDING
    request.finished_at = None
    request.save()
    _create_tasks(request, plan)
    _history(
        request,
        actor_id=user_id_of(actor),
        action=HistoryAction.RESUBMIT,
        from_status=before,
        comment=(comment or "").strip()[:2000],
    )
    _advance(request, steps, 0, now=timezone.now())
    _audit("approvals.resubmitted", actor=actor, http_request=http_request, approval_request=request)
    return request


# --- reminders (beat, per tenant) --------------------------------------------------------------------


@transaction.atomic
def approval_reminders_run(*, now=None) -> int:
    """Tell the undecided approvers of every overdue step, at most once per step per day (the request's
    `reminded_on`, and the notification's occasion, which includes the date). Returns the requests reminded."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    reminded = 0
    overdue = (
        selectors.approval_overdue(now=now)
        .select_for_update(skip_locked=True, of=("self",))
        .select_related("chain")
    )
    for request in overdue:
        if request.reminded_on is not None and request.reminded_on >= today:
            continue
        step = request.chain.steps.get(position=request.current_step)
        notify_users(
            user_ids=selectors.approval_open_approver_ids(request),
            kind=NotificationKind.APPROVAL_OVERDUE,
            subject_id=request.pk,
            occasion=f"{request.round}:{step.position}:{today.isoformat()}",
            template="approval_overdue",
            params=_params(request, step=step.name, slug=getattr(_tenant(), "slug", "")),
            link_type=LinkType.APPROVAL_REQUEST,
            link_id=request.pk,
        )
        request.reminded_on = today
        request.save(update_fields=["reminded_on", "updated_at"])
        reminded += 1
    return reminded
