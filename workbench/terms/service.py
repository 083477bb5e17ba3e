"""Core calls behind the Terms page (and usable from scripts): no Streamlit here.

- :func:`terms_table` / :func:`apply_table_edits`: the termbase as editable rows and back;
- :func:`occurrences` : every occurrence of a term in a document, source and translation side by
  side (spans to highlight on both sides, through the alignment links);
- :func:`annotation_proposals`: matcher hits not yet annotated, ready to be accepted one by one or
  in bulk with ``store.terms.add_annotations``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from workbench.errors import WorkbenchError
from workbench.model import Document, Link
from workbench.terms.matcher import TermMatcher
from workbench.terms.model import Annotation, Term

LIST_SEP = " | "
TABLE_COLUMNS = ["id", "rendering", "source", "kind", "variants", "forbidden", "gloss", "gloss_first", "status", "note"]


def terms_table(terms: Iterable[Term]) -> list[dict[str, Any]]:
    """Rows for a table editor: lists joined with `` | ``."""
    return [
        {
            "id": t.id,
            "rendering": t.preferred,
            "source": " | ".join([t.source, *t.source_variants]) if t.source_variants else t.source,
            "kind": t.kind,
            "variants": LIST_SEP.join(t.variants),
            "forbidden": LIST_SEP.join(t.forbidden),
            "gloss": t.gloss or "",
            "gloss_first": t.gloss_first,
            "status": t.status,
            "note": t.note or "",
        }
        for t in terms
    ]


def _split(cell: Any) -> list[str]:
    return [p.strip() for p in str(cell or "").split("|") if p.strip()]


def row_to_term(row: dict[str, Any], base: Term | None = None) -> Term:
    sources = _split(row.get("source"))
    t = Term.from_dict(base.to_dict()) if base else Term("", "")
    t.preferred = str(row.get("rendering") or "").strip()
    t.source = sources[0] if sources else ""
    t.source_variants = sources[1:]
    t.kind = str(row.get("kind") or t.kind)
    t.variants = _split(row.get("variants"))
    t.forbidden = _split(row.get("forbidden"))
    t.gloss = str(row.get("gloss") or "").strip() or None
    t.gloss_first = bool(row.get("gloss_first"))
    t.status = str(row.get("status") or t.status)
    t.note = str(row.get("note") or "").strip() or None
    t.__post_init__()
    return t


def apply_table_edits(repo: Any, before: Sequence[Term], rows: Sequence[dict[str, Any]], user: str) -> tuple[int, list[str]]:
    """Save the rows that differ from ``before`` (by id); returns (saved, problems). New rows without
    an id are added. Each entry is saved on its own so one stale entry does not block the others."""
    by_id = {t.id: t for t in before}
    old_rows = {r["id"]: r for r in terms_table(before)}
    saved, problems = 0, []
    for row in rows:
        rid = row.get("id")
        try:
            rid = int(rid) if rid is not None and str(rid) not in ("", "nan", "None") else None
        except (TypeError, ValueError):
            rid = None
        clean = {k: row.get(k) for k in TABLE_COLUMNS}
        try:
            if rid is None:
                if not str(clean.get("rendering") or "").strip():
                    continue
                repo.add(row_to_term(clean), user)
                saved += 1
            elif rid in by_id and _differs(old_rows[rid], clean):
                repo.update(row_to_term(clean, by_id[rid]), user)
                saved += 1
        except WorkbenchError as exc:
            problems.append(f"{clean.get('rendering') or rid}: {exc}")
    return saved, problems


def _differs(a: dict[str, Any], b: dict[str, Any]) -> bool:
    norm = lambda v: "" if v is None or str(v) == "nan" else str(v).strip()  # noqa: E731
    return any(norm(a.get(k)) != norm(b.get(k)) for k in TABLE_COLUMNS if k != "id")


@dataclass
class OccurrenceView:
    """One aligned unit containing a term: target paragraph(s) and their source paragraph(s)."""

    target_para: str
    target_text: str
    target_spans: list[tuple[int, int]]
    source_paras: list[str] = field(default_factory=list)
    source_texts: list[str] = field(default_factory=list)
    source_spans: list[list[tuple[int, int]]] = field(default_factory=list)
    form_kinds: list[str] = field(default_factory=list)
    annotated: int = 0


def occurrences(
    doc: Document, links: Sequence[Link], term: Term, annotations: Sequence[Annotation] = (), fold: bool = True
) -> list[OccurrenceView]:
    """Occurrences of ``term`` in the document's translation, with the aligned source highlighted.

    Source paragraphs that contain the term but whose translation does not are listed too (the
    translation may have missed the term), with an empty target.
    """
    m = TermMatcher([term], fold_diacritics=fold)
    src_by_id = {p.id: p for p in doc.source.paragraphs} if doc.source else {}
    tgt_paras = doc.target.paragraphs if doc.target else []
    link_of: dict[str, Link] = {}
    for lk in links:
        for t in lk.target:
            link_of[t] = lk
    annotated: dict[str, int] = {}
    for a in annotations:
        if a.term_id == term.id:
            annotated[a.para_id] = annotated.get(a.para_id, 0) + 1
    out: list[OccurrenceView] = []
    seen_src: set[str] = set()
    for p in tgt_paras:
        hits = m.find_target(p.text)
        if not hits:
            continue
        lk = link_of.get(p.id)
        srcs = [src_by_id[s] for s in (lk.source if lk else []) if s in src_by_id]
        seen_src.update(s.id for s in srcs)
        out.append(
            OccurrenceView(
                p.id, p.text, [(h.start, h.end) for h in hits],
                [s.id for s in srcs], [s.text for s in srcs],
                [[(h.start - len(h.prefix), h.end) for h in m.find_source(s.text)] for s in srcs],
                [h.form_kind for h in hits], annotated.get(p.id, 0),
            )  # fmt: skip
        )
    for s in src_by_id.values():
        if s.id in seen_src:
            continue
        hits = m.find_source(s.text)
        if hits:
            out.append(OccurrenceView("", "", [], [s.id], [s.text], [[(h.start - len(h.prefix), h.end) for h in hits]]))
    return out


def annotation_kind(term: Term) -> str:
    return "translation" if term.kind == "translation" else "transliteration"


def annotation_proposals(
    doc: Document, matcher: TermMatcher, existing: Sequence[Annotation] = (), term_ids: set[Any] | None = None
) -> list[Annotation]:
    """Target-side matcher hits of a document that are not annotated yet (forbidden forms excluded:
    those are for the consistency checks, not for annotation)."""
    taken = {(a.para_id, a.start, a.end, a.term_id) for a in existing}
    out: list[Annotation] = []
    paras = doc.target.paragraphs if doc.target else []
    for p, hits in zip(paras, matcher.find_target_batch([p.text for p in paras]), strict=True):
        for h in hits:
            if h.form_kind == "forbidden" or (term_ids is not None and h.term_id not in term_ids):
                continue
            if (p.id, h.start, h.end, h.term_id) in taken:
                continue
            term = matcher.terms[h.term_id]
            out.append(Annotation(doc.id or 0, p.id, h.start, h.end, h.surface, h.term_id, annotation_kind(term)))
    return out


def context_snippet(text: str, start: int, end: int, width: int = 50) -> str:
    a, b = max(0, start - width), min(len(text), end + width)
    return ("…" if a else "") + text[a:start] + "[" + text[start:end] + "]" + text[end:b] + ("…" if b < len(text) else "")
