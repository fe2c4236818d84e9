"""The composition root: builds every object Piiri runs with and hands each its parts.

config → engine → store → catalogues → programmes → prompt firer and its timer → router →
dispatcher → outbound sender → transports.
Nothing else in Piiri constructs these; tests build an `App` with their own clock and
transports through the same function.
"""

from __future__ import annotations

import asyncio
import secrets
import signal
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta

from bot.commands import (
    CommandRouter,
    Services,
    conversation,
    private_contact,
    report,
    review_queue,
    sanctions,
)
from bot.commands import afterwards as afterwards_commands
from bot.commands import basic as basic_commands
from bot.commands import facilitator as facilitator_commands
from bot.commands import feedback as feedback_commands
from bot.commands import invite as invite_commands
from bot.commands import join as join_commands
from bot.commands import members as members_commands
from bot.commands import membership as membership_commands
from bot.commands import newgroup as newgroup_commands
from bot.commands import privacy as privacy_commands
from bot.commands import proposals as proposals_commands
from bot.commands import self_assessment as self_assessment_commands
from bot.config import Settings
from bot.deferred import DeferredMessages
from bot.dispatcher import Dispatcher
from bot.escalation import Escalations
from bot.housekeeping import Housekeeping, Retention
from bot.i18n import Catalogues
from bot.logs import get_logger
from bot.moderation_setup import build_moderation
from bot.outbound import OutboundSender, RetryPolicy
from bot.ports import Inbound, Restricting, Transport, TransportSet
from bot.room_mutes import RoomMutes
from bot.room_rights import RoomRights
from bot.scheduler import PromptScheduler
from bot.staff_menus import PersonalMenus, StaffMenus
from bot.transports.web import WebTransport
from bot.web.ratelimit import RateLimits
from bot.web.server import WebDeps, WebServer
from groups.enrolment import Limits
from groups.firing import Grace, ProgrammeCache, PromptFirer
from groups.followups import FollowUps
from groups.programme_library import ProgrammeLibrary
from groups.pseudonyms import WordLists
from storage.clock import Clock, SystemClock
from storage.crypto import IdentityCipher
from storage.engine import create_engine
from storage.store import Store

log = get_logger(__name__)


class StoreCursors:
    """The transports' cursors, kept in the store."""

    def __init__(self, store: Store) -> None:
        self._store = store

    async def load(self, transport: str) -> str | None:
        async with self._store.transaction() as tx:
            return await tx.inbound.get_cursor(transport)

    async def save(self, transport: str, cursor: str) -> None:
        async with self._store.transaction() as tx:
            await tx.inbound.set_cursor(transport, cursor)


@dataclass
class App:
    settings: Settings
    clock: Clock
    store: Store
    catalogues: Catalogues
    dispatcher: Dispatcher
    sender: OutboundSender
    scheduler: PromptScheduler
    programmes: ProgrammeLibrary
    transports: TransportSet
    # The web chat and dashboard, when this service serves them (`[web] enabled`).
    web: WebServer | None = None
    _started: bool = False

    async def handle(self, event: Inbound) -> None:
        await self.dispatcher.handle(event)

    async def start(self) -> None:
        cursors = StoreCursors(self.store)
        self.sender.start()
        await self.scheduler.start()
        for transport in self.transports.by_name.values():
            await transport.start(self.handle, cursors)
            log.info("transport.started", transport=transport.name)
        self._started = True
        if self.web is not None:
            await self.web.start()
        log.info("service.started", transports=len(self.transports.names()))

    async def stop(self) -> None:
        """Stop taking events, finish what is in hand, persist cursors, close the store."""
        if self._started:
            if self.web is not None:
                await self.web.stop()
            for transport in self.transports.by_name.values():
                await transport.stop()
                log.info("transport.stopped", transport=transport.name)
            await self.scheduler.stop()
            await self.sender.stop()
            self._started = False
        await self.store.close()
        log.info("service.stopped")

    async def run_until_signal(self) -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        if not self._started:
            await self.start()
        try:
            await stop.wait()
            log.info("service.stopping")
        finally:
            for sig in (signal.SIGINT, signal.SIGTERM):
                loop.remove_signal_handler(sig)
            await self.stop()


def build_app(
    settings: Settings,
    cipher: IdentityCipher,
    transports: Iterable[Transport],
    *,
    clock: Clock | None = None,
) -> App:
    clock = clock or SystemClock()
    engine = create_engine(settings.database.url, echo=settings.database.echo)
    store = Store(engine, cipher, clock)
    catalogues = Catalogues()
    transport_set = TransportSet()
    for transport in transports:
        transport_set.add(transport)
    # `[web] enabled = "auto"` serves the web chat when nothing else is there to talk through.
    platforms = settings.telegram.enabled or settings.matrix.enabled or bool(transport_set.names())
    web_transport = WebTransport(store, cipher) if settings.web.serves(platforms) else None
    if web_transport is not None:
        transport_set.add(web_transport)
    sender = OutboundSender(
        store,
        transport_set,
        clock,
        RetryPolicy(
            base_seconds=settings.outbound.retry_base_seconds,
            max_seconds=settings.outbound.retry_max_seconds,
            give_up_after=timedelta(hours=settings.outbound.give_up_after_hours),
        ),
        on_refused=RoomRights(store, clock, catalogues).refused,
        lease=timedelta(seconds=settings.outbound.lease_seconds),
    )
    snapshots = ProgrammeCache()
    firer = PromptFirer(
        store,
        clock,
        catalogues.translator,
        programmes=snapshots,
        grace=Grace(
            in_session=timedelta(minutes=settings.schedule.in_session_grace_minutes),
            reminder=timedelta(hours=settings.schedule.reminder_grace_hours),
        ),
        lease=timedelta(seconds=settings.schedule.lease_seconds),
    )
    limits = Limits(
        flow=timedelta(minutes=settings.joining.flow_minutes),
        offer=timedelta(hours=settings.joining.offer_hours),
        code_attempts=settings.joining.code_attempts,
        code_window=timedelta(minutes=settings.joining.code_window_minutes),
    )
    housekeeping = Housekeeping(
        store,
        clock,
        Retention(
            message_text=timedelta(days=settings.data.message_retention_days),
            processed_events=timedelta(days=settings.data.processed_event_days),
            finished_groups=timedelta(days=settings.data.finished_group_retention_days),
        ),
        limits=limits,
        catalogues=catalogues,
    )
    programmes = ProgrammeLibrary.load(settings.programmes.dir)
    modules = (
        basic_commands,
        join_commands,
        conversation,
        membership_commands,
        privacy_commands,
        facilitator_commands,
        invite_commands,
        members_commands,
        review_queue,
        report,
        sanctions,
        private_contact,
        newgroup_commands,
        feedback_commands,
        self_assessment_commands,
        proposals_commands,
        afterwards_commands,
    )
    router = CommandRouter(
        [command for module in modules for command in module.COMMANDS],
        [route for module in modules for route in module.BUTTONS],
    )
    moderation = build_moderation(settings.moderation)
    scheduler = PromptScheduler(
        firer,
        clock,
        poll_seconds=settings.schedule.poll_seconds,
        on_fired=sender.wake,
        housekeeping=housekeeping,
        due_work=(
            DeferredMessages(store, clock, catalogues),
            Escalations(store, clock, catalogues, moderation.escalation),
            FollowUps(store, clock, catalogues.translator, snapshots),
            *(
                StaffMenus(
                    store, clock, transport, router, catalogues, settings.i18n.default_language
                )
                for transport in transport_set.by_name.values()
                if isinstance(transport, PersonalMenus)
            ),
            *(
                RoomMutes(store, clock, transport, catalogues)
                for transport in transport_set.by_name.values()
                if isinstance(transport, Restricting)
            ),
        ),
    )
    words = WordLists.load()
    services = Services(
        clock=clock,
        programmes=programmes,
        snapshots=snapshots,
        default_timezone=settings.schedule.default_timezone,
        joining=limits,
        words=words,
        blocklist=words.blocklist,
        rng=secrets.SystemRandom(),
        retention_days=settings.data.message_retention_days,
        bot_username=settings.telegram.bot_username,
        screen=moderation.screen,
        crisis_help=moderation.crisis_help,
        escalation=moderation.escalation,
    )
    dispatcher = Dispatcher(
        store,
        router,
        catalogues,
        services,
        default_language=settings.i18n.default_language,
        on_text=conversation.on_text,
        on_edit=conversation.on_edit,
        on_delete=conversation.on_delete,
        on_room=conversation.on_room,
        on_queued=sender.wake,
    )
    app = App(
        settings, clock, store, catalogues, dispatcher, sender, scheduler, programmes, transport_set
    )
    if web_transport is not None:
        app.web = WebServer(
            WebDeps(
                settings=settings,
                store=store,
                clock=clock,
                catalogues=catalogues,
                app=app,
                services=services,
                transport=web_transport,
                limits=RateLimits.defaults(),
            )
        )
    return app
