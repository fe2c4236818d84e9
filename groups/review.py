"""Recording what screening found: one review item per finding, with where it was (never the
text itself) and what the group's policy did about it; findings of an alerting category
(crisis, safeguarding) alert the moderators at once and wait for an acknowledgement; a held
message of any other category is told to them once."""

from __future__ import annotations

from datetime import datetime

from groups.alerts import ALERTING, Escalation, raise_alert
from groups.texts import TextsFor
from moderation.screen import Screen
from moderation.verdict import Action, Verdict
from storage.models import Group, ReviewItem
from storage.store import Transaction

# What alerting needs: each reader's words, and when to raise an alert again.
Alerts = tuple[TextsFor, Escalation]


async def record_findings(
    tx: Transaction,
    screen: Screen,
    *,
    group: Group,
    message_id: int,
    verdict: Verdict,
    membership_id: int | None = None,
    alerts: Alerts | None = None,
    now: datetime | None = None,
) -> list[ReviewItem]:
    """One item per finding; with `alerts` (the readers' words and the escalation rules),
    alerting findings the policy does not simply allow are sent to the moderators."""
    items = []
    for finding in verdict.findings:
        action = screen.action_for(finding.category, finding.severity)
        alerting = alerts is not None and finding.category in ALERTING and action > Action.ALLOW
        escalate_at = (
            alerts[1].first_due(finding.severity.label, now)
            if alerting and alerts is not None and now is not None
            else None
        )
        item = await tx.reviews.open(
            group_id=group.id,
            message_id=message_id,
            membership_id=membership_id,
            category=finding.category.value,
            severity=finding.severity.label,
            action=action.label,
            spans=[[s.start, s.end, s.label] for s in finding.spans],
            escalate_at=escalate_at,
        )
        items.append(item)
        # A held message waits for a moderator, so they are told of it too (without
        # escalation: it is not an emergency, and it stays in the queue).
        if alerts is not None and (alerting or action is Action.HOLD):
            await raise_alert(tx, alerts[0], group, item)
    return items
