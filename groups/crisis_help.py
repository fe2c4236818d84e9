"""What a member is told, privately and at once, when their message shows a crisis: warm and
short, with where to get help now (from configuration) and when a moderator will be there.

Outside the moderators' hours (the rota) the reply says when they are back and gives the
numbers that are open day and night first.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta

from groups.texts import Texts, local_date, local_time
from groups.timezones import local_to_utc, utc_to_local

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


@dataclass(frozen=True, slots=True)
class Resource:
    names: Mapping[str, str]
    phone: str | None = None
    url: str | None = None
    always_open: bool = False
    languages: tuple[str, ...] = ("fi", "sv", "en")

    def line(self, language: str) -> str:
        name = self.names.get(language) or next(iter(self.names.values()), "")
        where = ", ".join(part for part in (self.phone, self.url) if part)
        return f"• {name}: {where}" if where else f"• {name}"


@dataclass(frozen=True, slots=True)
class Rota:
    """When moderators are on duty: ranges of local time per weekday (0 = Monday)."""

    hours: Mapping[int, tuple[tuple[time, time], ...]] = field(default_factory=dict)
    timezone: str = "Europe/Helsinki"

    @classmethod
    def parse(cls, table: Mapping[str, str], timezone: str) -> Rota:
        hours: dict[int, tuple[tuple[time, time], ...]] = {}
        for day, text in table.items():
            ranges = []
            for part in text.split(","):
                if not part.strip():
                    continue
                start, _sep, end = part.partition("-")
                ranges.append((_clock(start), _clock(end)))
            hours[WEEKDAYS.index(day)] = tuple(ranges)
        return cls(hours, timezone)

    @property
    def known(self) -> bool:
        return any(self.hours.values())

    def staffed(self, now: datetime) -> bool:
        local = utc_to_local(now, self.timezone)
        return any(
            start <= local.time() < end for start, end in self.hours.get(local.weekday(), ())
        )

    def next_start(self, now: datetime) -> datetime | None:
        """When the next duty begins (in UTC), within a week."""
        local = utc_to_local(now, self.timezone)
        for days in range(8):
            day = local.date() + timedelta(days=days)
            for start, _end in sorted(self.hours.get(day.weekday(), ())):
                begins = local_to_utc(day, start, self.timezone)
                if begins > now:
                    return begins
        return None


def _clock(text: str) -> time:
    hours, _sep, minutes = text.strip().partition(":")
    hour = int(hours)
    return time(23, 59, 59) if hour == 24 else time(hour, int(minutes or 0))


@dataclass(frozen=True, slots=True)
class CrisisHelp:
    resources: Sequence[Resource] = ()
    rota: Rota = field(default_factory=Rota)

    def reply(self, texts: Texts, language: str, now: datetime, *, held: bool) -> str:
        _ = texts.gettext
        lines = [_("Thank you for telling. That sounds really heavy, and I'm glad you wrote.")]
        lines.append(
            _("I kept your message from the group for now, and a moderator has been told.")
            if held
            else _("A moderator has been told and will be in touch with you.")
        )
        off_duty = self.rota.known and not self.rota.staffed(now)
        if off_duty:
            back = self.rota.next_start(now)
            if back is not None:
                local = utc_to_local(back, self.rota.timezone)
                lines.append(
                    _(
                        "Our moderators are back {when}. If you need someone now, these are "
                        "open day and night:",
                        when=f"{local_date(local.date(), language)} "
                        f"{local_time(local.time(), language)}",
                    )
                )
            else:
                lines.append(_("If you need someone now, these are open day and night:"))
        else:
            lines.append(_("If you need someone to talk to right now:"))
        mine = [r for r in self.resources if language in r.languages]
        ordered = sorted(mine, key=lambda r: not r.always_open)
        if off_duty:
            ordered = [r for r in ordered if r.always_open] or ordered
        lines += [r.line(language) for r in ordered]
        lines.append(_("If you are in danger right now, call 112."))
        return "\n".join(lines)
