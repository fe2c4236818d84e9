"""The private reply to someone whose message shows a crisis: help now, at once."""

from __future__ import annotations

from bot.commands import Context, Reply
from moderation.verdict import Action, Category, Verdict
from storage.models import Priority


def crisis_help(ctx: Context, verdict: Verdict | None, *, held: bool) -> list[Reply]:
    """The private reply to someone whose message shows a crisis: help now, at once."""
    screen = ctx.services.screen
    if verdict is None or screen is None:
        return []
    crisis = [f for f in verdict.findings if f.category is Category.CRISIS]
    if not crisis or all(screen.action_for(f.category, f.severity) is Action.ALLOW for f in crisis):
        return []
    text = ctx.services.crisis_help.reply(ctx.t, ctx.language, ctx.services.clock.now(), held=held)
    return [Reply(text, priority=Priority.URGENT)]
