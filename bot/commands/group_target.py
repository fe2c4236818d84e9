"""Which group a command is about, and whether this person may use it there.

A facilitator with several groups names one as `#ID` (from /groups); with one it is implied.
Facilitators of a group and admins may manage it; members may only read. A refusal says no
more than "not allowed", so nothing about a group leaks to someone outside it.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime

from bot.commands import CommandHandler, Context, Reply
from groups.lifecycle import GroupError, can_manage
from groups.programme import Programme
from groups.texts import local_date, local_time
from groups.timezones import utc_to_local
from storage.models import Group, GroupStatus, Role

CLOSED = (GroupStatus.ARCHIVED,)


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


async def resolve(ctx: Context, args: str, *, members_too: bool = False) -> Target:
    """Which group a command is about, after checking the person may use it there."""
    _ = ctx.t.gettext
    words = args.split(maxsplit=1)
    chosen: int | None = None
    if words and words[0].startswith("#") and words[0][1:].isdigit():
        chosen = int(words[0][1:])
        args = words[1] if len(words) > 1 else ""
    candidates = await managed_groups(ctx)
    if members_too:
        known = {group.id for group in candidates}
        for membership in await ctx.tx.memberships.for_person(ctx.person.id):
            group = await ctx.tx.groups.get(membership.group_id)
            if group is not None and group.status not in CLOSED and group.id not in known:
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


def for_group(handler: Handler, *, members_too: bool = False) -> CommandHandler:
    """Resolve the group and check the role; refusals and domain errors become replies."""

    async def guarded(ctx: Context, args: str) -> list[Reply]:
        try:
            target = await resolve(ctx, args, members_too=members_too)
            return await handler(ctx, target)
        except Refusal as refusal:
            return [Reply(refusal.text)]
        except GroupError as error:
            return [Reply(error.render(ctx.t))]

    return guarded


def session_number(ctx: Context, target: Target, text: str) -> int:
    word = text.split(maxsplit=1)[0] if text.strip() else ""
    count = len(target.programme.sessions)
    if not word.isdigit() or not 1 <= int(word) <= count:
        raise Refusal(ctx.t.gettext("Give a session number from 1 to {count}.", count=count))
    return int(word)


def when(ctx: Context, target: Target, starts_at: datetime) -> str:
    local = utc_to_local(starts_at, target.group.timezone)
    return f"{local_date(local.date(), ctx.language)} {local_time(local.time(), ctx.language)}"


async def is_staff(ctx: Context) -> bool:
    """Does this person facilitate any group (or administer them all)?"""
    if ctx.person.is_admin:
        return True
    memberships = await ctx.tx.memberships.for_person(ctx.person.id)
    return any(membership.role is Role.FACILITATOR for membership in memberships)
