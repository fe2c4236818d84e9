"""The crash test in CI, shorter than `bench/telegram_crash.py`: Piiri as a separate process,
killed with SIGKILL ten times while two relay groups talk and their first session's seven
prompts fall due seconds apart. Every message reaches every other member and every prompt
every member; a repeat is possible only for what was sent but not yet recorded when the
process died, at most one per person per kill (a paced private chat gets one message per
batch)."""

from __future__ import annotations

import pytest

from bench.telegram_crash import run

KILLS = 10


@pytest.mark.slow
async def test_ten_kills_lose_no_message_and_no_prompt() -> None:
    outcome = await run(
        KILLS, seed=6, max_delay=0.3, groups=2, members=3, messages_each=3, serving_every=3
    )
    print(outcome)
    assert outcome.starts == KILLS + 1
    assert outcome.kills_serving >= KILLS // 3, "every third kill waits until Piiri serves"
    assert outcome.lost == 0 and outcome.prompts_lost == 0, str(outcome)
    assert outcome.most_to_one <= KILLS, str(outcome)
