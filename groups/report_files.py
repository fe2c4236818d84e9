"""Reports as data files: JSON for one group, and CSV in one long shape for one group or many
(a row per figure: group, section, session or item, value, n), with a pooled "all" block for
an organisation's yearly reporting. Suppressed figures have an empty value."""

from __future__ import annotations

import csv
import io
from collections import Counter
from collections.abc import Sequence
from typing import Any

from groups.report import MIN_PEOPLE, Figure, Report, mean, suppressed

CSV_COLUMNS = ("group", "programme", "section", "session", "key", "value", "n")


def _figure(figure: Figure, digits: int = 2) -> dict[str, Any]:
    value = round(figure.value, digits) if figure.value is not None else None
    return {"value": value, "n": figure.n}


def to_json(report: Report) -> dict[str, Any]:
    return {
        "group": {"id": report.group_id, "name": report.group_name},
        "programme": report.programme_key,
        "made_at": report.made_at.isoformat(),
        "min_people": MIN_PEOPLE,
        "sessions": [
            {
                "number": row.number,
                "starts_at": row.starts_at.isoformat(),
                "held": row.held,
                "done": row.done,
                "members": row.members,
                "present": _figure(row.present, 0),
                "attendance_rate": _figure(row.attendance_rate),
                "feedback": _figure(row.feedback),
                "flags": dict(row.flags),
            }
            for row in report.sessions
        ],
        "feedback": _figure(report.feedback),
        "before_after": {
            "before_session": report.before_session,
            "after_session": report.after_session,
            "items": [
                {
                    "key": item.key,
                    "before": _figure(item.before),
                    "after": _figure(item.after),
                    "change": _figure(item.change),
                }
                for item in report.items
            ],
        },
        "flags": dict(report.flags),
        "retention": {
            "starting_members": report.starting_members,
            "by_session": [_figure(kept, 0) for kept in report.retention],
        },
    }


Row = tuple[str, str, str, str, str, str, str]


def _value(figure: Figure, digits: int = 2) -> str:
    return "" if figure.value is None else f"{round(figure.value, digits):g}"


def rows(report: Report) -> list[Row]:
    group, programme = str(report.group_id), report.programme_key
    out: list[Row] = []

    def add(section: str, session: object, key: str, value: str, n: int | str) -> None:
        out.append((group, programme, section, str(session), key, value, str(n)))

    for row in report.sessions:
        if row.done:
            add("attendance", row.number, "present", _value(row.present, 0), row.members)
            add("feedback", row.number, "average", _value(row.feedback), row.feedback.n)
    add("feedback", "", "average", _value(report.feedback), report.feedback.n)
    for item in report.items:
        add("before_after", "", f"{item.key}:before", _value(item.before), item.before.n)
        add("before_after", "", f"{item.key}:after", _value(item.after), item.after.n)
        add("before_after", "", f"{item.key}:change", _value(item.change), item.change.n)
    for category, count in report.flags.items():
        add("moderation", "", category, str(count), "")
    for row, kept in zip(report.sessions, report.retention, strict=True):
        add("retention", row.number, "members", _value(kept, 0), report.starting_members)
    return out


def pooled(reports: Sequence[Report]) -> list[Row]:
    """The groups together, suppressed the same way: attendance and retention by session
    number, feedback and before/after over every answer."""
    out: list[Row] = []

    def add(section: str, session: object, key: str, value: str, n: int | str) -> None:
        out.append(("all", "", section, str(session), key, value, str(n)))

    numbers = sorted({row.number for r in reports for row in r.sessions})
    for number in numbers:
        done = [row for r in reports for row in r.sessions if row.number == number and row.done]
        if done:
            members = sum(row.members for row in done)
            present = sum(row.present.value or 0 for row in done)
            hidden = any(row.present.value is None for row in done)
            figure = Figure(None, members) if hidden else suppressed(present, members)
            add("attendance", number, "present", _value(figure, 0), members)
    people = sum(r.feedback.n for r in reports)
    weighted = [r.feedback for r in reports if r.feedback.value is not None]
    total = sum((f.value or 0) * f.n for f in weighted)
    count = sum(f.n for f in weighted)
    add(
        "feedback",
        "",
        "average",
        _value(suppressed(total / count, count) if count else Figure(None, people)),
        people,
    )
    changes: dict[str, list[Figure]] = {}
    for report in reports:
        for item in report.items:
            changes.setdefault(item.key, []).append(item.change)
    for key, figures in changes.items():
        shown = [f for f in figures if f.value is not None]
        n = sum(f.n for f in shown)
        value = sum((f.value or 0) * f.n for f in shown) / n if n else 0.0
        add("before_after", "", f"{key}:change", _value(suppressed(value, n) if n else mean([])), n)
    flags: Counter[str] = Counter()
    for report in reports:
        flags.update(report.flags)
    for category, flagged in sorted(flags.items()):
        add("moderation", "", category, str(flagged), "")
    return out


def to_csv(reports: Sequence[Report], *, with_pooled: bool = False) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for report in reports:
        writer.writerows(rows(report))
    if with_pooled:
        writer.writerows(pooled(reports))
    return buffer.getvalue()
