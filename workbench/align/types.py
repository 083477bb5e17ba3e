"""Result types of the aligner (plain data, index based; the store works with ids, see aligner.py)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass
class AlignedLink:
    """One bead: 0-based source and target indices (either list may be empty) and a confidence.

    ``score`` is the posterior probability of exactly this bead under the alignment model (0..1;
    calibrated so that links scored 0.9 are right about nine times in ten, see the benchmark);
    ``sentences`` (optional) holds the sentence links inside this bead, indexed over the sentences
    of the bead's paragraphs taken in order.
    """

    source: list[int]
    target: list[int]
    score: float = 0.0
    sentences: list[AlignedLink] | None = None

    @property
    def kind(self) -> str:
        return f"{len(self.source)}-{len(self.target)}"

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {"source": list(self.source), "target": list(self.target), "score": round(float(self.score), 4)}
        if self.sentences is not None:
            d["sentences"] = [s.to_dict() for s in self.sentences]
        return d

    def as_pair(self) -> list[list[int]]:
        """The ``[[src], [tgt]]`` form used by gold files and score_align.py."""
        return [list(self.source), list(self.target)]
