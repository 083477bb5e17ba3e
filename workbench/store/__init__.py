"""The project store: the only package that speaks SQL.

``open_store(path_or_url)`` returns a :class:`Store` over SQLite (a file, WAL; the default) or
PostgreSQL (``postgresql://...``); see :mod:`workbench.store.db`. Area repositories (terms,
findings, the editor's undo list) hang off the store as attributes so that each area keeps its SQL in its own module.
"""

from __future__ import annotations

from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from workbench.roles import PermissionDenied, allows, refusal
from workbench.store.alignment import AlignmentMixin
from workbench.store.db import Conn, connect, default_db_path, retry_public_methods
from workbench.store.documents import DocumentsMixin

if TYPE_CHECKING:
    from contextlib import AbstractContextManager

    Connection = Conn

__all__ = ["Store", "open_store", "default_db_path"]


@retry_public_methods
class Store(DocumentsMixin, AlignmentMixin):
    def __init__(self, path: str | Path | None = None) -> None:
        self.db = connect(path)
        #: the SQLite file, or the PostgreSQL URL without its password
        self.path = self.db.path

    def transaction(self, *, locking: bool = False) -> AbstractContextManager[Connection]:
        return self.db.transaction(locking=locking)

    def reading(self) -> AbstractContextManager[Connection]:
        return self.db.reading()

    @cached_property
    def accounts(self):  # noqa: ANN201 - type lives beside the store's other repositories
        from workbench.store.accounts import AccountsRepo

        return AccountsRepo(self)

    def role_of(self, user: str, c: Connection | None = None) -> str | None:
        """``user``'s role, or None when the project has no accounts (one local user who may do all).

        An unknown or disabled name is refused here rather than given a role: a project with
        accounts never lets a name it does not know write anything.
        """
        if c is None:
            with self.reading() as rc:
                return self.role_of(user, rc)
        if not self.accounts.any(c):
            return None
        active, role = self.accounts.role_of(c, user)
        if role is None:
            raise PermissionDenied(f"{user!r} has no account in this project (workbench users list) — nothing was saved")
        if not active:
            raise PermissionDenied(f"the account {user} is disabled — nothing was saved")
        return role

    def authorize(self, user: str, permission: str, c: Connection | None = None) -> None:
        """Refuse (:class:`~workbench.roles.PermissionDenied`) unless ``user`` may ``permission``.

        Write methods call it inside their own transaction, so the page, the command line and a
        forged widget callback all meet the same check before anything is written.
        """
        role = self.role_of(user, c)
        if not allows(role, permission):
            raise refusal(user, role or "", permission)

    def may(self, user: str, permission: str) -> bool:
        """What a page asks to hide or disable a control (the write itself is still checked)."""
        try:
            return allows(self.role_of(user), permission)
        except PermissionDenied:
            return False

    @cached_property
    def terms(self):  # noqa: ANN201 - type lives in the terms area
        from workbench.store.terms import TermsRepo

        return TermsRepo(self)

    @cached_property
    def findings(self):  # noqa: ANN201 - plain finding types live in workbench.findings_types
        from workbench.store.findings import FindingsRepo

        return FindingsRepo(self)

    @cached_property
    def decisions(self):  # noqa: ANN201 - plain decision types live in workbench.findings_types
        from workbench.store.decisions import DecisionsRepo

        return DecisionsRepo(self)

    @cached_property
    def reviews(self):  # noqa: ANN201 - review status per link (the editor's desk)
        from workbench.store.reviews import ReviewsRepo

        return ReviewsRepo(self)

    @cached_property
    def comments(self):  # noqa: ANN201 - comments on links (the editor's desk)
        from workbench.store.comments import CommentsRepo

        return CommentsRepo(self)

    @cached_property
    def search(self):  # noqa: ANN201 - the concordance index and reference memory
        from workbench.store.search_index import SearchIndex

        return SearchIndex(self)

    @cached_property
    def versions(self):  # noqa: ANN201 - numbered versions of each side (workbench update)
        from workbench.store.versions import VersionsRepo

        return VersionsRepo(self)

    @cached_property
    def embeddings(self):  # noqa: ANN201 - derived: paragraph embeddings for the aligner (no role, bounded)
        from workbench.store.embeddings import EmbeddingCache

        return EmbeddingCache(self)

    @cached_property
    def undo(self):  # noqa: ANN201 - type lives beside the store's other repositories
        from workbench.store.undo import UndoRepo

        return UndoRepo(self)

    @cached_property
    def settings(self):  # noqa: ANN201 - type lives beside the store's other repositories
        from workbench.store.settings import SettingsRepo

        return SettingsRepo(self)

    def get_setting(self, user: str, key: str, default: str | None = None) -> str | None:
        """``user``'s own preference ``key`` (``default`` when never set)."""
        return self.settings.get(user, key, default)

    def set_setting(self, user: str, key: str, value: str) -> None:
        """Save ``user``'s preference: only the account itself is asked for (known, not disabled)."""
        self.settings.set(user, key, value)

    def close(self) -> None:
        self.db.close()


def open_store(path: str | Path | None = None) -> Store:
    """Open (creating and migrating if needed) the database ``path`` names — an SQLite file, or a
    ``postgresql://`` or ``sqlite:///`` URL — else ``WORKBENCH_DB``, else the default file."""
    return Store(path)
