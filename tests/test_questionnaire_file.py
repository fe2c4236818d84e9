"""A programme's self-assessment in its file: the built-in ones are phone-sized and in three
languages, and every mistake names file, line and field."""

from __future__ import annotations

from pathlib import Path

import pytest

from groups.programme_file import ProgrammeError, load_programme, parse_programme
from groups.programme_library import BUILTIN_DIR
from tests.programmes import programme_source


def problems(source: str) -> list[str]:
    with pytest.raises(ProgrammeError) as caught:
        parse_programme(source, "oma.toml")
    return [str(problem) for problem in caught.value.problems]


def line_of(source: str, needle: str) -> int:
    return next(n for n, line in enumerate(source.splitlines(), 1) if needle in line)


@pytest.mark.parametrize("path", sorted(BUILTIN_DIR.glob("*.toml")), ids=lambda p: p.name)
def test_built_in_programmes_ask_a_short_self_assessment_before_and_after(path: Path) -> None:
    questionnaire = load_programme(path).questionnaire
    assert questionnaire is not None
    assert questionnaire.asked == (1, 9)
    assert 4 <= len(questionnaire.items) <= 6
    keys = {item.key for item in questionnaire.items}
    assert {"wellbeing", "belonging", "skills"} <= keys
    assert [point.value for point in questionnaire.scale] == [1, 2, 3, 4, 5]
    for text in [questionnaire.intro, *(i.text for i in questionnaire.items)]:
        assert text.languages() == {"fi", "sv", "en"}
    for item in questionnaire.items:
        assert all(len(words) <= 80 for words in item.text.by_language.values()), item.key


def test_a_questionnaire_is_read_with_its_scale_and_items() -> None:
    programme = parse_programme(programme_source(questionnaire=True), "oma.toml")
    questionnaire = programme.questionnaire
    assert questionnaire is not None
    assert (questionnaire.key, questionnaire.before, questionnaire.after) == ("vointi", 1, 9)
    assert questionnaire.asked_at_start(1) and questionnaire.asked_at_end(9)
    assert not questionnaire.asked_at_end(1)
    assert [p.label.get("en") for p in questionnaire.scale] == ["No", "A little", "A lot"]
    assert [i.key for i in questionnaire.items] == ["wellbeing", "belonging"]
    assert programme_source() and parse_programme(programme_source(), "x").questionnaire is None


def test_every_mistake_names_file_line_and_field() -> None:
    source = (
        programme_source(questionnaire=True)
        .replace("asked = [1, 9]", "asked = [1, 12]\ncolour = 'red'")
        .replace("value = 2", "value = 5", 1)
        .replace('key = "belonging"', 'key = "wellbeing"')
        .replace('label = { fi = "Ei", en = "No" }', 'label = { en = "No" }')
        .replace('text = { fi = "Kuulun joukkoon."', 'text = { fi = "' + "pitkä " * 40 + '"')
    )
    found = problems(source)
    assert (
        f"oma.toml:{line_of(source, 'asked = [1, 12]')} questionnaire.asked: session 12 is not "
        "one of the sessions 1–9" in found
    )
    assert f"oma.toml:{line_of(source, 'colour')} questionnaire.colour: is not a field here" in (
        " ".join(found)
    )
    assert (
        f"oma.toml:{line_of(source, 'value = 5')} questionnaire.scale[2].value: must be 2: "
        "points are numbered 1, 2, 3 …" in found
    )
    assert (
        f"oma.toml:{line_of(source, 'label = { en')} questionnaire.scale[1].label.fi: is "
        "missing: every text needs Finnish" in found
    )
    second = line_of(source, "pitkä") - 1
    assert (
        f'oma.toml:{second} questionnaire.items[2].key: "wellbeing" is used by an earlier item'
        in found
    )
    assert (
        f"oma.toml:{second + 1} questionnaire.items[2].text.fi: is 239 characters; keep it "
        "under 200" in found
    )


def test_a_questionnaire_needs_its_parts() -> None:
    source = programme_source() + '\n[questionnaire]\nkey = "x1"\n'
    found = problems(source)
    assert any("questionnaire.asked: is missing" in p for p in found)
    assert any("questionnaire.intro: is missing" in p for p in found)
    assert any("questionnaire.scale: is missing: add [[questionnaire.scale]]" in p for p in found)
    assert any("questionnaire.items: is missing: add [[questionnaire.items]]" in p for p in found)
    assert problems("questionnaire = 3\n" + programme_source()) == [
        "oma.toml:1 questionnaire: must be a [questionnaire] table"
    ]
