"""Test-only: in a Python process a test starts (the CLI, ``workbench serve``, Streamlit), a database
file the test itself already redirected to PostgreSQL (``tests/conftest.py``, WORKBENCH_TEST_PG)
is the same PostgreSQL database. Only on the test's PYTHONPATH, and only with WORKBENCH_TEST_PG_MAP set;
with WORKBENCH_TEST_NO_DATABASE set (a test marked ``no_database``), opening any database is refused."""

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

# A test marked ``no_database`` (tests/conftest.py) runs on the SQLite pass only, on the promise that
# it opens no database; in the processes it starts, opening one is refused here, so a broken promise
# fails that test instead of silently leaving PostgreSQL untested.
if os.environ.get("WORKBENCH_TEST_NO_DATABASE"):
    try:
        import workbench.store.db as _guarded
    except ImportError:  # pragma: no cover - a Python without the workbench
        _guarded = None
    if _guarded is not None:

        def _refuse(target):  # noqa: ANN001, ANN202
            raise SystemExit(f"test marked no_database opened a database ({target!r}): unmark it (tests/conftest.py)")

        _guarded.resolve_target = _refuse
