"""Bridges to the terms and checks areas: term extras for editions, TBX, the consistency report.

Each function degrades gracefully when an area is not installed in this build (the exporters then
work from the document and its links alone).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from workbench.atomic import atomic_path
from workbench.errors import WorkbenchError
from workbench.export.notes import Extras, GlossaryEntry, TermSpan
from workbench.model import Document

if TYPE_CHECKING:
    from workbench.store import Store


def extras_from_store(store: Store, doc: Document) -> Extras:
    """Term spans (re-anchored to the current text) and glossary entries for ``doc``.

    * a target-side occurrence annotated as a transliteration is set in italics;
    * a gloss footnote goes at the first occurrence of a term whose entry asks for it
      (``gloss_first``), or wherever an annotation of kind ``gloss`` carries a note;
    * the glossary lists the terms annotated in the document (all approved terms when the
      document has no annotations yet).
    """
    repo = store.terms
    if doc.id is None:
        return Extras()
    terms = {t.id: t for t in repo.list_terms()}
    anns = repo.annotations(doc_id=doc.id)
    index = doc.paragraph_index()
    spans: list[TermSpan] = []
    used: list[int] = []
    for a in anns:
        if a.state == "lost" or a.para_id not in index:
            continue
        t = terms.get(a.term_id)
        if t is not None and t.id not in used:
            used.append(t.id)
        if a.side != "target":
            continue
        gloss = None
        if a.kind == "gloss":
            gloss = a.note or (t.gloss if t else None)
        elif t is not None and t.gloss and t.gloss_first:
            gloss = t.gloss
        key = str(a.term_id) if a.term_id is not None else a.surface.casefold()
        spans.append(TermSpan(a.para_id, a.start, a.end, key, italic=a.kind == "transliteration", gloss=gloss))
    chosen = [terms[i] for i in used] if used else [t for t in terms.values() if t.status == "approved"]
    glossary = [
        GlossaryEntry(t.source_pointed or t.source, t.preferred, t.gloss, tuple(t.variants))
        for t in chosen
        if t.preferred
    ]
    return Extras(spans, glossary)


def write_tbx(store: Store, path: str | Path, doc_id: int | None = None) -> int:
    """The termbase as TBX, written by the terms area's own TBX writer (atomic write here)."""
    repo = store.terms
    from workbench.terms.tbx import to_tbx_bytes

    terms = repo.list_terms(order="id")
    if not terms:
        raise WorkbenchError("the termbase is empty: nothing to export (import a termbase on the Terms page)")
    data = to_tbx_bytes(terms)
    with atomic_path(path) as tmp:
        tmp.write_bytes(data)
    return len(terms)


def report_rows(store: Store, doc_id: int | None) -> list[dict[str, Any]]:
    """Rows of the consistency report, the same flat rows the Consistency page and ``check --format
    csv`` write (document titles and term renderings spelled out, the tag as comment/user/date)."""
    from workbench.checks import report as rp

    findings = sorted(store.findings.list(doc_id=doc_id), key=rp.sort_key)
    titles = {d.id: d.title for d in store.list_documents()}
    terms = {t.id: t.preferred for t in store.terms.list_terms()}
    return rp.rows(findings, titles, terms)
