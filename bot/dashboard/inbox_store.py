"""A staff member's dashboard inbox, read from the outbox: what Piiri sent them privately
and they have not marked read (see `bot.dashboard.inbox`)."""

from __future__ import annotations

from dataclasses import dataclass

from bot.dashboard.accounts import TRANSPORT, inbox_chat
from storage.models import OutboxMessage, Person, ReviewStatus
from storage.store import Transaction


@dataclass(frozen=True, slots=True)
class InboxRow:
    id: int
    text: str
    at: str
    # The queue item of the private contact this answer belongs to, when it is one.
    item_id: int | None
    # The queue item this alert is about, when it is one (the queue shows it too).
    alert_item_id: int | None = None


async def unread(tx: Transaction, person: Person) -> list[OutboxMessage]:
    return await tx.outbox.pending_for(TRANSPORT, inbox_chat(person))


async def rows(tx: Transaction, person: Person, *, alerts: bool = True) -> list[InboxRow]:
    """Unread messages, newest first. An alert about an item someone has already taken is
    marked read here: the notice of who took it says the rest."""
    found = []
    for row in reversed(await unread(tx, person)):
        alerted = await tx.staff_accounts.alert_item_of(row.id)
        if alerted is not None and alerted.status is not ReviewStatus.OPEN:
            await tx.outbox.mark_sent(row.id, None)
            continue
        if alerted is not None and not alerts:
            continue
        found.append(
            InboxRow(
                id=row.id,
                text=row.text or "",
                at=row.created_at.strftime("%Y-%m-%d %H:%M") + " UTC",
                item_id=await tx.staff_accounts.contact_item_of(row.id),
                alert_item_id=alerted.id if alerted is not None else None,
            )
        )
    return found
