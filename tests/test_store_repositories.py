"""The repository suite; every test runs on a real SQLite file and a real PostgreSQL database."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, text

from storage.clock import ManualClock
from storage.models import (
    GroupStatus,
    MembershipStatus,
    MessageState,
    OutboxStatus,
    Person,
    Priority,
    ReviewStatus,
    Role,
    RoomPurpose,
)
from storage.repositories import PseudonymTakenError, QueuedButton
from storage.store import Store


async def test_person_id_is_encrypted_at_rest_and_found_again(store: Store) -> None:
    async with store.transaction() as tx:
        person = await tx.persons.identify("telegram", "123456789", dm_chat="123456789")
        person_id = person.id
    async with store.transaction() as tx:
        raw = (await tx.session.execute(text("SELECT * FROM persons"))).mappings().one()
        stored = b"".join(v if isinstance(v, bytes) else str(v).encode() for v in raw.values())
        assert b"123456789" not in stored
        again = await tx.persons.identify("telegram", "123456789")
        assert again.id == person_id
        assert tx.persons.external_id(again) == "123456789"
        assert tx.persons.dm_chat(again) == "123456789"
        assert await tx.persons.find("matrix", "123456789") is None


async def test_same_id_on_two_transports_is_two_people(store: Store) -> None:
    async with store.transaction() as tx:
        a = await tx.persons.identify("telegram", "42")
        b = await tx.persons.identify("matrix", "42")
        assert a.id != b.id


async def test_language_choice_is_kept(store: Store) -> None:
    async with store.transaction() as tx:
        person = await tx.persons.identify("memory", "u1")
        await tx.persons.set_language(person, "sv")
    async with store.transaction() as tx:
        found = await tx.persons.find("memory", "u1")
        assert found is not None and found.language == "sv"


async def test_an_event_is_claimed_once_and_a_rolled_back_claim_is_forgotten(
    store: Store,
) -> None:
    async with store.transaction() as tx:
        assert await tx.inbound.claim_event("memory", "e1") is True
        assert await tx.inbound.claim_event("memory", "e1") is False
        assert await tx.inbound.claim_event("telegram", "e1") is True
    with pytest.raises(RuntimeError):
        async with store.transaction() as tx:
            assert await tx.inbound.claim_event("memory", "e2") is True
            raise RuntimeError("the effects failed")
    async with store.transaction() as tx:
        assert await tx.inbound.claim_event("memory", "e2") is True


async def test_processed_events_are_pruned_by_age(store: Store, clock: ManualClock) -> None:
    async with store.transaction() as tx:
        await tx.inbound.claim_event("memory", "old")
    clock.advance(timedelta(days=8))
    async with store.transaction() as tx:
        await tx.inbound.claim_event("memory", "new")
        assert await tx.inbound.prune_processed(clock.now() - timedelta(days=7)) == 1
        assert await tx.inbound.claim_event("memory", "new") is False


async def test_cursor_is_created_then_moved(store: Store) -> None:
    async with store.transaction() as tx:
        assert await tx.inbound.get_cursor("telegram") is None
        await tx.inbound.set_cursor("telegram", "100")
    async with store.transaction() as tx:
        await tx.inbound.set_cursor("telegram", "101")
    async with store.transaction() as tx:
        assert await tx.inbound.get_cursor("telegram") == "101"


async def test_outbox_sends_urgent_first_and_retries_without_losing(
    store: Store, clock: ManualClock
) -> None:
    async with store.transaction() as tx:
        await tx.outbox.enqueue("memory", "chat-a", "reminder", priority=Priority.ROUTINE)
        await tx.outbox.enqueue(
            "memory",
            "chat-b",
            "crisis help",
            priority=Priority.URGENT,
            buttons=[[QueuedButton("OK", "ack:1")]],
        )
        await tx.outbox.enqueue("telegram", "chat-c", "not mine")
    async with store.transaction() as tx:
        claimed = await tx.outbox.claim_due(["memory"], limit=10, lease=timedelta(minutes=1))
    assert [c.text for c in claimed] == ["crisis help", "reminder"]
    assert claimed[0].chat_id == "chat-b"
    assert claimed[0].buttons == ((QueuedButton("OK", "ack:1"),),)
    async with store.transaction() as tx:
        assert await tx.outbox.claim_due(["memory"], limit=10, lease=timedelta(minutes=1)) == []
        await tx.outbox.mark_sent(claimed[0].id, "m-1")
        await tx.outbox.mark_retry(
            claimed[1].id, not_before=clock.now() + timedelta(seconds=30), error="timeout"
        )
        assert await tx.outbox.next_due_at(["memory"]) == clock.now() + timedelta(seconds=30)
    clock.advance(timedelta(seconds=31))
    async with store.transaction() as tx:
        [retry] = await tx.outbox.claim_due(["memory"], limit=10, lease=timedelta(minutes=1))
        assert (retry.text, retry.attempts) == ("reminder", 2)
        sent = await tx.outbox.get(claimed[0].id)
        assert sent is not None and sent.text is None and sent.transport_message_id == "m-1"


async def test_outbox_send_whose_sender_died_becomes_due_after_its_lease(
    store: Store, clock: ManualClock
) -> None:
    async with store.transaction() as tx:
        await tx.outbox.enqueue("memory", "chat", "hello")
    async with store.transaction() as tx:
        [first] = await tx.outbox.claim_due(["memory"], limit=1, lease=timedelta(seconds=60))
    clock.advance(timedelta(seconds=61))
    async with store.transaction() as tx:
        [again] = await tx.outbox.claim_due(["memory"], limit=1, lease=timedelta(seconds=60))
        assert again.id == first.id
        await tx.outbox.mark_failed(again.id, error="blocked by user")
        counts = await tx.outbox.count_by_status()
        assert counts[OutboxStatus.FAILED] == 1 and counts[OutboxStatus.PENDING] == 0


async def test_group_rooms_are_bound_and_found_by_platform_id(store: Store) -> None:
    async with store.transaction() as tx:
        group = await tx.groups.create("Tunteet ja taidot, kevät")
        await tx.groups.bind_room(group, RoomPurpose.MODERATORS, "matrix", "!mods:example.org")
        await tx.groups.bind_room(group, RoomPurpose.MODERATORS, "matrix", "!mods2:example.org")
        await tx.groups.set_status(group, GroupStatus.ENROLLING)
    async with store.transaction() as tx:
        assert await tx.groups.find_binding("matrix", "!mods:example.org") is None
        binding = await tx.groups.find_binding("matrix", "!mods2:example.org")
        assert binding is not None and binding.purpose is RoomPurpose.MODERATORS
        assert tx.groups.room_id(binding) == "!mods2:example.org"
        [listed] = await tx.groups.list_all([GroupStatus.ENROLLING])
        assert listed.name == "Tunteet ja taidot, kevät"


async def test_pseudonyms_are_unique_in_a_group_regardless_of_case(store: Store) -> None:
    async with store.transaction() as tx:
        group = await tx.groups.create("A")
        other = await tx.groups.create("B")
        alice = await tx.persons.identify("memory", "alice")
        bob = await tx.persons.identify("memory", "bob")
        await tx.memberships.add(group.id, alice.id, "Revontuli")
        await tx.memberships.add(other.id, bob.id, "Revontuli")
        assert await tx.memberships.pseudonym_taken(group.id, "  REVONTULI ")
        with pytest.raises(PseudonymTakenError):
            await tx.memberships.add(group.id, bob.id, "revontuli")
        bob_in_a = await tx.memberships.add(group.id, bob.id, "Kettu", role=Role.MODERATOR)
        await tx.memberships.set_status(bob_in_a, MembershipStatus.LEFT)
        active = await tx.memberships.for_group(group.id)
        assert [m.pseudonym for m in active] == ["Revontuli"]
        assert bob_in_a.left_at is not None


async def test_message_copies_are_tracked_and_text_is_purged_after_retention(
    store: Store, clock: ManualClock
) -> None:
    async with store.transaction() as tx:
        group = await tx.groups.create("A")
        author = await tx.persons.identify("memory", "a")
        reader = await tx.persons.identify("memory", "r")
        m_author = await tx.memberships.add(group.id, author.id, "Kuikka")
        m_reader = await tx.memberships.add(group.id, reader.id, "Ilves")
        message = await tx.messages.add(
            group_id=group.id,
            membership_id=m_author.id,
            text="tänään oli raskas päivä",
            state=MessageState.ACCEPTED,
            source_transport="memory",
            source_chat_id="dm-a",
            source_message_id="17",
        )
        await tx.messages.add_copy(message, membership_id=m_reader.id)
        with pytest.raises(ValueError, match="exactly one"):
            await tx.messages.add_copy(message)
    clock.advance(timedelta(days=91))
    async with store.transaction() as tx:
        found = await tx.messages.find_by_source("memory", "dm-a", "17")
        assert found is not None and len(await tx.messages.copies(found.id)) == 1
        assert await tx.messages.purge_text(clock.now() - timedelta(days=90)) == 1
    async with store.transaction() as tx:
        purged = await tx.messages.get(found.id)
        assert purged is not None and purged.text is None and purged.text_purged_at is not None


async def test_a_prompt_is_delivered_at_most_once_per_recipient(
    store: Store, clock: ManualClock
) -> None:
    async with store.transaction() as tx:
        group = await tx.groups.create("A")
        person = await tx.persons.identify("memory", "p")
        member = await tx.memberships.add(group.id, person.id, "Tunturi")
        session = await tx.schedule.add_session(
            group.id, 1, clock.now() + timedelta(hours=1), clock.now() + timedelta(hours=2)
        )
        post = await tx.schedule.add_post(session.id, "s1.opening", "opening", clock.now())
        assert [p.id for p in await tx.schedule.due_posts(clock.now())] == [post.id]
        assert await tx.schedule.record_delivery(post.id, membership_id=member.id) is True
        assert await tx.schedule.record_delivery(post.id, membership_id=member.id) is False
        assert len(await tx.schedule.deliveries(post.id)) == 1


async def test_first_acknowledgement_of_a_review_item_wins(store: Store) -> None:
    async with store.transaction() as tx:
        group = await tx.groups.create("A")
        mod1 = await tx.persons.identify("memory", "m1")
        mod2 = await tx.persons.identify("memory", "m2")
        item = await tx.reviews.open(
            group_id=group.id,
            message_id=None,
            category="crisis",
            severity="high",
            action="hold",
            spans=[(3, 9, "intent")],
        )
        assert await tx.reviews.acknowledge(item, mod1.id) is True
        assert await tx.reviews.acknowledge(item, mod2.id) is False
        assert item.acknowledged_by == mod1.id
        assert [i.id for i in await tx.reviews.queue([group.id])] == [item.id]
        await tx.reviews.close(item, None, "contacted")
        assert await tx.reviews.queue([group.id]) == []
        assert item.status is ReviewStatus.RESOLVED


async def test_survey_answer_is_replaced_and_erasable(store: Store) -> None:
    async with store.transaction() as tx:
        group = await tx.groups.create("A")
        person = await tx.persons.identify("memory", "p")
        member = await tx.memberships.add(group.id, person.id, "Poro")
        for value in (3, 4):
            await tx.surveys.record(
                member.id,
                survey_key="feedback",
                item_key="scale",
                occasion="session-1",
                value=value,
            )
        [answer] = await tx.surveys.for_membership(member.id)
        assert answer.value == 4
        assert await tx.surveys.delete_for_membership(member.id) == 1


async def test_programme_snapshot_is_made_once_per_content(store: Store) -> None:
    content = {"key": "tunteet", "sessions": [{"title": {"fi": "Tutustutaan"}}]}
    async with store.transaction() as tx:
        first = await tx.programmes.snapshot("tunteet", "1", content)
        second = await tx.programmes.snapshot("tunteet", "1", dict(content))
        changed = await tx.programmes.snapshot("tunteet", "1", {**content, "extra": True})
        assert first.id == second.id != changed.id


async def test_times_come_back_timezone_aware(store: Store, clock: ManualClock) -> None:
    async with store.transaction() as tx:
        await tx.persons.identify("memory", "tz")
    async with store.transaction() as tx:
        person = (await tx.session.execute(select(Person))).scalar_one()
        assert person.created_at == clock.now()
        assert person.created_at.utcoffset() == timedelta(0)


async def test_a_released_claim_is_due_again_at_once_without_counting_an_attempt(
    store: Store,
) -> None:
    async with store.transaction() as tx:
        await tx.outbox.enqueue("memory", "chat", "hello")
    async with store.transaction() as tx:
        [claimed] = await tx.outbox.claim_due(["memory"], limit=1, lease=timedelta(minutes=5))
        await tx.outbox.release(claimed.id)
    async with store.transaction() as tx:
        [again] = await tx.outbox.claim_due(["memory"], limit=1, lease=timedelta(minutes=5))
        assert (again.id, again.attempts) == (claimed.id, 1)
