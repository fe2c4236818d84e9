"""After the last session: the facilitators keep the group as an open peer room (no more
prompts; relay, screening and retention go on) or close it, each audited and told to the
members; and members who would like to help a future group say so, to be invited later as
peer supporters (by pseudonym only; the invite makes them a new member with a new name)."""

from __future__ import annotations

from datetime import datetime, timedelta

from groups.fanout import recipients, send_each
from groups.invites import create_invite
from groups.lifecycle import GroupError
from groups.opening import OPEN_ROOM
from groups.self_assessment import MEMBER_ROLES
from groups.texts import N_, TextsFor
from storage.models import Group, GroupStatus, Membership, Priority, Role
from storage.repositories import QueuedButton
from storage.store import Transaction

CLOSED = "closed"
# The facilitators' command for it, as each language names it (`bot.commands.afterwards`).
COMMAND_NAMES = {"en": "afterwards", "fi": "jatkossa", "sv": "efterat"}
CHOICES = (OPEN_ROOM, CLOSED)
AFTER_PREFIX = "ap"
VOLUNTEER_PREFIX = "hv"
HELPER_INVITE_DAYS = 14

TOLD = {
    OPEN_ROOM: N_(
        "The programme is over, and the facilitators keep {group} open as a peer room: you can "
        "go on writing to each other here. No more session prompts come."
    ),
    CLOSED: N_("{group} has now closed. Thank you for taking part!"),
}
ASK_TO_HELP = N_(
    "Thank you for these sessions! Would you like to help a future group as a peer "
    "supporter? If you say yes, the facilitators see your pseudonym on a list and may invite "
    "you."
)


async def choose_after(
    tx: Transaction,
    texts_for: TextsFor,
    group: Group,
    choice: str,
    *,
    actor_person_id: int | None,
    via: str,
) -> bool:
    """Keep the finished group open, or close it; False when that was already its state."""
    if choice not in CHOICES:
        raise ValueError(choice)
    if group.status is not GroupStatus.FINISHED:
        raise GroupError(N_("This can be chosen once the group's last session is over."))
    if group.after_programme == choice:
        return False
    group.after_programme = choice
    await tx.groups.touch(group)
    await tx.audit.append(
        "group.after_programme",
        actor_person_id=actor_person_id,
        group_id=group.id,
        details={"choice": choice, "via": via},
    )
    await send_each(
        tx,
        await recipients(tx, group),
        lambda r: texts_for(r.language).gettext(TOLD[choice], group=group.name),
        priority=Priority.CONVERSATION,
        notice=True,
    )
    return True


def after_buttons(texts_for: TextsFor, language: str, group: Group) -> list[list[QueuedButton]]:
    _ = texts_for(language).gettext
    return [
        [QueuedButton(_(N_("Keep as an open peer room")), f"{AFTER_PREFIX}:open:{group.id}")],
        [QueuedButton(_(N_("Close the group")), f"{AFTER_PREFIX}:closed:{group.id}")],
    ]


async def ask_to_help(tx: Transaction, texts_for: TextsFor, group: Group) -> int:
    """Each participant is asked, privately, whether they would help a future group."""
    asked = 0
    for membership, person in await tx.memberships.with_persons(
        group.id, roles=(Role.PARTICIPANT,)
    ):
        chat = tx.persons.dm_chat(person)
        if chat is None:
            continue
        texts = texts_for(person.language or membership.language or group.language)
        data = f"{VOLUNTEER_PREFIX}:{{}}:{membership.id}"
        buttons = [
            [
                QueuedButton(texts.gettext(N_("Yes, I'd like to help")), data.format("yes")),
                QueuedButton(texts.gettext(N_("No, thanks")), data.format("no")),
            ]
        ]
        await tx.outbox.enqueue(person.transport, chat, texts.gettext(ASK_TO_HELP), buttons=buttons)
        asked += 1
    return asked


async def volunteer(tx: Transaction, membership: Membership, yes: bool, now: datetime) -> None:
    membership.volunteered_at = now if yes else None
    await tx.audit.append(
        "member.volunteered" if yes else "member.not_volunteering",
        actor_person_id=membership.person_id,
        group_id=membership.group_id,
        subject=f"membership:{membership.id}",
    )


async def invite_helper(
    tx: Transaction,
    helper: Membership,
    target: Group,
    *,
    actor_person_id: int,
    now: datetime,
) -> str:
    """A one-use peer-supporter invite to `target` for a volunteer; returns its code."""
    if helper.volunteered_at is None or helper.role not in MEMBER_ROLES:
        raise GroupError(N_("That person has not offered to help."))
    if helper.group_id == target.id:
        raise GroupError(N_("Invite them to a new group, not the one they were in."))
    code, invite = await create_invite(
        tx,
        target,
        max_uses=1,
        expires_at=now + timedelta(days=HELPER_INVITE_DAYS),
        actor_person_id=actor_person_id,
        via="helpers",
        role=Role.PEER_SUPPORTER,
    )
    await tx.audit.append(
        "helper.invited",
        actor_person_id=actor_person_id,
        group_id=target.id,
        subject=f"membership:{helper.id}",
        details={"from_group": helper.group_id, "invite": invite.id},
    )
    return code
