"""Who is in which group, under which pseudonym and role."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.clock import Clock
from storage.models import Membership, MembershipStatus, Person, Role
from storage.repositories._unique import insert_if_absent


def pseudonym_key(pseudonym: str) -> str:
    """The form two pseudonyms are compared in: case-folded, surrounding space removed."""
    return " ".join(pseudonym.split()).casefold()


class PseudonymTakenError(ValueError):
    pass


class MembershipRepository:
    def __init__(self, session: AsyncSession, clock: Clock) -> None:
        self._session = session
        self._clock = clock

    async def add(
        self,
        group_id: int,
        person_id: int,
        pseudonym: str,
        *,
        role: Role = Role.PARTICIPANT,
        status: MembershipStatus = MembershipStatus.ACTIVE,
        language: str | None = None,
        age_band: str | None = None,
    ) -> Membership:
        membership = Membership(
            group_id=group_id,
            person_id=person_id,
            pseudonym=pseudonym.strip(),
            pseudonym_key=pseudonym_key(pseudonym),
            role=role,
            status=status,
            language=language,
            age_band=age_band,
            joined_at=self._clock.now(),
        )
        if not await insert_if_absent(self._session, membership):
            raise PseudonymTakenError("the pseudonym or the person is already in this group")
        return membership

    async def get(self, membership_id: int) -> Membership | None:
        return await self._session.get(Membership, membership_id)

    async def find(self, group_id: int, person_id: int) -> Membership | None:
        result = await self._session.execute(
            select(Membership).where(
                Membership.group_id == group_id, Membership.person_id == person_id
            )
        )
        return result.scalar_one_or_none()

    async def pseudonym_taken(self, group_id: int, pseudonym: str) -> bool:
        result = await self._session.execute(
            select(Membership.id).where(
                Membership.group_id == group_id,
                Membership.pseudonym_key == pseudonym_key(pseudonym),
            )
        )
        return result.first() is not None

    async def for_person(self, person_id: int, *, active_only: bool = True) -> list[Membership]:
        query = select(Membership).where(Membership.person_id == person_id)
        if active_only:
            query = query.where(Membership.status == MembershipStatus.ACTIVE)
        return list((await self._session.execute(query.order_by(Membership.id))).scalars())

    async def for_group(
        self, group_id: int, *, statuses: tuple[MembershipStatus, ...] = (MembershipStatus.ACTIVE,)
    ) -> list[Membership]:
        query = (
            select(Membership)
            .where(Membership.group_id == group_id, Membership.status.in_(statuses))
            .order_by(Membership.id)
        )
        return list((await self._session.execute(query)).scalars())

    async def with_persons(
        self,
        group_id: int,
        *,
        roles: tuple[Role, ...] | None = None,
        statuses: tuple[MembershipStatus, ...] = (MembershipStatus.ACTIVE,),
    ) -> list[tuple[Membership, Person]]:
        """Members with their persons, in one query (for posting to everyone)."""
        query = (
            select(Membership, Person)
            .join(Person, Person.id == Membership.person_id)
            .where(Membership.group_id == group_id, Membership.status.in_(statuses))
            .order_by(Membership.id)
        )
        if roles is not None:
            query = query.where(Membership.role.in_(roles))
        return [(m, p) for m, p in (await self._session.execute(query)).all()]

    async def with_persons_in(
        self, group_ids: Iterable[int]
    ) -> dict[int, list[tuple[Membership, Person]]]:
        """`with_persons` for many groups in one query, by group id."""
        wanted = list(set(group_ids))
        by_group: dict[int, list[tuple[Membership, Person]]] = {gid: [] for gid in wanted}
        query = (
            select(Membership, Person)
            .join(Person, Person.id == Membership.person_id)
            .where(Membership.group_id.in_(wanted), Membership.status == MembershipStatus.ACTIVE)
            .order_by(Membership.id)
        )
        for membership, person in (await self._session.execute(query)).all():
            by_group[membership.group_id].append((membership, person))
        return by_group

    async def set_status(self, membership: Membership, status: MembershipStatus) -> None:
        membership.status = status
        if status in (MembershipStatus.LEFT, MembershipStatus.REMOVED):
            membership.left_at = self._clock.now()
        await self._session.flush()

    async def rejoin(
        self,
        membership: Membership,
        pseudonym: str,
        *,
        role: Role,
        status: MembershipStatus,
        language: str | None,
        age_band: str | None,
    ) -> None:
        """Someone who left comes back: the same row, with what they chose this time."""
        membership.pseudonym = pseudonym.strip()
        membership.pseudonym_key = pseudonym_key(pseudonym)
        membership.status = status
        membership.role = role
        membership.language = language
        membership.age_band = age_band
        membership.offer_expires_at = None
        membership.left_at = None
        membership.joined_at = self._clock.now()
        await self._session.flush()

    async def groups_with_waiting(self) -> list[int]:
        """Groups someone is waiting to get into, without a place offered to them yet."""
        result = await self._session.execute(
            select(Membership.group_id)
            .where(
                Membership.status == MembershipStatus.WAITING,
                Membership.offer_expires_at.is_(None),
            )
            .distinct()
        )
        return sorted(result.scalars())

    async def lapsed_offers(self, now: datetime) -> list[Membership]:
        result = await self._session.execute(
            select(Membership)
            .where(
                Membership.status == MembershipStatus.WAITING,
                Membership.offer_expires_at.is_not(None),
                Membership.offer_expires_at <= now,
            )
            .order_by(Membership.id)
        )
        return list(result.scalars())

    async def erase(self, membership: Membership) -> None:
        """Closed, with no pseudonym, language or age left; the row stays for counts."""
        membership.pseudonym = ""
        membership.pseudonym_key = f"erased:{membership.id}"
        membership.language = None
        membership.age_band = None
        membership.offer_expires_at = None
        if membership.status in (MembershipStatus.ACTIVE, MembershipStatus.WAITING):
            membership.status = MembershipStatus.LEFT
            membership.left_at = self._clock.now()
        await self._session.flush()

    async def set_role(self, membership: Membership, role: Role) -> None:
        membership.role = role
        await self._session.flush()

    async def rename(self, membership: Membership, pseudonym: str) -> None:
        membership.pseudonym = pseudonym.strip()
        membership.pseudonym_key = pseudonym_key(pseudonym)
        await self._session.flush()

    async def staff(self, group_id: int | None = None) -> list[tuple[Membership, Person]]:
        """Active facilitators and moderators with their persons, of one group or all."""
        query = (
            select(Membership, Person)
            .join(Person, Person.id == Membership.person_id)
            .where(
                Membership.status == MembershipStatus.ACTIVE,
                Membership.role.in_((Role.FACILITATOR, Role.MODERATOR)),
            )
            .order_by(Membership.group_id, Membership.id)
        )
        if group_id is not None:
            query = query.where(Membership.group_id == group_id)
        return [(m, p) for m, p in (await self._session.execute(query)).all()]

    async def former_staff(self) -> list[Person]:
        """Persons with a facilitator's or moderator's membership that is no longer active."""
        query = (
            select(Person)
            .join(Membership, Person.id == Membership.person_id)
            .where(
                Membership.status != MembershipStatus.ACTIVE,
                Membership.role.in_((Role.FACILITATOR, Role.MODERATOR)),
            )
            .distinct()
            .order_by(Person.id)
        )
        return list((await self._session.execute(query)).scalars())

    async def muted(self) -> list[Membership]:
        """Memberships with a mute set (running or run out, until cleared)."""
        result = await self._session.execute(
            select(Membership).where(Membership.muted_until.is_not(None)).order_by(Membership.id)
        )
        return list(result.scalars())

    async def set_language(self, membership: Membership, language: str | None) -> None:
        membership.language = language
        await self._session.flush()

    async def mute(self, membership: Membership, until: datetime | None) -> None:
        membership.muted_until = until
        await self._session.flush()
