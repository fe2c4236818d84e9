"""The web chat against a real running service: joining by link, chatting with a member on
another transport, what the author is told, resuming after a restart, cookies refused."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import Any

import aiohttp

from storage.crypto import IdentityCipher
from tests.databases import copy_sqlite
from tests.web_service import (
    WebService,
    running_web_service,
    wait_for,
    web_member,
    web_service,
)

__all__ = ["web_service"]

CRISIS = "mä haluun kuolla tänä yönä, en jaksa enää"
PHONE = "Tässä mun numero 040 123 4567 jos tarvii"


async def test_a_web_member_joins_by_link_and_chats_with_a_memory_member(
    web_service: WebService,
) -> None:
    group = await web_service.open_group()
    third = await web_service.memory_join("kolmas", group.code)
    async with web_member(web_service) as member:
        response = await member.open_link(group.code)
        assert response.url.path == "/chat", "the code leaves the address bar"
        assert response.history[0].headers["Referrer-Policy"] == "no-referrer"
        cookie = response.history[0].headers["Set-Cookie"]
        assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and "Path=/" in cookie
        await member.disconnect()
        pseudonym = await member.join(group.code)

        sent = await member.says("Hei kaikki, mukava olla täällä")
        assert member.state_of(sent) == "sent"
        await wait_for(
            lambda: any("Hei kaikki" in t for t in web_service.memory_texts("kolmas")),
            "the memory member to get the web member's message",
        )
        relayed = next(t for t in web_service.memory_texts("kolmas") if "Hei kaikki" in t)
        assert relayed.startswith(pseudonym)

        await web_service.memory_says("kolmas", "Tervetuloa!")
        got = await member.wait_for_text("Tervetuloa!")
        assert got["text"].startswith(third), "others appear under their pseudonyms"


async def test_a_phone_number_is_blocked_with_the_reason_and_reaches_no_one(
    web_service: WebService,
) -> None:
    group = await web_service.open_group()
    await web_service.memory_join("kolmas", group.code)
    async with web_member(web_service) as member:
        await member.join(group.code)
        sent = await member.says(PHONE)
        assert member.state_of(sent) == "blocked"
        await wait_for(lambda: bool(_offering_hidden(member.sent())), "the offer to hide it")
        (why,) = _offering_hidden(member.sent())
        assert "puhelinnumero" in why["text"], "the reason, in the member's language"
        await asyncio.sleep(0.3)
        assert not any("123 4567" in t for t in web_service.memory_texts("kolmas"))
        own = [e for e in member.events if e["kind"] == "own" and e["id"] == sent]
        assert own and own[0]["text"] == PHONE, "the author still sees what they wrote"


async def test_a_crisis_reply_reaches_the_author_within_a_second(
    web_service: WebService,
) -> None:
    group = await web_service.open_group()
    async with web_member(web_service) as member:
        await member.join(group.code)
        began = time.perf_counter()
        await member.send({"type": "text", "text": CRISIS})
        await member.wait_for_text("112")
        assert time.perf_counter() - began < 1.0


async def test_a_resend_after_a_reconnect_is_taken_once(web_service: WebService) -> None:
    group = await web_service.open_group()
    await web_service.memory_join("kolmas", group.code)
    async with web_member(web_service) as member:
        await member.join(group.code)
        message = {"type": "text", "id": "0123456789abcdef0001", "text": "Vain kerran"}
        await member.send(dict(message))
        await member.acknowledged(message["id"])
        await member.disconnect()
        await member.connect()
        await member.send(dict(message))
        await wait_for(lambda: len([r for r in member.replies if r.get("id")]) >= 2, "two acks")
        await asyncio.sleep(0.3)
        copies = [t for t in web_service.memory_texts("kolmas") if "Vain kerran" in t]
        assert len(copies) == 1
        own = [e for e in member.events if e["kind"] == "own"]
        assert len(own) == 1


async def test_a_page_gets_exactly_what_it_missed_also_across_a_restart(
    web_service: WebService,
) -> None:
    group = await web_service.open_group()
    await web_service.memory_join("kolmas", group.code)
    async with web_member(web_service) as member:
        await member.join(group.code)
        seen = member.last_seq
        await member.disconnect()
        await web_service.memory_says("kolmas", "Ensimmäinen kun olit poissa")
        await web_service.restart()
        await web_service.memory_says("kolmas", "Toinen uudelleenkäynnistyksen jälkeen")
        await member.connect(last_seq=seen)
        await member.wait_for_text("Toinen")
        await member.ready.wait()
        seqs = [e["seq"] for e in member.events]
        assert len(seqs) == len(set(seqs)), "nothing twice"
        assert seqs == sorted(seqs) and seqs == list(range(1, seqs[-1] + 1)), "nothing lost"
        assert sum("Ensimmäinen" in t for t in member.texts()) == 1


def _offering_hidden(messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        m
        for m in messages
        if any(b["data"].startswith("pi:send:") for row in m.get("buttons", []) for b in row)
    ]


async def test_forged_and_foreign_cookies_are_refused(web_service: WebService) -> None:
    group = await web_service.open_group()
    async with web_member(web_service) as first, web_member(web_service) as second:
        await first.join(group.code)
        mine = await first.says("Minun viestini")
        await second.join(group.code)
        # A made-up token, or the member's chat id (what the rest of Piiri knows them by):
        # no chat, no socket. Only the cookie's own token opens it.
        async with web_service.app.store.transaction() as tx:
            web = web_service.app.web
            assert web is not None
            repository = web.deps.transport.repository(tx)
            row = await repository.get(1)
            assert row is not None
            chat_id = repository.chat_id(row)
        for cookie in ("x" * 43, chat_id):
            forged = aiohttp.ClientSession(
                cookie_jar=aiohttp.CookieJar(unsafe=True), cookies={"piiri_member": cookie}
            )
            async with forged:
                page = await forged.get(web_service.url("/chat?here=1"))
                assert page.status == 403
                ws = await forged.ws_connect(
                    web_service.url("/ws").replace("http", "ws", 1), origin=web_service.base_url
                )
                await ws.receive()
                assert ws.close_code == 4401
        # Another visitor's message and files are not theirs to change or read.
        await second.send({"type": "delete", "message": mine})
        await second.send({"type": "edit", "message": mine, "text": "muutettu"})
        await asyncio.sleep(0.3)
        assert not any(e["kind"] in {"own_edit", "own_delete"} for e in second.events)
        assert not any(e["kind"] in {"own_edit", "own_delete"} for e in first.events)
        assert (await second.get("/file/1")).status == 404


async def test_a_socket_from_another_site_is_refused(web_service: WebService) -> None:
    group = await web_service.open_group()
    async with web_member(web_service) as member:
        await member.open_link(group.code)
        ws = await member.session.ws_connect(
            web_service.url("/ws").replace("http", "ws", 1), origin="https://evil.example"
        )
        await ws.receive()
        assert ws.close_code == 4401


async def test_the_recovery_phrase_moves_the_chat_to_another_device(
    web_service: WebService,
) -> None:
    group = await web_service.open_group()
    async with web_member(web_service) as old, web_member(web_service) as new:
        await old.join(group.code)
        page = await (await old.get("/phrase")).text()
        token = page.split('name="form_token" value="')[1].split('"')[0]
        shown = await old.session.post(web_service.url("/phrase"), data={"form_token": token})
        phrase = (await shown.text()).split('id="phrase">')[1].split("<")[0]
        assert len(phrase.split()) == 5

        form = await (await new.get("/recover")).text()
        check = form.split('name="form_token" value="')[1].split('"')[0]
        wrong = await new.session.post(
            web_service.url("/recover"), data={"form_token": check, "phrase": "väärä sana"}
        )
        assert wrong.status == 400
        moved = await new.session.post(
            web_service.url("/recover"), data={"form_token": check, "phrase": phrase.upper()}
        )
        assert moved.url.path == "/chat" and moved.status == 200
        await new.connect(last_seq=0)
        await new.ready.wait()
        assert new.texts() == old.texts(), "the same chat, from the start"
        refused = await old.get("/chat?here=1")
        assert refused.status == 403, "the old device's cookie stops working"


async def test_a_bad_link_and_too_many_joins_get_a_kind_page(web_service: WebService) -> None:
    async with web_member(web_service) as member:
        bad = await member.get("/j/not-a-code!")
        assert bad.status == 404 and 'lang="fi"' in await bad.text()
        statuses = [(await member.get("/j/AAAAAAAA")).status for _ in range(65)]
        assert 429 in statuses
        refused = await member.get("/j/AAAAAAAA")
        assert "Retry-After" in refused.headers


async def test_the_chat_page_speaks_the_language_chosen_in_the_join_flow(
    web_service: WebService,
) -> None:
    group = await web_service.open_group()
    async with web_member(web_service) as member:
        await member.join(group.code, language="sv")
        page = await (await member.get("/chat")).text()
        assert '<html lang="sv">' in page and "Skriv ett meddelande" in page


async def test_the_cookie_is_secure_when_the_public_address_is_https(
    tmp_path: Path, sqlite_template: Path, cipher: IdentityCipher
) -> None:
    copy_sqlite(sqlite_template, tmp_path / "piiri.db")
    settings = {"web": {"public_url": "https://piiri.example.org"}}
    async with running_web_service(tmp_path / "piiri.db", cipher, settings=settings) as service:
        group = await service.open_group()
        async with web_member(service) as member:
            response = await member.get(f"/j/{group.code}?here=1", allow_redirects=False)
            assert response.status == 303 and response.headers["Location"] == "/chat"
            assert "Secure" in response.headers["Set-Cookie"]
