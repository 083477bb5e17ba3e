"""Test-only: in a Python process a test starts (the CLI, ``workbench serve``, Streamlit), a database
file the test itself already redirected to PostgreSQL (``tests/conftest.py``, WORKBENCH_TEST_PG)
is the same PostgreSQL database. Only on the test's PYTHONPATH, and only with WORKBENCH_TEST_PG_MAP set."""

from __future__ import annotations

import json
import os
from pathlib import Path

_MAP = os.environ.get("WORKBENCH_TEST_PG_MAP")
if _MAP:
    try:
        import workbench.store.db as _db
    except ImportError:  # pragma: no cover - a Python without the workbench
        _db = None
    if _db is not None:
        _real = _db.resolve_target

        def _resolve(target):  # noqa: ANN001, ANN202
            kind, where = _real(target)
            explicit = isinstance(target, str) and target.startswith("sqlite:")
            if kind == "sqlite" and not explicit and str(where) != ":memory:":
                try:
                    with open(_MAP, encoding="utf-8") as f:
                        url = json.load(f).get(str(Path(where).resolve()))
                except (OSError, ValueError):
                    url = None
                if url:
                    return "postgresql", url
            return kind, where

        _db.resolve_target = _resolve
