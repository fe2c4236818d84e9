"""A second reader for the categories where a miss costs most (crisis, safeguarding): a small
linear model over words and pieces of words, for wording that no lexicon entry foresaw.

A lexicon is precise but only knows the phrasings someone wrote into it; a young person in
crisis, or a child telling what happens at home, writes in their own words. The model reads
the same folded text as the lexicons, as a bag of features: every word, every pair of
neighbouring words, and every run of three to five letters inside a word ("kuol", "itsar",
"vilt"), so inflected, compound and misspelled forms share most of their features with the
forms it was trained on. A message scores the sum of its features' weights, scaled by how
many it has (`scale`), through a logistic function; it is read whole and sentence by
sentence, and its highest score counts, so what matters in the middle of a long message is
not diluted by the rest.

The weights are data (`models/<category>.json`), trained from labelled examples in the
repository by `python -m moderation.train_model <category>`; nothing is downloaded. The
threshold in the file was chosen on held-out folds so the model adds few flags to ordinary
talk (see CONTRIBUTING.md).
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping
from itertools import pairwise
from pathlib import Path

from moderation.lexicon import LexiconDetector
from moderation.normalise import Reading
from moderation.verdict import Category, Finding, Severity, Span

MODELS = Path(__file__).parent / "models"
WORDS = re.compile(r"[^\W\d_]+")
SENTENCES = re.compile(r"[^.!?;\n]+")
NGRAMS = (3, 4, 5)
# Where a message has more than one sentence, each is read on its own as well as the whole.
MIN_SENTENCE_WORDS = 2
# The model reads context; a message of fewer words has none for it ("valmis", "moikka
# kaikki", "idk"), and only the lexicon reads it.
MIN_MODEL_WORDS = 3
MODEL_LABEL = "model"
# Words whose sums of weights are kept; the cache starts over when it is full.
WORD_CACHE = 50_000
# Features a text is taken to have besides its own when weighing them (see `scale`).
SHORT_TEXT_PRIOR = 16


class ModelError(ValueError):
    """A model file that cannot be used; the message names the file and what is wrong."""


def word_features(word: str) -> list[str]:
    """A word's own features: the word, and every run of three to five letters in it (with
    a space marking where it starts and ends)."""
    padded = f" {word} "
    found = ["w " + word]
    for n in NGRAMS:
        found.extend(padded[start : start + n] for start in range(len(padded) - n + 1))
    return found


def features(text: str) -> list[str]:
    """The features of folded text, as often as they occur: each word's, then each pair of
    neighbouring words."""
    words = WORDS.findall(text)
    found = [feature for word in words for feature in word_features(word)]
    found.extend(f"b {first} {second}" for first, second in pairwise(words))
    return found


def sentences(text: str) -> list[list[str]]:
    """The words of each sentence, in order."""
    return [WORDS.findall(part) for part in SENTENCES.findall(text)]


def scale(count: int) -> float:
    """How much each feature of a text with `count` features counts: long texts do not win by
    length, and short ones, with few features, are pulled towards "nothing found"."""
    return 1.0 / math.sqrt(count + SHORT_TEXT_PRIOR)


def logistic(z: float) -> float:
    if z >= 0:
        return 1.0 / (1.0 + math.exp(-z))
    e = math.exp(z)
    return e / (1.0 + e)


class LearnedModel:
    """Weights per feature, a bias and the threshold a probability must reach. Each word's
    sum of weights is kept once computed (most words come again), so a message costs about
    one lookup per word and per pair of words."""

    __slots__ = ("_words", "bias", "threshold", "weights")

    def __init__(self, weights: Mapping[str, float], bias: float, threshold: float) -> None:
        self.weights = weights
        self.bias = bias
        self.threshold = threshold
        self._words: dict[str, tuple[float, int]] = {}

    @classmethod
    def load(cls, path: Path) -> LearnedModel:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            weights = {str(k): float(v) for k, v in data["weights"].items()}
            model = cls(weights, float(data["bias"]), float(data["threshold"]))
        except (OSError, ValueError, KeyError, TypeError, AttributeError) as error:
            raise ModelError(f"{path}: not a model file ({error})") from error
        if not 0.0 < model.threshold < 1.0:
            raise ModelError(f"{path}: threshold {model.threshold} is not between 0 and 1")
        return model

    def _word(self, word: str) -> tuple[float, int]:
        known = self._words.get(word)
        if known is None:
            found = word_features(word)
            known = (sum(self.weights.get(f, 0.0) for f in found), len(found))
            if len(self._words) >= WORD_CACHE:
                self._words.clear()
            self._words[word] = known
        return known

    def score(self, folded_text: str) -> float:
        """The highest probability of the category over the whole text and, when it has more than
        one sentence of `MIN_SENTENCE_WORDS` words or more, over each of those on its own."""
        parts = sentences(folded_text)
        words = [word for part in parts for word in part]
        per_word = [self._word(word) for word in words]
        pairs = [self.weights.get(f"b {a} {b}", 0.0) for a, b in pairwise(words)]
        best = _weighed(per_word, pairs)
        long_enough = [part for part in parts if len(part) >= MIN_SENTENCE_WORDS]
        if len(long_enough) > 1:
            at = 0
            for part in parts:
                end = at + len(part)
                if len(part) >= MIN_SENTENCE_WORDS:
                    best = max(best, _weighed(per_word[at:end], pairs[at : end - 1]))
                at = end
        return logistic(self.bias + best)


def _weighed(per_word: list[tuple[float, int]], pairs: list[float]) -> float:
    total = sum(weight for weight, _ in per_word) + sum(pairs)
    count = sum(n for _, n in per_word) + len(pairs)
    return total * scale(count)


class LearnedDetector:
    """A category's lexicon first; where it finds nothing, its model, unless the lexicon knows
    the message for an ordinary one (one of its negatives: an idiom, recovery told, a joke),
    which a guess does not overrule. A finding by the model alone is low severity and spans
    the whole message: it says "a moderator should read this", not which words. The policy
    decides what that means (crisis holds at every severity)."""

    def __init__(
        self, category: Category, lexicon: LexiconDetector, model: LearnedModel | None
    ) -> None:
        self.category = category
        self._lexicon = lexicon
        self._model = model

    @classmethod
    def named(cls, category: Category) -> LexiconDetector | LearnedDetector:
        """The category's lexicon, with its model when `models/` has one."""
        lexicon = LexiconDetector.named(category.value)
        path = model_path(category)
        return cls(category, lexicon, LearnedModel.load(path)) if path.exists() else lexicon

    def __call__(self, reading: Reading) -> Finding | None:
        found = self._lexicon(reading)
        if found is not None or self._model is None:
            return found
        text = reading.folded.text
        if len(WORDS.findall(text)) < MIN_MODEL_WORDS:
            return None
        if self._model.score(text) < self._model.threshold:
            return None
        if self._lexicon.says_ordinary(text):  # searched only for the few the model would take
            return None
        start, end = _trimmed(reading.original)
        return Finding(self.category, Severity.LOW, (Span(start, end, MODEL_LABEL),))


def model_path(category: Category) -> Path:
    return MODELS / f"{category.value}.json"


def _trimmed(text: str) -> tuple[int, int]:
    start = len(text) - len(text.lstrip())
    return start, max(start, len(text.rstrip()))
