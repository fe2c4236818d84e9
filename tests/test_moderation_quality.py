"""Screening quality on labelled peer-support messages (`tests/data/`): recall and precision
per category, and how often an ordinary message is flagged. Run with `-s` to see the tables.

Development sets, which the lexicons were tuned against: `moderation_eval.jsonl`, then
`moderation_holdout.jsonl`, `moderation_final.jsonl`, `moderation_blind2.jsonl` and
`moderation_blind4.jsonl` (each written separately, first measured blind, then used to tune).
The issue's thresholds (crisis and personal_info recall 0.95, ordinary messages flagged at
most 0.05) hold on all five.

Blind sets, written by someone who never saw the lexicons, are measured once and then keep a
floor at what they measured, so a change that makes them worse fails: the honest figure of
how screening does on wording it has not seen.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from bot.config import default_policy
from moderation.screen import Screen
from moderation.verdict import Category

DATA = Path(__file__).parent / "data"
SETS = (
    "moderation_eval.jsonl",
    "moderation_holdout.jsonl",
    "moderation_final.jsonl",
    "moderation_blind2.jsonl",
    "moderation_blind4.jsonl",
)
RECALL_FLOOR = {Category.PERSONAL_INFO: 0.95, Category.CRISIS: 0.95}
ORDINARY_FLAGGED_CEILING = 0.05
# Blind set → recall floors as first measured. Each set was measured blind once and then
# joined development: `moderation_final.jsonl` (crisis 0.76, personal_info 0.84, 2026-11-24),
# `moderation_blind2.jsonl` (0.62 and 0.88, lexicons only) and `moderation_blind4.jsonl`
# (0.86 and 0.92, ordinary flagged 0.067: lexicons and the crisis model, 2026-11-24).
# `moderation_blind3.jsonl` measured 0.94 and 0.95 (lexicons and the crisis model,
# 2026-11-24) and is still blind.
BLIND = {
    "moderation_blind3.jsonl": {Category.CRISIS: 0.94, Category.PERSONAL_INFO: 0.95},
}


@dataclass(frozen=True, slots=True)
class Figures:
    per_category: dict[Category, tuple[float, float, int]]  # recall, precision, lines
    ordinary_flagged: float
    flagged_ordinary: list[str]
    missed: dict[Category, list[str]]

    def table(self, name: str) -> str:
        rows = [f"\n{name}", f"{'category':<18}{'recall':>8}{'precision':>11}{'lines':>7}"]
        for category, (recall, precision, count) in self.per_category.items():
            rows.append(f"{category.value:<18}{recall:>8.2f}{precision:>11.2f}{count:>7}")
        rows.append(
            f"ordinary messages flagged: {self.ordinary_flagged:.3f} {self.flagged_ordinary}"
        )
        return "\n".join(rows)


def _lines(name: str) -> list[dict[str, Any]]:
    text = (DATA / name).read_text(encoding="utf-8")
    return [json.loads(line) for line in text.splitlines() if line]


@cache
def measure(name: str) -> Figures:
    screen = Screen({str(c): rule for c, rule in default_policy().items()})
    found_right: Counter[Category] = Counter()
    found: Counter[Category] = Counter()
    labelled: Counter[Category] = Counter()
    missed: dict[Category, list[str]] = {c: [] for c in Category}
    ordinary = ordinary_flagged = 0
    flagged_ordinary: list[str] = []
    for line in _lines(name):
        wanted = {Category(label["category"]) for label in line["labels"]}
        got = {finding.category for finding in screen.check(line["text"]).findings}
        labelled.update(wanted)
        found.update(got)
        found_right.update(wanted & got)
        for category in wanted - got:
            missed[category].append(line["id"])
        if not wanted:
            ordinary += 1
            if got:
                ordinary_flagged += 1
                flagged_ordinary.append(line["id"])
    per_category = {
        category: (
            found_right[category] / labelled[category] if labelled[category] else 0.0,
            found_right[category] / found[category] if found[category] else 0.0,
            labelled[category],
        )
        for category in Category
    }
    return Figures(per_category, ordinary_flagged / ordinary, flagged_ordinary, missed)


@pytest.mark.parametrize("name", SETS + tuple(BLIND))
def test_the_set_is_large_and_covers_every_category(name: str) -> None:
    lines = _lines(name)
    assert len(lines) >= 300
    assert {line["lang"] for line in lines} == {"fi", "sv", "en"}
    covered = {label["category"] for line in lines for label in line["labels"]}
    assert covered == {c.value for c in Category}
    assert sum(1 for line in lines if not line["labels"]) >= 120, "many hard negatives"
    assert len({line["id"] for line in lines}) == len(lines)


@pytest.mark.parametrize("name", SETS[1:] + tuple(BLIND))
def test_no_line_is_in_an_earlier_set(name: str) -> None:
    names = [*SETS, *BLIND]
    earlier = {
        line["text"].casefold() for other in names[: names.index(name)] for line in _lines(other)
    }
    assert not [line["id"] for line in _lines(name) if line["text"].casefold() in earlier]


@pytest.mark.parametrize("name", SETS)
def test_crisis_and_personal_information_are_found_and_ordinary_talk_left_alone(
    name: str,
) -> None:
    figures = measure(name)
    print(figures.table(name))
    for category, floor in RECALL_FLOOR.items():
        recall = figures.per_category[category][0]
        assert recall >= floor, f"{category.value} recall {recall:.2f}: {figures.missed[category]}"
    assert figures.per_category[Category.PERSONAL_INFO][1] >= 0.9
    assert figures.ordinary_flagged <= ORDINARY_FLAGGED_CEILING, figures.flagged_ordinary


@pytest.mark.parametrize("name", tuple(BLIND))
def test_blind_sets_stay_at_least_as_good_as_first_measured(name: str) -> None:
    figures = measure(name)
    print(figures.table(f"{name} (blind)"))
    for category, floor in BLIND[name].items():
        recall = figures.per_category[category][0]
        assert recall >= floor, f"{category.value} recall {recall:.2f} fell below {floor}"
    assert figures.ordinary_flagged <= ORDINARY_FLAGGED_CEILING, figures.flagged_ordinary
