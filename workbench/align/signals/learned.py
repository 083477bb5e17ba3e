"""A bilingual lexicon learned from the document being aligned (in the spirit of Moore 2002).

Length decides most links, but where a translator merged, split or dropped a paragraph next to a
neighbour of similar length, only the words say which neighbour a piece belongs to: "the second
stage ... vegetable" goes with the paragraph that says צומח, not with the one that says חי. No
dictionary ships with the workbench (none would cover every source language), so the aligner learns
one from the text itself:

1. a first pass aligns with the other signals;
2. its confident 1-1 links are split into sentences (:func:`workbench.segment.rough_sentences`) and aligned sentence
   by sentence with the sentence-level settings, and IBM Model 1 is trained on those sentence pairs
   in both directions (:func:`train_model1`: EM over word co-occurrence, with a NULL word for what nothing
   explains); sentence pairs, not paragraphs, because ten words against ten pin a translation down
   where a hundred against a hundred only blur it;
3. word pairs that both directions translate with probability >= ``min_prob``
   (:func:`learned_pairs`) become shared features, and the second pass counts them like the
   termbase lexicon: rare ones near a paragraph are strong evidence, ones that run through a whole
   section are weak (:class:`~workbench.align.signals.base.FeatureSignal`).

The aligner owns the passes: it calls :meth:`LearnedLexiconSignal.learn` between them and hands it
the sentence aligner to use, and ``learn`` returns a new signal holding the lexicon, which belongs to
that run (the configured signal stays silent, so one aligner can serve several runs at once). What
it adds to strict F1 and what it costs in time is in the benchmark's ablation
(tests/bench/align_bench.py) and the README's alignment figures.

Which side is Hebrew does not matter to the model; Hebrew words only have niqqud, final letters,
one layer of one-letter prefixes (והרצון, ברצון -> רצון) and one light suffix (:func:`_strip_suffix`)
taken off so their counts add up.
"""

from __future__ import annotations

import copy
import itertools
import re
from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import chain, repeat
from typing import Protocol

import numpy as np

from workbench.align.parallel import can_fork, split_map
from workbench.align.signals.base import FeatureSignal, Unit, hebrew_words_of, letter_runs_of, prepare
from workbench.align.types import AlignedLink
from workbench.hebrew import PREFIX_LETTERS
from workbench.segment import rough_sentences

_LEXICON_VERSIONS = itertools.count(1)


class SentenceAligner(Protocol):
    """What learning needs from the aligner that calls it: sentence units in, links out."""

    def align(self, src: Sequence[Unit], tgt: Sequence[Unit]) -> list[AlignedLink]: ...


_HE_WORD = re.compile(r"[\u05d0-\u05ea]+(?:[\"'][\u05d0-\u05ea]+)*")
_WORD = re.compile(r"[^\W\d_]+")
#: English function words (the lexicon signal's stop list also holds content words such as
#: holiness or desire, which are exactly what this signal should learn)
ENGLISH_FUNCTION_WORDS = frozenset(
    """a about above after again against all also am an and any are as at be because been before being
    below between both but by can cannot could did do does doing down during each either even ever every
    few for from further had has have having he her here hers herself him himself his how however i if
    in into is it its itself just let may me might more most much must my myself neither no nor not now
    of off on once one only or other others otherwise our ours ourselves out over own per same shall she
    should since so some such than that the their theirs them themselves then there thereby therefore
    these they this those though through thus to too under until up upon us very was we well were what
    whatever when where whereas whether which while who whom whose why will with within without would
    yet you your yours yourself yourselves""".split()
)
#: Hebrew/Aramaic function words, in matching form (no final letters), after one prefix layer is off
HEBREW_STOPWORDS = frozenset(
    """של את על כי אשר זה זו זאת הוא היא המ הנ אמ או גמ כל לא אינ יש אל עמ כמו עד אבל אלא רק כנ כך
    אז כבר עוד מה מי כאשר לו לה להמ בו בה בהמ שמ הנה הרי היה היו יהיה אחר כדי ידי פי ע"י עצמו
    דהיינו כלומר וכו משומ מפני לפי דא הכי הזה הזאת האלה""".split()
)


def hebrew_tokens(norm: str) -> list[str]:
    """Content words of a Hebrew text in matching form (:func:`~workbench.align.signals.base.match_form`)."""
    return [t for t in map(_hebrew_token, _HE_WORD.findall(norm)) if t]


@lru_cache(maxsize=1 << 16)
def _hebrew_token(w: str) -> str:
    """One Hebrew word in the lexicon's form, "" for a function word (cached: words repeat)."""
    if '"' in w or "'" in w:  # acronyms (בי"ע) and numerals keep their form
        return w
    if w[0] == "ו" and len(w) > 3:
        w = w[1:]
    if w[0] in PREFIX_LETTERS and len(w) > 3:
        w = w[1:]
    return _strip_suffix(w) if len(w) > 1 and w not in HEBREW_STOPWORDS else ""


def _strip_suffix(w: str) -> str:
    """One light suffix off a word of five letters or more: the plural -ות, else a final ו, ה or י
    (his/her/my and the feminine -ה), so העולמות meets עולם, קדושה meets קדוש, גשמיות meets
    גשמי and מחשבתו meets מחשבת; a Model 1 count split over the forms of a word learns nothing.

    The masculine plural -ים is left on, and -יות loses only -ות: taking those off too measured
    worse on the benchmark, while these light suffixes measured better than no stripping on the dev,
    held-out and extra seeds alike.
    """
    if len(w) <= 4 or '"' in w:
        return w
    if w.endswith("ות"):
        return w[:-2]
    return w[:-1] if w[-1] in "והי" else w


def plain_tokens(text: str) -> list[str]:
    """Content words of a text in any other script: lower case, English function words and plural -s off."""
    # "partzufim's" -> partzufim, s (dropped: too short)
    return [t for t in map(_plain_token, _WORD.findall(text.lower())) if t]


@lru_cache(maxsize=1 << 16)
def _plain_token(w: str) -> str:
    if len(w) < 3 or w in ENGLISH_FUNCTION_WORDS:
        return ""
    if len(w) > 4 and w.endswith("s") and not w.endswith("ss"):
        return w[:-1]
    return w


def unit_tokens(unit: Unit) -> list[str]:
    toks = unit.cache.get("learned:tokens")
    if toks is None:
        if unit.hebrew:
            words = hebrew_words_of(unit)  # split once for the skeleton lexicon and this signal
            toks = hebrew_tokens(unit.norm) if words is None else [t for t in map(_hebrew_token, words) if t]
        else:
            runs = letter_runs_of(unit)  # split once for the numbers signal and this one
            toks = plain_tokens(unit.body) if runs is None else [t for t in map(_plain_token, runs) if t]
        unit.cache["learned:tokens"] = toks
    return toks


@dataclass
class TranslationTable:
    """t(target word | source word), sparse: ``prob[k]`` for the pair ``(src_id[k], tgt_id[k])``."""

    source_vocab: dict[str, int]
    target_vocab: dict[str, int]
    src_id: np.ndarray
    tgt_id: np.ndarray
    prob: np.ndarray

    def __len__(self) -> int:
        return int(self.prob.size)

    def pairs(self, min_prob: float) -> dict[tuple[str, str], float]:
        """(source word, target word) -> t for every pair at or above ``min_prob``."""
        names_s = list(self.source_vocab)
        names_t = list(self.target_vocab)
        keep = np.flatnonzero(self.prob >= min_prob)
        return {(names_s[self.src_id[k]], names_t[self.tgt_id[k]]): float(self.prob[k]) for k in keep}

    def best(self, word: str, k: int = 5) -> list[tuple[str, float]]:
        """The ``k`` likeliest translations of a source word (for explanations and tests)."""
        i = self.source_vocab.get(word)
        if i is None:
            return []
        sel = np.flatnonzero(self.src_id == i)
        order = sel[np.argsort(-self.prob[sel], kind="stable")][:k]
        names_t = list(self.target_vocab)
        return [(names_t[self.tgt_id[j]], float(self.prob[j])) for j in order]


def train_model1(
    pairs: Sequence[tuple[Sequence[str], Sequence[str]]], iterations: int = 5, min_count: int = 2
) -> TranslationTable:
    """IBM Model 1 by EM on (source words, target words) pairs, vectorised over all co-occurrences.

    Words found in fewer than ``min_count`` pairs are left out on both sides: a word met once cannot
    be told from its neighbours and only adds noise (and time). t starts uniform, so the first
    iteration is co-occurrence counting; the NULL word takes the target words nothing explains.
    Vocabularies are in first-seen order, so equal input gives an equal table.
    """
    df_s: dict[str, int] = {}
    df_t: dict[str, int] = {}
    for s, t in pairs:
        for w in dict.fromkeys(s):
            df_s[w] = df_s.get(w, 0) + 1
        for w in dict.fromkeys(t):
            df_t[w] = df_t.get(w, 0) + 1
    sv = {w: i for i, w in enumerate(w for w, c in df_s.items() if c >= min_count)}
    tv = {w: i for i, w in enumerate(w for w, c in df_t.items() if c >= min_count)}
    ns, nt = len(sv), len(tv)
    empty = np.zeros(0, dtype=np.int64)
    # one row per (pair, target token, distinct source word): the EM's unit of work
    rows_s, rows_g, group_t = [], [], []
    n_groups = 0
    for s, t in pairs:
        sid = np.unique(np.fromiter((sv[w] for w in s if w in sv), dtype=np.int64))
        tid = np.fromiter((tv[w] for w in t if w in tv), dtype=np.int64)
        if not sid.size or not tid.size:
            continue
        rows_s.append(np.tile(sid, tid.size))
        rows_g.append(np.repeat(np.arange(n_groups, n_groups + tid.size), sid.size))
        group_t.append(tid)
        n_groups += tid.size
    if not rows_s:
        return TranslationTable(sv, tv, empty, empty.copy(), np.zeros(0))
    r_s, r_g, g_t = np.concatenate(rows_s), np.concatenate(rows_g), np.concatenate(group_t)
    r_t = g_t[r_g]
    keys, r_k = np.unique(r_s * nt + r_t, return_inverse=True)
    k_s, k_t = keys // nt, keys % nt
    prob = np.full(keys.size, 1.0 / nt)
    null = np.full(nt, 1.0 / nt)
    for _ in range(iterations):
        w = prob[r_k]
        denom = np.bincount(r_g, weights=w, minlength=n_groups) + null[g_t]
        counts = np.bincount(r_k, weights=w / denom[r_g], minlength=keys.size)
        total_s = np.bincount(k_s, weights=counts, minlength=ns)
        prob = counts / np.maximum(total_s[k_s], 1e-12)
        null_counts = np.bincount(g_t, weights=null[g_t] / denom, minlength=nt)
        null = null_counts / max(float(null_counts.sum()), 1e-12)
    return TranslationTable(sv, tv, k_s, k_t, prob)


def learned_pairs(
    pairs: Sequence[tuple[Sequence[str], Sequence[str]]], min_prob: float = 0.2, iterations: int = 5
) -> dict[str, set[str]]:
    """Source word -> target words that translate it: Model 1 trained in both directions, and both
    give the pair at least ``min_prob``.

    Both directions, not either: with either, frequent words (give, created, situation) come in
    through one side and tie neighbouring paragraphs together, so a dropped paragraph gets merged
    with its neighbour instead of left unlinked (measured on single drops in the Zohar text: fewer
    placed right with either than with both).
    """
    fwd = train_model1(pairs, iterations)
    bwd = train_model1([(t, s) for s, t in pairs], iterations)
    back = {(s, t) for t, s in bwd.pairs(min_prob)}
    out: dict[str, set[str]] = {}
    for s, t in fwd.pairs(min_prob):
        if (s, t) in back:
            out.setdefault(s, set()).add(t)
    return out


def sentence_pairs(src: Unit, tgt: Unit, aligner: SentenceAligner) -> list[tuple[list[str], list[str]]]:
    """Token lists of the aligned sentences of one paragraph pair (the links with both sides)."""
    ss, ts = rough_sentences(src.body, src.hebrew), rough_sentences(tgt.body, tgt.hebrew)
    if not ss or not ts:
        return []
    su, tu = prepare(ss, labels=False), prepare(ts, labels=False)
    out = []
    for lk in aligner.align(su, tu):
        if lk.source and lk.target:
            s = [w for i in lk.source for w in unit_tokens(su[i])]
            t = [w for j in lk.target for w in unit_tokens(tu[j])]
            out.append((s, t))
    return out


#: with at least this many training links, half are aligned into sentences on a second core
PARALLEL_MIN_LINKS = 100


class LearnedLexiconSignal(FeatureSignal):
    """Shared learned translations as pair evidence (see the module docstring).

    Silent as configured; :meth:`learn` returns the copy that speaks (the aligner calls it between
    its two passes).
    """

    name = "learned"

    def __init__(self, weight: float = 1.0, *, min_prob: float = 0.2, min_score: float = 0.9, max_pairs: int = 150,
                 min_pairs: int = 8) -> None:  # fmt: skip
        self.weight = weight
        #: translation probability a word pair needs (in both directions)
        self.min_prob = min_prob
        #: first-pass links with a lower posterior are not trained on
        self.min_score = min_score
        #: at most this many links are trained on, spread evenly over the document (sentence
        #: alignment of each is the cost; a few hundred already name the recurring terms). 150
        #: rather than 300: the benchmark's 10,000-paragraph book aligned as well or better (strict
        #: 0.957 against 0.955; 100 links: 0.953) in half the learning time, and no smaller case
        #: has more sure links than that
        self.max_pairs = max_pairs
        #: with fewer confident links than this nothing is learned (too little to tell words apart)
        self.min_pairs = min_pairs
        self.lexicon: dict[str, set[str]] = {}
        self._targets: frozenset[str] = frozenset()

    def learn(
        self,
        src: Sequence[Unit],
        tgt: Sequence[Unit],
        links: Sequence[tuple[int, int, float]],
        *,
        sentence_aligner: SentenceAligner,
        progress: Callable[[float], None] | None = None,
    ) -> LearnedLexiconSignal:
        """A copy of this signal that knows what ``links`` teach: (source index, target index,
        posterior) of a first pass's 1-1 links, each aligned into sentences with
        ``sentence_aligner`` (the aligner's sentence-level settings, handed over by the aligner);
        ``progress`` hears the share of training links aligned (most of the time).

        This signal is left as it is: the copy belongs to the run that learned it, so one
        configured aligner can serve several runs at once."""
        good = [(a, b) for a, b, p in links if p >= self.min_score]
        if self.weight == 0 or len(good) < self.min_pairs:
            return self._with({})
        if len(good) > self.max_pairs:
            step = len(good) / self.max_pairs
            good = [good[int(k * step)] for k in range(self.max_pairs)]
        # each link's sentences are aligned on their own: half of them on a second core where the
        # run may use one (workbench/align/parallel.py), in the same order either way; this process
        # hears only of its own half, so its progress counts double then
        share = 2.0 if can_fork(len(good), PARALLEL_MIN_LINKS) else 1.0
        done = [0]

        def pairs_of(link: tuple[int, int]) -> list[tuple[list[str], list[str]]]:
            done[0] += 1
            if progress is not None and done[0] % 10 == 0:
                progress(min(1.0, share * done[0] / len(good)))
            return sentence_pairs(src[link[0]], tgt[link[1]], sentence_aligner)

        data = [p for found in split_map(pairs_of, good, min_work=PARALLEL_MIN_LINKS) for p in found]
        return self._with(learned_pairs(data, self.min_prob))

    def _with(self, lexicon: dict[str, set[str]]) -> LearnedLexiconSignal:
        out = copy.copy(self)
        out.lexicon = lexicon
        out._targets = frozenset(t for ts in lexicon.values() for t in ts)
        # features cached on units are keyed by signal id and version: a fresh version for every
        # lexicon, unique in the process (an id can be reused once the copy is gone)
        out.features_version = next(_LEXICON_VERSIONS)
        return out

    def prepares(self, unit: Unit) -> bool:
        # before it has learned (when the aligner prepares the units) every unit's features are
        # empty: extracting them ahead would only fill the caches with empty maps for a version no
        # evidence call asks again (the first pass runs without this signal); unit_tokens, which
        # the learned copy reads, is prepared by the aligner itself
        return bool(self.lexicon)

    def features(self, unit: Unit, side: str) -> Mapping[Hashable, float]:
        toks = unit_tokens(unit)
        # (dict.fromkeys: the same keys in the same order as a comprehension, without its loop)
        if side == "source":
            return dict.fromkeys(chain.from_iterable(map(self.lexicon.get, toks, repeat(()))), 1.0)
        return dict.fromkeys(filter(self._targets.__contains__, toks), 1.0)
