"""Conflict-safe editing of a stored alignment, with undo: the service over :mod:`workbench.align.edits`.

:class:`AlignmentEditor` has one method per operation that reads the store, applies the pure
operation and saves conflict-safely — the links an operation changed through ``replace_link_spans``
with the revisions the editor saw (a re-align's whole list through ``save_links``), text through ``update_paragraph`` with the paragraph revision, splits through the
store's ``split_paragraph`` / ``merge_paragraph_with_next`` — and records how to undo it on an
:class:`UndoStack` (in memory) or a :class:`StoredUndoStack` (in the store, per document and editor:
the app's, so undo survives a reload), in the edit's own transaction.

It sits with the other services (the checks runner, the export service, the activity log), above
the store it drives, so the pure operations below it stay free of any store. Invalid operations
raise :class:`~workbench.align.edits.InvalidEdit` and stale saves
:class:`~workbench.errors.ConflictError`; in both cases nothing is written.

For a team: every operation first checks the editor's role ("edit"; "review" for
:meth:`AlignmentEditor.confirm_document`), undo lists are per editor, and an undo refused because
someone built on the operation names who changed what since (the history rows after it).

Link operations are checked per link, not per document: one based on an older alignment revision,
whose view of the links the editor holds (``known``), is applied to the current list when every
link it changes (a merge's or move's neighbour included) still has the id and ``rev`` the editor
saw, and refused naming who changed which of them otherwise; so editors working on different links
of one document do not refuse each other's work. Their undo entries keep only the stretches of the
list they changed (before and after) and are blocked only by changes to those links. Re-align and
paragraph splits stay whole-document (their entries keep the full list, as older entries do).

Each public operation is run again as a whole when its PostgreSQL transaction fails to serialise
(``retry_public_methods``): the store methods it calls join its transaction and cannot retry alone.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from difflib import SequenceMatcher
from typing import TYPE_CHECKING, Any, Literal

from workbench.align.edits import (
    Direction,
    InvalidEdit,
    Status,
    copy_links,
    detach_paragraph,
    index_of,
    link_of_paragraph,
    merge_next,
    move_paragraph,
    set_status,
    side_ids,
    split_link,
    split_texts,
)
from workbench.errors import ConflictError, NotFoundError
from workbench.model import Link, Mark, Paragraph, Side
from workbench.store.alignment import LinksChanged
from workbench.store.db import retry_public_methods
from workbench.store.search_index import prepare as prepare_index

if TYPE_CHECKING:
    from workbench.store import Store

# ------------------------------------------------------------------------------- undo


@dataclass
class UndoEntry:
    """How to take one operation back.

    ``revs_after`` are the revisions the operation left (``"alignment"`` and ``"para:<id>"``); an
    undo only runs while they are still current, so it never overwrites someone else's change.
    """

    label: str
    doc_id: int
    kind: Literal["links", "text", "split", "span"]
    revs_before: dict[str, int]
    revs_after: dict[str, int]
    links: list[Link] | None = None  # the link list before the operation (re-align, paragraph split)
    #: a link operation: the links it changed, (before, after) per stretch of the list it touched;
    #: ``revs_after`` then holds ``"link:<id>"`` keys, so only a change to those links blocks the undo
    spans: list[tuple[list[Link], list[Link]]] | None = None
    paragraph: dict[str, Any] | None = None  # snapshot of the edited / split paragraph before
    tail_id: str | None = None  # split: the paragraph the split created
    key: int | None = None  # row id when the entry is kept in the store
    #: the document's last history row once the operation was saved: the rows after it are what
    #: others built on it since, which a refused undo names (who changed what, and when)
    since: int | None = None

    def before_map(self) -> dict[str, int]:
        """The revisions the operation started from: ``revs_before`` and, for an entry that kept the
        whole link list, each link's."""
        out = dict(self.revs_before)
        for lk in self.links or ():
            out.setdefault(f"link:{lk.id}", lk.rev)
        return out

    def to_dict(self) -> dict[str, Any]:
        return {
            "label": self.label, "doc_id": self.doc_id, "kind": self.kind, "revs_before": self.revs_before,
            "revs_after": self.revs_after, "paragraph": self.paragraph, "tail_id": self.tail_id,
            "links": None if self.links is None else [asdict(lk) for lk in self.links], "since": self.since,
            "spans": None if self.spans is None else [[[asdict(lk) for lk in b], [asdict(lk) for lk in a]]
                                                      for b, a in self.spans],
        }  # fmt: skip

    @classmethod
    def from_dict(cls, d: dict[str, Any], key: int | None = None) -> UndoEntry:
        links, spans = d.get("links"), d.get("spans")
        return cls(
            d["label"], int(d["doc_id"]), d["kind"], dict(d["revs_before"]), dict(d["revs_after"]),
            links=None if links is None else [Link(**lk) for lk in links],
            paragraph=d.get("paragraph"), tail_id=d.get("tail_id"), key=key, since=d.get("since"),
            spans=None if spans is None else [([Link(**lk) for lk in b], [Link(**lk) for lk in a]) for b, a in spans],
        )  # fmt: skip


def _rebase_entry(e: UndoEntry, done: UndoEntry, now: dict[str, int]) -> bool:
    """Point ``e`` at the revisions the undo of ``done`` left where it expected those ``done`` had
    started from; True when something changed."""
    changed = False
    for key, before in done.before_map().items():
        if key in now and e.revs_after.get(key) == before:
            e.revs_after[key] = now[key]
            changed = True
    return changed


@dataclass
class UndoStack:
    """The last operations of one editor (kept in the session, newest last)."""

    limit: int = 20
    entries: list[UndoEntry] = field(default_factory=list)

    def push(self, entry: UndoEntry) -> None:
        self.entries.append(entry)
        del self.entries[: -self.limit]

    def peek(self, doc_id: int | None = None) -> UndoEntry | None:
        for e in reversed(self.entries):
            if doc_id is None or e.doc_id == doc_id:
                return e
        return None

    def remove(self, entry: UndoEntry) -> None:
        self.entries = [e for e in self.entries if e is not entry]

    def rebase(self, done: UndoEntry, now: dict[str, int]) -> None:
        """After ``done`` was undone (leaving revisions ``now``), the entries that expected the state
        ``done`` started from expect the restored state instead."""
        for e in self.entries:
            if e.doc_id == done.doc_id:
                _rebase_entry(e, done, now)

    def __len__(self) -> int:
        return len(self.entries)


class StoredUndoStack:
    """The same list kept in the store (``store.undo``), per document and editor: it survives a
    reload of the page and a restart of the server, and an edit and its undo entry are written in
    one transaction when the edit runs inside one."""

    def __init__(self, store: Store, user: str, limit: int = 20) -> None:
        self.store = store
        self.user = user
        self.limit = limit

    def push(self, entry: UndoEntry) -> None:
        entry.key = self.store.undo.push(entry.doc_id, self.user, entry.to_dict(), self.limit)

    def peek(self, doc_id: int | None = None) -> UndoEntry | None:
        if doc_id is None:
            raise ValueError("a stored undo list is per document: name it")
        got = self.store.undo.latest(doc_id, self.user)
        return UndoEntry.from_dict(got[1], got[0]) if got else None

    def label(self, doc_id: int) -> str | None:
        return self.store.undo.latest_label(doc_id, self.user)

    def remove(self, entry: UndoEntry) -> None:
        if entry.key is not None:
            self.store.undo.delete(entry.key)

    def rebase(self, done: UndoEntry, now: dict[str, int]) -> None:
        """As :meth:`UndoStack.rebase`, on the stored entries."""
        with self.store.transaction():
            for key, payload in self.store.undo.entries(done.doc_id, self.user):
                e = UndoEntry.from_dict(payload, key)
                if _rebase_entry(e, done, now):
                    self.store.undo.update(key, e.to_dict())

    def count(self, doc_id: int) -> int:
        return self.store.undo.count(doc_id, self.user)


def _snapshot(p: Paragraph) -> dict[str, Any]:
    return {"id": p.id, "text": p.text, "marks": [m.to_dict() for m in p.marks], "label": p.label,
            "label_value": p.label_value}  # fmt: skip


def _link_key(lk: Link) -> tuple[Any, ...]:
    return (lk.id, tuple(lk.source), tuple(lk.target), lk.status, round(float(lk.score), 6), repr(lk.sentences))


def _same(a: Link, b: Link) -> bool:
    return (a.id == b.id and a.source == b.source and a.target == b.target and a.status == b.status
            and round(float(a.score), 6) == round(float(b.score), 6) and a.sentences == b.sentences)  # fmt: skip


def changed_spans(old: Sequence[Link], new: Sequence[Link]) -> list[tuple[int, int, int, int]]:
    """The stretches an operation changed: ``(i1, i2, j1, j2)`` where ``old[i1:i2]`` became
    ``new[j1:j2]``; never empty on the old side (a link only inserted is anchored on its neighbour)."""
    lo = 0
    while lo < min(len(old), len(new)) and _same(old[lo], new[lo]):
        lo += 1
    hi_o, hi_n = len(old), len(new)
    while hi_o > lo and hi_n > lo and _same(old[hi_o - 1], new[hi_n - 1]):
        hi_o, hi_n = hi_o - 1, hi_n - 1
    matcher = SequenceMatcher(None, [_link_key(lk) for lk in old[lo:hi_o]], [_link_key(lk) for lk in new[lo:hi_n]],
                              autojunk=False)  # fmt: skip
    spans: list[tuple[int, int, int, int]] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        i1, i2, j1, j2 = i1 + lo, i2 + lo, j1 + lo, j2 + lo
        if i1 == i2:  # only inserted: the link before it (or after it) belongs to the stretch
            if i1 > 0:
                i1, j1 = i1 - 1, j1 - 1
            else:
                i2, j2 = i2 + 1, j2 + 1
        if spans and i1 <= spans[-1][1]:
            a1, a2, b1, b2 = spans[-1]
            spans[-1] = (min(a1, i1), max(a2, i2), min(b1, j1), max(b2, j2))
        else:
            spans.append((i1, i2, j1, j2))
    return spans


def splice(current: Sequence[Link], spans: Sequence[tuple[Sequence[Link], Sequence[Link]]], *, check_revs: bool = True
           ) -> tuple[list[Link], list[list[Link]], list[Link]]:  # fmt: skip
    """Replace, in ``current``, each stretch ``old`` by ``new`` (copies) when every link of ``old``
    is still there with its ``rev`` (unless ``check_revs`` is off: an undo compares the revisions
    its entry follows instead), next to each other in that order.

    Returns (the new list, the links inserted per stretch, the links of ``old`` that changed, moved
    or went since): when the last is not empty nothing may be saved."""
    at = {lk.id: k for k, lk in enumerate(current)}
    placed: list[tuple[int, int, int]] = []  # (first position, last position + 1, stretch)
    bad: list[Link] = []
    for n, (old, _new) in enumerate(spans):
        ks = [at.get(lk.id) for lk in old]
        changed = [lk for lk, k in zip(old, ks, strict=True) if k is None or (check_revs and current[k].rev != lk.rev)]
        if changed:
            bad.extend(changed)
        elif ks != list(range(ks[0], ks[0] + len(ks))):  # type: ignore[operator]
            bad.extend(old)
        else:
            placed.append((ks[0], ks[0] + len(ks), n))  # type: ignore[operator]
    placed.sort()
    for (_a1, a2, _n1), (b1, _b2, _n2) in zip(placed, placed[1:], strict=False):
        if b1 < a2:
            bad.extend(spans[_n2][0])
    if bad:
        return list(current), [], bad
    out: list[Link] = []
    inserted: list[list[Link]] = [[] for _ in spans]
    cursor = 0
    for a1, a2, n in placed:
        out.extend(current[cursor:a1])
        inserted[n] = copy_links(spans[n][1])
        out.extend(inserted[n])
        cursor = a2
    out.extend(current[cursor:])
    return out, inserted, []


# ------------------------------------------------------------------------------- orchestration


@dataclass
class EditResult:
    alignment_rev: int
    message: str
    focus: int | None = None  # index of the link to show afterwards


def _window(links: Sequence[Link], ids: Sequence[str] | None) -> tuple[int, int]:
    """The stretch ``links[lo:hi]`` a one-link operation on ``ids`` reads: those links and one
    neighbour on each side (a merge takes the next link in, a move the previous or the next); the
    whole list when ``ids`` is None, unknown (the operation's own refusal says so) or far apart."""
    if not ids:
        return 0, len(links)
    wanted = set(ids)
    at = [k for k, lk in enumerate(links) if lk.id in wanted]
    if len(at) != len(wanted) or at[-1] - at[0] > 50:
        return 0, len(links)
    return max(0, at[0] - 1), min(len(links), at[-1] + 2)


@retry_public_methods  # a PostgreSQL serialization failure of the operation's transaction: run it again
class AlignmentEditor:
    """Conflict-safe editing of one document's alignment.

    Every method takes the revision the editor's view was based on (``expected_rev`` = the
    document's alignment revision; ``expected_para_rev`` = a paragraph's revision) and raises
    :class:`~workbench.errors.ConflictError` when the stored data moved on in between.
    """

    def __init__(self, store: Store, doc_id: int, user: str = "editor", undo: UndoStack | StoredUndoStack | None = None,
                 *, confirm_edits: bool = True, known: tuple[int, list[Link]] | None = None) -> None:  # fmt: skip
        """``known`` = (alignment revision, links as read at it), e.g. what a page already loaded: used
        instead of reading the links again when the stored revision is still that one."""
        self.store = store
        self.doc_id = doc_id
        self.user = user
        self.undo_stack = undo
        self.confirm_edits = confirm_edits
        self.known = known

    def _links_at(self, rev: int) -> list[Link]:
        """The stored links, at revision ``rev`` (call inside a transaction that checked the revision)."""
        if self.known is not None and self.known[0] == rev:
            return list(self.known[1])  # the operations copy what they return and never touch their input
        return self.store.get_links(self.doc_id)

    # -- conflicts ---------------------------------------------------------------------------

    def _conflict(self, current: int, expected: int, what: str = "the alignment") -> ConflictError:
        changes = self.recent_changes()
        return ConflictError(
            f"{what} of document {self.doc_id} changed since you loaded it (now revision {current}, yours"
            f" {expected}){': ' + changes if changes else ''}. The page now shows the current state;"
            " redo your change if it still applies — nothing was saved"
        )

    def recent_changes(self, n: int = 3) -> str:
        """The last changes to the document, as one line naming links by position."""
        rows = self.store.history(self.doc_id, limit=n)
        if not rows:
            return ""
        pos = {lk.id: i + 1 for i, lk in enumerate(self.store.get_links(self.doc_id))}
        parts = []
        for r in rows:
            if r["entity"] == "link":
                name = f"link {pos[r['entity_id']]}" if r["entity_id"] in pos else "a link"
            elif r["entity"] == "paragraph":
                name = "a paragraph"
            else:
                name = r["entity"]
            parts.append(f"{r['action']} of {name} by {r['user']} at {str(r['at'])[11:19]}")
        return "; ".join(parts)

    def _check_rev(self, expected: int) -> None:
        current = self.store.alignment_rev(self.doc_id)
        if current != expected:
            raise self._conflict(current, expected)

    def _push(self, entry: UndoEntry) -> None:
        """Record how to undo ``entry`` (inside the operation's transaction, after its save, so that
        ``since`` is the operation's own last history row)."""
        if self.undo_stack is not None:
            last = self.store.history(self.doc_id, limit=1)
            entry.since = int(last[0]["id"]) if last else 0
            self.undo_stack.push(entry)

    def _authorize(self, permission: str = "edit") -> None:
        """Refuse before any work when the editor's role lacks ``permission`` (the store checks its
        writes again): a viewer's forged request gets the role message, not a side effect of the
        operation's own checks, and a re-align does not run the aligner for nothing."""
        self.store.authorize(self.user, permission)

    # -- link operations ---------------------------------------------------------------------

    def _link_edit(self, expected_rev: int, label: str, compute: Callable[[list[Link]], tuple[list[Link], int | None]],
                   permission: str = "edit", around: Sequence[str] | None = None) -> EditResult:  # fmt: skip
        """Apply ``compute`` to the links the editor saw and save what it changed.

        The operation is computed on the editor's view (``known``, or the links read now when it has
        none, which must then still be at ``expected_rev``), outside any transaction. Only the
        stretches it changed (with the neighbours a merge or move reads, which it changes too) are
        written, by :meth:`~workbench.store.Store.replace_link_spans`: when each of their links still
        has the id and ``rev`` the editor saw, whatever else changed in the document meanwhile;
        otherwise the operation is refused, naming who changed which of them. The write reads and
        writes only those links (and the positions after a stretch whose length changed), so a link
        edit costs the same on a document of 30 links or 3,000, and two editors' edits of different
        links of one document queue for a moment on PostgreSQL instead of refusing each other.

        ``around``: the links the operation names; it is then computed on them and their neighbours
        only (what every one-link operation reads), not on a copy of the whole list."""
        self._authorize(permission)
        if self.known is not None and self.known[0] == expected_rev:
            view = self.known[1]  # the operations copy what they return and never touch their input
        else:
            with self.store.reading():
                current_rev = self.store.alignment_rev(self.doc_id)
                view = self.store.get_links(self.doc_id) if current_rev == expected_rev else []
            if current_rev != expected_rev:
                raise self._conflict(current_rev, expected_rev)
        lo, hi = _window(view, around)
        try:
            new_view, focus = compute(view[lo:hi])
        except InvalidEdit:
            if (lo, hi) == (0, len(view)):
                raise
            lo, hi = 0, len(view)  # the refusal in the words of the whole list ("link 7 is the last link")
            new_view, focus = compute(view)
        spans = changed_spans(view[lo:hi], new_view)
        if not spans:
            raise InvalidEdit("nothing to change: the links are already as asked")
        wanted = [(view[lo + i1: lo + i2], new_view[j1:j2]) for i1, i2, j1, j2 in spans]
        with self.store.transaction(locking=True):
            try:
                before_rev, rev, written = self.store.replace_link_spans(self.doc_id, wanted, self.user,
                                                                          permission=permission)  # fmt: skip
            except LinksChanged as exc:
                raise self._link_conflict(exc.current_rev, expected_rev, exc.bad) from None
            if focus is not None:
                fid = new_view[min(focus, len(new_view) - 1)].id
                focus = self.store.link_positions(self.doc_id, [fid]).get(fid)
            # the links as saved (with the revisions the store gave them), before and after each stretch
            entry_spans = [(copy_links(old), copy_links(saved)) for (old, _), saved in zip(wanted, written, strict=True)]
            # "alignment" in revs_before only: an undo right after it lets the entries before it follow
            self._push(UndoEntry(label, self.doc_id, "span",
                                 {"alignment": before_rev, **{f"link:{lk.id}": lk.rev for b, _ in entry_spans for lk in b}},
                                 {f"link:{lk.id}": lk.rev for _, a in entry_spans for lk in a},
                                 spans=entry_spans))  # fmt: skip
        return EditResult(rev, label, focus)

    def _link_conflict(self, current_rev: int, expected_rev: int, bad: Sequence[str]) -> ConflictError:
        """The operation touched links someone changed since the editor's view: name them, who and when."""
        ids = list(dict.fromkeys(bad))
        pos = self.store.link_positions(self.doc_id, ids[:3])
        who = self.store.last_changes(self.doc_id, ids[:3])
        parts = []
        for lid in ids[:3]:
            name = f"link {pos[lid] + 1}" if lid in pos else "a link you worked on (gone now)"
            by = f" by {who[lid][0]} at {str(who[lid][1])[11:19]} UTC" if lid in who else ""
            parts.append(f"{name} was changed{by}")
        more = len(ids) - 3
        tail = f" and {more} more" if more > 0 else ""
        return ConflictError(
            f"the alignment of document {self.doc_id} changed since you loaded it (now revision {current_rev},"
            f" yours {expected_rev}): {', '.join(parts)}{tail}. The page now shows the current state; redo your"
            " change if it still applies — nothing was saved"
        )

    def merge_with_next(self, link_id: str, expected_rev: int) -> EditResult:
        def compute(links: list[Link]) -> tuple[list[Link], int]:
            i = index_of(links, link_id)
            return merge_next(links, i, confirm=self.confirm_edits), i

        return self._link_edit(expected_rev, "merge links", compute, around=[link_id])

    def split_link(self, link_id: str, source_cut: int, target_cut: int, expected_rev: int) -> EditResult:
        def compute(links: list[Link]) -> tuple[list[Link], int]:
            i = index_of(links, link_id)
            return split_link(links, i, source_cut, target_cut, confirm=self.confirm_edits), i

        return self._link_edit(expected_rev, "split link", compute, around=[link_id])

    def move_paragraph(self, link_id: str, side: Side, direction: Direction, expected_rev: int,
                       para_id: str | None = None) -> EditResult:  # fmt: skip
        def compute(links: list[Link]) -> tuple[list[Link], int]:
            i = index_of(links, link_id)
            new = move_paragraph(links, i, side, direction, para_id=para_id, confirm=self.confirm_edits)
            j = i + 1 if direction == "down" else i - 1
            if len(new) < len(links) and direction == "down":
                j = i  # link i emptied and disappeared; the next one took its place
            return new, j

        return self._link_edit(expected_rev, f"move {side} paragraph {direction}", compute, around=[link_id])

    def detach(self, link_id: str, side: Side, para_id: str, expected_rev: int) -> EditResult:
        def compute(links: list[Link]) -> tuple[list[Link], int]:
            i = index_of(links, link_id)
            return detach_paragraph(links, i, side, para_id, confirm=self.confirm_edits), i

        return self._link_edit(expected_rev, f"detach {side} paragraph", compute, around=[link_id])

    def set_status(self, link_ids: Sequence[str], status: Status, expected_rev: int) -> EditResult:
        ids = list(link_ids)
        if not ids:
            raise InvalidEdit("no links chosen")
        word = "confirm" if status == "confirmed" else "unconfirm"
        label = f"{word} {len(ids)} link{'s' if len(ids) != 1 else ''}"

        def compute(links: list[Link]) -> tuple[list[Link], int]:
            return set_status(links, ids, status), index_of(links, ids[0])

        return self._link_edit(expected_rev, label, compute, around=ids)

    def confirm(self, link_ids: Sequence[str], expected_rev: int) -> EditResult:
        return self.set_status(link_ids, "confirmed", expected_rev)

    def unconfirm(self, link_ids: Sequence[str], expected_rev: int) -> EditResult:
        return self.set_status(link_ids, "auto", expected_rev)

    def confirm_document(self, expected_rev: int) -> EditResult:
        """Confirm every unconfirmed link of the document: a reviewer's sign-off on the whole
        alignment, so it needs the "review" permission (checked in the transaction, before the save;
        single links stay an editor's to confirm)."""
        counted: list[int] = []

        def compute(links: list[Link]) -> tuple[list[Link], int | None]:
            ids = [lk.id for lk in links if lk.status != "confirmed"]
            if not ids:
                raise InvalidEdit("nothing to confirm: every link of the document is already confirmed")
            counted.append(len(ids))
            return set_status(links, ids, "confirmed"), None

        res = self._link_edit(expected_rev, "confirm whole document", compute, permission="review")
        n = counted[0]
        return EditResult(res.alignment_rev, f"confirmed the whole document ({n} link{'s' if n != 1 else ''})")

    def realign(self, expected_rev: int, *, progress: Callable[[float], None] | None = None,
                sentences: bool = False) -> EditResult:  # fmt: skip
        """Re-align everything but the confirmed links (which stay exactly as they are)."""
        from workbench.align.aligner import realign_document
        from workbench.align_cache import store_signals

        self._authorize()
        doc = self.store.get_document(self.doc_id)
        if doc.alignment_rev != expected_rev:
            raise self._conflict(doc.alignment_rev, expected_rev)
        if doc.source is None or doc.target is None:
            raise InvalidEdit(f"document {self.doc_id} needs both a source and a target text to be aligned")
        before = self.store.get_links(self.doc_id)
        # the embedding signal, when on, keeps its vectors in the project (workbench/align_cache.py)
        new = realign_document(doc, before, signals=store_signals(self.store), sentences=sentences, progress=progress)
        label = "align" if not before else "re-align unconfirmed"
        with self.store.transaction():
            rev = self.store.save_links(self.doc_id, new, expected_rev, self.user)  # stale -> ConflictError
            self._push(UndoEntry(label, self.doc_id, "links", {"alignment": expected_rev}, {"alignment": rev},
                                 links=before))  # fmt: skip
        old = {(tuple(lk.source), tuple(lk.target)) for lk in before}
        changed = sum((tuple(lk.source), tuple(lk.target)) not in old for lk in new)
        kept = sum(lk.status == "confirmed" for lk in new)
        msg = f"{len(new)} links, {changed} new or changed, {kept} confirmed kept"
        return EditResult(rev, f"{label}: {msg}", None)

    # -- paragraph operations ----------------------------------------------------------------

    def edit_text(self, para_id: str, text: str, expected_para_rev: int) -> EditResult:
        """Replace a paragraph's text (marks are kept only when the text is unchanged, see the store)."""
        if not text.strip():
            raise InvalidEdit("a paragraph cannot be emptied here; detach it or merge it into its neighbour instead")
        prepare_index(text)  # the search index's keys, computed before the write lock is taken
        # the store locks the paragraph's row before its revision check: another edit of it waits
        # (PostgreSQL, READ COMMITTED) rather than failing to serialise on the history and undo rows
        with self.store.transaction(locking=True):
            self._authorize()
            before = self.store.get_paragraph(para_id)
            if before.rev == expected_para_rev and before.text == text:
                raise InvalidEdit("the text is unchanged")
            after = self.store.update_paragraph(para_id, text, None, expected_para_rev, self.user)
            rev = self.store.alignment_rev(self.doc_id)
            key = f"para:{para_id}"
            self._push(UndoEntry("edit text", self.doc_id, "text", {key: expected_para_rev}, {key: after.rev},
                                 paragraph=_snapshot(before)))  # fmt: skip
        return EditResult(rev, "text saved")

    def split_paragraph(self, para_id: str, offset: int, expected_rev: int, expected_para_rev: int, *,
                        separate: bool = False) -> EditResult:  # fmt: skip
        """Split a paragraph at ``offset`` into two; the new one stays in the same link (1-1 becomes
        2-1) or, with ``separate``, the link is cut after the first part (the other side stays with it).
        Like every other edit, the links it produces are confirmed (unless ``confirm_edits`` is off):
        the editor has looked at them, and a re-align must not undo the split's placement."""
        with self.store.transaction():
            self._authorize()
            self._check_rev(expected_rev)
            before_links = self.store.get_links(self.doc_id)
            para = self.store.get_paragraph(para_id)
            if para.rev == expected_para_rev:  # otherwise the store's split raises its ConflictError
                split_texts(para.text, offset)
            if before_links:
                link_of_paragraph(before_links, para_id)
            head, tail = self.store.split_paragraph(para_id, offset, expected_para_rev, self.user)
            focus = None
            if before_links:
                links = self.store.get_links(self.doc_id)
                i, side = link_of_paragraph(links, head.id)
                focus = i
                new: list[Link] | None = None
                if separate:
                    lk = links[i]
                    cut = side_ids(lk, side).index(head.id) + 1
                    cuts = (cut, len(lk.target)) if side == "source" else (len(lk.source), cut)
                    new = split_link(links, i, *cuts, confirm=self.confirm_edits)
                elif self.confirm_edits and links[i].status != "confirmed":
                    # the link that now holds both parts is the editor's decision like any other edit's
                    new = set_status(links, [links[i].id], "confirmed")
                if new is not None:
                    self.store.save_links(self.doc_id, new, self.store.alignment_rev(self.doc_id), self.user)
            rev = self.store.alignment_rev(self.doc_id)
            self._push(
                UndoEntry(
                    "split paragraph", self.doc_id, "split",
                    {"alignment": expected_rev, f"para:{para_id}": expected_para_rev},
                    {"alignment": rev, f"para:{para_id}": head.rev, f"para:{tail.id}": tail.rev},
                    links=before_links, paragraph=_snapshot(para), tail_id=tail.id,
                )
            )  # fmt: skip
        return EditResult(rev, "paragraph split" + (" into separate links" if separate and focus is not None else ""), focus)

    # -- undo --------------------------------------------------------------------------------

    def can_undo(self) -> bool:
        return self.undo_label() is not None

    def undo_label(self) -> str | None:
        if isinstance(self.undo_stack, StoredUndoStack):
            return self.undo_stack.label(self.doc_id)  # without reading the saved links
        e = self.undo_stack.peek(self.doc_id) if self.undo_stack is not None else None
        return e.label if e else None

    def _current_revs(self, keys: Iterable[str]) -> dict[str, int | None]:
        keys = list(keys)
        out: dict[str, int | None] = {}
        link_ids = [k.split(":", 1)[1] for k in keys if k.startswith("link:")]
        if link_ids:
            revs = self.store.link_revs(self.doc_id, link_ids)
            out.update({f"link:{lid}": revs.get(lid) for lid in link_ids})
        for key in keys:
            if key.startswith("link:"):
                continue
            if key == "alignment":
                out[key] = self.store.alignment_rev(self.doc_id)
            else:
                try:
                    out[key] = self.store.get_paragraph(key.split(":", 1)[1]).rev
                except NotFoundError:
                    out[key] = None
        return out

    def undo(self) -> EditResult:
        """Take back this editor's last operation on the document, if nobody changed what it touched."""
        self._authorize()
        entry = self.undo_stack.peek(self.doc_id) if self.undo_stack is not None else None
        if entry is None:
            raise InvalidEdit("there is nothing to undo")
        assert self.undo_stack is not None
        with self.store.transaction():
            current = self._current_revs(entry.revs_after)
            stale = [k for k, v in entry.revs_after.items() if current[k] != v]
            if not stale:
                now = self._apply_undo(entry)
                self.undo_stack.remove(entry)
                self.undo_stack.rebase(entry, now)
            else:
                built_on = self.changes_since(entry, stale)
        if stale:
            self.undo_stack.remove(entry)  # outside the transaction: kept off the list for good
            what = "the alignment" if "alignment" in stale else "the links" if any(
                k.startswith("link:") for k in stale) else "the paragraph"
            raise ConflictError(
                f"cannot undo “{entry.label}”: {built_on or what + ' changed since'} — it was taken off your"
                " undo list; nothing was undone"
            )
        return EditResult(now.get("alignment", self.store.alignment_rev(self.doc_id)), f"undone: {entry.label}")

    def changes_since(self, entry: UndoEntry, stale: Sequence[str], shown: int = 3) -> str:
        """Who changed what the operation ``entry`` touched since it was made, as one line:
        "bob changed link 4 (update) at 10:32:05 UTC since". Read from the history rows written after
        the operation (not merely the document's latest rows); other editors' changes are named
        before the editor's own, and each link or paragraph once (its latest change)."""
        if entry.since is None:  # an entry written before undo entries remembered their history row
            recent = self.recent_changes()
            return f"it changed since ({recent})" if recent else ""
        paras = {k.split(":", 1)[1] for k in stale if k.startswith("para:")}
        link_ids = {k.split(":", 1)[1] for k in stale if k.startswith("link:")}
        rows = self.store.changes_since(self.doc_id, entry.since, limit=5000)
        if "alignment" in stale:
            rows = [r for r in rows if r["entity"] in ("link", "paragraph")]
        else:
            rows = [r for r in rows if (r["entity"] == "paragraph" and r["entity_id"] in paras)
                    or (r["entity"] == "link" and r["entity_id"] in link_ids)]  # fmt: skip
        if not rows:
            return ""
        latest: dict[tuple[str, str], dict[str, Any]] = {}
        for r in rows:  # oldest first: the last one written per (user, thing) wins
            latest.pop((r["user"], r["entity_id"]), None)
            latest[(r["user"], r["entity_id"])] = r
        ordered = sorted(latest.values(), key=lambda r: (r["user"] == self.user, -int(r["id"])))
        links = {lk.id: n + 1 for n, lk in enumerate(self.store.get_links(self.doc_id))}
        para_pos: dict[str, str] = {}
        if any(r["entity"] == "paragraph" for r in ordered[:shown]):
            doc = self.store.get_document(self.doc_id)
            for side in ("source", "target"):
                text = doc.side(side)  # type: ignore[arg-type]
                for n, p in enumerate(text.paragraphs if text else []):
                    para_pos[p.id] = f"{side} paragraph {n + 1}"

        def name(r: dict[str, Any]) -> str:
            if r["entity"] == "link":
                return f"link {links[r['entity_id']]}" if r["entity_id"] in links else "a link that is gone now"
            return para_pos.get(r["entity_id"], "a paragraph")

        parts = [f"{r['user']} changed {name(r)} ({r['action']}) at {str(r['at'])[11:19]} UTC" for r in ordered[:shown]]
        more = len(ordered) - shown
        tail = f" and {more} more thing{'s' if more != 1 else ''}" if more > 0 else ""
        return ", ".join(parts) + tail + " since"

    def _apply_undo(self, entry: UndoEntry) -> dict[str, int]:
        """Restore what ``entry`` saved (inside the caller's transaction); the revisions it leaves."""
        if entry.kind == "span":
            assert entry.spans is not None
            # the revisions were checked against ``revs_after`` (which follow this editor's own undos);
            # only the stretches the operation changed are written back
            try:
                self.store.replace_link_spans(self.doc_id, [(after, copy_links(before)) for before, after in entry.spans],
                                              self.user, check_revs=False)  # fmt: skip
            except LinksChanged:
                raise ConflictError(f"cannot undo “{entry.label}”: the links it changed were moved apart since"
                                    " — nothing was undone") from None  # fmt: skip
        elif entry.kind == "links":
            assert entry.links is not None
            self.store.save_links(self.doc_id, copy_links(entry.links), entry.revs_after["alignment"], self.user)
        elif entry.kind == "text":
            self._restore_text(entry.paragraph, entry.revs_after[f"para:{entry.paragraph['id']}"])  # type: ignore[index]
        else:  # split: merge back, restore the exact original text, then the link list
            snap = entry.paragraph
            assert snap is not None and entry.tail_id is not None
            merged = self.store.merge_paragraph_with_next(snap["id"], entry.revs_after[f"para:{snap['id']}"], self.user)
            try:
                self.store.get_paragraph(entry.tail_id)
            except NotFoundError:
                pass
            else:
                raise ConflictError("cannot undo the split: the paragraphs are no longer next to each other — nothing was undone")
            self._restore_text(snap, merged.rev)
            if entry.links:
                self.store.save_links(self.doc_id, copy_links(entry.links), self.store.alignment_rev(self.doc_id), self.user)
        return {k: v for k, v in self._current_revs(entry.before_map()).items() if v is not None}

    def _restore_text(self, snap: dict[str, Any] | None, rev: int) -> None:
        assert snap is not None
        self.store.update_paragraph(
            snap["id"], snap["text"], [Mark.from_dict(m) for m in snap["marks"]], rev, self.user,
            label=snap["label"], label_value=snap["label_value"],
        )  # fmt: skip
