"""Orchestration: texts in, links out. The algorithms live in dp.py, costs.py and signals/.

``align_paragraphs`` aligns two lists of paragraphs (strings or :class:`~workbench.model.Paragraph`)
and returns :class:`~workbench.align.types.AlignedLink` with 0-based indices; ``realign_document``
does the same for a stored :class:`~workbench.model.Document`, keeps the confirmed links as they are
and returns :class:`~workbench.model.Link` objects ready for ``store.save_links``.

How one alignment runs:

1. prepare the units (labels parsed off, lengths counted, Hebrew put in matching form; on a long
   book the target side, with its features, in a second process: :mod:`workbench.align.parallel`)
   and cut the problem at the fixed links (two-sided ones are cut points, one-sided ones forced
   1-0 / 0-1);
2. estimate the length ratio from the totals (``AlignConfig.refit`` adds a first pass that
   re-estimates ratio and spread from its 1-1 links — off by default: no better on the benchmark);
   with a learning signal in the set (:class:`~workbench.align.signals.learned.LearnedLexiconSignal`,
   in the default set) a first pass runs without it and it learns from that pass's confident 1-1
   links; the second pass searches a band around the first pass's path (``guide_half``), reuses
   the first pass's evidence filtered to it and adds what was learned (on a long book in two
   halves cut after a sure link of the first pass, one on each core: :mod:`workbench.align.longbook`);
3. collect the pair evidence of every signal inside the band and search each piece in a band
   around the length diagonal; a best path that runs along the band's edge means the band was too
   narrow, so it is doubled and the piece searched again (small pieces are searched whole; a long
   book's first pass in two overlapping parts, one on each core, stitched where their paths meet:
   :mod:`workbench.align.longbook`, :mod:`workbench.align.stitch`);
4. in a narrow band around that path, compute every bead's posterior probability (forward-backward
   at ``AlignConfig.temperature``) and report the path whose links are likeliest right (maximum
   expected accuracy, ``AlignConfig.decode``), each link scored with its posterior;
5. take a second look at the doubtful stretches (links scored below ``AlignConfig.refine_below``,
   with their neighbours): solve each again with bead costs from the sentence alignment inside each
   candidate link (:mod:`workbench.align.refine`), keeping the fixed links and the unlinked
   paragraphs as they are; the links of a stretch are scored by that window's posteriors at
   ``AlignConfig.refine_temperature``.
"""

from __future__ import annotations

import copy
import math
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace

import numpy as np

from workbench.align import dp, longbook, misfits, refine, regroup
from workbench.align.costs import (
    PARAGRAPH_PRIORS,
    SENTENCE_PRIORS,
    BeadCosts,
    BeadEvidence,
    SpareMember,
    Unmatched,
    adapted_priors,
    pair_best,
    path_best,
    window_for_band,
)
from workbench.align.dp import BEADS, Band, Bead, Step
from workbench.align.drops import (
    BareMember,
    bare_edge,
    fold_candidates,
    split_folds,
    swap_candidates,
    swapped,
)
from workbench.align.longbook import Reuse as _Reuse
from workbench.align.longbook import halves as _halves
from workbench.align.longbook import held as _held
from workbench.align.longbook import part_of as _part_of
from workbench.align.parallel import split_map
from workbench.align.sentences import (
    SentenceAlignment,
    align_paragraph_sentences,
    align_text_sentences,
    paragraph_sentences,
)
from workbench.align.signals import default_signals
from workbench.align.signals.base import FeatureSignal, PairEvidence, Unit, Window, prepare
from workbench.align.signals.embedding import BeadSimilarity
from workbench.align.signals.learned import unit_tokens
from workbench.align.signals.length import LengthParams, LengthSignal, t_quartile
from workbench.align.stitch import length_diagonal as _diagonal
from workbench.align.sweep_kernel import corner_kernel
from workbench.align.types import AlignedLink
from workbench.align.woven import WIDE_SPREAD, learners_for_spread, lopsided
from workbench.errors import WorkbenchError
from workbench.model import Document, Link, Paragraph
from workbench.perf import gc_paused
from workbench.segment import rough_sentences

Progress = Callable[[float], None]
#: the bead types of the sentence dp the second look runs inside each window
_SENTENCE_BEADS: tuple[Bead, ...] = tuple(b for b in BEADS if SENTENCE_PRIORS.get(b, 0) > 0)
FixedLink = tuple[Sequence[int], Sequence[int]]


@dataclass(frozen=True)
class AlignConfig:
    """Search settings (frozen: an aligner's settings do not change under it). The defaults are for
    paragraphs; :data:`SENTENCE_CONFIG` for sentences."""

    beads: tuple[Bead, ...] = BEADS
    priors: dict[Bead, float] = field(default_factory=lambda: dict(PARAGRAPH_PRIORS))
    #: grids with at most this many cells are searched whole (no band)
    full_cells: int = 400_000
    #: half width of the first band (target units either side of the diagonal); None = automatic
    band_half: int | None = None
    #: re-estimate the length model from a first alignment and align again (off: the ratio of the
    #: totals and a fixed spread did as well on the benchmark, in half the time)
    refit: bool = False
    #: posterior temperature: fitted by maximum likelihood on held-out perturbed cases (seeds 11-15,
    #: tests/bench/align_bench.py prints the fit and the reliability table on seeds 1-5)
    temperature: float = 1.0
    #: half width of the band around the best path used for the posteriors
    posterior_half: int = 6
    #: half width of the second pass's band around the first pass's path (see ``Aligner._search``)
    guide_half: int = 16
    #: compute posteriors (scores); without them every score is 1.0 (and the path is Viterbi's)
    posteriors: bool = True
    #: "expected": report the path whose links are likeliest right (maximum expected accuracy, see
    #: :func:`workbench.align.dp.expected_accuracy_path`); "viterbi": the single cheapest path
    decode: str = "expected"
    #: what a link costs in expected-accuracy decoding (a link is kept when its posterior beats it):
    #: half the strict F1 the aligner reaches on the benchmark's dev cases (README, "Alignment
    #: figures"), the threshold at which a link raises expected F1. Raised with the aligner's F1
    #: from the value it had when the aligner was weaker: equal on the dev seeds, better on the
    #: held-out and extra seeds and the 10k book
    gamma: float = 0.485
    #: parse item labels off the units
    labels: bool = True
    #: learning signals (see signals/learned.py) learn only when both sides have this many units
    learn_min_units: int = 12
    #: solve the doubtful stretches again with sentence-level bead costs (see refine.py); the
    #: sentence aligners switch it off (their units have no sentences inside)
    refine: bool = True
    #: links scored below this are doubtful (0.6 and 0.7 measured alike; lower leaves fixable
    #: stretches alone, 0.8 and above re-decides sure ones for the worse) ...
    refine_below: float = 0.7
    #: ... and are solved again together with this many links either side
    refine_context: int = 1
    #: weight of the sentence alignment's cost against the paragraph bead prior (the middle of a
    #: plateau on the benchmark; at 1.0 sentence costs swamp the priors and merges multiply)
    refine_weight: float = 0.3
    #: a window with more paragraphs than this on either side is left as it is (a stretch that
    #: long is not a boundary in doubt but a region the length model lost)
    refine_max: int = 16
    #: ... or more sentence pairs than this (the sweeps hold one sentence grid per corner: a window
    #: of two 2,000-sentence paragraphs would need gigabytes, and is no boundary question anyway)
    refine_max_cells: int = 40_000
    #: link boundaries may move this many paragraphs (source plus target) from where the first
    #: decoding put them
    refine_reach: int = 2
    #: temperature of the scores of a stretch solved again (not of its decoding): sentence costs add
    #: up over many sentences, so the window's posteriors come out sharper than its links deserve.
    #: Chosen as the value with the lowest calibration error on every development set at once (the
    #: Zohar introduction's seeds and the Preface, Kuntres Mattan Torah and Zohar sets; the
    #: benchmark prints the sensitivity table): a value tuned on one book alone was sharper than
    #: the other books' links deserve
    refine_temperature: float = 1.5
    #: weight of the paragraph pass's embedding costs (pair evidence and bead score, the nats that
    #: pass charged) added to each paragraph bead of a stretch solved again: the sentence tables
    #: leave that signal out (a model run per sentence), so without it the second look re-decides
    #: with everything but the signal the document was embedded for (``Aligner._paragraph_only``);
    #: 0 leaves it out. Only where the embedding signal ran and the lengths spread wider than
    #: ``wide_spread`` (commentary woven in): elsewhere it cost *Mesillat Yesharim* links (README,
    #: "Commentary woven in")
    refine_embedding: float = 0.5
    #: nats against a member of a merged bead (2-1, 1-2, ...) that finds less pair evidence in the
    #: bead than a paragraph of its length has with its counterpart here: the 1-0 against 2-1 model
    #: (:class:`~workbench.align.costs.Unmatched`); 0 switches it off. On by default: where
    #: translations were dropped it gains on every other-genre set, and on the Baal HaSulam sets it
    #: measured equal or within a link (tests/bench/align_bench.py prints the table with it off
    #: beside the default). Twice this weight, or a share of 0.25, gained no more on the drops and
    #: lost more on the Introduction's held-out seeds; half of it lost the drops' gains
    unmatched_weight: float = 0.5
    #: ... counting a member as bare below this share of the expected evidence
    unmatched_share: float = 0.15
    #: ... a member counts as bare in full only where the bead's other members reach this many
    #: times their own line, in proportion below it (:class:`~workbench.align.costs.Unmatched`):
    #: a bead where nothing is found cannot say which member is the orphan. 0 switches it off;
    #: 0.25 and 4 moved single links on either side of 1 and 2, which measured the same
    unmatched_witness: float = 1.0
    #: nats against a source member of a merged bead that the bead's length does not need and
    #: that finds less than ``unmatched_spare_share`` of the evidence expected of it (the length
    #: model's half of 1-0 against 2-1, :class:`~workbench.align.costs.SpareMember`); 0 leaves it
    #: out. Not in the run's own passes: applied in the whole dp it broke one true merge of the
    #: Introduction's held-out seeds and, through the sentence route, lost on every regrouped
    #: row; so it is used only where the text keeps its paragraphs, the doubtful merges solved
    #: again with it afterwards (``Aligner._spare_folds``; README, "Dropped translations (1-0)").
    #: At 2.0 it lost on Mesillat Yesharim, at 0.7 it gained less
    unmatched_spare_weight: float = 1.0
    #: ... the share of the expected evidence below which such a member counts as bare
    unmatched_spare_share: float = 0.5
    #: ... and by how many nats the bead must fit the length model better without the member
    #: (0 lost a link on Mesillat Yesharim's drops, 0.25 to 1.0 held)
    unmatched_spare_margin: float = 0.5
    #: ... solved again (``Aligner._spare_folds``) around each merge of source paragraphs scored
    #: below this, with this many links either side; 0 switches that off
    spare_below: float = 0.9
    spare_context: int = 5
    #: ... only where fewer than this share of the links with both sides join paragraphs: a text
    #: paragraphed anew has true merges whose members the length does not need either. The
    #: benchmark's perturbed and drop-heavy cases have 6-27 %, its regrouped ones 9-74 % (most
    #: above 24 %); at 0.2 the Mishnah's drops lost the gain, at 0.25 no regrouped row moved
    spare_max_merges: float = 0.25
    #: ... and only in documents of fewer paragraphs than this (both sides): on the benchmark's
    #: 10,000-paragraph book the windows cost about 45 % more time (2-3 s) for +0.001 strict F1
    spare_max_units: int = 4000
    #: ... with the embedding's bead cosine built there from vectors centred on the document's
    #: mean (:func:`~workbench.align.signals.embedding.recentred`): a merge's unrelated member then
    #: adds next to nothing to the bead's cosine, where raw it raised it (README, "Dropped
    #: translations (1-0)"). Only where the document is embedded (the gate opened)
    spare_recentred: bool = True
    #: nats against each source member of a merged bead that the embedding finds unrelated to the
    #: bead's target side (:class:`~workbench.align.drops.BareMember`, the embedding's half of 1-0
    #: against 2-1): from ``bare_member_floor`` nats of the embedding's fitted ratio down (0: even
    #: odds, the member no likelier the bead's translation than an unrelated paragraph), in full
    #: ``bare_member_span`` below it; 0 switches it off. Silent where the embedding signal is (no
    #: embedder, or the default set's gate closed: no Baal HaSulam case), in regrouped texts and
    #: where the lengths spread wide. On the drop-heavy cases (seeds 1-5) weights 0.5 to 1.5 and
    #: floors 0 to 1 all gained on the literal Bavli and Mesillat Yesharim; 1.0 / 0 / 2 is inside
    #: that plateau, not its best point (README, "Dropped translations (1-0)")
    bare_member_weight: float = 1.0
    bare_member_floor: float = 0.0
    bare_member_span: float = 2.0
    #: where the default set's gated embedding signal was not consulted (a document sure enough of
    #: itself), a 1-0 link scored below ``lone_swap_below`` next to a 1-1 link of the adjacent
    #: paragraph gives that translation to the orphan when the orphan's embedding cosine with it is
    #: at least this much above the neighbour's (three paragraphs embedded, not the document; see
    #: ``Aligner._lone_swaps``); 0 switches it off. A raw cosine of the default embedder: on the
    #: table's cases (seeds 1-5) the swaps that were right stood 0.030 to 0.047 above, the readings
    #: already right under 0.5 at most 0.017 (0.025 at a 1-0 scored 0.91)
    lone_swap_margin: float = 0.025
    lone_swap_below: float = 0.5
    #: the same check for a translation left out and its paragraph folded into a merge: where the
    #: gated embedding signal was not consulted, a 2-1 (1-2) link scored below ``fold_split_below``
    #: has its members and their translation embedded, and a member at its edge whose cosine with
    #: the translation is at least ``fold_split_margin`` below every other member's stands alone as
    #: a 1-0 (0-1) link (``Aligner._split_folds``), if it is at least ``fold_split_share`` of the
    #: members' length (a short member has a low cosine with anything); 0 switches it off. On the
    #: perturbed and drop-heavy cases (seeds 1-30, links below 0.6) the orphans stood 0.040 to 0.068
    #: below at shares of 0.34 to 0.59 (one at 0.29, given up); true merges' members up to 0.087
    #: below, but at shares of 0.03 to 0.28, or 0.038 below at most (README, "Dropped translations (1-0)")
    fold_split_margin: float = 0.04
    fold_split_below: float = 0.6
    fold_split_share: float = 0.3
    #: where the gated embedding signal was not consulted, a link whose lengths the run's length
    #: model rejects (``|z|`` above this: two spreads, the usual line of a misfit) is doubtful
    #: however sure its posterior: the bead priors, not the content, may have held it (a 1-0 and a
    #: 1-2 read as two 1-1 links save 6.8 nats of prior against 3 to 7 of length). The stretch
    #: around it (``misfit_context`` links either side: the embedding's fit wants a neighbourhood
    #: of unrelated pairs) is solved again with the embedding, only its paragraphs embedded, and
    #: the new reading is taken where it leaves fewer misfits (``Aligner._misfits``); 0 switches it
    #: off. z 1.5 to 2.5 and contexts 5 to 20 all gained on the other genres' perturbed cases
    #: (seeds 6-30); on the Introduction's dev and held-out cases the links another context moves
    #: lie at the gold's known flaws and content mismatches (64:3, 21:2-22:2, 70:1), and at 10 none
    #: of them moves (README, "Alignment figures")
    misfit_z: float = 2.0
    misfit_context: int = 10
    #: re-estimate the bead priors from the first pass's path when it shows a text paragraphed
    #: differently on each side (see :func:`~workbench.align.costs.adapted_priors`): the second
    #: pass then also searches 3-2 and 2-3 beads, and 2-2, 3-1, 1-3 at the rates such a text has
    adapt_priors: bool = True
    #: re-estimate the length model's spread from the first pass's sure 1-1 links, and take it
    #: when wider (see ``Aligner._widen_length``)
    widen_length: bool = True
    #: ... when at least this share of the first pass's sure links are merges
    adapt_min_rate: float = 0.25
    #: where the spread ``widen_length`` finds is wider than this, the lengths say little
    #: (commentary woven into the translation) and the learned lexicon trains on links from a
    #: lower posterior (see :mod:`workbench.align.woven`); None: never
    wide_spread: float | None = WIDE_SPREAD
    #: ... and the length model is made lop-sided there: a translation far shorter than expected
    #: costs much, far longer (commentary) little (:func:`~workbench.align.woven.lopsided`)
    woven_length: bool = True
    #: a piece with at least this many paragraphs (both sides) has its second pass cut in two at a
    #: sure link of the first pass (see ``longbook.halves``), each half searched on its own core where two
    #: may be used (on one core the same cut: the same links); 0 never cuts
    split_min_units: int = 4000
    #: a piece with at least this many paragraphs (both sides) has its first pass searched in two
    #: parts cut by length that overlap by ``first_split_overlap`` source paragraphs, one on each
    #: core where two may be used, and stitched where their paths meet (see :mod:`~workbench.align.stitch`;
    #: on one core the same parts: the same links); 0 never cuts
    first_split_min_units: int = 4000
    first_split_overlap: int = 300
    #: the sentence-level route for a text paragraphed anew on each side (see
    #: :mod:`workbench.align.regroup`): the sentences of the whole document aligned, paragraph links
    #: made as the groups of paragraphs their links join (any n:m), taken stretch by stretch where
    #: surer than the paragraph dp's. True: always (``workbench align --regrouped``, for a text
    #: known to be regrouped); None (default): only where the evidence asks for it, a paragraph
    #: alignment unsure of itself (:func:`~workbench.align.regroup.doubtful`: a close translation
    #: is never re-done, nor slowed) whose sentence route comes out surer
    #: (:func:`~workbench.align.regroup.sentences_surer`) or shows the shape of a regrouped text
    #: (:func:`~workbench.align.regroup.regrouped_shape`); False: never. Skipped when there are
    #: fixed links, and where one side has several times the other's sentences
    #: (:func:`~workbench.align.regroup.sentences_comparable`)
    regroup: bool | None = None
    #: nats the sentence route charges a sentence bead for each paragraph boundary it runs across
    #: (:class:`~workbench.align.regroup.ParagraphBounds`)
    regroup_bounds: float = 2.0

    def __post_init__(self) -> None:
        if self.decode not in ("expected", "viterbi"):
            raise ValueError(f"decode must be 'expected' or 'viterbi', not {self.decode!r}")


#: the sentence aligner's settings: sentence priors, no labels, small enough to search whole, no
#: second look (a sentence has no sentences inside)
SENTENCE_CONFIG = AlignConfig(priors=dict(SENTENCE_PRIORS), labels=False, full_cells=4_000_000, refine=False,
                              regroup=False)
#: the settings the learned lexicon's training sentences are aligned with: only the path is needed
TRAINING_CONFIG = replace(SENTENCE_CONFIG, posteriors=False)

#: a book with at least this many paragraphs (both sides) has its units prepared on two cores, and
#: at least this many doubtful stretches are solved again on two (see workbench/align/parallel.py):
#: below, a fork and the way back cost more than the second core gains
PARALLEL_MIN_UNITS = 4000
PARALLEL_MIN_WINDOWS = 40


def _prepared(task: tuple[Sequence[str | Paragraph | Unit], str, bool, tuple[FeatureSignal, ...]]) -> list[Unit]:
    """One side's units with every feature signal's features that it prepares (``prepares``) and
    the learned lexicon's tokens (its features are extracted once it has learned) in their caches."""
    items, side, labels, feats = task
    units = prepare(items, labels=labels)
    for sig in feats:
        for u in units:
            if sig.prepares(u):
                sig._cached(u, side)
    for u in units:
        unit_tokens(u)
        u.cache.pop("words:hebrew", None)  # read by the features above; not to be carried back
        u.cache.pop("words:lower", None)  # (the numbers signal's and the learned tokens' split)
    return units


@dataclass(eq=False)
class AlignmentRun:
    """What one alignment run fits, learns and keeps between its passes, and its links.

    Owned by the run (:meth:`Aligner.run`): the configured :class:`Aligner` holds none of it."""

    su: list[Unit]
    tu: list[Unit]
    cuts: list[tuple[list[int], list[int]]]
    pieces: list[tuple[int, int, int, int]]
    del_src: np.ndarray
    del_tgt: np.ndarray
    #: the length model fitted on these texts
    params: LengthParams | None
    #: the pair signals of this run: the configured ones, the learning ones replaced by what they
    #: learned from this run's first pass
    pair_signals: tuple[object, ...]
    learning_signals: tuple[object, ...]
    report: _ProgressSplitter
    #: the first pass's evidence (a learning run only)
    reuse: _Reuse | None = None
    #: per piece, the first pass's path (the second pass searches around it)
    guides: list[list[Step] | None] = field(default_factory=list)
    #: bead priors re-estimated from the first pass (``AlignConfig.adapt_priors``), None: the configured ones
    priors: dict[Bead, float] | None = None
    #: the first pass's decoded beads with their posteriors (a learning run only)
    first_beads: list[tuple[Bead, float]] = field(default_factory=list)
    #: per piece, the first pass's decoded path with each step's posterior (a learning run only)
    first_paths: list[list[tuple[Step, float]]] = field(default_factory=list)
    links: list[AlignedLink] = field(default_factory=list)
    #: the length model's half of 1-0 against 2-1 (``AlignConfig.unmatched_spare_weight``) is on in
    #: this run's searches: only in the stretches ``Aligner._spare_folds`` solves again
    spare: bool = False
    #: per bead signal (its index in ``Aligner.bead_signals``), each side's mean vector over the
    #: document: that signal's bead model is built from vectors centred on them
    #: (``AlignConfig.spare_recentred``); None: as the signal builds it
    means: dict[int, tuple[np.ndarray, np.ndarray]] | None = None

    def __post_init__(self) -> None:
        if not self.guides:
            self.guides = [None] * len(self.pieces)


class Aligner:
    """Aligns two sequences of units with a given signal set and configuration.

    A configured aligner is never changed by aligning: what a run fits (the length model), learns
    (the learned lexicon) and keeps between its passes lives in that run's :class:`AlignmentRun`,
    so one aligner can serve several callers at once (a team server's threads)."""

    def __init__(self, signals: Iterable[object] | None = None, config: AlignConfig | None = None) -> None:
        sigs = tuple(default_signals() if signals is None else signals)
        self.signals = sigs
        self.config = config or AlignConfig()
        lengths = [s for s in sigs if isinstance(s, LengthSignal)]
        self.length: LengthSignal | None = lengths[0] if lengths else None
        self.pair_signals = tuple(s for s in sigs if not isinstance(s, LengthSignal) and hasattr(s, "evidence"))
        self.bead_signals = tuple(s for s in sigs if hasattr(s, "bead_model"))
        self.unit_signals = tuple(s for s in sigs if hasattr(s, "skip_evidence"))
        # signals that learn between the passes are pair signals; the others' evidence (and the bead
        # models) is computed once and reused by the second pass
        self.learners = tuple(s for s in sigs if hasattr(s, "learn"))
        self.static_signals = tuple(s for s in self.pair_signals if not hasattr(s, "learn"))
        self.learning_signals = tuple(s for s in self.pair_signals if hasattr(s, "learn"))

    # -- public ---------------------------------------------------------------------------------

    def align(
        self,
        src: Sequence[str | Paragraph | Unit],
        tgt: Sequence[str | Paragraph | Unit],
        *,
        fixed: Iterable[FixedLink] = (),
        progress: Progress | None = None,
    ) -> list[AlignedLink]:
        return self.run(src, tgt, fixed=fixed, progress=progress).links

    def run(
        self,
        src: Sequence[str | Paragraph | Unit],
        tgt: Sequence[str | Paragraph | Unit],
        *,
        fixed: Iterable[FixedLink] = (),
        progress: Progress | None = None,
    ) -> AlignmentRun:
        """Align, and keep what the run fitted and learned (for :meth:`explain`)."""
        # The run makes hundreds of thousands of small objects and no reference cycles; the cyclic
        # collector would only rescan them (a quarter of the time on a 10,000-paragraph book).
        with gc_paused():
            gated = [s for s in self.signals if _is_gated(s) and not _silent(s, len(src), len(tgt))]
            if gated:
                return self._gated(src, tgt, list(fixed), progress, min(s.doubtful_below for s in gated))
            return self._align(src, tgt, fixed, progress)

    def _gated(
        self,
        src: Sequence[str | Paragraph | Unit],
        tgt: Sequence[str | Paragraph | Unit],
        fixed: list[FixedLink],
        progress: Progress | None,
        below: float,
    ) -> AlignmentRun:
        """A signal that runs only where the evidence asks for it (``when="doubtful"``: the
        embedding signal of the default set, a model run per paragraph) is left out of a first
        alignment (run without the sentence route, whose own test is the same doubt); where that
        alignment is sure of itself (:func:`~workbench.align.regroup.doubtful` at ``below``) it
        stands and is not embedded (but see ``_lone_swaps`` below); where it is doubtful the document is aligned
        again with the whole set, the sentence route as usual. A text the evidence marks as
        regrouped (merge-heavy: :func:`~workbench.align.regroup.marked`) counts as doubtful:
        paragraphed anew, its links are where the embedding pays most. Where the first alignment
        stands, its doubtful 1-0 links next to a 1-1 of the adjacent paragraph are still checked
        with the embedding, a few paragraphs of it (``_lone_swaps``), and so are its doubtful merges
        (``_split_folds``), unless the text was said or found to be paragraphed anew."""
        plain = Aligner([s for s in self.signals if not _is_gated(s)], replace(self.config, regroup=False))
        first = plain._align(src, tgt, fixed, _scaled(progress, 0.0, 0.3), spare=False)
        if regroup.doubtful(first.links, below=below) or regroup.marked(first.links, self.config.regroup):
            return self._align(src, tgt, fixed, _scaled(progress, 0.3, 1.0))
        paragraphed = first.links
        if self.config.regroup is not False:  # its own test: below a lower ``below`` it may still run
            first.links = Aligner(plain.signals, self.config)._regrouped(first, first.links)
        # a text paragraphed anew (said to be, or found so) has merges of its own making
        kept = _same_links(first.links, paragraphed)  # the route took nothing
        anew = self.config.regroup is True or not kept
        if kept:
            first.links = plain._spare_folds(first, first.links)
        if not anew:  # the misfit windows are embedded: the rest of the bar is theirs
            first.links = self._misfits(first, first.links, _scaled(progress, 0.3, 1.0))
        first.links = self._lone_swaps(first, first.links)
        if not anew:
            first.links = self._split_folds(first, first.links)
        if progress is not None:
            progress(1.0)
        return first

    def _align(
        self,
        src: Sequence[str | Paragraph | Unit],
        tgt: Sequence[str | Paragraph | Unit],
        fixed: Iterable[FixedLink],
        progress: Progress | None,
        spare: bool = True,
    ) -> AlignmentRun:
        """One alignment with the configured signals; ``spare``: where the text keeps its paragraphs
        (the sentence route took nothing), the doubtful merges are solved again with the length
        model's half of 1-0 against 2-1 (``_spare_folds``)."""
        feats = tuple(s for s in self.pair_signals if isinstance(s, FeatureSignal) and s.weight)
        su, tu = split_map(_prepared, [(src, "source", self.config.labels, feats), (tgt, "target", self.config.labels, feats)],
                           work=len(src) + len(tgt), min_work=PARALLEL_MIN_UNITS)  # fmt: skip
        n, m = len(su), len(tu)
        cuts, del_src, del_tgt = _plan_fixed(fixed, n, m)
        pieces = _pieces(cuts, n, m)
        learning = bool(self.learners) and min(n, m) >= self.config.learn_min_units
        run = AlignmentRun(
            su, tu, cuts, pieces, del_src, del_tgt,
            params=self.length.fit(su, tu) if self.length is not None else None,
            pair_signals=self.pair_signals, learning_signals=self.learning_signals,
            report=_ProgressSplitter(progress, pieces, two_pass=self._two_pass(n, m) or learning),
        )  # fmt: skip
        if self._two_pass(n, m) and self.length is not None and run.params is not None:
            self._refit(run)
        if learning:
            # learning signals are silent as configured, so the first pass runs without them
            run.reuse = {}
            ones = self._first_pass(run)
            # the spread first: where it is wide, learning trains on more links (woven.py)
            if self.config.widen_length and self.length is not None and run.params is not None:
                self._widen_length(run, ones)
            self._learn(run, ones)
            if self.config.adapt_priors:
                # the first pass's sure links: a pass that is lost (a length model that does not fit,
                # no shared words) makes merges it is not sure of, and is no evidence of regrouping
                counts = Counter(b for b, p in run.first_beads if p >= 0.5)
                run.priors = adapted_priors(self._priors(), counts, min_rate=self.config.adapt_min_rate)
        links = self._final_pass(run)
        if self.config.refine and self.config.posteriors:
            links = self._refine(run, links, _frozen(links, cuts, del_src, del_tgt))
        kept = True
        if self.config.regroup is not False:
            routed = self._regrouped(run, links)
            kept = _same_links(routed, links)
            links = routed
        if kept and spare:
            links = self._spare_folds(run, links)
        if progress is not None:
            progress(1.0)
        run.links = links
        return run

    def _refit(self, run: AlignmentRun) -> None:
        """``AlignConfig.refit``: the length model re-estimated from a first alignment's 1-1 links."""
        assert self.length is not None and run.params is not None
        ones: list[tuple[int, int]] = []
        for k, (s0, _s1, t0, _t1) in enumerate(run.pieces):
            path, _band, _cost = self._search(run, k, run.report.part(0, k))
            ones += [(s0 + st.i - 1, t0 + st.j - 1) for st in path if st.ds == 1 and st.dt == 1]
        ls = LengthSignal.lengths(run.params, [run.su[a] for a, _b in ones], "source")
        lt = LengthSignal.lengths(run.params, [run.tu[b] for _a, b in ones], "target")
        run.params = self.length.refit(run.params, ls, lt)

    def _widen_length(self, run: AlignmentRun, ones: list[tuple[int, int, float]]) -> None:
        """``AlignConfig.widen_length``: the length model's spread re-estimated (median absolute
        deviation) from the first pass's 1-1 links, and taken when it is wider than the configured
        one (never narrower: where lengths agree, as in a close translation, the default spread
        measured best). A translation with commentary woven in runs 1.2 to 6 times its original from
        one paragraph to the next (the Talmud set's spread is 0.55 against the default 0.2); at the
        default spread its length cost overrules every other signal. All the 1-1 links count, not
        only the sure ones: where the length model does not fit, few links are sure, and even a
        wrong 1-1 link shows how far lengths stray. Where the spread comes out wider than
        ``AlignConfig.wide_spread`` (commentary woven in), the model is also made lop-sided from
        the same links (``AlignConfig.woven_length``, :func:`~workbench.align.woven.lopsided`)."""
        assert self.length is not None and run.params is not None
        pairs = [(a, b) for a, b, _p in ones]
        if len(pairs) < 12:
            return
        ls = LengthSignal.lengths(run.params, [run.su[a] for a, _b in pairs], "source")
        lt = LengthSignal.lengths(run.params, [run.tu[b] for _a, b in pairs], "target")
        fitted = LengthSignal(ratio=run.params.ratio, sigma_bounds=(0.06, 1.0)).refit(run.params, ls, lt)
        if fitted.sigma > run.params.sigma:
            run.params = replace(run.params, sigma=fitted.sigma)
        if self.config.woven_length:
            run.params = lopsided(run.params, ls, lt, spread=self.config.wide_spread)

    def _first_pass(self, run: AlignmentRun) -> list[tuple[int, int, float]]:
        """The first pass before learning: its paths guide the second pass, its evidence is kept
        for it (``run.reuse``); returns its decoded 1-1 links with their posteriors."""
        ones: list[tuple[int, int, float]] = []
        for k, (s0, _s1, t0, _t1) in enumerate(run.pieces):
            split = self._first_split(run, k)
            if split is None:
                path, band, cost = self._search(run, k, run.report.part(0, k), reuse=run.reuse)
                run.guides[k] = path
                path, scores = self._decode(band, cost, path, run)
            else:
                run.guides[k], path, scores = split
            ones += [(s0 + st.i - 1, t0 + st.j - 1, p) for st, p in zip(path, scores, strict=True) if st.ds == st.dt == 1]
            run.first_beads += [((st.ds, st.dt), p) for st, p in zip(path, scores, strict=True)]
            run.first_paths.append(list(zip(path, scores, strict=True)))
        return ones

    def _first_split(self, run: AlignmentRun, k: int) -> tuple[list[Step], list[Step], list[float]] | None:
        """A long piece's first pass in two overlapping parts, one per core (see
        :func:`~workbench.align.longbook.first_split`); None where it is searched whole."""
        return longbook.first_split(self, run, k, min_work=PARALLEL_MIN_UNITS)

    def _learn(self, run: AlignmentRun, ones: list[tuple[int, int, float]]) -> None:
        """Each learning signal learns from the first pass's links; the run keeps what they learned
        (the configured signals stay as they are). They are handed the sentence aligner to use."""
        learn_report = run.report.learn_part()
        trainer = Aligner(default_signals(embed=False, learn=False), TRAINING_CONFIG)
        sigma = run.params.sigma if run.params is not None else None
        learners = learners_for_spread(self.learners, sigma, spread=self.config.wide_spread)
        learned = {
            id(sig): use.learn(
                run.su, run.tu, ones, sentence_aligner=trainer, progress=_sub_progress(learn_report, k, len(self.learners))
            )
            for k, (sig, use) in enumerate(zip(self.learners, learners, strict=True))
        }
        run.pair_signals = tuple(learned.get(id(s), s) for s in self.pair_signals)
        run.learning_signals = tuple(learned.get(id(s), s) for s in self.learning_signals)

    def _final_pass(self, run: AlignmentRun) -> list[AlignedLink]:
        """The reported links: each piece searched (around the first pass's path when there was one),
        decoded, with the fixed links between the pieces."""
        links: list[AlignedLink] = []
        for k, (s0, _s1, t0, _t1) in enumerate(run.pieces):
            if k > 0:
                cs, ct = run.cuts[k - 1]
                links.append(AlignedLink(list(cs), list(ct), 1.0))
            # a long book's piece is cut at a sure link of the first pass, and its halves are
            # searched on two cores (the cut is made on one core too: the same links either way)
            parts = _halves(run.first_paths[k] if k < len(run.first_paths) else [], run.guides[k],
                            (s0, _s1, t0, _t1), self.config.split_min_units)  # fmt: skip
            # the progress bar hears of the first part only (the second may run in another process)
            jobs = [(k, part, run.report.part(1, k) if not x else None) for x, part in enumerate(parts)]
            found = split_map(lambda job: longbook.final_part(self, run, *job), jobs, work=(_s1 - s0) + (_t1 - t0),
                              min_work=PARALLEL_MIN_UNITS)  # fmt: skip
            for source, target, p in (x for part in found for x in part):
                al = AlignedLink(source=source, target=target, score=p)
                if (al.source and not al.target and run.del_src[al.source[0]]) or (
                    al.target and not al.source and run.del_tgt[al.target[0]]
                ):
                    al.score = 1.0  # a confirmed 1-0 / 0-1
                links.append(al)
        return links

    def explain(
        self,
        src: Sequence[str | Paragraph | Unit],
        tgt: Sequence[str | Paragraph | Unit],
        link: AlignedLink,
        context: int = 64,
        *,
        run: AlignmentRun | None = None,
    ) -> dict[str, float]:
        """Cost parts of one link in nats (negative = evidence for it): prior, length, each signal.

        ``src``/``tgt`` are the full texts the link's indices refer to (the length model is fitted
        on them, and rarity of shared features is judged within ``context`` paragraphs); for the
        editor's "why is this linked?". The learned lexicon counts only with the ``run`` that
        learned it (:meth:`run` of these texts); without one its part is 0. With the ``run``, the
        length model and the priors are the ones that run fitted (re-centred, widened where the
        lengths stray, priors adapted), so the parts are the costs the link was chosen by: refitted
        afresh at the default spread, a translation with commentary woven in (spread 0.3-0.57)
        would have its length part overstated several times over.
        """
        su = prepare(src, labels=self.config.labels)
        tu = prepare(tgt, labels=self.config.labels)
        ds, dt = len(link.source), len(link.target)
        bead = (ds, dt)
        priors = self._priors(run)
        out: dict[str, float] = {"prior": -math.log(priors[bead])} if bead in priors else {}
        if not (ds and dt):
            return out
        s0, t0 = link.source[0], link.target[0]
        params = run.params if run is not None and run.params is not None else (
            self.length.fit(su, tu) if self.length is not None else None)  # fmt: skip
        costs = BeadCosts(
            LengthSignal.lengths(params, su, "source"), LengthSignal.lengths(params, tu, "target"),
            length=self.length, params=params, evidence=None, priors={bead: 1.0},
        )
        out.update({k: v for k, v in costs.parts(ds, dt, s0 + ds, t0 + dt).items() if k != "prior"})
        a0, a1 = max(0, s0 - context), min(len(su), s0 + ds + context)
        b0, b1 = max(0, t0 - context), min(len(tu), t0 + dt + context)
        # expected target of each source paragraph in the context: aligned with the link's offsets
        center = np.clip(np.arange(a1 - a0) - (s0 - a0) + (t0 - b0), 0, b1 - b0 - 1)
        win = Window.full(a1 - a0, b1 - b0, center=center)
        for sig in self.pair_signals if run is None else run.pair_signals:
            ev = sig.evidence(su[a0:a1], tu[b0:b1], win)
            inside = (
                (ev.src >= s0 - a0) & (ev.src < s0 - a0 + ds) & (ev.tgt >= t0 - b0) & (ev.tgt < t0 - b0 + dt)
            )
            out[sig.name] = -float(ev.score[inside].sum()) if len(ev) else 0.0
        for bsig in self.bead_signals:
            model = bsig.bead_model(su[a0:a1], tu[b0:b1], win)
            if model is not None:
                cell = model(ds, dt, np.array([s0 - a0 + ds]), np.array([[t0 - b0 + dt]]))
                # a signal that is both (the embedding's pairs and bead): its two parts add up
                out[bsig.name] = out.get(bsig.name, 0.0) + float(np.asarray(cell).ravel()[0])
        return out

    # -- internals ------------------------------------------------------------------------------

    def _two_pass(self, n: int, m: int) -> bool:
        return self.config.refit and self.length is not None and min(n, m) >= 12

    def _priors(self, run: AlignmentRun | None = None) -> dict[Bead, float]:
        if run is not None and run.priors is not None:
            return run.priors
        pri = {b: self.config.priors.get(b, 0.0) for b in self.config.beads}
        return {b: p for b, p in pri.items() if p > 0}

    def _beads(self, run: AlignmentRun | None = None) -> tuple[Bead, ...]:
        pri = self._priors(run)
        extra = tuple(b for b in pri if b not in self.config.beads)
        return tuple(b for b in self.config.beads if b in pri) + extra

    def _search(
        self,
        run: AlignmentRun,
        piece: int,
        progress: Progress | None,
        *,
        reuse: _Reuse | None = None,
        guide: list[Step] | None = None,
        bounds: tuple[int, int, int, int] | None = None,
    ) -> tuple[list[Step], Band, dp.CostFn]:
        """Best path for one piece (src[s0:s1] x tgt[t0:t1]), widening the band until it fits.

        ``reuse`` keeps the evidence of the signals that do not learn, per piece, for the second
        pass: only the learning signals' evidence is new there. ``guide`` is the first pass's path:
        what was learned moves links locally, so the second pass searches a band around that path
        (``guide_half`` columns either side, widened like any band when the path nears its edge)
        rather than the wide band around the length diagonal; its evidence is the first pass's,
        filtered to the narrower window (the evidence of a pair does not depend on the window).
        ``bounds``: search only this part of the piece (a half, see :func:`~workbench.align.longbook.halves`), with the
        piece's evidence cut to it."""
        s0, s1, t0, t1 = run.pieces[piece] if bounds is None else bounds
        params, del_src, del_tgt = run.params, run.del_src, run.del_tgt
        n, m = s1 - s0, t1 - t0
        S, T = run.su[s0:s1], run.tu[t0:t1]
        beads = self._beads(run)
        if n == 0 or m == 0:
            path = [Step(i, 0, 1, 0) for i in range(1, n + 1)] + [Step(0, j, 0, 1) for j in range(1, m + 1)]
            return path, Band.full(n, m), _constant_cost
        src_len = LengthSignal.lengths(params, S, "source")
        tgt_len = LengthSignal.lengths(params, T, "target")
        if (n + 1) * (m + 1) <= self.config.full_cells:
            half = None
        else:
            half = self.config.band_half or 24 + int(math.sqrt(max(n, m)) / 3)
        margin = self.config.posterior_half + 2
        diag = _diagonal(src_len, tgt_len)
        if bounds is not None and bounds != run.pieces[piece]:
            # a part keeps the whole piece's diagonal: the expected positions the evidence was
            # weighed by (the rarity of a feature near them)
            P = run.pieces[piece]
            whole = _diagonal(LengthSignal.lengths(params, run.su[P[0] : P[1]], "source"),
                              LengthSignal.lengths(params, run.tu[P[2] : P[3]], "target"))  # fmt: skip
            diag = np.clip(whole[s0 - P[0] : s1 - P[0] + 1] - (t0 - P[2]), 0, m)
        # expected target position of each source unit: the diagonal at the unit's middle
        center = np.minimum((diag[:-1] + diag[1:]) // 2, m - 1)
        guided = guide is not None and half is not None
        if guided:
            half = self.config.guide_half
        while True:
            if half is None:
                band = Band.full(n, m)
            elif guided:
                band = Band.around_path(guide, half, n, m)
            else:
                band = Band.around(diag, half, n, m)
            window = window_for_band(band, center, beads)
            key = (s0, s1, t0, t1)
            kept = reuse.get(key) if reuse is not None else None
            if kept is None and reuse is not None and bounds is not None and bounds != run.pieces[piece]:
                kept = _part_of(reuse.get(run.pieces[piece]), run.pieces[piece], bounds)
            if kept is None and reuse and bounds is not None:
                kept = _held(reuse, run.pieces[piece], bounds)
            if kept is not None and _inside(window, kept[0]):
                static = [ev.within(window) for ev in kept[1]]
                models = kept[2]
            else:
                static = [sig.evidence(S, T, window) for sig in self.static_signals]
                means = run.means or {}
                models = [sig.bead_model(S, T, window, means=means[k]) if k in means else sig.bead_model(S, T, window)
                          for k, sig in enumerate(self.bead_signals)]  # fmt: skip
                if reuse is not None:
                    reuse[key] = (window, static, models)
            learned = [sig.evidence(S, T, window) for sig in run.learning_signals]
            ev = PairEvidence.concat([*static, *learned])
            evidence = BeadEvidence(n, m, window, ev)
            cost = BeadCosts(
                src_len, tgt_len,
                length=self.length, params=params,
                evidence=evidence, priors=self._priors(run),
                del_src=del_src[s0:s1], del_tgt=del_tgt[t0:t1],
                skip_src=self._skip(S), skip_tgt=self._skip(T),
                bead_models=[mdl for mdl in models if mdl is not None] + self._unmatched(run, S, T, ev, evidence, guide)
                + self._bare_member(run, models, guide),
            )
            try:
                path, _total = dp.viterbi(band, cost, beads, progress)
            except ValueError:
                if band.is_full:
                    raise WorkbenchError("no alignment satisfies the fixed links") from None
                half = 2 * (half or 1)
                continue
            if band.is_full or not band.near_edge(path, margin):
                return path, band, cost
            half = 2 * (half or 1)

    def _regrouped(self, run: AlignmentRun, links: list[AlignedLink]) -> list[AlignedLink]:
        """``AlignConfig.regroup``: the sentence route's links where the evidence asks for them (see
        regroup.py: :func:`~workbench.align.regroup.taken_unasked`).
        Fixed links are left to the paragraph route (the sentence route would have to cut at them)."""
        if run.cuts or run.del_src.any() or run.del_tgt.any() or not self.config.posteriors or not run.su or not run.tu:
            return links
        asked = self.config.regroup is True
        if not asked and not regroup.worth_trying(links):
            return links
        ss, s_owner = regroup.sentence_units(run.su)
        ts, t_owner = regroup.sentence_units(run.tu)
        if not regroup.sentences_comparable(len(ss), len(ts)):
            return links
        priors = regroup.route_priors(ss, ts)  # longer one-sided beads where a side's units need them
        config = replace(SENTENCE_CONFIG, beads=tuple(priors), priors=priors)
        sentences = Aligner([*map(_ungated, self.signals), regroup.ParagraphBounds(self.config.regroup_bounds)],
                            config).align(ss, ts)
        groups = regroup.components(sentences, s_owner, t_owner)
        # groups joined without a crossing link, where the embedding took part in the route (without
        # it those joins were wrong about as often as right: regroup.CLEAN_JOIN_FIT)
        embedded = any(hasattr(s, "unit_vectors") and not _silent(s, len(ss), len(ts)) for s in self.signals)
        clean = regroup.uncrossed(sentences, s_owner, t_owner) if embedded else None
        # the length has its say only on a doubtful alignment: asked for on a text that keeps its
        # paragraphs (a close translation, links 0.93-0.99 on average) it took stretches the sentence
        # route got wrong (without this, --regrouped on the Zohar introduction's perturbed cases: 0.962 -> 0.840)
        misfit = self._length_misfit(run) if regroup.worth_trying(links) else None
        if not asked and not regroup.taken_unasked(links, sentences, groups, s_owner, t_owner):
            # turned down as a whole, the route still takes the stretches the length marks (merge_routes)
            return regroup.merge_routes(links, groups, misfit=misfit, by_score=False, clean=clean) if misfit else links
        return regroup.merge_routes(links, groups, misfit=misfit, clean=clean)

    def _length_misfit(self, run: AlignmentRun) -> Callable[[AlignedLink], float] | None:
        """A link's ``|z|`` under the run's length model (for :func:`~workbench.align.regroup.merge_routes`)."""
        if self.length is None or run.params is None:
            return None
        length, params = self.length, run.params
        ls = LengthSignal.lengths(params, run.su, "source")
        lt = LengthSignal.lengths(params, run.tu, "target")
        return lambda lk: abs(length.z(params, float(ls[lk.source].sum()), float(lt[lk.target].sum())))

    def _unmatched(self, run: AlignmentRun, S: Sequence[Unit], T: Sequence[Unit], ev: PairEvidence,
                   evidence: BeadEvidence, guide: list[Step] | None) -> list[dp.CostFn]:  # fmt: skip
        """The 1-0 against 2-1 model (:class:`~workbench.align.costs.Unmatched`), when it is on: in
        the pass that has the learned lexicon (the static signals alone are too sparse to expect
        evidence of every paragraph), or in the only pass when nothing is learned."""
        if not self.config.unmatched_weight or (run.reuse is not None and guide is None):
            return []
        best_s, best_t = pair_best(ev, len(S), len(T)) if guide is None else path_best(evidence.s, guide, len(S), len(T))
        spare = None
        if run.spare and self.config.unmatched_spare_weight and self.length is not None and run.params is not None:
            lsig, prm = self.length, run.params
            spare = SpareMember(lambda a, b: lsig.cost(prm, a, b), LengthSignal.lengths(prm, S, "source"),
                                LengthSignal.lengths(prm, T, "target"), weight=self.config.unmatched_spare_weight,
                                share=self.config.unmatched_spare_share, margin=self.config.unmatched_spare_margin)
        model = Unmatched(evidence.s, np.array([u.length for u in S]), np.array([u.length for u in T]), best_s, best_t,
                          self.config.unmatched_weight, self.config.unmatched_share, spare=spare,
                          witness=self.config.unmatched_witness)  # fmt: skip
        return [model] if model.active else []

    def _woven(self, run: AlignmentRun) -> bool:
        """Whether the spread ``widen_length`` found is wider than ``AlignConfig.wide_spread``: a
        translation with commentary woven in, whose lengths say little."""
        wide = self.config.wide_spread
        return wide is not None and run.params is not None and run.params.sigma > wide

    def _bare_member(self, run: AlignmentRun, models: Sequence[object], guide: list[Step] | None) -> list[dp.CostFn]:
        """The embedding's side of 1-0 against 2-1 (:class:`~workbench.align.drops.BareMember`) on the
        embedding signal's bead model, when it is on: in the pass the 1-0 model runs in
        (``_unmatched``), in a text that keeps its paragraphs (its first pass did not re-estimate
        the priors) and whose lengths still say something (the spread ``widen_length`` found is
        not wide: no commentary woven in). Its scores are the model's without it (``_decode``)."""
        cfg = self.config
        if not cfg.bare_member_weight or (run.reuse is not None and guide is None) or run.priors is not None:
            return []
        if self._woven(run):
            return []
        bare = [BareMember(mdl, weight=cfg.bare_member_weight, floor=cfg.bare_member_floor, span=cfg.bare_member_span)
                for mdl in models if isinstance(mdl, BeadSimilarity)]  # fmt: skip
        return [b for b in bare if b.active]

    def _lone_swaps(self, run: AlignmentRun, links: list[AlignedLink]) -> list[AlignedLink]:
        """Where the gated embedding signal was not consulted (the document stood without it), the
        doubtful 1-0 links next to a 1-1 of the adjacent paragraph (:func:`~workbench.align.drops.swap_candidates`)
        are checked with it: only the orphan, its neighbour and the neighbour's translation are
        embedded, and the translation goes to the orphan where the orphan's cosine with it is
        ``AlignConfig.lone_swap_margin`` above the neighbour's (README, "Dropped translations (1-0)")."""
        cfg = self.config
        if not cfg.lone_swap_margin:
            return links
        cands = swap_candidates(links, cfg.lone_swap_below, _frozen(links, run.cuts, run.del_src, run.del_tgt))
        if not cands:
            return links
        cos = self._few_cosines(run, [i for c in cands for i in (c.orphan, c.neighbour)], [c.target for c in cands])
        if cos is None:
            return links
        gain = [cos(c.orphan, c.target) - cos(c.neighbour, c.target) for c in cands]
        # the clearest first: a 1-0 with two candidate neighbours takes the one its translation is likelier
        chosen = [c for g, c in sorted(zip(gain, cands, strict=True), key=lambda x: -x[0]) if g >= cfg.lone_swap_margin]
        return swapped(links, chosen)

    def _misfits(self, run: AlignmentRun, links: list[AlignedLink],
                 progress: Progress | None = None) -> list[AlignedLink]:  # fmt: skip
        """Where the gated embedding signal was not consulted, the links whose lengths the run's
        length model rejects (:func:`~workbench.align.misfits.misfit_windows`: ``|z|`` above
        ``AlignConfig.misfit_z``) are solved again with it, each with ``misfit_context`` links
        either side: only those paragraphs are embedded, and the window is searched with the
        run's own length model, priors and learned lexicon, the embedding's pair evidence and
        bead model added (fitted on the window), then given the second look (``_refine``) as the
        run's links were; the links either side stay as they are. Inside a window the new
        reading replaces a stretch only where that stretch held a misfit and the new reading has
        fewer (:func:`~workbench.align.misfits.chosen`): the lengths asked the question, and a
        reading they reject as much is no answer."""
        cfg = self.config
        if not cfg.misfit_z or not cfg.posteriors or not any(_is_gated(s) for s in self.signals):
            return links
        misfit = self._length_misfit(run)
        if misfit is None:
            return links
        frozen = _frozen(links, run.cuts, run.del_src, run.del_tgt)
        flags = misfits.misfit_flags(links, misfit, cfg.misfit_z)
        windows = misfits.misfit_windows(flags, cfg.misfit_context, frozen)
        if not windows:
            return links
        embedded = Aligner([_ungated(s) for s in self.signals], self.config)
        if not embedded.bead_signals:
            return links
        solved = [((a, b), misfits.chosen(links[a:b], new, flags[a:b], misfits.misfit_flags(new, misfit, cfg.misfit_z)))
                  for (a, b), new in embedded._solve_windows(run, links, windows, progress)]  # fmt: skip
        return misfits.replaced(links, solved)

    def _solve_windows(self, run: AlignmentRun, links: list[AlignedLink], windows: list[tuple[int, int]],
                       progress: Progress | None = None, *, spare: bool = False,
                       means: dict[int, tuple[np.ndarray, np.ndarray]] | None = None
                       ) -> list[tuple[tuple[int, int], list[AlignedLink]]]:  # fmt: skip
        """Each range ``[a, b)`` of ``links`` searched again on its own, with this aligner's
        signals and the run's length model, priors and learned lexicon (``spare``: with the length
        model's half of 1-0 against 2-1; ``means``: :attr:`AlignmentRun.means`), decoded and given
        the second look as the run's links were: the new links of each range that covers
        paragraphs on both sides."""
        spans = [misfits.span(links[a:b]) for a, b in windows]
        keep = [(w, sp) for w, sp in zip(windows, spans, strict=True) if sp is not None]
        if not keep:
            return []
        sub = replace(run, cuts=[], pieces=[sp for _w, sp in keep], guides=[], reuse=None, first_paths=[],
                      report=_ProgressSplitter(None, [sp for _w, sp in keep], False), spare=spare,
                      means=means)  # fmt: skip
        solved = []
        for k, ((a, b), (s0, _s1, t0, _t1)) in enumerate(keep):
            if progress is not None:
                progress(k / len(keep))
            path, band, cost = self._search(sub, k, None)
            path, scores = self._decode(band, cost, path, sub)
            new = [AlignedLink(list(range(s0 + st.i - st.ds, s0 + st.i)), list(range(t0 + st.j - st.dt, t0 + st.j)), p)
                   for st, p in zip(path, scores, strict=True)]  # fmt: skip
            if self.config.refine:
                new = self._refine(sub, new, [False] * len(new))
            solved.append(((a, b), new))
        return solved

    def _spare_folds(self, run: AlignmentRun, links: list[AlignedLink]) -> list[AlignedLink]:
        """Where the text keeps its paragraphs (the sentence route took nothing, and fewer than
        ``AlignConfig.spare_max_merges`` of the links join paragraphs) and its lengths say
        something (not :meth:`_woven`), each doubtful merge of source paragraphs (scored below
        ``AlignConfig.spare_below``) is solved again with ``spare_context`` links either side, the
        length model's half of 1-0 against 2-1 on (``AlignConfig.unmatched_spare_weight``,
        :class:`~workbench.align.costs.SpareMember`). The new reading of a stretch is taken only
        where it holds fewer merges of source paragraphs than the doubtful ones it replaces
        (:func:`~workbench.align.misfits.chosen`): a window solved on its own is not the whole
        pass (its evidence expectations are the window's), and elsewhere it moved links the
        check was not about (two of the Preface's and the Introduction's held-out seeds). Not in the run's
        own passes: a regrouped text's true merges have members the length does not need either,
        and the sentence route, which weighs the paragraph links, lost on them (README, "Dropped
        translations (1-0)")."""
        cfg = self.config
        if not (cfg.unmatched_spare_weight and cfg.unmatched_weight and cfg.spare_context and cfg.posteriors):
            return links
        if self.length is None or run.params is None or self._woven(run):
            return links
        if len(run.su) + len(run.tu) >= cfg.spare_max_units:
            return links
        both = [lk for lk in links if lk.source and lk.target]
        if regroup.joins(both) >= cfg.spare_max_merges * max(len(both), 1):
            return links
        frozen = _frozen(links, run.cuts, run.del_src, run.del_tgt)
        flags = [len(lk.source) >= 2 and bool(lk.target) and lk.score < cfg.spare_below for lk in links]
        windows = misfits.misfit_windows(flags, cfg.spare_context, frozen)
        if not windows:
            return links
        means = self._document_means(run) if cfg.spare_recentred else None
        solved = [((a, b), misfits.chosen(links[a:b], new, flags[a:b], [len(lk.source) >= 2 for lk in new]))
                  for (a, b), new in self._solve_windows(run, links, windows, spare=True, means=means)]  # fmt: skip
        return misfits.replaced(links, solved)

    def _document_means(self, run: AlignmentRun) -> dict[int, tuple[np.ndarray, np.ndarray]] | None:
        """:attr:`AlignmentRun.means` for the bead signals that have them (the embedding's, where
        the document is embedded: the gate opened), None where none has."""
        out = {}
        for k, sig in enumerate(self.bead_signals):
            means = sig.document_means(run.su, run.tu) if hasattr(sig, "document_means") else None
            if means is not None:
                out[k] = means
        return out or None

    def _few_cosines(self, run: AlignmentRun, src: Iterable[int], tgt: Iterable[int]) -> Callable[[int, int], float] | None:
        """The gated embedding signal's cosine of source unit i and target unit j, with only the
        units named embedded (the checks of a document that stood without the signal look at a few
        paragraphs, never the whole); None where there is no such signal or no embedder."""
        signal = next((s for s in self.signals if _is_gated(s) and hasattr(s, "unit_vectors")), None)
        if signal is None:
            return None
        si, tj = sorted(set(src)), sorted(set(tgt))
        vs, vt = signal.unit_vectors([run.su[i] for i in si]), signal.unit_vectors([run.tu[j] for j in tj])
        if vs is None or vt is None:
            return None
        at_s, at_t = {i: k for k, i in enumerate(si)}, {j: k for k, j in enumerate(tj)}
        return lambda i, j: float(vs[at_s[i]] @ vt[at_t[j]])

    def _split_folds(self, run: AlignmentRun, links: list[AlignedLink]) -> list[AlignedLink]:
        """Where the gated embedding signal was not consulted, the doubtful merges of one paragraph
        on the other side (:func:`~workbench.align.drops.fold_candidates`) are checked with it: only
        their paragraphs are embedded, and a member at the merge's edge that stands
        ``AlignConfig.fold_split_margin`` below the others in cosine with the translation, and is
        no short member (``fold_split_share`` of their length), is split off as a lone link
        (:func:`~workbench.align.drops.bare_edge`; README, "Dropped translations (1-0)")."""
        cfg = self.config
        if not cfg.fold_split_margin:
            return links
        folds = fold_candidates(links, cfg.fold_split_below, _frozen(links, run.cuts, run.del_src, run.del_tgt))
        if not folds:
            return links
        cos = self._few_cosines(run, [i for f in folds for i in (f.members if f.source else (f.other,))],
                                [j for f in folds for j in ((f.other,) if f.source else f.members)])  # fmt: skip
        if cos is None:
            return links
        splits = []
        for f in folds:
            sims = [cos(m, f.other) if f.source else cos(f.other, m) for m in f.members]
            lengths = [(run.su if f.source else run.tu)[m].length for m in f.members]
            at = bare_edge(sims, lengths, cfg.fold_split_margin, cfg.fold_split_share)
            if at is not None:
                splits.append((f, at))
        return split_folds(links, splits)

    def _skip(self, units: Sequence[Unit]) -> np.ndarray | None:
        if not self.unit_signals:
            return None
        return np.sum([sig.skip_evidence(units) for sig in self.unit_signals], axis=0)

    def _refine(self, run: AlignmentRun, links: list[AlignedLink], frozen: list[bool]) -> list[AlignedLink]:
        """Solve the doubtful runs of links again with sentence-level bead costs (see refine.py)."""
        cfg = self.config
        runs = refine.uncertain_runs([lk.score for lk in links], cfg.refine_below, cfg.refine_context, frozen)
        if not runs or self.length is None:
            return links
        # the compiled corner sweeps where there are windows enough to pay for loading them (loaded
        # here, before a second process is forked, so that it has them too); the same costs either way
        compiled = corner_kernel() if len(runs) >= PARALLEL_MIN_WINDOWS else None
        solved = split_map(lambda ab: self._refine_window(run, links[ab[0] : ab[1]], compiled), runs,
                           min_work=PARALLEL_MIN_WINDOWS)  # fmt: skip
        out: list[AlignedLink] = []
        done = 0
        for (a, b), window in zip(runs, solved, strict=True):
            out += links[done:a]
            out += window
            done = b
        return out + links[done:]

    def _refine_window(self, run: AlignmentRun, window: list[AlignedLink],
                       compiled: Callable[..., None] | None = None) -> list[AlignedLink]:  # fmt: skip
        cfg = self.config
        su, tu = run.su, run.tu
        src = sorted(i for lk in window for i in lk.source)
        tgt = sorted(j for lk in window for j in lk.target)
        if not src or not tgt or len(src) > cfg.refine_max or len(tgt) > cfg.refine_max:
            return window
        s0, t0 = src[0], tgt[0]
        ks, kt = src[-1] + 1 - s0, tgt[-1] + 1 - t0
        ss, s_bounds = _sentence_units(su[s0 : s0 + ks])
        ts, t_bounds = _sentence_units(tu[t0 : t0 + kt])
        if (len(ss) + 1) * (len(ts) + 1) > cfg.refine_max_cells:
            return window
        corners = refine.corners_near([(len(lk.source), len(lk.target)) for lk in window], cfg.refine_reach)
        # a corner's sweep is read only where a bead from it ends: at most the largest bead away
        linking = [b for b in self._priors(run) if b[0] and b[1]]
        far_s, far_t = max((b[0] for b in linking), default=0), max((b[1] for b in linking), default=0)
        sweeps = refine.corner_sweeps(
            self._sentence_tables(run, ss, ts), _SENTENCE_BEADS, [(s_bounds[i], t_bounds[j]) for i, j in corners],
            [(s_bounds[min(ks, i + far_s)], t_bounds[min(kt, j + far_t)]) for i, j in corners], compiled,
        )
        # unlinked paragraphs stay so, and keep the first decoding's doubt about them (the window
        # cannot move them, so their posterior there would be 1)
        lone = {(tuple(lk.source), tuple(lk.target)): lk.score for lk in window if not (lk.source and lk.target)}
        unlinked_src = np.zeros(ks, dtype=bool)
        unlinked_tgt = np.zeros(kt, dtype=bool)
        for s, t in lone:
            unlinked_src[[i - s0 for i in s]] = True
            unlinked_tgt[[j - t0 for j in t]] = True
        costs = refine.window_costs(
            sweeps, {c: k for k, c in enumerate(corners)}, s_bounds, t_bounds, self._priors(run), cfg.refine_weight,
            unlinked_src, unlinked_tgt,
        )
        para = self._paragraph_only(run, s0, t0, ks, kt)
        if para is not None:
            refine.add_bead_costs(costs, para)
        fn = refine.table_cost(costs)
        # the window's cheapest path (expected-accuracy decoding measured no better here, at twice
        # the cost), scored by its tempered posteriors
        band, beads = Band.full(ks, kt), self._beads(run)
        path, _total = dp.viterbi(band, fn, beads)
        scores = dp.bead_posteriors(band, fn, path, beads, cfg.refine_temperature)
        out = []
        for st, p in zip(path, scores, strict=True):
            s, t = list(range(s0 + st.i - st.ds, s0 + st.i)), list(range(t0 + st.j - st.dt, t0 + st.j))
            out.append(AlignedLink(s, t, lone.get((tuple(s), tuple(t)), p)))
        return out

    def _paragraph_only(self, run: AlignmentRun, s0: int, t0: int, ks: int, kt: int) -> dp.CostFn | None:
        """The paragraph pass's costs of the signals the sentence tables leave out (``paragraph_level``:
        the embedding's pair evidence and bead score) for the beads of a window of ``ks`` x ``kt``
        paragraphs from (``s0``, ``t0``), in the window's coordinates, times
        ``AlignConfig.refine_embedding``; None where that is 0, where the lengths do not spread wide
        (:meth:`_woven`), or where those signals gave nothing (not embedded: a document sure of
        itself, no embedder). Read from the first pass's kept evidence (``run.reuse``, per piece),
        so nothing is embedded or fitted again."""
        w = self.config.refine_embedding
        if not w or not run.reuse or not self._woven(run):
            return None
        key = next(((a0, a1, b0, b1) for a0, a1, b0, b1 in run.reuse
                    if a0 <= s0 and s0 + ks <= a1 and b0 <= t0 and t0 + kt <= b1), None)  # fmt: skip
        if key is None:
            return None
        a0, a1, b0, b1 = key
        window, static, models = run.reuse[key]
        ev = PairEvidence.concat([e for sig, e in zip(self.static_signals, static, strict=True)
                                  if getattr(sig, "paragraph_level", False)])  # fmt: skip
        beads = [mdl for sig, mdl in zip(self.bead_signals, models, strict=True)
                 if mdl is not None and getattr(sig, "paragraph_level", False)]  # fmt: skip
        if not len(ev) and not beads:
            return None
        evidence = BeadEvidence(a1 - a0, b1 - b0, window, ev) if len(ev) else None

        def cost(ds: int, dt: int, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
            r, c = rows + (s0 - a0), cols + (t0 - b0)
            out = np.zeros(cols.shape)
            if evidence is not None:
                out -= evidence.bead(ds, dt, r, c)
            for mdl in beads:
                out += mdl(ds, dt, r, c)
            return w * out

        return cost

    def _sentence_tables(self, run: AlignmentRun, ss: list[Unit], ts: list[Unit]) -> dict[Bead, np.ndarray]:
        """Every sentence bead's cost over a window's sentences: the document's length model and all
        pair signals (the run's learned lexicon included), at the sentence priors."""
        win = Window.full(len(ss), len(ts))
        # paragraph-level signals (the embedding's: a model run per sentence) stay out of sentence tables
        ev = PairEvidence.concat([sig.evidence(ss, ts, win) for sig in run.pair_signals
                                  if not getattr(sig, "paragraph_level", False)])
        cost = BeadCosts(
            LengthSignal.lengths(run.params, ss, "source"), LengthSignal.lengths(run.params, ts, "target"),
            length=self.length, params=run.params, evidence=BeadEvidence(len(ss), len(ts), win, ev),
            priors=SENTENCE_PRIORS,
        )
        return dp.cost_tables(Band.full(len(ss), len(ts)), cost, _SENTENCE_BEADS)

    def _decode(self, band: Band, cost: dp.CostFn, path: list[Step], run: AlignmentRun | None = None
                ) -> tuple[list[Step], list[float]]:  # fmt: skip
        """The reported path and its scores, from the band around the cheapest ``path``."""
        if not path or not self.config.posteriors or cost is _constant_cost:
            return path, [1.0] * len(path)
        narrow = Band.around_path(path, self.config.posterior_half, band.n, band.m)
        if narrow.width > band.width:
            narrow = band
        beads = self._beads(run)
        plain = _without_bare_member(cost)
        if self.config.decode == "viterbi":
            return path, dp.bead_posteriors(narrow, plain, path, beads, self.config.temperature)
        path, scores = dp.expected_accuracy_path(narrow, cost, beads, self.config.temperature, self.config.gamma)
        if plain is not cost:
            scores = dp.bead_posteriors(narrow, plain, path, beads, self.config.temperature)
        return path, scores


def _without_bare_member(cost: dp.CostFn) -> dp.CostFn:
    """``cost`` without its :class:`~workbench.align.drops.BareMember` models, for the scores: that
    charge decides one question (a paragraph left out against a merge) and its nats are not
    calibrated as the other costs' are, so a link's score stays the paragraph model's as measured.
    Kept in, it made the links of a regrouped text surer (Ruth's regrouped seed 3: mean 0.847 ->
    0.877) and hid the doubt the sentence route is tried on (README, "Dropped translations (1-0)")."""
    if not isinstance(cost, BeadCosts) or not any(isinstance(m, BareMember) for m in cost.bead_models):
        return cost
    plain = copy.copy(cost)
    plain.bead_models = [m for m in cost.bead_models if not isinstance(m, BareMember)]
    return plain


def _same_links(a: Sequence[AlignedLink], b: Sequence[AlignedLink]) -> bool:
    return [(lk.source, lk.target) for lk in a] == [(lk.source, lk.target) for lk in b]


def _inside(window: Window, outer: Window) -> bool:
    """Whether every source unit's target range in ``window`` lies within its range in ``outer``."""
    return bool(np.all(window.lo >= outer.lo) and np.all(window.hi <= outer.hi))


def _frozen(links: Sequence[AlignedLink], cuts: list[tuple[list[int], list[int]]], del_src: np.ndarray,
            del_tgt: np.ndarray) -> list[bool]:  # fmt: skip
    """Which links come from fixed links (cut points and confirmed 1-0 / 0-1): they stay as they are."""
    fixed = {(tuple(s), tuple(t)) for s, t in cuts}
    return [
        (tuple(lk.source), tuple(lk.target)) in fixed
        or (bool(lk.source) and not lk.target and bool(del_src[lk.source[0]]))
        or (bool(lk.target) and not lk.source and bool(del_tgt[lk.target[0]]))
        for lk in links
    ]


def _sentence_units(units: Sequence[Unit]) -> tuple[list[Unit], list[int]]:
    """The sentences of some paragraphs as units, and the sentence offsets of the paragraph bounds."""
    out: list[Unit] = []
    bounds = [0]
    for u in units:
        sents = u.cache.get("refine:sentences")
        if sents is None:
            parts = rough_sentences(u.body, u.hebrew) or [u.body]
            sents = u.cache["refine:sentences"] = prepare(parts, labels=False)
        out += sents
        bounds.append(len(out))
    return out, bounds


def _sub_progress(progress: Progress | None, k: int, n: int) -> Progress | None:
    """The ``k``-th of ``n`` equal shares of a progress callback."""
    if progress is None:
        return None
    return lambda f: progress((k + f) / n)


def _constant_cost(ds: int, dt: int, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
    return np.zeros(cols.shape)



def _plan_fixed(
    fixed: Iterable[FixedLink], n: int, m: int
) -> tuple[list[tuple[list[int], list[int]]], np.ndarray, np.ndarray]:
    """Check fixed links; two-sided ones cut the problem, one-sided ones force a 1-0 / 0-1."""
    del_src = np.zeros(n, dtype=bool)
    del_tgt = np.zeros(m, dtype=bool)
    cuts: list[tuple[list[int], list[int]]] = []
    used_s: set[int] = set()
    used_t: set[int] = set()
    for s, t in fixed:
        s, t = sorted(int(x) for x in s), sorted(int(x) for x in t)
        if not s and not t:
            continue
        for idx, size, name in ((s, n, "source"), (t, m, "target")):
            if idx and (idx[0] < 0 or idx[-1] >= size):
                raise WorkbenchError(f"fixed link names {name} paragraph {idx[-1] if idx[-1] >= size else idx[0]}, out of range")
            if idx and idx != list(range(idx[0], idx[-1] + 1)):
                raise WorkbenchError(f"fixed link has non-adjacent {name} paragraphs {idx}")
        if used_s & set(s) or used_t & set(t):
            raise WorkbenchError("two fixed links share a paragraph")
        used_s |= set(s)
        used_t |= set(t)
        if s and t:
            cuts.append((s, t))
        elif s:
            del_src[s] = True
        else:
            del_tgt[t] = True
    cuts.sort(key=lambda c: c[0][0])
    for (s1, t1), (s2, t2) in zip(cuts, cuts[1:], strict=False):
        if not (s1[-1] < s2[0] and t1[-1] < t2[0]):
            raise WorkbenchError(f"fixed links cross: {s1}->{t1} and {s2}->{t2}")
    return cuts, del_src, del_tgt


def _pieces(cuts: list[tuple[list[int], list[int]]], n: int, m: int) -> list[tuple[int, int, int, int]]:
    out = []
    s, t = 0, 0
    for cs, ct in cuts:
        out.append((s, cs[0], t, ct[0]))
        s, t = cs[-1] + 1, ct[-1] + 1
    out.append((s, n, t, m))
    return out


class _ProgressSplitter:
    """Maps the progress of each pass and piece onto one 0..1 bar."""

    def __init__(self, progress: Progress | None, pieces: list[tuple[int, int, int, int]], two_pass: bool) -> None:
        self.progress = progress
        sizes = [max(1, (s1 - s0) + (t1 - t0)) for s0, s1, t0, t1 in pieces]
        total = float(sum(sizes))
        self.starts = np.concatenate([[0.0], np.cumsum(sizes)[:-1]]) / total
        self.sizes = np.array(sizes) / total
        # first pass, what is learned between the passes, second pass (offset, width on the bar)
        self.passes = [(0.0, 0.40), (0.50, 0.50)] if two_pass else [(0.0, 0.0), (0.0, 1.0)]
        self.learning = (0.40, 0.10)
        self.last = 0.0

    def _reporter(self, p0: float, pw: float, start: float = 0.0, size: float = 1.0) -> Progress | None:
        if self.progress is None:
            return None

        def report(f: float) -> None:
            v = p0 + pw * (start + size * f) * 0.98
            if v >= self.last:
                self.last = v
                assert self.progress is not None
                self.progress(float(v))

        return report

    def part(self, pass_no: int, piece: int) -> Progress | None:
        p0, pw = self.passes[pass_no]
        return self._reporter(p0, pw, self.starts[piece], self.sizes[piece])

    def learn_part(self) -> Progress | None:
        return self._reporter(*self.learning)


def _is_gated(signal: object) -> bool:
    """A signal that takes part only where an alignment without it is doubtful (``Aligner._gated``)."""
    return getattr(signal, "when", "always") == "doubtful"


def _silent(signal: object, n: int, m: int) -> bool:
    """Whether a gated signal would say nothing on an ``n`` x ``m`` document (no second alignment then)."""
    silent_for = getattr(signal, "silent_for", None)
    return bool(silent_for(n, m)) if silent_for is not None else False


def _ungated(signal: object) -> object:
    """``signal`` taking part always (the sentence route's: its sentences are the doubtful part)."""
    return replace(signal, when="always") if _is_gated(signal) else signal  # type: ignore[type-var]


def _scaled(progress: Progress | None, lo: float, hi: float) -> Progress | None:
    """``progress`` for one part of a run: its 0..1 mapped onto ``lo``..``hi``."""
    if progress is None:
        return None
    return lambda f: progress(lo + (hi - lo) * f)


def align_paragraphs(
    src: Sequence[str | Paragraph],
    tgt: Sequence[str | Paragraph],
    *,
    signals: Iterable[object] | None = None,
    fixed: Iterable[FixedLink] = (),
    progress: Progress | None = None,
    config: AlignConfig | None = None,
) -> list[AlignedLink]:
    """Align two lists of paragraphs; every paragraph ends up in exactly one link, in order.

    ``fixed`` links (``([src indices], [tgt indices])``, 0-based) are kept exactly and the rest is
    solved between them. ``signals`` defaults to :func:`workbench.align.signals.default_signals`.
    ``progress`` is called with a fraction 0..1 now and then.
    """
    return Aligner(signals, config).align(src, tgt, fixed=fixed, progress=progress)


def realign_document(
    doc: Document,
    links: Sequence[Link],
    *,
    signals: Iterable[object] | None = None,
    sentences: bool = False,
    progress: Progress | None = None,
    config: AlignConfig | None = None,
) -> list[Link]:
    """Re-align a document, keeping its confirmed links and re-solving everything between them.

    Confirmed links come back as the same objects (id, rev, score untouched). Auto links are
    recomputed; a new link that covers exactly the paragraphs of an old auto link keeps that link's
    id, so the history shows only what changed. ``sentences=True`` fills ``Link.sentences``.
    """
    src = doc.source.paragraphs if doc.source else []
    tgt = doc.target.paragraphs if doc.target else []
    s_pos = {p.id: i for i, p in enumerate(src)}
    t_pos = {p.id: i for i, p in enumerate(tgt)}
    confirmed: list[Link] = []
    fixed: list[tuple[list[int], list[int]]] = []
    for lk in links:
        if lk.status != "confirmed":
            continue
        try:
            s = [s_pos[x] for x in lk.source]
            t = [t_pos[x] for x in lk.target]
        except KeyError:
            continue  # names a paragraph that is gone: it cannot be kept as it is
        if not s and not t:
            continue
        confirmed.append(lk)
        fixed.append((s, t))
    try:
        _plan_fixed(fixed, len(src), len(tgt))
    except WorkbenchError as exc:
        raise WorkbenchError(f"the confirmed links of document {doc.id} are inconsistent: {exc}") from None
    run = Aligner(signals, config).run(src, tgt, fixed=fixed, progress=progress)
    result = run.links
    within = None
    if sentences:
        s_lang, t_lang = doc.source_lang or "he", doc.target_lang or "en"
        spread = document_sentence_spread(
            (paragraph_sentences([src[i].text for i in al.source], s_lang),
             paragraph_sentences([tgt[j].text for j in al.target], t_lang)) for al in result
        )  # fmt: skip
        within = sentence_aligner(length_sigma=spread)
    by_ids = {(tuple(lk.source), tuple(lk.target)): lk for lk in confirmed}
    old_auto = {(tuple(lk.source), tuple(lk.target)): lk for lk in links if lk.status != "confirmed"}
    out: list[Link] = []
    for al in result:
        key = (tuple(src[i].id for i in al.source), tuple(tgt[j].id for j in al.target))
        if key in by_ids:
            out.append(by_ids[key])
            continue
        sent = None
        if within is not None:
            sent = [
                s.to_dict()
                for s in align_paragraph_sentences(
                    [src[i].text for i in al.source], [tgt[j].text for j in al.target],
                    doc.source_lang or "he", doc.target_lang or "en", within,
                )
            ]
        prev = old_auto.get(key)
        if prev is not None:
            out.append(Link(list(key[0]), list(key[1]), score=al.score, status="auto", id=prev.id, rev=prev.rev, sentences=sent))
        else:
            out.append(Link(list(key[0]), list(key[1]), score=al.score, status="auto", sentences=sent))
    return out


def explain_link(
    src: Sequence[str | Paragraph], tgt: Sequence[str | Paragraph], link: AlignedLink, *, signals: Iterable[object] | None = None
) -> dict[str, float]:
    """Per-signal cost parts of one link (nats; negative = evidence for the link)."""
    return Aligner(signals).explain(src, tgt, link)


def sentence_aligner(signals: Iterable[object] | None = None, *, length_sigma: float | None = None) -> Aligner:
    """An aligner for sentences (:data:`SENTENCE_CONFIG`); ``signals`` defaults to the default set
    without the learned lexicon (a sentence pair is too short to learn from).

    ``length_sigma``: the length model's spread, as the sentences of the document's links show it
    (:func:`document_sentence_spread`). The sentences of one link are too few to estimate it, and
    at the default spread a translation with commentary woven in (a one-word Aramaic line explained
    in two English sentences) has its sentences merged by length."""
    # the default set's embedding signal in its gated mode is for paragraphs (measured there): a
    # link's sentences are not embedded unless asked for (WORKBENCH_EMBED=1: always)
    sigs = list([s for s in default_signals(learn=False) if not _is_gated(s)] if signals is None else signals)
    if length_sigma is not None:
        sigs = [replace(s, sigma=length_sigma) if isinstance(s, LengthSignal) else s for s in sigs]
    return Aligner(sigs, SENTENCE_CONFIG)


#: the spread of the probing pass of :func:`document_sentence_spread`: wide enough that the length
#: model alone merges no sentences of a translation with commentary woven in
SPREAD_PROBE = 1.0
#: the spread :func:`document_sentence_spread` fitted, taken this many times over (see there)
SPREAD_FACTOR = 2.5


def document_sentence_spread(
    links: Iterable[tuple[Sequence[str], Sequence[str]]], *, max_links: int = 400
) -> float | None:
    """The length spread for the sentence alignment inside the links of one document, from the
    sentences of those links (``links``: per paragraph link, its source and target sentences);
    None where the default fits.

    The spread a paragraph alignment finds is the wrong one for sentences: averaged over the
    sentences of a paragraph, lengths stray less (the Talmud set's lines in paragraphs of 2-6 kept
    the default spread 0.2 in most documents, yet at 0.2 its lines inside links are merged by
    length: strict F1 0.66). So the sentences are measured themselves: a probing pass at a wide
    spread (:data:`SPREAD_PROBE`, where length cannot merge sentences that belong apart) pairs
    them, the spread is fitted (median absolute deviation, each link at its own length ratio) on
    its 1-1 sentence links, and taken :data:`SPREAD_FACTOR` times over when that is wider than
    the default. The factor: a spread fitted on the pairs that came out 1-1 leaves out the tails
    that break a pairing, and measured on the Talmud set's lines, 1.5x gave strict F1 0.93, 2x
    0.97, 2.5x and 3x 0.98 (the middle of that plateau is taken); a close translation (Ruth, the
    Mishnah) fits about 0.09, so it keeps the default. Evenly spread ``max_links`` links of a
    long document are enough to fit one number."""
    links = [(list(a), list(b)) for a, b in links if len(a) and len(b) and len(a) + len(b) > 2]
    if not links:
        return None
    if len(links) > max_links:
        step = len(links) / max_links
        links = [links[int(k * step)] for k in range(max_links)]
    probe = sentence_aligner(length_sigma=SPREAD_PROBE)
    assert probe.length is not None
    xs: list[float] = []
    for src, tgt in links:
        su, tu = prepare(src, labels=False), prepare(tgt, labels=False)
        params = probe.length.fit(su, tu)
        ls = LengthSignal.lengths(params, su, "source")
        lt = LengthSignal.lengths(params, tu, "target")
        for lk in probe.align(su, tu):
            if len(lk.source) == 1 and len(lk.target) == 1:
                a, b = ls[lk.source[0]], lt[lk.target[0]]
                if a > 0 and b > 0:
                    xs.append(math.log((b + params.smooth) / (params.ratio * a + params.smooth)))
    if len(xs) < 8:
        return None
    x = np.array(xs)
    fitted = float(np.median(np.abs(x - np.median(x)))) / t_quartile(LengthParams().dof)
    sigma = min(SPREAD_PROBE, SPREAD_FACTOR * fitted)
    return sigma if sigma > LengthParams().sigma else None


def align_sentences(
    src_text: str,
    tgt_text: str,
    src_lang: str | None = "he",
    tgt_lang: str | None = "en",
    *,
    signals: Iterable[object] | None = None,
) -> SentenceAlignment:
    """Split both texts into sentences and align them (the texts are taken to be translations)."""
    return align_text_sentences(src_text, tgt_text, src_lang, tgt_lang, sentence_aligner(signals))


def align_link_sentences(
    src_paragraphs: Sequence[str],
    tgt_paragraphs: Sequence[str],
    src_lang: str | None = "he",
    tgt_lang: str | None = "en",
    *,
    signals: Iterable[object] | None = None,
    length_sigma: float | None = None,
) -> list[AlignedLink]:
    """Sentence links inside one paragraph link; indices run over the sentences of the link's
    paragraphs taken in order (a sentence never spans two paragraphs). ``length_sigma``: see
    :func:`sentence_aligner`."""
    return align_paragraph_sentences(
        src_paragraphs, tgt_paragraphs, src_lang, tgt_lang, sentence_aligner(signals, length_sigma=length_sigma)
    )
