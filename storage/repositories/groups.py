"""Groups and the platform rooms bound to them."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.clock import Clock
from storage.crypto import IdentityCipher, chat_namespace
from storage.models import Group, GroupMode, GroupStatus, RoomBinding, RoomPurpose


class GroupRepository:
    def __init__(self, session: AsyncSession, cipher: IdentityCipher, clock: Clock) -> None:
        self._session = session
        self._cipher = cipher
        self._clock = clock

    async def create(
        self,
        name: str,
        *,
        mode: GroupMode = GroupMode.RELAY,
        language: str = "fi",
        timezone: str = "Europe/Helsinki",
        programme_snapshot_id: int | None = None,
        capacity: int | None = None,
    ) -> Group:
        now = self._clock.now()
        group = Group(
            name=name,
            mode=mode,
            language=language,
            timezone=timezone,
            programme_snapshot_id=programme_snapshot_id,
            capacity=capacity,
            status=GroupStatus.DRAFT,
            session_minutes=90,
            policy={},
            created_at=now,
            updated_at=now,
        )
        self._session.add(group)
        await self._session.flush()
        return group

    async def get(self, group_id: int) -> Group | None:
        return await self._session.get(Group, group_id)

    async def get_many(self, group_ids: Iterable[int]) -> dict[int, Group]:
        result = await self._session.execute(
            select(Group).where(Group.id.in_(list(set(group_ids))))
        )
        return {group.id: group for group in result.scalars()}

    async def list_all(self, statuses: Sequence[GroupStatus] | None = None) -> list[Group]:
        query = select(Group).order_by(Group.id)
        if statuses is not None:
            query = query.where(Group.status.in_(list(statuses)))
        return list((await self._session.execute(query)).scalars())

    async def touch(self, group: Group) -> None:
        group.updated_at = self._clock.now()
        await self._session.flush()

    async def set_status(self, group: Group, status: GroupStatus) -> None:
        group.status = status
        group.updated_at = self._clock.now()
        if status is GroupStatus.FINISHED and group.finished_at is None:
            group.finished_at = group.updated_at
        await self._session.flush()

    async def bind_room(
        self, group: Group, purpose: RoomPurpose, transport: str, room_id: str
    ) -> RoomBinding:
        """Tie a platform room to the group, replacing an earlier room for the same purpose."""
        existing = await self._session.execute(
            select(RoomBinding).where(
                RoomBinding.group_id == group.id,
                RoomBinding.purpose == purpose,
                RoomBinding.transport == transport,
            )
        )
        binding = existing.scalar_one_or_none()
        room_hash = self._cipher.lookup_hash(chat_namespace(transport), room_id)
        room_enc = self._cipher.encrypt(chat_namespace(transport), room_id)
        if binding is None:
            binding = RoomBinding(
                group_id=group.id,
                purpose=purpose,
                transport=transport,
                room_hash=room_hash,
                room_enc=room_enc,
                created_at=self._clock.now(),
            )
            self._session.add(binding)
        else:
            binding.room_hash, binding.room_enc = room_hash, room_enc
        await self._session.flush()
        return binding

    async def find_binding(self, transport: str, room_id: str) -> RoomBinding | None:
        room_hash = self._cipher.lookup_hash(chat_namespace(transport), room_id)
        result = await self._session.execute(
            select(RoomBinding).where(RoomBinding.room_hash == room_hash)
        )
        return result.scalar_one_or_none()

    async def bindings(self, group_id: int) -> list[RoomBinding]:
        result = await self._session.execute(
            select(RoomBinding).where(RoomBinding.group_id == group_id).order_by(RoomBinding.id)
        )
        return list(result.scalars())

    async def bindings_in(self, group_ids: Iterable[int]) -> dict[int, list[RoomBinding]]:
        wanted = list(set(group_ids))
        by_group: dict[int, list[RoomBinding]] = {gid: [] for gid in wanted}
        result = await self._session.execute(
            select(RoomBinding).where(RoomBinding.group_id.in_(wanted)).order_by(RoomBinding.id)
        )
        for binding in result.scalars():
            by_group[binding.group_id].append(binding)
        return by_group

    def room_id(self, binding: RoomBinding) -> str:
        return self._cipher.decrypt(chat_namespace(binding.transport), binding.room_enc)
