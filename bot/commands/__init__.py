"""Commands people type, and buttons they press, routed to handlers.

A router is built by the composition root from a list of commands; there is no global registry.
"""

from __future__ import annotations

import random
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass, field

from bot.i18n import Catalogues, Translator
from bot.ports import Attachment, ChatRef, Inbound, Keyboard
from groups.alerts import Escalation
from groups.crisis_help import CrisisHelp
from groups.enrolment import Limits
from groups.firing import ProgrammeCache
from groups.programme_library import ProgrammeLibrary
from groups.pseudonyms import Blocklist, WordLists
from moderation.screen import Screen
from storage.clock import Clock
from storage.models import Group, Membership, Person, Priority
from storage.store import Transaction


@dataclass(frozen=True, slots=True)
class Services:
    """What handlers use besides the transaction: time, programmes and their settings."""

    clock: Clock
    programmes: ProgrammeLibrary
    snapshots: ProgrammeCache
    default_timezone: str
    joining: Limits
    words: WordLists
    blocklist: Blocklist
    rng: random.Random
    # Days message text is kept, as the join flow's intro tells people.
    retention_days: int
    # The Telegram bot's @username, for invite links; None without Telegram.
    bot_username: str | None = None
    # Screening every member's message; None only in tests that leave it out.
    screen: Screen | None = None
    # What a member in crisis is told, and how unacknowledged alerts escalate.
    crisis_help: CrisisHelp = field(default_factory=CrisisHelp)
    escalation: Escalation | None = None


@dataclass(frozen=True, slots=True)
class Reply:
    """A text to send; to the chat the event came from unless `chat` says otherwise."""

    text: str
    buttons: Keyboard = ()
    priority: Priority = Priority.CONVERSATION
    chat: ChatRef | None = None
    notice: bool = False
    attachment: Attachment | None = None


@dataclass(slots=True)
class Context:
    """Everything a handler may use for one inbound event, inside its transaction."""

    tx: Transaction
    event: Inbound
    person: Person
    t: Translator
    catalogues: Catalogues
    router: CommandRouter
    services: Services
    # The person's active memberships and their groups, read once per event when first asked.
    _memberships: list[Membership] | None = None
    _groups: dict[int, Group] | None = None

    async def memberships(self) -> list[Membership]:
        """The person's active memberships, as they stood when the event arrived."""
        if self._memberships is None:
            self._memberships = await self.tx.memberships.for_person(self.person.id)
        return self._memberships

    async def membership_groups(self) -> dict[int, Group]:
        """The groups of `memberships()`, by id."""
        if self._groups is None:
            self._groups = await self.tx.groups.get_many(
                m.group_id for m in await self.memberships()
            )
        return self._groups

    @property
    def language(self) -> str:
        return self.t.language

    def command(self, name: str, language: str | None = None) -> str:
        """`/name` as this person's language (or `language`) writes it (`reschedule` →
        `/siirra` in Finnish)."""
        found = self.router.find(name)
        return "/" + (found.name_in(language or self.language) if found else name)


CommandHandler = Callable[[Context, str], Awaitable[list[Reply]]]
ButtonHandler = Callable[[Context, str], Awaitable[list[Reply]]]


@dataclass(frozen=True, slots=True)
class Command:
    """A command with its name per language; every name works whatever language is chosen."""

    names: dict[str, str]
    summary: str
    handler: CommandHandler
    # Listed in /help only for people who facilitate a group (it still checks the role itself).
    staff: bool = False

    def name_in(self, language: str) -> str:
        return self.names.get(language, self.names["en"])

    def all_names(self) -> set[str]:
        return set(self.names.values())


@dataclass(frozen=True, slots=True)
class ButtonRoute:
    prefix: str
    handler: ButtonHandler


def parse_command(text: str) -> tuple[str, str] | None:
    """`/Apua@PiiriBot  more` → ("apua", "more"); None when the text is not a command."""
    stripped = text.strip()
    if not stripped.startswith(("/", "!")) or len(stripped) < 2:
        return None
    word, _, rest = stripped[1:].partition(" ")
    word = word.split("@", 1)[0].casefold()
    if not word or not all(ch.isalnum() or ch in "_-" for ch in word):
        return None
    return word, rest.strip()


class CommandRouter:
    def __init__(self, commands: Iterable[Command], buttons: Iterable[ButtonRoute]) -> None:
        self.commands: tuple[Command, ...] = tuple(commands)
        self._by_name: dict[str, Command] = {}
        for command in self.commands:
            for name in command.all_names():
                if name in self._by_name:
                    raise ValueError(f"command name /{name} is used twice")
                self._by_name[name] = command
        self._buttons = {route.prefix: route for route in buttons}

    def find(self, name: str) -> Command | None:
        return self._by_name.get(name)

    def find_button(self, data: str) -> tuple[ButtonRoute, str] | None:
        prefix, _, payload = data.partition(":")
        route = self._buttons.get(prefix)
        return (route, payload) if route else None

    def listed(self) -> Sequence[Command]:
        return self.commands
