"""What a web member does besides writing: edit, delete, reply, their data, being forgotten;
buttons they were never shown; writing too fast; a held message that a moderator released."""

from __future__ import annotations

import asyncio
import json

from storage.models import Message, MessageState
from storage.store import Transaction
from tests.web_service import WebService, wait_for, web_member, web_service

__all__ = ["web_service"]

CRISIS = "mä haluun kuolla tänä yönä, en jaksa enää"


async def test_edits_deletions_and_replies_reach_the_other_transport(
    web_service: WebService,
) -> None:
    group = await web_service.open_group()
    third = await web_service.memory_join("kolmas", group.code)
    inbox = web_service.memory.inbox
    async with web_member(web_service) as member:
        name = await member.join(group.code)
        first = await member.says("Alkuperäinen teksti")
        await wait_for(lambda: any("Alkuperäinen" in m.text for m in inbox("kolmas")), "copy")
        await member.send({"type": "edit", "message": first, "text": "Korjattu teksti"})
        await wait_for(lambda: any("Korjattu" in m.text for m in inbox("kolmas")), "the edit")
        assert any(e["kind"] == "own_edit" and e["id"] == first for e in member.events)

        await web_service.memory_says("kolmas", "Mitä kuuluu?")
        question = await member.wait_for_text("Mitä kuuluu?")
        await member.says("Hyvää, kiitos", reply_to=question["id"])
        await wait_for(lambda: any("Hyvää, kiitos" in m.text for m in inbox("kolmas")), "reply")
        answer = next(m for m in inbox("kolmas") if "Hyvää, kiitos" in m.text)
        assert answer.reply_to is not None, "the reply points at the question's copy"
        assert answer.text.startswith(name)

        await member.send({"type": "delete", "message": first})
        await wait_for(
            lambda: not any("Korjattu" in m.text for m in inbox("kolmas") if not m.deleted),
            "the deletion",
        )
        assert third not in " ".join(member.texts()).replace(f"{third}: Mitä kuuluu?", "")


async def test_my_data_comes_as_a_file_only_for_me_and_forget_me_empties_the_page(
    web_service: WebService,
) -> None:
    group = await web_service.open_group()
    async with web_member(web_service) as member, web_member(web_service) as other:
        await member.join(group.code)
        await member.says("Jotain minusta")
        await member.acknowledged(await member.send({"type": "command", "name": "mydata"}))
        await wait_for(lambda: any("file" in e for e in member.events), "the data file")
        sent = next(e for e in member.events if "file" in e)
        download = await member.get(sent["file"]["url"])
        assert download.status == 200
        assert "attachment" in download.headers["Content-Disposition"]
        assert isinstance(json.loads(await download.read()), dict)
        await other.open_link(group.code)
        assert (await other.get(sent["file"]["url"])).status == 404

        await member.acknowledged(await member.send({"type": "command", "name": "forgetme"}))
        await wait_for(lambda: member._offers("fg:yes"), "the question")
        await member.presses("fg:yes")
        await wait_for(lambda: any(e["kind"] == "reset" for e in member.events), "a reset")
        await member.disconnect()
        member.events.clear()
        await member.connect(last_seq=0)
        await member.ready.wait()
        await asyncio.sleep(0.3)
        kinds = [e["kind"] for e in member.events]
        assert kinds[0] == "reset" and "own" not in kinds, "nothing of before is kept"


async def test_a_button_never_shown_is_ignored(web_service: WebService) -> None:
    group = await web_service.open_group()
    async with web_member(web_service) as member:
        await member.join(group.code)
        before = len(member.sent())
        await member.acknowledged(await member.send({"type": "button", "data": "fg:yes"}))
        await asyncio.sleep(0.3)
        assert len(member.sent()) == before
        assert not any(e["kind"] == "reset" for e in member.events)


async def test_writing_too_fast_is_refused_politely(web_service: WebService) -> None:
    group = await web_service.open_group()
    async with web_member(web_service) as member:
        await member.join(group.code)
        ids = [await member.send({"type": "text", "text": f"viesti {n}"}) for n in range(30)]
        await wait_for(lambda: len({r["id"] for r in member.replies} & set(ids)) == 30, "answers")
        refused = [r for r in member.replies if r["type"] == "refused"]
        assert refused, "some of 30 messages in a moment are refused"


async def test_a_held_message_shows_its_new_state_once_released(web_service: WebService) -> None:
    group = await web_service.open_group()
    async with web_member(web_service) as member:
        await member.join(group.code)
        held = await member.says(CRISIS)
        assert member.state_of(held) == "held"
        async with web_service.app.store.transaction() as tx:
            [message] = [m for m in await _messages(tx, group.id) if m.state is MessageState.HELD]
            await tx.messages.set_state(message, MessageState.ACCEPTED)
        await member.disconnect()
        await member.connect()
        await wait_for(lambda: member.state_of(held) == "sent", "the new state")


async def _messages(tx: Transaction, group_id: int) -> list[Message]:
    memberships = await tx.memberships.for_group(group_id)
    return [m for ms in memberships for m in await tx.messages.for_membership(ms.id)]


async def test_a_released_message_shows_sent_on_the_open_page_without_reconnecting(
    web_service: WebService,
) -> None:
    group = await web_service.open_group()
    async with web_member(web_service) as member:
        await member.join(group.code)
        held = await member.says(CRISIS)
        assert member.state_of(held) == "held"
        async with web_service.app.store.transaction() as tx:
            [message] = [m for m in await _messages(tx, group.id) if m.state is MessageState.HELD]
            await tx.messages.set_state(message, MessageState.ACCEPTED)
        await member.send({"type": "states"})  # what the page asks while it shows one held
        await wait_for(lambda: member.state_of(held) == "sent", "the new state, live")
