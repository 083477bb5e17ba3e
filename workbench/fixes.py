"""Batch fixes from a decision: "replace X with Y" in the chosen occurrences of one group of findings.

The pure part (:func:`find_words`, :func:`case_like`, :func:`replace_spans`) says where a form
stands in a paragraph as a whole word and what the paragraph becomes; the service part
(:func:`preview_fix`, :func:`apply_fix`, :func:`undo_fix`) reads the occurrences from the store, shows
every change before anything is written, and writes them conflict-safely:

* **Whole words only**: ``Masakh`` is replaced in "the Masakh's edge", never inside
  ``Masakhim``. Where the form is Hebrew, a word may carry the one-letter prefixes ו ה ב כ ל מ ש ד
  (up to four: וכשה…): they are not part of the form and stay attached (ובמסך -> ובמסך with the new
  form after ``וב``).
* **Case-preserving**: an all-capitals occurrence gets the replacement in capitals, one with a
  capital first letter gets a capital first letter, any other the replacement as typed (so that
  ``masach`` -> ``Masach`` fixes a case slip).
* **An occurrence is located, not trusted**: the finding's offsets are from the last run; the
  form must still stand there as a whole word (the match overlapping the finding's span), else the
  occurrence is shown as stale and left alone.
* **One transaction, at the previewed revisions**: every paragraph must still be at the revision
  the preview read; one that is not refuses the whole fix, naming who changed it. Each paragraph
  edit is a history row (revertible one by one on the Activity page) and inline marks (italics,
  footnote references) move with the text.
* **Undo as one operation**: the fix is recorded with every paragraph as it was; :func:`undo_fix`
  restores them all in one transaction while each is still at the revision the fix left it at
  (otherwise it is refused, naming who changed which paragraph since). The alignment editor's
  undo list is per paragraph edit and would need one entry per paragraph; a fix is one decision,
  so it is undone as one.

After a fix (or its undo) the checks re-run on the paragraphs it touched, so the decision's count
reflects the new text at once.
"""

from __future__ import annotations

import re
import unicodedata
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

from workbench.errors import ConflictError, WorkbenchError
from workbench.model import Mark

if TYPE_CHECKING:
    from workbench.findings_types import Decision
    from workbench.store import Store

#: one-letter prefixes a Hebrew word may carry, which a fix leaves attached
HEBREW_PREFIXES = "והבכלמשד"
_HEBREW = re.compile(r"[\u05D0-\u05EA]")
_WORDCH = r"\w\u0591-\u05C7"  # letters, digits, underscore; Hebrew points and cantillation marks


def is_hebrew(text: str) -> bool:
    return bool(_HEBREW.search(text))


def find_words(text: str, form: str) -> list[tuple[int, int, int]]:
    """Where ``form`` stands in ``text`` as a whole word, case-insensitively: (start of the word
    with its prefixes, start of the form, end). Whitespace inside ``form`` matches any run of
    whitespace; a Hebrew form may follow one to four of :data:`HEBREW_PREFIXES`."""
    form = unicodedata.normalize("NFC", form.strip())
    if not form:
        return []
    body = r"\s+".join(re.escape(part) for part in form.split())
    prefix = f"[{HEBREW_PREFIXES}]{{0,4}}?" if is_hebrew(form) else ""
    pat = re.compile(f"(?<![{_WORDCH}])({prefix})({body})(?![{_WORDCH}])", re.IGNORECASE)
    return [(m.start(), m.start(2), m.end()) for m in pat.finditer(text)]


def case_like(surface: str, replacement: str) -> str:
    """``replacement`` with the letter case of ``surface`` (see the module doc)."""
    cased = [ch for ch in surface if ch.isalpha() and ch.lower() != ch.upper()]
    if not cased or not replacement:
        return replacement
    if len(cased) > 1 and all(ch.isupper() for ch in cased):
        return replacement.upper()
    if cased[0].isupper() and surface.lstrip()[:1].isupper():
        return replacement[:1].upper() + replacement[1:]
    return replacement


def replace_spans(text: str, marks: Sequence[Mark], spans: Iterable[tuple[int, int, str]]) -> tuple[str, list[Mark]]:
    """``text`` with each (start, end, new) span replaced (spans must not overlap), and ``marks``
    moved with it: an offset after a span shifts by its change in length, one inside a span goes
    to the nearest end of the new text (a mark stays over the word it covered)."""
    reps = sorted(spans)
    for (_, e1, _), (s2, _, _) in zip(reps, reps[1:], strict=False):
        if s2 < e1:
            raise ValueError("overlapping replacements")
    out: list[str] = []
    pos = 0
    for s, e, new in reps:
        out.append(text[pos:s])
        out.append(new)
        pos = e
    out.append(text[pos:])

    def shift(x: int, end: bool) -> int:
        delta = 0
        for s, e, new in reps:
            if x >= e:
                delta += len(new) - (e - s)
            elif x > s:  # inside the span
                return s + delta + (len(new) if end else 0)
            else:
                break
        return x + delta

    moved = [Mark(shift(m.start, False), shift(m.end, m.end > m.start), m.kind, m.value) for m in marks]
    return "".join(out), moved


# ------------------------------------------------------------------------------------ preview


@dataclass
class FixChange:
    """One occurrence of the decision in a fix's preview.

    ``action``: ``replace`` (will be changed), ``skip`` (opted out), ``stale`` (the form is not
    there any more as a whole word: the text changed since the checks ran) or ``same`` (the
    replacement is what is already written)."""

    occurrence: str
    para_id: str | None
    side: str
    rev: int | None
    start: int | None
    end: int | None
    before: str
    after: str
    context_before: str
    context_after: str
    action: str
    reason: str = ""

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class FixPreview:
    """What a fix would do: every change, and the revision of each paragraph it was read at."""

    group: str
    check: str
    doc_id: int
    term_id: Any
    find: str
    replace_with: str
    changes: list[FixChange] = field(default_factory=list)
    revs: dict[str, int] = field(default_factory=dict)

    @property
    def to_replace(self) -> list[FixChange]:
        return [c for c in self.changes if c.action == "replace"]

    def to_json(self) -> dict[str, Any]:
        return {"group": self.group, "check": self.check, "document": self.doc_id, "term": self.term_id,
                "find": self.find, "replace_with": self.replace_with, "replace": len(self.to_replace),
                "paragraphs": len({c.para_id for c in self.to_replace}), "revisions": self.revs,
                "changes": [c.to_json() for c in self.changes]}  # fmt: skip


def _context(text: str, s: int, e: int, new: str | None = None, width: int = 40) -> str:
    a = max(0, s - width)
    k = text.find(" ", a, s) if a else -1
    a = k + 1 if k >= 0 else a
    b = min(len(text), e + width)
    k = text.rfind(" ", e, b) if b < len(text) else -1
    b = k if k >= 0 else b
    core = text[s:e] if new is None else new
    return ("…" if a else "") + text[a:s] + "[" + core + "]" + text[e:b] + ("…" if b < len(text) else "")


def preview_fix(store: Store, group: str, replace_with: str, skip: Iterable[str] = ()) -> FixPreview:
    """Every change "replace the decision's form with ``replace_with``" would make in the present
    occurrences of ``group``, none written. ``skip``: occurrence (finding) ids, or unique prefixes
    of them, to leave alone."""
    new = replace_with.strip()
    if not new:
        raise WorkbenchError("the replacement text is empty (a fix replaces words; it does not delete them)")
    if "\n" in new or "\r" in new:
        raise WorkbenchError("the replacement text must be one line")
    d: Decision = store.decisions.resolve(group)
    if d.doc_id is None:
        raise WorkbenchError(f"group {d.group} is corpus-wide: it has no occurrences in a text to replace;"
                             " fix it in each document's groups")  # fmt: skip
    occ = store.decisions.occurrences(d)
    skip_refs = [s.strip() for s in skip if s.strip()]
    skipped: set[str] = set()
    for ref in skip_refs:
        hits = [f.id for f in occ if f.id.startswith(ref)]
        if not hits:
            raise WorkbenchError(f"occurrence {ref} is not one of group {d.group}'s")
        if len(hits) > 1 and ref not in hits:
            raise WorkbenchError(f"occurrence id {ref} is ambiguous ({', '.join(hits[:2])}, …)")
        skipped.add(ref if ref in hits else hits[0])
    paras = store.findings.paragraphs({f.para_id for f in occ if f.para_id})
    where = store.decisions.paragraph_states(paras, who=False)
    occ.sort(key=lambda f: (where[f.para_id]["side"], where[f.para_id]["pos"], f.start or 0) if f.para_id in where
             else ("~", 0, 0))  # in the order of the text  # fmt: skip
    pv = FixPreview(d.group, d.check, d.doc_id, d.term_id, d.form, new)
    taken: dict[str, set[tuple[int, int]]] = {}
    for f in occ:
        p = paras.get(f.para_id or "")
        if p is None or f.start is None or f.end is None:
            pv.changes.append(FixChange(f.id, f.para_id, f.side, None, None, None, "", "", f.excerpt, "", "stale",
                                        "this finding has no place in a paragraph to replace"))  # fmt: skip
            continue
        pv.revs[p.id] = p.rev
        hits = [(a, s, e) for a, s, e in find_words(p.text, f.key) if a < f.end and e > f.start]
        span = next(((s, e) for _, s, e in hits if (s, e) not in taken.get(p.id, set())), None)
        if span is None:
            pv.changes.append(FixChange(f.id, p.id, f.side, p.rev, f.start, f.end, p.text[f.start:f.end], "",
                                        _context(p.text, f.start, min(f.end, len(p.text))), "", "stale",
                                        f"{f.key!r} is not at this place as a whole word any more (the text changed"
                                        " since the checks ran: run them again)"))  # fmt: skip
            continue
        s, e = span
        taken.setdefault(p.id, set()).add(span)
        before = p.text[s:e]
        after = new if is_hebrew(before) else case_like(before, new)
        action, reason = "replace", ""
        if f.id in skipped:
            action, reason = "skip", "left out"
        elif after == before:
            action, reason = "same", "already written so"
        pv.changes.append(FixChange(f.id, p.id, f.side, p.rev, s, e, before, after, _context(p.text, s, e),
                                    _context(p.text, s, e, after), action, reason))  # fmt: skip
    return pv


# ------------------------------------------------------------------------------------ apply / undo


@dataclass
class FixResult:
    fix_id: str
    group: str
    replaced: int
    paragraphs: list[str]
    message: str

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def _where(state: dict[str, Any]) -> str:
    return f"{state['side']} paragraph {state['pos'] + 1} of document {state['doc_id']}"


def _recheck(store: Store, para_ids: Sequence[str], user: str) -> None:
    from workbench.checks.runner import CheckRunner

    if para_ids:
        CheckRunner(store).recheck_paragraphs(para_ids, user=user)


def apply_fix(store: Store, preview: FixPreview, user: str, *, recheck: bool = True) -> FixResult:
    """Write the ``replace`` changes of ``preview`` in one transaction, every paragraph at the
    revision the preview read (a stale one refuses the whole fix, naming who changed it)."""
    todo = preview.to_replace
    if not todo:
        raise WorkbenchError(f"nothing to replace in group {preview.group} (every occurrence is left out, stale or"
                             " already written so)")  # fmt: skip
    by_para: dict[str, list[FixChange]] = {}
    for ch in todo:
        by_para.setdefault(ch.para_id or "", []).append(ch)
    fix_id = uuid.uuid4().hex[:12]
    with store.transaction() as c:
        store.authorize(user, "edit", c)
        states = store.decisions.paragraph_states(by_para)
        for pid in by_para:
            st = states.get(pid)
            if st is None:
                raise ConflictError("a paragraph of this fix was deleted since the preview — nothing was replaced")
            if st["rev"] != preview.revs[pid]:
                raise ConflictError(
                    f"{_where(st)} was changed{st['who']} since the preview (now revision {st['rev']}, the preview's"
                    f" {preview.revs[pid]}); preview the fix again — nothing was replaced"
                )
        saved = []
        for pid, changes in by_para.items():
            p = store.get_paragraph(pid)
            text, marks = replace_spans(p.text, p.marks, [(ch.start, ch.end, ch.after) for ch in changes])  # type: ignore[misc]
            after = store.update_paragraph(pid, text, marks, p.rev, user)
            saved.append({"id": pid, "text": p.text, "marks": [m.to_dict() for m in p.marks], "label": p.label,
                          "label_value": p.label_value, "rev_after": after.rev})  # fmt: skip
        payload = {"paragraphs": saved, "occurrences": [ch.occurrence for ch in todo]}
        store.decisions.record_fix(fix_id, preview.group, preview.doc_id, user, preview.find, preview.replace_with, payload)
        store.db.log(c, user, "fix", fix_id, preview.doc_id, "apply", None,
                     {"group": preview.group, "find": preview.find, "replace_with": preview.replace_with,
                      "occurrences": len(todo), "paragraphs": list(by_para)})  # fmt: skip
    if recheck:
        _recheck(store, list(by_para), user)
    n, k = len(todo), len(by_para)
    return FixResult(fix_id, preview.group, n, list(by_para),
                     f"replaced {n} occurrence(s) of {preview.find!r} with {preview.replace_with!r} in {k} paragraph(s)"
                     f" (fix {fix_id})")  # fmt: skip


def undo_fix(store: Store, fix_ref: str, user: str, *, recheck: bool = True) -> FixResult:
    """Take a batch fix back as one operation: every paragraph it changed gets its text (and marks)
    back, in one transaction, if each is still at the revision the fix left it at. Only the editor
    who made the fix undoes it (as with the alignment editor's undo list); anyone with the edit
    role can still revert its paragraph edits one by one on the Activity page."""
    rec = store.decisions.get_fix(fix_ref)
    if rec["undone"]:
        raise WorkbenchError(f"batch fix {rec['id']} was undone already")
    if rec["user"] != user:
        raise WorkbenchError(f"batch fix {rec['id']} was made by {rec['user']}: only they can undo it as one"
                             " (its paragraph edits can be reverted on the Activity page)")  # fmt: skip
    paras = rec["payload"]["paragraphs"]
    with store.transaction() as c:
        store.authorize(user, "edit", c)
        states = store.decisions.paragraph_states(p["id"] for p in paras)
        for p in paras:
            st = states.get(p["id"])
            if st is None:
                raise ConflictError(f"cannot undo fix {rec['id']}: a paragraph it changed was deleted since — nothing was undone")
            if st["rev"] != p["rev_after"]:
                raise ConflictError(f"cannot undo fix {rec['id']}: {_where(st)} was changed{st['who']} since the fix"
                                    " — nothing was undone")  # fmt: skip
        for p in paras:
            store.update_paragraph(p["id"], p["text"], [Mark.from_dict(m) for m in p["marks"]], p["rev_after"], user,
                                   label=p["label"], label_value=p["label_value"])  # fmt: skip
        store.decisions.mark_fix_undone(rec["id"], user)
        store.db.log(c, user, "fix", rec["id"], rec["doc_id"], "undo", {"group": rec["group"]},
                     {"paragraphs": [p["id"] for p in paras]})  # fmt: skip
    ids = [p["id"] for p in paras]
    if recheck:
        _recheck(store, ids, user)
    return FixResult(rec["id"], rec["group"], len(rec["payload"]["occurrences"]), ids,
                     f"undone: fix {rec['id']} ({rec['find']!r} -> {rec['replace_with']!r} in {len(ids)} paragraph(s))")
