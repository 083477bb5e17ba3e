"""Word pairs across the two languages: termbase entries and transliterations.

The aligner asks a :class:`PairLexicon` for *keys*: a Hebrew paragraph and an English paragraph
share evidence for every key both have. That keeps the interface to two small methods and lets the
aligner index ten thousand paragraphs at once instead of comparing every pair of words.

- :class:`SkeletonLexicon` (built in): keys are consonant skeletons (:mod:`workbench.align.skeleton`),
  so מסך meets Masach, זווג meets Zivug and פרצופים meets Partzufim without any dictionary.
- A termbase lexicon (the terms work, ``workbench/terms/``) returns term ids as keys: the ids of the
  terms whose Hebrew forms occur in the Hebrew text, and of those whose English renderings occur in
  the English text. Pass it with ``LexiconSignal([SkeletonLexicon(), termbase_lexicon])``.

"source" in this interface is always the Hebrew/Aramaic side and "target" the translation, whatever
the direction of the alignment; the signal routes each paragraph by its script.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import chain
from typing import Protocol, runtime_checkable

from workbench.align.signals.base import FeatureSignal, Unit, hebrew_words_of
from workbench.align.skeleton import (
    best_skeleton_match,
    hebrew_keys,
    hebrew_words,
    hebrew_yod_keys,
    latin_keys,
    latin_words,
    latin_yod_keys,
)


@dataclass(frozen=True)
class LexMatch:
    """One matched word pair: the Hebrew word and the English word as written, and how sure (0..1)."""

    source: str
    target: str
    score: float
    key: Hashable = None


@runtime_checkable
class PairLexicon(Protocol):
    """Finds words of a Hebrew paragraph and words of an English paragraph that translate each other.

    ``source_keys(hebrew_text)`` and ``target_keys(english_text)`` map keys to a reliability weight in
    (0, 1]; two paragraphs share evidence for each key in both maps (weighted by the reliability
    and by how rare the key is nearby). Keys of different lexicons never meet. The aligner passes the
    Hebrew in matching form (:func:`workbench.hebrew.normalize_for_match`: no points, ASCII geresh
    and gershayim, no final letters) and the English as written; the item label is cut off both.
    ``matches`` lists the matched word pairs of one paragraph pair, for display and term discovery.
    """

    name: str

    def source_keys(self, text: str) -> Mapping[Hashable, float]: ...

    def target_keys(self, text: str) -> Mapping[Hashable, float]: ...

    def matches(self, source_text: str, target_text: str) -> list[LexMatch]: ...


# Common English words: never transliterations, whatever their capitalisation.
ENGLISH_STOPWORDS = frozenset(
    """a about above according accordingly actually after afterwards again against all almost also
    although always am among an and another any anything are as at be because been before being
    below between both but by can cannot could did do does done down during each either even ever
    every for from further had has have having he her here hers herself him himself his how however
    i if in indeed into is it its itself just let like made make many may me meaning might more
    moreover most much must my myself namely neither never nevertheless no nor not nothing now of
    off often on once one only or other others otherwise our ours ourselves out over own rather
    same shall she should since so some something such than that the their theirs them themselves
    then thence there thereby therefore these they this those though thus to too under until up
    upon us very was we well were what whatever when whence where whereas whether which while who
    whoever whole whom whose why will with within without would yet you your yours yourself
    yourselves first second third fourth fifth sixth seventh last next above below new old great
    good many little long time times way ways world worlds man men people person thing things life
    light lights god lord king creator creation soul souls body bodies desire desires receive
    receiving bestow bestowing level levels degree degrees state states stage stages part parts
    chapter item items section note translator introduction book books questions question answer
    see also said say says says wrote written know known understand understood explain explained
    explanation matter matters reason reasons cause purpose end beginning form forms thought
    thoughts mind heart will holy holiness spiritual spirituality physical nature natural
    corporeal heaven heavens earth land""".split()
)
_TRANSLIT_ENDINGS = ("ut", "ot", "im", "ah")


def _looks_transliterated(lw: str) -> bool:
    return "tz" in lw or "kh" in lw or "'" in lw[1:-1] or (len(lw) >= 5 and lw.endswith(_TRANSLIT_ENDINGS))


def candidate_english_words(text: str) -> list[str]:
    """Words of English text that may be transliterations: capitalised or all-caps words and words
    that look transliterated (tz, kh, an inner apostrophe, -ut, -ot, -im, -ah), minus common English
    words."""
    return [w for w in latin_words(text) if _is_candidate(w)]


@lru_cache(maxsize=1 << 16)
def _is_candidate(w: str) -> bool:
    # per word and cached: a text repeats its words (Zipf), and this runs on every paragraph
    if len(w) < 3:
        return False
    lw = w.lower()
    return (w[0].isupper() or _looks_transliterated(lw)) and lw not in ENGLISH_STOPWORDS


# Two-consonant skeletons (BR, RK) meet by chance more often than longer ones.
_KEY_WEIGHT = {2: 0.5}


def _key_weight(key: str) -> float:
    return 0.0 if len(key) < 2 else _KEY_WEIGHT.get(len(key), 1.0)


# The keys of each word with their weights, cached per word: a text repeats its words (Zipf), and
# the keys of a paragraph are the union of its words' keys (a long book's lexicon features cost a
# third of what the set unions of every paragraph did)
@lru_cache(maxsize=1 << 17)
def _hebrew_word_keys(word: str) -> tuple[tuple[str, float], ...]:
    keys = tuple((k, _KEY_WEIGHT.get(len(k), 1.0)) for k in hebrew_keys(word) if len(k) >= 2)
    # a name's initial yod with its one strong consonant: a key of two letters
    return keys + tuple((k, _KEY_WEIGHT[2]) for k in sorted(hebrew_yod_keys(word)))


@lru_cache(maxsize=1 << 17)
def _latin_word_keys(word: str) -> tuple[tuple[str, float], ...]:
    if not _is_candidate(word):
        return ()
    keys = tuple((k, _KEY_WEIGHT.get(len(k), 1.0)) for k in latin_keys(word) if len(k) >= 2)
    return keys + tuple((k, _KEY_WEIGHT[2]) for k in sorted(latin_yod_keys(word)))


# the same, keyed as the lexicon signal's features are, (lexicon index, key): a paragraph's features
# are then the union of its words' items with no loop over each key (a long book's Hebrew side spent
# a third of its lexicon features re-keying them)
# (the skeleton lexicon first in the signal's list, index 0, as in the default set)
@lru_cache(maxsize=1 << 17)
def _hebrew_word_items(word: str) -> tuple[tuple[tuple[int, str], float], ...]:
    return tuple(((0, k), w) for k, w in _hebrew_word_keys(word))


@lru_cache(maxsize=1 << 17)
def _latin_word_items(word: str) -> tuple[tuple[tuple[int, str], float], ...]:
    return tuple(((0, k), w) for k, w in _latin_word_keys(word))


class SkeletonLexicon:
    """Transliterations found by consonant skeleton (see :mod:`workbench.align.skeleton`)."""

    name = "skeleton"

    def __init__(self, min_score: float = 0.6) -> None:
        self.min_score = min_score

    def source_keys(self, text: str) -> Mapping[Hashable, float]:
        return self.source_keys_of_words(hebrew_words(text))

    def source_keys_of_words(self, words: Iterable[str]) -> dict[Hashable, float]:
        """:meth:`source_keys` of a text split into words already (see ``LexiconSignal.features``)."""
        out: dict[Hashable, float] = {}
        for w in set(words):
            out.update(_hebrew_word_keys(w))
        return out

    def target_keys(self, text: str) -> Mapping[Hashable, float]:
        out: dict[Hashable, float] = {}
        for w in set(latin_words(text)):
            out.update(_latin_word_keys(w))
        return out

    def matches(self, source_text: str, target_text: str) -> list[LexMatch]:
        # the words' keys as the signal's features have them (one place says which keys a word has)
        by_key: dict[str, list[str]] = {}
        for w in set(hebrew_words(source_text)):
            for k, _w in _hebrew_word_keys(w):
                by_key.setdefault(k, []).append(w)
        found: dict[tuple[str, str], LexMatch] = {}
        for e in set(candidate_english_words(target_text)):
            for k, _w in _latin_word_keys(e):
                for h in by_key.get(k, ()):
                    s = best_skeleton_match(e, h)
                    if s >= self.min_score and (h, e) not in found:
                        found[(h, e)] = LexMatch(h, e, round(s, 3), k)
        return sorted(found.values(), key=lambda x: (-x.score, x.target))


class LexiconSignal(FeatureSignal):
    """Pair evidence from one or more :class:`PairLexicon` (default: the skeleton lexicon)."""

    q = 0.5
    cap = 5.0

    def __init__(self, lexicons: Sequence[PairLexicon] | None = None, weight: float = 1.0, name: str = "lexicon") -> None:
        self.lexicons: list[PairLexicon] = list(lexicons) if lexicons is not None else [SkeletonLexicon()]
        self.weight = weight
        self.name = name

    def features(self, unit: Unit, side: str) -> Mapping[Hashable, float]:
        out: dict[Hashable, float] = {}
        words = hebrew_words_of(unit) if unit.hebrew else None
        for i, lex in enumerate(self.lexicons):
            if i == 0 and type(lex) is SkeletonLexicon:  # the built-in one: its items cached per word
                split = (hebrew_words(unit.norm) if words is None else words) if unit.hebrew else latin_words(unit.body)
                out.update(chain.from_iterable(map(_hebrew_word_items if unit.hebrew else _latin_word_items, set(split))))
                continue
            if words is not None and isinstance(lex, SkeletonLexicon):
                keys = lex.source_keys_of_words(words)  # the words the learned lexicon reads too
            else:
                keys = lex.source_keys(unit.norm) if unit.hebrew else lex.target_keys(unit.body)
            for k, w in keys.items():
                out[(i, k)] = float(w)
        return out

    def matches(self, source_text: str, target_text: str) -> list[LexMatch]:
        """Matched word pairs of all lexicons for one Hebrew and one English text."""
        out: list[LexMatch] = []
        for lex in self.lexicons:
            out += lex.matches(source_text, target_text)
        return out
