"""Programme snapshots, de-duplicated by content."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.clock import Clock
from storage.models import ProgrammeSnapshot


def content_hash(content: Mapping[str, Any]) -> str:
    canonical = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


class ProgrammeRepository:
    def __init__(self, session: AsyncSession, clock: Clock) -> None:
        self._session = session
        self._clock = clock

    async def snapshot(
        self, key: str, version: str, content: Mapping[str, Any]
    ) -> ProgrammeSnapshot:
        """The frozen copy of this exact programme content, made once and then reused."""
        digest = content_hash(content)
        result = await self._session.execute(
            select(ProgrammeSnapshot).where(
                ProgrammeSnapshot.key == key,
                ProgrammeSnapshot.version == version,
                ProgrammeSnapshot.content_hash == digest,
            )
        )
        existing = result.scalar_one_or_none()
        if existing is not None:
            return existing
        row = ProgrammeSnapshot(
            key=key,
            version=version,
            content_hash=digest,
            content=dict(content),
            created_at=self._clock.now(),
        )
        self._session.add(row)
        await self._session.flush()
        return row

    async def get(self, snapshot_id: int) -> ProgrammeSnapshot | None:
        return await self._session.get(ProgrammeSnapshot, snapshot_id)
