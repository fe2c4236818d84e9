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
        self, group_id: int, *, roles: tuple[Role, ...] | None = None
    ) -> list[tuple[Membership, Person]]:
        """Active members with their persons, in one query (for posting to everyone)."""
        query = (
            select(Membership, Person)
            .join(Person, Person.id == Membership.person_id)
            .where(Membership.group_id == group_id, Membership.status == MembershipStatus.ACTIVE)
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

    async def set_language(self, membership: Membership, language: str | None) -> None:
        membership.language = language
        await self._session.flush()

    async def mute(self, membership: Membership, until: datetime | None) -> None:
        membership.muted_until = until
        await self._session.flush()
