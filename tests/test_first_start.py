"""The first start on an empty store: a labelled sample group two people can join and talk in
at once, made once and never again."""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import signal
import sys
from datetime import time
from pathlib import Path
from zoneinfo import ZoneInfo

import aiohttp

from bot.first_start import SAMPLE_PROGRAMME, create_sample_group
from tests.harness import Harness
from tests.joining import last, press_shown
from tests.web_service import free_port


async def _sample(h: Harness, language: str = "fi") -> tuple[int, str]:
    app = h.app
    made = await create_sample_group(
        app.store,
        app.programmes,
        app.catalogues,
        now=h.clock.now(),
        language=language,
        zone="Europe/Helsinki",
    )
    assert made is not None
    return made.id, made.code


async def _join(h: Harness, person: str, code: str, pick: int) -> str:
    """Consent, an age band (the sample programme is for 16–29-year-olds), a name, Finnish."""
    await h.says(person, f"/start {code}")
    await press_shown(h, person, "j:ok")
    await press_shown(h, person, "j:age:18-22")
    chosen = last(h.transport, person).buttons[pick][0].label
    await press_shown(h, person, f"j:n:{pick}")
    await press_shown(h, person, "j:l:fi")
    return chosen


async def test_two_people_join_the_sample_group_and_talk_at_once(harness: Harness) -> None:
    group_id, code = await _sample(harness)

    aino = await _join(harness, "aino", code, 0)
    bo = await _join(harness, "bo", code, 1)
    assert aino != bo

    got = await harness.says("aino", "moi, kokeilen vain")
    assert got == [], "the author is not sent their own message back"
    assert harness.transport.inbox("bo")[-1].text == f"{aino}: moi, kokeilen vain"

    async with harness.app.store.transaction() as tx:
        group = await tx.groups.get(group_id)
        assert group is not None
        sessions = await tx.schedule.sessions(group_id)
    assert group.name == "Kokeiluryhmä Piirin testaamiseen"
    programme = harness.app.programmes.get(SAMPLE_PROGRAMME)
    assert programme is not None and len(sessions) == len(programme.sessions) == 9
    helsinki = ZoneInfo("Europe/Helsinki")
    first = sessions[0].starts_at.astimezone(helsinki)
    today = harness.clock.now().astimezone(helsinki).date()
    assert first.time() == time(18, 0)
    assert (first.date() - today).days == 1


async def test_the_sample_is_made_once_and_never_into_a_store_with_groups(
    harness: Harness,
) -> None:
    await _sample(harness)
    again = await create_sample_group(
        harness.app.store,
        harness.app.programmes,
        harness.app.catalogues,
        now=harness.clock.now(),
        language="fi",
        zone="Europe/Helsinki",
    )
    assert again is None


async def test_the_sample_group_is_named_in_the_service_language(harness: Harness) -> None:
    group_id, _code = await _sample(harness, language="sv")
    async with harness.app.store.transaction() as tx:
        group = await tx.groups.get(group_id)
    assert group is not None and group.language == "sv"
    assert group.name == "Provgrupp för att prova Piiri"


async def _start(cwd: Path, port: int) -> tuple[asyncio.subprocess.Process, list[str]]:
    """`piiri run` in a fresh directory with no config and no secrets: the embedded default.
    Returns once it says where the web chat is, with what it said after that."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PIIRI_")}
    env["PIIRI_WEB_PORT"] = str(port)
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "run",
        cwd=cwd,
        env=env,
        stderr=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.DEVNULL,
    )
    assert process.stderr is not None
    said: list[str] = []
    while not any("the web chat is at" in line for line in said):
        line = await asyncio.wait_for(process.stderr.readline(), 60)
        assert line, f"piiri run stopped: {said}"
        said.append(line.decode())
    # The first-start lines follow at once; give them a moment to arrive.
    with contextlib.suppress(TimeoutError):
        while True:
            line = await asyncio.wait_for(process.stderr.readline(), 3)
            if not line:
                break
            said.append(line.decode())
    return process, said


async def _stop(process: asyncio.subprocess.Process) -> None:
    process.send_signal(signal.SIGTERM)
    assert await asyncio.wait_for(process.wait(), 30) == 0


async def test_piiri_run_on_a_fresh_machine_offers_the_sample_group_and_the_admin_link(
    tmp_path: Path,
) -> None:
    port = free_port()
    process, said = await _start(tmp_path, port)
    try:
        [join_line] = [line for line in said if "/j/" in line]
        [admin_line] = [line for line in said if "/staff/welcome/" in line]
        join_url = re.search(r"http://\S+/j/\S+", join_line)
        welcome_url = re.search(r"http://\S+/staff/welcome/\S+", admin_line)
        assert join_url and welcome_url
        async with aiohttp.ClientSession() as browser:
            async with browser.get(join_url.group()) as page:
                assert page.status == 200
                assert "Piiri" in await page.text()
            async with browser.get(welcome_url.group()) as page:
                assert page.status == 200
                assert 'type="password"' in await page.text()
    finally:
        await _stop(process)
    assert (tmp_path / "piiri-data" / "piiri.db").exists()

    process, said = await _start(tmp_path, port)
    try:
        assert not [line for line in said if "/j/" in line], "one sample group, once"
        assert [line for line in said if "/staff/welcome/" in line], "until a password is set"
    finally:
        await _stop(process)
