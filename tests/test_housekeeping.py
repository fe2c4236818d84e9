"""The running service drops message text after its retention period, and old event marks."""

from __future__ import annotations

from datetime import timedelta

from storage.models import Group, GroupStatus, MessageState
from storage.store import Transaction
from tests.harness import Harness


async def _written(
    tx: Transaction, group: Group, text: str, source: str, state: MessageState
) -> None:
    """Aino wrote `text` in `group` (message id `source` in her private chat)."""
    person = await tx.persons.identify("memory", "aino")
    member = await tx.memberships.find(group.id, person.id) or await tx.memberships.add(
        group.id, person.id, "Kuikka"
    )
    await tx.messages.add(
        group_id=group.id,
        membership_id=member.id,
        text=text,
        state=state,
        source_transport="memory",
        source_chat_id="dm:aino",
        source_message_id=source,
    )


async def test_message_text_and_event_marks_go_after_their_retention(harness: Harness) -> None:
    await harness.says("aino", "/help")
    async with harness.app.store.transaction() as tx:
        group = await tx.groups.create("Ilta")
        await _written(tx, group, "tänään oli raskas päivä", "17", MessageState.ACCEPTED)
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


async def test_all_text_of_a_finished_group_goes_a_week_after_it_ends(harness: Harness) -> None:
    async with harness.app.store.transaction() as tx:
        finished, running = await tx.groups.create("Kevät"), await tx.groups.create("Syksy")
        for group, source in ((finished, "1"), (running, "2")):
            await _written(tx, group, "kiitos kaikille", source, MessageState.ACCEPTED)
        await tx.groups.set_status(finished, GroupStatus.FINISHED)
    housekeeping = harness.app.scheduler.housekeeping
    assert housekeeping is not None
    harness.clock.advance(timedelta(days=6))
    assert (await housekeeping.run())[0] == 0
    harness.clock.advance(timedelta(days=2))
    assert (await housekeeping.run())[0] == 1, "only the finished group's text, before 30 days"
    async with harness.app.store.transaction() as tx:
        gone = await tx.messages.find_by_source("memory", "dm:aino", "1")
        kept = await tx.messages.find_by_source("memory", "dm:aino", "2")
    assert gone is not None and gone.text is None
    assert kept is not None and kept.text == "kiitos kaikille"


async def test_a_blocked_messages_text_goes_after_a_day(harness: Harness) -> None:
    async with harness.app.store.transaction() as tx:
        group = await tx.groups.create("Ilta")
        await _written(tx, group, "soita 040 123 4567", "9", MessageState.BLOCKED)
    housekeeping = harness.app.scheduler.housekeeping
    assert housekeeping is not None
    assert (await housekeeping.run())[0] == 0
    harness.clock.advance(timedelta(hours=25))
    # The scheduler's own start-up round may get there first under load; either way it goes.
    await housekeeping.run()
    async with harness.app.store.transaction() as tx:
        message = await tx.messages.find_by_source("memory", "dm:aino", "9")
    assert message is not None and message.text is None
