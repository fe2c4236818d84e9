"""No message text and no platform id ever reaches a log, through a whole conversation."""

from __future__ import annotations

import logging
import sys
from datetime import UTC, date, datetime

import pytest

from bot.logs import QUIET_LIBRARIES, JsonFormatter, TextFormatter, configure_logging
from bot.ports import SendError
from tests.harness import Harness
from tests.joining import join, joinable_group


@pytest.fixture(autouse=True)
def _restore_library_levels() -> object:
    saved = {name: logging.getLogger(name).level for name in QUIET_LIBRARIES}
    yield
    for name, level in saved.items():
        logging.getLogger(name).setLevel(level)


SECRET_TEXT = "salainen-viesti-8472 minun puhelin 040 1234567"
PLATFORM_ID = "telegram-user-99887766"


async def test_logs_of_a_whole_conversation_hold_no_text_and_no_ids(
    harness: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    configure_logging("DEBUG", "json")
    caplog.set_level(logging.DEBUG)
    await harness.says(PLATFORM_ID, "/start")
    await harness.says(PLATFORM_ID, SECRET_TEXT)
    await harness.says(PLATFORM_ID, f"/{SECRET_TEXT.split()[0]}")
    await harness.says(PLATFORM_ID, f"/language {SECRET_TEXT}")
    await harness.presses(PLATFORM_ID, "lang:sv")
    await harness.says(PLATFORM_ID, "/help", event_id="dup")
    await harness.says(PLATFORM_ID, "/help", event_id="dup")
    harness.transport.fail_next_sends(SendError("timeout"), SendError("gone", permanent=True))
    await harness.says(PLATFORM_ID, SECRET_TEXT)
    await harness.says(PLATFORM_ID, SECRET_TEXT)

    assert caplog.records, "the conversation should have been logged"
    rendered = [JsonFormatter().format(r) for r in caplog.records]
    rendered += [TextFormatter().format(r) for r in caplog.records]
    for line in rendered:
        assert PLATFORM_ID not in line
        assert f"dm:{PLATFORM_ID}" not in line
        for word in ("salainen", "8472", "1234567"):
            assert word not in line
    events = {r.getMessage() for r in caplog.records}
    assert {"inbound.processed", "inbound.duplicate", "outbound.sent", "outbound.retry"} <= events
    assert "outbound.failed" in events


async def test_a_failing_handler_logs_the_error_type_only_and_apologises(
    harness: Harness, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def explode(*_: object) -> list[object]:
        raise ValueError(f"broken while handling {SECRET_TEXT} from {PLATFORM_ID}")

    monkeypatch.setattr(harness.app.dispatcher, "_on_text", explode)
    configure_logging("DEBUG", "json")
    caplog.set_level(logging.DEBUG)
    [answer] = await harness.says(PLATFORM_ID, SECRET_TEXT)
    assert answer.startswith("Anteeksi, minulla meni jotain vikaan")
    failed = [r for r in caplog.records if r.getMessage() == "inbound.failed"]
    assert len(failed) == 1
    line = JsonFormatter().format(failed[0])
    assert '"error": "ValueError"' in line
    assert "salainen" not in line and PLATFORM_ID not in line
    [stack] = [r for r in caplog.records if r.getMessage() == "inbound.failed.stack"]
    assert "explode" in JsonFormatter().format(stack)
    for record in caplog.records:
        for formatter in (JsonFormatter(), TextFormatter()):
            rendered = formatter.format(record)
            assert "salainen" not in rendered and PLATFORM_ID not in rendered
    assert await harness.says(PLATFORM_ID, "/apua", event_id=None)


def test_a_library_logged_exception_shows_its_type_and_frames_not_its_message() -> None:
    try:
        raise RuntimeError(f"row ({SECRET_TEXT!r}, {PLATFORM_ID!r}) violates a constraint")
    except RuntimeError:
        record = logging.getLogger("sqlalchemy.pool").makeRecord(
            "sqlalchemy.pool", logging.ERROR, __file__, 1, "pool error", (), sys.exc_info()
        )
    for formatter in (JsonFormatter(), TextFormatter()):
        rendered = formatter.format(record)
        assert "RuntimeError (message withheld)" in rendered
        assert "salainen" not in rendered and PLATFORM_ID not in rendered


async def test_logs_of_joining_and_relaying_hold_no_text_pseudonym_or_id(
    harness: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    configure_logging("DEBUG", "text")
    caplog.set_level(logging.DEBUG)
    harness.clock.set(datetime(2027, 1, 4, 9, 0, tzinfo=UTC))
    group = await joinable_group(harness.app, harness.transport, date(2027, 1, 12))
    await join(harness, PLATFORM_ID, group.code, pick="Salanimi")
    await join(harness, "telegram-user-11223344", group.code, pick=1)
    await harness.says(PLATFORM_ID, SECRET_TEXT)  # has a phone number: held back, resent masked
    blocked = harness.transport.inbox(PLATFORM_ID)[-1].button_data()
    await harness.presses(PLATFORM_ID, next(d for d in blocked if d.startswith("pi:send:")))
    said = harness.transport.say(PLATFORM_ID, "salainen-viesti-8472 hei kaikki")
    await harness.settle()
    harness.transport.edit_own(
        PLATFORM_ID, said.message_id or "", "salainen-viesti-8472 (muokattu)"
    )
    await harness.settle()
    harness.transport.delete_own(PLATFORM_ID, said.message_id or "")
    await harness.settle()
    await harness.says(PLATFORM_ID, "/forgetme")
    await harness.presses(PLATFORM_ID, "fg:yes")

    rendered = [JsonFormatter().format(r) for r in caplog.records]
    rendered += [TextFormatter().format(r) for r in caplog.records]
    assert any("outbound.changed" in line for line in rendered), "edits were sent"
    for line in rendered:
        for secret in (PLATFORM_ID, "11223344", "Salanimi", "salainen", group.code):
            assert secret not in line
