"""The running service drops message text after its retention period, and old event marks."""

from __future__ import annotations

from datetime import timedelta

from storage.models import MessageState
from tests.harness import Harness


async def test_message_text_and_event_marks_go_after_their_retention(harness: Harness) -> None:
    await harness.says("aino", "/help")
    async with harness.app.store.transaction() as tx:
        group = await tx.groups.create("Ilta")
        person = await tx.persons.identify("memory", "aino")
        member = await tx.memberships.add(group.id, person.id, "Kuikka")
        await tx.messages.add(
            group_id=group.id,
            membership_id=member.id,
            text="tänään oli raskas päivä",
            state=MessageState.ACCEPTED,
            source_transport="memory",
            source_chat_id="dm:aino",
            source_message_id="17",
        )
    housekeeping = harness.app.scheduler.housekeeping
    assert housekeeping is not None
    assert await housekeeping.run() == (0, 0), "nothing is old yet"
    harness.clock.advance(timedelta(days=15))
    assert await housekeeping.run() == (0, 1), "the /help event's mark is past 14 days"
    harness.clock.advance(timedelta(days=16))
    assert await housekeeping.run() == (1, 0)
    async with harness.app.store.transaction() as tx:
        message = await tx.messages.find_by_source("memory", "dm:aino", "17")
        assert message is not None and message.text is None
