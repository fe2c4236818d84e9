"""The moderators' review queue: items, the alerts sent about them, members' reports, and a
moderator's private contact with a member."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import case, func, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.clock import Clock
from storage.crypto import IdentityCipher
from storage.models import (
    CLOSED_STATUSES,
    ContactMessage,
    OutboxMessage,
    PrivateContact,
    ReviewAlert,
    ReviewItem,
    ReviewReport,
    ReviewSource,
    ReviewStatus,
)

SEVERITY_ORDER = case({"high": 0, "medium": 1, "low": 2}, value=ReviewItem.severity, else_=3)


class ReviewRepository:
    def __init__(self, session: AsyncSession, clock: Clock, cipher: IdentityCipher) -> None:
        self._session = session
        self._clock = clock
        self._cipher = cipher

    def reporter_key(self, person_id: int, message_id: int) -> str:
        """Who reported a message, as a keyed hash: the same person reporting it twice gives
        the same key, and without the secret key nobody can tell whose it is."""
        return self._cipher.lookup_hash("report", f"{message_id}\x00{person_id}")

    async def open(
        self,
        *,
        group_id: int,
        message_id: int | None,
        category: str,
        severity: str,
        action: str,
        spans: Sequence[Sequence[Any]] = (),
        membership_id: int | None = None,
        source: ReviewSource = ReviewSource.SCREEN,
        escalate_at: datetime | None = None,
    ) -> ReviewItem:
        item = ReviewItem(
            group_id=group_id,
            message_id=message_id,
            membership_id=membership_id,
            source=source,
            reports=0,
            category=category,
            severity=severity,
            action=action,
            spans=[list(span) for span in spans],
            status=ReviewStatus.OPEN,
            escalation_level=0,
            created_at=self._clock.now(),
            escalate_at=escalate_at,
        )
        self._session.add(item)
        await self._session.flush()
        return item

    async def get(self, item_id: int) -> ReviewItem | None:
        return await self._session.get(ReviewItem, item_id)

    async def acknowledge(self, item: ReviewItem, person_id: int) -> bool:
        """First acknowledgement wins; False if someone already took it. Stops escalation."""
        if item.status is not ReviewStatus.OPEN:
            return False
        item.status = ReviewStatus.ACKNOWLEDGED
        item.acknowledged_by = person_id
        item.acknowledged_at = self._clock.now()
        item.escalate_at = None
        await self._session.flush()
        return True

    async def close(
        self, item: ReviewItem, person_id: int | None, resolution: str, *, dismissed: bool = False
    ) -> bool:
        """Resolve (acted on) or dismiss (nothing to do) an item; False if it was closed."""
        if item.status in CLOSED_STATUSES:
            return False
        now = self._clock.now()
        if item.acknowledged_at is None:
            item.acknowledged_by, item.acknowledged_at = person_id, now
        item.status = ReviewStatus.DISMISSED if dismissed else ReviewStatus.RESOLVED
        item.resolved_by = person_id
        item.resolution = resolution
        item.resolved_at = now
        item.escalate_at = None
        await self._session.flush()
        return True

    async def escalate(self, item: ReviewItem, next_at: datetime | None) -> None:
        item.escalation_level += 1
        item.escalate_at = next_at
        await self._session.flush()

    async def due_escalations(self, now: datetime, *, limit: int = 50) -> list[ReviewItem]:
        result = await self._session.execute(
            select(ReviewItem)
            .where(ReviewItem.escalate_at.is_not(None), ReviewItem.escalate_at <= now)
            .order_by(ReviewItem.escalate_at, ReviewItem.id)
            .limit(limit)
        )
        return list(result.scalars())

    async def next_escalation_at(self) -> datetime | None:
        result = await self._session.execute(select(func.min(ReviewItem.escalate_at)))
        return result.scalar_one_or_none()

    async def queue(
        self, group_ids: Sequence[int] | None = None, *, limit: int | None = None
    ) -> list[ReviewItem]:
        """Items not yet closed: the most severe first, then the oldest."""
        query = select(ReviewItem).where(ReviewItem.status.not_in(list(CLOSED_STATUSES)))
        if group_ids is not None:
            query = query.where(ReviewItem.group_id.in_(list(group_ids)))
        query = query.order_by(SEVERITY_ORDER, ReviewItem.created_at, ReviewItem.id)
        if limit is not None:
            query = query.limit(limit)
        return list((await self._session.execute(query)).scalars())

    async def for_message(self, message_id: int, source: ReviewSource) -> ReviewItem | None:
        """The open item from `source` about a message, if any (reports merge into it)."""
        result = await self._session.execute(
            select(ReviewItem)
            .where(
                ReviewItem.message_id == message_id,
                ReviewItem.source == source,
                ReviewItem.status.not_in(list(CLOSED_STATUSES)),
            )
            .order_by(ReviewItem.id)
            .limit(1)
        )
        return result.scalar_one_or_none()

    async def add_report(self, item: ReviewItem, reporter_key: str) -> bool:
        """Count one member's report; False if they had reported this item already."""
        exists = await self._session.execute(
            select(ReviewReport.id).where(
                ReviewReport.review_item_id == item.id, ReviewReport.reporter_key == reporter_key
            )
        )
        if exists.first() is not None:
            return False
        self._session.add(
            ReviewReport(
                review_item_id=item.id, reporter_key=reporter_key, created_at=self._clock.now()
            )
        )
        item.reports += 1
        await self._session.flush()
        return True

    async def record_alerts(self, item_id: int, outbox_ids: Sequence[int], level: int) -> None:
        if outbox_ids:
            await self._session.execute(
                insert(ReviewAlert),
                [{"review_item_id": item_id, "outbox_id": o, "level": level} for o in outbox_ids],
            )

    async def alerts(self, item_id: int) -> list[ReviewAlert]:
        result = await self._session.execute(
            select(ReviewAlert)
            .where(ReviewAlert.review_item_id == item_id)
            .order_by(ReviewAlert.id)
        )
        return list(result.scalars())

    async def open_contact(
        self, group_id: int, moderator_person_id: int, membership_id: int, item_id: int | None
    ) -> PrivateContact:
        """The moderator's open contact with this member, or a new one."""
        found = await self.contact_between(moderator_person_id, membership_id)
        if found is not None:
            return found
        contact = PrivateContact(
            group_id=group_id,
            moderator_person_id=moderator_person_id,
            membership_id=membership_id,
            review_item_id=item_id,
            opened_at=self._clock.now(),
        )
        self._session.add(contact)
        await self._session.flush()
        return contact

    async def contact_between(
        self, moderator_person_id: int, membership_id: int
    ) -> PrivateContact | None:
        result = await self._session.execute(
            select(PrivateContact).where(
                PrivateContact.moderator_person_id == moderator_person_id,
                PrivateContact.membership_id == membership_id,
                PrivateContact.closed_at.is_(None),
            )
        )
        return result.scalars().first()

    async def get_contact(self, contact_id: int) -> PrivateContact | None:
        return await self._session.get(PrivateContact, contact_id)

    async def contacts_of_member(self, membership_ids: Sequence[int]) -> list[PrivateContact]:
        result = await self._session.execute(
            select(PrivateContact)
            .where(
                PrivateContact.membership_id.in_(list(membership_ids)),
                PrivateContact.closed_at.is_(None),
            )
            .order_by(PrivateContact.opened_at.desc())
        )
        return list(result.scalars())

    async def close_contact(self, contact: PrivateContact) -> None:
        contact.closed_at = self._clock.now()
        await self._session.flush()

    async def add_contact_message(
        self, contact_id: int, outbox_id: int, *, to_member: bool
    ) -> None:
        self._session.add(
            ContactMessage(
                contact_id=contact_id,
                outbox_id=outbox_id,
                to_member=to_member,
                created_at=self._clock.now(),
            )
        )
        await self._session.flush()

    async def contact_replied_to(
        self,
        transport_message_id: str,
        *,
        membership_ids: Sequence[int] = (),
        moderator_person_id: int | None = None,
    ) -> PrivateContact | None:
        """The open contact whose message this person replied to: one sent to them as the
        member (`membership_ids`) or as the moderator (`moderator_person_id`)."""
        query = (
            select(PrivateContact)
            .join(ContactMessage, ContactMessage.contact_id == PrivateContact.id)
            .join(OutboxMessage, OutboxMessage.id == ContactMessage.outbox_id)
            .where(
                OutboxMessage.transport_message_id == transport_message_id,
                PrivateContact.closed_at.is_(None),
            )
        )
        if moderator_person_id is not None:
            query = query.where(
                ContactMessage.to_member.is_(False),
                PrivateContact.moderator_person_id == moderator_person_id,
            )
        else:
            query = query.where(
                ContactMessage.to_member.is_(True),
                PrivateContact.membership_id.in_(list(membership_ids)),
            )
        return (await self._session.execute(query.limit(1))).scalar_one_or_none()
