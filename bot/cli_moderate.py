"""`piiri moderate --jsonl`: screen lines of text from standard input, one verdict per line.

Input lines: `{"id": …, "text": …, "lang": …}` (lang optional). Output lines, in the same order:
`{"id": …, "action": "allow|flag|hold|block", "categories": [{"name": …, "severity": …,
"spans": [[start, end], …]}]}`. A line that cannot be read gets `{"id": …, "error": …}` in its
place (and a note on stderr naming the line), so no input is silently skipped.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any, TextIO

from bot.config import Settings
from bot.moderation_setup import build_moderation
from moderation.screen import Screen
from moderation.verdict import Verdict

EXIT_OK, EXIT_ERROR, EXIT_USAGE = 0, 1, 2


def add_parser(commands: Any, common: argparse.ArgumentParser) -> None:
    moderate = commands.add_parser(
        "moderate", parents=[common], help="screen JSON lines of text from standard input"
    )
    moderate.add_argument(
        "--jsonl", action="store_true", required=True, help="read and write JSON lines"
    )


def run(settings: Settings, source: TextIO, sink: TextIO) -> int:
    screen = build_moderation(settings.moderation).screen
    failed = 0
    for number, line in enumerate(source, start=1):
        if not line.strip():
            continue
        answer = _one(screen, line, number)
        if "error" in answer:
            failed += 1
            print(f"piiri: line {number}: {answer['error']}", file=sys.stderr)
        sink.write(json.dumps(answer, ensure_ascii=False) + "\n")
        sink.flush()
    return EXIT_ERROR if failed else EXIT_OK


def _one(screen: Screen, line: str, number: int) -> dict[str, Any]:
    try:
        item = json.loads(line)
    except json.JSONDecodeError as exc:
        return {"id": None, "error": f"not JSON ({exc.msg} at column {exc.colno})"}
    if not isinstance(item, dict):
        return {"id": None, "error": "not a JSON object"}
    text = item.get("text")
    if not isinstance(text, str):
        return {"id": item.get("id"), "error": 'no "text" string'}
    return {"id": item.get("id"), **as_json(screen.check(text))}


def as_json(verdict: Verdict) -> dict[str, Any]:
    return {
        "action": verdict.action.label,
        "categories": [
            {
                "name": finding.category.value,
                "severity": finding.severity.label,
                "spans": [[span.start, span.end] for span in finding.spans],
            }
            for finding in verdict.findings
        ],
    }
