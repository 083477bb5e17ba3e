"""The Alignment page's session state: the one place that names its keys.

Streamlit keeps a page's state in ``st.session_state`` under string keys; the page used some thirty of
them by name, spread over its script and its callbacks. :class:`AlignPageState` wraps the session
with typed accessors, names every key once (the widget keys too, which the app tests and the browser
tests address), and holds the page's cache of the document and its links with the rule that says
when they are read again.
"""

from __future__ import annotations

from collections.abc import MutableMapping
from dataclasses import dataclass
from typing import Any, ClassVar, Literal

import pandas as pd

from workbench.align.edits import LinkFilter
from workbench.app.widgets import score_rows
from workbench.model import Document, Link, Paragraph

FlashKind = Literal["error", "success", "info"]
DEFAULT_THRESHOLD = 0.5
DEFAULT_SIZE = 25


@dataclass
class Loaded:
    """What one run of the page shows: the document (with its paragraphs by id) and its links at
    alignment revision ``rev``; ``links_key`` changes whenever the links do."""

    doc: Document
    paras: dict[str, Paragraph]
    rev: int
    links: list[Link]
    links_key: tuple[int, str, int]


@dataclass
class AlignPageState:
    """Typed access to the Alignment page's entries of ``st.session_state`` (``ss``)."""

    ss: MutableMapping[str, Any]

    # widgets (their keys are what the tests click)
    DOC: ClassVar[str] = "al_doc"  # the document box
    THRESHOLD: ClassVar[str] = "al_thr"
    ONLY_LOW: ClassVar[str] = "al_low"
    ONLY_MULTI: ClassVar[str] = "al_multi"
    ONLY_UNCONFIRMED: ClassVar[str] = "al_unconf"
    SIZE: ClassVar[str] = "al_size"
    CHART: ClassVar[str] = "al_chart"
    SELECTED: ClassVar[str] = "al_sel"  # the selected link's id (its box in the action bar)
    BULK_MIN: ClassVar[str] = "al_bulk_min"
    # the page's own entries
    FLASH: ClassVar[str] = "al_flash"  # (kind, message) of the last action, shown until the next one
    FOR_DOC: ClassVar[str] = "al_for_doc"  # the document the entries below are about
    PAGE: ClassVar[str] = "al_page"
    FOCUS: ClassVar[str] = "al_focus"  # index of the link an operation produced, shown on the next run
    SEEN: ClassVar[str] = "al_seen"  # (document, alignment revision) the page last showed
    TYPED: ClassVar[str] = "al_typed"  # paragraph id -> (revision, text typed on, text typed)
    DRAFTS: ClassVar[str] = "al_drafts"  # paragraph id -> a refused save's draft
    DOC_CACHE: ClassVar[str] = "al_doc_cache"
    LINKS_CACHE: ClassVar[str] = "al_links_cache"
    POINTS: ClassVar[str] = "al_points"

    @staticmethod
    def paragraph_key(link_id: str) -> str:
        """The paragraph box of the action bar (one per link: its choices are the link's paragraphs)."""
        return f"al_para_{link_id}"

    @staticmethod
    def text_key(para_id: str) -> str:
        return f"al_text_{para_id}"

    @staticmethod
    def split_key(para_id: str, para_rev: int) -> str:
        """Prefix of the split controls' keys: a new revision of the paragraph starts them afresh."""
        return f"al_split_{para_id}_{para_rev}"

    @staticmethod
    def draft_box_key(para_id: str) -> str:
        return f"al_draft_box_{para_id}"

    # -- the outcome of the last action ------------------------------------------------------

    @property
    def flash(self) -> tuple[FlashKind, str] | None:
        return self.ss.get(self.FLASH)

    def say(self, kind: FlashKind, message: str) -> None:
        self.ss[self.FLASH] = (kind, message)

    def forget_flash_if_away(self) -> None:
        """The outcome of the last action stays on the page until the next action (a filter, another
        page of links or a rerun keep it): a toast or a one-run notice was gone before a new editor
        had read it. Another page of the app in between drops it: the document box is then no longer
        in the session, as Streamlit forgets the state of widgets a run did not draw."""
        if self.DOC not in self.ss:
            self.ss.pop(self.FLASH, None)

    def open_document(self, doc_id: int) -> None:
        """A document other than the last one shown starts on its first page, nothing selected, and
        without the last outcome (it was about the other document)."""
        if self.ss.get(self.FOR_DOC) != doc_id:
            if self.FOR_DOC in self.ss:
                self.ss.pop(self.FLASH, None)
            self.ss[self.FOR_DOC] = doc_id
            self.ss[self.PAGE] = 0
            self.ss.pop(self.SELECTED, None)

    # -- paging, filters, selection ----------------------------------------------------------

    @property
    def page(self) -> int:
        return int(self.ss.get(self.PAGE, 0))

    @page.setter
    def page(self, n: int) -> None:
        self.ss[self.PAGE] = max(0, n)

    def to_first_page(self) -> None:
        self.ss[self.PAGE] = 0

    @property
    def size(self) -> int:
        return self.ss.get(self.SIZE, DEFAULT_SIZE)

    @property
    def threshold(self) -> float:
        return float(self.ss.get(self.THRESHOLD, DEFAULT_THRESHOLD))

    def link_filter(self) -> LinkFilter:
        """The filters as the widgets left them (callbacks run before the widgets are drawn again)."""
        low = bool(self.ss.get(self.ONLY_LOW))
        return LinkFilter(self.threshold if low else None, bool(self.ss.get(self.ONLY_MULTI)),
                          bool(self.ss.get(self.ONLY_UNCONFIRMED)))  # fmt: skip

    def clear_filters(self) -> None:
        self.ss[self.ONLY_LOW] = self.ss[self.ONLY_MULTI] = self.ss[self.ONLY_UNCONFIRMED] = False

    @property
    def selected(self) -> str | None:
        return self.ss.get(self.SELECTED)

    @selected.setter
    def selected(self, link_id: str) -> None:
        self.ss[self.SELECTED] = link_id

    def keep_selection_in(self, shown: list[str]) -> str:
        """The selected link, one of ``shown`` (the first when it is not among them). Its box is told
        its value on every run, not only when it changes: its label ("#3 · 2-2 · 0.85 · confirmed")
        describes the link, and the browser keeps the label it last showed while the value stays the
        same link id — after an Undo or a refused action the box went on describing the link as it
        was before. Setting the value makes Streamlit send the current label."""
        if self.ss.get(self.SELECTED) not in set(shown):
            self.ss[self.SELECTED] = shown[0]
        else:
            self.ss[self.SELECTED] = self.ss[self.SELECTED]
        return self.ss[self.SELECTED]

    def keep_paragraph_choice(self, link_id: str, members: list[tuple[str, str]]) -> None:
        """The same for the paragraph box (its label shows the paragraph's current text); a choice
        that is no longer one of the link's paragraphs is dropped."""
        key = self.paragraph_key(link_id)
        if key in self.ss:
            if self.ss[key] in members:
                self.ss[key] = self.ss[key]
            else:
                del self.ss[key]

    def focus_on(self, index: int) -> None:
        self.ss[self.FOCUS] = index

    def take_focus(self) -> int | None:
        return self.ss.pop(self.FOCUS, None)

    @property
    def chart_selection(self) -> Any:
        return self.ss.get(self.CHART)

    @property
    def seen(self) -> tuple[int, int] | None:
        return self.ss.get(self.SEEN)

    def expected_rev(self, doc_id: int) -> int | None:
        """The alignment revision the page last showed for ``doc_id`` (None: it showed another one)."""
        seen = self.seen
        return seen[1] if seen and seen[0] == doc_id else None

    # -- typed text and refused saves --------------------------------------------------------

    @property
    def typed(self) -> dict[str, tuple[int, str, str]]:
        return self.ss.setdefault(self.TYPED, {})

    @property
    def drafts(self) -> dict[str, dict[str, Any]]:
        """Drafts kept from refused saves (the session's dict; empty, not stored, when there are none)."""
        return self.ss.get(self.DRAFTS, {})

    def keep_draft(self, para_id: str, draft: dict[str, Any]) -> None:
        self.ss.setdefault(self.DRAFTS, {})[para_id] = draft
        self.ss[self.draft_box_key(para_id)] = draft["text"]

    def drop_draft(self, para_id: str) -> None:
        self.ss.get(self.DRAFTS, {}).pop(para_id, None)
        self.ss.pop(self.draft_box_key(para_id), None)

    def draft_box(self, para_id: str, default: str) -> str:
        return self.ss.get(self.draft_box_key(para_id), default)

    # -- the document and its links, read again only when they changed ------------------------

    def load(self, store: Any, doc_id: int, created: str) -> Loaded:
        """The document's paragraphs and its links, kept in the session between runs and read again
        only when the store says they changed: paragraphs when the document or one of its paragraphs
        has a newer history row, links when the alignment revision moved (read in one snapshot with
        the links). Records the revision shown, against which the next re-align is checked."""
        with store.reading():
            para_mark = tuple(
                (h[0]["id"] if h else 0)
                for h in (store.history(doc_id, 1, "paragraph"), store.history(doc_id, 1, "document"))
            )
            doc_key = (doc_id, created, para_mark)
            cached = self.ss.get(self.DOC_CACHE)
            if cached is None or cached[0] != doc_key:
                # paragraphs unchanged since the last load (same id and revision) are kept, not read again
                doc = store.get_document(doc_id, reuse=cached[1] if cached is not None and cached[0][:2] == doc_key[:2]
                                         else None)  # fmt: skip
                cached = self.ss[self.DOC_CACHE] = (doc_key, doc, doc.paragraph_index())
            rev = store.alignment_rev(doc_id)
            links_key = (doc_id, created, rev)
            cached_links = self.ss.get(self.LINKS_CACHE)
            if cached_links is None or cached_links[0] != links_key:
                # the links unchanged since the last load (same id and revision) are kept, not read again
                before = cached_links[1] if cached_links is not None and cached_links[0][:2] == links_key[:2] else None
                cached_links = self.ss[self.LINKS_CACHE] = (links_key, store.get_links(doc_id, reuse=before))
        self.ss[self.SEEN] = (doc_id, rev)
        return Loaded(cached[1], cached[2], rev, cached_links[1], links_key)

    def cached_links(self) -> list[Link] | None:
        """The links the page showed last (None before any were loaded)."""
        cached = self.ss.get(self.LINKS_CACHE)
        return cached[1] if cached else None

    def points(self, loaded: Loaded) -> pd.DataFrame:
        """The score chart's data frame, rebuilt only when the links change."""
        if (self.ss.get(self.POINTS) or (None,))[0] != loaded.links_key:
            self.ss[self.POINTS] = (loaded.links_key, pd.DataFrame(score_rows(loaded.links)))
        return self.ss[self.POINTS][1]
