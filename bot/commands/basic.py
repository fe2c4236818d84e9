"""The commands everyone has: start, help and language."""

from __future__ import annotations

from bot.commands import ButtonRoute, Command, Context, Reply
from bot.commands.group_target import is_staff
from bot.commands.join import start_with_code
from bot.i18n import LANGUAGE_NAMES, N_
from bot.ports import Button

LANGUAGE_BUTTON = "lang"


async def start(ctx: Context, args: str) -> list[Reply]:
    _ = ctx.t.gettext
    if args:
        joining = await start_with_code(ctx, args)
        if joining is not None:
            return joining
    welcome = _(
        "Hi! I am Piiri, the assistant of peer-support groups. In a group you take part "
        "under a pseudonym: nobody sees your name or account."
    )
    return [Reply(welcome + "\n\n" + await help_text(ctx))]


async def show_help(ctx: Context, args: str) -> list[Reply]:
    return [Reply(await help_text(ctx))]


async def help_text(ctx: Context) -> str:
    _ = ctx.t.gettext
    lines = [_("What I can do:")]
    staff = [c for c in ctx.router.listed() if c.staff]
    for command in ctx.router.listed():
        if not command.staff:
            lines.append(f"/{command.name_in(ctx.language)} – {_(command.summary)}")
    if staff and await is_staff(ctx):
        lines += ["", _("For facilitators:")]
        for command in staff:
            lines.append(f"/{command.name_in(ctx.language)} – {_(command.summary)}")
    lines.append("")
    lines.append(
        _("You can also write the commands in English: /help, /language.")
        if ctx.language != "en"
        else _("To join a group, open the invite link your group's facilitator gave you.")
    )
    return "\n".join(lines)


def language_buttons() -> tuple[tuple[Button, ...], ...]:
    return (
        tuple(Button(label, f"{LANGUAGE_BUTTON}:{code}") for code, label in LANGUAGE_NAMES.items()),
    )


async def choose_language(ctx: Context, args: str) -> list[Reply]:
    _ = ctx.t.gettext
    wanted = _match_language(args)
    if wanted is None:
        prompt = _("Choose your language:")
        if args:
            prompt = _("I don't know the language “{name}”.", name=args) + " " + prompt
        return [Reply(prompt, buttons=language_buttons())]
    return await _set_language(ctx, wanted)


async def language_pressed(ctx: Context, payload: str) -> list[Reply]:
    if payload not in LANGUAGE_NAMES:
        return [Reply(ctx.t.gettext("That button is no longer in use."))]
    return await _set_language(ctx, payload)


async def _set_language(ctx: Context, language: str) -> list[Reply]:
    await ctx.tx.persons.set_language(ctx.person, language)
    t = ctx.catalogues.translator(language)
    return [Reply(t.gettext("From now on I will write to you in English."))]


def _match_language(args: str) -> str | None:
    word = args.strip().casefold()
    if not word:
        return None
    for code, name in LANGUAGE_NAMES.items():
        if word in (code, name.casefold()):
            return code
    aliases = {"finnish": "fi", "finska": "fi", "ruotsi": "sv", "swedish": "sv", "englanti": "en"}
    return aliases.get(word)


COMMANDS = [
    Command({"en": "start", "fi": "start", "sv": "start"}, N_("start, or join a group"), start),
    Command({"en": "help", "fi": "apua", "sv": "hjalp"}, N_("show this list"), show_help),
    Command(
        {"en": "language", "fi": "kieli", "sv": "sprak"},
        N_("choose the language (suomi, svenska, English)"),
        choose_language,
    ),
]

BUTTONS = [ButtonRoute(LANGUAGE_BUTTON, language_pressed)]
