"""Papers prepared ahead of the sitting (issue 5: "papers may be assembled ahead of the sitting").

`papers_prepare(sitting_id=...)` draws, for every physician who may take the sitting and has not started it,
the paper of their first attempt (a fresh seed and secret each, as the start would) and stores it as a
`PreparedPaper`. It runs as a background job (`exams.papers_prepare`, queue `default`, started by
`POST /exams/sittings/<id>/prepare-papers/`) and is idempotent: a prepared paper still fresh is kept, a stale
one (the blueprint or the physician's practice category changed since) is drawn again.

Who may take a sitting (the staff-side mirror of `selectors.attempts.sittings_for_physician`): the active
physicians of the owning hospital, or of every organisation in the owning commission's region; for a cycle's
sitting only those enrolled in the cycle (not withdrawn).

`prepared_paper_take` is what the start calls: the physician's unused prepared paper when it is still what a
draw at the start could give (same blueprint, not edited since; same practice category; no question edited or
removed since; none of the questions to avoid), else None and the start draws as before. The attempt copies
its seed, secret and paper and references it one-to-one, so a prepared paper serves one attempt only and the
opaque IDs stay per attempt.
"""

import secrets

from assessment.enums import EnrolmentStatus
from assessment.models import Enrolment
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet

from core.errors import Conflict
from exams.models import Attempt, PreparedPaper, Question, Sitting
from exams.selectors import attempts as attempt_selectors
from exams.services import papers
from physicians.models import Physician

BATCH = 200


def physicians_eligible(sitting: Sitting) -> QuerySet[Physician]:
    owner = sitting.owner
    where = Q(organization_id=owner.id)
    if owner.kind == "commission":
        where |= Q(region_path__startswith=owner.region_path)
    qs = Physician.objects.filter(where, status="active")
    if sitting.cycle_id:
        enrolled = Enrolment.objects.filter(physician_id=OuterRef("pk"), cycle_id=sitting.cycle_id).exclude(
            status=EnrolmentStatus.WITHDRAWN
        )
        qs = qs.filter(Exists(enrolled))
    return qs


def _fresh(prepared: PreparedPaper, sitting: Sitting, practice_category: str) -> bool:
    return (
        prepared.blueprint_id == sitting.blueprint_id
        and prepared.blueprint_updated_at == sitting.blueprint.updated_at
        and prepared.practice_category == practice_category
    )


def papers_prepare(*, sitting_id, progress=None) -> dict:
    """Prepare the first-attempt papers of a sitting. Returns {"eligible", "prepared", "kept", "failed":
    {practice category: count}} (failed: the pool is too small for that category, as the start would say)."""
    sitting = Sitting.objects.select_related("blueprint", "owner").get(pk=sitting_id)
    started = Attempt.objects.filter(sitting_id=sitting.id, physician_id=OuterRef("pk"))
    physicians = list(
        physicians_eligible(sitting)
        .exclude(Exists(started))
        .order_by("pk")
        .values_list("pk", "practice_category")
    )
    existing = {
        p.physician_id: p
        for p in PreparedPaper.objects.filter(sitting_id=sitting.id, attempt__isnull=True).only(
            "id", "physician_id", "blueprint_id", "blueprint_updated_at", "practice_category"
        )
    }
    cache: dict = {}
    summary = {"eligible": len(physicians), "prepared": 0, "kept": 0, "failed": {}}
    total = len(physicians)
    if progress:
        progress(0, total)
    for start in range(0, total, BATCH):
        rows, stale = [], []
        for physician_id, category in physicians[start : start + BATCH]:
            old = existing.get(physician_id)
            if old is not None and _fresh(old, sitting, category):
                summary["kept"] += 1
                continue
            if old is not None:
                stale.append(old.id)
            seed, secret = secrets.randbits(62), secrets.token_hex(32)
            exclude = (
                attempt_selectors.previous_question_ids(sitting=sitting, physician_id=physician_id)
                if sitting.makeup_of_id
                else ()
            )
            try:
                drawn = papers.paper_draw(
                    blueprint=sitting.blueprint,
                    seed=seed,
                    practice_category=category,
                    exclude_question_ids=exclude,
                    cache=cache,
                )
            except Conflict:
                summary["failed"][category] = summary["failed"].get(category, 0) + 1
                continue
            rows.append(
                PreparedPaper(
                    owner_id=sitting.owner_id,
                    sitting_id=sitting.id,
                    physician_id=physician_id,
                    blueprint_id=sitting.blueprint_id,
                    blueprint_updated_at=sitting.blueprint.updated_at,
                    practice_category=category,
                    seed=seed,
                    secret=secret,
                    paper=papers.paper_with_ids(drawn, secret),
                )
            )
        with transaction.atomic():
            PreparedPaper.objects.filter(pk__in=stale, attempt__isnull=True).delete()
            # A physician who started meanwhile keeps the attempt's own paper; the unused row is harmless.
            PreparedPaper.objects.bulk_create(rows, ignore_conflicts=True)
        summary["prepared"] += len(rows)
        if progress:
            progress(min(start + BATCH, total), total)
    return summary


def prepared_paper_take(*, sitting: Sitting, physician, exclude_question_ids=()) -> PreparedPaper | None:
    """The physician's unused prepared paper for their first attempt if it is still valid (module docstring)."""
    prepared = PreparedPaper.objects.filter(
        sitting_id=sitting.id, physician_id=physician.id, attempt__isnull=True
    ).first()
    if prepared is None or not _fresh(prepared, sitting, physician.practice_category):
        return None
    question_ids = {item["question"] for item in prepared.paper.get("items", [])}
    if question_ids & {str(q) for q in exclude_question_ids}:
        return None
    changed = Question.objects.filter(pk__in=question_ids).filter(
        Q(deleted_at__isnull=False) | Q(updated_at__gt=prepared.created_at)
    )
    if changed.exists():
        return None
    return prepared


def prepared_count(*, sitting_id) -> int:
    return PreparedPaper.objects.filter(sitting_id=sitting_id, attempt__isnull=True).count()
