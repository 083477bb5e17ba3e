"""Bring a new version of one side of a document in, keeping what still applies; list and compare versions.

A service above the store (no Streamlit): ``workbench update`` / ``workbench versions`` /
``workbench compare`` and the Library and Compare pages call these functions.

:func:`plan_update` reads the document, matches the new paragraphs to the current ones
(:func:`workbench.versiondiff.match_versions`) and decides, without writing anything:

* unchanged paragraphs keep their row (id, revision, marks), so their links, annotations and
  finding tags are untouched;
* edited (and moved) paragraphs keep their id with the new text; their annotations are found again
  by text (:func:`workbench.terms.anchors.reanchor`) or flagged ``lost`` for review; their confirmed
  links are unconfirmed and listed "to review";
* a split paragraph keeps its id on the first piece, merged paragraphs keep the first one's id;
  inserted, split, merged and moved stretches are re-aligned locally (:mod:`workbench.align.revise`),
  every other link stays as it is.

The plan is what ``--dry-run`` and the Library page show; :func:`apply_update` writes it in one
transaction with one history row, refused when the side or the alignment changed since it was read.
New marks (italic, bold, footnotes) come from the file when its format carries them (DOCX, Markdown,
Sefaria); from a plain-text file the old marks of an edited paragraph are carried over by text.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from workbench.errors import WorkbenchError
from workbench.model import SIDES, Mark, Paragraph, Side, new_id
from workbench.textdiff import word_diff
from workbench.versiondiff import Change, match_versions, summarize

if TYPE_CHECKING:
    from workbench.io.readers import ReadResult
    from workbench.store import Store
    from workbench.store.versions import AnnotationMove, SideUpdate

#: formats whose reader gives marks (so the file's marks replace the stored ones)
MARKED_FORMATS = ("docx", "markdown", "sefaria")


def check_side(side: str) -> Side:
    if side not in SIDES:
        raise WorkbenchError(f"side must be 'source' or 'target', not {side!r}")
    return side  # type: ignore[return-value]


def carry_marks(old: Paragraph, text: str) -> list[Mark]:
    """The old paragraph's marks placed on its edited ``text`` by the words they covered (a mark
    whose words are gone is dropped: an italic on the wrong words is worse than none)."""
    from workbench.terms.anchors import reanchor

    out: list[Mark] = []
    for m in old.marks:
        if m.end > m.start:
            a = reanchor(text, m.start, m.end, old.text[m.start:m.end], old.text[max(0, m.start - 24):m.start],
                         old.text[m.end:m.end + 24])  # fmt: skip
            if a.state != "lost":
                out.append(Mark(a.start, a.end, m.kind, m.value))
        else:  # a footnote reference: after the words before it
            before = old.text[max(0, m.start - 16):m.start]
            if not before.strip():
                out.append(Mark(0, 0, m.kind, m.value))
                continue
            a = reanchor(text, m.start - len(before), m.start, before, "", old.text[m.start:m.start + 24])
            if a.state != "lost":
                out.append(Mark(a.end, a.end, m.kind, m.value))
    return out


@dataclass
class UpdatePlan:
    """What an update would do (nothing written yet): shown before it is applied."""

    doc_id: int
    title: str
    side: Side
    lang: str | None
    file: str | None
    old: list[Paragraph]
    new: list[Paragraph]
    changes: list[Change]
    update: SideUpdate
    restyled: int = 0
    links: dict[str, int] = field(default_factory=dict)
    annotations: dict[str, int] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        """True when the file brings nothing new (same texts, same marks)."""
        return not self.update.written and [p.id for p in self.new] == [p.id for p in self.old]

    def summary(self) -> dict[str, Any]:
        return {**summarize(self.changes), "restyled": self.restyled}

    def describe(self) -> str:
        s = self.summary()
        parts = [f"{s[k]} {k}" for k in ("unchanged", "edited", "split", "merged", "inserted", "deleted", "moved",
                                         "restyled") if s[k]]  # fmt: skip
        text = f"{self.side} of #{self.doc_id}: {len(self.old)} -> {len(self.new)} paragraphs; " + (", ".join(parts) or "no change")
        if self.links:
            text += (f"; links: {self.links['kept']} kept, {self.links['to_review']} to review, "
                     f"{self.links['realigned']} re-aligned, {self.links['removed']} removed")  # fmt: skip
        if self.annotations.get("reanchored") or self.annotations.get("flagged"):
            text += (f"; annotations: {self.annotations['reanchored']} re-anchored, "
                     f"{self.annotations['flagged']} flagged for review")  # fmt: skip
        return text

    def change_rows(self) -> list[dict[str, Any]]:
        """Each change that is not "unchanged": the kind, the paragraphs before and after (ids,
        1-based positions and texts)."""
        rows = []
        for c in self.changes:
            if c.op == "unchanged":
                continue
            rows.append({
                "op": c.op, "similarity": round(c.similarity, 3),
                "old": [{"id": self.old[i].id, "pos": i + 1, "text": self.old[i].text} for i in c.old],
                "new": [{"id": self.new[j].id, "pos": j + 1, "text": self.new[j].text} for j in c.new],
            })  # fmt: skip
        return rows

    def to_json(self) -> dict[str, Any]:
        return {
            "doc": self.doc_id, "side": self.side, "file": self.file,
            "paragraphs_before": len(self.old), "paragraphs_after": len(self.new),
            "summary": self.summary(), "links": self.links, "annotations": self.annotations,
            "changes": self.change_rows(), "warnings": self.warnings,
            "to_review": [{"link": lid, "reason": why} for lid, why in self.update.to_review.items()],
        }  # fmt: skip


def without_label_bold(old: Paragraph, marks: list[Mark], text: str) -> list[Mark]:
    """``marks`` without a bold mark over the item label that the stored paragraph does not have:
    an edition sets its labels in bold (``--no-bold-labels`` aside), and reading the edition back
    must not count that as the editor's formatting."""
    from workbench.hebrew import parse_label

    label, _value, body = parse_label(text)
    if not label:
        return marks
    label_end = len(text[:body].rstrip())
    had = any(m.kind == "bold" and m.start == 0 and m.end >= label_end for m in old.marks)
    if had:
        return marks
    return [m for m in marks if not (m.kind == "bold" and m.start == 0 and label_end <= m.end <= body)]


def _new_side(old: list[Paragraph], new: list[Paragraph], changes: list[Change], marked: bool
              ) -> tuple[list[Paragraph], set[str], set[str], set[str], int]:  # fmt: skip
    """The new side with ids assigned; the ids written, dirty (to re-align) and edited; restyled count."""
    out: list[Paragraph | None] = [None] * len(new)
    written: set[str] = set()
    dirty: set[str] = set()
    edited: set[str] = set()
    restyled = 0

    def take(o: Paragraph | None, n: Paragraph) -> Paragraph:
        if o is None:
            return Paragraph(n.text, list(n.marks), n.label, n.label_value, new_id(), 1)
        marks = list(n.marks) if marked else carry_marks(o, n.text)
        p = Paragraph(n.text, marks, n.label, n.label_value, o.id, o.rev + 1)
        written.add(p.id)
        return p

    if marked:
        by_new: dict[int, Paragraph] = {}
        for c in changes:
            for j in c.new:
                by_new[j] = old[c.old[0]] if c.old else Paragraph("")
        new = [Paragraph(n.text, without_label_bold(by_new[j], list(n.marks), n.text), n.label, n.label_value)
               for j, n in enumerate(new)]  # fmt: skip
    for c in changes:
        if c.op == "unchanged":
            o, n = old[c.old[0]], new[c.new[0]]
            p = Paragraph(o.text, list(o.marks), o.label, o.label_value, o.id, o.rev)
            if marked and [m.to_dict() for m in n.marks] != [m.to_dict() for m in o.marks]:
                p = Paragraph(o.text, list(n.marks), o.label, o.label_value, o.id, o.rev + 1)
                written.add(p.id)
                restyled += 1
            out[c.new[0]] = p
        elif c.op in ("edited", "moved"):
            o, n = old[c.old[0]], new[c.new[0]]
            if o.text == n.text:  # moved as it was: the row only changes its place
                marks_same = not marked or [m.to_dict() for m in n.marks] == [m.to_dict() for m in o.marks]
                p = o if marks_same else take(o, n)
                out[c.new[0]] = Paragraph(p.text, list(p.marks), p.label, p.label_value, p.id, p.rev)
            else:
                out[c.new[0]] = take(o, n)
                edited.add(o.id)
            if c.op == "moved":
                dirty.add(o.id)
        elif c.op == "split":
            o = old[c.old[0]]
            for k, j in enumerate(c.new):
                p = take(o if k == 0 else None, new[j])  # the head keeps the id
                if not marked:  # the old paragraph's marks may fall in any piece
                    p.marks = carry_marks(o, new[j].text)
                out[j] = p
                dirty.add(p.id)
        elif c.op == "merged":
            first = old[c.old[0]]
            joined = Paragraph(" ".join(old[i].text for i in c.old), _joined_marks([old[i] for i in c.old]),
                               first.label, first.label_value, first.id, first.rev)  # fmt: skip
            p = take(joined, new[c.new[0]])
            out[c.new[0]] = p
            dirty.add(p.id)
        elif c.op == "inserted":
            p = take(None, new[c.new[0]])
            out[c.new[0]] = p
            dirty.add(p.id)
    return [p for p in out if p is not None], written, dirty, edited, restyled


def _joined_marks(paras: list[Paragraph]) -> list[Mark]:
    out, shift = [], 0
    for p in paras:
        out += [Mark(m.start + shift, m.end + shift, m.kind, m.value) for m in p.marks]
        shift += len(p.text) + 1
    return out


def _annotation_moves(store: Store, doc_id: int, side: str, old: list[Paragraph], new: list[Paragraph],
                      changes: list[Change]) -> tuple[list[AnnotationMove], dict[str, int]]:  # fmt: skip
    from workbench.store.versions import AnnotationMove
    from workbench.terms.anchors import reanchor

    anns = [a for a in store.terms.annotations(doc_id=doc_id, reanchor_spans=False) if a.side == side]
    counts = {"total": len(anns), "kept": 0, "reanchored": 0, "flagged": 0}
    if not anns:
        return [], counts
    where: dict[str, Change] = {}
    for c in changes:
        for i in c.old:
            where[old[i].id] = c
    moves: list[AnnotationMove] = []
    for a in anns:
        c = where.get(a.para_id)
        if c is None or (c.op in ("unchanged", "moved") and old[c.old[0]].text == new[c.new[0]].text):
            counts["kept"] += 1
            continue
        found = None
        # the paragraph that kept the id first (at the stored offsets), then the other pieces
        cands = sorted((new[j] for j in c.new), key=lambda p: p.id != a.para_id)
        for p in cands:
            start, end = (a.start, a.end) if p.id == a.para_id else (-1, -1)
            anc = reanchor(p.text, start, end, a.surface, a.before, a.after)
            if anc.state != "lost":
                state = "ok" if (p.id, anc.start, anc.end, anc.state) == (a.para_id, a.start, a.end, "ok") else "moved"
                found = AnnotationMove(a.id, p.id, anc.start, anc.end, anc.surface, anc.before, anc.after, state,  # type: ignore[arg-type]
                                       a.rev)
                break
        if found is None:
            found = AnnotationMove(a.id, a.para_id, a.start, a.end, a.surface, a.before, a.after, "lost", a.rev)  # type: ignore[arg-type]
            counts["flagged"] += 1
        else:
            counts["reanchored"] += 1
        moves.append(found)
    return moves, counts


def strip_title_page(doc: Any, incoming: list[Paragraph], old: list[Paragraph]) -> tuple[list[Paragraph], int]:
    """``incoming`` without the leading lines of an edition's title page (the title, author,
    "Translated by ...", credits), which a DOCX exported from the workbench and edited in Word
    carries, and which are not paragraphs of the text; kept when the text itself begins with them."""
    from workbench.versiondiff import same_key

    meta = doc.metadata or {}
    lines = [doc.title, meta.get("author"), f"Translated by {meta['translator']}" if meta.get("translator") else None,
             *str(meta.get("credits") or "").splitlines()]  # fmt: skip
    furniture = {same_key(str(x)) for x in lines if x and str(x).strip()}
    first_old = same_key(old[0].text) if old else None
    n = 0
    while n < len(incoming) - 1 and same_key(incoming[n].text) in furniture and same_key(incoming[n].text) != first_old:
        n += 1
    return incoming[n:], n


def plan_update(store: Store, doc_id: int, side: str, read: ReadResult | list[Paragraph], *,
                file: str | None = None, marked: bool = False) -> UpdatePlan:  # fmt: skip
    """What updating ``side`` of ``doc_id`` with ``read`` (a file read by :mod:`workbench.io`) would do.

    ``read`` may also be a list of paragraphs; ``marked`` then says whether their marks are the
    new version's (else, as for a plain-text file, the stored marks are kept and carried over)."""
    from workbench.align.revise import relink
    from workbench.align_cache import store_align
    from workbench.io.language import UNDETERMINED, detect_language, is_hebrew_code, sample_paragraphs
    from workbench.io.language import name as lang_name
    from workbench.store.versions import SideUpdate

    side = check_side(side)
    doc = store.get_document(doc_id)  # its alignment revision is read before the links (a save between is refused)
    text = doc.side(side)
    if text is None:
        raise WorkbenchError(f"document {doc_id} has no {side} text to update; add it on the Library page or import it")
    warnings: list[str] = []
    if isinstance(read, list):
        incoming = read
    else:
        incoming, marked = read.paragraphs, read.fmt in MARKED_FORMATS
        file = file or read.file
        warnings.extend(read.warnings)
        if text.lang and is_hebrew_code(read.lang) != is_hebrew_code(text.lang):
            # the file may have been read by script alone (read_version): name its language only now
            looks = read.lang if read.lang != UNDETERMINED else detect_language(sample_paragraphs(read.paragraphs))
            if looks != UNDETERMINED and is_hebrew_code(looks) != is_hebrew_code(text.lang):
                raise WorkbenchError(
                    f"{file or 'the new file'} looks {lang_name(looks)} but the {side} of document {doc_id} is "
                    f"{lang_name(text.lang)}: is it the other side? (--source FILE / --target FILE) — nothing was saved")
    old = text.paragraphs
    incoming, dropped = strip_title_page(doc, incoming, old)
    if dropped:
        warnings.append(f"left out the title page of an exported edition ({dropped} paragraph{'s' if dropped != 1 else ''})")
    if not incoming:
        raise WorkbenchError(f"{file or 'the new version'}: no paragraphs; nothing was saved")
    changes = match_versions([p.text for p in old], [p.text for p in incoming])
    new, written, dirty, edited, restyled = _new_side(old, incoming, changes, marked)
    links = store.get_links(doc_id)
    other = doc.side("target" if side == "source" else "source")
    link_stats: dict[str, int] = {}
    new_links = None
    to_review: dict[str, str] = {}
    if links:
        structure_same = [p.id for p in new] == [p.id for p in old]
        if structure_same and not edited:
            new_links = None  # nothing moved and no text changed: the alignment is untouched
            link_stats = {"kept": len(links), "to_review": 0, "realigned": 0, "removed": 0}
        else:
            other_paras = other.paragraphs if other else []
            r = relink(side, links, [p.id for p in new], [p.id for p in other_paras],
                       new_texts=[p.text for p in new], other_texts=[p.text for p in other_paras],
                       dirty=dirty, edited=edited, align=store_align(store))  # fmt: skip
            new_links, to_review = r.links, r.to_review
            link_stats = {"kept": r.kept, "to_review": len(r.to_review), "realigned": r.realigned,
                          "removed": len(r.removed)}  # fmt: skip
    moves, ann_stats = _annotation_moves(store, doc_id, side, old, new, changes)
    summary = {**summarize(changes), "restyled": restyled}
    update = SideUpdate(doc_id, side, [(p.id, p.rev) for p in old], doc.alignment_rev, new, written, new_links,
                        to_review, moves, summary, file, old_links=links)  # fmt: skip
    return UpdatePlan(doc_id, doc.title, side, text.lang, file, old, new, changes, update, restyled, link_stats,
                      ann_stats, warnings)  # fmt: skip


def read_version(path: str | Path, *, encoding: str | None = None, max_bytes: int | None = None,
                 max_unpacked: int | None = None, max_paragraphs: int | None = None) -> ReadResult:  # fmt: skip
    """A new version read with the importer's readers, encodings and limits. Its language is told by
    script only: the side's language is known, and :func:`plan_update` names the file's only when
    it does not fit (langdetect's first use costs a fresh process a good part of a second)."""
    from workbench.io import read_paragraphs

    return read_paragraphs(path, max_bytes=max_bytes, encoding=encoding, max_unpacked=max_unpacked,
                           max_paragraphs=max_paragraphs, guess_language=False)  # fmt: skip


def apply_update(store: Store, plan: UpdatePlan, user: str) -> dict[str, Any]:
    """Write ``plan`` (one transaction, one history row); refused when the document changed since."""
    if plan.empty:
        return {**plan.to_json(), "version": None, "change": None, "applied": False}
    res = store.versions.apply(plan.update, user)
    return {**plan.to_json(), **res, "applied": True}


def revert_update(store: Store, change_id: int, user: str) -> dict[str, Any]:
    """Revert the update written as history row ``change_id`` (see :meth:`VersionsRepo.revert`)."""
    where = store.versions.of_change(int(change_id))
    if where is None:
        raise WorkbenchError(f"change {change_id} is not an update of a document side")
    return store.versions.revert(where["doc"], where["side"], where["version"], user)


def review_after_update(store: Store, doc_id: int) -> dict[str, list[dict[str, Any]]]:
    """What updates left for an editor to look at again in ``doc_id``: the links marked "to review"
    (confirmed before an update changed their text, or re-aligned where a confirmed link stood) that
    nobody has confirmed or edited since, with their texts; and the annotations whose words an
    edit took away (state ``lost``), with the paragraph they were on."""
    doc = store.get_document(doc_id)
    paras = doc.paragraph_index()
    flagged = store.versions.to_review(doc_id)
    links = []
    if flagged:
        for pos, lk in enumerate(store.get_links(doc_id), start=1):
            if lk.id in flagged:
                links.append({"link": lk.id, "number": pos, "reason": flagged[lk.id],
                              "source": "\n".join(paras[p].text for p in lk.source if p in paras),
                              "target": "\n".join(paras[p].text for p in lk.target if p in paras)})  # fmt: skip
    anns = [{"annotation": a.id, "surface": a.surface, "term": a.term_id, "side": a.side, "para_id": a.para_id,
             "paragraph": paras[a.para_id].text if a.para_id in paras else ""}
            for a in store.terms.annotations(doc_id=doc_id, reanchor_spans=False) if a.state == "lost"]  # fmt: skip
    return {"links": links, "annotations": anns}


# -- versions and comparisons ------------------------------------------------------------------------


def list_versions(store: Store, doc_id: int) -> list[dict[str, Any]]:
    """Every version of each side, oldest first; a side never updated has its version 1 (the import)."""
    doc = store.get_document(doc_id)
    stored = store.versions.list(doc_id)
    out: list[dict[str, Any]] = []
    for side in SIDES:
        text = doc.side(side)
        if text is None:
            continue
        rows = [r for r in stored if r["side"] == side]
        current = [p.text for p in text.paragraphs]
        if not rows:
            file = (doc.metadata.get(side) or {}).get("file") if isinstance(doc.metadata.get(side), dict) else None
            rows = [{"doc": doc_id, "side": side, "version": 1, "time": doc.created, "user": None, "action": "import",
                     "file": file, "paragraphs": len(current), "summary": {}, "change": None}]  # fmt: skip
            rows[0]["current"] = True
        else:
            last = store.versions.paragraphs(doc_id, side, rows[-1]["version"])
            for r in rows:
                r["current"] = False
            rows[-1]["current"] = [p.text for p in last] == current
        out.extend(rows)
    return out


def version_paragraphs(store: Store, doc_id: int, side: str, version: int | str) -> list[Paragraph]:
    """The paragraphs of ``version`` of a side (``"current"``: as it is now)."""
    side = check_side(side)
    doc = store.get_document(doc_id)
    text = doc.side(side)
    if text is None:
        raise WorkbenchError(f"document {doc_id} has no {side} text")
    if str(version) == "current":
        return text.paragraphs
    try:
        v = int(version)
    except ValueError:
        raise WorkbenchError(f"a version is a number or 'current', not {version!r}") from None
    if not store.versions.list(doc_id, side):
        if v == 1:
            return text.paragraphs
        raise WorkbenchError(f"document {doc_id} has only version 1 of its {side} (see: workbench versions {doc_id})")
    return store.versions.paragraphs(doc_id, side, v)


@dataclass
class CompareRow:
    op: str
    old: list[Paragraph]
    new: list[Paragraph]
    similarity: float
    #: the other language's paragraphs linked (now) to these paragraphs
    counterpart: list[Paragraph]

    @property
    def old_text(self) -> str:
        return "\n".join(p.text for p in self.old)

    @property
    def new_text(self) -> str:
        return "\n".join(p.text for p in self.new)

    def diff(self) -> list[tuple[str, str]]:
        return word_diff(self.old_text, self.new_text)

    def to_json(self) -> dict[str, Any]:
        return {"op": self.op, "similarity": round(self.similarity, 3),
                "old": [{"id": p.id, "text": p.text} for p in self.old],
                "new": [{"id": p.id, "text": p.text} for p in self.new],
                "diff": [[op, t] for op, t in self.diff()],
                "counterpart": [{"id": p.id, "text": p.text} for p in self.counterpart]}  # fmt: skip


@dataclass
class Comparison:
    doc_id: int
    title: str
    side: Side
    lang: str | None
    other_lang: str | None
    version_from: str
    version_to: str
    rows: list[CompareRow]

    def summary(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for r in self.rows:
            counts[r.op] = counts.get(r.op, 0) + 1
        return counts

    def to_json(self, changed_only: bool = False) -> dict[str, Any]:
        return {"doc": self.doc_id, "side": self.side, "from": self.version_from, "to": self.version_to,
                "summary": self.summary(),
                "rows": [r.to_json() for r in self.rows if not changed_only or r.op != "unchanged"]}  # fmt: skip


def compare_versions(store: Store, doc_id: int, side: str, version_from: int | str, version_to: int | str) -> Comparison:
    """Paragraph-level alignment of two versions of a side, with each row's counterpart."""
    side = check_side(side)
    a = version_paragraphs(store, doc_id, side, version_from)
    b = version_paragraphs(store, doc_id, side, version_to)
    doc = store.get_document(doc_id)
    other_side = "target" if side == "source" else "source"
    other = doc.side(other_side)
    other_by_id = {p.id: p for p in (other.paragraphs if other else [])}
    partner: dict[str, list[str]] = {}
    for lk in store.get_links(doc_id):
        mine, theirs = (lk.source, lk.target) if side == "source" else (lk.target, lk.source)
        for pid in mine:
            partner[pid] = theirs
    rows = []
    for c in match_versions([p.text for p in a], [p.text for p in b]):
        olds, news = [a[i] for i in c.old], [b[j] for j in c.new]
        seen: list[str] = []
        for p in news + olds:
            for q in partner.get(p.id, []):
                if q not in seen:
                    seen.append(q)
        rows.append(CompareRow(c.op, olds, news, c.similarity, [other_by_id[q] for q in seen if q in other_by_id]))
    text = doc.side(side)
    return Comparison(doc_id, doc.title, side, text.lang if text else None, other.lang if other else None,
                      str(version_from), str(version_to), rows)  # fmt: skip
