"""A document's content fingerprint: the same paragraph texts on both sides give the same value.

The Library asks it before importing, so a second click on Import (or the same pair uploaded again
under another title) is noticed instead of silently creating a duplicate. Titles, languages, marks
and labels are left out on purpose: the question is whether the *texts* are already in the project.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

from workbench.model import Document


def content_fingerprint(doc: Document) -> str:
    """SHA-256 over the source then the target paragraph texts (a missing side is not an empty one)."""
    h = hashlib.sha256()
    for side in (doc.source, doc.target):
        if side is None:
            h.update(b"\x00none\x00")
            continue
        h.update(b"\x00side\x00")
        for p in side.paragraphs:
            h.update(p.text.encode("utf-8"))
            h.update(b"\x00p\x00")
    return h.hexdigest()


def identical_documents(doc: Document, existing: Iterable[Document]) -> list[Document]:
    """The documents of ``existing`` whose content fingerprint is ``doc``'s."""
    mine = content_fingerprint(doc)
    return [d for d in existing if content_fingerprint(d) == mine]
