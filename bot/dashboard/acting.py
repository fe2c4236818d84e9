"""Acting from the dashboard through the chat commands' own handlers.

A dashboard action runs the very handler the chat command or button runs, with a `Context`
for the signed-in staff person, so the role checks, domain rules, notices to members and
audit entries are the same wherever staff act. The handler's replies become the page's notes.
"""

from __future__ import annotations

import secrets

from bot.commands import CommandHandler, Context, Reply
from bot.dashboard.accounts import TRANSPORT, inbox_chat
from bot.dashboard.runtime import Dashboard
from bot.i18n import Translator
from bot.ports import ChatRef, Inbound, InboundKind, UserRef
from storage.models import Person
from storage.store import Transaction


def command_context(dash: Dashboard, tx: Transaction, person: Person, t: Translator) -> Context:
    where = inbox_chat(person)
    event = Inbound(
        transport=TRANSPORT,
        event_id=f"dashboard:{secrets.token_hex(8)}",
        kind=InboundKind.MESSAGE,
        sender=UserRef(TRANSPORT, where),
        chat=ChatRef(TRANSPORT, where),
        is_private=True,
    )
    return Context(
        tx=tx,
        event=event,
        person=person,
        t=t,
        catalogues=dash.catalogues,
        router=dash.router,
        services=dash.services,
    )


async def run(ctx: Context, handler: CommandHandler, args: str) -> list[str]:
    """Run a command or button handler; the texts it answers with."""
    replies: list[Reply] = await handler(ctx, args)
    return [reply.text for reply in replies if reply.text]
