"""The auto-approval rule format: data, never code (no eval).

    rule      := {"all": [node, ...]} | {"any": [node, ...]}
    node      := rule | condition
    condition := {"fact": "<name>", "op": "<op>", "value": <json>}

ops: eq, ne, in, not_in (value is a list), gt, gte, lt, lte (numbers), is_true, is_false (no value).
A fact missing from the request's facts, or of a type the op cannot compare, makes the condition false:
a rule never passes by accident. `validate` is called when a chain is saved; `evaluate` when a step
becomes current. Example: an attending title or above, and the exam passed:

    {"all": [{"fact": "applicant_title", "op": "in", "value": ["主任医师", "副主任医师"]},
             {"fact": "passed_exam", "op": "is_true"}]}
"""

import re

from django.utils.translation import gettext as _

from core.errors import ApplicationError

OPS = frozenset({"eq", "ne", "in", "not_in", "gt", "gte", "lt", "lte", "is_true", "is_false"})
NO_VALUE_OPS = frozenset({"is_true", "is_false"})
NUMERIC_OPS = frozenset({"gt", "gte", "lt", "lte"})
LIST_OPS = frozenset({"in", "not_in"})
FACT_NAME = re.compile(r"^[a-z][a-z0-9_]{0,63}$")
MAX_DEPTH = 3
MAX_CONDITIONS = 30


def _invalid(detail: str):
    return ApplicationError(
        _("自动审批规则无效：%(detail)s") % {"detail": detail}, code="approval_rule_invalid", attr="auto_rule"
    )


def _is_number(value) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def validate(rule) -> None:
    """Raise ApplicationError `approval_rule_invalid` unless `rule` is None or a well-formed rule."""
    if rule is None:
        return
    count = [0]

    def walk(node, depth):
        if not isinstance(node, dict):
            raise _invalid(_("每个条件必须是对象"))
        if "all" in node or "any" in node:
            if depth > MAX_DEPTH:
                raise _invalid(_("嵌套层数过多"))
            if len(node) != 1:
                raise _invalid(_("all/any 不能与其他键并列"))
            children = node.get("all", node.get("any"))
            if not isinstance(children, list) or not children:
                raise _invalid(_("all/any 需要非空列表"))
            for child in children:
                walk(child, depth + 1)
            return
        count[0] += 1
        if count[0] > MAX_CONDITIONS:
            raise _invalid(_("条件过多"))
        if set(node) - {"fact", "op", "value"}:
            raise _invalid(_("条件只能包含 fact、op、value"))
        fact, op = node.get("fact"), node.get("op")
        if not isinstance(fact, str) or not FACT_NAME.match(fact):
            raise _invalid(_("事实名称无效"))
        if op not in OPS:
            raise _invalid(_("不支持的运算符"))
        if op in NO_VALUE_OPS:
            if "value" in node:
                raise _invalid(_("该运算符不需要 value"))
            return
        if "value" not in node:
            raise _invalid(_("缺少 value"))
        value = node["value"]
        if op in LIST_OPS and not (isinstance(value, list) and len(value) <= 100):
            raise _invalid(_("in/not_in 需要列表"))
        if op in NUMERIC_OPS and not _is_number(value):
            raise _invalid(_("比较运算需要数字"))
        if op in {"eq", "ne"} and not (value is None or isinstance(value, str | int | float | bool)):
            raise _invalid(_("eq/ne 需要简单值"))

    if not isinstance(rule, dict) or not ({"all", "any"} & set(rule)):
        raise _invalid(_("规则须以 all 或 any 开始"))
    walk(rule, 1)


def facts_named(rule) -> set[str]:
    """The fact names a (valid) rule reads."""
    if not rule:
        return set()
    if "all" in rule or "any" in rule:
        return set().union(*(facts_named(child) for child in rule.get("all", rule.get("any"))))
    return {rule["fact"]}


def validate_facts(rule, known) -> None:
    """Refuse a rule that reads a fact the application type does not provide (a typo would never match)."""
    unknown = sorted(facts_named(rule) - set(known))
    if unknown:
        raise _invalid(_("申请类型不提供该事实：%(fact)s") % {"fact": ", ".join(unknown)})


def _condition(node: dict, facts: dict) -> bool:
    if node["fact"] not in facts:
        return False
    actual = facts[node["fact"]]
    op = node["op"]
    value = node.get("value")
    if op == "is_true":
        return actual is True
    if op == "is_false":
        return actual is False
    if op == "eq":
        return actual == value and type(actual) is type(value) or (_is_number(actual) and actual == value)
    if op == "ne":
        return actual != value
    if op == "in":
        return isinstance(actual, str | int | float | bool) and actual in value
    if op == "not_in":
        return isinstance(actual, str | int | float | bool) and actual not in value
    if not (_is_number(actual) and _is_number(value)):
        return False
    return {
        "gt": actual > value,
        "gte": actual >= value,
        "lt": actual < value,
        "lte": actual <= value,
    }[op]


def evaluate(rule, facts: dict | None) -> bool:
    """Whether `rule` holds for `facts`. None (no rule) never holds."""
    if not rule:
        return False
    facts = facts or {}

    def walk(node) -> bool:
        if "all" in node:
            return all(walk(child) for child in node["all"])
        if "any" in node:
            return any(walk(child) for child in node["any"])
        return _condition(node, facts)

    return walk(rule)
