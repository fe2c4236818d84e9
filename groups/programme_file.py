"""Reading programme files: every mistake named by file, line and field.

`load_programme(path)` returns a `Programme` or raises `ProgrammeError` listing every problem
found (not just the first), each like
`tunteet.toml:42 sessions[3].prompts[1].at: "+10 min" is not a duration like "+10m"`.
Sessions and prompts are numbered from 1 in messages, as facilitators count them.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from groups import questionnaire_file
from groups.programme import (
    PLACEHOLDERS,
    Programme,
    Prompt,
    PromptKind,
    PromptTime,
    SessionPlan,
    Text,
    parse_prompt_time,
    placeholders_in,
)
from groups.toml_lines import LineIndex, PathPart

LANGUAGES = ("fi", "sv", "en")
KEY_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]{1,39}$")
MAX_TEXT = 1000
MAX_SESSIONS = 20
MAX_PROMPTS = 20
MINUTES_RANGE = (15, 240)
AGE_RANGE = (10, 120)
TOP_LEVEL = {
    "key",
    "version",
    "session_minutes",
    "age_min",
    "age_max",
    "title",
    "description",
    "audience",
    "sessions",
    "questionnaire",
}
SESSION_KEYS = {"title", "aim", "prompts"}
PROMPT_KEYS = {"at", "kind", "text"}


@dataclass(frozen=True, slots=True)
class Problem:
    source: str
    line: int | None
    field: str
    message: str

    def __str__(self) -> str:
        where = f"{self.source}:{self.line}" if self.line else self.source
        return f"{where} {self.field}: {self.message}" if self.field else f"{where}: {self.message}"


class ProgrammeError(Exception):
    def __init__(self, problems: Sequence[Problem]) -> None:
        super().__init__("\n".join(str(problem) for problem in problems))
        self.problems = tuple(problems)


def load_programme(path: Path) -> Programme:
    try:
        source = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ProgrammeError([Problem(str(path), None, "", _read_error(exc))]) from None
    return parse_programme(source, path.name)


def parse_programme(source: str, name: str) -> Programme:
    """Parse and validate TOML text; `name` is how messages refer to it."""
    try:
        document = tomllib.loads(source)
    except tomllib.TOMLDecodeError as exc:
        raise ProgrammeError([_syntax_problem(name, exc)]) from None
    return programme_from_document(document, name, LineIndex(source))


def programme_from_document(
    document: Mapping[str, Any], name: str, lines: LineIndex | None = None
) -> Programme:
    """Validate an already-parsed document (a file, or a group's stored snapshot)."""
    checker = _Checker(name, lines)
    programme = checker.programme(document)
    if checker.problems or programme is None:
        raise ProgrammeError(checker.problems)
    return programme


def _read_error(exc: Exception) -> str:
    if isinstance(exc, UnicodeDecodeError):
        return "is not UTF-8 text"
    if isinstance(exc, FileNotFoundError):
        return "no such file"
    return f"cannot be read ({type(exc).__name__})"


def _syntax_problem(name: str, exc: tomllib.TOMLDecodeError) -> Problem:
    message = str(exc)
    found = re.search(r"\(at line (\d+), column \d+\)", message)
    line = int(found.group(1)) if found else None
    text = re.sub(r"\s*\(at line \d+, column \d+\)", "", message)
    return Problem(name, line, "", f"not valid TOML: {text[:1].lower()}{text[1:]}")


def field_name(path: Sequence[PathPart]) -> str:
    out = ""
    for part in path:
        out += f"[{part + 1}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out


class _Checker:
    def __init__(self, name: str, lines: LineIndex | None) -> None:
        self.name = name
        self.lines = lines
        self.problems: list[Problem] = []

    def fail(self, path: Sequence[PathPart], message: str) -> None:
        line = self.lines.line_of(path) if self.lines else None
        self.problems.append(Problem(self.name, line, field_name(path), message))

    def programme(self, doc: Mapping[str, Any]) -> Programme | None:
        self.unknown_keys(doc, TOP_LEVEL, ())
        key = self.string(doc, ("key",))
        if key is not None and not KEY_PATTERN.match(key):
            self.fail(("key",), f'"{key}" must be 2–40 lower-case letters, digits or "-"')
        version = self.string(doc, ("version",), limit=32)
        minutes = self.integer(doc, ("session_minutes",), MINUTES_RANGE, default=90)
        age_min = self.integer(doc, ("age_min",), AGE_RANGE, default=None)
        age_max = self.integer(doc, ("age_max",), AGE_RANGE, default=None)
        if age_min is not None and age_max is not None and age_min > age_max:
            self.fail(("age_max",), f"{age_max} is below age_min {age_min}")
        title = self.text(doc, ("title",))
        description = self.text(doc, ("description",))
        audience = self.text(doc, ("audience",))
        sessions = self.sessions(doc.get("sessions"), minutes or 90)
        questionnaire = (
            questionnaire_file.check(self, doc["questionnaire"], len(sessions))
            if "questionnaire" in doc
            else None
        )
        if (
            self.problems
            or key is None
            or version is None
            or minutes is None
            or title is None
            or description is None
            or audience is None
        ):
            return None
        return Programme(
            key=key,
            version=version,
            title=title,
            description=description,
            audience=audience,
            session_minutes=minutes,
            age_min=age_min,
            age_max=age_max,
            sessions=tuple(sessions),
            content=dict(doc),
            questionnaire=questionnaire,
        )

    def sessions(self, value: object, minutes: int) -> list[SessionPlan]:
        path: tuple[PathPart, ...] = ("sessions",)
        if value is None:
            self.fail(path, "is missing: add at least one [[sessions]] table")
            return []
        if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
            self.fail(path, "must be a list of [[sessions]] tables")
            return []
        if not 1 <= len(value) <= MAX_SESSIONS:
            self.fail(path, f"has {len(value)} sessions; a programme has 1–{MAX_SESSIONS}")
        plans = []
        for index, item in enumerate(value):
            at = (*path, index)
            self.unknown_keys(item, SESSION_KEYS, at)
            title = self.text(item, (*at, "title"))
            aim = self.text(item, (*at, "aim"))
            prompts = self.prompts(item.get("prompts"), (*at, "prompts"), index + 1, minutes)
            if title and aim:
                plans.append(SessionPlan(index + 1, title, aim, tuple(prompts)))
        return plans

    def prompts(
        self, value: object, path: tuple[PathPart, ...], session: int, minutes: int
    ) -> list[Prompt]:
        if value is None:
            self.fail(path, "is missing: add at least one [[sessions.prompts]] table")
            return []
        if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
            self.fail(path, "must be a list of [[sessions.prompts]] tables")
            return []
        if not 1 <= len(value) <= MAX_PROMPTS:
            self.fail(path, f"has {len(value)} prompts; a session has 1–{MAX_PROMPTS}")
        prompts = []
        for index, item in enumerate(value):
            at = (*path, index)
            self.unknown_keys(item, PROMPT_KEYS, at)
            kind = self.kind(item, (*at, "kind"))
            when = self.when(item, (*at, "at"), kind, minutes)
            text = self.text(item, (*at, "text"), placeholders=True)
            if kind and when and text:
                key = f"s{session}p{index + 1}"
                prompts.append(Prompt(key, when, str(item["at"]).strip(), kind, text))
        return prompts

    def kind(self, item: Mapping[str, Any], path: tuple[PathPart, ...]) -> PromptKind | None:
        value = self.string(item, path)
        if value is None:
            return None
        try:
            return PromptKind(value)
        except ValueError:
            kinds = ", ".join(kind.value for kind in PromptKind)
            self.fail(path, f'"{value}" is not a kind; use one of {kinds}')
            return None

    def when(
        self,
        item: Mapping[str, Any],
        path: tuple[PathPart, ...],
        kind: PromptKind | None,
        minutes: int,
    ) -> PromptTime | None:
        value = self.string(item, path)
        if value is None:
            return None
        parsed = parse_prompt_time(value)
        if parsed is None:
            self.fail(
                path,
                f'"{value}" is not a duration like "+10m", "-24h", "+1h15m", "end" or "end-10m"',
            )
            return None
        offset = parsed.offset_from_start(minutes)
        if kind is PromptKind.REMINDER and offset.total_seconds() >= 0:
            self.fail(path, f'"{value}" is not before the session starts; a reminder must be')
        elif kind is not None and kind is not PromptKind.REMINDER:
            if offset.total_seconds() < 0:
                self.fail(path, f'"{value}" is before the session starts; only reminders can be')
            elif offset.total_seconds() > minutes * 60:
                self.fail(path, f'"{value}" is after the session ends ({minutes} minutes)')
        return parsed

    def text(
        self, doc: Mapping[str, Any], path: tuple[PathPart, ...], *, placeholders: bool = False
    ) -> Text | None:
        value = doc.get(str(path[-1]))
        if value is None:
            self.fail(path, 'is missing: give at least the Finnish text, e.g. fi = "…"')
            return None
        if not isinstance(value, dict):
            self.fail(path, 'must be a table of texts per language, e.g. { fi = "…", en = "…" }')
            return None
        ok = True
        for language, text in value.items():
            at = (*path, language)
            if language not in LANGUAGES:
                self.fail(at, f'"{language}" is not a language Piiri has; use fi, sv or en')
                ok = False
            elif not isinstance(text, str) or not text.strip():
                self.fail(at, "must be a non-empty text")
                ok = False
            elif len(text) > MAX_TEXT:
                self.fail(at, f"is {len(text)} characters; keep it under {MAX_TEXT}")
                ok = False
            elif placeholders:
                ok = self.placeholders(text, at) and ok
        if "fi" not in value:
            self.fail((*path, "fi"), "is missing: every text needs Finnish")
            ok = False
        return Text({k: v.strip() for k, v in value.items()}) if ok else None

    def placeholders(self, text: str, path: tuple[PathPart, ...]) -> bool:
        try:
            names = placeholders_in(text)
        except ValueError:
            self.fail(path, "has an unmatched { or }; write {{ or }} for a literal brace")
            return False
        unknown = sorted({name for name in names if name not in PLACEHOLDERS})
        if unknown:
            allowed = ", ".join("{" + name + "}" for name in sorted(PLACEHOLDERS))
            self.fail(path, f"uses {{{unknown[0]}}}, which is not one of {allowed}")
            return False
        return True

    def string(
        self, doc: Mapping[str, Any], path: tuple[PathPart, ...], *, limit: int = 200
    ) -> str | None:
        value = doc.get(str(path[-1]))
        if value is None:
            self.fail(path, "is missing")
            return None
        if not isinstance(value, str) or not value.strip():
            self.fail(path, f"must be a non-empty text in quotes (got {value!r})")
            return None
        if len(value) > limit:
            self.fail(path, f"is {len(value)} characters; at most {limit}")
            return None
        return value.strip()

    def integer(
        self,
        doc: Mapping[str, Any],
        path: tuple[PathPart, ...],
        bounds: tuple[int, int],
        *,
        default: int | None,
    ) -> int | None:
        value = doc.get(str(path[-1]), default)
        if value is None:
            return None
        low, high = bounds
        if isinstance(value, bool) or not isinstance(value, int):
            self.fail(path, f"must be a whole number (got {value!r})")
            return None
        if not low <= value <= high:
            self.fail(path, f"{value} is outside {low}–{high}")
            return None
        return value

    def unknown_keys(
        self, doc: Mapping[str, Any], known: set[str], path: tuple[PathPart, ...]
    ) -> None:
        for key in doc:
            if key not in known:
                fields = ", ".join(sorted(known))
                self.fail((*path, key), f"is not a field here; known fields: {fields}")
