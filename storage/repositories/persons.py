"""People, found by the keyed hash of their platform id."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.clock import Clock
from storage.crypto import IdentityCipher, chat_namespace, user_namespace
from storage.models import Person
from storage.repositories._unique import insert_if_absent

# Last seen is kept to this step: exact enough, and no write on every message.
LAST_SEEN_STEP = timedelta(minutes=5)


class PersonRepository:
    def __init__(self, session: AsyncSession, cipher: IdentityCipher, clock: Clock) -> None:
        self._session = session
        self._cipher = cipher
        self._clock = clock

    async def get(self, person_id: int) -> Person | None:
        return await self._session.get(Person, person_id)

    async def find(self, transport: str, external_id: str) -> Person | None:
        digest = self._cipher.lookup_hash(user_namespace(transport), external_id)
        result = await self._session.execute(
            select(Person).where(Person.external_id_hash == digest)
        )
        return result.scalar_one_or_none()

    async def identify(
        self, transport: str, external_id: str, *, dm_chat: str | None = None
    ) -> Person:
        """The person behind a platform id, created on first contact; refreshes last-seen."""
        now = self._clock.now()
        person = await self.find(transport, external_id)
        if person is None:
            candidate = Person(
                transport=transport,
                external_id_hash=self._cipher.lookup_hash(user_namespace(transport), external_id),
                external_id_enc=self._cipher.encrypt(user_namespace(transport), external_id),
                is_admin=False,
                created_at=now,
                last_seen_at=now,
            )
            if await insert_if_absent(self._session, candidate):
                person = candidate
            else:
                person = await self.find(transport, external_id)
                if person is None:  # pragma: no cover - the unique key said it exists
                    raise RuntimeError("person vanished during identify")
        if now - person.last_seen_at >= LAST_SEEN_STEP:
            person.last_seen_at = now
        if dm_chat is not None and self.dm_chat(person) != dm_chat:
            person.dm_chat_enc = self._cipher.encrypt(chat_namespace(transport), dm_chat)
        await self._session.flush()
        return person

    def external_id(self, person: Person) -> str:
        return self._cipher.decrypt(user_namespace(person.transport), person.external_id_enc)

    def dm_chat(self, person: Person) -> str | None:
        if person.dm_chat_enc is None:
            return None
        return self._cipher.decrypt(chat_namespace(person.transport), person.dm_chat_enc)

    async def erase(self, person: Person, now: datetime) -> None:
        """A tombstone: the row keeps its id for counts, and nothing that identifies anyone."""
        person.external_id_hash = f"erased:{person.id}"
        person.external_id_enc = b""
        person.dm_chat_enc = None
        person.language = None
        person.is_admin = False
        person.active_group_id = None
        person.erased_at = now
        await self._session.flush()

    async def set_language(self, person: Person, language: str | None) -> None:
        person.language = language
        await self._session.flush()

    async def admins(self) -> list[Person]:
        result = await self._session.execute(
            select(Person).where(Person.is_admin.is_(True)).order_by(Person.id)
        )
        return list(result.scalars())

    async def set_admin(self, person: Person, is_admin: bool) -> None:
        person.is_admin = is_admin
        await self._session.flush()
