"""Screening quality on a labelled set of peer-support messages (`tests/data/`): recall and
precision per category, and how often an ordinary message is flagged. Run with `-s` to see
the table; the thresholds are the moderation issue's."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from bot.config import default_policy
from moderation.screen import Screen
from moderation.verdict import Category

EVAL = Path(__file__).parent / "data" / "moderation_eval.jsonl"
RECALL_FLOOR = {Category.PERSONAL_INFO: 0.95, Category.CRISIS: 0.95}
ORDINARY_FLAGGED_CEILING = 0.05


def _lines() -> list[dict[str, Any]]:
    return [json.loads(line) for line in EVAL.read_text(encoding="utf-8").splitlines() if line]


def _measure() -> tuple[dict[Category, tuple[float, float, int]], float, list[str]]:
    screen = Screen({str(c): rule for c, rule in default_policy().items()})
    found_right: Counter[Category] = Counter()
    found: Counter[Category] = Counter()
    labelled: Counter[Category] = Counter()
    ordinary = ordinary_flagged = 0
    flagged_ordinary: list[str] = []
    for line in _lines():
        wanted = {Category(label["category"]) for label in line["labels"]}
        got = {finding.category for finding in screen.check(line["text"]).findings}
        labelled.update(wanted)
        found.update(got)
        found_right.update(wanted & got)
        if not wanted:
            ordinary += 1
            if got:
                ordinary_flagged += 1
                flagged_ordinary.append(line["id"])
    figures = {
        category: (
            found_right[category] / labelled[category] if labelled[category] else 0.0,
            found_right[category] / found[category] if found[category] else 0.0,
            labelled[category],
        )
        for category in Category
    }
    return figures, ordinary_flagged / ordinary, flagged_ordinary


def test_the_evaluation_set_is_large_and_covers_every_category() -> None:
    lines = _lines()
    assert len(lines) >= 400
    assert {line["lang"] for line in lines} == {"fi", "sv", "en"}
    covered = {label["category"] for line in lines for label in line["labels"]}
    assert covered == {c.value for c in Category}
    assert sum(1 for line in lines if not line["labels"]) >= 180, "many hard negatives"


def test_personal_information_is_found_and_ordinary_talk_left_alone() -> None:
    figures, ordinary_rate, flagged = _measure()
    print(f"\n{'category':<18}{'recall':>8}{'precision':>11}{'lines':>7}")
    for category, (recall, precision, count) in figures.items():
        print(f"{category.value:<18}{recall:>8.2f}{precision:>11.2f}{count:>7}")
    print(f"ordinary messages flagged: {ordinary_rate:.3f} {flagged}")
    assert figures[Category.PERSONAL_INFO][0] >= RECALL_FLOOR[Category.PERSONAL_INFO]
    assert figures[Category.PERSONAL_INFO][1] >= 0.9
    assert ordinary_rate <= ORDINARY_FLAGGED_CEILING, flagged


@pytest.mark.xfail(strict=True, reason="the crisis detector is not built yet (issue 5)")
def test_crisis_messages_are_found() -> None:
    figures, _rate, _flagged = _measure()
    assert figures[Category.CRISIS][0] >= RECALL_FLOOR[Category.CRISIS]
