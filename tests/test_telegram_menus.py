"""The "/" menus people see on Telegram: members' commands in private chats, nothing
staff-only in groups, and each staff member their own menu in their language, renewed when
`piiri staff` changes who is staff (in another process, while the service runs or is down)."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from datetime import date, datetime
from zoneinfo import ZoneInfo

from bot.command_menu import command_menus
from groups.staff import PlatformRef, StaffRole, add_staff, remove_staff
from storage.crypto import IdentityCipher
from storage.engine import create_engine
from storage.store import Store, Transaction
from tests.joining import joinable_group
from tests.telegram_api.harness import TelegramHarness

HELSINKI = ZoneInfo("Europe/Helsinki")


def _names(h: TelegramHarness, language: str, *commands: str) -> set[str]:
    router = h.app.dispatcher.router
    return {router.find(c).name_in(language) for c in commands}  # type: ignore[union-attr]


@contextlib.asynccontextmanager
async def _piiri_staff(h: TelegramHarness, cipher: IdentityCipher) -> AsyncIterator[Transaction]:
    """What `piiri staff add|remove` does: another process, its own connection to the store."""
    store = Store(create_engine(h.app.settings.database.url), cipher, h.clock)
    try:
        async with store.transaction() as tx:
            yield tx
    finally:
        await store.close()


async def _staff(
    h: TelegramHarness,
    cipher: IdentityCipher,
    name: str,
    role: StaffRole,
    group_id: int | None,
    language: str = "fi",
) -> None:
    async with _piiri_staff(h, cipher) as tx:
        group = await tx.groups.get(group_id) if group_id is not None else None
        entry = await add_staff(tx, PlatformRef("telegram", h.id(name)), role, group)
        person = await tx.persons.get(entry.person_id)
        assert person is not None
        await tx.persons.set_language(person, language)


async def _unstaff(
    h: TelegramHarness, cipher: IdentityCipher, name: str, role: StaffRole, group_id: int | None
) -> None:
    async with _piiri_staff(h, cipher) as tx:
        group = await tx.groups.get(group_id) if group_id is not None else None
        assert await remove_staff(tx, PlatformRef("telegram", h.id(name)), role, group)


async def test_staff_see_their_own_commands_and_members_see_none_of_them(
    telegram: TelegramHarness, cipher: IdentityCipher
) -> None:
    h = telegram
    h.clock.set(datetime(2027, 1, 4, 9, 0, tzinfo=HELSINKI))
    group = await joinable_group(
        h.app, h.platform, date(2027, 1, 12), facilitator=h.id("Sanna"), staff_room=False
    )
    await h.transport.publish_menus(command_menus(h.app.dispatcher.router, h.app.catalogues, "fi"))
    await h.join("Aino", group.code)
    await _staff(h, cipher, "Mikko", StaffRole.MODERATOR, group.id)
    await _staff(h, cipher, "Aada", StaffRole.ADMIN, None, language="sv")
    await h.settle()

    member = set(h.world.menu_seen("Aino"))
    assert _names(h, "fi", "help", "leave") <= member
    assert not member & _names(h, "fi", "reschedule", "queue", "mute", "reveal", "invite")
    room = h.world.group("Vertaisryhmä")
    assert h.world.menu_seen("Aino", room) == [], "a group shows nothing staff-only"

    facilitator = set(h.world.menu_seen("Sanna"))
    assert _names(h, "fi", "help", "reschedule", "invite", "queue", "mute") <= facilitator
    assert not facilitator & _names(h, "fi", "reveal")
    moderator = set(h.world.menu_seen("Mikko"))
    assert _names(h, "fi", "help", "queue", "ack", "mute", "reveal") <= moderator
    assert not moderator & _names(h, "fi", "reschedule", "invite", "newgroup")
    admin = set(h.world.menu_seen("Aada"))
    assert _names(h, "sv", "help", "reschedule", "reveal", "newgroup") <= admin, "in Swedish"

    await _unstaff(h, cipher, "Mikko", StaffRole.MODERATOR, group.id)
    await h.settle()
    assert set(h.world.menu_seen("Mikko")) == member, "back to a member's menu"
    assert set(h.world.menu_seen("Sanna")) == facilitator


async def test_a_removal_while_the_service_was_down_clears_the_menu_at_start(
    telegram: TelegramHarness, cipher: IdentityCipher
) -> None:
    h = telegram
    h.clock.set(datetime(2027, 1, 4, 9, 0, tzinfo=HELSINKI))
    group = await joinable_group(
        h.app, h.platform, date(2027, 1, 12), facilitator=h.id("Sanna"), staff_room=False
    )
    await _staff(h, cipher, "Mikko", StaffRole.MODERATOR, group.id)
    await _staff(h, cipher, "Aada", StaffRole.ADMIN, None)
    await h.settle()
    assert _names(h, "fi", "reveal", "newgroup") <= set(h.world.menu_seen("Aada"))
    assert _names(h, "fi", "reveal") <= set(h.world.menu_seen("Mikko"))
    calls = len(h.server.sent("setMyCommands"))
    await h.settle()
    assert len(h.server.sent("setMyCommands")) == calls, "unchanged menus are not sent again"

    await h.stop()
    await _unstaff(h, cipher, "Mikko", StaffRole.MODERATOR, group.id)
    await _unstaff(h, cipher, "Aada", StaffRole.ADMIN, None)
    await h.start()
    await h.settle()
    assert h.world.menu_seen("Mikko") == [] and h.world.menu_seen("Aada") == []
    assert _names(h, "fi", "reschedule") <= set(h.world.menu_seen("Sanna"))
