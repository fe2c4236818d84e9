"""`piiri programs list|show|validate`: the programmes a group can be created from."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from bot.config import Settings
from groups.programme import Programme
from groups.programme_file import ProgrammeError, load_programme
from groups.programme_library import ProgrammeLibrary

EXIT_OK, EXIT_ERROR, EXIT_USAGE = 0, 1, 2


def add_parser(commands: Any, common: argparse.ArgumentParser) -> None:
    programs = commands.add_parser("programs", parents=[common], help="themed programmes")
    actions = programs.add_subparsers(dest="programs_command", metavar="ACTION", required=True)
    listing = actions.add_parser("list", parents=[common], help="the programmes groups can use")
    listing.add_argument("--json", action="store_true", help="print a JSON array")
    show = actions.add_parser("show", parents=[common], help="a programme's sessions and prompts")
    show.add_argument("key")
    show.add_argument("--lang", default="fi", choices=("fi", "sv", "en"))
    show.add_argument("--json", action="store_true", help="print a JSON object")
    validate = actions.add_parser(
        "validate", parents=[common], help="check programme files; name every mistake"
    )
    validate.add_argument("files", type=Path, nargs="+", metavar="FILE")


def run(settings: Settings, args: argparse.Namespace) -> int:
    if args.programs_command == "validate":
        return _validate(args.files)
    library = ProgrammeLibrary.load(settings.programmes.dir)
    for path, error in library.broken.items():
        print(f"piiri: skipped {path}, which has mistakes:\n{error}", file=sys.stderr)
    if args.programs_command == "list":
        return _list(library, as_json=args.json)
    programme = library.get(args.key)
    if programme is None:
        known = ", ".join(library.keys())
        print(f"piiri: no programme {args.key!r}; there are: {known}", file=sys.stderr)
        return EXIT_USAGE
    if args.json:
        print(json.dumps(dict(programme.content), ensure_ascii=False, indent=2))
    else:
        print(describe(programme, args.lang))
    return EXIT_OK


def _validate(files: list[Path]) -> int:
    status = EXIT_OK
    for path in files:
        try:
            programme = load_programme(path)
        except ProgrammeError as error:
            print(error, file=sys.stderr)
            status = EXIT_ERROR
            continue
        print(f"{path}: OK ({programme.key}, {len(programme.sessions)} sessions)")
    return status


def _list(library: ProgrammeLibrary, *, as_json: bool) -> int:
    rows = [
        {
            "key": entry.programme.key,
            "version": entry.programme.version,
            "title": dict(entry.programme.title.by_language),
            "sessions": len(entry.programme.sessions),
            "session_minutes": entry.programme.session_minutes,
            "source": "built-in" if entry.builtin else str(entry.path),
        }
        for entry in library.all()
    ]
    if as_json:
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return EXIT_OK
    for row, entry in zip(rows, library.all(), strict=True):
        title = entry.programme.title.get("fi")
        print(
            f"{row['key']:<16} {row['sessions']} sessions of {row['session_minutes']} min  {title}"
        )
    return EXIT_OK


def describe(programme: Programme, language: str) -> str:
    lines = [
        f"{programme.title.get(language)} ({programme.key}, version {programme.version})",
        programme.description.get(language),
        f"{programme.audience.get(language)} · {programme.session_minutes} min",
    ]
    for session in programme.sessions:
        lines += ["", f"{session.number}. {session.title.get(language)}"]
        lines.append(f"   {session.aim.get(language)}")
        for prompt in session.prompts:
            text = prompt.text.get(language).replace("\n", "\n" + " " * 20)
            lines.append(f"   {prompt.at_text:>8} {prompt.kind.value:<10} {text}")
    return "\n".join(lines)
