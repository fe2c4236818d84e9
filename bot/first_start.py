"""The first start on an empty store: a sample group to try, and a way in for the first admin.

`piiri run` with no chat platform configured is Piiri's embedded default. On an empty store it
creates one clearly labelled sample group from a built-in programme, open for joining, so a
newcomer can open its join link in two browser windows and talk to themselves under two
pseudonyms within a minute. The first admin's one-time login link is made by the dashboard
(`bot.dashboard.bootstrap_admin`); this module only decides when and prints nothing itself:
the caller shows the links on the terminal, never in a log.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from bot.dashboard import bootstrap_admin
from bot.i18n import N_, Catalogues
from groups.invites import create_invite
from groups.planning import NewGroup, create_group
from groups.programme_library import ProgrammeLibrary
from groups.schedule import Series
from storage.store import Store

if TYPE_CHECKING:
    from bot.app import App

SAMPLE_PROGRAMME = "tunteet"
SAMPLE_NAME = N_("Sample group for trying Piiri out")
SAMPLE_TIME = time(18, 0)


@dataclass(frozen=True, slots=True)
class SampleGroup:
    id: int
    code: str


async def create_sample_group(
    store: Store,
    programmes: ProgrammeLibrary,
    catalogues: Catalogues,
    *,
    now: datetime,
    language: str,
    zone: str,
) -> SampleGroup | None:
    """The sample group and an invite code for it, when the store has no group at all yet.

    Its sessions start tomorrow at 18:00 in `zone` and its members may write at any time, so
    the relay works at once. Returns None when there is a group already (not a first start)."""
    programme = programmes.get(SAMPLE_PROGRAMME)
    if programme is None:
        return None
    async with store.transaction() as tx:
        if await tx.groups.list_all():
            return None
        tomorrow = now.astimezone(ZoneInfo(zone)).date() + timedelta(days=1)
        group = await create_group(
            tx,
            NewGroup(
                name=catalogues.translator(language).gettext(SAMPLE_NAME),
                programme=programme,
                series=Series(first_date=tomorrow, local_time=SAMPLE_TIME, zone=zone),
                language=language,
            ),
            now=now,
            actor_person_id=None,
            via="first-start",
        )
        code, _invite = await create_invite(
            tx, group, max_uses=None, expires_at=None, actor_person_id=None, via="first-start"
        )
        return SampleGroup(group.id, code)


async def first_start_lines(app: App, *, embedded: bool) -> list[str]:
    """What the operator is told on the terminal when the web is served: the first admin's
    one-time link while no admin has a password yet and, on the embedded default's first
    start, the sample group's join link. Never logged."""
    settings = app.settings
    base = settings.web.base_url()
    lines = []
    if embedded:
        sample = await create_sample_group(
            app.store,
            app.programmes,
            app.catalogues,
            now=app.clock.now(),
            language=settings.i18n.default_language,
            zone=settings.schedule.default_timezone,
        )
        if sample is not None:
            lines.append(
                f"a sample group is ready: open {base}/j/{sample.code} in two browser windows "
                "and talk to yourself under two pseudonyms"
            )
    welcome = await bootstrap_admin(app.store, app.clock)
    if welcome is not None:
        lines.append(
            f"set the first admin's password at {base}{welcome} (one use, valid for a day; "
            "a new link comes with each start until it is used), then sign in at "
            f"{base}/staff"
        )
    return lines
