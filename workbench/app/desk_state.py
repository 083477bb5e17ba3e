"""The desk page's session state: the Alignment page's (:class:`AlignPageState`: the cache of the
document and its links, typed text and the drafts of refused saves) under keys of its own, plus
the desk's filters, paging and the row being edited.

Reusing the Alignment page's state class means the desk reads the document again only when it
changed (a 3,000-link document is not re-read on every click) and keeps a refused save's draft
exactly as the Alignment page does — the conflict panel of :mod:`workbench.app.align_panels` shows
it, with "Keep mine", "Take theirs" and "Edit the merge".
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass, replace
from typing import Any, ClassVar

from workbench.app.align_state import AlignPageState, Loaded

PAGE_SIZES = [10, 25, 50]
_SHARED: OrderedDict[Any, Any] = OrderedDict()
_SHARED_LOCK = threading.Lock()
_SHARED_MAX = 8


def _shared(key: Any, compute: Any) -> Any:
    """A small process-wide cache of documents and link lists by their state marks (see ``load``)."""
    with _SHARED_LOCK:
        if key in _SHARED:
            _SHARED.move_to_end(key)
            return _SHARED[key]
    value = compute()
    with _SHARED_LOCK:
        _SHARED[key] = value
        while len(_SHARED) > _SHARED_MAX:
            _SHARED.popitem(last=False)
    return value


def _patched(store: Any, cached: tuple[Any, Any, Any], doc_key: tuple[Any, ...]) -> tuple[Any, Any] | None:
    """The cached document with only the paragraphs edited since it was read, read again — what a
    save on the desk needs instead of the whole document again. None when more than text edits
    happened (a paragraph inserted, deleted, split; the document's own data changed; many edits):
    then the document is read whole."""
    old_key, doc, paras = cached
    (doc_id, created, (para_mark, doc_mark)) = doc_key
    if old_key[:2] != (doc_id, created) or old_key[2][1] != doc_mark or para_mark < old_key[2][0]:
        return None
    rows = store.history(doc_id, 51, "paragraph", after_change=old_key[2][0])
    if not rows or len(rows) > 50 or any(r["action"] != "edit" for r in rows):
        return None
    changed = {}
    for pid in {r["entity_id"] for r in rows}:
        if pid not in paras:
            return None
        changed[pid] = store.get_paragraph(pid)

    def text(t: Any) -> Any:
        return None if t is None else replace(t, paragraphs=[changed.get(p.id, p) for p in t.paragraphs])

    return replace(doc, source=text(doc.source), target=text(doc.target)), {**paras, **changed}


def _doc_entry(store: Any, doc_id: int) -> tuple[Any, Any]:
    doc = store.get_document(doc_id)
    return doc, doc.paragraph_index()


@dataclass
class DeskState(AlignPageState):
    DOC: ClassVar[str] = "dk_doc"
    FLASH: ClassVar[str] = "dk_flash"
    FOR_DOC: ClassVar[str] = "dk_for_doc"
    PAGE: ClassVar[str] = "dk_page"
    FOCUS: ClassVar[str] = "dk_focus"
    SEEN: ClassVar[str] = "dk_seen"
    TYPED: ClassVar[str] = "dk_typed"
    DRAFTS: ClassVar[str] = "dk_drafts"
    DOC_CACHE: ClassVar[str] = "dk_doc_cache"
    LINKS_CACHE: ClassVar[str] = "dk_links_cache"
    SELECTED: ClassVar[str] = "dk_sel"
    SIZE: ClassVar[str] = "dk_size"
    # the desk's own widgets and entries
    EDITING: ClassVar[str] = "dk_editing"  # the link whose translation is open for editing
    F_FINDINGS: ClassVar[str] = "dk_f_findings"
    F_UNREVIEWED: ClassVar[str] = "dk_f_unreviewed"
    F_CHANGED: ClassVar[str] = "dk_f_changed"
    F_LOW: ClassVar[str] = "dk_f_low"
    F_COMMENTS: ClassVar[str] = "dk_f_comments"
    F_TERM: ClassVar[str] = "dk_f_term"
    TERM_CACHE: ClassVar[str] = "dk_term_cache"
    INDEX: ClassVar[str] = "dk_index"
    FINDINGS: ClassVar[str] = "dk_findings"
    FORM: ClassVar[str] = "dk_form"  # the one small form open (see ``form``)
    UNCHECKED: ClassVar[str] = "dk_unchecked"

    @staticmethod
    def text_key(para_id: str) -> str:
        return f"dk_text_{para_id}"

    @staticmethod
    def draft_box_key(para_id: str) -> str:
        return f"dk_draft_box_{para_id}"

    @staticmethod
    def comment_key(link_id: str) -> str:
        return f"dk_comment_{link_id}"

    @staticmethod
    def quote_key(link_id: str) -> str:
        return f"dk_quote_{link_id}"

    @staticmethod
    def reply_key(thread_id: str) -> str:
        return f"dk_reply_{thread_id}"

    @staticmethod
    def accept_key(link_id: str) -> str:
        return f"dk_accept_{link_id}"

    @staticmethod
    def accept_pick_key(link_id: str) -> str:
        return f"dk_accept_pick_{link_id}"

    @property
    def size(self) -> int:
        return int(self.ss.get(self.SIZE, PAGE_SIZES[0]))

    @property
    def form(self) -> tuple[str, str] | None:
        """The one small form open: ("comment", link id), ("accept", link id) or ("reply", thread id)."""
        return self.ss.get(self.FORM)

    @form.setter
    def form(self, value: tuple[str, str] | None) -> None:
        self.ss[self.FORM] = value

    @property
    def unchecked(self) -> set[str]:
        """Paragraphs saved on the desk since the checks last ran on them (this session's)."""
        return self.ss.setdefault(self.UNCHECKED, set())

    @property
    def editing(self) -> str | None:
        return self.ss.get(self.EDITING)

    @editing.setter
    def editing(self, link_id: str | None) -> None:
        if link_id is None:
            self.ss.pop(self.EDITING, None)
        else:
            self.ss[self.EDITING] = link_id

    def open_document(self, doc_id: int) -> None:
        if self.ss.get(self.FOR_DOC) != doc_id:
            self.ss.pop(self.EDITING, None)
        super().open_document(doc_id)

    def index(self, loaded: Any, links: list[Any]) -> tuple[dict[str, str], dict[str, int], dict[str, str]]:
        """(paragraph -> link, paragraph -> revision, paragraph -> side) of the document shown, built
        once per state of the document and its links, not on every run."""
        key = (self.ss[self.DOC_CACHE][0], loaded.links_key)
        cached = self.ss.get(self.INDEX)
        if cached is None or cached[0] != key:
            from workbench.desk import link_of_paragraph

            doc = loaded.doc
            side = {p.id: "source" for p in (doc.source.paragraphs if doc.source else [])}
            side.update({p.id: "target" for p in (doc.target.paragraphs if doc.target else [])})
            revs = {pid: p.rev for pid, p in loaded.paras.items()}
            cached = self.ss[self.INDEX] = (key, (link_of_paragraph(links), revs, side))
        return cached[1]

    def load(self, store: Any, doc_id: int, created: str) -> Loaded:
        """The Alignment page's :meth:`AlignPageState.load`, with one more level: a document (and its
        links) read by one session is reused by the next session that opens it at the same state
        (keyed by the same history and revision marks), so opening the desk on a long document does
        not read it again per editor. The objects are only read, never changed, by the pages."""
        with store.reading():
            para_mark = tuple(
                (h[0]["id"] if h else 0)
                for h in (store.history(doc_id, 1, "paragraph"), store.history(doc_id, 1, "document"))
            )
            doc_key = (doc_id, created, para_mark)
            cached = self.ss.get(self.DOC_CACHE)
            if cached is None or cached[0] != doc_key:
                key = ("doc", store.path, doc_key)
                patched = _patched(store, cached, doc_key) if cached is not None else None
                got = _shared(key, lambda: patched) if patched else _shared(key, lambda: _doc_entry(store, doc_id))
                cached = self.ss[self.DOC_CACHE] = (doc_key, *got)
            rev = store.alignment_rev(doc_id)
            links_key = (doc_id, created, rev)
            cached_links = self.ss.get(self.LINKS_CACHE)
            if cached_links is None or cached_links[0] != links_key:
                got = _shared(("links", store.path, links_key), lambda: store.get_links(doc_id))
                cached_links = self.ss[self.LINKS_CACHE] = (links_key, got)
        self.ss[self.SEEN] = (doc_id, rev)
        return Loaded(cached[1], cached[2], rev, cached_links[1], links_key)

    def finding_places(self, store: Any, key: tuple[Any, ...], compute: Any) -> Any:
        """Where the open findings are, read again only when a finding changed (``key``; shared by the
        sessions like the document)."""
        cached = self.ss.get(self.FINDINGS)
        if cached is None or cached[0] != key:
            cached = self.ss[self.FINDINGS] = (key, _shared(("findings", store.path, key), compute))
        return cached[1]

    def memo(self, name: str, key: Any, compute: Any) -> Any:
        """``compute()``, kept in the session until ``key`` changes."""
        entry = f"dk_memo_{name}"
        cached = self.ss.get(entry)
        if cached is None or cached[0] != key:
            cached = self.ss[entry] = (key, compute())
        return cached[1]

    def term_links(self, key: tuple[Any, ...], compute: Any) -> set[str]:
        """The links holding a term, computed once per (document state, termbase version, term)."""
        cached = self.ss.get(self.TERM_CACHE)
        if cached is None or cached[0] != key:
            cached = self.ss[self.TERM_CACHE] = (key, compute())
        return cached[1]
