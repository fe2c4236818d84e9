"""The audit trail is tamper-evident: every event links to the one before it with a keyed hash,
so a change that gets past the append-only triggers still shows."""

from __future__ import annotations

from sqlalchemy import text

from storage.store import Store


async def _record_three(store: Store) -> list[int]:
    ids: list[int] = []
    async with store.transaction() as tx:
        for action in ("group.created", "staff.added", "member.joined"):
            event = await tx.audit.append(
                action, actor_person_id=1, group_id=7, details={"via": "test", "n": len(ids)}
            )
            ids.append(event.id)
    return ids


async def test_an_untouched_trail_verifies(store: Store) -> None:
    await _record_three(store)
    async with store.transaction() as tx:
        await tx.audit.append("group.paused", actor_person_id=None, group_id=7)
    async with store.transaction() as tx:
        check = await tx.audit.verify()
    assert (check.events, check.broken_at) == (4, None)


async def test_an_event_changed_behind_the_triggers_breaks_the_chain_there(store: Store) -> None:
    ids = await _record_three(store)
    sqlite = store.engine.dialect.name == "sqlite"
    async with store.transaction() as tx:
        if sqlite:
            await tx.session.execute(text("DROP TRIGGER audit_events_no_update"))
        else:
            await tx.session.execute(
                text("ALTER TABLE audit_events DISABLE TRIGGER audit_events_append_only")
            )
        await tx.session.execute(
            text("UPDATE audit_events SET action = 'member.left' WHERE id = :id"), {"id": ids[1]}
        )
    async with store.transaction() as tx:
        check = await tx.audit.verify()
    assert check.broken_at == ids[1]


async def test_an_event_removed_behind_the_triggers_breaks_the_next_link(store: Store) -> None:
    ids = await _record_three(store)
    async with store.transaction() as tx:
        if store.engine.dialect.name == "sqlite":
            await tx.session.execute(text("DROP TRIGGER audit_events_no_delete"))
        else:
            await tx.session.execute(
                text("ALTER TABLE audit_events DISABLE TRIGGER audit_events_append_only")
            )
        await tx.session.execute(text("DELETE FROM audit_events WHERE id = :id"), {"id": ids[1]})
    async with store.transaction() as tx:
        check = await tx.audit.verify()
    assert check.broken_at == ids[2]
