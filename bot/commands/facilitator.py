"""Facilitators' commands: see, preview and change their groups' schedules from the chat.

Every command checks the role first: facilitators of that group and admins may act; anyone else
gets a plain "not allowed", and nothing about the group is revealed. A facilitator with several
groups names one as `#ID` (from /groups); with one group it is implied. Members may read their
own group's schedule.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime

from bot.commands import ButtonRoute, Command, CommandHandler, Context, Reply
from bot.i18n import N_
from bot.ports import Attachment
from groups.calendar import schedule_ics
from groups.fanout import Recipient, recipients, send_each
from groups.firing import KIND_NAMES, prompt_values
from groups.lifecycle import STATUS_NAMES, GroupError, can_manage
from groups.planning import pause_group, reschedule_session, resume_group, skip_session
from groups.programme import Programme, render
from groups.schedule import ScheduleError, parse_local
from groups.texts import local_date, local_time
from groups.timezones import utc_to_local
from storage.models import Group, GroupStatus, Priority, Role, SessionStatus

CLOSED = (GroupStatus.ARCHIVED,)
MAX_ANNOUNCEMENT = 1000
SESSION_STATUS_NAMES = {
    SessionStatus.SCHEDULED: N_("coming"),
    SessionStatus.SKIPPED: N_("skipped"),
    SessionStatus.DONE: N_("held"),
    SessionStatus.CANCELLED: N_("cancelled"),
}


@dataclass(frozen=True, slots=True)
class Target:
    group: Group
    programme: Programme
    args: str


class Refusal(Exception):
    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.text = text


async def managed_groups(ctx: Context) -> list[Group]:
    """The open groups this person may manage: all of them for an admin."""
    if ctx.person.is_admin:
        groups = await ctx.tx.groups.list_all()
    else:
        groups = []
        for membership in await ctx.tx.memberships.for_person(ctx.person.id):
            if can_manage(ctx.person, membership):
                group = await ctx.tx.groups.get(membership.group_id)
                if group is not None:
                    groups.append(group)
    return [group for group in groups if group.status not in CLOSED]


async def _target(ctx: Context, args: str, *, members_too: bool = False) -> Target:
    """Which group a command is about, after checking the person may use it there."""
    _ = ctx.t.gettext
    words = args.split(maxsplit=1)
    chosen: int | None = None
    if words and words[0].startswith("#") and words[0][1:].isdigit():
        chosen = int(words[0][1:])
        args = words[1] if len(words) > 1 else ""
    candidates = await managed_groups(ctx)
    if members_too and not candidates:
        for membership in await ctx.tx.memberships.for_person(ctx.person.id):
            group = await ctx.tx.groups.get(membership.group_id)
            if group is not None and group.status not in CLOSED:
                candidates.append(group)
    if chosen is not None:
        candidates = [group for group in candidates if group.id == chosen]
    if not candidates:
        raise Refusal(_("This command is for the group's facilitators."))
    if len(candidates) > 1:
        listed = ", ".join(f"#{group.id} {group.name}" for group in candidates)
        raise Refusal(
            _(
                "You have several groups; name one, e.g. {example}. Your groups: {groups}",
                example=f"#{candidates[0].id}",
                groups=listed,
            )
        )
    group = candidates[0]
    programme = await ctx.services.snapshots.get(ctx.tx, group.programme_snapshot_id)
    if programme is None:
        raise Refusal(_("The group has no programme."))
    return Target(group, programme, args.strip())


Handler = Callable[[Context, Target], Awaitable[list[Reply]]]


def _for_staff(handler: Handler, *, members_too: bool = False) -> CommandHandler:
    """Resolve the group and check the role; refusals and domain errors become replies."""

    async def guarded(ctx: Context, args: str) -> list[Reply]:
        try:
            target = await _target(ctx, args, members_too=members_too)
            return await handler(ctx, target)
        except Refusal as refusal:
            return [Reply(refusal.text)]
        except GroupError as error:
            return [Reply(error.render(ctx.t))]

    return guarded


def _session_number(ctx: Context, target: Target, text: str) -> int:
    word = text.split(maxsplit=1)[0] if text.strip() else ""
    count = len(target.programme.sessions)
    if not word.isdigit() or not 1 <= int(word) <= count:
        raise Refusal(ctx.t.gettext("Give a session number from 1 to {count}.", count=count))
    return int(word)


def _when(ctx: Context, target: Target, starts_at: datetime) -> str:
    local = utc_to_local(starts_at, target.group.timezone)
    return f"{local_date(local.date(), ctx.language)} {local_time(local.time(), ctx.language)}"


async def list_groups(ctx: Context, args: str) -> list[Reply]:
    _ = ctx.t.gettext
    groups = await managed_groups(ctx)
    if not groups:
        return [Reply(_("This command is for the group's facilitators."))]
    lines = [_("Your groups:")]
    for group in groups:
        members = await ctx.tx.memberships.for_group(group.id)
        count = sum(1 for m in members if m.role in (Role.PARTICIPANT, Role.PEER_SUPPORTER))
        status = _(STATUS_NAMES[group.status])
        lines.append(
            _(
                "#{id} {name} – {status}, {count} members",
                id=group.id,
                name=group.name,
                status=status,
                count=count,
            )
        )
    return [Reply("\n".join(lines))]


async def show_schedule(ctx: Context, target: Target) -> list[Reply]:
    _ = ctx.t.gettext
    group, programme = target.group, target.programme
    lines = [_("{name}: {title}", name=group.name, title=programme.title.get(ctx.language))]
    for session in await ctx.tx.schedule.sessions(group.id):
        plan = programme.session(session.number)
        title = plan.title.get(ctx.language, group.language) if plan else ""
        state = _(SESSION_STATUS_NAMES[session.status])
        lines.append(
            f"{session.number}. {_when(ctx, target, session.starts_at)} – {title} ({state})"
        )
    return [Reply("\n".join(lines))]


async def calendar(ctx: Context, target: Target) -> list[Reply]:
    """The group's sessions as a calendar file the person can add to their phone's calendar."""
    sessions = await ctx.tx.schedule.sessions(target.group.id)
    data = schedule_ics(
        target.group,
        target.programme,
        sessions,
        language=ctx.language,
        now=ctx.services.clock.now(),
    )
    text = ctx.t.gettext(
        "Here are the group's sessions as a calendar file: open it to add them to your calendar."
    )
    return [Reply(text, attachment=Attachment("piiri.ics", "text/calendar", data))]


async def preview(ctx: Context, target: Target) -> list[Reply]:
    _ = ctx.t.gettext
    number = _session_number(ctx, target, target.args)
    session = await ctx.tx.schedule.session_by_number(target.group.id, number)
    plan = target.programme.session(number)
    if session is None or plan is None:
        raise GroupError(N_("The group has no session {number}."), number=number)
    values = prompt_values(target.group, target.programme, session, ctx.language)
    lines = [
        _("Session {number}: {title}", number=number, title=plan.title.get(ctx.language)),
        plan.aim.get(ctx.language),
    ]
    for prompt in plan.prompts:
        moment = prompt.at.resolve(session.starts_at, session.ends_at)
        text = render(prompt.text.get(ctx.language, target.group.language), values)
        lines += ["", f"{_when(ctx, target, moment)} · {_(KIND_NAMES[prompt.kind])}", text]
    return [Reply("\n".join(lines))]


async def skip(ctx: Context, target: Target) -> list[Reply]:
    number = _session_number(ctx, target, target.args)
    await skip_session(
        ctx.tx,
        target.group,
        target.programme,
        number,
        now=ctx.services.clock.now(),
        actor_person_id=ctx.person.id,
        texts_for=ctx.catalogues.translator,
    )
    return [
        Reply(ctx.t.gettext("Session {number} will not be held; members were told.", number=number))
    ]


async def reschedule(ctx: Context, target: Target) -> list[Reply]:
    _ = ctx.t.gettext
    parts = target.args.split(maxsplit=1)
    number = _session_number(ctx, target, target.args)
    try:
        day, at = parse_local(parts[1] if len(parts) > 1 else "")
    except ScheduleError:
        raise Refusal(
            _("Write the new time like this: {example}", example="/reschedule 3 2027-04-20 18:00")
        ) from None
    session = await reschedule_session(
        ctx.tx,
        target.group,
        target.programme,
        number,
        day,
        at,
        now=ctx.services.clock.now(),
        actor_person_id=ctx.person.id,
        texts_for=ctx.catalogues.translator,
    )
    return [
        Reply(
            _(
                "Session {number} is now on {when}; members were told.",
                number=number,
                when=_when(ctx, target, session.starts_at),
            )
        )
    ]


async def pause(ctx: Context, target: Target) -> list[Reply]:
    await pause_group(
        ctx.tx,
        target.group,
        target.programme,
        now=ctx.services.clock.now(),
        actor_person_id=ctx.person.id,
        texts_for=ctx.catalogues.translator,
    )
    return [Reply(ctx.t.gettext("The group is paused; no prompts are posted until /resume."))]


async def resume(ctx: Context, target: Target) -> list[Reply]:
    moved = await resume_group(
        ctx.tx,
        target.group,
        target.programme,
        now=ctx.services.clock.now(),
        actor_person_id=ctx.person.id,
        texts_for=ctx.catalogues.translator,
    )
    if not moved:
        return [Reply(ctx.t.gettext("The group continues, but it has no sessions left."))]
    return [
        Reply(
            ctx.t.gettext(
                "The group continues. The next session is on {when}.",
                when=_when(ctx, target, moved[0].starts_at),
            )
        )
    ]


async def announce(ctx: Context, target: Target) -> list[Reply]:
    _ = ctx.t.gettext
    text = target.args.strip()
    if not text:
        return [
            Reply(
                _(
                    "Write the announcement after the command: {example}",
                    example="/announce " + _("Next week we meet an hour later."),
                )
            )
        ]
    if len(text) > MAX_ANNOUNCEMENT:
        return [
            Reply(
                _(
                    "The announcement is too long ({length} characters; at most {limit}).",
                    length=len(text),
                    limit=MAX_ANNOUNCEMENT,
                )
            )
        ]
    targets = await recipients(ctx.tx, target.group)

    def text_for(recipient: Recipient) -> str:
        heading = ctx.catalogues.translator(recipient.language).gettext("From the facilitators:")
        return f"{heading}\n{text}"

    queued = await send_each(ctx.tx, targets, text_for, priority=Priority.CONVERSATION)
    await ctx.tx.audit.append(
        "group.announced",
        actor_person_id=ctx.person.id,
        group_id=target.group.id,
        details={"recipients": len(queued), "length": len(text)},
    )
    return [Reply(_("Sent to {count} recipients.", count=len(queued)))]


async def is_staff(ctx: Context) -> bool:
    return bool(await managed_groups(ctx))


COMMANDS = [
    Command(
        {"en": "groups", "fi": "ryhmat", "sv": "grupper"},
        N_("your groups"),
        list_groups,
        staff=True,
    ),
    Command(
        {"en": "schedule", "fi": "aikataulu", "sv": "schema"},
        N_("the group's sessions"),
        _for_staff(show_schedule, members_too=True),
    ),
    Command(
        {"en": "calendar", "fi": "kalenteri", "sv": "kalender"},
        N_("the group's sessions as a calendar file"),
        _for_staff(calendar, members_too=True),
    ),
    Command(
        {"en": "preview", "fi": "esikatsele", "sv": "forhandsvisa"},
        N_("see session N's prompts before they are posted"),
        _for_staff(preview),
        staff=True,
    ),
    Command(
        {"en": "skip", "fi": "ohita", "sv": "hoppa"},
        N_("session N will not be held"),
        _for_staff(skip),
        staff=True,
    ),
    Command(
        {"en": "reschedule", "fi": "siirra", "sv": "flytta"},
        N_("move session N: /reschedule N YYYY-MM-DD HH:MM"),
        _for_staff(reschedule),
        staff=True,
    ),
    Command(
        {"en": "pause", "fi": "tauko", "sv": "paus"},
        N_("pause the group"),
        _for_staff(pause),
        staff=True,
    ),
    Command(
        {"en": "resume", "fi": "jatka", "sv": "fortsatt"},
        N_("continue after a pause; the remaining sessions move on"),
        _for_staff(resume),
        staff=True,
    ),
    Command(
        {"en": "announce", "fi": "tiedota", "sv": "meddela"},
        N_("send a message to every member"),
        _for_staff(announce),
        staff=True,
    ),
]

BUTTONS: list[ButtonRoute] = []
