"""What every signal sees and returns.

A signal turns two lists of :class:`Unit` (prepared paragraphs or sentences) into evidence:

- :class:`PairSignal` gives sparse *pair evidence*: for pairs (source a, target b) inside a window,
  a score in nats (log-odds that a and b belong to the same bead). A bead's evidence is the sum over
  the pairs it covers. Labels, numbers, Latin words and the lexicon are pair signals.
- the length model (:mod:`.length`) is a *bead* signal: its cost depends on the summed lengths of
  the bead's two sides, so it is evaluated inside the dp (see :mod:`workbench.align.costs`).

Most pair signals are *feature* signals: each unit has a set of hashable features (a number, a
consonant skeleton, a term id) and a pair of units shares evidence for every feature both have,
weighted by how rare the feature is near that position. :class:`FeatureSignal` does the join for
all pairs of a window at once with numpy, so subclasses only say which features a unit has.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable

import numpy as np

from workbench.hebrew import parse_label
from workbench.model import Paragraph

_POINTS = re.compile("[\u0591-\u05bd\u05bf\u05c1\u05c2\u05c4\u05c5\u05c7]")
_REPLACE = (
    ("\u05be", " "), ("\u05da", "\u05db"), ("\u05dd", "\u05de"), ("\u05df", "\u05e0"), ("\u05e3", "\u05e4"),
    ("\u05e5", "\u05e6"), ("\u05f4", '"'), ("\u201d", '"'), ("\u201c", '"'), ("\u05f3", "'"), ("\u2019", "'"),
    ("\u2018", "'"),
)  # fmt: skip


@dataclass(eq=False)
class Unit:
    """A paragraph (or sentence) as the signals see it.

    ``norm`` is the matching form of the body (:func:`workbench.hebrew.normalize_for_match`, computed
    once here because every signal needs it); ``length`` counts letters and digits; ``aside`` is the
    part of ``length`` inside parentheses or square brackets (see :func:`aside_length`).
    """

    text: str
    body: str
    label: str | None = None
    label_value: int | None = None
    hebrew: bool = False
    length: float = 0.0
    italics: tuple[str, ...] = ()
    norm: str = ""
    aside: float = 0.0
    cache: dict[str, Any] = field(default_factory=dict, repr=False)


def match_form(text: str) -> str:
    """Same result as :func:`workbench.hebrew.normalize_for_match`, faster on long texts."""
    text = unicodedata.normalize("NFC", text)
    if _POINTS.search(text):
        text = _POINTS.sub("", text)
    for a, b in _REPLACE:
        if a in text:
            text = text.replace(a, b)
    return text


_HEBREW_LETTERS = "אבגדהוזחטיכךלמםנןסעפףצץקרשת"
_LATIN_LETTERS = re.compile(r"[A-Za-z\u00c0-\u024f\u1e00-\u1eff]")
_LENGTH_IGNORED = " \t\n\r,.;:!?\"'()[]{}-\u2013\u2014\u05be\u05f3\u05f4\u201c\u201d\u2018\u2019/*"


def script_ratio(text: str) -> float:
    """Share of Hebrew letters among Hebrew and Latin-script letters (what the aligner needs to
    route a unit; :func:`workbench.hebrew.hebrew_ratio` counts every script and is slower)."""
    heb = sum(map(text.count, _HEBREW_LETTERS))
    if not heb:
        return 0.0  # the ratio without counting the other letters (a translation's every unit)
    other = _LATIN_LETTERS.subn("", text)[1]
    return heb / (heb + other) if heb + other else 0.0


def count_length(text: str) -> int:
    """Characters that carry length: everything but spaces, punctuation and Hebrew points."""
    if _POINTS.search(text):
        text = _POINTS.sub("", text)
    return len(text) - sum(map(text.count, _LENGTH_IGNORED))


_ASIDE = re.compile(r"\[[^\[\]]*\]|\([^()]*\)")


def aside_length(text: str) -> int:
    """Length (as :func:`count_length`) of the text inside parentheses and square brackets.

    Translators put what they add there — a gloss, an explanation, a reference — so a translation
    can have several times the asides of its original (the Zohar introduction's English: 9 % of its
    letters, the Hebrew 2.6 %); the length model weighs them by how much more of them one side has.
    """
    if "(" not in text and "[" not in text:
        return 0
    # count_length adds up over pieces of text: counted once over all the asides joined
    return count_length("".join(_ASIDE.findall(text)))


# A Hebrew word of a matching form (:func:`match_form`: no points, ASCII geresh and gershayim). The
# skeleton lexicon's word pattern and the learned lexicon's differ only in the marks U+0591-U+05C7
# (the skeleton's also takes cantillation and points into a word): on a matching form free of them
# (every text but one with a paseq or sof pasuq left in) both split alike, so they split once
_MATCH_WORD = re.compile(r"[\u05d0-\u05ea]+(?:[\"'][\u05d0-\u05ea]+)*")
_MARKS = re.compile("[\u0591-\u05c7\u05f3\u05f4]")


def hebrew_words_of(unit: Unit) -> list[str] | None:
    """The Hebrew words of a unit's matching form, in order, split once for every signal that reads
    them (the skeleton lexicon, the learned lexicon); None where a mark left in the matching form
    would split them otherwise: each signal then splits the text its own way."""
    words = unit.cache.get("words:hebrew", False)
    if words is False:
        words = unit.cache["words:hebrew"] = None if _MARKS.search(unit.norm) else _MATCH_WORD.findall(unit.norm)
    return words


# The lower-case words of a unit's body in Latin letters as the numbers signal reads them (a-z, two
# words joined by a hyphen kept as one); split at the hyphens they are the learned lexicon's letter
# runs too, where the body has no letter or digit outside ASCII: one pass over a translation's text
# for both signals (each split it its own way, a tenth of preparing a long book's translation side)
_LOWER_WORD = re.compile(r"[a-z]+(?:-[a-z]+)?")
_NON_ASCII = re.compile(r"[^\x00-\x7f]")


def lower_words_of(unit: Unit) -> list[str]:
    """``[a-z]+(?:-[a-z]+)?`` over the lower-cased body, split once for the signals that read it."""
    words = unit.cache.get("words:lower")
    if words is None:
        words = unit.cache["words:lower"] = _LOWER_WORD.findall(unit.body.lower())
    return words


def letter_runs_of(unit: Unit) -> list[str] | None:
    """``[^\\W\\d_]+`` over the lower-cased body (the runs of letters), taken from
    :func:`lower_words_of`; None where a character outside ASCII is a letter or a digit (the two
    patterns then split differently)."""
    if not unit.body.isascii() and any(ch.isalnum() for ch in _NON_ASCII.findall(unit.body)):
        return None
    words = lower_words_of(unit)
    # each word is letters, or letters, a hyphen and letters: joined and split at the hyphens
    return "-".join(words).split("-") if words else []


def make_unit(item: str | Paragraph | Unit, *, labels: bool = True) -> Unit:
    if isinstance(item, Unit):
        return item
    if isinstance(item, Paragraph):
        text = item.text
        label, value = item.label, item.label_value
        body = text
        if labels and label and text.lstrip().startswith(label):
            body = text.lstrip()[len(label) :].lstrip()
        elif labels and label is None:
            label, value, off = parse_label(text)
            body = text[off:].lstrip()
        elif not labels:
            label = value = None
        italics = tuple(text[m.start : m.end] for m in item.marks if m.kind == "italic" and m.end > m.start)
    else:
        text = str(item)
        label, value, off = parse_label(text) if labels else (None, None, 0)
        body = text[off:].lstrip()
        italics = ()
    return Unit(
        text=text,
        body=body,
        label=label,
        label_value=value,
        hebrew=script_ratio(body[:300]) >= 0.5,
        length=float(count_length(body)),
        italics=italics,
        norm=match_form(body),
        aside=float(aside_length(body)),
    )


def prepare(items: Iterable[str | Paragraph | Unit], *, labels: bool = True) -> list[Unit]:
    """Units for a list of strings or :class:`~workbench.model.Paragraph` (labels parsed off the text)."""
    return [make_unit(it, labels=labels) for it in items]


@dataclass(frozen=True)
class Window:
    """For each source unit a, the target units b with ``lo[a] <= b < hi[a]`` that may share a bead,
    and ``center[a]``, the target position expected for a (the length diagonal)."""

    lo: np.ndarray
    hi: np.ndarray
    center: np.ndarray

    @classmethod
    def full(cls, n: int, m: int, center: np.ndarray | None = None) -> Window:
        if center is None:
            center = np.rint((np.arange(n) + 0.5) * (m / max(n, 1)) - 0.5).astype(np.int64)
        return cls(np.zeros(n, dtype=np.int64), np.full(n, m, dtype=np.int64), np.asarray(center, dtype=np.int64))

    @property
    def sizes(self) -> np.ndarray:
        return np.maximum(self.hi - self.lo, 0)


@dataclass
class PairEvidence:
    """Sparse evidence: ``score[k]`` nats for source ``src[k]`` with target ``tgt[k]``.

    Feature signals also say, per entry, whether the feature behind it occurs again in the next
    source unit (``src_next``) or the next target unit (``tgt_next``). The cost model uses that to
    count a feature once per bead (set semantics): a term that two neighbouring paragraphs share is
    evidence for linking them to its translation, not twice the evidence for merging them.
    """

    src: np.ndarray
    tgt: np.ndarray
    score: np.ndarray
    src_next: np.ndarray | None = None
    tgt_next: np.ndarray | None = None

    @classmethod
    def empty(cls) -> PairEvidence:
        z = np.zeros(0, dtype=np.int64)
        return cls(z, z.copy(), np.zeros(0))

    def __len__(self) -> int:
        return int(self.src.size)

    def within(self, window: Window) -> PairEvidence:
        """The entries inside a (narrower) window."""
        if not self.src.size:
            return self
        keep = (self.tgt >= window.lo[self.src]) & (self.tgt < window.hi[self.src])
        return PairEvidence(
            self.src[keep], self.tgt[keep], self.score[keep],
            None if self.src_next is None else self.src_next[keep],
            None if self.tgt_next is None else self.tgt_next[keep],
        )

    def scaled(self, weight: float) -> PairEvidence:
        return PairEvidence(self.src, self.tgt, self.score * weight, self.src_next, self.tgt_next)

    def as_dict(self) -> dict[tuple[int, int], float]:
        """Summed score per (source, target) pair (without the set-semantics corrections)."""
        out: dict[tuple[int, int], float] = {}
        for a, b, s in zip(self.src.tolist(), self.tgt.tolist(), self.score.tolist(), strict=True):
            out[(a, b)] = out.get((a, b), 0.0) + s
        return out

    def flags(self) -> tuple[np.ndarray, np.ndarray]:
        z = np.zeros(len(self), dtype=bool)
        return (
            self.src_next if self.src_next is not None else z,
            self.tgt_next if self.tgt_next is not None else z,
        )

    @staticmethod
    def concat(parts: Sequence[PairEvidence]) -> PairEvidence:
        parts = [p for p in parts if len(p)]
        if not parts:
            return PairEvidence.empty()
        flags = [p.flags() for p in parts]
        return PairEvidence(
            np.concatenate([p.src for p in parts]),
            np.concatenate([p.tgt for p in parts]),
            np.concatenate([p.score for p in parts]),
            np.concatenate([f[0] for f in flags]),
            np.concatenate([f[1] for f in flags]),
        )


@runtime_checkable
class PairSignal(Protocol):
    """A signal that scores pairs of units. ``weight`` scales its evidence (0 switches it off)."""

    name: str
    weight: float

    def evidence(self, src: Sequence[Unit], tgt: Sequence[Unit], window: Window) -> PairEvidence:
        """Evidence for pairs inside ``window`` (indices relative to the given lists)."""
        ...


class FeatureSignal:
    """Pair evidence from shared features, weighted by how rare the feature is *locally*.

    For a source unit a and a feature f it has, let k be the largest of: the number of target units
    within ``radius`` of a's expected position that have f, and the number of source units within
    ``radius`` of a that have it. Each target b in a's window that has f gets
    ``weight * reliability * log(q * (2 * radius + 1) / k)`` nats, clipped at ``[0, cap]``. A term
    found once in the neighbourhood is strong evidence; one that runs through a whole section (every
    paragraph about Atzilut says Atzilut) is weak, so neighbouring paragraphs that share a topic do
    not pull each other into merged beads. ``q`` is how often a translation keeps the feature.
    """

    name = "features"
    weight = 1.0
    q = 0.7
    cap = 6.0
    radius = 6
    #: bumped by a signal whose features change (a learned lexicon after each ``learn``): the
    #: features cached on the units for an older version are not used again
    features_version = 0

    def features(self, unit: Unit, side: str) -> Mapping[Hashable, float]:
        """Features of one unit with their reliability (1.0 = as reliable as the signal gets)."""
        raise NotImplementedError

    def prepares(self, unit: Unit) -> bool:
        """Whether the aligner extracts this unit's features ahead, with the units (on two cores
        for a long book: :mod:`workbench.align.parallel`). A signal whose features of some units
        are seldom needed says no for them: they are extracted when an evidence call asks."""
        return True

    def _cached(self, unit: Unit, side: str) -> Mapping[Hashable, float]:
        key = f"{type(self).__name__}:{id(self)}:{self.features_version}:{side}"
        feats = unit.cache.get(key)
        if feats is None:
            feats = self.features(unit, side)
            unit.cache[key] = feats
        return feats

    def evidence(self, src: Sequence[Unit], tgt: Sequence[Unit], window: Window) -> PairEvidence:
        if self.weight == 0 or not src or not tgt:
            return PairEvidence.empty()
        sfeats = [self._cached(u, "source") for u in src]
        if not any(sfeats):
            return PairEvidence.empty()
        tfeats = [self._cached(u, "target") for u in tgt]
        return self.joined(sfeats, tfeats, window)

    def joined(self, sfeats: Sequence[Mapping[Hashable, float]], tfeats: Sequence[Mapping[Hashable, float]],
               window: Window) -> PairEvidence:  # fmt: skip
        """The evidence of the features both sides have (the join this class's docstring describes),
        for a signal that chooses itself which units' features to extract."""
        common = set().union(*sfeats) & set().union(*tfeats)
        if not common:
            return PairEvidence.empty()
        # ids in a fixed order, postings in id order: string features hash differently in every
        # process, and evidence summed in another order can tip a near-tie the other way
        vocab = {f: i for i, f in enumerate(sorted(common, key=_feature_order))}
        (s_a, s_f, s_w), (t_b, t_f, t_w) = _postings(sfeats, common, vocab), _postings(tfeats, common, vocab)
        return _join(s_a, s_f, s_w, t_b, t_f, t_w, len(sfeats), len(tfeats), window, self.q, self.cap, self.weight,
                     self.radius)  # fmt: skip


def _postings(feats: Sequence[Mapping[Hashable, float]], common: set[Hashable],
              vocab: Mapping[Hashable, int]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:  # fmt: skip
    """Unit index, feature id and weight of every feature in ``common`` that a unit has, ordered by
    unit and then feature id (built in bulk: a long book has hundreds of thousands)."""
    inter = [fs.keys() & common for fs in feats]
    flat = [f for found in inter for f in found]
    n = len(flat)
    unit = np.repeat(np.arange(len(feats), dtype=np.int64), np.fromiter(map(len, inter), dtype=np.int64, count=len(inter)))
    fid = np.fromiter(map(vocab.__getitem__, flat), dtype=np.int64, count=n)
    wts = np.fromiter((fs[f] for fs, found in zip(feats, inter, strict=True) for f in found), dtype=np.float64, count=n)
    order = np.lexsort((fid, unit))
    return unit[order], fid[order], wts[order]


def _feature_order(f: Hashable) -> tuple[str, str]:
    return type(f).__name__, repr(f)


def _count_in(keys: np.ndarray, fid: np.ndarray, lo: np.ndarray, hi: np.ndarray, big: int) -> tuple[np.ndarray, np.ndarray]:
    """Start and count of postings of feature ``fid`` with position in [lo, hi) (keys = f * big + pos)."""
    starts = np.searchsorted(keys, fid * big + lo, side="left")
    ends = np.searchsorted(keys, fid * big + hi, side="left")
    return starts, ends - starts


def _join(
    s_a: np.ndarray, s_f: np.ndarray, s_w: np.ndarray,
    t_b: np.ndarray, t_f: np.ndarray, t_w: np.ndarray,
    n: int, m: int, window: Window, q: float, cap: float, weight: float, radius: int,
) -> PairEvidence:
    """Vectorised feature join: every (a, b) in the window sharing a feature, weighted by rarity."""
    s_a_all, s_f_all = s_a, s_f
    order = np.lexsort((t_b, t_f))
    t_b, t_f, t_w = t_b[order], t_f[order], t_w[order]
    tbig = m + 1
    tkey = t_f * tbig + t_b
    starts, k = _count_in(tkey, s_f, window.lo[s_a], window.hi[s_a], tbig)
    keep = k > 0
    if not keep.any():
        return PairEvidence.empty()
    s_a, s_f, s_w, starts, k = s_a[keep], s_f[keep], s_w[keep], starts[keep], k[keep]
    # local frequency on both sides
    c = window.center[s_a]
    _s, k_t = _count_in(tkey, s_f, np.maximum(c - radius, 0), c + radius + 1, tbig)
    sbig = n + 1
    skey = np.sort(s_f_all * sbig + s_a_all)
    _s, k_s = _count_in(skey, s_f, np.maximum(s_a - radius, 0), s_a + radius + 1, sbig)
    local = np.maximum(np.maximum(k_t, k_s), 1).astype(np.float64)
    strength = np.clip(np.log(q * (2 * radius + 1) / local), 0.0, cap) * s_w * weight
    good = strength > 0
    if not good.any():
        return PairEvidence.empty()
    s_a, s_f, starts, k, strength = s_a[good], s_f[good], starts[good], k[good], strength[good]
    # expand each (a, f) to its k target postings
    total = int(k.sum())
    rep_a = np.repeat(s_a, k)
    rep_f = np.repeat(s_f, k)
    rep_s = np.repeat(strength, k)
    offs = np.arange(total) - np.repeat(np.cumsum(k) - k, k)
    idx = np.repeat(starts, k) + offs
    rep_b = t_b[idx]
    return PairEvidence(
        rep_a, rep_b, rep_s * t_w[idx],
        src_next=_has(skey, rep_f * sbig + rep_a + 1),
        tgt_next=_has(tkey, rep_f * tbig + rep_b + 1),
    )


def _has(sorted_keys: np.ndarray, keys: np.ndarray) -> np.ndarray:
    pos = np.searchsorted(sorted_keys, keys)
    pos = np.minimum(pos, sorted_keys.size - 1)
    return sorted_keys[pos] == keys
