"""The store: transactions, revisions, conflicts between two connections, history, migrations."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pytest

from tests.conftest import as_other_user
from workbench.errors import ConflictError, NotFoundError, WorkbenchError
from workbench.model import Document, Link, Mark, Paragraph, Text
from workbench.store import open_store
from workbench.store.db import integrity_errors, migrations


def make_doc(n: int = 3, title: str = "T") -> Document:
    return Document(
        title,
        Text("he", [Paragraph(f"{'אבגדהוזחט'[i]}) מקור {i}", label=f"{'אבגדהוזחט'[i]})", label_value=i + 1) for i in range(n)]),
        Text("en", [Paragraph(f"{i + 1}. target {i}", [Mark(3, 9, "italic")]) for i in range(n)]),
    )


def one_to_one(doc: Document) -> list[Link]:
    return [Link([s.id], [t.id], 0.9) for s, t in zip(doc.source.paragraphs, doc.target.paragraphs, strict=True)]


def test_wal_and_migrations(store) -> None:
    if store.db.dialect.name == "sqlite":
        mode = store.db.conn.execute("PRAGMA journal_mode").fetchone()[0]
        assert mode == "wal"
    versions = [v for v, _, _ in migrations()]
    assert store.db.schema_version() == max(versions)
    assert versions == sorted(set(versions))


def test_reopen_does_not_reapply_migrations(db_path: Path) -> None:
    s1 = open_store(db_path)
    doc_id = s1.create_document(make_doc())
    s1.close()
    s2 = open_store(db_path)
    assert s2.db.migrate() == []
    assert s2.get_document(doc_id).title == "T"


def test_round_trip_keeps_ids_marks_labels(store) -> None:
    doc = make_doc()
    doc_id = store.create_document(doc, "ann")
    got = store.get_document(doc_id)
    assert [p.id for p in got.source.paragraphs] == [p.id for p in doc.source.paragraphs]
    assert got.source.paragraphs[1].label == "ב)" and got.source.paragraphs[1].label_value == 2
    assert got.target.paragraphs[0].marks == [Mark(3, 9, "italic")]
    assert got.source_lang == "he" and got.target_lang == "en"


def test_one_sided_document(store) -> None:
    doc_id = store.create_document(Document("only en", None, Text("en", [Paragraph("x")])))
    got = store.get_document(doc_id)
    assert got.source is None and len(got.target.paragraphs) == 1
    summary = store.list_documents()[0]
    assert (summary.source_paragraphs, summary.target_paragraphs) == (0, 1)


def test_empty_document_refused(store) -> None:
    with pytest.raises(WorkbenchError):
        store.create_document(Document("nothing"))


def test_stale_paragraph_edit_is_refused_across_connections(db_path: Path) -> None:
    a, b = open_store(db_path), open_store(db_path)
    doc_id = a.create_document(make_doc(), "ann")
    pa = a.get_document(doc_id).target.paragraphs[0]
    pb = b.get_document(doc_id).target.paragraphs[0]
    a.update_paragraph(pa.id, "Ann's version", None, pa.rev, "ann")
    with pytest.raises(ConflictError) as err:
        b.update_paragraph(pb.id, "Bob's version", None, pb.rev, "bob")
    msg = str(err.value)
    assert "ann" in msg and "revision 2" in msg and "target paragraph 1" in msg
    assert a.get_paragraph(pa.id).text == "Ann's version"  # nothing overwritten
    hist = a.history(doc_id, entity="paragraph")
    assert len(hist) == 1 and hist[0]["before"]["text"] == "1. target 0" and hist[0]["after"]["text"] == "Ann's version"
    assert hist[0]["user"] == "ann"


def test_stale_alignment_save_is_refused_across_connections(db_path: Path) -> None:
    a, b = open_store(db_path), open_store(db_path)
    doc_id = a.create_document(make_doc())
    doc = a.get_document(doc_id)
    rev = a.save_links(doc_id, one_to_one(doc), 0, "ann")
    links_a, links_b = a.get_links(doc_id), b.get_links(doc_id)
    links_a[0].status = "confirmed"
    a.save_links(doc_id, links_a, rev, "ann")
    links_b[1].status = "confirmed"
    with pytest.raises(ConflictError) as err:
        b.save_links(doc_id, links_b, rev, "bob")
    assert "ann" in str(err.value) and links_a[0].id in str(err.value)
    stored = b.get_links(doc_id)
    assert [lk.status for lk in stored] == ["confirmed", "auto", "auto"]


def test_link_history_records_only_changes(store) -> None:
    doc_id = store.create_document(make_doc())
    doc = store.get_document(doc_id)
    rev = store.save_links(doc_id, one_to_one(doc), 0, "ann")
    links = store.get_links(doc_id)
    links[2].status = "confirmed"
    store.save_links(doc_id, links, rev, "bob")
    upd = [h for h in store.history(doc_id, entity="link") if h["action"] == "update"]
    assert len(upd) == 1 and upd[0]["user"] == "bob" and upd[0]["after"]["status"] == "confirmed"
    assert store.get_links(doc_id)[2].rev == 2 and store.get_links(doc_id)[0].rev == 1


@pytest.mark.parametrize("problem", ["missing", "twice", "order", "foreign"])
def test_invalid_alignment_is_refused_and_nothing_written(store, problem: str) -> None:
    doc_id = store.create_document(make_doc())
    doc = store.get_document(doc_id)
    links = one_to_one(doc)
    if problem == "missing":
        links = links[:-1]
    elif problem == "twice":
        links[1].target = links[0].target
    elif problem == "order":
        links[0], links[1] = links[1], links[0]
    else:
        links[0].source = ["nope"]
    with pytest.raises(WorkbenchError):
        store.save_links(doc_id, links, 0)
    assert store.get_links(doc_id) == [] and store.alignment_rev(doc_id) == 0


def test_transaction_rolls_back_everything(store) -> None:
    doc_id = store.create_document(make_doc())
    with pytest.raises(RuntimeError), store.transaction() as c:
        c.execute("UPDATE documents SET title = 'changed' WHERE id = ?", (doc_id,))
        raise RuntimeError("boom")
    assert store.get_document(doc_id).title == "T"


def test_failed_create_leaves_nothing(store) -> None:
    doc = make_doc()
    doc.target.paragraphs[1].id = doc.target.paragraphs[0].id  # duplicate primary key
    with pytest.raises(integrity_errors()):
        store.create_document(doc)
    assert store.list_documents() == []


def test_split_and_merge_paragraph_keep_alignment_valid(store) -> None:
    doc_id = store.create_document(make_doc())
    doc = store.get_document(doc_id)
    store.save_links(doc_id, one_to_one(doc), 0)
    p = doc.target.paragraphs[1]
    head, tail = store.split_paragraph(p.id, 5, p.rev)
    assert (head.text, tail.text) == ("2. ta", "rget 1")
    links = store.get_links(doc_id)
    assert links[1].target == [p.id, tail.id]
    merged = store.merge_paragraph_with_next(p.id, head.rev)
    assert merged.text == "2. ta rget 1"
    assert store.get_links(doc_id)[1].target == [p.id]
    # the alignment is still complete and ordered: saving it as it is succeeds
    store.save_links(doc_id, store.get_links(doc_id), store.alignment_rev(doc_id))


def test_insert_paragraph_gets_its_own_link(store) -> None:
    doc_id = store.create_document(make_doc())
    store.save_links(doc_id, one_to_one(store.get_document(doc_id)), 0)
    note = store.insert_paragraph(doc_id, "target", 1, Paragraph("Translator's note"))
    links = store.get_links(doc_id)
    assert [lk.kind for lk in links] == ["1-1", "0-1", "1-1", "1-1"] and links[1].target == [note.id]
    assert [p.text for p in store.get_document(doc_id).target.paragraphs][1] == "Translator's note"


def test_delete_paragraph_and_document(store) -> None:
    doc_id = store.create_document(make_doc())
    store.save_links(doc_id, one_to_one(store.get_document(doc_id)), 0)
    p = store.get_document(doc_id).target.paragraphs[0]
    store.delete_paragraph(p.id, p.rev)
    assert store.get_links(doc_id)[0].kind == "1-0"
    store.delete_document(doc_id, "ann")
    with pytest.raises(NotFoundError):
        store.get_document(doc_id)
    assert store.history(doc_id)[0]["action"] == "delete"  # history outlives the document


@pytest.mark.sqlite_only
def test_not_a_database(tmp_path: Path) -> None:
    bad = tmp_path / "bad.db"
    bad.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(WorkbenchError, match="bad.db"):
        open_store(bad)


def _history_queries(store, action) -> list[str]:  # noqa: ANN001
    """The statements on ``history`` the store itself runs during ``action()`` (as executed, with
    their values bound), caught with sqlite's trace callback: the plan is asked of the store's own
    SQL, not of a copy written here."""
    seen: list[str] = []
    store.db.conn.set_trace_callback(seen.append)
    try:
        action()
    finally:
        store.db.conn.set_trace_callback(None)
    return [q for q in seen if q.lstrip().upper().startswith("SELECT") and " history " in f" {q} "]


def _plan(store, sql: str) -> str:  # noqa: ANN001
    return " ".join(str(tuple(r)) for r in store.db.conn.execute("EXPLAIN QUERY PLAN " + sql))


@pytest.mark.sqlite_only  # EXPLAIN QUERY PLAN and the statement trace are SQLite's
def test_latest_change_of_a_kind_is_one_index_seek(store) -> None:  # noqa: ANN001
    """A refused stale alignment names the latest link changes of the document: one seek on
    history_doc_entity, not a scan and sort of the document's whole history."""
    doc_id = store.create_document(make_doc())
    store.save_links(doc_id, one_to_one(store.get_document(doc_id)), 0)
    for _ in range(3):
        store.save_links(doc_id, one_to_one(store.get_document(doc_id)), store.alignment_rev(doc_id))

    def stale() -> None:
        with pytest.raises(ConflictError, match="changed since you loaded it"):
            store.save_links(doc_id, one_to_one(store.get_document(doc_id)), 0)

    queries = [q for q in _history_queries(store, stale) if "ORDER BY id DESC" in q]
    assert queries, "the refusal no longer reads the latest changes"
    for q in queries:
        plan = _plan(store, q)
        assert "USING INDEX history_doc_entity" in plan and "TEMP B-TREE" not in plan, (q, plan)
    # The alignment page's "last changed by" per link: one index seek per link, no scan.
    links = [lk.id for lk in store.get_links(doc_id)]
    queries = _history_queries(store, lambda: store.last_changes(doc_id, links))
    assert len(queries) == len(links)
    for q in queries:
        plan = _plan(store, q)
        assert "USING INDEX history_" in plan and "SCAN history" not in plan and "TEMP B-TREE" not in plan, (q, plan)


# ------------------------------------------------------------------------------ foreign files, races


def _foreign_db(path: Path) -> bytes:
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE invoices (id INTEGER PRIMARY KEY, amount REAL)")
    conn.execute("INSERT INTO invoices VALUES (1, 9.5)")
    conn.commit()
    conn.close()
    return path.read_bytes()


def test_another_applications_database_is_refused_untouched(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    before = _foreign_db(path)
    with pytest.raises(WorkbenchError, match="another application.*invoices.*nothing was changed"):
        open_store(path)
    assert path.read_bytes() == before  # no schema added, no switch to WAL (that rewrites the header)
    assert not (tmp_path / "other.db-wal").exists()


def test_a_database_with_a_foreign_application_id_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA application_id = 1234")
    conn.execute("CREATE TABLE schema_migrations (version INTEGER)")
    conn.execute("CREATE TABLE documents (id INTEGER)")
    conn.commit()
    conn.close()
    before = path.read_bytes()
    with pytest.raises(WorkbenchError, match="another application"):
        open_store(path)
    assert path.read_bytes() == before


def test_the_cli_refuses_a_foreign_database_in_one_line(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    from workbench.cli import main

    path = tmp_path / "other.db"
    before = _foreign_db(path)
    assert main(["--db", str(path), "list"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "another application" in err
    assert path.read_bytes() == before


def test_a_newer_schema_is_refused(db_path: Path) -> None:
    s = open_store(db_path)
    top = s.db.schema_version()
    with s.transaction() as c:
        c.execute("INSERT INTO schema_migrations VALUES (?, 'from the future', 'x')", (top + 1,))
    s.close()
    with pytest.raises(WorkbenchError, match=f"newer than this workbench knows \\(version {top}\\)"):
        open_store(db_path)


@pytest.mark.sqlite_only
def test_a_new_database_is_stamped_with_the_application_id(store) -> None:  # noqa: ANN001
    from workbench.store.db import APPLICATION_ID

    assert store.db.conn.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID


def test_a_project_of_the_previous_release_is_recognised_and_stamped(tmp_path: Path) -> None:
    from workbench.store.db import APPLICATION_ID, now

    path = tmp_path / "old.db"
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT, applied TEXT)")
    for version, name, sql in migrations():
        conn.executescript(sql)
        conn.execute("INSERT INTO schema_migrations VALUES (?, ?, ?)", (version, name, now()))
    conn.close()
    s = open_store(path)
    assert s.db.conn.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
    assert s.list_documents() == []


@pytest.fixture
def shared_dir() -> Path:
    """A folder every user may enter and write (pytest's own tmp folders are private to root)."""
    import shutil
    import tempfile

    folder = Path(tempfile.mkdtemp(prefix="wb-shared-"))
    os.chmod(folder, 0o777)
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


@pytest.mark.sqlite_only
def test_a_read_only_database_is_called_read_only(shared_dir: Path) -> None:
    path = shared_dir / "wb.db"
    s = open_store(path)
    s.create_document(make_doc())
    s.close()
    os.chmod(path, 0o444)
    with as_other_user(), pytest.raises(WorkbenchError) as info:
        open_store(path)
    assert "read-only" in str(info.value) and "not a workbench database" not in str(info.value)


def _import_one(path: str, n: int, barrier, codes) -> None:  # noqa: ANN001
    from workbench.cli import main  # imported before the barrier: the opens then really race

    barrier.wait()
    codes[n] = main(["--db", path, "import", "--target", str(Path(path).parent / f"t{n}.txt"), "--title", f"D{n}"])


@pytest.mark.sqlite_only
def test_parallel_first_opens_and_imports_lose_nothing(tmp_path: Path) -> None:
    import multiprocessing

    ctx = multiprocessing.get_context("fork")
    workers = 6
    for n in range(workers):
        (tmp_path / f"t{n}.txt").write_text(f"Paragraph {n} of the translation.\n", encoding="utf-8")
    for round_ in range(4):
        path = tmp_path / f"race{round_}.db"
        barrier, codes = ctx.Barrier(workers), ctx.Array("i", [-1] * workers)
        procs = [ctx.Process(target=_import_one, args=(str(path), n, barrier, codes)) for n in range(workers)]
        for p in procs:
            p.start()
        for p in procs:
            p.join(60)
        assert list(codes) == [0] * workers, f"round {round_}: exit codes {list(codes)}"
        s = open_store(path)
        assert sorted(d.title for d in s.list_documents()) == [f"D{n}" for n in range(workers)]
        s.close()


@pytest.mark.sqlite_only
def test_a_write_lock_held_past_the_timeout_is_one_line(db_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    s = open_store(db_path)
    other = sqlite3.connect(db_path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    s.db.lock_timeout = 0.05
    try:
        with pytest.raises(WorkbenchError, match=r"busy.*more than 0\.05 s.*nothing was saved"):
            s.create_document(make_doc())
    finally:
        other.execute("ROLLBACK")
        other.close()


def test_a_paragraph_edit_leaves_the_document_row_alone_and_listings_show_it(store) -> None:  # noqa: ANN001
    """Two edits of one document's paragraphs must not both write its row (a serialization conflict
    on PostgreSQL): "updated" in listings and the document comes from its paragraphs instead."""
    doc_id = store.create_document(make_doc(), "t")
    with store.reading() as c:
        row_before = tuple(c.execute("SELECT * FROM documents WHERE id = ?", (doc_id,)).fetchone())
    created = store.get_document(doc_id).updated
    p = store.get_document(doc_id).target.paragraphs[1]
    after = store.update_paragraph(p.id, "An edited target", None, p.rev, "ann")
    with store.reading() as c:
        assert tuple(c.execute("SELECT * FROM documents WHERE id = ?", (doc_id,)).fetchone()) == row_before
        edited = c.execute("SELECT updated FROM paragraphs WHERE id = ?", (after.id,)).fetchone()[0]
    assert edited >= created
    assert store.get_document(doc_id).updated == edited
    (summary,) = [d for d in store.list_documents() if d.id == doc_id]
    assert summary.updated == edited
