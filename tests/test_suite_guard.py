"""The promise behind ``no_database`` (tests/conftest.py): a test so marked runs on the SQLite pass
only, so opening a database there must fail it, in-process and in the processes it starts;
otherwise a test that came to use the store would silently go untested on PostgreSQL."""

from __future__ import annotations

import subprocess
import sys

import pytest

pytestmark = pytest.mark.no_database  # pure: runs on the SQLite pass only (tests/conftest.py)


def test_opening_a_store_in_a_marked_test_fails(tmp_path) -> None:
    from workbench.store import open_store

    with pytest.raises(AssertionError, match="marked no_database opened a database"):
        open_store(tmp_path / "wb.db")
    assert not (tmp_path / "wb.db").exists()


def test_a_process_a_marked_test_starts_cannot_open_one_either(tmp_path) -> None:
    code = "from workbench.store import open_store; open_store('wb.db')"
    run = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert run.returncode != 0
    assert "marked no_database opened a database" in run.stderr
    assert not (tmp_path / "wb.db").exists()


def test_the_marked_tests_are_left_out_of_the_postgresql_pass_only(monkeypatch) -> None:
    import tests.conftest as suite

    class Item:
        def __init__(self, *marks: str) -> None:
            self.marks = marks

        def get_closest_marker(self, name: str) -> object:
            return name if name in self.marks else None

    class Config:
        class hook:  # noqa: N801 - pytest's own spelling
            deselected: list = []

            @classmethod
            def pytest_deselected(cls, items: list) -> None:
                cls.deselected += items

    pure, store, pg_only = Item("no_database"), Item(), Item("postgres_only")
    for pg, kept in (("postgresql://x", [store, pg_only]), ("", [pure, store])):
        monkeypatch.setattr(suite, "PG", pg)
        items = [pure, store, pg_only]
        suite.pytest_collection_modifyitems(Config, items)
        assert items == kept
