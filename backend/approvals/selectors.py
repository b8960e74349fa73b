"""Reads of approval chains and requests (tenant schema: the hospital is the schema).

Reach of a request: its applicant, anyone who holds (or held) a task on it, and holders of
`approvals.configure` (hospital administrators, medical affairs), who oversee every request of the hospital.
Anything else is a 404, indistinguishable from a request that does not exist.
"""

from django.db.models import Exists, F, OuterRef, Q, QuerySet

from approvals.enums import RequestStatus
from approvals.models import ApprovalChain, ApprovalHistory, ApprovalRequest, ApprovalTask
from core.errors import NotFound


def user_id_of(actor):
    """The user's ID whether `actor` is a User or a core Actor."""
    return getattr(actor, "user_id", None) or actor.pk


def _oversees(actor) -> bool:
    has = getattr(actor, "has", None)
    return bool(has and has("approvals.configure"))


# --- chains ------------------------------------------------------------------------------------------


def chain_active_for_type(*, type_code: str) -> ApprovalChain | None:
    return ApprovalChain.objects.filter(type_code=type_code, is_active=True).prefetch_related("steps").first()


def chain_list(*, type_code: str = "", active: bool | None = None) -> QuerySet[ApprovalChain]:
    qs = ApprovalChain.objects.all()
    if type_code:
        qs = qs.filter(type_code=type_code)
    if active is not None:
        qs = qs.filter(is_active=active)
    return qs.prefetch_related("steps").order_by("type_code", "-version")


def chain_get(*, chain_id) -> ApprovalChain:
    chain = ApprovalChain.objects.filter(pk=chain_id).prefetch_related("steps").first()
    if chain is None:
        raise NotFound()
    return chain


def chain_next_version(*, type_code: str) -> int:
    last = (
        ApprovalChain.objects.filter(type_code=type_code)
        .order_by("-version")
        .values_list("version", flat=True)
    )
    return (last.first() or 0) + 1


# --- requests ----------------------------------------------------------------------------------------


def _open_task(user_id):
    return ApprovalTask.objects.filter(
        request=OuterRef("pk"),
        user_id=user_id,
        round=OuterRef("round"),
        position=OuterRef("current_step"),
        decision="",
    )


def approval_queue_for_actor(actor, *, type_code: str = "") -> QuerySet[ApprovalRequest]:
    """Requests whose current step waits for the actor's decision (pending, the actor's own task of the
    current round and step not decided yet), oldest step first."""
    qs = ApprovalRequest.objects.filter(status=RequestStatus.PENDING).filter(
        Exists(_open_task(user_id_of(actor)))
    )
    if type_code:
        qs = qs.filter(type_code=type_code)
    return qs.order_by(F("step_due_at").asc(nulls_last=True), "submitted_at", "id")


def approval_list_for_actor(
    actor, *, type_code: str = "", status: str = "", mine: bool = False
) -> QuerySet[ApprovalRequest]:
    """Requests within the actor's reach (see module docstring); `mine`: only those the actor applied for."""
    user_id = user_id_of(actor)
    qs = ApprovalRequest.objects.all()
    if mine:
        qs = qs.filter(applicant_id=user_id)
    elif not _oversees(actor):
        qs = qs.filter(
            Q(applicant_id=user_id)
            | Q(Exists(ApprovalTask.objects.filter(request=OuterRef("pk"), user_id=user_id)))
        )
    if type_code:
        qs = qs.filter(type_code=type_code)
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-submitted_at", "-id")


def approval_get_for_actor(actor, request_id, *, for_update: bool = False) -> ApprovalRequest:
    """The request if within the actor's reach, else NotFound (404)."""
    qs = approval_list_for_actor(actor)
    if for_update:
        # lock the row itself (the reach filter above has no joins that FOR UPDATE would refuse)
        found = qs.filter(pk=request_id).values_list("pk", flat=True).first()
        if found is None:
            raise NotFound()
        return ApprovalRequest.objects.select_for_update().get(pk=found)
    request = qs.filter(pk=request_id).first()
    if request is None:
        raise NotFound()
    return request


def approval_request_for_subject(*, type_code: str, subject_id) -> ApprovalRequest | None:
    """The latest request about a consumer's row (for consumers embedding the state in their replies)."""
    return (
        ApprovalRequest.objects.filter(type_code=type_code, subject_id=subject_id)
        .order_by("-submitted_at", "-id")
        .first()
    )


def approval_requests_for_subjects(*, type_code: str, subject_ids) -> dict:
    """{subject_id: its latest request} for a page of a consumer's rows, in one query (the list form of
    `approval_request_for_subject`)."""
    latest: dict = {}
    rows = ApprovalRequest.objects.filter(type_code=type_code, subject_id__in=list(subject_ids)).order_by(
        "subject_id", "-submitted_at", "-id"
    )
    for row in rows:
        latest.setdefault(row.subject_id, row)
    return latest


def approval_tasks(request: ApprovalRequest) -> list[ApprovalTask]:
    return list(request.tasks.order_by("round", "position", "created_at"))


def approval_history(request: ApprovalRequest) -> list[ApprovalHistory]:
    return list(request.history.order_by("created_at", "id"))


def approval_open_approver_ids(request: ApprovalRequest) -> list:
    """Who must act now: undecided tasks of the current step (none unless pending)."""
    if request.status != RequestStatus.PENDING or request.current_step is None:
        return []
    return list(
        request.tasks.filter(round=request.round, position=request.current_step, decision="")
        .order_by("created_at")
        .values_list("user_id", flat=True)
    )


def approval_overdue(*, now) -> QuerySet[ApprovalRequest]:
    """Pending requests whose current step is past its due time."""
    return ApprovalRequest.objects.filter(status=RequestStatus.PENDING, step_due_at__lt=now)
