"""Joining a group from one link: `/start CODE` (a Telegram deep link) or `/join CODE`.

Each step is one short message with buttons: the group's intro with consent → age band (only
if the group has age limits) → pseudonym → language. Button data is short and opaque (`j:…`);
pressing "no thanks" or /cancel at any step deletes the draft, so nothing is kept.
"""

from __future__ import annotations

from bot.commands import ButtonRoute, Command, Context, Reply
from bot.commands.reach import notify_staff, welcome, when_local
from bot.i18n import LANGUAGE_NAMES, N_
from bot.ports import Button
from groups import enrolment
from groups.enrolment import AGE_BANDS, Started, StartProblem, Step
from groups.invites import InviteProblem, looks_like_code
from groups.pseudonyms import Rejection, check, normalise, suggest
from moderation.learned import MODEL_LABEL
from moderation.screen import Screen
from moderation.verdict import Category
from storage.models import Group, JoinDraft, MembershipStatus, SessionStatus
from storage.repositories import PseudonymTakenError

PREFIX = "j"
SUGGESTIONS = 3

INVITE_PROBLEMS = {
    InviteProblem.UNKNOWN: N_("I don't recognise that code. Check it and try again."),
    InviteProblem.REVOKED: N_("That invite is no longer valid. Ask the facilitator for a new one."),
    InviteProblem.EXPIRED: N_("That invite has expired. Ask the facilitator for a new one."),
    InviteProblem.USED_UP: N_("That invite has been used up. Ask the facilitator for a new one."),
    InviteProblem.GROUP_CLOSED: N_("That group is not taking new members."),
}
REJECTIONS = {
    Rejection.TOO_SHORT: N_("That name is too short; use at least 2 letters."),
    Rejection.TOO_LONG: N_("That name is too long; use at most 24 characters."),
    Rejection.CHARACTERS: N_("Use only letters, spaces and hyphens in the name."),
    Rejection.PERSONAL_INFO: N_(
        "That looks like it could tell who you are (numbers, an address or a handle). "
        "Choose a name that doesn't."
    ),
    Rejection.NOT_ALLOWED: N_("That name is not allowed here. Choose another."),
    Rejection.TAKEN: N_("Someone in the group already has that name. Choose another."),
}
BAND_LABELS = {
    "u16": N_("under 16"),
    "16-17": N_("16–17"),
    "18-22": N_("18–22"),
    "23-29": N_("23–29"),
    "30+": N_("30 or over"),
}


def _button(ctx: Context, label: str, data: str) -> Button:
    return Button(ctx.t.gettext(label), f"{PREFIX}:{data}")


async def join(ctx: Context, args: str) -> list[Reply]:
    _ = ctx.t.gettext
    if not ctx.event.is_private:
        return [
            Reply(_("Write to me in a private chat to join a group, so your code stays yours."))
        ]
    if not args.strip():
        return [Reply(_("Write {join} followed by the invite code.", join=ctx.command("join")))]
    started = await enrolment.start(
        ctx.tx, ctx.person, args.strip(), ctx.services.clock.now(), ctx.services.joining
    )
    return await _started(ctx, started)


async def start_with_code(ctx: Context, args: str) -> list[Reply] | None:
    """`/start CODE` from a deep link: the join flow. None when the argument is no code."""
    if not looks_like_code(args):
        return None
    return await join(ctx, args)


async def _started(ctx: Context, started: Started) -> list[Reply]:
    _ = ctx.t.gettext
    if started.problem is StartProblem.TOO_MANY_TRIES and started.retry_at is not None:
        minutes = max(1, int((started.retry_at - ctx.services.clock.now()).total_seconds() // 60))
        return [Reply(_("Too many wrong codes. Try again in {minutes} min.", minutes=minutes))]
    if started.invite_problem is not None:
        return [Reply(_(INVITE_PROBLEMS[started.invite_problem]))]
    group = started.group
    if group is None or started.draft is None:
        if started.problem is StartProblem.ALREADY_WAITING:
            return [Reply(_("You are already on this group's waiting list."))]
        if started.problem is StartProblem.REMOVED:
            return [
                Reply(
                    _(
                        "You were removed from this group, so you can't join it again with "
                        "a code. Talk to the group's facilitator if you think this is wrong."
                    )
                )
            ]
        return [Reply(_("You are already in this group."))]
    return [await _intro(ctx, group, started.draft)]


async def _intro(ctx: Context, group: Group, draft: JoinDraft) -> Reply:
    _ = ctx.t.gettext
    lines = [f"{group.name}"]
    programme = await ctx.services.snapshots.get(ctx.tx, group.programme_snapshot_id)
    if programme is not None:
        lines.append(
            f"{programme.title.get(ctx.language)}: {programme.description.get(ctx.language)}"
        )
    upcoming = [
        s for s in await ctx.tx.schedule.sessions(group.id) if s.status is SessionStatus.SCHEDULED
    ]
    if upcoming:
        lines.append(
            _(
                "{count} sessions; the next one is {when}.",
                count=len(upcoming),
                when=when_local(ctx.language, group, upcoming[0].starts_at),
            )
        )
    lines += [
        "",
        _(
            "In the group you have a pseudonym. Others see only it: never your name, account "
            "or number. Messages go through me."
        ),
        _(
            "Rules: be kind, keep what others share inside the group, and don't share "
            "contact details. The group's facilitators read the conversation too."
        ),
        _(
            "What is kept: your pseudonym, your messages for {days} days and your feedback "
            "answers. {mydata} shows it all, {forgetme} erases it.",
            days=ctx.services.retention_days,
            mydata=ctx.command("mydata"),
            forgetme=ctx.command("forgetme"),
        ),
    ]
    staff = [m.pseudonym for m, _p in await ctx.tx.memberships.staff(group.id)]
    if staff:
        lines.append(_("The group is run by: {names}.", names=", ".join(staff)))
    if draft.waiting:
        lines += ["", _("The group is full right now, but you can join its waiting list.")]
        agree = _button(ctx, N_("Join the waiting list"), "ok")
    else:
        lines += ["", _("Do you agree to these and want to join?")]
        agree = _button(ctx, N_("I agree, join"), "ok")
    return Reply("\n".join(lines), buttons=((agree, _button(ctx, N_("No thanks"), "no")),))


async def pressed(ctx: Context, payload: str) -> list[Reply]:
    _ = ctx.t.gettext
    draft = await ctx.tx.joining.draft(ctx.person.id)
    action, _sep, value = payload.partition(":")
    if action == "no":
        return await _cancel(ctx)
    if draft is None:
        return [Reply(_("This joining has expired. Open the invite link again to start over."))]
    group = await ctx.tx.groups.get(draft.group_id)
    if group is None:
        return await _cancel(ctx)
    if action == "ok" and draft.step == Step.CONSENT:
        draft.step = enrolment.step_after_consent(group)
        return [await _ask(ctx, group, draft)]
    if action == "age" and draft.step == Step.AGE:
        return await _age_chosen(ctx, group, draft, value)
    if action == "more" and draft.step == Step.NAME:
        return [await _ask(ctx, group, draft)]
    if action == "n" and draft.step == Step.NAME and value.isdigit():
        names = [str(s) for s in draft.suggestions]
        if int(value) < len(names):
            return await _name_chosen(ctx, group, draft, names[int(value)])
    if action == "l" and draft.step == Step.LANGUAGE and value in LANGUAGE_NAMES:
        return await _finish(ctx, group, draft, value)
    return [Reply(_("That button is no longer in use."))]


async def _cancel(ctx: Context) -> list[Reply]:
    _ = ctx.t.gettext
    had = await ctx.tx.joining.discard(ctx.person.id)
    if not had:
        return [Reply(_("There was nothing to cancel."))]
    return [Reply(_("Alright. I kept nothing. You can join later with the same link."))]


async def cancel(ctx: Context, args: str) -> list[Reply]:
    return await _cancel(ctx)


async def _ask(ctx: Context, group: Group, draft: JoinDraft) -> Reply:
    """The question of the draft's current step."""
    _ = ctx.t.gettext
    no = _button(ctx, N_("Cancel"), "no")
    if draft.step == Step.AGE:
        rows = tuple((_button(ctx, BAND_LABELS[b.key], f"age:{b.key}"),) for b in AGE_BANDS)
        return Reply(_("How old are you? Choose your age group."), buttons=(*rows, (no,)))
    if draft.step == Step.NAME:
        taken = await enrolment.taken_names(ctx.tx, group.id)
        names = suggest(ctx.services.words, ctx.language, taken, ctx.services.rng, SUGGESTIONS)
        draft.suggestions = names
        await ctx.tx.joining.save(draft)
        rows = tuple((Button(name, f"{PREFIX}:n:{i}"),) for i, name in enumerate(names))
        more = _button(ctx, N_("Other suggestions"), "more")
        text = _(
            "Choose a pseudonym: the name others in the group will see. Pick one below or "
            "write your own. Don't use your real name."
        )
        return Reply(text, buttons=(*rows, (more, no)))
    return Reply(
        _("Which language do you want the group's messages in?"),
        buttons=(
            tuple(Button(label, f"{PREFIX}:l:{code}") for code, label in LANGUAGE_NAMES.items()),
            (no,),
        ),
    )


async def _age_chosen(ctx: Context, group: Group, draft: JoinDraft, key: str) -> list[Reply]:
    _ = ctx.t.gettext
    chosen = enrolment.band(key)
    if chosen is None:
        return [Reply(_("That button is no longer in use."))]
    if not enrolment.band_fits(group, chosen):
        await ctx.tx.joining.discard(ctx.person.id)
        return [
            Reply(
                _(
                    "This group is meant for another age group, so you can't join it. "
                    "I kept nothing. Ask the facilitator about a group that fits you."
                )
            )
        ]
    draft.age_band = chosen.key
    draft.step = Step.NAME
    return [await _ask(ctx, group, draft)]


async def typed_name(ctx: Context, draft: JoinDraft) -> list[Reply]:
    """Free text while the flow asks for a pseudonym: their own name for the group."""
    group = await ctx.tx.groups.get(draft.group_id)
    if group is None:
        return await _cancel(ctx)
    return await _name_chosen(ctx, group, draft, ctx.event.text or "")


async def _name_chosen(ctx: Context, group: Group, draft: JoinDraft, name: str) -> list[Reply]:
    _ = ctx.t.gettext
    taken = await enrolment.taken_names(ctx.tx, group.id)
    rejection = check(name, taken, ctx.services.blocklist)
    if rejection is None and ctx.services.screen is not None:
        rejection = screened_name(ctx.services.screen, name)
    if rejection is not None:
        return [Reply(_(REJECTIONS[rejection])), await _ask(ctx, group, draft)]
    draft.pseudonym = normalise(name)
    draft.step = Step.LANGUAGE
    await ctx.tx.joining.save(draft)
    return [await _ask(ctx, group, draft)]


def screened_name(screen: Screen, name: str) -> Rejection | None:
    """The screening members' messages get, read for what a name must not carry: what could
    tell who someone is, or words that would hurt. A model's guess (it reads whole messages,
    not two words) turns no name down."""
    found = [
        f.category
        for f in screen.check(name).findings
        if any(span.label != MODEL_LABEL for span in f.spans)
    ]
    if not found:
        return None
    identifying = {Category.PERSONAL_INFO, Category.CONTACT_EXCHANGE}
    return Rejection.PERSONAL_INFO if identifying & set(found) else Rejection.NOT_ALLOWED


async def _finish(ctx: Context, group: Group, draft: JoinDraft, language: str) -> list[Reply]:
    now = ctx.services.clock.now()
    try:
        membership = await enrolment.finish(ctx.tx, ctx.person, draft, language, now)
    except PseudonymTakenError:  # someone else took it a moment ago
        draft.step = Step.NAME
        return [Reply(ctx.t.gettext(REJECTIONS[Rejection.TAKEN])), await _ask(ctx, group, draft)]
    ctx.person.active_group_id = group.id
    t = ctx.catalogues.translator(ctx.person.language or language)
    if membership.status is MembershipStatus.WAITING:
        waiting = await ctx.tx.memberships.for_group(group.id, statuses=(MembershipStatus.WAITING,))
        return [
            Reply(
                t.gettext(
                    "The group is full, so you are on its waiting list as {name} (number "
                    "{place}). I'll tell you as soon as a place opens.",
                    name=membership.pseudonym,
                    place=len(waiting),
                )
            )
        ]
    await notify_staff(
        ctx.tx, ctx.catalogues, group, N_("{name} joined the group."), name=membership.pseudonym
    )
    return [Reply(await welcome(ctx, group, membership.pseudonym, t.language, now))]


COMMANDS = [
    Command({"en": "join", "fi": "liity", "sv": "ansluta"}, N_("join a group with a code"), join),
    Command({"en": "cancel", "fi": "peru", "sv": "avbryt"}, N_("stop joining"), cancel),
]
BUTTONS = [ButtonRoute(PREFIX, pressed)]
