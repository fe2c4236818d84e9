"""Feedback comments and members' proposals are text too: they go after the message retention
period (a proposal still waiting for its session keeps its text), while the answers stay."""

from __future__ import annotations

from datetime import timedelta

from storage.models import SurveyResponse
from tests.harness import Harness


async def test_comments_and_proposals_lose_their_text_after_the_retention_period(
    harness: Harness,
) -> None:
    h = harness
    async with h.app.store.transaction() as tx:
        group = await tx.groups.create("Ilta")
        person = await tx.persons.identify("memory", "aino")
        member = await tx.memberships.add(group.id, person.id, "Kuikka")
        await tx.surveys.record(
            member.id,
            survey_key="feedback",
            item_key="rating",
            occasion="session-1",
            value=4,
            comment="Hyvä kerta",
        )
        dismissed = await tx.followup.add_proposal(group.id, member.id, "Unesta", "dismissed")
        waiting = await tx.followup.add_proposal(group.id, member.id, "Rajoista", "open")
    housekeeping = h.app.scheduler.housekeeping
    assert housekeeping is not None
    await housekeeping.run()
    h.clock.advance(timedelta(days=31))
    await housekeeping.run()
    async with h.app.store.transaction() as tx:
        (answer,) = await tx.surveys.for_membership(member.id)
        assert isinstance(answer, SurveyResponse)
        assert (answer.value, answer.comment) == (4, None)
        kept = {p.id: p.text for p in await tx.followup.proposals_by(member.id)}
    assert kept == {dismissed.id: None, waiting.id: "Rajoista"}
