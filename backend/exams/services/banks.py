"""Writes of the question bank: banks, questions and their immutable versions.

Owner: every row is created for the caller's organisation (`actor.organization_id`); what another
organisation owns is reached through the selectors and so is a 404.
Versions: a change of what is asked (stem, options, answer key, explanation, sub-questions) makes a new
QuestionVersion and points the question at it; papers already drawn keep the version they drew. A change of
the classification only (specialty, practice category, difficulty, tags) edits the question in place.
Deleting a question removes it from future draws; its versions stay for the attempts that used them.
"""

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import audit_record
from core.actor import Actor
from core.errors import ApplicationError, Conflict
from exams.enums import SUB_KINDS, QuestionKind
from exams.models import Question, QuestionBank, QuestionVersion
from exams.selectors import banks as selectors

MAX_OPTIONS = 10
MAX_CASE_ITEMS = 20
PRACTICE_CATEGORIES = ("clinical", "tcm", "dental", "public_health")  # physicians.enums.PracticeCategory


def _bad(detail: str, code: str, attr: str) -> ApplicationError:
    return ApplicationError(detail, code=code, attr=attr)


def _choice_content(kind: str, options, answer, *, prefix: str = "") -> tuple[list, list]:
    """Normalised options [{"key", "text"}] and answer keys (sorted) of one single or multiple choice."""
    if not isinstance(options, list) or not 2 <= len(options) <= MAX_OPTIONS:
        raise _bad(
            _("选择题需要 2 至 %(n)d 个选项。") % {"n": MAX_OPTIONS}, "invalid_options", f"{prefix}options"
        )
    clean, keys = [], []
    for option in options:
        key = str((option or {}).get("key", "")).strip().upper() if isinstance(option, dict) else ""
        text = str(option.get("text", "")).strip() if isinstance(option, dict) else ""
        if not key or not text or len(key) > 4:
            raise _bad(_("每个选项都需要标号和内容。"), "invalid_options", f"{prefix}options")
        if key in keys:
            raise _bad(_("选项标号重复：%(key)s。") % {"key": key}, "duplicate_option", f"{prefix}options")
        keys.append(key)
        clean.append({"key": key, "text": text})
    if not isinstance(answer, list):
        raise _bad(_("请给出正确答案。"), "answer_required", f"{prefix}answer")
    chosen = sorted({str(a).strip().upper() for a in answer if str(a).strip()})
    if not chosen:
        raise _bad(_("请给出正确答案。"), "answer_required", f"{prefix}answer")
    if any(a not in keys for a in chosen):
        raise _bad(_("正确答案必须是已有的选项。"), "answer_not_an_option", f"{prefix}answer")
    if kind == QuestionKind.SINGLE and len(chosen) != 1:
        raise _bad(_("单选题只能有一个正确答案。"), "single_needs_one_answer", f"{prefix}answer")
    return clean, chosen


def question_content_validate(*, kind: str, content: dict) -> dict:
    """The content of a version (stem, options, answer, items, explanation), checked and normalised.
    Raises ApplicationError (code and attr name the problem) for the first mistake."""
    if kind not in QuestionKind.values:
        raise _bad(_("题型无效。"), "invalid_kind", "kind")
    stem = str(content.get("stem") or "").strip()
    if not stem:
        raise _bad(_("请填写题干。"), "stem_required", "stem")
    explanation = str(content.get("explanation") or "").strip()
    if kind != QuestionKind.CASE:
        options, answer = _choice_content(kind, content.get("options"), content.get("answer"))
        return {"stem": stem, "options": options, "answer": answer, "items": [], "explanation": explanation}
    items = content.get("items")
    if not isinstance(items, list) or not 1 <= len(items) <= MAX_CASE_ITEMS:
        raise _bad(_("组合题需要 1 至 %(n)d 个小题。") % {"n": MAX_CASE_ITEMS}, "invalid_case_items", "items")
    clean_items = []
    for i, item in enumerate(items):
        if not isinstance(item, dict) or item.get("kind") not in SUB_KINDS:
            raise _bad(_("组合题的小题只能是单选题或多选题。"), "invalid_case_items", f"items.{i}.kind")
        sub_stem = str(item.get("stem") or "").strip()
        if not sub_stem:
            raise _bad(_("请填写题干。"), "stem_required", f"items.{i}.stem")
        options, answer = _choice_content(
            item["kind"], item.get("options"), item.get("answer"), prefix=f"items.{i}."
        )
        clean_items.append(
            {
                "kind": item["kind"],
                "stem": sub_stem,
                "options": options,
                "answer": answer,
                "explanation": str(item.get("explanation") or "").strip(),
            }
        )
    return {"stem": stem, "options": [], "answer": [], "items": clean_items, "explanation": explanation}


def classification_validate(data: dict) -> dict:
    clean = {}
    if "practice_category" in data:
        category = data["practice_category"] or ""
        if category and category not in PRACTICE_CATEGORIES:
            raise _bad(_("执业类别无效。"), "invalid_practice_category", "practice_category")
        clean["practice_category"] = category
    if "tags" in data:
        tags = data["tags"] or []
        clean["tags"] = sorted({str(t).strip()[:32] for t in tags if str(t).strip()})[:20]
    for field in ("specialty", "difficulty"):
        if field in data:
            clean[field] = data[field]
    return clean


def _require_org(actor: Actor) -> None:
    if actor is None or actor.organization_id is None:
        raise ApplicationError(_("您没有所属机构。"), code="no_organization")


# --- banks ------------------------------------------------------------------------------------------


@transaction.atomic
def bank_create(*, actor: Actor, user, name: str, purpose: str, description: str = "", request=None):
    _require_org(actor)
    if QuestionBank.objects.filter(owner_id=actor.organization_id, name=name).exists():
        raise Conflict(_("已有同名题库。"), code="duplicate_bank_name", attr="name")
    bank = QuestionBank.objects.create(
        owner_id=actor.organization_id,
        name=name,
        purpose=purpose,
        description=description,
        created_by=user,
    )
    audit_record(
        action="exams.bank_created",
        actor=user,
        request=request,
        organization_id=actor.organization_id,
        target=bank,
        data={"name": name, "purpose": purpose},
    )
    return bank


@transaction.atomic
def bank_update(*, actor: Actor, user, bank_id, request=None, **changes) -> QuestionBank:
    """Rename or describe a bank. The purpose is fixed once questions are in it (practice never draws from
    an exam bank, so a bank cannot change sides with its questions)."""
    bank = selectors.bank_get_for_actor(actor=actor, bank_id=bank_id, for_update=True)
    if "purpose" in changes and changes["purpose"] != bank.purpose and bank.questions.exists():
        raise Conflict(_("题库中已有题目，不能更改用途。"), code="bank_purpose_fixed", attr="purpose")
    name = changes.get("name")
    if name and name != bank.name and QuestionBank.objects.filter(owner_id=bank.owner_id, name=name).exists():
        raise Conflict(_("已有同名题库。"), code="duplicate_bank_name", attr="name")
    for field, value in changes.items():
        setattr(bank, field, value)
    bank.save()
    audit_record(
        action="exams.bank_updated",
        actor=user,
        request=request,
        organization_id=bank.owner_id,
        target=bank,
        data={k: str(v) for k, v in changes.items()},
    )
    return bank


@transaction.atomic
def bank_delete(*, actor: Actor, user, bank_id, request=None) -> None:
    bank = selectors.bank_get_for_actor(actor=actor, bank_id=bank_id, for_update=True)
    if bank.questions.exists() or bank.blueprints.exists():
        raise Conflict(_("题库中已有题目或组卷方案，不能删除。"), code="bank_in_use")
    audit_record(
        action="exams.bank_deleted",
        actor=user,
        request=request,
        organization_id=bank.owner_id,
        target=bank,
        data={"name": bank.name},
    )
    bank.delete()


# --- questions ----------------------------------------------------------------------------------------


def _new_version(question: Question, content: dict, user, number: int) -> QuestionVersion:
    return QuestionVersion.objects.create(
        owner_id=question.owner_id, question=question, number=number, created_by=user, **content
    )


def question_store(*, bank: QuestionBank, user, kind: str, content: dict, classification: dict) -> Question:
    """Create a question with its first version from checked data (used by the API and the import)."""
    question = Question.objects.create(
        owner_id=bank.owner_id, bank=bank, kind=kind, created_by=user, **classification
    )
    question.current = _new_version(question, content, user, 1)
    question.save(update_fields=["current"])
    return question


@transaction.atomic
def question_create(
    *, actor: Actor, user, bank_id, kind: str, content: dict, classification: dict, request=None
) -> Question:
    bank = selectors.bank_get_for_actor(actor=actor, bank_id=bank_id)
    content = question_content_validate(kind=kind, content=content)
    question = question_store(
        bank=bank,
        user=user,
        kind=kind,
        content=content,
        classification=classification_validate(classification),
    )
    audit_record(
        action="exams.question_created",
        actor=user,
        request=request,
        organization_id=bank.owner_id,
        target=question,
        data={"bank": str(bank.id), "kind": kind},
    )
    return question


CONTENT_FIELDS = ("stem", "options", "answer", "items", "explanation")


@transaction.atomic
def question_update(
    *, actor: Actor, user, question_id, content: dict | None, classification: dict, request=None
) -> Question:
    """Change a question. New content makes a new version (numbered on); the kind never changes (a different
    kind is a different question)."""
    question = selectors.question_get_for_actor(actor=actor, question_id=question_id, for_update=True)
    changed = []
    if content:
        current = question.current
        merged = {f: content.get(f, getattr(current, f)) for f in CONTENT_FIELDS}
        merged = question_content_validate(kind=question.kind, content=merged)
        if any(merged[f] != getattr(current, f) for f in CONTENT_FIELDS):
            last = question.versions.order_by("-number").values_list("number", flat=True).first() or 0
            question.current = _new_version(question, merged, user, last + 1)
            changed.append("content")
    for field, value in classification_validate(classification).items():
        if getattr(question, field) != value:
            setattr(question, field, value)
            changed.append(field)
    if changed:
        question.save()
        audit_record(
            action="exams.question_updated",
            actor=user,
            request=request,
            organization_id=question.owner_id,
            target=question,
            data={"changed": changed, "version": question.current.number},
        )
    return question


@transaction.atomic
def question_delete(*, actor: Actor, user, question_id, request=None) -> None:
    question = selectors.question_get_for_actor(actor=actor, question_id=question_id, for_update=True)
    question.deleted_at = timezone.now()
    question.save(update_fields=["deleted_at", "updated_at"])
    audit_record(
        action="exams.question_deleted",
        actor=user,
        request=request,
        organization_id=question.owner_id,
        target=question,
    )


def bank_for_import(*, actor: Actor, bank_id) -> QuestionBank:
    return selectors.bank_get_for_actor(actor=actor, bank_id=bank_id)


@transaction.atomic
def questions_import_store(*, bank: QuestionBank, user, rows: list[dict]) -> int:
    """Store checked rows (see exams.jobs) in one transaction: all or nothing."""
    try:
        for row in rows:
            question_store(
                bank=bank,
                user=user,
                kind=row["kind"],
                content=row["content"],
                classification=row["classification"],
            )
    except IntegrityError as exc:  # pragma: no cover - a concurrent change; the job reports it
        raise Conflict() from exc
    return len(rows)
