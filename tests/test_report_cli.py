"""`piiri report`: a group's report as Markdown, JSON, CSV and a PNG; every group since a date
as CSV; mistakes said plainly."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from PIL import Image

from bot.cli import main
from tests.cli_helpers import new_group


def test_a_groups_report_in_every_format(
    configured: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    group = new_group(capsys)
    assert main(["report", group]) == 0
    text = capsys.readouterr().out
    assert text.startswith("# Ryhmä relay: report\n")
    assert "| 1 | Tuesday 16 March 2027 | coming | | | |" in text
    assert "Nothing was flagged." in text

    assert main(["report", group, "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["group"]["id"] == int(group) and len(data["sessions"]) == 9
    assert [item["key"] for item in data["before_after"]["items"]] == [
        "wellbeing",
        "emotions",
        "calming",
        "belonging",
        "skills",
    ]

    png = configured / "charts.png"
    assert main(["report", group, "--csv", "--png", str(png)]) == 0
    out = capsys.readouterr()
    rows = list(csv.reader(io.StringIO(out.out)))
    assert rows[0] == ["group", "programme", "section", "session", "key", "value", "n"]
    assert rows[1][2:] == ["feedback", "", "average", "", "0"]
    assert f"charts written to {png}" in out.err
    with Image.open(png) as image:
        assert image.format == "PNG" and image.height > image.width

    assert main(["report", group, "--lang", "fi"]) == 0
    assert "| 1 | tiistaina 16.3.2027 | tulossa | | | |" in capsys.readouterr().out


def test_every_group_since_a_date_as_csv(
    configured: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    first, second = new_group(capsys), new_group(capsys, mode="room")
    assert main(["report", "--all", "--since", "2027-01-01", "--csv"]) == 0
    rows = list(csv.reader(io.StringIO(capsys.readouterr().out)))
    assert {row[0] for row in rows[1:]} == {first, second, "all"}
    assert main(["report", "--all", "--since", "2027-06-01", "--csv"]) == 0
    assert {row[0] for row in csv.reader(io.StringIO(capsys.readouterr().out))} == {"group", "all"}


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        ([], "name a GROUP, or --all --since DATE --csv"),
        (["--all", "--csv"], "--all needs --since DATE"),
        (["--all", "--since", "ensi vuonna", "--csv"], "is not a date like 2027-01-01"),
        (["--all", "--since", "2027-01-01"], "--all writes CSV only"),
        (["1", "--all", "--since", "2027-01-01", "--csv"], "give a GROUP or --all, not both"),
        (["999"], "no group 999"),
    ],
)
def test_mistakes_are_said_plainly(
    configured: Path, capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    assert main(["report", *argv]) == 2
    assert message in capsys.readouterr().err
