"""Setting up a running group for tests: a programme, members in private chats, a facilitator."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select

from bot.app import App
from bot.transports.memory import MemoryTransport
from groups.planning import NewGroup, create_group
from storage.models import Role, ScheduledPost
from storage.store import Store
from tests.programmes import make_programme, weekly

MEMBERS = ("aino", "bo", "chris")


async def open_group(app: App, transport: MemoryTransport, first: date, name: str = "Ilta") -> int:
    """A nine-session group with three members and a facilitator, all in private chats."""
    async with app.store.transaction() as tx:
        group = await create_group(
            tx,
            NewGroup(name=name, programme=make_programme(), series=weekly(first)),
            now=app.clock.now(),
            actor_person_id=None,
            via="test",
        )
        for person_name in (*MEMBERS, f"{name}-ohjaaja"):
            person = await tx.persons.identify(
                transport.name, person_name, dm_chat=transport.dm(person_name).chat_id
            )
            role = Role.PARTICIPANT if person_name in MEMBERS else Role.FACILITATOR
            if role is Role.FACILITATOR:
                await tx.persons.set_language(person, "en")
            await tx.memberships.add(group.id, person.id, person_name.title(), role=role)
        return group.id


async def due_moments(store: Store) -> list[datetime]:
    async with store.transaction() as tx:
        result = await tx.session.execute(select(ScheduledPost.due_at).distinct())
        return sorted(result.scalars())
