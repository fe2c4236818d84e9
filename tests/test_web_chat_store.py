"""The web chat's tables: visitors found only by keyed hashes, a gapless numbered log per
chat, and its texts dropped with the message retention."""

from __future__ import annotations

from datetime import timedelta

from storage.clock import ManualClock
from storage.crypto import IdentityCipher
from storage.models import WebEventKind
from storage.repositories.web import WebRepository, purge_web_texts
from storage.store import Store


async def test_visitors_are_found_by_token_chat_and_phrase_never_stored_plainly(
    store: Store, clock: ManualClock, cipher: IdentityCipher
) -> None:
    async with store.transaction() as tx:
        web = WebRepository(tx.session, cipher, clock)
        visitor = await web.create_visitor("token-abc", "chat-123")
        await web.set_phrase(visitor, "kettu lumi tuuli järvi poro")
        assert "token-abc" not in visitor.token_hash and b"chat-123" not in visitor.chat_enc
        assert (await web.by_token("token-abc")) is visitor
        assert (await web.by_chat("chat-123")) is visitor
        assert (await web.by_phrase("kettu lumi tuuli järvi poro")) is visitor
        assert await web.by_token("token-abd") is None
        assert web.chat_id(visitor) == "chat-123"
        await web.set_token(visitor, "token-new")
        assert await web.by_token("token-abc") is None


async def test_each_chat_numbers_its_events_from_one_without_gaps(
    store: Store, clock: ManualClock, cipher: IdentityCipher
) -> None:
    async with store.transaction() as tx:
        web = WebRepository(tx.session, cipher, clock)
        one = await web.create_visitor("t1", "c1")
        two = await web.create_visitor("t2", "c2")
        for n in range(3):
            await web.append(one.id, WebEventKind.SEND, text=f"a{n}")
        await web.append(two.id, WebEventKind.SEND, text="b")
        assert [e.seq for e in await web.after(one.id, 0)] == [1, 2, 3]
        assert [e.text for e in await web.after(one.id, 1)] == ["a1", "a2"]
        assert [e.seq for e in await web.after(two.id, 0)] == [1]


async def test_texts_leave_the_log_after_the_retention_period(
    store: Store, clock: ManualClock, cipher: IdentityCipher
) -> None:
    async with store.transaction() as tx:
        web = WebRepository(tx.session, cipher, clock)
        visitor = await web.create_visitor("t", "c")
        await web.append(visitor.id, WebEventKind.SEND, text="vanha", attachment=b"{}")
    clock.advance(timedelta(days=31))
    async with store.transaction() as tx:
        web = WebRepository(tx.session, cipher, clock)
        await web.append(visitor.id, WebEventKind.OWN, text="uusi", message_id="x" * 16)
        assert await purge_web_texts(tx.session, clock.now() - timedelta(days=30)) == 1
        old, new = await web.after(visitor.id, 0)
        assert old.text is None and old.attachment is None
        assert new.text == "uusi"
