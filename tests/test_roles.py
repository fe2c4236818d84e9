"""Command by role: every command checks who may use it, and this table says who that is.

A command added without a row here fails `test_every_command_has_a_row`, so no command can
slip in unchecked.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from storage.models import MembershipStatus, Role
from tests.harness import Harness
from tests.scheduling import open_group

REFUSALS = (
    "This command is for the group's facilitators.",
    "Only facilitators and admins can create groups.",
    "That is not something you can do here.",
)
ROLES = (
    "outsider",
    "waiting",
    "participant",
    "peer_supporter",
    "moderator",
    "facilitator",
    "admin",
)
STAFF = frozenset({"facilitator", "admin"})
MODERATING = frozenset({"moderator", "facilitator", "admin"})
IN_GROUP = frozenset({"participant", "peer_supporter", "moderator", "facilitator", "admin"})
EVERYONE = frozenset(ROLES)

# command as typed → who may use it. Self-service commands act only on the person's own data.
TABLE: dict[str, frozenset[str]] = {
    "/start": EVERYONE,
    "/help": EVERYONE,
    "/language en": EVERYONE,
    "/join": EVERYONE,
    "/cancel": EVERYONE,
    "/leave": EVERYONE,
    "/group": EVERYONE,
    "/remove": EVERYONE,
    "/mydata": EVERYONE,
    "/forgetme": EVERYONE,
    "/schedule": IN_GROUP,
    "/calendar": IN_GROUP,
    "/groups": STAFF,
    "/members": STAFF,
    "/invite": STAFF,
    "/preview 1": STAFF,
    "/skip 9": STAFF,
    "/reschedule 8 2027-06-01 18:00": STAFF,
    "/pause": STAFF,
    "/resume": STAFF,
    "/announce hei": STAFF,
    "/newgroup": STAFF,
    "/report": EVERYONE,
    "/queue": MODERATING,
    "/ack 1": MODERATING,
    "/warn 1": MODERATING,
    "/mute 1 2h": MODERATING,
    "/kick 1": MODERATING,
    "/reveal 1 needed for safety": frozenset({"moderator", "admin"}),
    "/msg 1 hei": MODERATING,
    "/endcontact 1": MODERATING,
    "/mod hei": EVERYONE,
    "/propose hei": EVERYONE,
    "/proposals": STAFF,
    "/afterwards": STAFF,
    "/helpers": STAFF,
}


def test_every_command_has_a_row(harness: Harness) -> None:
    listed = {row.split()[0].removeprefix("/") for row in TABLE}
    commands = {command.names["en"] for command in harness.app.dispatcher.router.listed()}
    assert commands == listed


@pytest.mark.parametrize("role", ROLES)
async def test_each_role_may_use_exactly_its_commands(harness: Harness, role: str) -> None:
    harness.clock.set(datetime(2027, 3, 1, 9, 0, tzinfo=UTC))
    group = await open_group(harness.app, harness.transport, date(2027, 3, 16))
    async with harness.app.store.transaction() as tx:
        person = await tx.persons.identify("memory", "vieras", dm_chat="dm:vieras")
        await tx.persons.set_language(person, "en")
        if role == "admin":
            await tx.persons.set_admin(person, True)
        elif role == "waiting":
            await tx.memberships.add(group, person.id, "Vieras", status=MembershipStatus.WAITING)
        elif role != "outsider":
            await tx.memberships.add(group, person.id, "Vieras", role=Role(role))
    outcome = {}
    for typed in TABLE:
        replies = await harness.says("vieras", typed)
        outcome[typed] = bool(replies) and not any(reply in REFUSALS for reply in replies)
    expected = {typed: role in allowed for typed, allowed in TABLE.items()}
    assert outcome == expected
    if role not in STAFF:
        assert harness.transport.texts("aino") == [], "nothing this role typed reached a member"
