"""Automatic grading. The rules (also in docs/decisions/0013-exam-engine.md):

- single choice: full points when the one chosen option is the key, otherwise 0;
- multiple choice, blueprint `partial_credit = exact` (default): full points only for exactly the key's set
  of options, otherwise 0;
- multiple choice, `partial_credit = subset_half`: full points for the exact set; half the points for a
  non-empty proper subset of the key with no wrong option; 0 as soon as a wrong option is chosen;
- a case group is worth its rule's points, shared equally by its sub-questions: group score = points x (sum
  of the sub-questions' credits) / (number of sub-questions), each sub-question graded by the rules above;
- an unanswered question scores 0. The total is rounded half-up to 0.01 once, at the end.
- passed: total >= the blueprint's pass mark.
"""

from decimal import ROUND_HALF_UP, Decimal

from exams.enums import PartialCredit, QuestionKind

HALF = Decimal("0.5")


def credit(*, kind: str, chosen, key, partial: str) -> Decimal:
    """The fraction (0, 0.5 or 1) an answer earns."""
    chosen, key = set(chosen or ()), set(key)
    if not chosen:
        return Decimal(0)
    if chosen == key:
        return Decimal(1)
    if (
        kind == QuestionKind.MULTIPLE
        and partial == PartialCredit.SUBSET_HALF
        and chosen < key  # a proper subset: nothing wrong chosen
    ):
        return HALF
    return Decimal(0)


def grade(*, paper: dict, versions: dict, answers: dict, partial: str) -> tuple[Decimal, dict]:
    """(total, detail) for a paper. `versions` maps version id (str) to QuestionVersion, `answers` maps an
    opaque question ID to its chosen option keys. `detail` maps each top-level opaque ID to its points."""
    total = Decimal(0)
    detail = {}
    for item in paper["items"]:
        version = versions[item["version"]]
        points = Decimal(item["points"])
        if item["kind"] == QuestionKind.CASE:
            subs = item["subs"]
            earned = sum(
                (
                    credit(
                        kind=sub["kind"],
                        chosen=answers.get(sub["id"]),
                        key=version.items[sub["index"]]["answer"],
                        partial=partial,
                    )
                    for sub in subs
                ),
                Decimal(0),
            )
            score = points * earned / len(subs) if subs else Decimal(0)
        else:
            score = points * credit(
                kind=item["kind"], chosen=answers.get(item["id"]), key=version.answer, partial=partial
            )
        detail[item["id"]] = str(score.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))
        total += score
    return total.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP), detail
