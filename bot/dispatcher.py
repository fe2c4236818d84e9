"""Turns one inbound platform event into domain calls and queued replies.

inbound → de-duplicate by event id → identify the person → command, button or text →
handler → replies written to the outbox — all in one transaction, so an event's effects and
its "processed" mark commit together or not at all.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable

from bot.commands import CommandRouter, Context, Reply, Services, parse_command
from bot.i18n import Catalogues, Translator
from bot.logs import get_logger
from bot.ports import Inbound, InboundKind
from groups.language import choose_language
from storage.errors import is_transient
from storage.models import Person, Priority
from storage.repositories import QueuedButton, QueuedFile
from storage.store import Store, Transaction

log = get_logger(__name__)

TextHandler = Callable[[Context], Awaitable[list[Reply]]]


async def ignore(ctx: Context) -> list[Reply]:
    return []


async def guide_to_join(ctx: Context) -> list[Reply]:
    """Free text from someone with no group conversation to take it: answer, never ignore."""
    return [
        Reply(
            ctx.t.gettext(
                "You are not in a group yet. To join, open the invite link your group's "
                "facilitator gave you. {help} shows what I can do.",
                help=help_command_name(ctx),
            )
        )
    ]


def help_command_name(ctx: Context) -> str:
    return ctx.command("help")


class Dispatcher:
    def __init__(
        self,
        store: Store,
        router: CommandRouter,
        catalogues: Catalogues,
        services: Services,
        *,
        default_language: str,
        on_text: TextHandler = guide_to_join,
        on_edit: TextHandler = ignore,
        on_delete: TextHandler = ignore,
        on_room: TextHandler = ignore,
        on_queued: Callable[[], None] = lambda: None,
    ) -> None:
        self._store = store
        self._router = router
        self._catalogues = catalogues
        self._services = services
        self._default_language = default_language
        self._on_text = on_text
        self._on_edit = on_edit
        self._on_delete = on_delete
        self._on_room = on_room
        self._on_queued = on_queued

    @property
    def router(self) -> CommandRouter:
        return self._router

    async def handle(self, event: Inbound) -> None:
        """Process one event exactly once. Raises only when the event should be redelivered."""
        started = time.perf_counter()
        try:
            queued = await self._process(event)
        except Exception as exc:
            if is_transient(exc):
                log.warning("inbound.retry", transport=event.transport, kind=event.kind)
                raise
            log.exception("inbound.failed", transport=event.transport, kind=event.kind)
            queued = await self._apologise(event)
        if queued is None:
            log.info("inbound.duplicate", transport=event.transport, kind=event.kind)
            return
        log.info(
            "inbound.processed",
            transport=event.transport,
            kind=event.kind,
            replies=queued,
            ms=round((time.perf_counter() - started) * 1000, 1),
        )
        # A handler may queue sends besides its replies (relay copies, notices): always wake.
        self._on_queued()

    async def _process(self, event: Inbound) -> int | None:
        async with self._store.transaction() as tx:
            if not await tx.inbound.claim_event(event.transport, event.event_id):
                return None
            person = await tx.persons.identify(
                event.transport,
                event.sender.user_id,
                dm_chat=event.chat.chat_id if event.is_private else None,
            )
            ctx = Context(
                tx=tx,
                event=event,
                person=person,
                t=self._catalogues.translator(self._default_language),
                catalogues=self._catalogues,
                router=self._router,
                services=self._services,
            )
            ctx.t = await self._translator_for(tx, person, ctx)
            replies = await self._route(ctx)
            return await self._queue(tx, event, replies)

    async def _apologise(self, event: Inbound) -> int | None:
        """The handler failed: mark the event done so it cannot loop, and tell the person."""
        async with self._store.transaction() as tx:
            if not await tx.inbound.claim_event(event.transport, event.event_id):
                return None
            person = await tx.persons.find(event.transport, event.sender.user_id)
            t = await self._translator_for(tx, person)
            sorry = t.gettext(
                "Sorry, something went wrong on my side and your message was not handled. "
                "Please try again in a moment."
            )
            return await self._queue(tx, event, [Reply(sorry, priority=Priority.URGENT)])

    async def _route(self, ctx: Context) -> list[Reply]:
        event = ctx.event
        if event.kind is InboundKind.BUTTON:
            found = self._router.find_button(event.button_data or "")
            if found is None:
                return [Reply(ctx.t.gettext("That button is no longer in use."))]
            route, payload = found
            return await route.handler(ctx, payload)
        if event.is_private and event.kind is InboundKind.EDIT:
            return await self._on_edit(ctx)
        if event.is_private and event.kind is InboundKind.DELETE:
            return await self._on_delete(ctx)
        if not event.is_private and event.kind is InboundKind.EDIT:
            return await self._on_room(ctx)
        if event.kind is not InboundKind.MESSAGE or (event.text is None and event.media is None):
            log.debug("inbound.no_action", transport=event.transport, kind=event.kind)
            return []
        parsed = parse_command(event.text) if event.text is not None else None
        if parsed is not None:
            name, args = parsed
            command = self._router.find(name)
            if command is None:
                return [self._unknown_command(ctx, name)]
            return await command.handler(ctx, args)
        if not event.is_private:
            return await self._on_room(ctx)
        return await self._on_text(ctx)

    def _unknown_command(self, ctx: Context, name: str) -> Reply:
        return Reply(
            ctx.t.gettext(
                "I don't know the command /{name}. {help} shows what I can do.",
                name=name,
                help=help_command_name(ctx),
            )
        )

    async def _translator_for(
        self, tx: Transaction, person: Person | None, ctx: Context | None = None
    ) -> Translator:
        """The person's own choice, else their one group's language, else the default.

        The group lookup runs only for people who have not chosen; with a context, what it
        reads is kept there for the handler.
        """
        group_language = None
        if person is not None and person.language is None:
            if ctx is not None:
                memberships, groups = await ctx.memberships(), await ctx.membership_groups()
            else:
                memberships = await tx.memberships.for_person(person.id)
                groups = await tx.groups.get_many(m.group_id for m in memberships)
            if len(memberships) == 1:
                group = groups.get(memberships[0].group_id)
                group_language = memberships[0].language or (group.language if group else None)
        language = choose_language(
            chosen=person.language if person else None,
            group=group_language,
            default=self._default_language,
            supported=self._catalogues.languages,
        )
        return self._catalogues.translator(language)

    async def _queue(self, tx: Transaction, event: Inbound, replies: list[Reply]) -> int:
        for reply in replies:
            chat = reply.chat or event.chat
            await tx.outbox.enqueue(
                chat.transport,
                chat.chat_id,
                reply.text,
                buttons=[[QueuedButton(b.label, b.data) for b in row] for row in reply.buttons],
                priority=reply.priority,
                notice=reply.notice,
                attachment=(
                    QueuedFile(a.name, a.media_type, a.data)
                    if (a := reply.attachment) is not None
                    else None
                ),
            )
        return len(replies)
