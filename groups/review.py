"""Recording what screening found: one review item per finding, with where it was (never the
text itself) and what the group's policy did about it."""

from __future__ import annotations

from moderation.screen import Screen
from moderation.verdict import Verdict
from storage.store import Transaction


async def record_findings(
    tx: Transaction, screen: Screen, *, group_id: int, message_id: int, verdict: Verdict
) -> None:
    for finding in verdict.findings:
        await tx.reviews.open(
            group_id=group_id,
            message_id=message_id,
            category=finding.category.value,
            severity=finding.severity.label,
            action=screen.action_for(finding.category, finding.severity).label,
            spans=[[s.start, s.end, s.label] for s in finding.spans],
        )
