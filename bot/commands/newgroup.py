"""`/newgroup`: a facilitator sets up a group from the chat, guided one choice at a time.

Programme, language and mode are buttons; the choices so far travel in the button data, so no
half-finished set-up is stored anywhere. The last step is one line with the first session's
date and time and the group's name, pre-filled for the person to complete:
`/newgroup tunteet fi relay 2027-01-12 18:00 Kevään ryhmä`.
"""

from __future__ import annotations

from bot.commands import ButtonRoute, Command, Context, Reply
from bot.commands.group_target import is_staff
from bot.i18n import LANGUAGE_NAMES, N_
from bot.ports import Button
from groups.lifecycle import GroupError
from groups.planning import NewGroup, create_group
from groups.schedule import ScheduleError, Series, parse_local
from groups.texts import local_date, local_time
from groups.timezones import utc_to_local
from storage.models import Group, GroupMode, Role

PREFIX = "ng"
MODES = {"relay": GroupMode.RELAY, "room": GroupMode.ROOM}
FACILITATOR_NAME = N_("Facilitator")


def _refused(ctx: Context) -> list[Reply]:
    return [Reply(ctx.t.gettext("Only facilitators and admins can create groups."))]


async def new_group(ctx: Context, args: str) -> list[Reply]:
    if not await is_staff(ctx):
        return _refused(ctx)
    if not args.strip():
        return _choose_programme(ctx)
    return await _create(ctx, args.split())


async def pressed(ctx: Context, payload: str) -> list[Reply]:
    if not await is_staff(ctx):
        return _refused(ctx)
    _ = ctx.t.gettext
    parts = payload.split(":")
    programme = ctx.services.programmes.get(parts[0])
    if programme is None or len(parts) > 3:
        return [Reply(_("That button is no longer in use."))]
    if len(parts) == 1:
        buttons = tuple(
            Button(name, f"{PREFIX}:{parts[0]}:{code}") for code, name in LANGUAGE_NAMES.items()
        )
        return [Reply(_("Which language will the group use?"), buttons=(buttons,))]
    if parts[1] not in LANGUAGE_NAMES:
        return [Reply(_("That button is no longer in use."))]
    if len(parts) == 2:
        base = f"{PREFIX}:{parts[0]}:{parts[1]}"
        return [
            Reply(
                _(
                    "How will the group talk? Relay: each member writes to me privately and "
                    "nobody sees anyone's account. Room: members sit together in one chat room."
                ),
                buttons=((Button(_("Relay"), f"{base}:relay"), Button(_("Room"), f"{base}:room")),),
            )
        ]
    if parts[2] not in MODES:
        return [Reply(_("That button is no longer in use."))]
    example = f"{ctx.command('newgroup')} {parts[0]} {parts[1]} {parts[2]} 2027-01-12 18:00 " + _(
        "Spring group"
    )
    return [
        Reply(
            _(
                "Last, write the first session's date and time and the group's name, like "
                "this:\n{example}",
                example=example,
            )
        )
    ]


def _choose_programme(ctx: Context) -> list[Reply]:
    rows = tuple(
        (Button(entry.programme.title.get(ctx.language), f"{PREFIX}:{entry.programme.key}"),)
        for entry in ctx.services.programmes.all()
    )
    return [Reply(ctx.t.gettext("Which programme will the group follow?"), buttons=rows)]


async def start_group(ctx: Context, spec: NewGroup, *, via: str) -> Group:
    """Create the group and make its creator its facilitator (from the chat or the
    dashboard; the caller has checked `is_staff`)."""
    group = await create_group(
        ctx.tx, spec, now=ctx.services.clock.now(), actor_person_id=ctx.person.id, via=via
    )
    await ctx.tx.memberships.add(
        group.id,
        ctx.person.id,
        ctx.t.gettext(FACILITATOR_NAME),
        role=Role.FACILITATOR,
        language=ctx.language,
    )
    return group


async def _create(ctx: Context, words: list[str]) -> list[Reply]:
    _ = ctx.t.gettext
    programme = ctx.services.programmes.get(words[0])
    if programme is None:
        return [Reply(_("There is no programme “{key}”.", key=words[0])), *_choose_programme(ctx)]
    rest = words[1:]
    language = rest.pop(0) if rest and rest[0] in LANGUAGE_NAMES else ctx.language
    mode = MODES[rest.pop(0)] if rest and rest[0] in MODES else GroupMode.RELAY
    usage = _(
        "Write it like this: {example}",
        example=f"{ctx.command('newgroup')} {programme.key} {language} {mode.value} "
        + "2027-01-12 18:00 "
        + _("Spring group"),
    )
    if len(rest) < 3:
        return [Reply(usage)]
    try:
        first, at = parse_local(f"{rest[0]} {rest[1]}")
        series = Series(first, at, ctx.services.default_timezone)
        group = await start_group(
            ctx,
            NewGroup(" ".join(rest[2:]), programme, series, language=language, mode=mode),
            via="chat",
        )
    except ScheduleError:
        return [Reply(usage)]
    except GroupError as error:
        return [Reply(error.render(ctx.t))]
    sessions = await ctx.tx.schedule.sessions(group.id)
    local = utc_to_local(sessions[0].starts_at, group.timezone)
    return [
        Reply(
            _(
                "Group #{id} “{name}” is ready: {count} sessions, the first on {date} at {time}. "
                "/preview 1 shows its prompts.",
                id=group.id,
                name=group.name,
                count=len(sessions),
                date=local_date(local.date(), ctx.language),
                time=local_time(local.time(), ctx.language),
            )
        )
    ]


COMMANDS = [
    Command(
        {"en": "newgroup", "fi": "uusiryhma", "sv": "nygrupp"},
        N_("create a group from a programme"),
        new_group,
        staff=True,
    )
]
BUTTONS = [ButtonRoute(PREFIX, pressed)]
