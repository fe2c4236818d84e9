"""A programme: a themed series of sessions and the prompts each one posts.

These are plain, validated values. `groups.programme_file` reads them from TOML files and
`groups.programme_library` finds them; a group runs from a frozen snapshot of one.
"""

from __future__ import annotations

import enum
import re
import string
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from groups.questionnaire import Questionnaire

PLACEHOLDERS = frozenset({"group", "number", "count", "title", "date", "time", "minutes"})
FALLBACK_LANGUAGE = "fi"

_DURATION = re.compile(r"(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?")


class PromptKind(enum.StrEnum):
    REMINDER = "reminder"
    OPENING = "opening"
    EXERCISE = "exercise"
    DISCUSSION = "discussion"
    CLOSING = "closing"
    FEEDBACK = "feedback"
    INFO = "info"


@dataclass(frozen=True, slots=True)
class Text:
    """One text in several languages; Finnish is always there."""

    by_language: Mapping[str, str]

    def get(self, language: str, fallback: str = FALLBACK_LANGUAGE) -> str:
        for candidate in (language, fallback, FALLBACK_LANGUAGE):
            if candidate in self.by_language:
                return self.by_language[candidate]
        raise KeyError(language)  # pragma: no cover - validation requires Finnish

    def languages(self) -> frozenset[str]:
        return frozenset(self.by_language)


@dataclass(frozen=True, slots=True)
class PromptTime:
    """When a prompt is posted: an offset from the session's start, or from its end."""

    from_end: bool
    offset: timedelta

    def resolve(self, starts_at: datetime, ends_at: datetime) -> datetime:
        return (ends_at if self.from_end else starts_at) + self.offset

    def offset_from_start(self, session_minutes: int) -> timedelta:
        base = timedelta(minutes=session_minutes) if self.from_end else timedelta(0)
        return base + self.offset


def parse_prompt_time(value: str) -> PromptTime | None:
    """`-24h`, `+10m`, `+1h15m`, `end`, `end-10m` → PromptTime; None if it is none of these."""
    text = value.strip()
    from_end = text.startswith("end")
    if from_end:
        text = text[3:]
        if not text:
            return PromptTime(True, timedelta(0))
    if len(text) < 3 or text[0] not in "+-":
        return None
    match = _DURATION.fullmatch(text[1:])
    if match is None or not any(match.groups()):
        return None
    days, hours, minutes = (int(part or 0) for part in match.groups())
    offset = timedelta(days=days, hours=hours, minutes=minutes)
    return PromptTime(from_end, -offset if text[0] == "-" else offset)


def placeholders_in(text: str) -> list[str]:
    """The `{names}` a text uses; raises ValueError on an unbalanced brace."""
    return [field for _, field, _, _ in string.Formatter().parse(text) if field is not None]


@dataclass(frozen=True, slots=True)
class Prompt:
    key: str
    at: PromptTime
    at_text: str
    kind: PromptKind
    text: Text


@dataclass(frozen=True, slots=True)
class SessionPlan:
    number: int
    title: Text
    aim: Text
    prompts: tuple[Prompt, ...]

    def prompt(self, key: str) -> Prompt | None:
        return next((prompt for prompt in self.prompts if prompt.key == key), None)


@dataclass(frozen=True, slots=True)
class Programme:
    key: str
    version: str
    title: Text
    description: Text
    audience: Text
    session_minutes: int
    age_min: int | None
    age_max: int | None
    sessions: tuple[SessionPlan, ...]
    # The validated document it was read from: what a group's snapshot stores.
    content: Mapping[str, Any]
    questionnaire: Questionnaire | None = None

    def session(self, number: int) -> SessionPlan | None:
        if 1 <= number <= len(self.sessions):
            return self.sessions[number - 1]
        return None


def render(template: str, values: Mapping[str, object]) -> str:
    """Fill a validated prompt text's placeholders."""
    return template.format_map({name: values[name] for name in placeholders_in(template)})
