"""The core flow from the person's side, on the in-memory transport and a real store."""

from __future__ import annotations

import pytest
from sqlalchemy.exc import OperationalError

from bot.ports import Inbound, InboundKind, SendError
from storage.models import OutboxStatus
from tests.harness import Harness


async def test_help_is_in_finnish_first_then_in_swedish_once_chosen(harness: Harness) -> None:
    [help_fi] = await harness.says("aino", "/help")
    assert help_fi.startswith("Näin voit käyttää minua:")
    assert "/apua – näytä tämä lista" in help_fi
    assert "/kieli – valitse kieli" in help_fi

    [choose] = await harness.says("aino", "/kieli")
    assert choose == "Valitse kieli:"
    assert harness.transport.inbox("aino")[-1].button_data() == ["lang:fi", "lang:sv", "lang:en"]

    [confirmed] = await harness.presses("aino", "lang:sv")
    assert confirmed == "Från och med nu skriver jag till dig på svenska."

    [help_sv] = await harness.says("aino", "/help")
    assert help_sv.startswith("Det här kan jag göra:")
    assert "/hjalp – visa den här listan" in help_sv


async def test_language_can_be_named_in_the_command(harness: Harness) -> None:
    assert await harness.says("chris", "/language english") == [
        "From now on I will write to you in English."
    ]
    [help_en] = await harness.says("chris", "/apua")
    assert help_en.startswith("What I can do:")
    [unknown] = await harness.says("chris", "/language klingon")
    assert unknown == "I don't know the language “klingon”. Choose your language:"


async def test_unknown_command_gets_a_kind_pointer_to_help(harness: Harness) -> None:
    assert await harness.says("aino", "/tanssi") == [
        "En tunne komentoa /tanssi. /apua näyttää, mitä osaan."
    ]
    await harness.says("aino", "/language sv")
    assert await harness.says("aino", "/dansa@PiiriBot nu") == [
        "Jag känner inte till kommandot /dansa. /hjalp visar vad jag kan göra."
    ]


async def test_free_text_from_someone_outside_groups_is_answered_not_dropped(
    harness: Harness,
) -> None:
    [answer] = await harness.says("aino", "hei, onko täällä ketään?")
    assert answer.startswith("Et ole vielä missään ryhmässä.")
    assert "/apua" in answer


async def test_the_same_event_delivered_twice_is_processed_once(harness: Harness) -> None:
    first = await harness.says("bo", "/help", event_id="update-4711")
    again = await harness.says("bo", "/help", event_id="update-4711")
    assert len(first) == 1
    assert again == []
    async with harness.app.store.transaction() as tx:
        person = await tx.persons.find("memory", "bo")
        assert person is not None


async def test_a_stale_button_answers_kindly_and_changes_nothing(harness: Harness) -> None:
    assert await harness.presses("aino", "vote:999") == ["Tämä painike ei ole enää käytössä."]
    assert await harness.presses("aino", "lang:xx") == ["Tämä painike ei ole enää käytössä."]
    [help_fi] = await harness.says("aino", "/help")
    assert help_fi.startswith("Näin voit käyttää minua:")


async def test_a_failed_send_is_retried_until_it_arrives(harness: Harness) -> None:
    harness.transport.fail_next_sends(SendError("timeout"), SendError("flood", retry_after=3))
    [answer] = await harness.says("aino", "/apua")
    assert answer.startswith("Näin voit käyttää minua:")


async def test_a_permanent_send_failure_is_recorded_not_retried(harness: Harness) -> None:
    harness.transport.fail_next_sends(SendError("blocked by the user", permanent=True))
    assert await harness.says("aino", "/apua") == []
    async with harness.app.store.transaction() as tx:
        counts = await tx.outbox.count_by_status()
    assert counts[OutboxStatus.FAILED] == 1


async def test_edits_and_deletions_without_a_group_change_nothing(harness: Harness) -> None:
    transport = harness.transport
    for kind in (InboundKind.EDIT, InboundKind.DELETE):
        await harness.deliver(
            Inbound(
                transport="memory",
                event_id=f"e-{kind}",
                kind=kind,
                sender=transport.user("aino"),
                chat=transport.dm("aino"),
                is_private=True,
                text="muokattu",
                message_id="in-1",
            )
        )
    assert transport.inbox("aino") == []


async def test_a_transient_store_failure_leaves_the_event_for_redelivery(
    harness: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def locked(*_: object) -> list[object]:
        raise OperationalError("UPDATE …", {}, Exception("database is locked"))

    event = Inbound(
        transport="memory",
        event_id="update-locked",
        kind=InboundKind.MESSAGE,
        sender=harness.transport.user("aino"),
        chat=harness.transport.dm("aino"),
        is_private=True,
        text="hei",
        message_id="m-1",
    )
    with monkeypatch.context() as patch:
        patch.setattr(harness.app.dispatcher, "_on_text", locked)
        with pytest.raises(OperationalError):
            await harness.app.dispatcher.handle(event)
    await harness.deliver(event)
    [answer] = harness.transport.texts("aino")
    assert answer.startswith("Et ole vielä missään ryhmässä.")
