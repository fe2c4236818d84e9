"""The first start on an empty store: a labelled sample group two people can join and talk in
at once, made once and never again."""

from __future__ import annotations

from datetime import time
from zoneinfo import ZoneInfo

from bot.first_start import SAMPLE_PROGRAMME, create_sample_group
from tests.harness import Harness
from tests.joining import last, press_shown


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
