"""The schedule rules, over many zones, dates and clock changes (property tests)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from groups.schedule import ScheduleError, Series, parse_every, plan, resume_dates, session_dates
from groups.timezones import UnknownZoneError, local_to_utc, require_zone

ZONES = [
    "Europe/Helsinki",
    "Europe/Stockholm",
    "Europe/London",
    "America/New_York",
    "America/St_Johns",
    "Australia/Sydney",
    "Australia/Lord_Howe",  # a 30-minute clock change
    "Asia/Tehran",
    "Pacific/Chatham",
    "UTC",
]

zones = st.sampled_from(ZONES)
days = st.dates(min_value=date(2020, 1, 1), max_value=date(2035, 12, 31))
times = st.times().map(lambda t: t.replace(second=0, microsecond=0))


def wall(moment: datetime, zone: str) -> time:
    return moment.astimezone(ZoneInfo(zone)).time().replace(tzinfo=None)


@settings(max_examples=300, deadline=None)
@given(zone=zones, first=days, at=times, every=st.integers(1, 28), count=st.integers(1, 12))
def test_sessions_keep_their_wall_clock_time_unless_the_clock_skips_it(
    zone: str, first: date, at: time, every: int, count: int
) -> None:
    slots = plan(Series(first, at, zone, every), count, 90)
    assert len(slots) == count
    for index, place in enumerate(slots):
        assert place.local_date == first + timedelta(days=every * index)
        assert place.ends_at - place.starts_at == timedelta(minutes=90)
        shown = place.starts_at.astimezone(ZoneInfo(zone))
        if shown.time().replace(tzinfo=None) != at:
            # Only a time the clock skipped moves, and only forward, by the gap.
            naive = datetime.combine(place.local_date, at)
            written = naive.replace(tzinfo=ZoneInfo(zone))
            assert written.astimezone(UTC).astimezone(ZoneInfo(zone)).replace(tzinfo=None) != naive
            assert timedelta(0) < shown.replace(tzinfo=None) - naive <= timedelta(hours=1)
    starts = [place.starts_at for place in slots]
    assert starts == sorted(starts) and len(set(starts)) == count


@settings(max_examples=200, deadline=None)
@given(zone=zones, first=days, at=times, count=st.integers(1, 9), data=st.data())
def test_skip_dates_move_sessions_to_the_next_slot_and_never_hold_one_there(
    zone: str, first: date, at: time, count: int, data: st.DataObject
) -> None:
    slots = [first + timedelta(days=7 * n) for n in range(count + 4)]
    skipped = frozenset(data.draw(st.lists(st.sampled_from(slots), max_size=4)))
    dates = session_dates(Series(first, at, zone, 7, skipped), count)
    assert len(dates) == count
    assert not set(dates) & skipped
    assert dates == [day for day in slots if day not in skipped][:count]


@settings(max_examples=200, deadline=None)
@given(zone=zones, first=days, at=times, count=st.integers(1, 9), pause=st.integers(0, 90))
def test_resuming_keeps_weekday_and_time_and_starts_after_the_resume(
    zone: str, first: date, at: time, count: int, pause: int
) -> None:
    series = Series(first, at, zone, 7)
    remaining = session_dates(series, count)
    resume_at = local_to_utc(first, at, zone) + timedelta(days=pause, hours=1)
    moved = resume_dates(series, remaining, resume_at)
    assert len(moved) == count
    assert local_to_utc(moved[0], at, zone) > resume_at
    assert all(day.weekday() == first.weekday() for day in moved)
    assert all((b - a).days == 7 for a, b in pairwise(moved))
    assert moved[0] - first < timedelta(days=pause + 8)


def test_helsinki_stays_at_six_across_both_clock_changes() -> None:
    slots = plan(Series(date(2027, 3, 16), time(18, 0), "Europe/Helsinki"), 9, 90)
    assert [s.starts_at.astimezone(ZoneInfo("Europe/Helsinki")).hour for s in slots] == [18] * 9
    assert slots[1].starts_at.hour == 16 and slots[2].starts_at.hour == 15  # EET, then EEST
    autumn = plan(Series(date(2027, 10, 19), time(18, 0), "Europe/Helsinki"), 3, 90)
    assert [s.starts_at.hour for s in autumn] == [15, 15, 16]  # the change is on 31 October


def test_the_documented_rule_for_skipped_and_repeated_local_times() -> None:
    # 03:30 does not exist on 28 March 2027 in Helsinki: it becomes 04:30 summer time.
    gap = local_to_utc(date(2027, 3, 28), time(3, 30), "Europe/Helsinki")
    assert gap == datetime(2027, 3, 28, 1, 30, tzinfo=UTC)
    assert wall(gap, "Europe/Helsinki") == time(4, 30)
    # 03:30 happens twice on 31 October 2027: the first one, still summer time.
    twice = local_to_utc(date(2027, 10, 31), time(3, 30), "Europe/Helsinki")
    assert twice == datetime(2027, 10, 31, 0, 30, tzinfo=UTC)


@pytest.mark.parametrize("name", ["Mars/Base", "", " Europe/Helsinki", "../etc/passwd", "/etc/tz"])
def test_unknown_zones_are_refused_kindly(name: str) -> None:
    with pytest.raises(UnknownZoneError, match="is not a time zone name"):
        require_zone(name)


@pytest.mark.parametrize(("text", "days"), [("7d", 7), ("14d", 14), ("2w", 14), ("1", 1)])
def test_intervals(text: str, days: int) -> None:
    assert parse_every(text) == days


@pytest.mark.parametrize("text", ["0d", "29d", "weekly", "7 days", "-7d"])
def test_bad_intervals(text: str) -> None:
    with pytest.raises(ScheduleError):
        parse_every(text)
