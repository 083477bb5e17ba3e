"""The same scenarios on both backends: SQLite always, PostgreSQL when WORKBENCH_TEST_PG names a
server. Stale saves refused across processes, serialization failures retried (PostgreSQL), a
project copied SQLite -> PostgreSQL -> SQLite unchanged, a copy refused into a non-empty target,
and ``db check`` on a healthy and on a broken project."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from workbench.cli import main
from workbench.errors import WorkbenchError
from workbench.model import Document, Link, Paragraph, Text
from workbench.store import open_store
from workbench.store.db import mask
from workbench.store.maintenance import check_project, copy_project, dump_rows

REPO = Path(__file__).resolve().parents[2]
PG = os.environ.get("WORKBENCH_TEST_PG", "").strip()
BACKENDS = ["sqlite", "postgresql"] if PG else ["sqlite"]


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return request.param


def new_db(backend: str, tmp_path: Path, request: pytest.FixtureRequest, name: str = "p.db") -> str:
    """A database of this test's own: an explicit sqlite:/// URL (never redirected) or a PostgreSQL one."""
    if backend == "sqlite":
        return f"sqlite:///{tmp_path / name}"
    return request.getfixturevalue("_pg_databases").new()


def make_doc(n: int = 4, title: str = "T") -> Document:
    return Document(
        title,
        Text("he", [Paragraph(f"{'אבגדהוזחט'[i]}) מקור {i} של זיווג", label=f"{'אבגדהוזחט'[i]})", label_value=i + 1)
                    for i in range(n)]),  # fmt: skip
        Text("en", [Paragraph(f"{i + 1}. target {i} with Zivug and Masach") for i in range(n)]),
    )


def one_to_one(doc: Document) -> list[Link]:
    return [Link([s.id], [t.id], 0.9 - i / 100) for i, (s, t) in
            enumerate(zip(doc.source.paragraphs, doc.target.paragraphs, strict=True))]  # fmt: skip


def fill(url: str) -> None:
    """A project with something in every table the workbench writes."""
    s = open_store(url)
    try:
        s.accounts.add("dana", "admin", "a long secret")
        s.accounts.add("eli", "editor", "another secret", user="dana")
        s.terms.import_file(REPO / "corpus" / "termbase.csv", user="dana")
        for title in ("One", "Two"):
            doc_id = s.create_document(make_doc(title=title), user="dana")
            s.save_links(doc_id, one_to_one(s.get_document(doc_id)), 0, user="eli")
            s.accounts.touch(doc_id, "eli")
        doc = s.get_document(1)
        p = doc.target.paragraphs[0]
        s.update_paragraph(p.id, p.text + " (edited)", expected_rev=p.rev, user="eli")
        s.undo.push(1, "eli", {"label": "edit", "before": "x"}, 10)
        s.set_setting("eli", "source_side", "left")
        token = s.accounts.start_session("eli", "127.0.0.1")
        assert s.accounts.session_account(token).name == "eli"
        with pytest.raises(WorkbenchError):
            s.accounts.verify("eli", "wrong password")
    finally:
        s.close()
    assert main(["--db", url, "--user", "dana", "terms", "annotate", "1"]) == 0
    assert main(["--db", url, "--user", "dana", "check", "--all", "--format", "json"]) in (0, 1)
    s = open_store(url)
    found = s.findings.list()
    assert found, "the demo termbase finds something to say about these documents"
    s.findings.tag([found[0].id], "accepted", "dana", comment="a reviewed exception")
    s.close()


def project_view(url: str) -> dict:
    """What the workbench shows of a project, through the store (not the tables)."""
    s = open_store(url)
    try:
        return {
            "documents": [d.id for d in s.list_documents()],
            "docs": {d.id: json.dumps(s.get_document(d.id).to_dict() if hasattr(s.get_document(d.id), "to_dict")
                                      else repr(s.get_document(d.id)), sort_keys=True, default=str)
                     for d in s.list_documents()},  # fmt: skip
            "links": {d.id: [(lk.id, lk.source, lk.target, lk.score, lk.status, lk.rev) for lk in s.get_links(d.id)]
                      for d in s.list_documents()},  # fmt: skip
            "terms": [t.to_dict() for t in s.terms.list_terms()],
            "annotations": [a.to_dict() for a in s.terms.annotations(reanchor_spans=False)],
            "findings": [(f.id, f.status, f.rev, f.message) for f in s.findings.list()],
            "history": [(h["id"], h["user"], h["entity"], h["action"]) for h in s.history(limit=10_000)],
            "accounts": [a.to_dict() for a in s.accounts.list()],
            "undo": s.undo.entries(1, "eli"),
            "setting": s.get_setting("eli", "source_side"),
        }
    finally:
        s.close()


# ------------------------------------------------------------------------------ revisions across processes

_SAVER = r"""
import sys, time
from workbench.errors import ConflictError
from workbench.store import open_store
url, pid, text, at = sys.argv[1], sys.argv[2], sys.argv[3], float(sys.argv[4])
s = open_store(url)
rev = s.get_paragraph(pid).rev
time.sleep(max(0.0, at - time.time()))
try:
    s.update_paragraph(pid, text, expected_rev=rev, user="proc")
    print("saved")
except ConflictError as exc:
    print("refused:", exc)
"""


def test_stale_saves_are_refused_across_two_processes(backend: str, tmp_path: Path,
                                                      request: pytest.FixtureRequest) -> None:  # fmt: skip
    url = new_db(backend, tmp_path, request)
    s = open_store(url)
    doc_id = s.create_document(make_doc())
    pid = s.get_document(doc_id).target.paragraphs[1].id
    at = time.time() + 3.0  # both have read revision 1 by then, and save at once
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    procs = [subprocess.Popen([sys.executable, "-c", _SAVER, url, pid, f"text of process {n}", str(at)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env) for n in (1, 2)]  # fmt: skip
    outs = [p.communicate(timeout=120) for p in procs]
    results = sorted(o[0].strip().split(":")[0] for o in outs)
    assert results == ["refused", "saved"], outs
    refused = next(o[0] for o in outs if o[0].startswith("refused"))
    assert "nothing was saved" in refused and "by proc" in refused
    p = s.get_paragraph(pid)
    assert p.rev == 2 and p.text.startswith("text of process")
    s.close()


# ------------------------------------------------------------------------------ serialization failures


def _hold_paragraph_row(url: str, para_id: str, locked: threading.Event, release_after: float) -> None:
    """Another session touches the paragraph's row without changing its revision (as a re-anchoring
    or a bookkeeping write would) and commits a moment later: the edit waiting on the row then fails
    to serialise, and a retry, which finds the revision still current, succeeds."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("BEGIN ISOLATION LEVEL SERIALIZABLE")
        conn.execute("UPDATE paragraphs SET updated = updated WHERE id = %s", (para_id,))
        locked.set()
        time.sleep(release_after)
        conn.execute("COMMIT")


@pytest.mark.postgres_only  # serialization failures are PostgreSQL's (SQLite serialises writers)
@pytest.mark.parametrize("retries", [8, 1])
def test_serialization_failures_are_retried_then_reported(retries: int, tmp_path: Path,
                                                          request: pytest.FixtureRequest,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    import workbench.store.db as dbmod

    monkeypatch.setattr(dbmod, "RETRIES", retries)
    url = new_db("postgresql", tmp_path, request)
    s = open_store(url)
    doc_id = s.create_document(make_doc())
    p = s.get_document(doc_id).target.paragraphs[0]
    locked = threading.Event()
    t = threading.Thread(target=_hold_paragraph_row, args=(url, p.id, locked, 0.5))
    t.start()
    assert locked.wait(10)
    try:
        if retries > 1:
            after = s.update_paragraph(p.id, "saved on the second attempt", expected_rev=p.rev, user="a")
            assert after.rev == 2 and s.get_paragraph(p.id).text == "saved on the second attempt"
        else:
            with pytest.raises(dbmod.SerializationConflict, match="nothing was saved — try again.*tried 1 times"):
                s.update_paragraph(p.id, "never saved", expected_rev=p.rev, user="a")
            assert s.get_paragraph(p.id).rev == 1
    finally:
        t.join()
        s.close()


# ------------------------------------------------------------------------------ copy


def test_copy_round_trip_sqlite_postgres_sqlite_is_identical(tmp_path: Path, request: pytest.FixtureRequest) -> None:
    first = f"sqlite:///{tmp_path / 'first.db'}"
    fill(first)
    middle = new_db(BACKENDS[-1], tmp_path, request, "middle.db")
    last = f"sqlite:///{tmp_path / 'last.db'}"
    there = copy_project(first, middle)
    back = copy_project(middle, last)
    assert there.rows > 50 and [(t.table, t.rows, t.checksum) for t in there.tables] == \
        [(t.table, t.rows, t.checksum) for t in back.tables]  # fmt: skip
    assert {t.table for t in there.tables if t.rows} >= {
        "documents", "paragraphs", "links", "history", "terms", "annotations", "findings", "finding_tags",
        "check_units", "undo_entries", "accounts", "auth_sessions", "login_failures", "presence", "settings",
        "user_settings"}  # fmt: skip
    assert sorted(dump_rows(open_store(first).db)) == sorted(dump_rows(open_store(last).db))
    view = project_view(first)
    assert project_view(middle) == view == project_view(last)
    # New rows in the copy continue after the copied ids, and the copy is a healthy project.
    s = open_store(middle)
    assert s.create_document(make_doc(title="Three"), user="dana") == max(view["documents"]) + 1
    assert check_project(s.db).ok
    s.close()


def test_copy_refuses_a_non_empty_target_and_changes_nothing(backend: str, tmp_path: Path,
                                                             request: pytest.FixtureRequest) -> None:  # fmt: skip
    source = f"sqlite:///{tmp_path / 'src.db'}"
    s = open_store(source)
    s.create_document(make_doc())
    s.close()
    target = new_db(backend, tmp_path, request, "target.db")
    t = open_store(target)
    t.create_document(make_doc(title="already here"))
    t.close()
    with pytest.raises(WorkbenchError, match="already holds data.*nothing was copied"):
        copy_project(source, target)
    assert [d.title for d in open_store(target).list_documents()] == ["already here"]
    assert main(["db", "copy", "--from", source, "--to", target]) == 2
    with pytest.raises(WorkbenchError, match="same database"):
        copy_project(source, source)


def test_cli_copy_prints_what_it_verified(tmp_path: Path, request: pytest.FixtureRequest,
                                          capsys: pytest.CaptureFixture) -> None:  # fmt: skip
    source = f"sqlite:///{tmp_path / 'src.db'}"
    s = open_store(source)
    s.save_links(1, one_to_one(s.get_document(s.create_document(make_doc()))), 0)
    s.close()
    target = new_db(BACKENDS[-1], tmp_path, request, "t.db")
    assert main(["--db", source, "db", "copy", "--to", target, "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["tables"]["paragraphs"]["rows"] == 8 and out["tables"]["links"]["rows"] == 4
    assert out["to"].endswith("t.db") or out["to"] == mask(target)  # a password is never printed
    assert mask("postgresql://u:secret@h:5432/d") == "postgresql://u:***@h:5432/d"


# ------------------------------------------------------------------------------ check


def _break(url: str, backend: str, doc_id: int, pid: str) -> None:
    """Damage a project behind the store's back: a link that loses its paragraph, and an orphan row."""
    s = open_store(url)
    with s.transaction() as c:
        row = c.execute("SELECT id, source_ids FROM links WHERE doc_id = ? ORDER BY pos", (doc_id,)).fetchone()
        c.execute("UPDATE links SET source_ids = '[]' WHERE id = ?", (row["id"],))
    s.close()
    if backend == "sqlite":
        import sqlite3

        raw = sqlite3.connect(url.removeprefix("sqlite:///"), isolation_level=None)
        raw.execute("PRAGMA foreign_keys=OFF")
        raw.execute("INSERT INTO presence (doc_id, user, seen) VALUES (999, 'ghost', 'x')")
        raw.close()
    else:
        import psycopg

        with psycopg.connect(url, autocommit=True) as raw:  # a superuser may switch the triggers off
            raw.execute("SET session_replication_role = replica")
            raw.execute("""INSERT INTO presence (doc_id, "user", seen) VALUES (999, 'ghost', 'x')""")


def test_check_on_a_healthy_and_on_a_broken_project(backend: str, tmp_path: Path, request: pytest.FixtureRequest,
                                                    capsys: pytest.CaptureFixture) -> None:  # fmt: skip
    url = new_db(backend, tmp_path, request)
    s = open_store(url)
    doc_id = s.create_document(make_doc())
    s.save_links(doc_id, one_to_one(s.get_document(doc_id)), 0)
    s.create_document(make_doc(title="not aligned yet"))
    pid = s.get_document(doc_id).source.paragraphs[0].id
    s.close()
    assert main(["--db", url, "db", "check"]) == 0
    out = capsys.readouterr().out
    assert "schema version" in out and "ok:" in out and "1 document(s) without an alignment" in out
    _break(url, backend, doc_id, pid)
    assert main(["--db", url, "db", "check", "--json"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert not report["ok"] and report["backend"] == backend
    problems = "\n".join(report["problems"])
    assert f"paragraph {pid} is in 0 links" in problems
    assert "orphan rows: presence.doc_id = 999" in problems


# ------------------------------------------------------------------------------ a project of the last release


def _raw_tables(path: Path, like: dict[str, tuple[list[str], list[tuple]]] | None = None
                ) -> dict[str, tuple[list[str], list[tuple]]]:  # fmt: skip
    """Every row of every table the file has, as (columns, rows); with ``like``, only those tables and
    columns (a later migration may add tables and columns, but must not change what was there)."""
    import sqlite3

    from workbench.store.maintenance import TABLES

    raw = sqlite3.connect(path)
    try:
        present = {r[0] for r in raw.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        out = {}
        for t in (like or [t for t in TABLES if t in present]):
            cols = like[t][0] if like else [r[1] for r in raw.execute(f"PRAGMA table_info({t})")]
            rows = raw.execute(f"SELECT {', '.join(cols)} FROM {t}")
            out[t] = (cols, sorted(map(tuple, rows), key=repr))
        return out
    finally:
        raw.close()


def test_a_project_of_the_last_release_upgrades_in_place_and_moves_to_the_other_backend(
    tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    import gzip

    path = tmp_path / "release.db"
    path.write_bytes(gzip.decompress((Path(__file__).parent / "data" / "release-0.1.0.db.gz").read_bytes()))
    before = _raw_tables(path)
    url = f"sqlite:///{path}"
    s = open_store(url)
    docs = s.list_documents()
    assert [(d.title, d.links) for d in docs] == [("Introduction to the Book of Zohar", 166),
                                                   ("Shamati 81: Concerning Raising MAN", 0)]  # fmt: skip
    assert s.terms.count() == 56 and [a.name for a in s.accounts.list()] == ["dana"]
    assert check_project(s.db).ok
    s.close()
    assert _raw_tables(path, like=before) == before  # nothing lost, nothing rewritten
    other = new_db(BACKENDS[-1], tmp_path, request, "moved.db")
    report = copy_project(url, other)
    assert report.rows == sum(len(rows) for _cols, rows in _raw_tables(path).values())
    assert project_view(other) == project_view(url)
    t = open_store(other)
    doc = t.get_document(1)
    p = doc.target.paragraphs[0]
    t.update_paragraph(p.id, p.text + " (edited after the move)", expected_rev=p.rev, user="dana")
    assert check_project(t.db).ok
    t.close()


def test_copy_and_check_know_every_table_and_foreign_key(tmp_path) -> None:  # noqa: ANN001
    """A migration that adds a table must add it to db copy's list, or copies would silently leave it
    behind; and every foreign key of the schema must be checked for orphans."""
    import sqlite3

    from workbench.store import open_store
    from workbench.store.maintenance import DERIVED_TABLES, FOREIGN_KEYS, TABLES

    path = tmp_path / "schema.db"
    open_store(f"sqlite:///{path}").close()
    conn = sqlite3.connect(path)
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
              if not r[0].startswith("sqlite_")} - {"schema_migrations"}  # fmt: skip
    assert set(TABLES) == tables - set(DERIVED_TABLES)
    keys = {(t, r[3], r[2], r[4]) for t in tables for r in conn.execute(f"PRAGMA foreign_key_list({t})")}
    assert keys == set(FOREIGN_KEYS)
