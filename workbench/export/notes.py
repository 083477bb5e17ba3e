"""Term information an edition can show: italic transliterations, glosses, a glossary.

The exporters take these small objects rather than the terms area's own classes, so an edition
can be built (and tested) from a Document and its links alone; :func:`extras_from_store` fills
them from ``store.terms`` when the terms area is installed.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class TermSpan:
    """One annotated occurrence of a term in a paragraph (``text[start:end]``)."""

    para_id: str
    start: int
    end: int
    term_key: str  # the same key for every occurrence of one term (glossed once per document)
    italic: bool = False  # a transliteration (Masach, Zivug de Hakaa): set in italics
    gloss: str | None = None  # note text when glosses are footnotes


@dataclass(frozen=True, slots=True)
class GlossaryEntry:
    source: str  # the Hebrew/Aramaic term
    target: str  # the preferred English rendering
    note: str | None = None
    variants: tuple[str, ...] = ()


@dataclass
class Extras:
    spans: list[TermSpan] = field(default_factory=list)
    glossary: list[GlossaryEntry] = field(default_factory=list)
    comments: list = field(default_factory=list)  # CommentNote threads (workbench.export.comments_part)

    def by_paragraph(self) -> dict[str, list[TermSpan]]:
        out: dict[str, list[TermSpan]] = {}
        for s in self.spans:
            out.setdefault(s.para_id, []).append(s)
        return out
