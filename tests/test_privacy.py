"""A person's own data: /mydata shows it all; after /forgetme no table holds their text,
pseudonym or platform id, in clear, hashed or encrypted."""

from __future__ import annotations

import json
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select

from storage.crypto import IdentityCipher, chat_namespace, user_namespace
from storage.models import Base, Membership, MembershipStatus
from tests.harness import Harness
from tests.joining import join, joinable_group, last, press_shown

HELSINKI = ZoneInfo("Europe/Helsinki")
SECRET_TEXT = "Minulla on ollut tosi raskas viikko"
AINO = "tg-7310042"  # a platform id no suggested pseudonym can contain


async def _everything(h: Harness) -> list[tuple[str, str, object]]:
    """Every value in every table: (table, column, value)."""
    values = []
    async with h.app.store.transaction() as tx:
        for table in Base.metadata.sorted_tables:
            for row in (await tx.session.execute(select(table))).mappings():
                for column, value in row.items():
                    values.append((table.name, column, value))
    return values


async def test_mydata_sends_everything_kept_about_the_person(harness: Harness) -> None:
    h = harness
    h.clock.set(datetime(2027, 1, 4, 9, 0, tzinfo=HELSINKI))
    group = await joinable_group(h.app, h.transport, date(2027, 1, 12))
    name = await join(h, AINO, group.code)
    h.transport.say(AINO, SECRET_TEXT)
    await h.settle()
    h.transport.say(AINO, "/omattiedot")
    await h.settle()
    attachment = last(h.transport, AINO).attachment
    assert attachment is not None and attachment.media_type == "application/json"
    data = json.loads(attachment.data)
    assert data["person"]["user_id"] == AINO
    [membership] = data["groups"]
    assert membership["pseudonym"] == name and membership["group"] == "Iltapiiri"
    assert [m["text"] for m in membership["messages"]] == [SECRET_TEXT]


async def test_after_forgetme_no_table_holds_their_text_pseudonym_or_id(
    harness: Harness, cipher: IdentityCipher
) -> None:
    h = harness
    h.clock.set(datetime(2027, 1, 4, 9, 0, tzinfo=HELSINKI))
    group = await joinable_group(h.app, h.transport, date(2027, 1, 12), capacity=1)
    name = await join(h, AINO, group.code, pick="Tuikkuvalo")  # in no word list
    await join(h, "bo", group.code, pick=1)  # on the waiting list: the group holds one
    h.transport.say(AINO, SECRET_TEXT)
    await h.settle()
    h.transport.say(AINO, "/unohdaminut")
    await h.settle()
    assert any(d == "fg:yes" for d in last(h.transport, AINO).button_data())
    await press_shown(h, AINO, "fg:yes")

    forbidden_text = {SECRET_TEXT, name, AINO, f"dm:{AINO}"}
    forbidden_hashes = {
        cipher.lookup_hash(user_namespace("memory"), AINO),
        cipher.lookup_hash(chat_namespace("memory"), f"dm:{AINO}"),
    }
    found = []
    for table, column, value in await _everything(h):
        if isinstance(value, bytes) and value:
            for namespace in (user_namespace("memory"), chat_namespace("memory")):
                try:
                    clear = cipher.decrypt(namespace, value)
                except Exception:  # noqa: S112 - not this namespace's ciphertext
                    continue
                if clear in forbidden_text:
                    found.append((table, column, "encrypted id"))
        text = value if isinstance(value, str) else json.dumps(value, default=str)
        if any(secret in text for secret in forbidden_text | forbidden_hashes):
            found.append((table, column, text[:60]))
    assert found == []
    # Aino's seat is free, and Bo, next on the waiting list, is offered it.
    assert any(d.startswith("wl:yes:") for d in last(h.transport, "bo").button_data())
    async with h.app.store.transaction() as tx:
        memberships = (await tx.session.execute(select(Membership))).scalars().all()
        actions = [e.action for e in await tx.audit.recent()]
    erased = [m for m in memberships if m.pseudonym == ""]
    assert len(erased) == 1 and erased[0].status is MembershipStatus.LEFT, "closed, kept as a count"
    assert "person.erased" in actions
