"""What the review queue page shows of each open item: the same facts as the chat's alert
(category, severity, group, the message and what came just before it, by pseudonym), and
when the alert is raised again if nobody acknowledges it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.commands import Context
from bot.commands.reach import when_local
from bot.commands.staff_access import acting_group_ids
from groups.alerts import ALERTING, CATEGORY_NAMES, SEVERITY_NAMES
from groups.names import display_name
from storage.models import MessageState, ReviewItem, ReviewStatus

CONTEXT_MESSAGES = 5
LIMIT = 50


@dataclass(frozen=True, slots=True)
class Line:
    name: str
    text: str


@dataclass(frozen=True, slots=True)
class ItemView:
    id: int
    group_id: int
    group: str
    category: str
    severity: str
    severity_key: str
    alerting: bool
    created: str
    acknowledged: bool
    reports: int
    author: str | None
    text: str | None
    held: bool
    before: tuple[Line, ...]
    # When the alert is raised again, as ISO 8601 UTC, while nobody has acknowledged it.
    escalate_at: str | None
    escalation_level: int


async def open_items(ctx: Context) -> list[ItemView]:
    """The items this person may act on, most severe first, then oldest."""
    items = await ctx.tx.reviews.queue(await acting_group_ids(ctx), limit=LIMIT)
    return [await _view(ctx, item) for item in items]


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat().replace("+00:00", "Z") if moment is not None else None


async def _view(ctx: Context, item: ReviewItem) -> ItemView:
    _ = ctx.t.gettext
    tx = ctx.tx
    group = await tx.groups.get(item.group_id)
    message = await tx.messages.get(item.message_id) if item.message_id else None
    author = await tx.memberships.get(item.membership_id) if item.membership_id else None
    before: list[Line] = []
    if message is not None:
        for earlier in await tx.messages.before(message, limit=CONTEXT_MESSAGES):
            writer = await tx.memberships.get(earlier.membership_id)
            before.append(Line(writer.pseudonym if writer else "?", earlier.text or _("(no text)")))
    return ItemView(
        id=item.id,
        group_id=item.group_id,
        group=group.name if group else "?",
        category=_(CATEGORY_NAMES.get(item.category, item.category)),
        severity=_(SEVERITY_NAMES.get(item.severity, item.severity)),
        severity_key=item.severity,
        alerting=item.category in {c.value for c in ALERTING},
        created=when_local(ctx.language, group, item.created_at) if group else "",
        acknowledged=item.status is ReviewStatus.ACKNOWLEDGED,
        reports=item.reports,
        author=display_name(ctx.t, author) if author is not None else None,
        text=message.text if message is not None else None,
        held=message is not None and message.state is MessageState.HELD,
        before=tuple(before),
        escalate_at=_iso(item.escalate_at) if item.status is ReviewStatus.OPEN else None,
        escalation_level=item.escalation_level,
    )


def signature(items: list[ItemView]) -> str:
    """Changes whenever what the page shows would change."""
    return "|".join(
        f"{i.id}:{i.acknowledged}:{i.held}:{i.escalate_at}:{i.reports}:{i.escalation_level}"
        for i in items
    )
