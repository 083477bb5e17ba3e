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


def looks_like_note(text: str) -> bool:
    t = text.strip()
    if not t:
        return False
    return bool(_NOTE_START.match(t)) or (len(t) < 600 and bool(_BRACKETED.match(t)) and t.count("[") + t.count("(") <= 3)


@dataclass
class NoteSignal:
    name: str = "notes"
    weight: float = 1.0
    bonus: float = 3.0

    def skip_evidence(self, units: Sequence[Unit]) -> np.ndarray:
        """Nats in favour of leaving each unit without a counterpart."""
        if self.weight == 0:
            return np.zeros(len(units))
        return np.array([self.bonus * self.weight if looks_like_note(u.text) else 0.0 for u in units])
