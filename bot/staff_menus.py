"""Each staff member's own "/" menu in their private chat with the bot, kept in step with the
store: `piiri staff add/remove` runs in another process, so the running service compares what
each person should see with what it published, on every scheduler round, and publishes only
the differences.

What was published lives in memory: a start publishes every staff member's menu again, and
first clears the menus of everyone who once was staff (a removal while the service was down).
A platform refusal that retrying cannot fix (the person never opened a chat with the bot) is
tried again after an hour, or at once when their menu changes.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Protocol, runtime_checkable

from bot.command_menu import Audience, CommandMenu, staff_menu
from bot.commands import CommandRouter
from bot.i18n import Catalogues
from bot.logs import get_logger
from bot.ports import SendError
from storage.clock import Clock
from storage.models import Person, Role
from storage.store import Store, Transaction

log = get_logger(__name__)

RETRY_REFUSED = timedelta(hours=1)
ROLE_AUDIENCE = {Role.FACILITATOR: Audience.FACILITATORS, Role.MODERATOR: Audience.MODERATORS}


@runtime_checkable
class PersonalMenus(Protocol):
    """A transport that can give one person a menu of their own in their private chat."""

    name: str

    async def publish_person_menu(self, user_id: str, menu: CommandMenu) -> None: ...

    async def clear_person_menu(self, user_id: str) -> None: ...


class StaffMenus:
    def __init__(
        self,
        store: Store,
        clock: Clock,
        transport: PersonalMenus,
        router: CommandRouter,
        catalogues: Catalogues,
        default_language: str,
    ) -> None:
        self._store = store
        self._clock = clock
        self._transport = transport
        self._router = router
        self._catalogues = catalogues
        self._default_language = default_language
        self._published: dict[int, tuple[str, CommandMenu]] = {}
        self._refused: dict[int, tuple[CommandMenu, datetime]] = {}
        self._swept = False

    async def run(self) -> int:
        """Publish what changed; menus are not messages, so this never wakes the sender."""
        async with self._store.transaction() as tx:
            wanted = await self._wanted(tx)
            former = {} if self._swept else await self._former(tx)
        now = self._clock.now()
        for person_id, (user_id, menu) in wanted.items():
            if self._published.get(person_id) == (user_id, menu):
                continue
            refused = self._refused.get(person_id)
            if refused is not None and refused[0] == menu and refused[1] > now:
                continue
            try:
                await self._transport.publish_person_menu(user_id, menu)
            except SendError as exc:
                log.warning("menu.staff_failed", person_id=person_id, reason=exc.reason)
                if exc.permanent:
                    self._refused[person_id] = (menu, now + RETRY_REFUSED)
                continue
            self._published[person_id] = (user_id, menu)
            self._refused.pop(person_id, None)
            log.info("menu.staff_published", person_id=person_id, audience=menu.audience)
        gone = {pid: uid for pid, (uid, _menu) in self._published.items() if pid not in wanted}
        gone |= {pid: uid for pid, uid in former.items() if pid not in wanted}
        cleared = True
        for person_id, user_id in gone.items():
            try:
                await self._transport.clear_person_menu(user_id)
            except SendError as exc:
                log.warning("menu.staff_clear_failed", person_id=person_id, reason=exc.reason)
                cleared = cleared and exc.permanent
                continue
            self._published.pop(person_id, None)
            log.info("menu.staff_cleared", person_id=person_id)
        self._swept = self._swept or cleared
        return 0

    async def next_due_at(self) -> datetime | None:
        return None

    async def _wanted(self, tx: Transaction) -> dict[int, tuple[str, CommandMenu]]:
        """Each staff member on this transport: their user id and the menu they should see."""
        people: dict[int, Person] = {}
        roles: dict[int, set[Audience]] = {}
        for person in await tx.persons.admins():
            people[person.id] = person
            roles.setdefault(person.id, set()).add(Audience.ADMINS)
        for membership, person in await tx.memberships.staff():
            people[person.id] = person
            roles.setdefault(person.id, set()).add(ROLE_AUDIENCE[membership.role])
        wanted = {}
        for person_id, person in people.items():
            if person.transport != self._transport.name or person.erased_at is not None:
                continue
            language = person.language
            if language not in self._catalogues.languages:
                language = self._default_language
            menu = staff_menu(self._router, self._catalogues, language, roles[person_id])
            wanted[person_id] = (tx.persons.external_id(person), menu)
        return wanted

    async def _former(self, tx: Transaction) -> dict[int, str]:
        """Everyone on this transport who once was staff: their menus may still be out there."""
        people = await tx.memberships.former_staff()
        person_ids = {
            int(event.subject.removeprefix("person:"))
            for event in await tx.audit.recent(limit=1000)
            if event.action == "staff.removed"
            and event.subject is not None
            and event.subject.startswith("person:")
        }
        for person_id in person_ids - {person.id for person in people}:
            person = await tx.persons.get(person_id)
            if person is not None:
                people.append(person)
        return {
            person.id: tx.persons.external_id(person)
            for person in people
            if person.transport == self._transport.name and person.erased_at is None
        }
