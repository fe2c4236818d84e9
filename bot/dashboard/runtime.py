"""What the dashboard's handlers share: the service's parts, sign-in rules and limits, and
the notes a page shows once after an action (kept in memory per session)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from aiohttp import web

from bot.commands import CommandRouter, Services
from bot.dashboard.accounts import Policy
from bot.i18n import Catalogues
from bot.web.ratelimit import TokenBuckets
from storage.clock import Clock
from storage.store import Store


@dataclass(slots=True)
class LoginLimits:
    """Sign-in attempts per address and per username, before any password is checked."""

    per_address: TokenBuckets = field(default_factory=lambda: TokenBuckets(per_minute=10, burst=20))
    per_username: TokenBuckets = field(default_factory=lambda: TokenBuckets(per_minute=5, burst=10))


@dataclass(slots=True)
class Dashboard:
    store: Store
    clock: Clock
    catalogues: Catalogues
    services: Services
    router: CommandRouter
    base_url: str
    public_url: str | None
    trusted_proxy_header: str | None
    default_language: str
    policy: Policy = field(default_factory=Policy)
    limits: LoginLimits = field(default_factory=LoginLimits)
    # How often the live queue looks for changes, in seconds.
    live_seconds: float = 2.0
    _notes: dict[int, list[tuple[str, str]]] = field(default_factory=lambda: defaultdict(list))

    def note(self, session_id: int, text: str, kind: str = "ok") -> None:
        self._notes[session_id].append((kind, text))

    def notes(self, session_id: int) -> list[tuple[str, str]]:
        return self._notes.pop(session_id, [])


DASHBOARD = web.AppKey("piiri_dashboard", Dashboard)
