"""The grading rules stated in exams/services/grading.py, as a physician's score depends on them."""

from decimal import Decimal
from types import SimpleNamespace

import pytest
from exams.services.grading import credit, grade


@pytest.mark.parametrize(
    ("kind", "chosen", "partial", "expected"),
    [
        ("single", ["A"], "exact", "1"),
        ("single", ["B"], "exact", "0"),
        ("single", [], "exact", "0"),
        ("multiple", ["A", "B"], "exact", "1"),
        ("multiple", ["A"], "exact", "0"),  # exact: less chosen earns nothing
        ("multiple", ["A"], "subset_half", "0.5"),  # stated partial rule: a proper subset earns half
        ("multiple", ["A", "C"], "subset_half", "0"),  # any wrong option: nothing
        ("multiple", ["A", "B", "C"], "subset_half", "0"),
        ("multiple", ["B", "A"], "subset_half", "1"),
    ],
)
def test_credit_follows_the_stated_rules(kind, chosen, partial, expected):
    key = ["A"] if kind == "single" else ["A", "B"]
    assert credit(kind=kind, chosen=chosen, key=key, partial=partial) == Decimal(expected)


def test_a_case_group_shares_its_points_among_its_sub_questions():
    # given a case group worth 4 points with two sub-questions, one answered right
    version = SimpleNamespace(items=[{"answer": ["B"]}, {"answer": ["C", "D"]}], answer=[])
    paper = {
        "items": [
            {
                "id": "g",
                "version": "v",
                "kind": "case",
                "points": "4",
                "subs": [
                    {"id": "s1", "index": 0, "kind": "single"},
                    {"id": "s2", "index": 1, "kind": "multiple"},
                ],
            }
        ]
    }
    # when graded
    total, detail = grade(
        paper=paper, versions={"v": version}, answers={"s1": ["B"], "s2": ["C"]}, partial="exact"
    )
    # then half the group's points
    assert total == Decimal("2.00")
    assert detail == {"g": "2.00"}
