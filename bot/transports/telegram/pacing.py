"""About one message a second per private chat, Telegram's limit there.

PTB's rate limiter keeps the overall and per-group limits by waiting inside the call; a wait
per private chat there would hold up everyone queued behind that one person. So the pacer only
says how long a chat still has to wait, and the outbound queue puts that chat's messages back
for that long (in order, priorities kept) and sends other people's meanwhile.
"""

from __future__ import annotations

import time
from collections.abc import Callable

PRIVATE_CHAT_SECONDS = 1.0
_PRUNE_AT = 10_000


class ChatPacer:
    def __init__(
        self,
        interval: float = PRIVATE_CHAT_SECONDS,
        *,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._interval = interval
        self._monotonic = monotonic
        self._last: dict[int, float] = {}

    @staticmethod
    def paces(chat_id: int) -> bool:
        """Private chats have positive ids; groups and channels negative ones."""
        return chat_id > 0

    def wait(self, chat_id: int) -> float:
        """Seconds until `chat_id` may have its next message; 0 when it may now."""
        last = self._last.get(chat_id)
        if last is None or not self.paces(chat_id):
            return 0.0
        return max(last + self._interval - self._monotonic(), 0.0)

    def sent(self, chat_id: int) -> None:
        if self._interval <= 0 or not self.paces(chat_id):
            return
        now = self._monotonic()
        if len(self._last) >= _PRUNE_AT:
            self._last = {c: t for c, t in self._last.items() if t + self._interval > now}
        self._last[chat_id] = now
