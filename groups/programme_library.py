"""Where programmes come from: the built-in files, then the organisation's own directory.

An organisation's file with the same key as a built-in one replaces it. A broken file never hides
the others: it is listed with its problems, and `get` of its key says what is wrong with it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from groups.programme import Programme
from groups.programme_file import ProgrammeError, load_programme

BUILTIN_DIR = Path(__file__).parent / "programmes"


@dataclass(frozen=True, slots=True)
class Entry:
    programme: Programme
    path: Path
    builtin: bool


@dataclass(slots=True)
class ProgrammeLibrary:
    entries: dict[str, Entry] = field(default_factory=dict)
    broken: dict[Path, ProgrammeError] = field(default_factory=dict)

    @classmethod
    def load(cls, extra_dir: Path | None = None) -> ProgrammeLibrary:
        library = cls()
        library._read_dir(BUILTIN_DIR, builtin=True)
        if extra_dir is not None and extra_dir.is_dir():
            library._read_dir(extra_dir, builtin=False)
        return library

    def _read_dir(self, directory: Path, *, builtin: bool) -> None:
        for path in sorted(directory.glob("*.toml")):
            try:
                programme = load_programme(path)
            except ProgrammeError as exc:
                self.broken[path] = exc
                continue
            self.entries[programme.key] = Entry(programme, path, builtin)

    def get(self, key: str) -> Programme | None:
        entry = self.entries.get(key)
        return entry.programme if entry else None

    def keys(self) -> list[str]:
        return sorted(self.entries)

    def all(self) -> list[Entry]:
        return [self.entries[key] for key in self.keys()]
