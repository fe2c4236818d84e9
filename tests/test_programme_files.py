"""Programme files: the built-in ones are valid, and every mistake names file, line and field."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.cli import main
from groups.programme import PromptKind, parse_prompt_time
from groups.programme_file import ProgrammeError, load_programme, parse_programme
from groups.programme_library import BUILTIN_DIR, ProgrammeLibrary
from tests.programmes import programme_source


def problems(source: str) -> list[str]:
    with pytest.raises(ProgrammeError) as caught:
        parse_programme(source, "tunteet.toml")
    return [str(problem) for problem in caught.value.problems]


def line_of(source: str, needle: str, occurrence: int = 1) -> int:
    seen = 0
    for number, line in enumerate(source.splitlines(), start=1):
        if needle in line:
            seen += 1
            if seen == occurrence:
                return number
    raise AssertionError(needle)


@pytest.mark.parametrize("path", sorted(BUILTIN_DIR.glob("*.toml")), ids=lambda p: p.name)
def test_built_in_programmes_are_whole_and_valid(path: Path) -> None:
    programme = load_programme(path)
    assert len(programme.sessions) == 9
    for session in programme.sessions:
        assert {"fi", "sv", "en"} <= session.title.languages()
        kinds = [prompt.kind for prompt in session.prompts]
        for kind in (PromptKind.OPENING, PromptKind.EXERCISE, PromptKind.DISCUSSION):
            assert kind in kinds
        assert PromptKind.CLOSING in kinds and PromptKind.FEEDBACK in kinds
        for prompt in session.prompts:
            assert {"fi", "en"} <= prompt.text.languages()
            if prompt.kind is PromptKind.REMINDER:
                assert "sv" in prompt.text.languages()


def test_the_library_has_the_three_themes_and_an_organisation_can_replace_one(
    tmp_path: Path,
) -> None:
    assert ProgrammeLibrary.load().keys() == ["erovanhemmuus", "tunteet", "yhteiso"]
    (tmp_path / "own.toml").write_text(programme_source(key="tunteet"), encoding="utf-8")
    (tmp_path / "broken.toml").write_text("key = ", encoding="utf-8")
    library = ProgrammeLibrary.load(tmp_path)
    entry = library.entries["tunteet"]
    assert not entry.builtin and entry.programme.title.get("fi") == "Testiohjelma"
    assert [path.name for path in library.broken] == ["broken.toml"]


def test_a_bad_duration_is_named_by_file_line_and_field() -> None:
    source = programme_source().replace('at = "+10m"', 'at = "+10 min"', 3)
    found = problems(source)
    line = line_of(source, '"+10 min"', 3)
    assert found[2] == (
        f'tunteet.toml:{line} sessions[3].prompts[4].at: "+10 min" is not a duration like '
        '"+10m", "-24h", "+1h15m", "end" or "end-10m"'
    )
    assert len(found) == 3, "every mistake is reported, not only the first"


@pytest.mark.parametrize(
    ("change", "needle", "field", "message"),
    [
        (
            ('kind = "exercise"', 'kind = "excercise"'),
            "excercise",
            "sessions[1].prompts[4].kind",
            '"excercise" is not a kind',
        ),
        (
            ('text.fi = "opening 2', 'text.sv = "opening 2'),
            'text.sv = "opening 2',
            "sessions[2].prompts[3].text.fi",
            "every text needs Finnish",
        ),
        (
            ("klo {time}", "klo {aika}"),
            "{aika}",
            "sessions[1].prompts[1].text.fi",
            "uses {aika}, which is not one of",
        ),
        (
            ('at = "-1h"', 'at = "+1h"'),
            'at = "+1h"',
            "sessions[1].prompts[2].at",
            "a reminder must be",
        ),
        (
            ('at = "+40m"', 'at = "+100m"'),
            '"+100m"',
            "sessions[1].prompts[5].at",
            "is after the session ends (90 minutes)",
        ),
        (
            ('title = { fi = "Teema 1"', 'tittle = { fi = "Teema 1"'),
            "tittle",
            "sessions[1].tittle",
            "is not a field here",
        ),
        (
            ("session_minutes = 90", "session_minutes = 5"),
            "session_minutes",
            "session_minutes",
            "5 is outside 15–240",
        ),
        (
            ('text.en = "feedback 1', 'text.de = "feedback 1'),
            'text.de = "feedback 1',
            "sessions[1].prompts[7].text.de",
            '"de" is not a language Piiri has',
        ),
    ],
)
def test_each_kind_of_mistake_points_at_its_line(
    change: tuple[str, str], needle: str, field: str, message: str
) -> None:
    source = programme_source().replace(*change, 1)
    found = problems(source)
    assert any(
        text.startswith(f"tunteet.toml:{line_of(source, needle)} {field}: ") and message in text
        for text in found
    ), found


def test_broken_toml_names_its_line() -> None:
    source = programme_source().replace('version = "1"', "version = 1.0.0")
    (found,) = problems(source)
    assert found.startswith(f"tunteet.toml:{line_of(source, 'version')}: not valid TOML: ")


def test_a_missing_file_and_a_wrong_type_are_kind_errors(tmp_path: Path) -> None:
    with pytest.raises(ProgrammeError, match="no such file"):
        load_programme(tmp_path / "poissa.toml")
    assert (
        problems('key = "x"\n')[0]
        == 'tunteet.toml:1 key: "x" must be 2–40 lower-case letters, digits or "-"'
    )


@pytest.mark.parametrize(
    ("text", "minutes"),
    [("-24h", -1440), ("+0m", 0), ("+1h15m", 75), ("end", 90), ("end-10m", 80), ("+1d", 1440)],
)
def test_prompt_times(text: str, minutes: int) -> None:
    parsed = parse_prompt_time(text)
    assert parsed is not None
    assert parsed.offset_from_start(90).total_seconds() == minutes * 60


@pytest.mark.parametrize("text", ["+10 min", "10m", "+", "end+", "-h", "+10s", "+1m1h", ""])
def test_what_is_not_a_prompt_time(text: str) -> None:
    assert parse_prompt_time(text) is None


def test_programs_validate_exits_non_zero_and_names_the_place(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good = tmp_path / "hyva.toml"
    good.write_text(programme_source(), encoding="utf-8")
    bad = tmp_path / "tunteet.toml"
    bad.write_text(programme_source().replace('at = "+10m"', 'at = "+10 min"', 1), "utf-8")
    assert main(["programs", "validate", str(good)]) == 0
    assert "hyva.toml: OK" in capsys.readouterr().out
    assert main(["programs", "validate", str(good), str(bad)]) == 1
    err = capsys.readouterr().err
    assert "tunteet.toml:" in err and 'sessions[1].prompts[4].at: "+10 min"' in err
