"""The append-only audit trail. There is deliberately no update or delete here.

Each event carries `chain`: a keyed hash (HMAC, key derived from `PIIRI_SECRET_KEY`) of the
previous event's chain and its own content. Database triggers refuse changes; the chain makes
any change that gets past them (or a row removed or slipped in) visible to `verify`, and
cannot be recomputed without the key.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncSession

from storage.clock import Clock
from storage.crypto import IdentityCipher
from storage.models import AuditEvent

_NAMESPACE = "audit-chain"
# Appends take this PostgreSQL advisory lock, so two instances cannot fork the chain.
_CHAIN_LOCK = 73_110_042


@dataclass(frozen=True, slots=True)
class ChainCheck:
    events: int
    # The first event whose link does not hold, or None when the whole chain holds.
    broken_at: int | None


class AuditRepository:
    def __init__(self, session: AsyncSession, clock: Clock, cipher: IdentityCipher) -> None:
        self._session = session
        self._clock = clock
        self._cipher = cipher

    async def append(
        self,
        action: str,
        *,
        actor_person_id: int | None,
        group_id: int | None = None,
        subject: str | None = None,
        reason: str | None = None,
        details: Mapping[str, Any] | None = None,
    ) -> AuditEvent:
        bind = self._session.get_bind()
        if bind.dialect.name == "postgresql":
            await self._session.execute(
                text("SELECT pg_advisory_xact_lock(:key)"), {"key": _CHAIN_LOCK}
            )
        previous = await self._session.execute(
            select(AuditEvent.chain).order_by(AuditEvent.id.desc()).limit(1)
        )
        event = AuditEvent(
            at=self._clock.now(),
            actor_person_id=actor_person_id,
            action=action,
            group_id=group_id,
            subject=subject,
            reason=reason,
            details=dict(details or {}),
        )
        event.chain = self._link(previous.scalar_one_or_none(), event)
        self._session.add(event)
        await self._session.flush()
        return event

    def _link(self, previous: str | None, event: AuditEvent) -> str:
        content = json.dumps(
            [
                event.at.isoformat(),
                event.actor_person_id,
                event.action,
                event.group_id,
                event.subject,
                event.reason,
                event.details,
            ],
            sort_keys=True,
            default=str,
        )
        return self._cipher.lookup_hash(_NAMESPACE, f"{previous or ''}\n{content}")

    async def verify(self) -> ChainCheck:
        """Walk the whole trail in order and recompute every link."""
        previous: str | None = None
        count = 0
        result = await self._session.stream_scalars(select(AuditEvent).order_by(AuditEvent.id))
        async for event in result:
            count += 1
            if event.chain is None:  # written before the chain existed
                continue
            if event.chain != self._link(previous, event):
                return ChainCheck(count, event.id)
            previous = event.chain
        return ChainCheck(count, None)

    async def recent(self, *, group_id: int | None = None, limit: int = 200) -> list[AuditEvent]:
        query = select(AuditEvent).order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
        if group_id is not None:
            query = query.where(AuditEvent.group_id == group_id)
        return list((await self._session.execute(query.limit(limit))).scalars())
