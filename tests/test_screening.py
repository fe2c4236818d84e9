"""The screening pipeline: normalised views that map back to the original text, and personal
information found (and its look-alikes left alone)."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from bot.cli import main
from moderation.normalise import Reading
from moderation.screen import Screen
from moderation.verdict import Action, Category, Span, without

POLICY = {"personal_info": "block"}


@pytest.mark.parametrize(
    ("written", "read"),
    [
        ("Mä haluun KUOOOLLA", "ma haluun kuoolla"),
        ("k u o l l a", "kuolla"),
        ("k1ll mys3lf", "kill myself"),
        ("klo 18.30 ja 040 123 4567", "klo 18.30 ja 040 123 4567"),
        ("\uff34\uff45\uff53\uff54\u200bi", "testi"),  # full-width, a zero-width space
        ("t\u0430pan itteni", "tapan itteni"),  # a Cyrillic a
        ("Straße", "strasse"),  # one letter folds into two
        ("k11l 3 asiaa", "kiil 3 asiaa"),  # a run of leetspeak after a letter
    ],
)
def test_the_folded_view_undoes_tricks_and_keeps_numbers(written: str, read: str) -> None:
    view = Reading(written).folded
    assert view.text == read
    assert view.original_span(0, len(view.text)) == (0, len(written))


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("soita mulle 040 123 4567", [("phone", "040 123 4567")]),
        # A mobile's shape is enough, valid in the numbering plan or not (a drama range).
        ("text me 07700 900123", [("phone", "07700 900123")]),
        ("ring +44 7700 900456", [("phone", "+44 7700 900456")]),
        # Addresses spelled out to slip past a filter.
        ("meiliin jonna2007 at example dot com", [("email", "jonna2007 at example dot com")]),
        ("posti anna(at)esimerkki.fi", [("email", "anna(at)esimerkki.fi")]),
        ("lee [at] example [dot] org", [("email", "lee [at] example [dot] org")]),
        ("mun numero on +358401234567", [("phone", "+358401234567")]),
        ("puh. 09 310 1691", [("phone", "09 310 1691")]),
        ("ring mig på 070-123 45 67", [("phone", "070-123 45 67")]),
        ("ring 08-123 456 78", [("phone", "08-123 456 78")]),  # Stockholm, no country code
        ("call 020 7946 0958", [("phone", "020 7946 0958")]),  # London
        ("040 123 4567 tai 050 765 4321", [("phone", "040 123 4567"), ("phone", "050 765 4321")]),
        ("laita viestiä kettu@example.fi", [("email", "kettu@example.fi")]),
        ("hetu 131052-308T", [("identity_code", "131052-308T")]),
        ("tili FI21 1234 5600 0007 85", [("iban", "FI21 1234 5600 0007 85")]),
        ("asun Mannerheimintie 12 B 5", [("address", "Mannerheimintie 12 B 5")]),
        ("jag bor på Storgatan 5", [("address", "Storgatan 5")]),
        ("I live at 12 Baker Street", [("address", "12 Baker Street")]),
    ],
)
def test_personal_information_is_found_where_it_was_written(
    text: str, found: list[tuple[str, str]]
) -> None:
    verdict = Screen(POLICY).check(text)
    assert verdict.action is Action.BLOCK
    spans = verdict.spans_of(Category.PERSONAL_INFO)
    assert [(s.label, text[s.start : s.end]) for s in spans] == found


@pytest.mark.parametrize(
    "text",
    [
        "nähdään klo 18.30",
        "maksoi 12,50 € ja 199 euroa",
        "päivitin version 1.2.3",
        "syntymäpäivä 12.1.2027",
        "hetu 131052-308X",  # the check character is wrong
        "tili FI21 1234 5600 0007 86",  # so is this IBAN's
        "112 on hätänumero",
        "olen 17 vuotias ja kävin siellä 2 kertaa",
        "vuonna 2019 muutin",
        "kello 9 aamulla, huone 204",
        "isä kuoli viime vuonna",
        "tilaus 2024-118-5521 ei oo tullu",
        "viitenumero 4471-2290",
    ],
)
def test_numbers_that_only_look_personal_stay_quiet(text: str) -> None:
    assert Screen(POLICY).check(text).action is Action.ALLOW


def test_the_text_without_the_personal_information_can_be_resent() -> None:
    text = "soita 040 123 4567 tai kettu@example.fi"
    verdict = Screen(POLICY).check(text)
    assert without(text, verdict.spans_of(Category.PERSONAL_INFO)) == "soita […] tai […]"
    assert without("abc", [Span(0, 1, "x"), Span(0, 2, "y")]) == "[…]bc"


def test_piiri_moderate_jsonl_answers_every_line_in_order(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    monkeypatch.chdir(tmp_path)
    lines = [
        {"id": 1, "text": "soita 040 123 4567", "lang": "fi"},
        {"id": "b", "text": "nähdään klo 18.30"},
    ]
    given = "\n".join(json.dumps(line) for line in lines) + "\nnot json\n" + '{"id": 4}\n'
    monkeypatch.setattr("sys.stdin", io.StringIO(given))
    assert main(["moderate", "--jsonl"]) == 1, "a bad line makes the exit code say so"
    out = capsys.readouterr()
    answers = [json.loads(line) for line in out.out.splitlines()]
    assert answers == [
        {
            "id": 1,
            "action": "block",
            "categories": [{"name": "personal_info", "severity": "high", "spans": [[6, 18]]}],
        },
        {"id": "b", "action": "allow", "categories": []},
        {"id": None, "error": "not JSON (Expecting value at column 1)"},
        {"id": 4, "error": 'no "text" string'},
    ]
    assert "line 3" in out.err and "line 4" in out.err


@pytest.mark.parametrize(
    ("text", "found"),
    [
        (
            "lisää mut snäppiin: kettu_88",
            [("invitation", "lisää mut"), ("handle", "snäppiin: kettu_88")],
        ),
        ("mun snap on kettu88", [("invitation", "mun snap on kettu88")]),
        ("laita dm niin jutellaan", [("invitation", "laita dm")]),
        ("jutellaan privassa", [("invitation", "jutellaan privassa")]),
        ("l1sää mut", [("invitation", "l1sää mut")]),
        ("seuraa @kettu_88", [("handle", "@kettu_88")]),
        ("lägg till mig på snap", [("invitation", "lägg till mig")]),
        ("add me on insta @foxy", [("invitation", "add me on"), ("handle", "insta @foxy")]),
        ("discord kettu#1234", [("handle", "discord kettu#1234")]),
    ],
)
def test_moving_the_talk_elsewhere_is_found(text: str, found: list[tuple[str, str]]) -> None:
    verdict = Screen(POLICY | {"contact_exchange": "block"}).check(text)
    spans = verdict.spans_of(Category.CONTACT_EXCHANGE)
    assert [(s.label, text[s.start : s.end]) for s in spans] == found
    assert verdict.action is Action.BLOCK


@pytest.mark.parametrize(
    "text",
    [
        "ei jaeta yhteystietoja ryhmässä",
        "pelaan robloxia illalla",
        "lisää tähän kohtaan vielä yksi asia",
        "jag har instagram men använder den sällan",
        "I added me to the list by mistake",
        "snäppi on mun lempisovellus",
    ],
)
def test_talk_about_apps_and_adding_things_stays_quiet(text: str) -> None:
    assert Screen(POLICY | {"contact_exchange": "block"}).check(text).action is Action.ALLOW


def test_a_web_address_after_at_is_no_e_mail_address() -> None:
    verdict = Screen(POLICY).check("the pictures are at kuvat.example.com, look at them")
    assert verdict.spans_of(Category.PERSONAL_INFO) == []
