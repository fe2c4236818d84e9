"""Gathering a group's report from the store: `report_for_group` is what the CLI, the
facilitators' summaries and the dashboard call."""

from __future__ import annotations

from datetime import datetime

from groups.firing import ProgrammeCache
from groups.programme import Programme
from groups.report import AnswerInput, FlagInput, MemberInput, Report, SessionInput, compute
from groups.self_assessment import MEMBER_ROLES
from storage.models import Group, MembershipStatus, SessionStatus
from storage.store import Transaction

EVERY_STATUS = tuple(MembershipStatus)


async def report_for_group(
    tx: Transaction, group_id: int, programmes: ProgrammeCache, now: datetime
) -> Report | None:
    """The group's report as of `now`; None when there is no such group."""
    group = await tx.groups.get(group_id)
    if group is None:
        return None
    return await build_report(tx, group, await programmes.get(tx, group.programme_snapshot_id), now)


async def build_report(
    tx: Transaction, group: Group, programme: Programme | None, now: datetime
) -> Report:
    group_id = group.id
    sessions = await tx.schedule.sessions(group_id)
    members = [
        m
        for m in await tx.memberships.for_group(group_id, statuses=EVERY_STATUS)
        if m.role in MEMBER_ROLES and m.status is not MembershipStatus.WAITING
    ]
    return compute(
        group_id=group.id,
        group_name=group.name,
        programme_key=programme.key if programme else "",
        now=now,
        sessions=[
            SessionInput(
                s.id,
                s.number,
                s.starts_at,
                s.ends_at,
                s.status in (SessionStatus.SCHEDULED, SessionStatus.DONE),
            )
            for s in sessions
        ],
        members=[MemberInput(m.id, m.joined_at, m.left_at) for m in members],
        present=await tx.followup.present(s.id for s in sessions),
        answers=[
            AnswerInput(a.membership_id, a.survey_key, a.item_key, a.occasion, a.value, a.comment)
            for a in await tx.followup.answers(group_id)
        ],
        flags=[FlagInput(f.category, f.created_at) for f in await tx.followup.flags(group_id)],
        questionnaire=programme.questionnaire if programme else None,
    )
