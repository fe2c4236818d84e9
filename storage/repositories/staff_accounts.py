"""Dashboard sign-in: staff passwords, browser sessions and one-time password links.

Tokens arrive here already hashed (`token_hash`): they are 256-bit random values, so a plain
SHA-256 is enough to make a copied table useless for signing in.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.clock import Clock
from storage.models import (
    ContactMessage,
    Person,
    PrivateContact,
    ReviewAlert,
    ReviewItem,
    StaffCredential,
    StaffLink,
    StaffSession,
)


class StaffAccountRepository:
    def __init__(self, session: AsyncSession, clock: Clock) -> None:
        self._session = session
        self._clock = clock

    async def credential(self, person_id: int) -> StaffCredential | None:
        return await self._session.get(StaffCredential, person_id)

    async def ensure_credential(self, person_id: int) -> StaffCredential:
        found = await self.credential(person_id)
        if found is not None:
            return found
        credential = StaffCredential(
            person_id=person_id, password_hash=None, failed_attempts=0, created_at=self._clock.now()
        )
        self._session.add(credential)
        await self._session.flush()
        return credential

    async def set_password(self, credential: StaffCredential, password_hash: str) -> None:
        credential.password_hash = password_hash
        credential.password_set_at = self._clock.now()
        credential.failed_attempts = 0
        credential.locked_until = None
        await self._session.flush()

    async def record_failure(
        self, credential: StaffCredential, *, lock_after: int, lock_until: datetime
    ) -> bool:
        """One more failed attempt; True when this one locked the account."""
        credential.failed_attempts += 1
        locked = credential.failed_attempts >= lock_after
        if locked:
            credential.locked_until = lock_until
            credential.failed_attempts = 0
        await self._session.flush()
        return locked

    async def record_success(self, credential: StaffCredential) -> None:
        credential.failed_attempts = 0
        credential.locked_until = None
        await self._session.flush()

    async def unlock(self, credential: StaffCredential) -> None:
        await self.record_success(credential)

    async def accounts(self, transport: str) -> list[tuple[Person, StaffCredential | None]]:
        """Every dashboard account (a person on `transport`), oldest first."""
        result = await self._session.execute(
            select(Person, StaffCredential)
            .outerjoin(StaffCredential, StaffCredential.person_id == Person.id)
            .where(Person.transport == transport, Person.erased_at.is_(None))
            .order_by(Person.id)
        )
        return [(p, c) for p, c in result.all()]

    async def admin_with_password(self) -> bool:
        result = await self._session.execute(
            select(StaffCredential.person_id)
            .join(Person, Person.id == StaffCredential.person_id)
            .where(Person.is_admin.is_(True), StaffCredential.password_hash.is_not(None))
            .limit(1)
        )
        return result.scalar_one_or_none() is not None

    # Sessions

    async def open_session(
        self, person_id: int, token_hash: str, expires_at: datetime
    ) -> StaffSession:
        now = self._clock.now()
        row = StaffSession(
            token_hash=token_hash,
            person_id=person_id,
            created_at=now,
            last_seen_at=now,
            expires_at=expires_at,
        )
        self._session.add(row)
        await self._session.flush()
        return row

    async def find_session(self, token_hash: str) -> StaffSession | None:
        result = await self._session.execute(
            select(StaffSession).where(StaffSession.token_hash == token_hash)
        )
        return result.scalar_one_or_none()

    async def touch_session(self, row: StaffSession) -> None:
        row.last_seen_at = self._clock.now()
        await self._session.flush()

    async def end_session(self, row: StaffSession) -> None:
        await self._session.delete(row)
        await self._session.flush()

    async def end_sessions_of(self, person_id: int) -> None:
        await self._session.execute(delete(StaffSession).where(StaffSession.person_id == person_id))

    async def purge_sessions(self, now: datetime, idle_before: datetime) -> None:
        await self._session.execute(
            delete(StaffSession).where(
                (StaffSession.expires_at <= now) | (StaffSession.last_seen_at <= idle_before)
            )
        )

    # One-time links

    async def add_link(self, person_id: int, token_hash: str, expires_at: datetime) -> StaffLink:
        """A new link; any earlier unused link of the person stops working."""
        now = self._clock.now()
        await self._session.execute(
            update(StaffLink)
            .where(StaffLink.person_id == person_id, StaffLink.used_at.is_(None))
            .values(used_at=now)
        )
        link = StaffLink(
            token_hash=token_hash, person_id=person_id, created_at=now, expires_at=expires_at
        )
        self._session.add(link)
        await self._session.flush()
        return link

    async def find_link(self, token_hash: str) -> StaffLink | None:
        result = await self._session.execute(
            select(StaffLink).where(StaffLink.token_hash == token_hash)
        )
        return result.scalar_one_or_none()

    async def use_link(self, link: StaffLink) -> None:
        link.used_at = self._clock.now()
        await self._session.flush()

    async def contact_item_of(self, outbox_id: int) -> int | None:
        """The review item of the private contact a member's answer (an outbox row to the
        moderator) belongs to, if it is one."""
        result = await self._session.execute(
            select(PrivateContact.review_item_id)
            .join(ContactMessage, ContactMessage.contact_id == PrivateContact.id)
            .where(ContactMessage.outbox_id == outbox_id, ContactMessage.to_member.is_(False))
        )
        return result.scalar_one_or_none()

    async def alert_item_of(self, outbox_id: int) -> ReviewItem | None:
        """The review item an outbox row alerted about, if it is an alert."""
        result = await self._session.execute(
            select(ReviewItem)
            .join(ReviewAlert, ReviewAlert.review_item_id == ReviewItem.id)
            .where(ReviewAlert.outbox_id == outbox_id)
        )
        return result.scalars().first()
