"""What members write: free text goes to their group through the relay; edits and removals
follow it to every copy. A message written while the group is closed waits for its author
to choose: deliver it at the next opening, or drop it."""

from __future__ import annotations

from bot.commands import ButtonRoute, Command, Context, Reply
from bot.commands.crisis_reply import crisis_help
from bot.commands.feedback import take_comment
from bot.commands.join import typed_name
from bot.commands.private_contact import reply_in_contact
from bot.commands.reach import when_local
from bot.i18n import N_
from bot.ports import Button, ChatRef, InboundKind
from groups.attendance import note_presence
from groups.enrolment import Step
from groups.relay import Outcome, Posted, Relay, Source, relay_groups
from groups.review import Alerts
from groups.room import RoomOutcome, RoomPosted, room_edit, room_message
from moderation.verdict import Category, Verdict
from storage.models import Group, Membership, MembershipStatus, Message, MessageState

CLOSED_PREFIX = "cl"
BLOCKED_PREFIX = "pi"


def _relay(ctx: Context) -> Relay:
    return Relay(ctx.tx, ctx.catalogues.translator, ctx.services.screen, ctx.services.escalation)


def _alerts(ctx: Context) -> Alerts | None:
    escalation = ctx.services.escalation
    return (ctx.catalogues.translator, escalation) if escalation is not None else None


def _source(ctx: Context) -> Source | None:
    event = ctx.event
    if event.message_id is None:
        return None
    return Source(event.transport, event.chat.chat_id, event.message_id)


async def _where(ctx: Context) -> tuple[Group, Membership] | list[Reply]:
    """The group this person's text is for, or the replies that ask them to choose."""
    _ = ctx.t.gettext
    memberships, groups = await ctx.memberships(), await ctx.membership_groups()
    candidates = relay_groups(memberships, groups)
    reply_to = ctx.event.reply_to_message_id
    if reply_to is not None and len(candidates) > 1:
        for membership in candidates:
            replied = await ctx.tx.messages.received_as(membership.id, reply_to)
            if replied is not None:
                return groups[membership.group_id], membership
    if ctx.person.active_group_id is not None and len(candidates) > 1:
        candidates = [
            m for m in candidates if m.group_id == ctx.person.active_group_id
        ] or candidates
    if len(candidates) == 1:
        return groups[candidates[0].group_id], candidates[0]
    if not candidates:
        waiting = [
            m
            for m in await ctx.tx.memberships.for_person(ctx.person.id, active_only=False)
            if m.status is MembershipStatus.WAITING
        ]
        if waiting:
            group = await ctx.tx.groups.get(waiting[0].group_id)
            return [
                Reply(
                    _(
                        "You are on the waiting list of {group}, so your message was not sent. "
                        "I'll tell you as soon as a place opens.",
                        group=group.name if group else "",
                    )
                )
            ]
        return [
            Reply(
                _(
                    "You are not in a group yet. To join, open the invite link your group's "
                    "facilitator gave you. {help} shows what I can do.",
                    help=ctx.command("help"),
                )
            )
        ]
    rows = tuple((Button(groups[m.group_id].name, f"g:{m.group_id}"),) for m in candidates)
    return [
        Reply(
            _("You are in several groups. Which one should your messages go to?"),
            buttons=rows,
        )
    ]


async def on_text(ctx: Context) -> list[Reply]:
    continued = await reply_in_contact(ctx)
    if continued is not None:
        return continued
    draft = await ctx.tx.joining.draft(ctx.person.id)
    if draft is not None and draft.step == Step.NAME and ctx.event.media is None:
        return await typed_name(ctx, draft)
    comment = await take_comment(ctx)
    if comment is not None:
        return comment
    source = _source(ctx)
    where = await _where(ctx)
    if isinstance(where, list) or source is None:
        return where if isinstance(where, list) else []
    group, membership = where
    posted = await _relay(ctx).post(
        group,
        membership,
        ctx.event.text or "",
        source,
        now=ctx.services.clock.now(),
        reply_to=ctx.event.reply_to_message_id,
        media=ctx.event.media,
    )
    if posted.message is not None:
        await note_presence(ctx.tx, group, membership, ctx.services.clock.now())
    return _answer(ctx, group, posted)


def _answer(ctx: Context, group: Group, posted: Posted) -> list[Reply]:
    _ = ctx.t.gettext
    match posted.outcome:
        case Outcome.SENT:
            return crisis_help(ctx, posted.verdict, held=False)
        case Outcome.CLOSED if posted.message is not None:
            text = (
                _(
                    "The group is closed now; it opens {when}.",
                    when=when_local(ctx.language, group, posted.opens_at),
                )
                if posted.opens_at is not None
                else _("The group is closed for now.")
            )
            mid = posted.message.id
            buttons = (
                (
                    Button(_("Send it when the group opens"), f"{CLOSED_PREFIX}:later:{mid}"),
                    Button(_("Don't send it"), f"{CLOSED_PREFIX}:drop:{mid}"),
                ),
            )
            return [Reply(text + " " + _("I kept your message. Shall I send it then?"), buttons)]
        case Outcome.ENDED:
            return [Reply(_("This group has ended, so your message was not sent."))]
        case Outcome.MUTED if posted.opens_at is not None:
            return [
                Reply(
                    _(
                        "A moderator has paused your messages until {when}, so this one is "
                        "not shown to the group; the moderators can read it.",
                        when=when_local(ctx.language, group, posted.opens_at),
                    )
                )
            ]
        case Outcome.ROOM_MODE:
            return [Reply(_("This group talks in its own room; write there."))]
        case Outcome.MEDIA_OFF:
            return [
                Reply(
                    _(
                        "Only text can be sent to this group, so your message with the file "
                        "was not sent. You can write the text on its own."
                    )
                )
            ]
        case Outcome.BLOCKED if posted.message is not None and posted.verdict is not None:
            return [
                *crisis_help(ctx, posted.verdict, held=True),
                _blocked(ctx, posted.message.id, posted.verdict),
            ]
        case Outcome.HELD:
            crisis = crisis_help(ctx, posted.verdict, held=True)
            return crisis or [
                Reply(
                    _(
                        "Your message waits for a moderator to look at it before it goes to "
                        "the group."
                    )
                )
            ]
        case Outcome.MEDIA_HELD:
            return [Reply(_("Files are checked by a moderator first. Yours waits for review."))]
    return []


FOUND_NAMES = {
    "phone": N_("a phone number"),
    "email": N_("an e-mail address"),
    "identity_code": N_("a personal identity code"),
    "iban": N_("a bank account number"),
    "address": N_("a street address"),
    "handle": N_("a social media handle"),
    "invitation": N_("an invitation to talk somewhere else"),
    "link": N_("a link"),
    "scam": N_("something that looks like advertising"),
}
# Why each kind of blocked message stays out of the group, said to its author.
BLOCK_REASONS = {
    Category.PERSONAL_INFO: N_(
        "Contact details and moving elsewhere stay out of the group, so that everyone stays "
        "anonymous and safe."
    ),
    Category.CONTACT_EXCHANGE: N_(
        "Contact details and moving elsewhere stay out of the group, so that everyone stays "
        "anonymous and safe."
    ),
    Category.SPAM: N_(
        "Links from new members and advertising stay out of the group; after your first day "
        "you can share links."
    ),
}
SLOW_DOWN = N_(
    "You are sending a lot of messages very quickly, so I didn't send this one. Take a "
    "moment, and write again in a minute."
)


def _found_names(ctx: Context, verdict: Verdict) -> str:
    """What screening found, in words: "a phone number, a street address"."""
    _ = ctx.t.gettext
    labels = sorted({s.label for f in verdict.findings for s in f.spans})
    found = ", ".join(_(FOUND_NAMES[label]) for label in labels if label in FOUND_NAMES)
    return found or _("something personal")


def _blocked(ctx: Context, message_id: int, verdict: Verdict) -> Reply:
    """Why a message was not sent, and the offer to send it with that part masked."""
    _ = ctx.t.gettext
    labels = {s.label for f in verdict.findings for s in f.spans}
    if labels & {"flood", "repeated"}:
        return Reply(_(SLOW_DOWN))
    found = _found_names(ctx, verdict)
    categories = [f.category for f in verdict.findings if f.category in BLOCK_REASONS]
    reason = (
        _(BLOCK_REASONS[categories[0]])
        if categories
        else _("Messages like this stay out of the group under its rules.")
    )
    text = (
        _("I didn't send your message: it has {found}.", found=found)
        + " "
        + reason
        + " "
        + _("Shall I send it with that part hidden?")
    )
    return Reply(
        text,
        buttons=(
            (
                Button(_("Send it hidden"), f"{BLOCKED_PREFIX}:send:{message_id}"),
                Button(_("Don't send"), f"{BLOCKED_PREFIX}:drop:{message_id}"),
            ),
        ),
    )


async def blocked_pressed(ctx: Context, payload: str) -> list[Reply]:
    _ = ctx.t.gettext
    choice, _sep, message_id = payload.partition(":")
    found = await _own_by_id(ctx, message_id, MessageState.BLOCKED)
    if found is None:
        return [Reply(_("That button is no longer in use."))]
    group, membership, message = found
    if choice == "drop":
        await ctx.tx.messages.drop(message)
        return [Reply(_("Alright, I deleted it."))]
    posted = await _relay(ctx).resend_without(
        group, membership, message, now=ctx.services.clock.now()
    )
    if posted is None:
        return [Reply(_("I couldn't hide it well enough. Please write the message again."))]
    if posted.outcome is Outcome.CLOSED:
        if posted.opens_at is None:
            return [Reply(_("I'll send it as soon as the group opens again."))]
        when = when_local(ctx.language, group, posted.opens_at)
        return [Reply(_("I'll send it {when}.", when=when))]
    return [Reply(_("Sent, with the personal part hidden."))]


Owned = tuple[Group, Membership, Message]


async def _owned(ctx: Context, message: Message | None) -> Owned | None:
    """The message with its group and author, only if this person wrote it."""
    if message is None:
        return None
    membership = await ctx.tx.memberships.get(message.membership_id)
    group = await ctx.tx.groups.get(message.group_id)
    if membership is None or group is None or membership.person_id != ctx.person.id:
        return None
    return group, membership, message


async def _own_by_id(ctx: Context, message_id: str, state: MessageState) -> Owned | None:
    """A message named by a button, only if it is this person's own and in `state`."""
    message = await ctx.tx.messages.get(int(message_id)) if message_id.isdigit() else None
    if message is None or message.state is not state:
        return None
    return await _owned(ctx, message)


async def closed_pressed(ctx: Context, payload: str) -> list[Reply]:
    _ = ctx.t.gettext
    choice, _sep, message_id = payload.partition(":")
    found = await _own_by_id(ctx, message_id, MessageState.CLOSED)
    if found is None:
        return [Reply(_("That button is no longer in use."))]
    group, _membership, message = found
    if choice == "drop":
        await ctx.tx.messages.drop(message)
        return [Reply(_("Alright, I deleted it."))]
    opens = await _relay(ctx).choose_later(message, group, ctx.services.clock.now())
    if opens is None:
        return [Reply(_("I'll send it as soon as the group opens again."))]
    return [Reply(_("I'll send it {when}.", when=when_local(ctx.language, group, opens)))]


async def _own_message(ctx: Context, message_id: str | None) -> Owned | None:
    """A message by its platform id in this chat, only if this person wrote it."""
    if message_id is None:
        return None
    event = ctx.event
    return await _owned(
        ctx, await ctx.tx.messages.find_by_source(event.transport, event.chat.chat_id, message_id)
    )


async def on_edit(ctx: Context) -> list[Reply]:
    """The author edited their message: the new text reaches every copy."""
    found = await _own_message(ctx, ctx.event.message_id)
    if found is None or ctx.event.text is None:
        return []
    group, membership, message = found
    refused = await _relay(ctx).edit(group, membership, message, ctx.event.text, _source(ctx))
    if refused is None:
        return []
    crisis = crisis_help(ctx, refused, held=True)
    if crisis:
        return crisis
    if not any(f.category in BLOCK_REASONS for f in refused.findings):
        return [
            Reply(
                ctx.t.gettext(
                    "I didn't pass on your edit: a moderator will look at it first. The "
                    "others still see your message as it was."
                )
            )
        ]
    found_names = _found_names(ctx, refused)
    return [
        Reply(
            ctx.t.gettext(
                "I didn't pass on your edit: it adds {found}. The others still see your "
                "message as it was.",
                found=found_names,
            )
        )
    ]


async def on_delete(ctx: Context) -> list[Reply]:
    """The author deleted their message: every copy becomes a short note."""
    found = await _own_message(ctx, ctx.event.message_id)
    if found is None:
        return []
    group, membership, message = found
    await _relay(ctx).remove(group, membership, message)
    return []


async def remove(ctx: Context, args: str) -> list[Reply]:
    """`/remove` as a reply to one's own message (platforms that don't report deletions)."""
    _ = ctx.t.gettext
    found = await _own_message(ctx, ctx.event.reply_to_message_id)
    if found is None:
        return [
            Reply(
                _(
                    "Reply to your own message with {remove} to remove it from the group.",
                    remove=ctx.command("remove"),
                )
            )
        ]
    group, membership, message = found
    if not await _relay(ctx).remove(group, membership, message):
        return [Reply(_("That message is already removed."))]
    return [Reply(_("Removed. The others now see a note in its place."))]


ROOM_REMOVALS = {
    RoomOutcome.REMOVED_MEDIA: (
        N_("Only text can be shared in this group; a file was removed."),
        N_("I removed the file you shared in {group}: the group takes only text."),
    ),
    RoomOutcome.REMOVED_PERSONAL: (
        N_("A message was removed because it had personal information in it."),
        N_(
            "I removed your message in {group}: it had personal information (like a phone "
            "number or an address) that the group should not see."
        ),
    ),
    RoomOutcome.HELD_TEXT: (
        N_("A message was taken out of the room for a moderator to look at."),
        N_(
            "I took your message in {group} out of the room for now: a moderator will look "
            "at it first."
        ),
    ),
}


async def on_room(ctx: Context) -> list[Reply]:
    """A message in a group's platform room (room mode): recorded, and removed if the group
    does not allow it, with the reason told to its author privately."""
    event = ctx.event
    if event.message_id is None:
        return []
    if event.kind is InboundKind.EDIT:
        posted = await room_edit(
            ctx.tx,
            transport=event.transport,
            room_id=event.chat.chat_id,
            message_id=event.message_id,
            text=event.text or "",
            screen=ctx.services.screen,
            alerts=_alerts(ctx),
        )
        return _room_removal(ctx, posted)
    posted = await room_message(
        ctx.tx,
        ctx.person,
        transport=event.transport,
        room_id=event.chat.chat_id,
        message_id=event.message_id,
        text=event.text,
        media=event.media,
        words=ctx.services.words,
        rng=ctx.services.rng,
        screen=ctx.services.screen,
        alerts=_alerts(ctx),
    )
    if posted.group is not None and posted.membership is not None:
        await note_presence(ctx.tx, posted.group, posted.membership, ctx.services.clock.now())
    return _room_removal(ctx, posted)


def _room_removal(ctx: Context, posted: RoomPosted) -> list[Reply]:
    """Why a message was removed from the room: to its author privately, or to the room;
    and to someone in crisis, help at once (privately only)."""
    event = ctx.event
    dm = ctx.tx.persons.dm_chat(ctx.person)
    held = posted.outcome is not RoomOutcome.RECORDED
    help_now = [
        Reply(r.text, priority=r.priority, chat=ChatRef(event.transport, dm))
        for r in crisis_help(ctx, posted.verdict, held=held)
        if dm is not None
    ]
    if posted.outcome not in ROOM_REMOVALS or posted.group is None:
        return help_now
    in_room, privately = ROOM_REMOVALS[posted.outcome]
    if dm is None:  # never wrote to the bot privately: say it in the room, naming no one
        return [Reply(ctx.t.gettext(in_room))]
    if help_now:
        return help_now
    return [
        Reply(
            ctx.t.gettext(privately, group=posted.group.name),
            chat=ChatRef(event.transport, dm),
        )
    ]


COMMANDS = [
    Command(
        {"en": "remove", "fi": "poista", "sv": "radera"},
        N_("remove your message (as a reply to it)"),
        remove,
    ),
]
BUTTONS = [ButtonRoute(CLOSED_PREFIX, closed_pressed), ButtonRoute(BLOCKED_PREFIX, blocked_pressed)]
