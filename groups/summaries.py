"""The facilitators hear how each session went (attendance, feedback, flags, comments without
names), and after the last one they get the full report with its charts."""

from __future__ import annotations

from groups.afterwards import COMMAND_NAMES, after_buttons, ask_to_help
from groups.fanout import Recipient, send_each, staff_recipients
from groups.programme import Programme
from groups.report_charts import report_png
from groups.report_data import build_report
from groups.report_text import markdown, session_summary
from groups.texts import N_, TextsFor
from storage.eventlog import get_logger
from storage.models import Group, GroupSession, Priority, SessionStatus
from storage.repositories import QueuedFile
from storage.store import Transaction

log = get_logger(__name__)

AFTER = N_(
    "What next for the group? Keep it as an open peer room (members go on talking, no more "
    "prompts), or close it. You can also choose later with {command}."
)
FINAL = N_(
    "The programme of {group} is complete. Here is the full report, and its charts below. "
    "{command} on the server makes it again, also as JSON or CSV."
)


async def is_last(tx: Transaction, session: GroupSession) -> bool:
    """No session is left to hold after this one."""
    return not any(
        s.number > session.number and s.status is SessionStatus.SCHEDULED
        for s in await tx.schedule.sessions(session.group_id)
    )


async def send_summary(
    tx: Transaction,
    texts_for: TextsFor,
    group: Group,
    programme: Programme,
    session: GroupSession,
) -> None:
    report = await build_report(tx, group, programme, tx.clock.now())
    targets = await staff_recipients(tx, group)

    def text_for(target: Recipient) -> str:
        return session_summary(texts_for(target.language), report, session.number, group.timezone)

    await send_each(tx, targets, text_for, priority=Priority.ROUTINE, notice=True)
    log.info("report.session_summary", group_id=group.id, session=session.number)
    if not await is_last(tx, session):
        return
    for target in targets:
        texts = texts_for(target.language)
        title = programme.title.get(texts.language, group.language)
        document = markdown(texts, report, group.timezone, title).encode()
        await tx.outbox.enqueue(
            target.transport,
            target.chat_id,
            texts.gettext(FINAL, group=group.name, command=f"piiri report {group.id}"),
            attachment=QueuedFile(f"piiri-report-{group.id}.md", "text/markdown", document),
            priority=Priority.ROUTINE,
        )
        await tx.outbox.enqueue(
            target.transport,
            target.chat_id,
            texts.gettext(AFTER, command="/" + COMMAND_NAMES.get(texts.language, "afterwards")),
            buttons=after_buttons(texts_for, target.language, group),
            priority=Priority.ROUTINE,
        )
        await tx.outbox.enqueue(
            target.transport,
            target.chat_id,
            texts.gettext(N_("Charts: attendance, feedback, and before and after.")),
            attachment=QueuedFile(
                f"piiri-report-{group.id}.png", "image/png", report_png(texts, report)
            ),
            priority=Priority.ROUTINE,
        )
    await ask_to_help(tx, texts_for, group)
    log.info("report.final", group_id=group.id)
