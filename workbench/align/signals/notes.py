"""Editorial notes: paragraphs that an edition adds and the other text cannot have.

A translator's or editor's note set as a paragraph of its own — fully in brackets, or opening with
"Note:", "Translator's note", "Ed.", "*", הערה, הערת המתרגם — has no counterpart, and its length
alone cannot tell it from the second half of a split paragraph. Such a unit gets ``bonus`` nats in
favour of a 1-0 / 0-1 link of its own, and the same against being merged into a neighbour's link.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from workbench.align.signals.base import Unit

_BRACKETED = re.compile(r"^\s*[\[(\u27e8{].*[\])\u27e9}]\s*[.]?\s*$", re.S)
_NOTE_START = re.compile(
    r"^\s*(?:\*|†|‡|N\.\s?B\.|(?:translator|editor|publisher)['’]?s?\s+note|(?:trans|ed)\.\s+note|note\s*[:.\-–]|"
    r"footnote\s*[:.]|הערה|הערת\s+(?:המתרגם|העורך|המו\"ל|המהדיר))",
    re.I,
)


#: strength of a paragraph that is a single round parenthesis (see :func:`note_strength`)
ROUND_PARENS = 0.3


def looks_like_note(text: str) -> bool:
    return note_strength(text) > 0


def note_strength(text: str) -> float:
    """How sure it is that ``text`` is an editorial note (0 = not one, 1 = a clear one).

    A note word at the start ("Translator's note", הערה) or a paragraph in square brackets is a
    clear note; a paragraph that is one parenthesis is weaker evidence, because translators also
    set their own explanatory asides in parentheses as part of the running translation.
    """
    t = text.strip()
    if not t:
        return 0.0
    if _NOTE_START.match(t):
        return 1.0
    if len(t) < 600 and _BRACKETED.match(t) and t.count("[") + t.count("(") <= 3:
        return 1.0 if t[0] in "[{\u27e8" else ROUND_PARENS
    return 0.0



@dataclass
class NoteSignal:
    name: str = "notes"
    weight: float = 1.0
    bonus: float = 3.0

    def skip_evidence(self, units: Sequence[Unit]) -> np.ndarray:
        """Nats in favour of leaving each unit without a counterpart."""
        if self.weight == 0:
            return np.zeros(len(units))
        return np.array([self.bonus * self.weight * note_strength(u.text) for u in units])
