"""Reads of the question bank, blueprints and sittings for staff: only what the caller's organisation owns.

Anything owned by another organisation is a 404, indistinguishable from what does not exist.
"""

from django.db.models import Count, Q, QuerySet

from core.actor import Actor
from core.errors import NotFound
from exams.models import Blueprint, Question, QuestionBank, QuestionVersion, Sitting


def owned(qs: QuerySet, actor: Actor | None) -> QuerySet:
    """Rows of `qs` owned by the actor's organisation (nothing for an actor without one)."""
    if actor is None or actor.organization_id is None:
        return qs.none()
    return qs.filter(owner_id=actor.organization_id)


def _get(qs: QuerySet, actor: Actor | None, pk, *, for_update: bool = False):
    qs = owned(qs, actor)
    if for_update:
        qs = qs.select_for_update(of=("self",))
    try:
        return qs.get(pk=pk)
    except (qs.model.DoesNotExist, ValueError, TypeError) as exc:
        raise NotFound() from exc


def bank_list_for_actor(*, actor: Actor, purpose: str = "", search: str = "") -> QuerySet[QuestionBank]:
    qs = owned(QuestionBank.objects.all(), actor).annotate(
        question_count=Count("questions", filter=Q(questions__deleted_at__isnull=True))
    )
    if purpose:
        qs = qs.filter(purpose=purpose)
    if search:
        qs = qs.filter(name__icontains=search)
    return qs.order_by("-created_at")


def bank_get_for_actor(*, actor: Actor, bank_id, for_update: bool = False) -> QuestionBank:
    return _get(QuestionBank.objects.all(), actor, bank_id, for_update=for_update)


def question_list_for_actor(
    *,
    actor: Actor,
    bank_id=None,
    kind: str = "",
    specialty: str = "",
    practice_category: str = "",
    difficulty: int | None = None,
    tag: str = "",
    search: str = "",
) -> QuerySet[Question]:
    qs = owned(Question.objects.filter(deleted_at__isnull=True), actor).select_related("current", "bank")
    if bank_id:
        qs = qs.filter(bank_id=bank_id)
    if kind:
        qs = qs.filter(kind=kind)
    if specialty:
        qs = qs.filter(specialty=specialty)
    if practice_category:
        qs = qs.filter(practice_category=practice_category)
    if difficulty:
        qs = qs.filter(difficulty=difficulty)
    if tag:
        qs = qs.filter(tags__contains=[tag])
    if search:
        qs = qs.filter(current__stem__icontains=search)
    return qs.order_by("-created_at", "id")


def question_get_for_actor(*, actor: Actor, question_id, for_update: bool = False) -> Question:
    return _get(
        Question.objects.filter(deleted_at__isnull=True).select_related("current", "bank"),
        actor,
        question_id,
        for_update=for_update,
    )


def question_versions(question: Question) -> QuerySet[QuestionVersion]:
    return question.versions.order_by("-number")


def questions_for_export(*, actor: Actor, bank_id) -> QuerySet[Question]:
    return (
        owned(Question.objects.filter(deleted_at__isnull=True, bank_id=bank_id), actor)
        .select_related("current")
        .order_by("created_at", "id")
    )


def blueprint_list_for_actor(*, actor: Actor, bank_id=None) -> QuerySet[Blueprint]:
    qs = owned(Blueprint.objects.select_related("bank"), actor)
    if bank_id:
        qs = qs.filter(bank_id=bank_id)
    return qs.order_by("-created_at")


def blueprint_get_for_actor(*, actor: Actor, blueprint_id, for_update: bool = False) -> Blueprint:
    return _get(Blueprint.objects.select_related("bank"), actor, blueprint_id, for_update=for_update)


def sitting_list_for_actor(*, actor: Actor, cycle_id=None, search: str = "") -> QuerySet[Sitting]:
    qs = owned(Sitting.objects.select_related("blueprint"), actor).annotate(attempt_count=Count("attempts"))
    if cycle_id:
        qs = qs.filter(cycle_id=cycle_id)
    if search:
        qs = qs.filter(name__icontains=search)
    return qs.order_by("-opens_at")


def sitting_get_for_actor(*, actor: Actor, sitting_id, for_update: bool = False) -> Sitting:
    return _get(Sitting.objects.select_related("blueprint"), actor, sitting_id, for_update=for_update)


def question_pool(
    *,
    bank_id,
    kind: str,
    practice_category: str,
    specialty: str = "",
    difficulty: int | None = None,
) -> list[tuple]:
    """(question id, current version id) of the questions a rule may draw, in a stable order (by id) so a
    seeded draw over the same pool gives the same paper."""
    qs = Question.objects.filter(
        bank_id=bank_id, kind=kind, deleted_at__isnull=True, current__isnull=False
    ).filter(Q(practice_category="") | Q(practice_category=practice_category))
    if specialty:
        qs = qs.filter(specialty=specialty)
    if difficulty:
        qs = qs.filter(difficulty=difficulty)
    return list(qs.order_by("id").values_list("id", "current_id"))


def versions_by_id(version_ids) -> dict:
    return {v.id: v for v in QuestionVersion.objects.filter(id__in=list(version_ids))}
