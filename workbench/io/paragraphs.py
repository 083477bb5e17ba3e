"""The last step every reader shares: clean edges, tidy marks, read the item label.

Readers build a paragraph's text and marks in whatever order their format dictates; this module
makes the result uniform so the aligner and the checks never have to know which format a
paragraph came from.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable

from workbench.hebrew import parse_label
from workbench.model import Mark, Paragraph

# Invisible direction marks that Hebrew word processors put at paragraph starts; they would hide a
# label such as ``יא)`` from parse_label, but they stay in the text (nothing the editor typed is lost).
BIDI_MARKS = "\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u061c\ufeff"


def merge_marks(marks: Iterable[Mark]) -> list[Mark]:
    """Join touching or overlapping marks of the same kind (Word splits one italic phrase into
    many runs); footnotes are never merged. Result is ordered by position."""
    spans: dict[tuple[str, str | None], list[Mark]] = {}
    notes: list[Mark] = []
    for m in marks:
        if m.kind == "footnote":
            notes.append(Mark(m.start, m.start, m.kind, m.value))
        elif m.end > m.start:
            spans.setdefault((m.kind, m.value), []).append(m)
    out = list(notes)
    for (kind, value), group in spans.items():
        group.sort(key=lambda m: (m.start, m.end))
        cur = Mark(group[0].start, group[0].end, kind, value)
        for m in group[1:]:
            if m.start <= cur.end:
                cur.end = max(cur.end, m.end)
            else:
                out.append(cur)
                cur = Mark(m.start, m.end, kind, value)
        out.append(cur)
    out.sort(key=lambda m: (m.start, m.end, m.kind))
    return out


def nfc(text: str) -> str:
    """Canonical composition, so pointed Hebrew typed in different orders compares equal; readers
    apply it to their raw strings *before* computing mark offsets."""
    return text if text.isascii() else unicodedata.normalize("NFC", text)


def find_label(text: str, start: int = 0) -> tuple[str | None, int | None]:
    """Item label at ``text[start:]`` (after invisible direction marks), as metadata only."""
    label, value, _ = parse_label(text[start:].lstrip(BIDI_MARKS))
    return label, value


def make_paragraph(text: str, marks: Iterable[Mark] = (), *, label_at: Iterable[int] = ()) -> Paragraph | None:
    """A Paragraph with outer whitespace removed and marks shifted to match; None if empty.

    ``label_at`` lists where the item label may start when headings precede it (Sefaria puts
    ``<b>heading</b><br>`` before ``ד.``); the label text always stays inside ``Paragraph.text``.
    """
    stripped = text.strip()
    if not stripped.strip(BIDI_MARKS):
        return None
    lead = len(text) - len(text.lstrip())
    n = len(stripped)
    shifted = []
    for m in marks:
        start = min(max(m.start - lead, 0), n)
        end = min(max(m.end - lead, 0), n)
        shifted.append(Mark(start, end, m.kind, m.value))
    label, value = find_label(stripped)
    for at in label_at:
        if label is not None:
            break
        label, value = find_label(stripped, max(at - lead, 0))
    return Paragraph(stripped, merge_marks(shifted), label=label, label_value=value)
