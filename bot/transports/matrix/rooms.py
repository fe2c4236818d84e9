"""What the transport must know about a room: whether it is a private chat with one person,
and whether it is encrypted (which Piiri cannot read)."""

from __future__ import annotations

from nio import AsyncClient, JoinedMembersResponse, RoomGetStateEventResponse

from bot.transports.matrix.errors import NETWORK_ERRORS, network_error, to_send_error

REDACT_DEFAULT = 50


class Rooms:
    def __init__(self, client: AsyncClient) -> None:
        self._client = client
        self._private: dict[str, bool] = {}

    def forget(self, room_id: str) -> None:
        """Its members changed: ask again next time."""
        self._private.pop(room_id, None)

    async def is_private(self, room_id: str) -> bool:
        """A room the bot shares with exactly one other person is a private chat."""
        known = self._private.get(room_id)
        if known is not None:
            return known
        answer = await self._client.joined_members(room_id)
        if not isinstance(answer, JoinedMembersResponse):
            refused = to_send_error(answer)
            if refused.permanent:
                return False  # not (or no longer) in the room: nothing private about it
            raise refused
        others = [m for m in answer.members if m.user_id != self._client.user_id]
        private = len(others) == 1 and len(answer.members) == 2
        self._private[room_id] = private
        return private

    async def can_redact(self, room_id: str) -> bool:
        """Whether the bot's power level lets it remove others' messages in the room."""
        try:
            answer = await self._client.room_get_state_event(room_id, "m.room.power_levels")
        except NETWORK_ERRORS as exc:
            raise network_error(exc) from exc
        if not isinstance(answer, RoomGetStateEventResponse):
            if answer.status_code in ("M_FORBIDDEN", "M_NOT_FOUND"):
                return False  # not in the room, or the room is gone
            raise to_send_error(answer)
        levels = answer.content
        users = levels.get("users") or {}
        mine = _level(users.get(self._client.user_id, levels.get("users_default", 0)))
        events = levels.get("events") or {}
        needed = max(
            _level(levels.get("redact", REDACT_DEFAULT)),
            _level(events.get("m.room.redaction", levels.get("events_default", 0))),
        )
        return mine >= needed


def _level(value: object) -> int:
    try:
        return int(value)  # type: ignore[call-overload]
    except (TypeError, ValueError):
        return 0
