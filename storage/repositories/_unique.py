"""Inserting a row that may already exist, on either engine, without losing the transaction."""

from __future__ import annotations

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Base


async def insert_if_absent(session: AsyncSession, row: Base) -> bool:
    """Add `row` in a savepoint; False (and the transaction intact) if a unique key is taken."""
    try:
        async with session.begin_nested():
            session.add(row)
            await session.flush()
    except IntegrityError:
        return False
    return True
