"""The editor's desk as a service: what the desk page and the command line share.

The desk is the alignment seen for editing: each link a row with its source and translation, the
termbase's hits on both sides, the findings on its paragraphs, its review status and its comments.
Nothing here is new storage or a new rule: edits go through :class:`workbench.editing.AlignmentEditor`
(revision and role checks, undo), fixes through :mod:`workbench.fixes` (the batch fix of the
finding's decision narrowed to the one occurrence), tags through ``store.findings``, review statuses
and comments through ``store.reviews`` / ``store.comments``, term hits through the termbase's
matcher and the stored annotations. This module names links the way editors do (by number or id),
filters the rows an editor works by, and puts the term hits and findings of a row in order.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from workbench.errors import NotFoundError, WorkbenchError
from workbench.model import Link

if TYPE_CHECKING:
    from workbench.findings_types import Finding
    from workbench.store import Store
    from workbench.store.reviews import LinkReview
    from workbench.terms.matcher import TermMatcher

#: below this alignment score a link is "low confidence" (the Alignment page's default threshold)
LOW_CONFIDENCE = 0.5


#: the fewest digits an all-digit text needs to be read as an id prefix rather than a link
#: number out of range (git's shortest abbreviation)
MIN_ID_PREFIX = 4


def resolve_link(links: Sequence[Link], ref: str | int, doc_id: int | None = None) -> tuple[int, Link]:
    """(0-based index, link) for a link named by its id, a unique prefix of one, or its 1-based
    number (``7`` or ``#7``), as the Alignment page and ``workbench show`` number them."""
    text = str(ref).strip()
    where = f" of document {doc_id}" if doc_id is not None else ""
    if not text:
        raise WorkbenchError("give a link: its number (1, 2, ...) or its id (see `workbench show DOC --json`)")
    for i, lk in enumerate(links):
        if lk.id == text:
            return i, lk
    number = text[1:] if text.startswith("#") else text
    hits = [(i, lk) for i, lk in enumerate(links) if lk.id.startswith(text)]
    if number.isdigit():
        n = int(number)
        if 1 <= n <= len(links):
            # From MIN_ID_PREFIX digits on, a number in range may also be the id prefix an editor
            # copied ("0042" of a 500-link document): where it begins another link's id, acting on
            # either reading could be acting on the wrong link, so the editor is asked which.
            others = [lk.id for j, lk in hits if j != n - 1]
            if others and not text.startswith("#") and len(text) >= MIN_ID_PREFIX:
                raise WorkbenchError(
                    f"{text} is link number {n}{where} and also begins link id {others[0]}:"
                    f" give #{n} for the number, or more of the id"
                )
            return n - 1, links[n - 1]
        # Ids are hex, so a prefix can be all digits ("10668595"): out of the numbers' range it is
        # read as the prefix it must be, never refused as a missing number; but a short one ("9" of
        # a document of 3 links) is a number, whatever ids happen to start with it.
        if text.startswith("#") or len(text) < MIN_ID_PREFIX or not hits:
            raise NotFoundError(
                f"there is no link {n}{where} (it has {len(links)} link{'s' if len(links) != 1 else ''})"
            )
    if len(hits) == 1:
        return hits[0]
    if len(hits) > 1:
        raise WorkbenchError(f"link id {text} is ambiguous{where}")
    raise NotFoundError(f"there is no link {text!r}{where} (give its number or its id)")


def single_column_links(doc: Any) -> list[Link]:
    """A translation-only (or source-only) document has no links: its desk has one row per
    paragraph. These rows are links of the one side (stable ids: the paragraph's), never stored."""
    text = doc.target or doc.source
    if text is None:
        return []
    side = "target" if doc.target is not None else "source"
    return [Link([] if side == "target" else [p.id], [p.id] if side == "target" else [], 1.0, "confirmed", id=p.id)
            for p in text.paragraphs]  # fmt: skip


# ------------------------------------------------------------------------------------ term hits


@dataclass(frozen=True, slots=True)
class TermHit:
    """One term occurrence in a paragraph, for highlighting: ``kind`` is ``source`` (a source form),
    ``preferred``, ``variant`` or ``forbidden`` (which rendering; a variant under the ``forbidden``
    policy counts as forbidden), ``case`` (the preferred form with a case slip)."""

    para_id: str
    start: int
    end: int
    term_id: Any
    kind: str
    tip: str
    pair: str = ""  # hits of one term in aligned sentences of a link share it (:func:`pair_counterparts`)


def term_tip(term: Any) -> str:
    """The tooltip of a term hit: the Hebrew, the preferred rendering, the gloss and the status."""
    hebrew = getattr(term, "source_pointed", None) or term.source or ""
    parts = [f"{hebrew} — {term.preferred}" if hebrew else term.preferred]
    if term.gloss:
        parts.append(f"gloss: {term.gloss}")
    if term.variants:
        policy = getattr(term, "variant_policy", "allowed")
        parts.append("variants" + ("" if policy == "allowed" else f" ({policy})") + ": " + ", ".join(term.variants))
    if term.forbidden:
        parts.append("forbidden: " + ", ".join(term.forbidden))
    parts.append(f"status: {term.status}")
    return " · ".join(parts)


def term_hits(matcher: TermMatcher, paragraphs: Iterable[Any], side_of: dict[str, str],
              annotations: Iterable[Any] = ()) -> dict[str, list[TermHit]]:  # fmt: skip
    """Per paragraph id, its term hits in text order, never overlapping: the matcher's on both sides
    and the stored annotations (an editor's manual marks, which win where they overlap a match)."""
    paras = list(paragraphs)
    terms = matcher.terms
    out: dict[str, list[TermHit]] = {p.id: [] for p in paras}
    src = [p for p in paras if side_of.get(p.id) == "source"]
    tgt = [p for p in paras if side_of.get(p.id) != "source"]
    for p, hits in zip(src, matcher.find_source_batch([p.text for p in src]), strict=True):
        for h in hits:
            if h.term_id in terms:
                out[p.id].append(TermHit(p.id, h.start, h.end, h.term_id, "source", term_tip(terms[h.term_id])))
    for p, hits in zip(tgt, matcher.find_target_batch([p.text for p in tgt]), strict=True):
        for h in hits:
            if h.term_id in terms:
                kind = h.form_kind if h.form_kind != "preferred" or h.case_ok else "case"
                if kind == "variant" and getattr(terms[h.term_id], "variant_policy", "allowed") == "forbidden":
                    kind = "forbidden"  # a variant the termbase forbids is marked as a forbidden form
                out[p.id].append(TermHit(p.id, h.start, h.end, h.term_id, kind, term_tip(terms[h.term_id])))
    texts = {p.id: p.text for p in paras}
    for a in annotations:
        if a.para_id not in out or a.term_id is None or a.state == "lost" or a.term_id not in terms:
            continue
        if not (0 <= a.start < a.end <= len(texts[a.para_id])):
            continue
        kept = [h for h in out[a.para_id] if h.end <= a.start or h.start >= a.end]
        kind = "source" if side_of.get(a.para_id) == "source" else "preferred"
        kept.append(TermHit(a.para_id, a.start, a.end, a.term_id, kind, term_tip(terms[a.term_id])))
        out[a.para_id] = kept
    for pid, hits in out.items():
        hits.sort(key=lambda h: (h.start, -h.end))
        clean: list[TermHit] = []
        for h in hits:
            if not clean or h.start >= clean[-1].end:
                clean.append(h)
        out[pid] = clean
    return out


def pair_counterparts(link: Link, paras: dict[str, Any], hits: dict[str, list[TermHit]]) -> None:
    """Give the hits of a term that stand in aligned sentences of the link one ``pair`` key, so that
    selecting one shows its own counterpart on the other side rather than every hit of the term.

    The sentences are aligned by length within the link (the same programme ``term-missing`` uses
    to find what a sentence has in a term's place); a hit whose sentence has no hit of its term on
    the other side keeps no pair, and the page falls back to every hit of the term in the row.
    Changes ``hits`` in place (the lists of the link's paragraphs)."""
    from dataclasses import replace

    from workbench.checks.rows import rough_sentences
    from workbench.checks.terms import align_sentences_by_length

    def cut(ids: Sequence[str]) -> list[tuple[str, int, int]]:
        return [(pid, x, y) for pid in ids if pid in paras for x, y in rough_sentences(paras[pid].text)]

    src, tgt = cut(link.source), cut(link.target)
    if not src or not tgt or not any(hits.get(pid) for pid in link.source) or not any(hits.get(pid) for pid in link.target):
        return
    beads = align_sentences_by_length([y - x for _p, x, y in src], [y - x for _p, x, y in tgt])
    bead_of: dict[tuple[str, int], int] = {}  # (paragraph, hit start) -> bead
    for b, bead in enumerate(beads):
        for side, idx in ((src, bead.source), (tgt, bead.target)):
            for k in idx:
                pid, x, y = side[k]
                for h in hits.get(pid, []):
                    if x <= h.start < y:
                        bead_of[(pid, h.start)] = b
    sides: dict[tuple[int, Any], set[str]] = {}
    for ids, side in ((link.source, "s"), (link.target, "t")):
        for pid in ids:
            for h in hits.get(pid, []):
                b = bead_of.get((pid, h.start))
                if b is not None:
                    sides.setdefault((b, h.term_id), set()).add(side)
    for pid in (*link.source, *link.target):
        if pid in hits:
            hits[pid] = [
                replace(h, pair=f"{link.id}.{b}.{h.term_id}")
                if (b := bead_of.get((pid, h.start))) is not None and len(sides.get((b, h.term_id), ())) == 2 else h
                for h in hits[pid]
            ]


def links_with_term(matcher: TermMatcher, links: Sequence[Link], paras: dict[str, Any], side_of: dict[str, str],
                    term_id: Any) -> set[str]:  # fmt: skip
    """The ids of the links whose text (either side) holds ``term_id``."""
    src = [pid for pid in paras if side_of.get(pid) == "source"]
    tgt = [pid for pid in paras if side_of.get(pid) != "source"]
    found: set[str] = set()
    for ids, batch in ((src, matcher.find_source_batch), (tgt, matcher.find_target_batch)):
        for pid, hits in zip(ids, batch([paras[p].text for p in ids]), strict=True):
            if any(h.term_id == term_id for h in hits):
                found.add(pid)
    return {lk.id for lk in links if any(p in found for p in (*lk.source, *lk.target))}


# ------------------------------------------------------------------------------------ findings


def suggested_fix(f: Finding) -> str | None:
    """The replacement a finding suggests, where its check has one (the preferred rendering of a
    variant or forbidden form, a case slip): None when there is none or the finding has no place."""
    if f.para_id is None or f.start is None or f.end is None or f.doc_id is None or not f.key:
        return None
    preferred = (f.data or {}).get("preferred")
    if not preferred or str(preferred) == f.key:
        return None
    return str(preferred)


def apply_finding_fix(store: Store, finding_id: str, user: str, *, replace_with: str | None = None) -> Any:
    """Apply a finding's suggested fix to this one occurrence: the batch fix of its decision with every
    other occurrence left out (same whole-word rules, revision check, history and undo as a batch
    fix on the Consistency page)."""
    from workbench.fixes import apply_fix, preview_fix

    f = store.findings.get(finding_id)
    new = replace_with or suggested_fix(f)
    if not new:
        raise WorkbenchError(f"finding {f.id} has no suggested fix; edit the text instead")
    others = [o.id for o in store.findings.of_group(f.check, f.doc_id, f.term_id, f.group, present=True) if o.id != f.id]
    pv = preview_fix(store, f.group, new, skip=others)
    return apply_fix(store, pv, user)


def findings_by_link(findings: Iterable[Finding], links: Sequence[Link]) -> dict[str, list[Finding]]:
    """Present findings per link id: by their link, else by the paragraph they stand in."""
    by_para = {p: lk.id for lk in links for p in (*lk.source, *lk.target)}
    ids = {lk.id for lk in links}
    out: dict[str, list[Finding]] = {}
    for f in findings:
        lid = f.link_id if f.link_id in ids else None
        if lid is None:
            for p in [f.para_id, *f.para_ids]:
                if p and p in by_para:
                    lid = by_para[p]
                    break
        if lid is not None:
            out.setdefault(lid, []).append(f)
    return out


def link_of_paragraph(links: Sequence[Link]) -> dict[str, str]:
    """Paragraph id -> the id of the link that holds it."""
    return {p: lk.id for lk in links for p in (*lk.source, *lk.target)}


def count_by_link(places: Iterable[tuple[str | None, str | None]], links: Sequence[Link],
                  by_para: dict[str, str] | None = None) -> dict[str, int]:  # fmt: skip
    """Open findings per link id from their (link id, paragraph id) places (as :func:`findings_by_link`
    places them, without reading the findings themselves); ``by_para``: :func:`link_of_paragraph`,
    when the caller keeps it."""
    ids = {lk.id for lk in links}
    by_para = by_para if by_para is not None else link_of_paragraph(links)
    out: dict[str, int] = {}
    for lid, pid in places:
        key = lid if lid in ids else by_para.get(pid or "")
        if key is not None:
            out[key] = out.get(key, 0) + 1
    return out


# ------------------------------------------------------------------------------------ filters


@dataclass
class DeskFilter:
    """The filters an editor works by; each one narrows the rows (all off: every link)."""

    open_findings: bool = False
    not_reviewed: bool = False
    changed_since_review: bool = False
    low_confidence: bool = False
    with_comments: bool = False
    term_links: set[str] | None = None  # "contains term X": the links that hold it
    threshold: float = LOW_CONFIDENCE
    extra: dict[str, Any] = field(default_factory=dict)

    def active(self) -> bool:
        return any((self.open_findings, self.not_reviewed, self.changed_since_review, self.low_confidence,
                    self.with_comments, self.term_links is not None))  # fmt: skip


def filter_links(links: Sequence[Link], flt: DeskFilter, statuses: dict[str, LinkReview],
                 open_by_link: dict[str, int], comments_by_link: dict[str, int] | None = None) -> list[int]:  # fmt: skip
    """Indices of the links ``flt`` lets through."""
    out = []
    for i, lk in enumerate(links):
        st = statuses.get(lk.id)
        if flt.open_findings and not open_by_link.get(lk.id):
            continue
        if flt.not_reviewed and st is not None and st.status in ("reviewed", "approved"):
            continue
        if flt.changed_since_review and not (st is not None and st.changed_since_review):
            continue
        if flt.low_confidence and not (lk.source and lk.target and float(lk.score) < flt.threshold):
            continue
        if flt.with_comments and not (comments_by_link or {}).get(lk.id):
            continue
        if flt.term_links is not None and lk.id not in flt.term_links:
            continue
        out.append(i)
    return out
