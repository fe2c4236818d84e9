"""Invite codes: only a keyed hash of each code is stored, so a leaked database lets no one in."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.clock import Clock
from storage.crypto import IdentityCipher
from storage.models import Invite

_NAMESPACE = "invite"
HINT_LENGTH = 4


class InviteRepository:
    def __init__(self, session: AsyncSession, cipher: IdentityCipher, clock: Clock) -> None:
        self._session = session
        self._cipher = cipher
        self._clock = clock

    def _hash(self, code: str) -> str:
        return self._cipher.lookup_hash(_NAMESPACE, code)

    async def create(
        self,
        group_id: int,
        code: str,
        *,
        max_uses: int | None = None,
        expires_at: datetime | None = None,
        created_by_person_id: int | None = None,
        role: str = "participant",
    ) -> Invite:
        invite = Invite(
            group_id=group_id,
            code_hash=self._hash(code),
            hint=code[:HINT_LENGTH],
            role=role,
            max_uses=max_uses,
            uses=0,
            expires_at=expires_at,
            created_by_person_id=created_by_person_id,
            created_at=self._clock.now(),
        )
        self._session.add(invite)
        await self._session.flush()
        return invite

    async def find(self, code: str) -> Invite | None:
        result = await self._session.execute(
            select(Invite).where(Invite.code_hash == self._hash(code))
        )
        return result.scalar_one_or_none()

    async def get(self, invite_id: int) -> Invite | None:
        return await self._session.get(Invite, invite_id)

    async def for_group(self, group_id: int) -> list[Invite]:
        result = await self._session.execute(
            select(Invite).where(Invite.group_id == group_id).order_by(Invite.id)
        )
        return list(result.scalars())

    async def revoke(self, invite: Invite) -> None:
        invite.revoked_at = self._clock.now()
        await self._session.flush()

    async def use(self, invite_id: int) -> None:
        """Count one use, in SQL so two joins at once cannot both take the last use."""
        await self._session.execute(
            update(Invite).where(Invite.id == invite_id).values(uses=Invite.uses + 1)
        )
