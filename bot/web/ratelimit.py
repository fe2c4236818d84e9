"""Keyed token buckets: how often one address or one member may join or write.

A bucket holds `burst` tokens and refills at `per_minute`; each attempt takes one. Buckets
are kept in memory (a limit resets with the process, which is acceptable for abuse control)
and idle ones are forgotten so the table stays small.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

MAX_KEYS = 50_000


@dataclass(slots=True)
class _Bucket:
    tokens: float
    updated: float


class TokenBuckets:
    def __init__(
        self, per_minute: float, burst: int, *, now: Callable[[], float] = time.monotonic
    ) -> None:
        if per_minute <= 0 or burst < 1:
            raise ValueError("a rate limit needs a positive rate and a burst of at least 1")
        self._rate = per_minute / 60.0
        self._burst = float(burst)
        self._now = now
        self._buckets: dict[str, _Bucket] = {}

    def take(self, key: str) -> bool:
        """Take one token for `key`; False when its bucket is empty (the attempt is refused)."""
        now = self._now()
        bucket = self._buckets.get(key)
        if bucket is None:
            if len(self._buckets) >= MAX_KEYS:
                self._forget_full(now)
            bucket = self._buckets[key] = _Bucket(self._burst, now)
        else:
            bucket.tokens = min(self._burst, bucket.tokens + (now - bucket.updated) * self._rate)
            bucket.updated = now
        if bucket.tokens < 1.0:
            return False
        bucket.tokens -= 1.0
        return True

    def retry_after(self, key: str) -> float:
        """Seconds until `key` may try again (0 when it may now)."""
        bucket = self._buckets.get(key)
        if bucket is None:
            return 0.0
        tokens = bucket.tokens + (self._now() - bucket.updated) * self._rate
        return 0.0 if tokens >= 1.0 else (1.0 - tokens) / self._rate

    def _forget_full(self, now: float) -> None:
        """Drop buckets that have refilled: they hold no memory of anything."""
        full = [
            key
            for key, b in self._buckets.items()
            if b.tokens + (now - b.updated) * self._rate >= self._burst
        ]
        for key in full:
            del self._buckets[key]
        if len(self._buckets) >= MAX_KEYS:  # under attack from many addresses: start over
            self._buckets.clear()


@dataclass(slots=True)
class RateLimits:
    """The member chat's limits: joining per address, writing per address and per member."""

    joins_per_address: TokenBuckets
    messages_per_address: TokenBuckets
    messages_per_member: TokenBuckets

    @classmethod
    def defaults(cls, *, now: Callable[[], float] = time.monotonic) -> RateLimits:
        return cls(
            # A class joining together behind one school address: each join is two requests.
            joins_per_address=TokenBuckets(per_minute=60, burst=60, now=now),
            messages_per_address=TokenBuckets(per_minute=120, burst=60, now=now),
            messages_per_member=TokenBuckets(per_minute=30, burst=20, now=now),
        )
