"""A whole programme runs by itself: reminders and prompts at their minute, across a clock
change, exactly once per member, through restarts and on two instances at once."""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from bot.app import build_app
from bot.config import Settings
from bot.transports.memory import MemoryTransport
from groups.firing import PromptFirer
from storage.clock import ManualClock
from storage.crypto import IdentityCipher, chat_namespace
from storage.engine import create_engine
from storage.models import (
    Delivery,
    Group,
    GroupStatus,
    Membership,
    OutboxMessage,
    Person,
    PostStatus,
    ScheduledPost,
)
from storage.store import Store
from tests.harness import Harness
from tests.scheduling import MEMBERS, due_moments, open_group

HELSINKI = ZoneInfo("Europe/Helsinki")


async def group_status(store: Store, group_id: int) -> GroupStatus:
    async with store.transaction() as tx:
        group = await tx.session.get(Group, group_id)
        assert group is not None
        return group.status


async def test_nine_sessions_run_start_to_finish_across_the_clock_change(harness: Harness) -> None:
    harness.clock.set(datetime(2027, 3, 1, 9, 0, tzinfo=UTC))
    group_id = await open_group(harness.app, harness.transport, date(2027, 3, 16))
    assert await group_status(harness.app.store, group_id) is GroupStatus.ENROLLING

    arrivals: dict[str, list[tuple[datetime, str]]] = {name: [] for name in MEMBERS}
    for moment in await due_moments(harness.app.store):
        harness.clock.set(moment)
        before = {name: len(harness.transport.inbox(name)) for name in MEMBERS}
        await harness.settle()
        for name in MEMBERS:
            for message in harness.transport.inbox(name)[before[name] :]:
                arrivals[name].append((moment.astimezone(HELSINKI), message.text))

    for name in MEMBERS:
        texts = [text for _, text in arrivals[name]]
        assert len(texts) == 63 == len(set(texts)), "every prompt once, none twice"
        openings = [(at, text) for at, text in arrivals[name] if text.startswith("opening")]
        assert [at.strftime("%H:%M") for at, _ in openings] == ["18:00"] * 9
        assert [at.date().isoformat() for at, _ in openings][2:4] == ["2027-03-30", "2027-04-06"]
        assert {at.utcoffset() for at, _ in openings} == {timedelta(hours=2), timedelta(hours=3)}
        reminder = next(text for _, text in arrivals[name] if text.startswith("reminder"))
        assert reminder == "reminder 1/9 (-24h) klo 18.00: Teema 1"
        assert [text for _, text in arrivals[name]][-1] == "feedback 9/9 (end) klo 18.00: Teema 9"

    assert await group_status(harness.app.store, group_id) is GroupStatus.FINISHED
    async with harness.app.store.transaction() as tx:
        per_post = await tx.session.execute(
            select(Delivery.post_id, func.count()).group_by(Delivery.post_id)
        )
        counts = dict(per_post.all())
        statuses = Counter((await tx.session.execute(select(ScheduledPost.status))).scalars())
    assert statuses == {PostStatus.SENT: 63}
    assert set(counts.values()) == {4}, "three members and the facilitator, once each"


async def test_a_restart_mid_session_posts_the_rest_once_and_reports_what_it_missed(
    database_url: str, cipher: IdentityCipher, clock: ManualClock
) -> None:
    settings = Settings.model_validate({"database": {"url": database_url}})
    clock.set(datetime(2027, 3, 1, 9, 0, tzinfo=UTC))
    transport = MemoryTransport()

    async def started() -> Harness:
        app = build_app(settings, cipher, [transport], clock=clock)
        await app.start()
        return Harness(app, transport, clock)

    harness = await started()
    group_id = await open_group(harness.app, transport, date(2027, 3, 16))
    session_start = datetime(2027, 3, 16, 16, 0, tzinfo=UTC)  # 18:00 in Helsinki
    for before in (timedelta(hours=24), timedelta(hours=1), timedelta(0)):
        clock.set(session_start - before)
        await harness.settle()
    # At +10m the exercise is claimed, and the process dies before posting it.
    clock.set(session_start + timedelta(minutes=10))
    async with harness.app.store.transaction() as tx:
        claimed = await tx.schedule.claim_due(limit=10, lease=timedelta(minutes=2))
    assert [post.kind for post in claimed] == ["exercise"]
    await harness.app.stop()

    harness = await started()
    clock.set(session_start + timedelta(minutes=13))
    await harness.settle()
    assert transport.texts("aino")[-1].startswith("exercise 1/9")
    await harness.app.stop()

    # Down again from +14m to +55m: the discussion (+40m) is 15 minutes late and is missed.
    harness = await started()
    try:
        clock.set(session_start + timedelta(minutes=55))
        await harness.settle()
        for moment in (80, 90):
            clock.set(session_start + timedelta(minutes=moment))
            await harness.settle()
        await check_restart_outcome(harness, group_id)
    finally:
        await harness.app.stop()


async def check_restart_outcome(harness: Harness, group_id: int) -> None:
    transport = harness.transport
    kinds = [text.split()[0] for text in transport.texts("aino") if "1/9" in text]
    assert kinds == ["reminder", "reminder", "opening", "exercise", "closing", "feedback"]
    staff = transport.texts("Ilta-ohjaaja")
    assert any("session 1 (discussion)" in text and "not posted" in text for text in staff)
    for name in MEMBERS:
        assert len(transport.texts(name)) == len(set(transport.texts(name)))
    async with harness.app.store.transaction() as tx:
        missed = await tx.session.execute(
            select(ScheduledPost.kind).where(ScheduledPost.status == PostStatus.MISSED)
        )
        assert list(missed.scalars()) == ["discussion"]
        audit = [event.action for event in await tx.audit.recent(group_id=group_id)]
    assert "post.missed" in audit


async def test_two_schedulers_on_one_database_deliver_every_prompt_exactly_once(
    database_url: str, cipher: IdentityCipher, clock: ManualClock
) -> None:
    settings = Settings.model_validate({"database": {"url": database_url}})
    clock.set(datetime(2027, 3, 1, 9, 0, tzinfo=UTC))
    transport = MemoryTransport()
    app = build_app(settings, cipher, [transport], clock=clock)
    group_ids = [
        await open_group(app, transport, date(2027, 3, 16), name=f"Ryhmä {n}") for n in range(4)
    ]
    stores = [Store(create_engine(database_url), cipher, clock) for _ in range(2)]
    firers = [PromptFirer(store, clock, app.catalogues.translator) for store in stores]
    try:
        for moment in await due_moments(app.store):
            clock.set(moment)
            await asyncio.gather(*(firer.fire_due() for firer in firers))
        async with app.store.transaction() as tx:
            per_recipient = await tx.session.execute(
                select(Delivery.post_id, Delivery.membership_id, func.count()).group_by(
                    Delivery.post_id, Delivery.membership_id
                )
            )
            rows = per_recipient.all()
            queued = await tx.outbox.count_by_status()
            statuses = Counter((await tx.session.execute(select(ScheduledPost.status))).scalars())
        assert statuses == {PostStatus.SENT: 63 * len(group_ids)}
        assert len(rows) == 63 * len(group_ids) * 4
        assert {count for _, _, count in rows} == {1}
        assert sum(queued.values()) == len(rows), "one outbox row per delivery, no more"
        async with app.store.transaction() as tx:
            pairs = await tx.session.execute(
                select(OutboxMessage.chat_enc, Person.dm_chat_enc)
                .join(Delivery, Delivery.outbox_id == OutboxMessage.id)
                .join(Membership, Membership.id == Delivery.membership_id)
                .join(Person, Person.id == Membership.person_id)
            )
            namespace = chat_namespace(transport.name)
            chats = [
                (cipher.decrypt(namespace, sent), cipher.decrypt(namespace, dm or b""))
                for sent, dm in pairs.all()
            ]
        assert len(chats) == len(rows)
        assert all(sent == dm for sent, dm in chats), "each delivery names the row sent to it"
    finally:
        for store in stores:
            await store.close()
        await app.store.close()
