"""What every command module needs: who is acting, JSON on stdout, atomic text files."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

from workbench.atomic import atomic_path

#: the global ``--user NAME`` of the running command (set by :func:`workbench.cli.main`)
ACTING_USER: list[str | None] = [None]


def local_user() -> str:
    """``WORKBENCH_USER``, else the operating system's account name."""
    env = os.environ.get("WORKBENCH_USER")
    if env:
        return env
    try:
        import getpass

        return getpass.getuser()
    except (KeyError, OSError):  # no passwd entry (some containers)
        return os.environ.get("USER") or "local"


def cli_user() -> str:
    """Who a command acts as: ``--user NAME``, ``WORKBENCH_USER`` or the OS account. In a project
    with accounts that name must be an active account, and its role decides what it may write."""
    return ACTING_USER[0] or local_user()


def print_json(obj: object) -> None:
    json.dump(obj, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")


def write_text_atomic(path: str | Path, data: str) -> None:
    """Write ``data`` to a temporary file beside ``path`` and rename it over: never half a file."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    with atomic_path(target) as tmp:
        Path(tmp).write_text(data, encoding="utf-8")
