"""The project store: the only package that speaks SQL.

``open_store(path)`` returns a :class:`Store` over SQLite (WAL). Area repositories (terms,
findings, the editor's undo list) hang off the store as attributes so that each area keeps its SQL in its own module.
"""

from __future__ import annotations

from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from workbench.store.alignment import AlignmentMixin
from workbench.store.db import Database, default_db_path
from workbench.store.documents import DocumentsMixin

if TYPE_CHECKING:
    from contextlib import AbstractContextManager
    from sqlite3 import Connection

__all__ = ["Store", "open_store", "default_db_path"]


class Store(DocumentsMixin, AlignmentMixin):
    def __init__(self, path: str | Path | None = None) -> None:
        self.db = Database(path)
        self.path = self.db.path

    def transaction(self) -> AbstractContextManager[Connection]:
        return self.db.transaction()

    def reading(self) -> AbstractContextManager[Connection]:
        return self.db.reading()

    @cached_property
    def terms(self):  # noqa: ANN201 - type lives in the terms area
        from workbench.store.terms import TermsRepo

        return TermsRepo(self)

    @cached_property
    def findings(self):  # noqa: ANN201 - type lives in the checks area
        from workbench.store.findings import FindingsRepo

        return FindingsRepo(self)

    @cached_property
    def undo(self):  # noqa: ANN201 - type lives beside the store's other repositories
        from workbench.store.undo import UndoRepo

        return UndoRepo(self)

    def close(self) -> None:
        self.db.close()


def open_store(path: str | Path | None = None) -> Store:
    """Open (creating and migrating if needed) the database at ``path``, ``WORKBENCH_DB`` or the default."""
    return Store(path)
