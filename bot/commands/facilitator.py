"""Facilitators' commands: see, preview and change their groups' schedules from the chat.

Every command resolves its group and checks the role first (`bot.commands.group_target`):
facilitators of that group and admins may act; members may read the schedule and calendar.
"""

from __future__ import annotations

from bot.commands import ButtonRoute, Command, Context, Reply
from bot.commands.group_target import (
    Refusal,
    Target,
    for_group,
    managed_groups,
    session_number,
    when,
)
from bot.i18n import N_
from bot.ports import Attachment
from groups.calendar import schedule_ics
from groups.fanout import Recipient, recipients, send_each
from groups.firing import KIND_NAMES, prompt_values
from groups.lifecycle import STATUS_NAMES, GroupError
from groups.planning import Change, pause_group, reschedule_session, resume_group, skip_session
from groups.programme import render
from groups.schedule import ScheduleError, parse_local
from storage.models import Priority, Role, SessionStatus

MAX_ANNOUNCEMENT = 1000
SESSION_STATUS_NAMES = {
    SessionStatus.SCHEDULED: N_("coming"),
    SessionStatus.SKIPPED: N_("skipped"),
    SessionStatus.DONE: N_("held"),
    SessionStatus.CANCELLED: N_("cancelled"),
}


def change(ctx: Context) -> Change:
    return Change(ctx.services.clock.now(), ctx.person.id, ctx.catalogues.translator)


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
            f"{session.number}. {when(ctx, target, session.starts_at)} – {title} ({state})"
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
    number = session_number(ctx, target, target.args)
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
        lines += ["", f"{when(ctx, target, moment)} · {_(KIND_NAMES[prompt.kind])}", text]
    return [Reply("\n".join(lines))]


async def skip(ctx: Context, target: Target) -> list[Reply]:
    number = session_number(ctx, target, target.args)
    await skip_session(
        ctx.tx,
        target.group,
        target.programme,
        number,
        change(ctx),
    )
    return [
        Reply(ctx.t.gettext("Session {number} will not be held; members were told.", number=number))
    ]


async def reschedule(ctx: Context, target: Target) -> list[Reply]:
    _ = ctx.t.gettext
    parts = target.args.split(maxsplit=1)
    number = session_number(ctx, target, target.args)
    try:
        day, at = parse_local(parts[1] if len(parts) > 1 else "")
    except ScheduleError:
        raise Refusal(
            _(
                "Write the new time like this: {example}",
                example=ctx.command("reschedule") + " 3 2027-04-20 18:00",
            )
        ) from None
    session = await reschedule_session(
        ctx.tx,
        target.group,
        target.programme,
        number,
        day,
        at,
        change(ctx),
    )
    return [
        Reply(
            _(
                "Session {number} is now on {when}; members were told.",
                number=number,
                when=when(ctx, target, session.starts_at),
            )
        )
    ]


async def pause(ctx: Context, target: Target) -> list[Reply]:
    await pause_group(
        ctx.tx,
        target.group,
        target.programme,
        change(ctx),
    )
    return [Reply(ctx.t.gettext("The group is paused; no prompts are posted until /resume."))]


async def resume(ctx: Context, target: Target) -> list[Reply]:
    moved = await resume_group(
        ctx.tx,
        target.group,
        target.programme,
        change(ctx),
    )
    if not moved:
        return [Reply(ctx.t.gettext("The group continues, but it has no sessions left."))]
    return [
        Reply(
            ctx.t.gettext(
                "The group continues. The next session is on {when}.",
                when=when(ctx, target, moved[0].starts_at),
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
                    example=ctx.command("announce") + " " + _("Next week we meet an hour later."),
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
        for_group(show_schedule, members_too=True),
    ),
    Command(
        {"en": "calendar", "fi": "kalenteri", "sv": "kalender"},
        N_("the group's sessions as a calendar file"),
        for_group(calendar, members_too=True),
    ),
    Command(
        {"en": "preview", "fi": "esikatsele", "sv": "forhandsvisa"},
        N_("see session N's prompts before they are posted"),
        for_group(preview),
        staff=True,
    ),
    Command(
        {"en": "skip", "fi": "ohita", "sv": "hoppa"},
        N_("session N will not be held"),
        for_group(skip),
        staff=True,
    ),
    Command(
        {"en": "reschedule", "fi": "siirra", "sv": "flytta"},
        N_("move session N: /reschedule N YYYY-MM-DD HH:MM"),
        for_group(reschedule),
        staff=True,
    ),
    Command(
        {"en": "pause", "fi": "tauko", "sv": "paus"},
        N_("pause the group"),
        for_group(pause),
        staff=True,
    ),
    Command(
        {"en": "resume", "fi": "jatka", "sv": "fortsatt"},
        N_("continue after a pause; the remaining sessions move on"),
        for_group(resume),
        staff=True,
    ),
    Command(
        {"en": "announce", "fi": "tiedota", "sv": "meddela"},
        N_("send a message to every member"),
        for_group(announce),
        staff=True,
    ),
]

BUTTONS: list[ButtonRoute] = []
