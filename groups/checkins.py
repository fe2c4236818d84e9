"""One gentle private check-in for a member who missed two sessions in a row: sent once per
run of absences, to them alone (nobody else is told), when the group has check-ins on."""

from __future__ import annotations

from groups.attendance import HELD, missed_run
from groups.fanout import reader_language
from groups.programme import Programme
from groups.self_assessment import MEMBER_ROLES
from groups.texts import N_, TextsFor, local_date, local_time
from groups.timezones import utc_to_local
from storage.eventlog import get_logger
from storage.models import Group, GroupSession, Priority, SessionStatus
from storage.store import Transaction

log = get_logger(__name__)

MISSED_IN_A_ROW = 2
CHECK_IN = N_(
    "Hi {name}! We have missed you in {group} these last two times. No pressure: you are "
    "welcome back whenever you like, and just reading along is fine too."
)
NEXT = N_("The next session is {when}.")


async def send_checkins(
    tx: Transaction,
    texts_for: TextsFor,
    group: Group,
    programme: Programme,
    session: GroupSession,
) -> int:
    """After `session`: check in with each member whose absences just reached two in a row."""
    if not group.checkins:
        return 0
    every = await tx.schedule.sessions(group.id)
    held = [s for s in every if s.status in HELD and s.number <= session.number]
    present = await tx.followup.present(s.id for s in held)
    upcoming = [
        s for s in every if s.status is SessionStatus.SCHEDULED and s.starts_at > session.ends_at
    ]
    if not upcoming:
        return 0  # the programme is over: its end has words of its own
    sent = 0
    for membership, person in await tx.memberships.with_persons(group.id, roles=MEMBER_ROLES):
        run = missed_run(held, present, membership)
        chat = tx.persons.dm_chat(person)
        if len(run) < MISSED_IN_A_ROW or chat is None:
            continue
        if not await tx.followup.record_checkin(membership.id, run[0].id):
            continue  # this run of absences already had its check-in
        texts = texts_for(reader_language(group, membership, person))
        lines = [texts.gettext(CHECK_IN, name=membership.pseudonym, group=group.name)]
        lines.append(texts.gettext(NEXT, when=when_local(texts.language, group, upcoming[0])))
        await tx.outbox.enqueue(person.transport, chat, "\n".join(lines), priority=Priority.ROUTINE)
        sent += 1
    if sent:
        log.info("checkins.sent", group_id=group.id, session=session.number, count=sent)
    return sent


def when_local(language: str, group: Group, session: GroupSession) -> str:
    local = utc_to_local(session.starts_at, group.timezone)
    return f"{local_date(local.date(), language)} {local_time(local.time(), language)}"
