"""The reads the editor's desk makes on every run, cut to what a page of rows needs.

A long document can hold ten thousand open findings (term-missing hints on every link); reading all
of them as :class:`~workbench.findings_types.Finding` objects (their JSON columns decoded) took most
of a desk rerun. The desk needs, for the whole document, only where the open findings are (to count
them per link for its filter and badge), and full findings only for the rows on screen.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import TYPE_CHECKING

from workbench.findings_types import Finding
from workbench.store.findings import _COLS, _row_to_finding

if TYPE_CHECKING:
    from workbench.store import Store

_OPEN = "doc_id = ? AND status = 'open' AND present = 1"


def findings_mark(store: Store, doc_id: int) -> tuple[int, str | None, int]:
    """Changes whenever a finding of the document is added, re-checked or tagged (for caching what
    :func:`open_finding_places` read): count, latest update, sum of revisions."""
    with store.reading() as c:
        r = c.execute("SELECT count(*), max(updated), coalesce(sum(rev), 0) FROM findings WHERE doc_id = ?",
                      (doc_id,)).fetchone()  # fmt: skip
    return int(r[0]), r[1], int(r[2])


def open_finding_places(store: Store, doc_id: int) -> list[tuple[str | None, str | None]]:
    """(link id, paragraph id) of every open, present finding of the document (not corpus-wide ones)."""
    with store.reading() as c:
        return [(r[0], r[1]) for r in c.execute(f"SELECT link_id, para_id FROM findings WHERE {_OPEN}", (doc_id,))]


def open_findings_in(store: Store, doc_id: int, link_ids: Iterable[str], para_ids: Iterable[str]) -> list[Finding]:
    """The open, present findings of some links (by their link, or by a paragraph they stand in)."""
    links, paras = sorted(set(link_ids)), sorted(set(para_ids))
    if not links and not paras:
        return []
    j = store.db.dialect.json_list("text")
    with store.reading() as c:
        rows = c.execute(f"SELECT {_COLS}, rev FROM findings WHERE {_OPEN} AND link_id IN {j} UNION"
                         f" SELECT {_COLS}, rev FROM findings WHERE {_OPEN} AND para_id IN {j}",
                         (doc_id, json.dumps(links), doc_id, json.dumps(paras))).fetchall()  # fmt: skip
    return sorted((_row_to_finding(r) for r in rows), key=lambda f: (f.unit, f.check, f.id))
