"""The store: one engine, and a transaction that hands out every repository bound to it."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from storage.clock import Clock
from storage.crypto import IdentityCipher
from storage.repositories import (
    AuditRepository,
    GroupRepository,
    InboundRepository,
    InviteRepository,
    JoinRepository,
    MembershipRepository,
    MessageRepository,
    OutboxRepository,
    PersonRepository,
    ProgrammeRepository,
    ReviewRepository,
    ScheduleRepository,
    SurveyRepository,
)
from storage.repositories.followup import FollowUpRepository
from storage.repositories.staff_accounts import StaffAccountRepository


class Transaction:
    """Repositories sharing one database transaction: all of it commits, or none of it."""

    def __init__(self, session: AsyncSession, cipher: IdentityCipher, clock: Clock) -> None:
        self.session = session
        self.clock = clock
        self.persons = PersonRepository(session, cipher, clock)
        self.inbound = InboundRepository(session, clock)
        self.outbox = OutboxRepository(session, cipher, clock)
        self.programmes = ProgrammeRepository(session, clock)
        self.groups = GroupRepository(session, cipher, clock)
        self.memberships = MembershipRepository(session, clock)
        self.messages = MessageRepository(session, cipher, clock)
        self.schedule = ScheduleRepository(session, clock)
        self.reviews = ReviewRepository(session, clock, cipher)
        self.audit = AuditRepository(session, clock, cipher)
        self.surveys = SurveyRepository(session, clock)
        self.followup = FollowUpRepository(session, clock)
        self.invites = InviteRepository(session, cipher, clock)
        self.joining = JoinRepository(session, clock)
        self.staff_accounts = StaffAccountRepository(session, clock)


class Store:
    def __init__(self, engine: AsyncEngine, cipher: IdentityCipher, clock: Clock) -> None:
        self.engine = engine
        self._cipher = cipher
        self._clock = clock
        self._sessions = async_sessionmaker(engine, expire_on_commit=False)
        # SQLite has one writer at a time, and every transaction here begins as a writer.
        # Queueing them in-process keeps the dispatcher, the scheduler and the sender from
        # sleeping in SQLite's busy handler while each holds up the others.
        self._one_writer = asyncio.Lock() if engine.dialect.name == "sqlite" else None

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[Transaction]:
        """One transaction. Do not open another inside it: on SQLite that would wait forever."""
        async with contextlib.AsyncExitStack() as stack:
            if self._one_writer is not None:
                await stack.enter_async_context(self._one_writer)
            session = await stack.enter_async_context(self._sessions())
            await stack.enter_async_context(session.begin())
            yield Transaction(session, self._cipher, self._clock)

    async def close(self) -> None:
        await self.engine.dispose()
