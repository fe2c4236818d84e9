"""Asking a programme's self-assessment, one item at a time in each member's private chat, and
keeping the answers (a skipped item is kept as no answer, so it is not asked again)."""

from __future__ import annotations

from dataclasses import dataclass

from groups.fanout import reader_language
from groups.feedback import occasion
from groups.questionnaire import Questionnaire
from groups.texts import N_, Texts, TextsFor
from storage.models import Group, GroupSession, Membership, Person, Priority, Role
from storage.repositories import QueuedButton
from storage.store import Transaction

PREFIX = "sa"
SKIP = "s"
MEMBER_ROLES = (Role.PARTICIPANT, Role.PEER_SUPPORTER)
SKIP_LABEL = N_("Skip this one")
DONE = N_("Thank you, that was all. {mydata} shows your answers, and {forgetme} erases them.")


@dataclass(frozen=True, slots=True)
class Question:
    text: str
    buttons: tuple[tuple[QueuedButton, ...], ...]


def question(
    texts: Texts,
    questionnaire: Questionnaire,
    session: GroupSession,
    index: int,
    fallback: str,
    *,
    with_intro: bool = False,
) -> Question:
    """Item `index` with its scale, one point a row (labels stay readable on a phone)."""
    language = texts.language
    item = questionnaire.items[index]
    count = len(questionnaire.items)
    lines = [questionnaire.intro.get(language, fallback), ""] if with_intro else []
    lines.append(f"{index + 1}/{count}. {item.text.get(language, fallback)}")
    data = f"{PREFIX}:{session.id}:{index}"
    rows = [
        (QueuedButton(f"{p.value} {p.label.get(language, fallback)}", f"{data}:{p.value}"),)
        for p in questionnaire.scale
    ]
    rows.append((QueuedButton(texts.gettext(SKIP_LABEL), f"{data}:{SKIP}"),))
    return Question("\n".join(lines), tuple(rows))


async def ask_all(
    tx: Transaction,
    texts_for: TextsFor,
    group: Group,
    session: GroupSession,
    questionnaire: Questionnaire,
) -> int:
    """The first item, with the introduction, to every member; returns how many were asked."""
    asked = 0
    for membership, person in await tx.memberships.with_persons(group.id, roles=MEMBER_ROLES):
        chat = tx.persons.dm_chat(person)
        if chat is None:
            continue
        texts = texts_for(reader_language(group, membership, person))
        first = question(texts, questionnaire, session, 0, group.language, with_intro=True)
        await _send(tx, person, chat, first)
        asked += 1
    return asked


async def _send(tx: Transaction, person: Person, chat: str, asked: Question) -> None:
    buttons = [list(row) for row in asked.buttons]
    await tx.outbox.enqueue(
        person.transport, chat, asked.text, buttons=buttons, priority=Priority.CONVERSATION
    )


async def answer(
    tx: Transaction,
    membership: Membership,
    session: GroupSession,
    questionnaire: Questionnaire,
    index: int,
    value: int | None,
) -> int | None:
    """Keep the answer to item `index` (None: skipped); returns the next item still open."""
    item = questionnaire.items[index]
    await tx.surveys.record(
        membership.id,
        survey_key=questionnaire.key,
        item_key=item.key,
        occasion=occasion(session.number),
        value=value,
        session_id=session.id,
    )
    done = {
        r.item_key
        for r in await tx.surveys.for_membership(membership.id)
        if r.survey_key == questionnaire.key and r.occasion == occasion(session.number)
    }
    return next((i for i, it in enumerate(questionnaire.items) if it.key not in done), None)
