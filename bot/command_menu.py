"""The command menus a chat app shows when someone types "/": one per language and audience.

Built from the same router and catalogues as `/help`, in neutral terms; a transport that has
such a menu (Telegram's setMyCommands) publishes them. Members' menu is the same for everyone;
a staff member's is their own, in their language, with the staff commands of their roles.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable
from dataclasses import dataclass

from bot.commands import Command, CommandRouter
from bot.i18n import Catalogues

# What Telegram accepts as a command name; other platforms are laxer.
NAME = re.compile(r"[a-z0-9_]{1,32}")
DESCRIPTION_LIMIT = 256

# Staff commands that act on moderation (the rest manage groups, which facilitators do).
# Facilitators act on moderation too, except a reveal (moderators and admins only).
MODERATION = frozenset({"queue", "ack", "warn", "mute", "kick", "reveal", "msg", "endcontact"})
MODERATORS_ONLY = frozenset({"reveal"})


class Audience(enum.StrEnum):
    MEMBERS = "members"
    FACILITATORS = "facilitators"
    MODERATORS = "moderators"
    ADMINS = "admins"


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
    """Members' menus, one per language Piiri speaks and one for any other language."""
    return [
        _menu(router, catalogues, language, default_language, frozenset({Audience.MEMBERS}))
        for language in (*catalogues.languages, None)
    ]


def staff_menu(
    router: CommandRouter,
    catalogues: Catalogues,
    language: str,
    roles: Iterable[Audience],
) -> CommandMenu:
    """One staff member's menu: members' commands, then the staff commands of their roles."""
    return _menu(router, catalogues, language, language, frozenset({Audience.MEMBERS, *roles}))


def sees(command: Command, audiences: frozenset[Audience]) -> bool:
    if not command.staff:
        return Audience.MEMBERS in audiences
    if Audience.ADMINS in audiences:
        return True
    name = command.names["en"]
    if Audience.MODERATORS in audiences and name in MODERATION:
        return True
    return Audience.FACILITATORS in audiences and name not in MODERATORS_ONLY


def _menu(
    router: CommandRouter,
    catalogues: Catalogues,
    language: str | None,
    default_language: str,
    audiences: frozenset[Audience],
) -> CommandMenu:
    t = catalogues.translator(language or default_language)
    commands = []
    for command in router.listed():
        name = command.name_in(t.language)
        if sees(command, audiences) and NAME.fullmatch(name):
            description = t.gettext(command.summary)[:DESCRIPTION_LIMIT]
            commands.append(MenuCommand(name, description))
    top = max(audiences, key=list(Audience).index)
    return CommandMenu(language, top, tuple(commands))
