"""Time zones: IANA names, and the one rule for local times a clock change skips or repeats.

The rule (PEP 495's `fold=0`): a local time that does not exist on a spring-forward day moves
forward by the length of the gap (03:30 in Helsinki on the last Sunday of March is 04:30 summer
time); a local time that happens twice on a fall-back day is the first of the two (summer time).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

DEFAULT_ZONE = "Europe/Helsinki"


class UnknownZoneError(ValueError):
    pass


@lru_cache(maxsize=256)
def require_zone(name: str) -> ZoneInfo:
    """The zone for an IANA name like "Europe/Helsinki"; a kind error for anything else."""
    try:
        if not name or name != name.strip() or name.startswith(("/", ".")) or ".." in name:
            raise ValueError(name)
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise UnknownZoneError(
            f'"{name}" is not a time zone name like "Europe/Helsinki" or "Europe/Stockholm"'
        ) from None


def local_to_utc(day: date, at: time, zone: str) -> datetime:
    local = datetime.combine(day, at.replace(tzinfo=None, fold=0), tzinfo=require_zone(zone))
    return local.astimezone(UTC)


def utc_to_local(moment: datetime, zone: str) -> datetime:
    return moment.astimezone(require_zone(zone))
