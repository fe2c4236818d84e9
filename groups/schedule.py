"""When a group meets: a start date and local time in its own time zone, every N days.

Pure functions over plain values. A session is placed on a local date and time, then turned into
UTC with the zone rule in `groups.timezones`, so 18:00 in Helsinki stays 18:00 across the clock
changes. Skip dates (holidays) pass a slot over: that session moves to the next slot, and the rest
follow. Pausing and resuming shifts the remaining sessions by whole periods, so they keep their
weekday and time.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from groups.timezones import local_to_utc, require_zone

MAX_EVERY_DAYS = 28
# How far a series may run past its start: skip dates cannot push it further than this.
MAX_SPAN_DAYS = 3 * 366


class ScheduleError(ValueError):
    pass


@dataclass(frozen=True, slots=True)
class Series:
    first_date: date
    local_time: time
    zone: str
    every_days: int = 7
    skip_dates: frozenset[date] = field(default_factory=frozenset)

    def __post_init__(self) -> None:
        require_zone(self.zone)
        if not 1 <= self.every_days <= MAX_EVERY_DAYS:
            raise ScheduleError(f"sessions repeat every 1–{MAX_EVERY_DAYS} days")


@dataclass(frozen=True, slots=True)
class Slot:
    """One session's place: its local date and time, and the UTC moments it runs between."""

    local_date: date
    local_time: time
    starts_at: datetime
    ends_at: datetime


def session_dates(series: Series, count: int, *, from_date: date | None = None) -> list[date]:
    """The local dates of `count` sessions from `from_date` (default: the first date) on."""
    day = from_date or series.first_date
    last = series.first_date + timedelta(days=MAX_SPAN_DAYS)
    dates: list[date] = []
    while len(dates) < count:
        if day > last:
            raise ScheduleError("the skip dates push the sessions more than three years out")
        if day not in series.skip_dates:
            dates.append(day)
        day += timedelta(days=series.every_days)
    return dates


def slot(day: date, at: time, zone: str, minutes: int) -> Slot:
    starts_at = local_to_utc(day, at, zone)
    return Slot(day, at, starts_at, starts_at + timedelta(minutes=minutes))


def plan(series: Series, count: int, minutes: int) -> list[Slot]:
    return [
        slot(day, series.local_time, series.zone, minutes) for day in session_dates(series, count)
    ]


def resume_dates(series: Series, remaining: Sequence[date], resume_at: datetime) -> list[date]:
    """New dates for the sessions not yet held, after a pause ending at `resume_at`.

    The first of them moves on by whole periods until it starts after `resume_at`; the rest
    follow it on the series' rhythm, still passing over skip dates.
    """
    if not remaining:
        return []
    first = remaining[0]
    period = timedelta(days=series.every_days)
    while local_to_utc(first, series.local_time, series.zone) <= resume_at:
        first += period
    return session_dates(series, len(remaining), from_date=first)


def parse_every(text: str) -> int:
    """`7d`, `14d`, `2w` or `7` → days."""
    value = text.strip().lower()
    try:
        days = int(value[:-1]) * 7 if value.endswith("w") else int(value.removesuffix("d"))
    except ValueError:
        raise ScheduleError(f'"{text}" is not an interval like "7d" or "2w"') from None
    if not 1 <= days <= MAX_EVERY_DAYS:
        raise ScheduleError(f'"{text}": sessions repeat every 1–{MAX_EVERY_DAYS} days')
    return days


def parse_local(text: str) -> tuple[date, time]:
    """`2027-01-12 18:00` → (date, time); a kind error for anything else."""
    try:
        moment = datetime.strptime(text.strip(), "%Y-%m-%d %H:%M")  # noqa: DTZ007 - local wall time
    except ValueError:
        raise ScheduleError(f'"{text}" is not a date and time like "2027-01-12 18:00"') from None
    return moment.date(), moment.time()


def parse_dates(texts: Iterable[str]) -> frozenset[date]:
    out = set()
    for text in texts:
        try:
            out.add(date.fromisoformat(text.strip()))
        except ValueError:
            raise ScheduleError(f'"{text}" is not a date like "2027-04-18"') from None
    return frozenset(out)
