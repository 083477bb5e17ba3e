"""Shared fixtures. ``need_program`` skips locally but fails in CI (CI=true) when a tool is missing;
``need_data`` names a file of the repository's test data (``tests/data/``, see its ATTRIBUTION.md),
which is always there: a clone anywhere runs every test."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
DATA = REPO / "tests" / "data"
CORPUS = REPO / "corpus"
ARTIFACTS = REPO / "tests" / "artifacts"


def need_program(*names: str) -> str:
    """Path of the first program found; in CI a missing program is a failure, never a skip."""
    for name in names:
        path = shutil.which(name)
        if path:
            return path
    msg = f"none of {', '.join(names)} is installed"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(msg + " (CI=true: this test must run; .ci/run installs it)")
    pytest.skip(msg)


def need_data(*parts: str) -> Path:
    """A file or folder under ``tests/data/``; missing, it fails the test (the data is in the repository)."""
    path = DATA.joinpath(*parts)
    if not path.exists():
        pytest.fail(f"{path.relative_to(REPO)} is missing: the test data belongs in the repository")
    return path


@pytest.fixture
def db_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh database path, also exported as WORKBENCH_DB for the app and the CLI."""
    path = tmp_path / "wb.db"
    monkeypatch.setenv("WORKBENCH_DB", str(path))
    return path


@pytest.fixture
def store(db_path: Path):
    from workbench.store import open_store

    s = open_store(db_path)
    yield s
    s.close()


@pytest.fixture
def artifacts() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS
