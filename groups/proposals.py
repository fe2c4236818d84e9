"""Topics and questions members propose for a coming session (`/propose`): screened like a
message, shown to the facilitators without the proposer's name, and, when a facilitator adds
one to a session, posted to the group as a prompt of that session."""

from __future__ import annotations

from datetime import datetime

from groups.lifecycle import GroupError
from groups.texts import N_
from storage.models import Group, GroupSession, Proposal, SessionStatus
from storage.store import Transaction

PREFIX = "pp"
POST_PREFIX = "proposal-"
MAX_TEXT = 500
OPEN, HELD, USED, DISMISSED = "open", "held", "used", "dismissed"
PROMPT = N_("A topic a member proposed for today: {text}")


def post_key(proposal: Proposal) -> str:
    return f"{POST_PREFIX}{proposal.id}"


def proposal_id(prompt_key: str) -> int | None:
    rest = prompt_key.removeprefix(POST_PREFIX)
    return int(rest) if rest != prompt_key and rest.isdigit() else None


def next_session(sessions: list[GroupSession], now: datetime) -> GroupSession | None:
    """The next session that has not begun."""
    coming = [s for s in sessions if s.status is SessionStatus.SCHEDULED and s.starts_at > now]
    return min(coming, key=lambda s: s.starts_at) if coming else None


async def add_to_session(
    tx: Transaction,
    group: Group,
    proposal: Proposal,
    session: GroupSession,
    *,
    actor_person_id: int,
    now: datetime,
) -> datetime:
    """Post the proposal in `session`, halfway through it; returns when."""
    if proposal.group_id != group.id or proposal.status != OPEN or not proposal.text:
        raise GroupError(N_("That proposal is no longer open."))
    if session.status is not SessionStatus.SCHEDULED or session.starts_at <= now:
        raise GroupError(N_("The group has no coming session to add it to."))
    due = session.starts_at + (session.ends_at - session.starts_at) / 2
    await tx.schedule.add_post(session.id, post_key(proposal), "discussion", due)
    proposal.status, proposal.session_id = USED, session.id
    await tx.audit.append(
        "proposal.added",
        actor_person_id=actor_person_id,
        group_id=group.id,
        subject=f"proposal:{proposal.id}",
        details={"session": session.number},
    )
    return due


async def dismiss(
    tx: Transaction, group: Group, proposal: Proposal, *, actor_person_id: int
) -> None:
    if proposal.group_id != group.id or proposal.status != OPEN:
        raise GroupError(N_("That proposal is no longer open."))
    proposal.status = DISMISSED
    await tx.audit.append(
        "proposal.dismissed",
        actor_person_id=actor_person_id,
        group_id=group.id,
        subject=f"proposal:{proposal.id}",
    )


async def proposal_text(tx: Transaction, prompt_key: str) -> str | None:
    """The text a proposal post carries, when the key names a used proposal."""
    found = proposal_id(prompt_key)
    proposal = await tx.followup.proposal(found) if found is not None else None
    return proposal.text if proposal is not None and proposal.status == USED else None
