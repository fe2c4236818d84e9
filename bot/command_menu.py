"""The command menus a chat app shows when someone types "/": one per language and audience.

Built from the same router and catalogues as `/help`, in neutral terms; a transport that has
such a menu (Telegram's setMyCommands) publishes them.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass

from bot.commands import CommandRouter
from bot.i18n import Catalogues

# What Telegram accepts as a command name; other platforms are laxer.
NAME = re.compile(r"[a-z0-9_]{1,32}")
DESCRIPTION_LIMIT = 256


class Audience(enum.StrEnum):
    MEMBERS = "members"  # private chats with the bot
    STAFF = "staff"  # group chats: the facilitators' and moderators' rooms


@dataclass(frozen=True, slots=True)
class MenuCommand:
    name: str
    description: str


@dataclass(frozen=True, slots=True)
class CommandMenu:
    # None: for people whose app is in a language Piiri does not speak (shown in the default).
    language: str | None
    audience: Audience
    commands: tuple[MenuCommand, ...]


def command_menus(
    router: CommandRouter, catalogues: Catalogues, default_language: str
) -> list[CommandMenu]:
    menus = []
    for language in (*catalogues.languages, None):
        for audience in Audience:
            menus.append(_menu(router, catalogues, language, default_language, audience))
    return menus


def _menu(
    router: CommandRouter,
    catalogues: Catalogues,
    language: str | None,
    default_language: str,
    audience: Audience,
) -> CommandMenu:
    t = catalogues.translator(language or default_language)
    wanted = audience is Audience.STAFF
    commands = []
    for command in router.listed():
        name = command.name_in(t.language)
        if command.staff is wanted and NAME.fullmatch(name):
            description = t.gettext(command.summary)[:DESCRIPTION_LIMIT]
            commands.append(MenuCommand(name, description))
    return CommandMenu(language, audience, tuple(commands))
