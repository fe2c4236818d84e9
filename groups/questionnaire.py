"""A programme's self-assessment: a few short statements answered on a labelled scale, asked at
chosen sessions (e.g. at the start of session 1 and the end of session 9) so that before and
after can be compared. Every item can be skipped; answers are kept per membership under the
occasion `session-N`."""

from __future__ import annotations

from dataclasses import dataclass

from groups.programme import Text


@dataclass(frozen=True, slots=True)
class ScalePoint:
    value: int
    label: Text


@dataclass(frozen=True, slots=True)
class Item:
    key: str
    text: Text


@dataclass(frozen=True, slots=True)
class Questionnaire:
    key: str
    # Session numbers it is asked at, ascending: the first at the session's start ("before"),
    # the others at their end; the last is "after".
    asked: tuple[int, ...]
    intro: Text
    scale: tuple[ScalePoint, ...]
    items: tuple[Item, ...]

    @property
    def before(self) -> int:
        return self.asked[0]

    @property
    def after(self) -> int:
        return self.asked[-1]

    def asked_at_start(self, number: int) -> bool:
        return number == self.asked[0]

    def asked_at_end(self, number: int) -> bool:
        return number in self.asked[1:]

    def item_index(self, key: str) -> int | None:
        return next((i for i, item in enumerate(self.items) if item.key == key), None)
