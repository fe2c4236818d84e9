"""Taking part: the join flow's rules, seats and the waiting list, and leaving.

A flow is a draft row per person: intro → consent → age band (only if the group has age
limits) → pseudonym → language. Leaving the flow deletes the draft, so nothing is kept. The
membership is written only at the end, and the seat is checked again then: a group that
filled up meanwhile puts the person on its waiting list instead.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime, timedelta

from groups.invites import InviteProblem, normalise_code, problem_with
from storage.models import (
    Group,
    JoinDraft,
    Membership,
    MembershipStatus,
    Person,
    Role,
)
from storage.repositories import PseudonymTakenError
from storage.repositories.memberships import pseudonym_key
from storage.store import Transaction


class Step(enum.StrEnum):
    CONSENT = "consent"
    AGE = "age"
    NAME = "name"
    LANGUAGE = "language"


@dataclass(frozen=True, slots=True)
class AgeBand:
    key: str
    low: int | None
    high: int | None


# Asked instead of a birth date: enough to keep a group's age limits, no more.
AGE_BANDS = (
    AgeBand("u16", None, 15),
    AgeBand("16-17", 16, 17),
    AgeBand("18-22", 18, 22),
    AgeBand("23-29", 23, 29),
    AgeBand("30+", 30, None),
)
# Peer supporters come to help, so they do not take a participant's seat.
SEAT_ROLES = (Role.PARTICIPANT,)


@dataclass(frozen=True, slots=True)
class Limits:
    flow: timedelta
    offer: timedelta
    code_attempts: int
    code_window: timedelta


def has_age_limits(group: Group) -> bool:
    return group.age_min is not None or group.age_max is not None


def band(key: str) -> AgeBand | None:
    return next((b for b in AGE_BANDS if b.key == key), None)


def band_fits(group: Group, chosen: AgeBand) -> bool:
    """The whole band lies within the group's limits (an open end fits only an open limit)."""
    if group.age_min is not None and (chosen.low is None or chosen.low < group.age_min):
        return False
    return not (group.age_max is not None and (chosen.high is None or chosen.high > group.age_max))


async def seats_left(tx: Transaction, group: Group, now: datetime) -> int | None:
    """Free seats for participants; None when the group has no capacity limit.

    A place offered to someone on the waiting list is held for them until their deadline.
    """
    if group.capacity is None:
        return None
    taken = 0
    for m in await tx.memberships.for_group(
        group.id, statuses=(MembershipStatus.ACTIVE, MembershipStatus.WAITING)
    ):
        if m.role not in SEAT_ROLES:
            continue
        if m.status is MembershipStatus.ACTIVE or (
            m.offer_expires_at is not None and m.offer_expires_at > now
        ):
            taken += 1
    return max(group.capacity - taken, 0)


class StartProblem(enum.StrEnum):
    TOO_MANY_TRIES = "too_many_tries"
    ALREADY_MEMBER = "already_member"
    ALREADY_WAITING = "already_waiting"
    # Removed from the group by its staff: a code does not bring them back.
    REMOVED = "removed"


@dataclass(frozen=True, slots=True)
class Started:
    draft: JoinDraft | None = None
    group: Group | None = None
    invite_problem: InviteProblem | None = None
    problem: StartProblem | None = None
    retry_at: datetime | None = None


async def start(
    tx: Transaction, person: Person, typed_code: str, now: datetime, limits: Limits
) -> Started:
    """Check a code (rate-limited per person) and begin the flow for its group."""
    window_start = now - limits.code_window
    failures = await tx.joining.failures_since(person.id, window_start)
    if len(failures) >= limits.code_attempts:
        return Started(
            problem=StartProblem.TOO_MANY_TRIES,
            retry_at=failures[-limits.code_attempts] + limits.code_window,
        )
    invite = await tx.invites.find(normalise_code(typed_code))
    group = await tx.groups.get(invite.group_id) if invite else None
    problem = problem_with(invite, group, now)
    if problem is not None or invite is None or group is None:
        if problem in (InviteProblem.UNKNOWN, None):
            await tx.joining.record_failure(person.id)
        return Started(invite_problem=problem or InviteProblem.UNKNOWN)
    existing = await tx.memberships.find(group.id, person.id)
    if existing is not None and existing.status is MembershipStatus.ACTIVE:
        return Started(group=group, problem=StartProblem.ALREADY_MEMBER)
    if existing is not None and existing.status is MembershipStatus.WAITING:
        return Started(group=group, problem=StartProblem.ALREADY_WAITING)
    if existing is not None and existing.status is MembershipStatus.REMOVED:
        return Started(group=group, problem=StartProblem.REMOVED)
    left = await seats_left(tx, group, now)
    draft = await tx.joining.start(
        person.id,
        group.id,
        invite_id=invite.id,
        step=Step.CONSENT,
        waiting=left == 0 and Role(invite.role) in SEAT_ROLES,
        expires_at=now + limits.flow,
    )
    return Started(draft=draft, group=group)


def step_after_consent(group: Group) -> Step:
    return Step.AGE if has_age_limits(group) else Step.NAME


async def taken_names(tx: Transaction, group_id: int) -> set[str]:
    """Every pseudonym key in the group, of people who left too: a name is never reused."""
    everyone = tuple(MembershipStatus)
    return {m.pseudonym_key for m in await tx.memberships.for_group(group_id, statuses=everyone)}


async def finish(
    tx: Transaction, person: Person, draft: JoinDraft, language: str, now: datetime
) -> Membership:
    """Write the membership: a seat if one is free, else a place on the waiting list."""
    group = await tx.groups.get(draft.group_id)
    if group is None or draft.pseudonym is None:
        raise LookupError("the draft's group or pseudonym is gone")
    invite = await tx.invites.get(draft.invite_id) if draft.invite_id is not None else None
    role = Role(invite.role) if invite is not None else Role.PARTICIPANT
    left = await seats_left(tx, group, now)
    waits = left == 0 and role in SEAT_ROLES
    status = MembershipStatus.WAITING if waits else MembershipStatus.ACTIVE
    existing = await tx.memberships.find(group.id, person.id)
    own_key = existing.pseudonym_key if existing is not None else None
    if pseudonym_key(draft.pseudonym) in await taken_names(tx, group.id) - {own_key}:
        raise PseudonymTakenError("someone took the name while this person was choosing")
    if existing is None:
        membership = await tx.memberships.add(
            group.id,
            person.id,
            draft.pseudonym,
            role=role,
            status=status,
            language=language,
            age_band=draft.age_band,
        )
    else:  # they were here before and left: the same row, a new start
        membership = existing
        await tx.memberships.rejoin(
            membership,
            draft.pseudonym,
            role=role,
            status=status,
            language=language,
            age_band=draft.age_band,
        )
    if draft.invite_id is not None:
        await tx.invites.use(draft.invite_id)
    await tx.joining.discard(person.id)
    await tx.audit.append(
        "member.joined" if status is MembershipStatus.ACTIVE else "member.waiting",
        actor_person_id=person.id,
        group_id=group.id,
        subject=f"membership:{membership.id}",
        details={"invite": draft.invite_id},
    )
    return membership


async def leave(tx: Transaction, membership: Membership) -> None:
    await tx.memberships.set_status(membership, MembershipStatus.LEFT)
    membership.offer_expires_at = None
    await tx.audit.append(
        "member.left",
        actor_person_id=membership.person_id,
        group_id=membership.group_id,
        subject=f"membership:{membership.id}",
    )


async def offer_free_seats(
    tx: Transaction, group: Group, now: datetime, limits: Limits
) -> list[Membership]:
    """Offer each free seat to the next person waiting, oldest first, with a deadline."""
    left = await seats_left(tx, group, now)
    if left is None or left == 0:
        return []
    waiting = [
        m
        for m in await tx.memberships.for_group(group.id, statuses=(MembershipStatus.WAITING,))
        if m.offer_expires_at is None
    ]
    offered = []
    for membership in sorted(waiting, key=lambda m: (m.joined_at, m.id))[:left]:
        membership.offer_expires_at = now + limits.offer
        offered.append(membership)
        await tx.audit.append(
            "member.offered",
            actor_person_id=None,
            group_id=group.id,
            subject=f"membership:{membership.id}",
        )
    await tx.session.flush()
    return offered


class OfferAnswer(enum.StrEnum):
    TAKEN = "taken"
    EXPIRED = "expired"
    NOT_OFFERED = "not_offered"


async def take_offer(tx: Transaction, membership: Membership, now: datetime) -> OfferAnswer:
    if membership.status is not MembershipStatus.WAITING or membership.offer_expires_at is None:
        return OfferAnswer.NOT_OFFERED
    if membership.offer_expires_at <= now:
        return OfferAnswer.EXPIRED
    membership.offer_expires_at = None
    await tx.memberships.set_status(membership, MembershipStatus.ACTIVE)
    await tx.audit.append(
        "member.joined",
        actor_person_id=membership.person_id,
        group_id=membership.group_id,
        subject=f"membership:{membership.id}",
        details={"from": "waiting_list"},
    )
    return OfferAnswer.TAKEN


async def lapsed_offers(tx: Transaction, now: datetime) -> list[Membership]:
    """Offers past their deadline: the person leaves the list, and the seat goes on."""
    lapsed = await tx.memberships.lapsed_offers(now)
    for membership in lapsed:
        membership.offer_expires_at = None
        await tx.memberships.set_status(membership, MembershipStatus.LEFT)
        await tx.audit.append(
            "member.offer_lapsed",
            actor_person_id=None,
            group_id=membership.group_id,
            subject=f"membership:{membership.id}",
        )
    return lapsed
