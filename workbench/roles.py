"""Roles and what each may do: the one table every write path consults.

Roles are ordered; each includes everything the ones before it may do, as in Weblate's or a CAT
server's team roles. The table lives at the bottom of the package (no I/O) so that the store, the
services, the command line and the pages all read the same rules: a page hides a button because
:func:`allows` says no, and the store refuses the same write for the same reason if the button is
forged.
"""

from __future__ import annotations

from typing import Literal

from workbench.errors import WorkbenchError

Role = Literal["viewer", "editor", "terminologist", "reviewer", "admin"]
ROLES: tuple[Role, ...] = ("viewer", "editor", "terminologist", "reviewer", "admin")

#: permission -> the lowest role that has it
PERMISSIONS: dict[str, Role] = {
    "read": "viewer",  # open documents, search, history
    "export": "viewer",
    "edit": "editor",  # paragraph text, alignment, document metadata
    "annotate": "editor",  # term annotations
    "tag": "editor",  # finding status open / fixed, comments
    "terms": "terminologist",  # termbase edits, approve or reject proposals, merge terms
    "review": "reviewer",  # accept exceptions, confirm whole documents
    "admin": "admin",  # accounts
    "import": "admin",  # new documents, added sides, the demo corpus
    "delete": "admin",  # delete documents
    "bundle": "admin",  # import project bundles
}

#: what a refusal says the permission is for (one line, shown as it is)
PURPOSE: dict[str, str] = {
    "read": "read this project",
    "export": "export",
    "edit": "edit texts and alignments",
    "annotate": "annotate terms",
    "tag": "tag findings",
    "terms": "edit the termbase",
    "review": "accept exceptions or confirm whole documents",
    "admin": "manage accounts",
    "import": "import documents",
    "delete": "delete documents",
    "bundle": "import project bundles",
}


class PermissionDenied(WorkbenchError):
    """The signed-in account's role does not allow the write; nothing was saved."""


def check_role(role: str) -> Role:
    if role not in ROLES:
        raise WorkbenchError(f"unknown role {role!r}; roles are {', '.join(ROLES)}")
    return role  # type: ignore[return-value]


def rank(role: str) -> int:
    return ROLES.index(check_role(role))


def allows(role: str | None, permission: str) -> bool:
    """True when ``role`` has ``permission``; ``None`` (no accounts: a single local user) has all."""
    if permission not in PERMISSIONS:
        raise ValueError(f"unknown permission {permission!r}")
    if role is None:
        return True
    return rank(role) >= rank(PERMISSIONS[permission])


def refusal(user: str, role: str, permission: str) -> PermissionDenied:
    need = PERMISSIONS[permission]
    return PermissionDenied(
        f"{user} ({role}) may not {PURPOSE[permission]}: that needs the {need} role or higher — nothing was saved"
    )
