"""Assessment cycles and their versioned settings (考核设置, province only).

- A cycle is created as a draft, published (activated: `active`, one at a time) and closed; a closed cycle
  and every settings version it had stay readable.
- Settings are versioned: `settings_version_create` validates a complete new version, stores it with the
  next number and makes it the one in force (`cycle.settings`). An old version is never edited, so whatever
  was decided under it (an enrolment, a score, a result) keeps pointing at what held then.
- Every write is audited in its transaction (`assessment.cycle_*`, `assessment.cycle_settings_created`).

Errors: 403 without Perm.ASSESSMENT_SETTINGS (the views check it, the services again); 404 unknown cycle;
409 `cycle_closed` (no change to a closed cycle), `cycle_not_draft` / `cycle_not_active` (activate, close),
`another_cycle_active`, `settings_required` (activate without settings), `cycle_code_taken`; 400 with `attr`
for an invalid settings version (see `settings_validate`).
"""

import uuid
from datetime import date
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from accounts.permissions import Perm
from assessment.enums import Component, CycleStatus, Phase, Procedure
from assessment.models import Cycle, CycleSettings
from assessment.selectors import cycles as selectors
from assessment.services.reports import FORMS
from audit.services import audit_record
from core.actor import Actor
from core.errors import ApplicationError, Conflict, PermissionDenied

PHASE_ORDER = [p.value for p in Phase]
# Each phase of the chain opens no earlier than the one before it; the make-up and the confirmation of
# results open no earlier than the competence test (the last of the first five present).
PHASE_CHAIN = [
    Phase.SELF_REPORT.value,
    Phase.DEPARTMENT_RATING.value,
    Phase.INSTITUTION_REVIEW.value,
    Phase.BODY_REVIEW.value,
    Phase.COMPETENCE_TEST.value,
    Phase.MAKEUP.value,
    Phase.CONFIRMATION.value,
]
PHASES_AFTER_TEST = {Phase.MAKEUP.value, Phase.CONFIRMATION.value}
SIMPLIFIED_RULE_KEYS = {"enabled", "min_practice_years", "max_adverse_records", "titles"}
EXEMPTION_RULE_KEYS = {"enabled", "reasons", "attachment_required"}
RESULT_LEVEL_KEYS = {"excellent", "pass"}
COMPONENT_KEYS = {"component", "weight", "procedures"}
SCORED_PROCEDURES = {Procedure.GENERAL.value, Procedure.SIMPLIFIED.value}


def _require(actor: Actor | None) -> None:
    if actor is None or not actor.has(Perm.ASSESSMENT_SETTINGS):
        raise PermissionDenied()


def _audit(action: str, *, actor: Actor, user, request, cycle: Cycle, data: dict | None = None) -> None:
    audit_record(
        action=action,
        actor=user,
        request=request,
        organization_id=actor.organization_id,
        region_path=actor.region_path or "",
        target=cycle,
        data=data,
    )


def _bad(detail, code: str, attr: str) -> ApplicationError:
    return ApplicationError(detail, code=code, attr=attr)


def _check_dates(starts_on: date, ends_on: date) -> None:
    if starts_on > ends_on:
        raise _bad(_("周期开始日期不能晚于结束日期。"), "invalid_period", "ends_on")


# --- cycles -------------------------------------------------------------------------------------------


@transaction.atomic
def cycle_create(
    *, actor: Actor, user, code: str, name: str, starts_on: date, ends_on: date, request=None
) -> Cycle:
    """A new cycle as a draft, without settings yet (the first version is made with settings_version_create).
    Audited: `assessment.cycle_created`."""
    _require(actor)
    _check_dates(starts_on, ends_on)
    code = code.strip()
    if Cycle.objects.filter(code=code).exists():
        raise Conflict(_("考核周期编号已存在。"), code="cycle_code_taken")
    try:
        with transaction.atomic():
            cycle = Cycle.objects.create(
                code=code, name=name.strip(), starts_on=starts_on, ends_on=ends_on, created_by=user
            )
    except IntegrityError as exc:  # a concurrent create of the same code
        raise Conflict(_("考核周期编号已存在。"), code="cycle_code_taken") from exc
    _audit(
        "assessment.cycle_created",
        actor=actor,
        user=user,
        request=request,
        cycle=cycle,
        data={"code": code, "name": cycle.name},
    )
    return cycle


@transaction.atomic
def cycle_update(*, actor: Actor, user, cycle_id, request=None, **fields) -> Cycle:
    """Change the name or the period of a cycle that is not closed (the code only while a draft).
    Audited: `assessment.cycle_updated` with the changed fields."""
    _require(actor)
    cycle = selectors.cycle_get(actor=actor, cycle_id=cycle_id, for_update=True)
    if cycle.status == CycleStatus.CLOSED:
        raise Conflict(_("考核周期已结束，不能修改。"), code="cycle_closed")
    changed = {}
    for name in ("code", "name", "starts_on", "ends_on"):
        if name not in fields or fields[name] is None:
            continue
        value = fields[name].strip() if isinstance(fields[name], str) else fields[name]
        if getattr(cycle, name) != value:
            changed[name] = value
    if "code" in changed:
        if cycle.status != CycleStatus.DRAFT:
            raise Conflict(_("考核周期发布后不能修改编号。"), code="cycle_not_draft")
        if Cycle.objects.filter(code=changed["code"]).exclude(pk=cycle.pk).exists():
            raise Conflict(_("考核周期编号已存在。"), code="cycle_code_taken")
    _check_dates(changed.get("starts_on", cycle.starts_on), changed.get("ends_on", cycle.ends_on))
    if changed:
        for name, value in changed.items():
            setattr(cycle, name, value)
        cycle.save(update_fields=[*changed, "updated_at"])
        _audit(
            "assessment.cycle_updated",
            actor=actor,
            user=user,
            request=request,
            cycle=cycle,
            data={k: str(v) for k, v in changed.items()},
        )
    return cycle


@transaction.atomic
def cycle_activate(*, actor: Actor, user, cycle_id, request=None) -> Cycle:
    """Publish a draft cycle: it becomes the one in progress (enrolment opens). It needs settings in force,
    and no other cycle may be in progress (close that one first). Audited: `assessment.cycle_activated`."""
    _require(actor)
    cycle = selectors.cycle_get(actor=actor, cycle_id=cycle_id, for_update=True)
    if cycle.status != CycleStatus.DRAFT:
        raise Conflict(_("只有未发布的考核周期可以发布。"), code="cycle_not_draft")
    if cycle.settings_id is None:
        raise Conflict(_("请先保存考核设置再发布。"), code="settings_required")
    # Lock whatever is active now, so two publications at once cannot both pass the check.
    other = Cycle.objects.select_for_update().filter(status=CycleStatus.ACTIVE).exclude(pk=cycle.pk).first()
    if other is not None:
        raise Conflict(
            _("已有进行中的考核周期“%(name)s”，请先结束该周期。") % {"name": other.name},
            code="another_cycle_active",
        )
    cycle.status = CycleStatus.ACTIVE
    try:
        with transaction.atomic():
            cycle.save(update_fields=["status", "updated_at"])
    except IntegrityError as exc:  # the one-active constraint: another publication won the race
        raise Conflict(_("已有进行中的考核周期。"), code="another_cycle_active") from exc
    _audit("assessment.cycle_activated", actor=actor, user=user, request=request, cycle=cycle)
    return cycle


@transaction.atomic
def cycle_close(*, actor: Actor, user, cycle_id, request=None) -> Cycle:
    """Close the cycle in progress: no more enrolments or settings changes; everything stays readable.
    Audited: `assessment.cycle_closed`."""
    _require(actor)
    cycle = selectors.cycle_get(actor=actor, cycle_id=cycle_id, for_update=True)
    if cycle.status != CycleStatus.ACTIVE:
        raise Conflict(_("只有进行中的考核周期可以结束。"), code="cycle_not_active")
    cycle.status = CycleStatus.CLOSED
    cycle.save(update_fields=["status", "updated_at"])
    _audit("assessment.cycle_closed", actor=actor, user=user, request=request, cycle=cycle)
    return cycle


# --- settings versions --------------------------------------------------------------------------------


def _parse_date(value, attr: str) -> date:
    try:
        return date.fromisoformat(str(value))
    except (TypeError, ValueError) as exc:
        raise _bad(_("日期格式须为 YYYY-MM-DD。"), "invalid_date", attr) from exc


def _last_present(clean: dict, keys: list[str]) -> str | None:
    present = [k for k in keys if k in clean]
    return present[-1] if present else None


def _validate_phases(phases) -> dict:
    """Known phases, each {"opens", "closes"} with opens <= closes; in the order of the flow, no phase opens
    before the one it follows."""
    if not isinstance(phases, dict):
        raise _bad(_("阶段设置格式不正确。"), "invalid_phases", "phases")
    clean = {}
    for key, window in phases.items():
        attr = f"phases.{key}"
        if key not in PHASE_ORDER:
            raise _bad(_("未知的考核阶段：%(phase)s。") % {"phase": key}, "unknown_phase", attr)
        if not isinstance(window, dict) or set(window) - {"opens", "closes"}:
            raise _bad(_("阶段须包含开始和截止日期。"), "invalid_phases", attr)
        opens = _parse_date(window.get("opens"), f"{attr}.opens")
        closes = _parse_date(window.get("closes"), f"{attr}.closes")
        if opens > closes:
            raise _bad(_("阶段的开始日期不能晚于截止日期。"), "phase_window_inverted", attr)
        clean[key] = {"opens": opens.isoformat(), "closes": closes.isoformat()}
    previous = None
    for key in PHASE_CHAIN:
        if key not in clean:
            continue
        # the make-up and the result confirmation both follow the test, in either order
        after = previous if key not in PHASES_AFTER_TEST else _last_present(clean, PHASE_CHAIN[:5])
        if after is not None and clean[key]["opens"] < clean[after]["opens"]:
            raise _bad(
                _("“%(phase)s”不能早于“%(previous)s”开始。")
                % {"phase": Phase(key).label, "previous": Phase(after).label},
                "phase_order",
                f"phases.{key}",
            )
        if key not in PHASES_AFTER_TEST:
            previous = key
    return dict(sorted(clean.items(), key=lambda kv: PHASE_ORDER.index(kv[0])))


def _number(value, attr: str) -> Decimal:
    if isinstance(value, bool):
        raise _bad(_("须为数字。"), "invalid_number", attr)
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError) as exc:
        raise _bad(_("须为数字。"), "invalid_number", attr) from exc
    if not number.is_finite():
        raise _bad(_("须为数字。"), "invalid_number", attr)
    return number


def _validate_components(components) -> list:
    """Known scored components, once each, positive weights that add up to 100, procedures they apply to."""
    if not isinstance(components, list) or not components:
        raise _bad(_("请设置计分项目及其权重。"), "components_required", "components")
    clean, seen, total = [], set(), Decimal(0)
    for i, item in enumerate(components):
        attr = f"components.{i}"
        if not isinstance(item, dict) or set(item) - COMPONENT_KEYS:
            raise _bad(_("计分项目格式不正确。"), "invalid_component", attr)
        component = item.get("component")
        if component not in Component.values:
            raise _bad(
                _("未知的计分项目：%(c)s。") % {"c": component}, "unknown_component", f"{attr}.component"
            )
        if component in seen:
            raise _bad(_("计分项目不能重复。"), "duplicate_component", f"{attr}.component")
        seen.add(component)
        weight = _number(item.get("weight"), f"{attr}.weight")
        if weight <= 0 or weight > 100:
            raise _bad(_("权重须大于 0 且不超过 100。"), "invalid_weight", f"{attr}.weight")
        procedures = item.get("procedures", [Procedure.GENERAL.value])
        if (
            not isinstance(procedures, list)
            or not procedures
            or any(p not in SCORED_PROCEDURES for p in procedures)
        ):
            raise _bad(_("适用程序须为一般程序或简易程序。"), "invalid_procedures", f"{attr}.procedures")
        total += weight
        clean.append(
            {
                "component": component,
                "weight": int(weight) if weight == weight.to_integral() else float(weight),
                "procedures": list(dict.fromkeys(procedures)),
            }
        )
    if total != 100:
        raise _bad(
            _("各计分项目的权重之和须为 100，目前为 %(total)s。") % {"total": f"{total.normalize():f}"},
            "weights_not_100",
            "components",
        )
    return clean


def _validate_result_levels(levels) -> dict:
    """{"pass": n} and optionally {"excellent": m} with 0 < pass < excellent <= 100."""
    if not isinstance(levels, dict) or set(levels) - RESULT_LEVEL_KEYS or "pass" not in levels:
        raise _bad(_("请设置合格分数线。"), "invalid_result_levels", "result_levels")
    passing = _number(levels["pass"], "result_levels.pass")
    if passing <= 0 or passing > 100:
        raise _bad(_("合格分数线须大于 0 且不超过 100。"), "invalid_result_levels", "result_levels.pass")
    clean = {"pass": int(passing) if passing == passing.to_integral() else float(passing)}
    if levels.get("excellent") is not None:
        excellent = _number(levels["excellent"], "result_levels.excellent")
        if excellent <= passing or excellent > 100:
            raise _bad(
                _("优秀分数线须高于合格分数线且不超过 100。"),
                "invalid_result_levels",
                "result_levels.excellent",
            )
        clean["excellent"] = int(excellent) if excellent == excellent.to_integral() else float(excellent)
    return clean


def _non_negative_int(value, attr: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise _bad(_("须为不小于 0 的整数。"), "invalid_rule", attr)
    return value


def _text_list(value, attr: str) -> list[str]:
    if not isinstance(value, list) or any(not isinstance(v, str) or not v.strip() for v in value):
        raise _bad(_("须为文字列表。"), "invalid_rule", attr)
    return list(dict.fromkeys(v.strip() for v in value))


def _bool(value, attr: str) -> bool:
    if not isinstance(value, bool):
        raise _bad(_("须为是或否。"), "invalid_rule", attr)
    return value


def _validate_simplified_rules(rules) -> dict:
    if not isinstance(rules, dict) or set(rules) - SIMPLIFIED_RULE_KEYS:
        raise _bad(_("简易程序条件格式不正确。"), "invalid_rule", "simplified_rules")
    clean = {}
    if "enabled" in rules:
        clean["enabled"] = _bool(rules["enabled"], "simplified_rules.enabled")
    for key in ("min_practice_years", "max_adverse_records"):
        if rules.get(key) is not None:
            clean[key] = _non_negative_int(rules[key], f"simplified_rules.{key}")
    if rules.get("titles"):
        clean["titles"] = _text_list(rules["titles"], "simplified_rules.titles")
    return clean


def _validate_exemption_rules(rules) -> dict:
    if not isinstance(rules, dict) or set(rules) - EXEMPTION_RULE_KEYS:
        raise _bad(_("免考条件格式不正确。"), "invalid_rule", "exemption_rules")
    clean = {}
    if "enabled" in rules:
        clean["enabled"] = _bool(rules["enabled"], "exemption_rules.enabled")
    if "reasons" in rules:
        clean["reasons"] = _text_list(rules["reasons"], "exemption_rules.reasons")
    if "attachment_required" in rules:
        clean["attachment_required"] = _bool(
            rules["attachment_required"], "exemption_rules.attachment_required"
        )
    return clean


def _validate_forms(forms) -> dict:
    """Free-form display settings of the self-report; `required` (when given) names known forms."""
    if not isinstance(forms, dict):
        raise _bad(_("填报表单设置格式不正确。"), "invalid_forms", "forms")
    if "required" in forms:
        required = forms["required"]
        if not isinstance(required, list) or any(name not in FORMS for name in required):
            raise _bad(
                _("必填表单须为以下之一：%(names)s。") % {"names": "、".join(FORMS)},
                "invalid_forms",
                "forms.required",
            )
        forms = {**forms, "required": list(dict.fromkeys(required))}
    return forms


def settings_validate(data: dict) -> dict:
    """A complete settings version, checked and normalised. Raises ApplicationError (400) naming the first
    wrong field in `attr` (e.g. `components` with `weights_not_100`, `phases.self_report` with
    `phase_window_inverted`, `result_levels.excellent`)."""
    clean = {
        "phases": _validate_phases(data.get("phases") or {}),
        "components": _validate_components(data.get("components")),
        "result_levels": _validate_result_levels(data.get("result_levels")),
        "simplified_rules": _validate_simplified_rules(data.get("simplified_rules") or {}),
        "exemption_rules": _validate_exemption_rules(data.get("exemption_rules") or {}),
        "forms": _validate_forms(data.get("forms") or {}),
        "department_rating": bool(data.get("department_rating", True)),
        "body_review": bool(data.get("body_review", True)),
        "makeup_allowed": bool(data.get("makeup_allowed", True)),
        "publicity_days": int(data.get("publicity_days", 7)),
        "exam_blueprint_id": data.get("exam_blueprint_id"),
    }
    if not 0 <= clean["publicity_days"] <= 60:
        raise _bad(_("公示天数须在 0 到 60 之间。"), "invalid_publicity_days", "publicity_days")
    if clean["exam_blueprint_id"] is not None and not isinstance(clean["exam_blueprint_id"], uuid.UUID):
        try:
            clean["exam_blueprint_id"] = uuid.UUID(str(clean["exam_blueprint_id"]))
        except ValueError as exc:
            raise _bad(_("试卷蓝图编号格式不正确。"), "invalid_blueprint", "exam_blueprint_id") from exc
    return clean


@transaction.atomic
def settings_version_create(
    *, actor: Actor, user, cycle_id, note: str, request=None, **data
) -> CycleSettings:
    """Store a new settings version (the next number) and put it in force. Earlier versions stay as they
    were, as do the enrolments, scores and results that point at them. Refused for a closed cycle
    (`cycle_closed`). Audited: `assessment.cycle_settings_created` with the version and the note."""
    _require(actor)
    cycle = selectors.cycle_get(actor=actor, cycle_id=cycle_id, for_update=True)  # serialises versions
    if cycle.status == CycleStatus.CLOSED:
        raise Conflict(_("考核周期已结束，不能修改考核设置。"), code="cycle_closed")
    note = (note or "").strip()
    if not note:
        raise _bad(_("请填写本次修改考核设置的说明。"), "note_required", "note")
    clean = settings_validate(data)
    version = CycleSettings.objects.create(
        cycle=cycle,
        version=selectors.settings_latest_version(cycle=cycle) + 1,
        note=note[:255],
        created_by=user,
        **clean,
    )
    previous = cycle.settings_id
    cycle.settings = version
    cycle.save(update_fields=["settings", "updated_at"])
    _audit(
        "assessment.cycle_settings_created",
        actor=actor,
        user=user,
        request=request,
        cycle=cycle,
        data={
            "version": version.version,
            "settings_id": str(version.pk),
            "previous_settings_id": str(previous) if previous else None,
            "note": version.note,
        },
    )
    return version
