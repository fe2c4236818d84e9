"""A report computed from plain data: attendance, feedback averages, paired before/after,
flags per session, retention, and every figure from fewer than three people suppressed; written
as Markdown, JSON, CSV (one group, or pooled) and a PNG."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta

import pytest
from PIL import Image

from bot.i18n import Catalogues
from groups.programme_file import parse_programme
from groups.report import AnswerInput, FlagInput, MemberInput, Report, SessionInput, compute
from groups.report_charts import report_png
from groups.report_files import pooled, to_csv, to_json
from groups.report_text import markdown, session_summary
from tests.programmes import programme_source

START = datetime(2027, 1, 12, 16, 0, tzinfo=UTC)
QUESTIONNAIRE = parse_programme(programme_source(questionnaire=True), "t").questionnaire


def session(number: int, *, held: bool = True) -> SessionInput:
    starts = START + timedelta(days=7 * (number - 1))
    return SessionInput(100 + number, number, starts, starts + timedelta(minutes=90), held)


def rating(member: int, number: int, value: int, comment: str | None = None) -> AnswerInput:
    return AnswerInput(member, "feedback", "rating", f"session-{number}", value, comment)


def item(member: int, key: str, number: int, value: int | None) -> AnswerInput:
    return AnswerInput(member, "vointi", key, f"session-{number}", value)


def sample(now: datetime = START + timedelta(days=20)) -> Report:
    """Five members (one leaves before session 3, one joins at session 2), four sessions of
    which the third was skipped and the fourth is still to come."""
    joined = START - timedelta(days=3)
    members = [
        MemberInput(1, joined, None),
        MemberInput(2, joined, None),
        MemberInput(3, joined, None),
        MemberInput(4, joined, START + timedelta(days=10)),
        MemberInput(5, START + timedelta(days=3), None),
    ]
    return compute(
        group_id=7,
        group_name="Iltapiiri",
        programme_key="testi",
        now=now,
        sessions=[session(1), session(2), session(3, held=False), session(4)],
        members=members,
        present={101: {1, 2, 3, 4}, 102: {1, 5}, 103: set(), 104: set()},
        answers=[
            rating(1, 1, 5, "Hyvä alku"),
            rating(2, 1, 4),
            rating(3, 1, 2, "Liian nopea"),
            rating(4, 1, 4),
            rating(1, 2, 5, "Ei näy, kun vastaajia on vähän"),
            rating(5, 2, 3),
            item(1, "wellbeing", 1, 2),
            item(1, "wellbeing", 9, 4),
            item(2, "wellbeing", 1, 3),
            item(2, "wellbeing", 9, 3),
            item(3, "wellbeing", 1, 1),
            item(3, "wellbeing", 9, 4),
            item(4, "wellbeing", 1, 5),  # left: never answered after, not paired
            item(1, "belonging", 1, 2),
            item(1, "belonging", 9, 3),
            item(2, "belonging", 1, None),  # skipped: not paired
            item(2, "belonging", 9, 3),
            item(3, "belonging", 1, 2),
            item(3, "belonging", 9, 3),
        ],
        flags=[
            FlagInput("crisis", START + timedelta(minutes=30)),
            FlagInput("personal_info", START + timedelta(days=2)),
            FlagInput("personal_info", START + timedelta(days=7, minutes=5)),
        ],
        questionnaire=QUESTIONNAIRE,
    )


def test_figures_are_computed_and_small_numbers_suppressed() -> None:
    report = sample()
    first, second, skipped, coming = report.sessions
    assert (first.members, first.present.value, first.attendance_rate.value) == (4, 4, 1.0)
    assert first.feedback.value == pytest.approx(15 / 4) and first.feedback.n == 4
    assert first.comments == ("Hyvä alku", "Liian nopea")
    assert dict(first.flags) == {"crisis": 1, "personal_info": 1}
    # Session 2: members 1, 2, 3, 4 and 5 (4 leaves on day 10); two present; two answers.
    assert (second.members, second.present.value) == (5, 2)
    assert second.attendance_rate.value == pytest.approx(0.4)
    assert second.feedback.value is None and second.feedback.n == 2
    assert second.comments == (), "no comments when too few answered"
    assert dict(second.flags) == {"personal_info": 1}
    assert not skipped.held and not coming.done
    # Over all: six answers from five people.
    assert report.feedback.value == pytest.approx(23 / 6) and report.feedback.n == 5
    wellbeing, belonging = report.items
    assert wellbeing.before.value == pytest.approx(2.0) and wellbeing.after.value == 11 / 3
    assert wellbeing.change.value == pytest.approx(5 / 3) and wellbeing.change.n == 3
    assert belonging.change.value is None and belonging.change.n == 2
    assert (report.before_session, report.after_session) == (1, 9)
    assert dict(report.flags) == {"crisis": 1, "personal_info": 2}
    assert report.starting_members == 4
    assert [r.value for r in report.retention] == [4, 4, 3, 3]


def test_a_group_of_two_shows_no_figure_about_people() -> None:
    joined = START - timedelta(days=1)
    report = compute(
        group_id=1,
        group_name="Pari",
        programme_key="testi",
        now=START + timedelta(days=1),
        sessions=[session(1)],
        members=[MemberInput(1, joined, None), MemberInput(2, joined, None)],
        present={101: {1}},
        answers=[rating(1, 1, 5, "salainen"), rating(2, 1, 1)],
        flags=[],
        questionnaire=None,
    )
    (row,) = report.sessions
    assert row.present.value is None and row.attendance_rate.value is None
    assert row.feedback.value is None and row.comments == ()
    assert report.feedback.value is None and report.retention[0].value is None
    english = Catalogues().translator("en")
    text = markdown(english, report, "Europe/Helsinki")
    assert "too few answers" in text and "salainen" not in text
    assert "| 1 | Tuesday 12 January 2027 | too few answers | too few answers |" in text
    summary = session_summary(english, report, 1, "Europe/Helsinki")
    assert summary.splitlines()[1:3] == [
        "Present: too few answers",
        "Feedback: too few answers (2 answers)",
    ]


def test_markdown_json_and_csv_say_the_same() -> None:
    report = sample()
    english = Catalogues().translator("en")
    text = markdown(english, report, "Europe/Helsinki", "Test programme")
    first = "| 1 | Tuesday 12 January 2027 | 4 / 4 | 100 % | 3.8 (4) |"
    assert first + " crisis 1, personal information 1 |" in text
    second = "| 2 | Tuesday 19 January 2027 | 2 / 5 | 40 % | too few answers (2) |"
    assert second + " personal information 1 |" in text
    assert "| 3 | Tuesday 26 January 2027 | skipped | | | |" in text
    assert "| I feel well. | 2.0 | 3.7 | +1.7 | 3 |" in text
    assert "| I belong. | too few answers | too few answers | too few answers | 2 |" in text
    assert "Flags in all: 3 (crisis 1, personal information 2)." in text
    finnish = markdown(Catalogues().translator("fi"), report, "Europe/Helsinki")
    assert "| Voin hyvin. | 2,0 | 3,7 | +1,7 | 3 |" in finnish

    data = to_json(report)
    assert data["sessions"][0]["feedback"] == {"value": 3.75, "n": 4}
    assert data["sessions"][1]["feedback"] == {"value": None, "n": 2}
    assert data["before_after"]["items"][0]["change"] == {"value": 1.67, "n": 3}
    assert data["retention"] == {
        "starting_members": 4,
        "by_session": [
            {"value": 4, "n": 4},
            {"value": 4, "n": 4},
            {"value": 3, "n": 4},
            {"value": 3, "n": 4},
        ],
    }

    rows = list(csv.DictReader(io.StringIO(to_csv([report]))))
    assert {
        "group": "7",
        "programme": "testi",
        "section": "feedback",
        "session": "1",
        "key": "average",
        "value": "3.75",
        "n": "4",
    } in rows
    assert {
        "group": "7",
        "programme": "testi",
        "section": "feedback",
        "session": "2",
        "key": "average",
        "value": "",
        "n": "2",
    } in rows
    assert {
        "group": "7",
        "programme": "testi",
        "section": "before_after",
        "session": "",
        "key": "wellbeing:change",
        "value": "1.67",
        "n": "3",
    } in rows


def test_pooled_rows_add_groups_up_and_still_suppress() -> None:
    a, b = sample(), sample()
    rows = {(r[2], r[3], r[4]): (r[5], r[6]) for r in pooled([a, b])}
    assert rows[("attendance", "1", "present")] == ("8", "8")
    assert rows[("attendance", "2", "present")] == ("4", "10")
    assert rows[("feedback", "", "average")] == (f"{round(23 / 6, 2):g}", "10")
    assert rows[("before_after", "", "wellbeing:change")] == ("1.67", "6")
    assert rows[("before_after", "", "belonging:change")] == ("", "0")
    assert rows[("moderation", "", "personal_info")] == ("4", "")


def test_the_charts_are_a_tall_png() -> None:
    data = report_png(Catalogues().translator("fi"), sample())
    with Image.open(io.BytesIO(data)) as image:
        assert image.format == "PNG" and image.height > image.width >= 800
