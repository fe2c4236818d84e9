"""Feedback after each session: a 1–5 answer to the closing question, with an optional one-line
comment. Answers are kept per membership (so they can be paired) under the occasion
`session-N`; facilitators see only aggregates, and comments without names."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from groups.texts import N_
from storage.models import GroupSession, Membership, SurveyResponse
from storage.repositories import QueuedButton
from storage.store import Transaction

SURVEY = "feedback"
RATING = "rating"
SCALE = (1, 2, 3, 4, 5)
PREFIX = "fb"
# How long Piiri takes the member's next text as the comment to their answer.
COMMENT_WINDOW = timedelta(minutes=30)
MAX_COMMENT = 300

ASK_COMMENT = N_(
    "Thank you! If you like, write a one-line comment now: the facilitators read it without "
    "your name. Or press Skip."
)
SKIP = N_("Skip")


def occasion(number: int) -> str:
    return f"session-{number}"


def session_number(occasion_text: str) -> int | None:
    prefix, _, number = occasion_text.partition("-")
    return int(number) if prefix == "session" and number.isdigit() else None


def rating_buttons(session_id: int) -> tuple[tuple[QueuedButton, ...], ...]:
    """One row of 1–5; on Matrix the keyboard becomes a numbered choice (a reaction or a
    number answers it)."""
    return (tuple(QueuedButton(str(value), f"{PREFIX}:{session_id}:{value}") for value in SCALE),)


def one_line(text: str) -> str:
    """The comment as one line, at most MAX_COMMENT characters."""
    line = " ".join(text.split())
    return line if len(line) <= MAX_COMMENT else line[: MAX_COMMENT - 1].rstrip() + "…"


@dataclass(frozen=True, slots=True)
class Rated:
    response: SurveyResponse
    changed: bool


async def record_rating(
    tx: Transaction,
    membership: Membership,
    session: GroupSession,
    value: int,
    now: datetime,
) -> Rated:
    """Store (or change) the member's answer for the session; the comment, if any, stays."""
    if value not in SCALE:
        raise ValueError(f"a feedback answer is 1–5, not {value}")
    before = [
        r
        for r in await tx.surveys.for_membership(membership.id)
        if r.survey_key == SURVEY
        and r.item_key == RATING
        and r.occasion == occasion(session.number)
    ]
    comment = before[0].comment if before else None
    response = await tx.surveys.record(
        membership.id,
        survey_key=SURVEY,
        item_key=RATING,
        occasion=occasion(session.number),
        value=value,
        comment=comment,
        session_id=session.id,
    )
    response.comment_wanted_until = now + COMMENT_WINDOW
    return Rated(response, bool(before) and before[0].value != value)


def stop_waiting(response: SurveyResponse) -> None:
    response.comment_wanted_until = None
