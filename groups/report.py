"""A group's report, computed from plain data: attendance per session, the feedback trend,
before/after change per self-assessment item (paired answers only), what was flagged, and how
many members kept their place across the sessions.

Small numbers are suppressed: a figure built from fewer than `MIN_PEOPLE` people has no value
(`Figure.shown` is False) and is written as "too few answers", so no one can be singled out.
Nothing here reads the store or knows a language; `groups.report_data` gathers the inputs and
`groups.report_text`, `groups.report_files` and `groups.report_charts` write it out.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from groups.feedback import RATING, SURVEY, occasion
from groups.programme import Text
from groups.questionnaire import Questionnaire

MIN_PEOPLE = 3


@dataclass(frozen=True, slots=True)
class Figure:
    """A number and how many people it was built from; no value when they are too few."""

    value: float | None
    n: int

    @property
    def shown(self) -> bool:
        return self.value is not None


def suppressed(value: float, n: int) -> Figure:
    return Figure(value if n >= MIN_PEOPLE else None, n)


def mean(values: Sequence[float]) -> Figure:
    return suppressed(sum(values) / len(values), len(values)) if values else Figure(None, 0)


@dataclass(frozen=True, slots=True)
class SessionInput:
    id: int
    number: int
    starts_at: datetime
    ends_at: datetime
    held: bool  # held, or to be held; False when skipped or cancelled


@dataclass(frozen=True, slots=True)
class MemberInput:
    id: int
    joined_at: datetime
    left_at: datetime | None


@dataclass(frozen=True, slots=True)
class AnswerInput:
    membership_id: int
    survey_key: str
    item_key: str
    occasion: str
    value: int | None
    comment: str | None = None


@dataclass(frozen=True, slots=True)
class FlagInput:
    category: str
    created_at: datetime


@dataclass(frozen=True, slots=True)
class SessionFigures:
    number: int
    starts_at: datetime
    held: bool
    done: bool  # over by the report's moment
    members: int
    # How many were present (its n: the members then); its share of the members.
    present: Figure
    attendance_rate: Figure
    feedback: Figure
    flags: Mapping[str, int]
    # Comments to the feedback question, without names; only when `feedback` is shown.
    comments: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ItemChange:
    key: str
    text: Text
    before: Figure
    after: Figure
    change: Figure


@dataclass(frozen=True, slots=True)
class Report:
    group_id: int
    group_name: str
    programme_key: str
    made_at: datetime
    sessions: tuple[SessionFigures, ...]
    feedback: Figure
    items: tuple[ItemChange, ...]
    before_session: int | None
    after_session: int | None
    flags: Mapping[str, int]
    # Of the members when the first session began, how many still held their place at each.
    retention: tuple[Figure, ...]
    starting_members: int
    extra: Mapping[str, object] = field(default_factory=dict)

    def session(self, number: int) -> SessionFigures | None:
        return next((s for s in self.sessions if s.number == number), None)


def _member_at(member: MemberInput, moment: datetime) -> bool:
    return member.joined_at <= moment and (member.left_at is None or member.left_at > moment)


def _flags_in(flags: Iterable[FlagInput], session: SessionInput, until: datetime) -> Counter[str]:
    return Counter(f.category for f in flags if session.starts_at <= f.created_at < until)


def compute(
    *,
    group_id: int,
    group_name: str,
    programme_key: str,
    now: datetime,
    sessions: Sequence[SessionInput],
    members: Sequence[MemberInput],
    present: Mapping[int, set[int]],
    answers: Sequence[AnswerInput],
    flags: Sequence[FlagInput],
    questionnaire: Questionnaire | None,
) -> Report:
    ordered = sorted(sessions, key=lambda s: s.number)
    ratings = [a for a in answers if (a.survey_key, a.item_key) == (SURVEY, RATING)]
    member_ids = {m.id for m in members}
    rows = []
    for index, session in enumerate(ordered):
        # Flags between one session's start and the next's belong to it.
        until = ordered[index + 1].starts_at if index + 1 < len(ordered) else now
        enrolled = [m for m in members if _member_at(m, session.starts_at)]
        there = present.get(session.id, set()) & member_ids
        given = [
            a
            for a in ratings
            if a.occasion == occasion(session.number)
            and a.value is not None
            and a.membership_id in member_ids
        ]
        feedback = mean([float(a.value) for a in given if a.value is not None])
        comments = tuple(a.comment for a in given if a.comment) if feedback.shown else ()
        rows.append(
            SessionFigures(
                number=session.number,
                starts_at=session.starts_at,
                held=session.held,
                done=session.held and session.ends_at <= now,
                members=len(enrolled),
                present=suppressed(float(len(there)), len(enrolled)),
                attendance_rate=suppressed(len(there) / len(enrolled), len(enrolled))
                if enrolled
                else Figure(None, 0),
                feedback=feedback,
                flags=dict(sorted(_flags_in(flags, session, until).items())),
                comments=comments,
            )
        )
    overall = [
        float(a.value) for a in ratings if a.value is not None and a.membership_id in member_ids
    ]
    people = {
        a.membership_id for a in ratings if a.value is not None and a.membership_id in member_ids
    }
    feedback_all = (
        Figure(sum(overall) / len(overall), len(people))
        if overall and len(people) >= MIN_PEOPLE
        else Figure(None, len(people))
    )
    starting = [m for m in members if ordered and _member_at(m, ordered[0].starts_at)]
    retention = tuple(
        suppressed(float(sum(1 for m in starting if _member_at(m, s.starts_at))), len(starting))
        for s in ordered
    )
    return Report(
        group_id=group_id,
        group_name=group_name,
        programme_key=programme_key,
        made_at=now,
        sessions=tuple(rows),
        feedback=feedback_all,
        items=_changes(answers, questionnaire, member_ids),
        before_session=questionnaire.before if questionnaire else None,
        after_session=questionnaire.after if questionnaire else None,
        flags=dict(sorted(Counter(f.category for f in flags).items())),
        retention=retention,
        starting_members=len(starting),
    )


def _changes(
    answers: Sequence[AnswerInput], questionnaire: Questionnaire | None, member_ids: set[int]
) -> tuple[ItemChange, ...]:
    """Before and after per item, from the members who answered it both times."""
    if questionnaire is None or questionnaire.before == questionnaire.after:
        return ()
    mine = [a for a in answers if a.survey_key == questionnaire.key and a.value is not None]
    out = []
    for item in questionnaire.items:
        before = {
            a.membership_id: a.value
            for a in mine
            if a.item_key == item.key and a.occasion == occasion(questionnaire.before)
        }
        after = {
            a.membership_id: a.value
            for a in mine
            if a.item_key == item.key and a.occasion == occasion(questionnaire.after)
        }
        paired = sorted((set(before) & set(after)) & member_ids)
        first = [float(before[m] or 0) for m in paired]
        last = [float(after[m] or 0) for m in paired]
        out.append(
            ItemChange(
                key=item.key,
                text=item.text,
                before=mean(first),
                after=mean(last),
                change=mean([b - a for a, b in zip(first, last, strict=True)]),
            )
        )
    return tuple(out)
