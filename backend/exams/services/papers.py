"""Blueprints, sittings, make-up grants, and the drawing of a paper for one attempt.

The draw (`paper_draw`) is a pure function of the blueprint, the pool of questions, the seed, the physician's
practice category and the questions to avoid: `random.Random(seed)` samples each rule's pool (ordered by id)
and then shuffles the options. The seed is stored on the attempt, and so is the drawn paper.

Opaque IDs: each question and option reaches the client as HMAC-SHA256(attempt secret, version id [, sub
index, option key]) cut to 16 hex digits. The secret is random per attempt and never leaves the server, so
an answer list keyed by the IDs of one attempt says nothing about another.
"""

import hashlib
import hmac
import random
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils.translation import gettext as _

from audit.services import audit_record
from core.actor import Actor
from core.errors import ApplicationError, Conflict
from exams.enums import BankPurpose, Difficulty, QuestionKind
from exams.models import Blueprint, MakeupGrant, Sitting
from exams.selectors import attempts as attempt_selectors
from exams.selectors import banks as selectors

MAX_RULES = 30
MAX_COUNT = 500


def _bad(detail, code, attr) -> ApplicationError:
    return ApplicationError(detail, code=code, attr=attr)


def rules_validate(rules) -> list[dict]:
    """Blueprint rules, checked and normalised (points as strings of decimals)."""
    if not isinstance(rules, list) or not 1 <= len(rules) <= MAX_RULES:
        raise _bad(_("组卷方案需要 1 至 %(n)d 条规则。") % {"n": MAX_RULES}, "invalid_rules", "rules")
    clean = []
    for i, rule in enumerate(rules):
        if not isinstance(rule, dict) or rule.get("kind") not in QuestionKind.values:
            raise _bad(_("题型无效。"), "invalid_kind", f"rules.{i}.kind")
        try:
            count = int(rule.get("count"))
            points = Decimal(str(rule.get("points")))
        except (TypeError, ValueError, InvalidOperation) as exc:
            raise _bad(_("题数和分值必须是数字。"), "invalid_rules", f"rules.{i}") from exc
        if not 1 <= count <= MAX_COUNT:
            raise _bad(
                _("题数须在 1 至 %(n)d 之间。") % {"n": MAX_COUNT}, "invalid_count", f"rules.{i}.count"
            )
        if not Decimal("0") < points <= Decimal("100") or points.as_tuple().exponent < -2:
            raise _bad(_("分值须大于 0、不超过 100，最多两位小数。"), "invalid_points", f"rules.{i}.points")
        difficulty = rule.get("difficulty")
        if difficulty not in (None, "") and int(difficulty) not in Difficulty.values:
            raise _bad(_("难度无效。"), "invalid_difficulty", f"rules.{i}.difficulty")
        clean.append(
            {
                "kind": rule["kind"],
                "count": count,
                "points": str(points),
                "specialty": str(rule.get("specialty") or "").strip(),
                "difficulty": int(difficulty) if difficulty not in (None, "") else None,
            }
        )
    return clean


def total_points(rules) -> Decimal:
    """Every paper of a blueprint is worth the same: a rule gives count x points (a case group's points are
    shared equally by its sub-questions, see services.grading)."""
    return sum((rule["count"] * Decimal(rule["points"]) for rule in rules), Decimal("0"))


def _check_pass_mark(pass_mark: Decimal, rules) -> None:
    if not Decimal("0") <= pass_mark <= total_points(rules):
        raise _bad(_("及格分须在 0 与总分之间。"), "invalid_pass_mark", "pass_mark")


@transaction.atomic
def blueprint_create(*, actor: Actor, user, bank_id, request=None, **data) -> Blueprint:
    bank = selectors.bank_get_for_actor(actor=actor, bank_id=bank_id)
    if bank.purpose != BankPurpose.EXAM:
        raise _bad(_("考试只能从考试题库组卷。"), "not_an_exam_bank", "bank")
    data["rules"] = rules_validate(data.get("rules"))
    _check_pass_mark(data["pass_mark"], data["rules"])
    blueprint = Blueprint.objects.create(owner_id=bank.owner_id, bank=bank, created_by=user, **data)
    audit_record(
        action="exams.blueprint_created",
        actor=user,
        request=request,
        organization_id=bank.owner_id,
        target=blueprint,
        data={"name": blueprint.name},
    )
    return blueprint


@transaction.atomic
def blueprint_update(*, actor: Actor, user, blueprint_id, request=None, **changes) -> Blueprint:
    """Edit a blueprint. Papers already drawn keep what they drew; new attempts use the new rules."""
    blueprint = selectors.blueprint_get_for_actor(actor=actor, blueprint_id=blueprint_id, for_update=True)
    if "rules" in changes:
        changes["rules"] = rules_validate(changes["rules"])
    for field, value in changes.items():
        setattr(blueprint, field, value)
    _check_pass_mark(Decimal(blueprint.pass_mark), blueprint.rules)
    blueprint.save()
    audit_record(
        action="exams.blueprint_updated",
        actor=user,
        request=request,
        organization_id=blueprint.owner_id,
        target=blueprint,
        data={"changed": sorted(changes)},
    )
    return blueprint


def _check_window(opens_at, closes_at) -> None:
    if closes_at <= opens_at:
        raise _bad(_("结束时间须晚于开始时间。"), "invalid_window", "closes_at")


@transaction.atomic
def sitting_create(
    *, actor: Actor, user, blueprint_id, cycle_id=None, makeup_of_id=None, request=None, **data
) -> Sitting:
    blueprint = selectors.blueprint_get_for_actor(actor=actor, blueprint_id=blueprint_id)
    _check_window(data["opens_at"], data["closes_at"])
    if cycle_id is not None:
        attempt_selectors.cycle_check(cycle_id=cycle_id)
    if makeup_of_id is not None:
        selectors.sitting_get_for_actor(actor=actor, sitting_id=makeup_of_id)
    sitting = Sitting.objects.create(
        owner_id=blueprint.owner_id,
        blueprint=blueprint,
        cycle_id=cycle_id,
        makeup_of_id=makeup_of_id,
        created_by=user,
        **data,
    )
    audit_record(
        action="exams.sitting_created",
        actor=user,
        request=request,
        organization_id=sitting.owner_id,
        target=sitting,
        data={"name": sitting.name, "cycle": str(cycle_id or "")},
    )
    return sitting


@transaction.atomic
def sitting_update(*, actor: Actor, user, sitting_id, request=None, **changes) -> Sitting:
    """Change the name or the window (e.g. extend it). The blueprint may change only before anyone started."""
    sitting = selectors.sitting_get_for_actor(actor=actor, sitting_id=sitting_id, for_update=True)
    if "blueprint_id" in changes:
        blueprint = selectors.blueprint_get_for_actor(actor=actor, blueprint_id=changes.pop("blueprint_id"))
        if blueprint.id != sitting.blueprint_id and sitting.attempts.exists():
            raise Conflict(_("已有考生作答，不能更换组卷方案。"), code="sitting_started", attr="blueprint")
        sitting.blueprint = blueprint
    for field, value in changes.items():
        setattr(sitting, field, value)
    _check_window(sitting.opens_at, sitting.closes_at)
    sitting.save()
    audit_record(
        action="exams.sitting_updated",
        actor=user,
        request=request,
        organization_id=sitting.owner_id,
        target=sitting,
        data={"changed": sorted(changes)},
    )
    return sitting


@transaction.atomic
def makeup_grant(*, actor: Actor, user, sitting_id, physician_id, reason: str = "", request=None):
    """One more attempt in the sitting for a physician who has used theirs. Its paper avoids the questions of
    the physician's earlier attempts."""
    sitting = selectors.sitting_get_for_actor(actor=actor, sitting_id=sitting_id, for_update=True)
    attempts = attempt_selectors.attempts_of(sitting_id=sitting.id, physician_id=physician_id)
    if not attempts:
        raise _bad(_("该医师在本场考试中没有作答记录。"), "no_attempt", "physician")
    if any(a.status == "in_progress" for a in attempts):
        raise Conflict(_("该医师正在作答。"), code="attempt_in_progress", attr="physician")
    grants = MakeupGrant.objects.filter(sitting=sitting, physician_id=physician_id).count()
    if grants + 1 > len(attempts):
        raise Conflict(_("该医师已有未使用的补考机会。"), code="makeup_already_granted", attr="physician")
    grant = MakeupGrant.objects.create(
        owner_id=sitting.owner_id,
        sitting=sitting,
        physician_id=physician_id,
        reason=reason,
        granted_by=user,
    )
    audit_record(
        action="exams.makeup_granted",
        actor=user,
        request=request,
        organization_id=sitting.owner_id,
        target=grant,
        data={"sitting": str(sitting.id), "physician": str(physician_id), "reason": reason},
    )
    return grant


# --- the draw ---------------------------------------------------------------------------------------


def opaque(secret: str, *parts) -> str:
    return hmac.new(
        bytes.fromhex(secret), "|".join(str(p) for p in parts).encode(), hashlib.sha256
    ).hexdigest()[:16]


def paper_draw(
    *, blueprint: Blueprint, seed: int, practice_category: str, exclude_question_ids=(), cache=None
) -> list[dict]:
    """The questions of one paper, in order, with the option order: [{"question", "version", "kind",
    "points", "options": [keys...]} | {..., "kind": "case", "subs": [{"index", "kind", "options"}]}].
    Raises Conflict `insufficient_questions` when a rule's pool is too small. `cache` (a dict the caller
    keeps) reuses pools and versions across many draws of one blueprint (services.prepared); the draw is
    the same with or without it."""
    rng = random.Random(seed)  # noqa: S311 - reproducible order, not secrecy (the IDs use HMAC)
    taken = {str(q) for q in exclude_question_ids}
    drawn = []
    for i, rule in enumerate(blueprint.rules):
        pool_args = {
            "bank_id": blueprint.bank_id,
            "kind": rule["kind"],
            "practice_category": practice_category,
            "specialty": rule.get("specialty") or "",
            "difficulty": rule.get("difficulty"),
        }
        if cache is None:
            full = selectors.question_pool(**pool_args)
        else:
            key = ("pool", *pool_args.values())
            if key not in cache:
                cache[key] = selectors.question_pool(**pool_args)
            full = cache[key]
        pool = [(str(qid), str(vid)) for qid, vid in full if str(qid) not in taken]
        if len(pool) < rule["count"]:
            raise Conflict(
                _("题库中符合组卷规则的题目不足，请联系考试组织方。"),
                code="insufficient_questions",
                attr=f"rules.{i}",
            )
        for qid, vid in rng.sample(pool, rule["count"]):
            taken.add(qid)
            drawn.append({"question": qid, "version": vid, "kind": rule["kind"], "points": rule["points"]})
    if cache is None:
        versions = selectors.versions_by_id(d["version"] for d in drawn)
    else:
        known = cache.setdefault("versions", {})
        missing = {d["version"] for d in drawn} - {str(k) for k in known}
        if missing:
            known.update(selectors.versions_by_id(missing))
        versions = known
    for item in drawn:
        version = versions[_uuid(item["version"])]
        if item["kind"] == QuestionKind.CASE:
            item["subs"] = []
            for index, sub in enumerate(version.items):
                keys = [o["key"] for o in sub["options"]]
                if blueprint.shuffle_options:
                    rng.shuffle(keys)
                item["subs"].append({"index": index, "kind": sub["kind"], "options": keys})
        else:
            keys = [o["key"] for o in version.options]
            if blueprint.shuffle_options:
                rng.shuffle(keys)
            item["options"] = keys
    return drawn


def _uuid(value):
    import uuid

    return uuid.UUID(str(value))


def paper_with_ids(drawn: list[dict], secret: str) -> dict:
    """The stored paper: the draw with the opaque IDs of this attempt."""
    items = []
    for item in drawn:
        v = item["version"]
        out = {**item, "id": opaque(secret, "q", v)}
        if item["kind"] == QuestionKind.CASE:
            out["subs"] = [
                {
                    **sub,
                    "id": opaque(secret, "q", v, sub["index"]),
                    "options": [[opaque(secret, "o", v, sub["index"], k), k] for k in sub["options"]],
                }
                for sub in item["subs"]
            ]
        else:
            out["options"] = [[opaque(secret, "o", v, k), k] for k in item["options"]]
        items.append(out)
    return {"items": items}
