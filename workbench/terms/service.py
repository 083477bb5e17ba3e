"""Core calls behind the Terms page (and usable from scripts): no Streamlit here.

- :func:`terms_table` / :func:`apply_table_edits`: the termbase as editable rows and back (one
  transaction per table save, each row checked against the revision the editor loaded);
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
from workbench.terms.csvio import split_contexts
from workbench.terms.matcher import TermMatcher
from workbench.terms.model import Annotation, Term

LIST_SEP = " | "
TABLE_COLUMNS = ["id", "rendering", "source", "kind", "variants", "forbidden", "gloss", "gloss_first", "variant_policy",
                 "ambiguous", "not_term", "status", "note"]  # fmt: skip


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
            "variant_policy": t.variant_policy,
            "ambiguous": t.ambiguous,
            # Written as in the CSV's not_term cell: "|" between contexts, except inside a regular
            # expression's parentheses (re:(?:שפת|לשון)\s+הקודש stays one context).
            "not_term": LIST_SEP.join(t.not_term),
            "status": t.status,
            "note": t.note or "",
        }
        for t in terms
    ]


def _cell(value: Any) -> str:
    """A table cell as text: an empty cell of a row added in the table editor comes back as None or
    NaN, and must not become the word "nan" in the termbase."""
    if value is None or (isinstance(value, float) and value != value):
        return ""
    return str(value).strip()


def _flag(value: Any) -> bool:
    """A checkbox cell: True, or a yes-like text; an empty cell of an added row (None, NaN) is no."""
    if isinstance(value, bool):
        return value
    return _cell(value).lower() in ("true", "yes", "1", "y")


def _split(cell: Any) -> list[str]:
    return [p.strip() for p in _cell(cell).split("|") if p.strip()]


def row_to_term(row: dict[str, Any], base: Term | None = None) -> Term:
    sources = _split(row.get("source"))
    t = Term.from_dict(base.to_dict()) if base else Term("", "")
    t.preferred = _cell(row.get("rendering"))
    t.source = sources[0] if sources else ""
    t.source_variants = sources[1:]
    t.kind = _cell(row.get("kind")) or t.kind
    t.variants = _split(row.get("variants"))
    t.forbidden = _split(row.get("forbidden"))
    t.gloss = _cell(row.get("gloss")) or None
    t.gloss_first = _flag(row.get("gloss_first"))
    # A row added in the table without these cells keeps the entry's (or the default) policy.
    t.variant_policy = _cell(row.get("variant_policy")).lower() or t.variant_policy
    if "ambiguous" in row:
        t.ambiguous = _flag(row.get("ambiguous"))
    if "not_term" in row:
        t.not_term = split_contexts(_cell(row.get("not_term")))
    t.status = _cell(row.get("status")) or t.status
    t.note = _cell(row.get("note")) or None
    t.__post_init__()
    return t


@dataclass
class TableSave:
    """What one whole-table save wrote (all of it in one transaction)."""

    added: int = 0
    updated: int = 0
    deleted: int = 0

    @property
    def total(self) -> int:
        return self.added + self.updated + self.deleted

    def __str__(self) -> str:
        parts = [f"{n} {what}" for n, what in ((self.added, "added"), (self.updated, "updated"),
                                                 (self.deleted, "deleted")) if n]  # fmt: skip
        return ", ".join(parts) or "no changes"


def rows_with_edits(rows: Sequence[dict[str, Any]], state: dict[str, Any] | None) -> list[dict[str, Any]]:
    """The table as the editor sees it: ``rows`` (as loaded) with a table editor's pending edits
    applied (``{"edited_rows": {position: {column: value}}, "added_rows": [...], "deleted_rows": [...]}``,
    the shape Streamlit's data editor keeps). A save reads the edits from that state at the moment of
    the click rather than from the table drawn before it, so an edit sent with the click is not lost.
    """
    state = state or {}
    out = [dict(r) for r in rows]
    for pos, changes in (state.get("edited_rows") or {}).items():
        i = int(pos)
        if 0 <= i < len(out):
            out[i].update(changes)
    deleted = {int(i) for i in state.get("deleted_rows") or []}
    out = [r for i, r in enumerate(out) if i not in deleted]
    return out + [dict(r) for r in state.get("added_rows") or []]


def _row_id(row: dict[str, Any]) -> int | None:
    rid = row.get("id")
    if rid is None or str(rid).strip() in ("", "nan", "None", "<NA>"):
        return None
    try:
        return int(rid)
    except (TypeError, ValueError):
        return None


def apply_table_edits(repo: Any, before: Sequence[Term], rows: Sequence[dict[str, Any]], user: str) -> TableSave:
    """Save the editor's table: rows that differ from ``before`` (by id) are updated, rows without an
    id are added, and entries of ``before`` missing from ``rows`` (deleted in the table) are deleted.

    ``before`` must be the entries exactly as the editor loaded them (with their revisions), not a
    fresh read: each changed or deleted row is saved against the revision the editor saw, so a row
    somebody else changed meanwhile raises the store's :class:`~workbench.errors.ConflictError`
    (naming who and when). The whole table is one transaction: the first refused row (stale,
    invalid, or a role without the ``terms`` permission) rolls back every other row of the save,
    because a half-saved table would leave the editor unable to tell which of their edits landed.
    """
    by_id = {t.id: t for t in before}
    old_rows = {r["id"]: r for r in terms_table(before)}
    adds: list[Term] = []
    updates: list[Term] = []
    kept: set[int] = set()
    for row in rows:
        rid = _row_id(row)
        clean = {k: row.get(k) for k in TABLE_COLUMNS}
        if rid is None:
            if _cell(clean.get("rendering")):
                adds.append(row_to_term(clean))
            continue
        kept.add(rid)
        if rid in by_id and _differs(old_rows[rid], clean):
            updates.append(row_to_term(clean, by_id[rid]))
    gone = [t for t in before if t.id is not None and t.id not in kept]
    result = TableSave()
    # A save request from a role without the permission is refused even when it would change
    # nothing: a forged or stale button press gets the same clear message as a real edit.
    repo.store.authorize(user, "terms")
    if not (adds or updates or gone):
        return result
    try:
        with repo.store.transaction() as c:
            repo.store.authorize(user, "terms", c)
            for t in updates:
                repo.update(t, user, expected_rev=t.rev)
                result.updated += 1
            for t in gone:
                repo.delete(t.id, user, expected_rev=t.rev)
                result.deleted += 1
            for t in adds:
                repo.add(t, user)
                result.added += 1
    except WorkbenchError as exc:
        raise _whole_save_refused(exc) from exc
    return result


def _whole_save_refused(exc: WorkbenchError) -> WorkbenchError:
    """The store's message, with the reminder that no other row of the table was saved either."""
    msg = str(exc)
    if "nothing was saved" not in msg:
        msg += " — nothing in the table was saved"
    cls = type(exc)
    try:
        return cls(msg)
    except TypeError:  # an error class with another constructor (InputError): keep the message
        return WorkbenchError(msg)


def _differs(a: dict[str, Any], b: dict[str, Any]) -> bool:
    return any(_cell(a.get(k)) != _cell(b.get(k)) for k in TABLE_COLUMNS if k != "id")


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
