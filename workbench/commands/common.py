"""What every command module needs: who is acting, JSON on stdout, atomic text files."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

from workbench.atomic import atomic_path


def cli_user() -> str:
    """The name history rows carry for command-line edits."""
    return os.environ.get("WORKBENCH_USER") or os.environ.get("USER") or "cli"


def print_json(obj: object) -> None:
    json.dump(obj, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")


def write_text_atomic(path: str | Path, data: str) -> None:
    """Write ``data`` to a temporary file beside ``path`` and rename it over: never half a file."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    with atomic_path(target) as tmp:
        Path(tmp).write_text(data, encoding="utf-8")
