"""The auto-approval rule format: validated data, evaluated without eval."""

import pytest
from approvals import rules

from core.errors import ApplicationError

SENIOR = {"fact": "applicant_title", "op": "in", "value": ["主任医师", "副主任医师"]}


@pytest.mark.parametrize(
    ("rule", "facts", "expected"),
    [
        ({"all": [SENIOR]}, {"applicant_title": "主任医师"}, True),
        ({"all": [SENIOR]}, {"applicant_title": "主治医师"}, False),
        ({"all": [SENIOR]}, {}, False),  # a missing fact never passes
        (
            {"all": [SENIOR, {"fact": "passed_exam", "op": "is_true"}]},
            {"applicant_title": "主任医师", "passed_exam": True},
            True,
        ),
        (
            {"all": [SENIOR, {"fact": "passed_exam", "op": "is_true"}]},
            {"applicant_title": "主任医师", "passed_exam": "yes"},
            False,
        ),
        ({"any": [SENIOR, {"fact": "years", "op": "gte", "value": 10}]}, {"years": 12}, True),
        ({"any": [{"fact": "years", "op": "gte", "value": 10}]}, {"years": "12"}, False),  # no coercion
        ({"all": [{"fact": "grade", "op": "lt", "value": 3}]}, {"grade": True}, False),  # a bool is no number
        ({"all": [{"fact": "grade", "op": "eq", "value": 1}]}, {"grade": True}, False),
        ({"all": [{"fact": "dept", "op": "not_in", "value": ["ICU"]}]}, {"dept": "普外科"}, True),
        (
            {"all": [{"any": [SENIOR]}, {"fact": "x", "op": "ne", "value": 1}]},
            {"applicant_title": "主任医师", "x": 2},
            True,
        ),
        (None, {"anything": 1}, False),
    ],
)
def test_evaluate(rule, facts, expected):
    rules.validate(rule)
    assert rules.evaluate(rule, facts) is expected


@pytest.mark.parametrize(
    "rule",
    [
        [SENIOR],  # not an object
        {"all": []},
        {"all": [SENIOR], "any": [SENIOR]},
        {"all": [{"fact": "a", "op": "matches", "value": ".*"}]},
        {"all": [{"fact": "__class__", "op": "eq", "value": 1}]},
        {"all": [{"fact": "a", "op": "in", "value": "主任医师"}]},
        {"all": [{"fact": "a", "op": "gt", "value": "3"}]},
        {"all": [{"fact": "a", "op": "is_true", "value": True}]},
        {"all": [{"fact": "a", "op": "eq"}]},
        {"all": [{"fact": "a", "op": "eq", "value": {"x": 1}}]},
        {"all": [{"fact": "a", "op": "eq", "value": 1, "code": "os.system('x')"}]},
        {"all": [{"all": [{"all": [{"all": [SENIOR]}]}]}]},  # too deep
        {"all": [SENIOR] * 31},
    ],
)
def test_validate_refuses(rule):
    with pytest.raises(ApplicationError) as refused:
        rules.validate(rule)
    assert refused.value.get_codes() == "approval_rule_invalid"
