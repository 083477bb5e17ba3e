"""Plain dataclasses shared by every layer.

They carry no I/O so that the aligner, the checks and the exporters can be tested on objects built
in memory, and so that the store is the only place that decides how they are persisted.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any, Literal

Side = Literal["source", "target"]
SIDES: tuple[Side, Side] = ("source", "target")
#: a link's review status on the editor's desk (see workbench.store.reviews)
REVIEW_STATUSES: tuple[str, ...] = ("draft", "edited", "reviewed", "approved")


def new_id() -> str:
    """Paragraph and link ids are random, not positional, so they survive inserts and reorders."""
    return uuid.uuid4().hex[:16]


@dataclass
class Mark:
    """An inline mark over ``text[start:end]``.

    Marks are kept beside the plain text (not as markup inside it) so that matching, alignment and
    checks see clean text while exports can still restore italics and footnote references.
    ``kind`` is ``italic``, ``bold`` or ``footnote``; a footnote mark is zero-width at the
    reference point and carries the note body in ``value``.
    """

    start: int
    end: int
    kind: str
    value: str | None = None

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {"start": self.start, "end": self.end, "kind": self.kind}
        if self.value is not None:
            d["value"] = self.value
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Mark:
        return cls(int(d["start"]), int(d["end"]), str(d["kind"]), d.get("value"))


@dataclass
class Paragraph:
    text: str
    marks: list[Mark] = field(default_factory=list)
    label: str | None = None
    label_value: int | None = None
    id: str = field(default_factory=new_id)
    rev: int = 1

    @property
    def notes(self) -> list[str]:
        return [m.value or "" for m in self.marks if m.kind == "footnote"]


@dataclass
class Text:
    lang: str
    paragraphs: list[Paragraph] = field(default_factory=list)


@dataclass
class Link:
    """One alignment bead: ordered source and target paragraph ids (either list may be empty)."""

    source: list[str]
    target: list[str]
    score: float = 0.0
    status: Literal["auto", "confirmed"] = "auto"
    id: str = field(default_factory=new_id)
    rev: int = 1
    sentences: list[dict[str, Any]] | None = None

    @property
    def kind(self) -> str:
        return f"{len(self.source)}-{len(self.target)}"


@dataclass
class Document:
    title: str
    source: Text | None = None
    target: Text | None = None
    metadata: dict[str, Any] = field(default_factory=dict)
    id: int | None = None
    created: str | None = None
    updated: str | None = None
    alignment_rev: int = 0
    meta_rev: int = 1  # revision of the title and metadata (a stale rename is refused)

    @property
    def source_lang(self) -> str | None:
        return self.source.lang if self.source else self.metadata.get("source_lang")

    @property
    def target_lang(self) -> str | None:
        return self.target.lang if self.target else self.metadata.get("target_lang")

    def side(self, side: Side) -> Text | None:
        return self.source if side == "source" else self.target

    def paragraph_index(self) -> dict[str, Paragraph]:
        out: dict[str, Paragraph] = {}
        for t in (self.source, self.target):
            if t:
                out.update({p.id: p for p in t.paragraphs})
        return out


@dataclass
class DocumentSummary:
    id: int
    title: str
    source_lang: str | None
    target_lang: str | None
    source_paragraphs: int
    target_paragraphs: int
    links: int
    confirmed: int
    created: str
    updated: str
    meta_rev: int = 1
