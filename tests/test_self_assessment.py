"""The self-assessment: asked item by item at the start of session 1 and the end of session 9,
every item skippable, the answers the person's own to see (/mydata) and erase (/forgetme)."""

from __future__ import annotations

import json

from sqlalchemy import select

from bot.transports.memory import Received
from storage.models import Proposal, SurveyResponse
from tests.feedback_helpers import at, joined_group, sessions
from tests.harness import Harness
from tests.joining import last, press_shown


def asked(h: Harness, person: str) -> list[Received]:
    return [m for m in h.transport.inbox(person) if m.text.startswith("Lyhyt kysely.")]


async def stored(h: Harness) -> list[tuple[str, str, int | None]]:
    async with h.app.store.transaction() as tx:
        rows = (await tx.session.execute(select(SurveyResponse))).scalars()
        return sorted((r.occasion, r.item_key, r.value) for r in rows if r.survey_key == "vointi")


async def test_members_answer_or_skip_each_item_and_see_and_erase_their_answers(
    harness: Harness,
) -> None:
    h = harness
    group_id, _names = await joined_group(h, ("aino", "bo"), questionnaire=True)
    plan = await sessions(h, group_id)
    await at(h, plan[0].starts_at)

    (first,) = asked(h, "aino")
    assert first.text.startswith("Lyhyt kysely.\n\n1/2. Voin hyvin.")
    assert [b.label for row in first.buttons for b in row] == [
        "1 Ei",
        "2 Vähän",
        "3 Paljon",
        "Ohita tämä",
    ]
    assert asked(h, "bo")[0].text.endswith("1/2. Voin hyvin.")

    (second,) = await h.presses("aino", f"sa:{plan[0].id}:0:3")
    assert second == "2/2. Kuulun joukkoon."
    (done,) = await press_shown(h, "aino", f"sa:{plan[0].id}:1:s")
    assert "/omattiedot" in done and "/unohdaminut" in done
    assert await stored(h) == [("session-1", "belonging", None), ("session-1", "wellbeing", 3)]

    # Asked again at the end of session 9, the "after" of before/after.
    await at(h, plan[8].starts_at)
    assert len(asked(h, "aino")) == 1
    await at(h, plan[8].ends_at)
    assert len(asked(h, "aino")) == 2
    await h.presses("aino", f"sa:{plan[8].id}:0:2")

    await h.says("aino", "/ehdota Unesta puhuminen")
    await h.says("aino", "/omattiedot")
    data = json.loads(last(h.transport, "aino").attachment.data)  # type: ignore[union-attr]
    answers = data["groups"][0]["answers"]
    assert {(a["survey"], a["item"], a["occasion"], a["value"]) for a in answers} == {
        ("vointi", "wellbeing", "session-1", 3),
        ("vointi", "belonging", "session-1", None),
        ("vointi", "wellbeing", "session-9", 2),
    }

    assert [p["text"] for p in data["groups"][0]["proposals"]] == ["Unesta puhuminen"]

    await h.says("aino", "/unohdaminut")
    await press_shown(h, "aino", "fg:yes")
    assert await stored(h) == []
    async with h.app.store.transaction() as tx:
        (proposal,) = (await tx.session.execute(select(Proposal))).scalars()
        assert proposal.text is None


async def test_a_press_for_another_group_or_a_wrong_item_is_refused(harness: Harness) -> None:
    h = harness
    group_id, _names = await joined_group(h, ("aino",), questionnaire=True)
    plan = await sessions(h, group_id)
    for data in (f"sa:{plan[0].id}:5:1", f"sa:{plan[0].id}:0:9", f"sa:{plan[3].id}:0:1", "sa:x"):
        (answer,) = await h.presses("aino", data)
        assert "ei ole enää käytössä" in answer
    (answer,) = await h.presses("stranger", f"sa:{plan[0].id}:0:1")
    assert "ei ole enää käytössä" in answer
    assert await stored(h) == []
