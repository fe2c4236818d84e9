"""Facilitators run their group from the chat; nobody else can."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from icalendar import Calendar
from sqlalchemy import select

from groups.firing import PromptFirer
from storage.models import (
    GroupSession,
    GroupStatus,
    OutboxMessage,
    PostStatus,
    Role,
    ScheduledPost,
)
from tests.harness import Harness
from tests.scheduling import MEMBERS, due_moments, open_group

FACILITATOR = "Ilta-ohjaaja"
SESSION_1 = datetime(2027, 3, 16, 16, 0, tzinfo=UTC)  # Tuesday 18:00 in Helsinki


@pytest.fixture
async def group(harness: Harness) -> int:
    harness.clock.set(datetime(2027, 3, 1, 9, 0, tzinfo=UTC))
    return await open_group(harness.app, harness.transport, date(2027, 3, 16))


async def run_to(harness: Harness, until: datetime) -> None:
    for moment in await due_moments(harness.app.store):
        if harness.clock.now() < moment <= until:
            harness.clock.set(moment)
            await harness.settle()
    harness.clock.set(until)
    await harness.settle()


async def test_a_facilitator_previews_a_session_before_it_is_posted(
    harness: Harness, group: int
) -> None:
    *_, reply = await harness.says(FACILITATOR, "/preview 2")
    assert reply.startswith("Session 2: Theme 2")
    assert "Tuesday 23 March 2027 18:00 · opening round" in reply
    assert "opening 2/9 (+0m) at 18:00: Theme 2" in reply
    assert all(not harness.transport.texts(name) for name in MEMBERS), "nothing posted"


async def test_skipping_a_session_tells_members_and_posts_none_of_its_prompts(
    harness: Harness, group: int
) -> None:
    *_, reply = await harness.says(FACILITATOR, "/skip 2")
    assert reply == "Session 2 will not be held; members were told."
    assert harness.transport.texts("aino") == [
        "Tapaamista 2 (Teema 2) ei pidetä tiistaina 23.3.2027."
    ]
    await run_to(harness, SESSION_1 + timedelta(days=8))
    texts = harness.transport.texts("aino")
    assert any(text.startswith("feedback 1/9") for text in texts)
    assert not any(" 2/9 " in text for text in texts)


async def test_rescheduling_moves_the_prompts_with_the_session(
    harness: Harness, group: int
) -> None:
    *_, reply = await harness.says(FACILITATOR, "/reschedule 2 2027-03-25 17:30")
    assert reply == "Session 2 is now on Thursday 25 March 2027 17:30; members were told."
    assert harness.transport.texts("bo")[-1] == (
        "Tapaaminen 2 (Teema 2) on siirretty: uusi aika on torstaina 25.3.2027 klo 17.30."
    )
    await run_to(harness, datetime(2027, 3, 25, 15, 29, tzinfo=UTC))
    assert not any(text.startswith("opening 2/9") for text in harness.transport.texts("bo"))
    await run_to(harness, datetime(2027, 3, 25, 15, 30, tzinfo=UTC))
    assert harness.transport.texts("bo")[-1] == "opening 2/9 (+0m) klo 17.30: Teema 2"


async def test_a_session_cannot_move_past_its_neighbours_or_into_the_past(
    harness: Harness, group: int
) -> None:
    *_, reply = await harness.says(FACILITATOR, "/reschedule 2 2027-04-01 18:00")
    assert reply == "Session 2 would then not be between sessions 1 and 3."
    *_, reply = await harness.says(FACILITATOR, "/reschedule 2 2027-02-01 18:00")
    assert reply == "The new time must be in the future."
    *_, reply = await harness.says(FACILITATOR, "/reschedule 2 tomorrow")
    assert reply == "Write the new time like this: /reschedule 3 2027-04-20 18:00"
    *_, reply = await harness.says(FACILITATOR, "/skip 12")
    assert reply == "Give a session number from 1 to 9."


async def test_pause_and_resume_shift_the_rest_by_whole_weeks(harness: Harness, group: int) -> None:
    await run_to(harness, SESSION_1 + timedelta(hours=2))
    *_, reply = await harness.says(FACILITATOR, "/pause")
    assert reply == "The group is paused; no prompts are posted until /resume."
    assert harness.transport.texts("chris")[-1] == (
        "Ryhmä pitää nyt taukoa. Kerron sinulle, kun se jatkuu."
    )
    before = len(harness.transport.texts("chris"))
    await run_to(harness, SESSION_1 + timedelta(days=15))
    assert len(harness.transport.texts("chris")) == before, "nothing posted while paused"
    *_, reply = await harness.says(FACILITATOR, "/resume")
    assert reply == "The group continues. The next session is on Tuesday 6 April 2027 18:00."
    async with harness.app.store.transaction() as tx:
        starts = (
            (
                await tx.session.execute(
                    select(GroupSession.starts_at)
                    .where(GroupSession.group_id == group)
                    .order_by(GroupSession.number)
                )
            )
            .scalars()
            .all()
        )
    assert [start.astimezone().isoformat()[:10] for start in starts[1:3]] == [
        "2027-04-06",
        "2027-04-13",
    ]
    await run_to(harness, datetime(2027, 4, 6, 15, 0, tzinfo=UTC))
    assert harness.transport.texts("chris")[-1] == "opening 2/9 (+0m) klo 18.00: Teema 2"


async def test_an_announcement_reaches_every_member_in_their_language(
    harness: Harness, group: int
) -> None:
    *_, reply = await harness.says(FACILITATOR, "/announce Ensi viikolla alamme tuntia myöhemmin.")
    assert reply == "Sent to 4 recipients."
    assert harness.transport.texts("aino") == [
        "Ohjaajilta:\nEnsi viikolla alamme tuntia myöhemmin."
    ]
    async with harness.app.store.transaction() as tx:
        actions = [e.action for e in await tx.audit.recent(group_id=group)]
    assert "group.announced" in actions


@pytest.mark.parametrize("command", ["/preview 1", "/skip 1", "/pause", "/announce hei"])
@pytest.mark.parametrize("role", [Role.PARTICIPANT, Role.PEER_SUPPORTER, Role.MODERATOR, None])
async def test_only_facilitators_and_admins_may_change_a_group(
    harness: Harness, group: int, command: str, role: Role | None
) -> None:
    async with harness.app.store.transaction() as tx:
        person = await tx.persons.identify("memory", "vieras", dm_chat="dm:vieras")
        await tx.persons.set_language(person, "en")
        if role is not None:
            await tx.memberships.add(group, person.id, "Vieras", role=role)
    (reply,) = await harness.says("vieras", command)
    assert reply == "This command is for the group's facilitators."
    assert harness.transport.texts("aino") == []
    async with harness.app.store.transaction() as tx:
        found = await tx.persons.find("memory", "vieras")
        assert found is not None
        await tx.persons.set_admin(found, True)
    replies = await harness.says("vieras", command)
    assert replies and replies[0] != "This command is for the group's facilitators."


async def test_a_member_can_read_the_schedule_but_help_hides_staff_commands(
    harness: Harness, group: int
) -> None:
    (schedule,) = await harness.says("aino", "/aikataulu")
    assert schedule.splitlines()[1] == "1. tiistaina 16.3.2027 18.00 – Teema 1 (tulossa)"
    (help_text,) = await harness.says("aino", "/apua")
    assert "/ohita" not in help_text
    (staff_help,) = await harness.says(FACILITATOR, "/help")
    assert "/skip" in staff_help and "/announce" in staff_help


async def test_with_several_groups_the_facilitator_names_one(harness: Harness, group: int) -> None:
    async with harness.app.store.transaction() as tx:
        person = await tx.persons.find("memory", FACILITATOR)
        assert person is not None
        await tx.persons.set_admin(person, True)
    second = await open_group(harness.app, harness.transport, date(2027, 3, 18), name="Aamu")
    *_, reply = await harness.says(FACILITATOR, "/skip 1")
    assert reply.startswith(f"You have several groups; name one, e.g. #{group}.")
    *_, reply = await harness.says(FACILITATOR, f"/skip #{second} 1")
    assert reply == "Session 1 will not be held; members were told."
    async with harness.app.store.transaction() as tx:
        cancelled = (
            (
                await tx.session.execute(
                    select(ScheduledPost.id).where(ScheduledPost.status == PostStatus.CANCELLED)
                )
            )
            .scalars()
            .all()
        )
    assert len(cancelled) == 7


async def test_a_facilitator_creates_a_group_step_by_step(harness: Harness, group: int) -> None:
    (choose,) = await harness.says(FACILITATOR, "/newgroup")
    assert choose == "Which programme will the group follow?"
    inbox = harness.transport.inbox(FACILITATOR)
    assert inbox[-1].button_data() == ["ng:erovanhemmuus", "ng:tunteet", "ng:yhteiso"]
    (language,) = await harness.presses(FACILITATOR, "ng:erovanhemmuus")
    assert language == "Which language will the group use?"
    (mode,) = await harness.presses(FACILITATOR, "ng:erovanhemmuus:sv")
    assert mode.startswith("How will the group talk? Relay:")
    assert harness.transport.inbox(FACILITATOR)[-1].button_data() == [
        "ng:erovanhemmuus:sv:relay",
        "ng:erovanhemmuus:sv:room",
    ]
    (last,) = await harness.presses(FACILITATOR, "ng:erovanhemmuus:sv:room")
    assert last.endswith("/newgroup erovanhemmuus sv room 2027-01-12 18:00 Spring group")
    (made,) = await harness.says(
        FACILITATOR, "/newgroup erovanhemmuus sv room 2027-04-07 19:00 Kvällsgruppen"
    )
    assert made.startswith("Group #")
    assert "9 sessions, the first on Wednesday 7 April 2027 at 19:00" in made
    async with harness.app.store.transaction() as tx:
        created = (await tx.groups.list_all())[-1]
        assert (created.name, created.language, created.mode.value) == (
            "Kvällsgruppen",
            "sv",
            "room",
        )
        staff = await tx.memberships.for_group(created.id)
        assert [m.role for m in staff] == [Role.FACILITATOR]
        actions = [e.action for e in await tx.audit.recent(group_id=created.id)]
    assert actions == ["group.created"]


async def test_newgroup_is_refused_to_members_and_explains_mistakes(
    harness: Harness, group: int
) -> None:
    (reply,) = await harness.says("aino", "/uusiryhma")
    assert reply == "Vain ohjaajat ja ylläpitäjät voivat perustaa ryhmiä."
    (reply,) = await harness.presses("aino", "ng:tunteet")
    assert reply == "Vain ohjaajat ja ylläpitäjät voivat perustaa ryhmiä."
    (reply,) = await harness.says(FACILITATOR, "/newgroup tunteet 2027-02-30 18:00 Ryhmä")
    assert reply == "Write it like this: /newgroup tunteet en relay 2027-01-12 18:00 Spring group"
    (reply,) = await harness.says(FACILITATOR, "/newgroup tunteet 2026-01-12 18:00 Ryhmä")
    assert reply == "The first session must be in the future."
    replies = await harness.says(FACILITATOR, "/newgroup kuoro 2027-01-12 18:00 Ryhmä")
    assert replies[0] == "There is no programme “kuoro”."
    (reply,) = await harness.presses(FACILITATOR, "ng:tunteet:xx")
    assert reply == "That button is no longer in use."


async def test_a_group_whose_last_session_is_skipped_still_finishes(
    harness: Harness, group: int
) -> None:
    await run_to(harness, SESSION_1 + timedelta(weeks=7, hours=2))
    async with harness.app.store.transaction() as tx:
        found = await tx.groups.get(group)
        assert found is not None and found.status.value == "running"
    *_, reply = await harness.says(FACILITATOR, "/skip 9")
    assert reply == "Session 9 will not be held; members were told."
    await run_to(harness, SESSION_1 + timedelta(weeks=7, hours=2, minutes=11))
    async with harness.app.store.transaction() as tx:
        found = await tx.groups.get(group)
        assert found is not None and found.status.value == "finished"


async def test_a_member_gets_the_schedule_as_a_calendar_file(harness: Harness, group: int) -> None:
    (reply,) = await harness.says("bo", "/kalenteri")
    assert reply.startswith("Tässä ryhmän tapaamiset kalenteritiedostona")
    attachment = harness.transport.inbox("bo")[-1].attachment
    assert attachment is not None and attachment.media_type == "text/calendar"
    events = Calendar.from_ical(attachment.data).walk("VEVENT")
    assert len(events) == 9
    assert str(events[0]["SUMMARY"]) == "Ilta 1/9: Teema 1"
    async with harness.app.store.transaction() as tx:
        rows = (await tx.session.execute(select(OutboxMessage.attachment))).scalars().all()
    assert rows == [None], "the file is not kept once it is sent"


async def test_a_facilitator_who_is_also_a_member_elsewhere_reads_that_schedule(
    harness: Harness, group: int
) -> None:
    second = await open_group(harness.app, harness.transport, date(2027, 3, 18), name="Aamu")
    async with harness.app.store.transaction() as tx:
        person = await tx.persons.find("memory", FACILITATOR)
        assert person is not None
        await tx.memberships.add(second, person.id, "Sivusta")
    *_, reply = await harness.says(FACILITATOR, f"/schedule #{second}")
    assert reply.startswith("Aamu: Test programme")
    *_, reply = await harness.says(FACILITATOR, f"/skip #{second} 1")
    assert reply == "This command is for the group's facilitators."


async def test_a_prompt_claimed_just_before_its_session_is_skipped_is_not_posted(
    harness: Harness, group: int
) -> None:
    reminder_due = SESSION_1 + timedelta(days=6)  # session 2's -24h reminder
    await run_to(harness, reminder_due - timedelta(minutes=1))
    harness.clock.set(reminder_due)
    async with harness.app.store.transaction() as tx:
        claimed = await tx.schedule.claim_due(limit=10, lease=timedelta(minutes=2))
    assert [post.kind for post in claimed] == ["reminder"]
    *_, reply = await harness.says(FACILITATOR, "/skip 2")
    assert reply == "Session 2 will not be held; members were told."
    await run_to(harness, reminder_due + timedelta(minutes=5))
    assert not any(text.startswith("reminder 2/9") for text in harness.transport.texts("aino"))
    async with harness.app.store.transaction() as tx:
        status = await tx.session.scalar(
            select(ScheduledPost.status).where(ScheduledPost.id == claimed[0].id)
        )
    assert status is PostStatus.CANCELLED


async def test_a_prompt_claimed_just_before_a_pause_waits_for_the_resume(
    harness: Harness, group: int
) -> None:
    opening = SESSION_1 + timedelta(days=7)  # session 2 opens
    await run_to(harness, opening - timedelta(minutes=1))
    harness.clock.set(opening)
    async with harness.app.store.transaction() as tx:
        claimed = await tx.schedule.claim_due(limit=10, lease=timedelta(minutes=2))
        group_row = await tx.groups.get(group)
        assert group_row is not None
        await tx.groups.set_status(group_row, GroupStatus.PAUSED)  # another instance paused it
    assert [post.kind for post in claimed] == ["opening"]
    firer = PromptFirer(harness.app.store, harness.clock, harness.app.catalogues.translator)
    report = await firer.fire_claimed(claimed)
    assert (report.sent, report.failed) == (0, 0)
    async with harness.app.store.transaction() as tx:
        status = await tx.session.scalar(
            select(ScheduledPost.status).where(ScheduledPost.id == claimed[0].id)
        )
    assert status is PostStatus.PENDING
    assert not any(text.startswith("opening 2/9") for text in harness.transport.texts("aino"))


async def test_examples_in_replies_use_the_command_names_of_the_readers_language(
    harness: Harness, group: int
) -> None:
    async with harness.app.store.transaction() as tx:
        person = await tx.persons.find("memory", FACILITATOR)
        assert person is not None
        await tx.persons.set_language(person, "fi")
    (reply,) = await harness.says(FACILITATOR, "/siirra 2 huomenna")
    assert reply == "Kirjoita uusi aika näin: /siirra 3 2027-04-20 18:00"
