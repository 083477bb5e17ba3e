"""Pluggable alignment signals. ``default_signals()`` is what the aligner uses when given none.

Each signal can be tested and switched off on its own (``weight=0`` or leave it out of the list):

- ``length``  :class:`LengthSignal` — bead cost from the length ratio, estimated from the texts;
- ``labels``  :class:`LabelSignal` — item labels on both sides (יא) / 11.);
- ``numbers`` :class:`NumberSignal` — shared numbers and cited books;
- ``latin``   :class:`LatinWordSignal` — Latin-script words of the Hebrew found in the translation;
- ``lexicon`` :class:`LexiconSignal` — termbase pairs and transliterations (consonant skeletons);
- ``notes``   :class:`NoteSignal` — editorial notes set as paragraphs of their own stay unlinked.
"""

from __future__ import annotations

from workbench.align.signals.base import FeatureSignal, PairEvidence, PairSignal, Unit, Window, prepare
from workbench.align.signals.labels import LabelSignal
from workbench.align.signals.latin import LatinWordSignal
from workbench.align.signals.length import LengthParams, LengthSignal
from workbench.align.signals.lexicon import LexiconSignal, LexMatch, PairLexicon, SkeletonLexicon
from workbench.align.signals.notes import NoteSignal
from workbench.align.signals.numbers import NumberSignal

__all__ = [
    "FeatureSignal", "LabelSignal", "LatinWordSignal", "LengthParams", "LengthSignal", "LexMatch",
    "LexiconSignal", "NoteSignal", "NumberSignal", "PairEvidence", "PairLexicon", "PairSignal", "SkeletonLexicon",
    "Unit", "Window", "default_signals", "prepare", "SIGNAL_NAMES",
]  # fmt: skip

SIGNAL_NAMES = ("length", "labels", "numbers", "latin", "lexicon", "notes")


def default_signals(lexicons: list[PairLexicon] | None = None) -> list[object]:
    """The default signal set; ``lexicons`` replaces the skeleton lexicon (add it yourself to keep it)."""
    return [
        LengthSignal(),
        LabelSignal(),
        NumberSignal(weight=1.5),
        LatinWordSignal(),
        LexiconSignal(lexicons, weight=1.5),
        NoteSignal(),
    ]
