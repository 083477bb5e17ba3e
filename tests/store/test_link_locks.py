"""Link edits written per link, and service transactions retried as a whole (issue #15's latency work).

On both backends: a link edit reads and writes only the links it changes (not the document's whole
alignment), keeps every paragraph in exactly one link, and a stale one is refused naming who changed
which link. On PostgreSQL: a link edit waits for another one in progress on the same document instead
of failing to serialise, and a service's own transaction (an alignment editor's operation) that meets
a serialization failure is run again as a whole, then refused clearly. The checks runner computes
outside the write transaction and stores with a check that nobody stored the document meanwhile."""

from __future__ import annotations

import re
import threading
import time
from pathlib import Path

import pytest

from tests.store.test_backends import BACKENDS, make_doc, new_db, one_to_one
from workbench.editing import AlignmentEditor, StoredUndoStack
from workbench.errors import ConflictError, WorkbenchError
from workbench.model import Link
from workbench.store import open_store


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return request.param


def _seeded(url: str, n: int = 8) -> tuple[object, int]:
    s = open_store(url)
    doc_id = s.create_document(make_doc(n))
    s.save_links(doc_id, one_to_one(s.get_document(doc_id)), 0, "t")
    return s, doc_id


def _order_holds(s, doc_id: int) -> None:  # noqa: ANN001
    doc, links = s.get_document(doc_id), s.get_links(doc_id)
    for side in ("source", "target"):
        assert [p for lk in links for p in getattr(lk, side)] == [p.id for p in doc.side(side).paragraphs]
    assert all(lk.source or lk.target for lk in links)


# ------------------------------------------------------------------------------ per-link writes


def test_two_editors_on_different_links_of_one_stale_view_both_save(backend: str, tmp_path: Path,
                                                                   request: pytest.FixtureRequest) -> None:  # fmt: skip
    url = new_db(backend, tmp_path, request)
    s, doc_id = _seeded(url)
    rev, links = s.alignment_rev(doc_id), s.get_links(doc_id)
    alice = AlignmentEditor(s, doc_id, "alice", StoredUndoStack(s, "alice"), known=(rev, links))
    other = open_store(url)
    try:
        bob = AlignmentEditor(other, doc_id, "bob", StoredUndoStack(other, "bob"), known=(rev, links))
        a = alice.merge_with_next(links[1].id, rev)  # positions after link 2 shift down by one
        b = bob.split_link(links[6].id, 1, 0, rev)  # based on the same, now stale, view
        assert b.alignment_rev == a.alignment_rev + 1
        after = s.get_links(doc_id)
        assert len(after) == len(links)  # one link fewer, one more
        assert after[1].source == links[1].source + links[2].source
        assert after[b.focus].id == links[6].id and after[b.focus].target == []
        _order_holds(s, doc_id)
        # a third edit on a link bob changed, from the view before: refused, naming bob and the link
        with pytest.raises(ConflictError, match=r"changed since you loaded it.*link 6 was changed by bob at"):
            alice.confirm([links[6].id], rev)
        # each undo takes back only its own stretch
        assert "merge" in alice.undo().message
        assert [lk.id for lk in s.get_links(doc_id)][:3] == [lk.id for lk in links[:3]]
        _order_holds(s, doc_id)
    finally:
        other.close()
        s.close()


def test_a_link_edit_writes_only_the_links_it_changes(tmp_path: Path) -> None:
    """SQLite's statement trace: no statement of a confirm or a merge reads the document's whole
    alignment (every ``links`` statement names its ids, or shifts the positions after a merge)."""
    s, doc_id = _seeded(f"sqlite:///{tmp_path / 'p.db'}", 8)
    rev, links = s.alignment_rev(doc_id), s.get_links(doc_id)
    ed = AlignmentEditor(s, doc_id, "ed", StoredUndoStack(s, "ed"), known=(rev, links))
    seen: list[str] = []
    s.db.conn.set_trace_callback(seen.append)
    try:
        r = ed.confirm([links[3].id], rev)
        ed.known = (r.alignment_rev, s.get_links(doc_id))
        seen.clear()
        r = ed.merge_with_next(links[5].id, r.alignment_rev)
    finally:
        s.db.conn.set_trace_callback(None)
    on_links = [q for q in seen if re.search(r"(FROM|UPDATE|INTO) links\b", q)]
    assert len(on_links) >= 4  # read and lock the two links, delete one, shift, update the other
    whole = [q for q in on_links if "id IN" not in q and "id = " not in q and "SET pos = pos +" not in q]
    assert whole == [], whole
    assert [h["action"] for h in s.history(doc_id, limit=2, entity="link")] == ["update", "delete"]  # newest first
    _order_holds(s, doc_id)
    s.close()


def test_the_store_refuses_a_span_that_would_lose_or_reorder_paragraphs(backend: str, tmp_path: Path,
                                                                        request: pytest.FixtureRequest) -> None:  # fmt: skip
    s, doc_id = _seeded(new_db(backend, tmp_path, request), 4)
    links = s.get_links(doc_id)
    a, b = links[0], links[1]
    with pytest.raises(WorkbenchError, match="keep the source paragraphs"):
        s.replace_link_spans(doc_id, [([a], [Link(a.source + b.source, a.target, id=a.id)])], "t")
    with pytest.raises(WorkbenchError, match="keep the target paragraphs"):
        s.replace_link_spans(doc_id, [([a, b], [Link(a.source + b.source, b.target + a.target, id=a.id)])], "t")
    with pytest.raises(WorkbenchError, match="empty link"):
        s.replace_link_spans(doc_id, [([a], [Link(a.source, a.target, id=a.id), Link([], [])])], "t")
    with pytest.raises(ConflictError, match="changed since you loaded it"):  # not consecutive: moved apart
        s.replace_link_spans(doc_id, [([a, links[2]], [Link(a.source + links[2].source, a.target + links[2].target,
                                                             id=a.id)])], "t")  # fmt: skip
    assert [(lk.id, lk.rev) for lk in s.get_links(doc_id)] == [(lk.id, lk.rev) for lk in links]
    assert s.alignment_rev(doc_id) == 1
    s.close()


# ------------------------------------------------------------------------------ PostgreSQL: waits, retries


def _hold(url: str, sql: str, arg: object, locked: threading.Event, release_after: float) -> None:
    """Another session writes a row (as an edit in progress would) and commits a moment later."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("BEGIN ISOLATION LEVEL SERIALIZABLE")
        conn.execute(sql, (arg,))
        locked.set()
        time.sleep(release_after)
        conn.execute("COMMIT")


def _pg_editor_one_attempt(tmp_path: Path, request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> tuple:
    """A seeded PostgreSQL project and an editor on its document, with one attempt per transaction
    (a serialization failure would not be retried: the tests see it)."""
    import workbench.store.db as dbmod

    monkeypatch.setattr(dbmod, "RETRIES", 1)
    url = new_db("postgresql", tmp_path, request)
    s, doc_id = _seeded(url)
    rev, links = s.alignment_rev(doc_id), s.get_links(doc_id)
    return url, s, doc_id, links, AlignmentEditor(s, doc_id, "ed", StoredUndoStack(s, "ed"), known=(rev, links))


@pytest.mark.postgres_only  # row locks and serialization failures are PostgreSQL's
def test_a_link_edit_waits_for_another_on_the_same_document_instead_of_failing(
        tmp_path: Path, request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    """Another link edit of the document holds its alignment row: this one queues on it and saves,
    at the first attempt (one attempt allowed: under SERIALIZABLE it failed to serialise)."""
    url, s, doc_id, links, ed = _pg_editor_one_attempt(tmp_path, request, monkeypatch)
    rev = ed.known[0]
    locked = threading.Event()
    t = threading.Thread(target=_hold, args=(url, "UPDATE documents SET alignment_rev = alignment_rev + 1 WHERE id = %s",
                                             doc_id, locked, 0.5))  # fmt: skip
    t.start()
    assert locked.wait(10)
    try:
        started = time.monotonic()
        r = ed.confirm([links[2].id], rev)
        assert time.monotonic() - started >= 0.3  # it waited for the other to commit
        assert r.alignment_rev == rev + 2 and s.get_links(doc_id)[2].status == "confirmed"
    finally:
        t.join()
        s.close()


@pytest.mark.postgres_only  # serialization failures are PostgreSQL's (SQLite serialises writers)
@pytest.mark.parametrize("retries", [8, 1])
def test_an_editor_operation_is_retried_as_a_whole_then_refused(
        retries: int, tmp_path: Path, request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    """A paragraph split through the editor opens its own transaction (the split, its links, its undo
    entry); another session touching the paragraph's row makes it fail to serialise: the editor's
    operation is run again from the start and saves (without the retry of the outer transaction it
    was refused), or, when the attempts run out, is refused with the clear message, nothing saved."""
    import workbench.store.db as dbmod

    monkeypatch.setattr(dbmod, "RETRIES", retries)
    url = new_db("postgresql", tmp_path, request)
    s, doc_id = _seeded(url)
    p = s.get_document(doc_id).target.paragraphs[0]
    rev = s.alignment_rev(doc_id)
    ed = AlignmentEditor(s, doc_id, "ed", StoredUndoStack(s, "ed"))
    locked = threading.Event()
    t = threading.Thread(target=_hold, args=(url, "UPDATE paragraphs SET updated = updated WHERE id = %s", p.id,
                                             locked, 0.5))  # fmt: skip
    t.start()
    assert locked.wait(10)
    try:
        if retries > 1:
            ed.split_paragraph(p.id, 10, rev, p.rev)
            after = s.get_document(doc_id).target.paragraphs
            assert [q.text for q in after[:2]] == [p.text[:10].rstrip(), p.text[10:].lstrip()]
            assert ed.undo_label() == "split paragraph" and s.undo.count(doc_id, "ed") == 1
            _order_holds(s, doc_id)
        else:
            with pytest.raises(dbmod.SerializationConflict, match="nothing was saved — try again.*tried 1 times"):
                ed.split_paragraph(p.id, 10, rev, p.rev)
            assert s.get_paragraph(p.id).rev == p.rev and s.undo.count(doc_id, "ed") == 0
            assert len(s.get_document(doc_id).target.paragraphs) == 8
    finally:
        t.join()
        s.close()


@pytest.mark.postgres_only  # row locks are PostgreSQL's (SQLite serialises writers)
def test_a_text_edit_waits_for_another_writer_of_the_paragraph_instead_of_failing(
        tmp_path: Path, request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    """The editor's text edit locks the paragraph's row before its revision check: another session
    holding the row makes it wait, then save at the first attempt (its revision is still current)."""
    import workbench.store.db as dbmod

    monkeypatch.setattr(dbmod, "RETRIES", 1)
    url = new_db("postgresql", tmp_path, request)
    s, doc_id = _seeded(url)
    p = s.get_document(doc_id).target.paragraphs[0]
    ed = AlignmentEditor(s, doc_id, "ed", StoredUndoStack(s, "ed"))
    locked = threading.Event()
    t = threading.Thread(target=_hold, args=(url, "UPDATE paragraphs SET updated = updated WHERE id = %s", p.id,
                                             locked, 0.5))  # fmt: skip
    t.start()
    assert locked.wait(10)
    try:
        ed.edit_text(p.id, "saved after the wait", p.rev)
        assert s.get_paragraph(p.id).text == "saved after the wait" and ed.undo_label() == "edit text"
    finally:
        t.join()
        s.close()


# ------------------------------------------------------------------------------ SQLite connections


@pytest.mark.sqlite_only
def test_sqlite_writers_wait_their_turn_in_a_queue_not_in_the_busy_handler(tmp_path: Path) -> None:
    """A writer that comes while another holds the write lock waits in the writers' queue and enters
    SQLite only once the lock is free: its connections give up after 0.2 s in SQLite's busy handler
    (enough for the holder's commit), yet its write saves after the holder's 1 s, right after it.
    Without the queue the same write is refused after those 0.2 s; a queue that does not move for
    ``lock_timeout`` refuses it as busy."""
    s, doc_id = _seeded(str(tmp_path / "p.db"), 2)
    other = open_store(tmp_path / "p.db")
    real_checkout = other.db._checkout  # type: ignore[attr-defined]

    def short_busy_wait():  # noqa: ANN202
        raw = real_checkout()
        raw.execute("PRAGMA busy_timeout = 200")
        return raw

    other.db._checkout = short_busy_wait  # type: ignore[attr-defined]
    held = threading.Event()

    def hold(seconds: float, title: str) -> None:
        with s.transaction() as c:
            c.execute("UPDATE documents SET title = ? WHERE id = ?", (title, doc_id))
            held.set()
            time.sleep(seconds)

    def write(title: str) -> float:
        started = time.monotonic()
        with other.transaction() as c:
            c.execute("UPDATE documents SET title = ? WHERE id = ?", (title, doc_id))
        return time.monotonic() - started

    try:
        t = threading.Thread(target=hold, args=(1.0, "first"))
        t.start()
        assert held.wait(10)
        assert write("second") >= 0.6  # it waited for the holder, in the queue
        t.join()
        assert s.get_document(doc_id).title == "second"

        queue, other.db._writers = other.db._writers, None  # type: ignore[attr-defined]
        held.clear()
        t = threading.Thread(target=hold, args=(1.0, "third"))
        t.start()
        assert held.wait(10)
        with pytest.raises(WorkbenchError, match="busy"):
            write("lost")  # SQLite's own lock and its short busy wait: refused
        t.join()

        other.db._writers, other.db.lock_timeout = queue, 0.2  # type: ignore[attr-defined]
        held.clear()
        t = threading.Thread(target=hold, args=(0.8, "fourth"))
        t.start()
        assert held.wait(10)
        with pytest.raises(WorkbenchError, match="the database is busy.*nothing was saved"):
            write("late")
        t.join()
        assert s.get_document(doc_id).title == "fourth"
        assert write("after") < 0.5  # the writer that gave up left nothing locked behind
    finally:
        other.close()
        s.close()


@pytest.mark.sqlite_only
def test_every_pooled_sqlite_connection_commits_without_syncing(tmp_path: Path) -> None:
    """``synchronous`` is a setting of each connection: every one the pool hands out has NORMAL (1),
    not only the first (FULL synced the log inside the write lock on every commit)."""
    s = open_store(tmp_path / "p.db")
    got: list[int] = []
    ready = threading.Barrier(3)

    def read() -> None:
        with s.reading() as c:
            ready.wait(5)  # three units open at once: three connections
            got.append(int(c.execute("PRAGMA synchronous").fetchone()[0]))

    threads = [threading.Thread(target=read) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert got == [1, 1, 1]
    s.close()


def _checked_then_edited(url: str, k: int) -> tuple:
    """A seeded project with the demo termbase, checked, then its target paragraph ``k`` edited
    (so a checks run has one link to do again)."""
    from tests.conftest import CORPUS
    from workbench.checks import CheckRunner

    s, doc_id = _seeded(url)
    s.terms.import_file(CORPUS / "termbase.csv", user="t")
    CheckRunner(s).run([doc_id])
    p = s.get_document(doc_id).target.paragraphs[k]
    s.update_paragraph(p.id, p.text + " Masach and Zivug again", expected_rev=p.rev, user="t")
    return s, doc_id


# ------------------------------------------------------------------------------ the checks runner


def test_checks_compute_outside_the_write_transaction_and_recompute_when_overtaken(
        backend: str, tmp_path: Path, request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    from workbench.checks import CheckRunner
    from workbench.checks import runner as runner_mod

    url = new_db(backend, tmp_path, request)
    s, doc_id = _checked_then_edited(url, 2)
    expected_view = None

    # what an undisturbed run stores, on a copy of the same state
    twin_url = new_db(backend, tmp_path, request, "twin.db")
    from workbench.store.maintenance import copy_project

    copy_project(url, twin_url)
    twin = open_store(twin_url)
    CheckRunner(twin).run([doc_id])
    expected_view = sorted((f.id, f.status, f.message) for f in twin.findings.list())
    twin.close()

    in_unit: list[bool] = []
    real_compute, real_aggregate = runner_mod._compute, runner_mod.aggregate_findings
    monkeypatch.setattr(runner_mod, "_compute", lambda *a: (in_unit.append(s.db.in_unit()), real_compute(*a))[1])
    monkeypatch.setattr(runner_mod, "aggregate_findings",
                        lambda *a: (in_unit.append(s.db.in_unit()), real_aggregate(*a))[1])  # fmt: skip
    repo = s.findings
    real_sigs = type(repo).unit_signatures
    calls = {"n": 0}

    def overtaken(self, d):  # noqa: ANN001, ANN202 - the check inside the first write sees another run's results
        calls["n"] += 1
        got = real_sigs(self, d)
        return {**got, "someone else's": "x"} if calls["n"] == 3 else got

    monkeypatch.setattr(type(repo), "unit_signatures", overtaken)
    CheckRunner(s).run([doc_id])
    assert in_unit and not any(in_unit), in_unit  # every computation outside a transaction
    assert calls["n"] >= 5  # read, checked (overtaken), read again, checked again
    assert sorted((f.id, f.status, f.message) for f in s.findings.list()) == expected_view
    s.close()


# ------------------------------------------------------------------------------ reloads that reuse


def test_reloads_reuse_unchanged_rows_and_read_the_changed_ones(backend: str, tmp_path: Path,
                                                                request: pytest.FixtureRequest) -> None:  # fmt: skip
    """What a page's reload returns with ``reuse`` equals a full read after edits of links and
    paragraphs by someone else, and keeps (the same objects) what did not change."""
    url = new_db(backend, tmp_path, request)
    s, doc_id = _seeded(url)
    doc, links = s.get_document(doc_id), s.get_links(doc_id)
    other = open_store(url)
    try:
        ed = AlignmentEditor(other, doc_id, "bob")
        ed.merge_with_next(links[2].id, other.alignment_rev(doc_id))
        ed.split_link(links[5].id, 1, 0, other.alignment_rev(doc_id))
        p = doc.target.paragraphs[4]
        other.update_paragraph(p.id, "changed by bob", expected_rev=p.rev, user="bob")
        other.insert_paragraph(doc_id, "target", 1, type(p)("a new one"), "bob")
    finally:
        other.close()
    again, full = s.get_links(doc_id, reuse=links), s.get_links(doc_id)
    assert again == full and again is not full
    assert again[0] is links[0] and again[-1] is links[-1]  # unchanged: the objects read before
    doc2, doc_full = s.get_document(doc_id, reuse=doc), s.get_document(doc_id)
    assert doc2 == doc_full
    assert doc2.target.paragraphs[0] is doc.target.paragraphs[0]
    assert [q.text for q in doc2.target.paragraphs][1] == "a new one" and "changed by bob" in [
        q.text for q in doc2.target.paragraphs]
    s.close()


def test_another_session_writes_while_the_checks_compute(
        backend: str, tmp_path: Path, request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    """While a checks run computes (the link checks, the document-wide and the corpus-wide ones),
    another session's edit and tag save at once: the run holds no write lock (SQLite) and no write
    transaction while it computes. Each write is made from inside the computation, synchronously,
    with a short lock wait: had the run held the lock, it would wait for a run that waits for it,
    and be refused as busy. The run then stores its results, and the other session's saves stay."""
    from tests.conftest import CORPUS
    from workbench.checks import CheckRunner
    from workbench.checks import runner as runner_mod

    url = new_db(backend, tmp_path, request)
    s, doc_id = _seeded(url)
    s.terms.import_file(CORPUS / "termbase.csv", user="t")
    CheckRunner(s).run([doc_id])
    finding = next(f for f in s.findings.list(doc_id) if f.present)
    paras = s.get_document(doc_id).target.paragraphs
    s.update_paragraph(paras[1].id, paras[1].text + " Masach again", expected_rev=paras[1].rev, user="t")

    other = open_store(url)
    if backend == "sqlite":
        other.db.lock_timeout = 1.0  # type: ignore[attr-defined]
    saved: list[str] = []

    def write_meanwhile(what: str) -> None:
        n = len(saved)
        started = time.monotonic()
        if n % 2 == 0:
            p = other.get_paragraph(paras[5].id)
            other.update_paragraph(p.id, f"{p.text[:40]} edited meanwhile {n}", expected_rev=p.rev, user="t")
        else:
            f = other.findings.get(finding.id)
            other.findings.tag([f.id], "fixed" if f.status == "open" else "open", "t", f"meanwhile {n}",
                               expected_revs={f.id: f.rev})  # fmt: skip
        assert time.monotonic() - started < 0.9, f"the write during {what} waited for the run"
        assert not s.db.in_unit(), f"{what} computed inside a transaction"
        saved.append(what)

    real_compute, real_aggregate = runner_mod._compute, runner_mod.aggregate_findings

    def compute(*a):  # noqa: ANN002, ANN202
        write_meanwhile("the link checks")
        return real_compute(*a)

    def aggregate(*a, **k):  # noqa: ANN002, ANN003, ANN202
        write_meanwhile(f"an aggregate ({a[2]})")
        return real_aggregate(*a, **k)

    monkeypatch.setattr(runner_mod, "_compute", compute)
    monkeypatch.setattr(runner_mod, "aggregate_findings", aggregate)
    try:
        report = CheckRunner(s).run([doc_id], user="t")
    finally:
        other.close()
    assert "the link checks" in saved and any(w.startswith("an aggregate") for w in saved), saved
    assert report.recomputed >= 1
    n = len(saved) - 1  # the last write of each kind is what is stored now
    last_para = max(k for k in range(n + 1) if k % 2 == 0)
    assert s.get_paragraph(paras[5].id).text.endswith(f"edited meanwhile {last_para}")
    tags = [t for t in s.findings.tag_log(finding.id) if (t["comment"] or "").startswith("meanwhile")]
    assert len(tags) == sum(k % 2 == 1 for k in range(n + 1))
    s.close()


def _confirm_in_progress(url: str, doc_id: int, link_id: str, locked: threading.Event, hold: float) -> None:
    """Another session's confirm of one link, as the store runs it, held open before its last statement."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("BEGIN ISOLATION LEVEL READ COMMITTED")
        conn.execute("SELECT alignment_rev FROM documents WHERE id = %s FOR KEY SHARE", (doc_id,))
        conn.execute("SELECT * FROM links WHERE id = %s FOR UPDATE", (link_id,))
        conn.execute("UPDATE links SET status = 'confirmed', rev = rev + 1 WHERE id = %s", (link_id,))
        locked.set()
        time.sleep(hold)
        conn.execute("UPDATE documents SET alignment_rev = alignment_rev + 1 WHERE id = %s", (doc_id,))
        conn.execute("COMMIT")


@pytest.mark.postgres_only  # row locks are PostgreSQL's (SQLite serialises writers)
def test_confirms_of_different_links_do_not_wait_for_each_other_but_a_merge_waits(
        tmp_path: Path, request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    """While another editor's confirm of link 3 is in progress, a confirm of link 6 saves at once
    (it locks its own link, not the document), with the revision it made; a merge, which moves the
    positions after it, waits for the confirm in progress to commit and then saves. One attempt
    each: nothing fails to serialise."""
    url, s, doc_id, links, ed = _pg_editor_one_attempt(tmp_path, request, monkeypatch)
    rev = ed.known[0]
    locked = threading.Event()
    t = threading.Thread(target=_confirm_in_progress, args=(url, doc_id, links[2].id, locked, 1.5))
    t.start()
    assert locked.wait(10)
    try:
        started = time.monotonic()
        r = ed.confirm([links[5].id], rev)
        assert time.monotonic() - started < 0.8, "the confirm waited for another link's confirm"
        assert r.alignment_rev == rev + 1
        r2 = ed.merge_with_next(links[0].id, rev)
        assert time.monotonic() - started >= 1.2, "the merge did not wait for the confirm in progress"
        assert r2.alignment_rev == rev + 3
    finally:
        t.join()
    after = s.get_links(doc_id)
    assert [lk.status for lk in after][:6] == ["confirmed", "confirmed", "auto", "auto", "confirmed", "auto"]
    assert after[0].source == links[0].source + links[1].source and after[4].id == links[5].id
    _order_holds(s, doc_id)
    s.close()


def test_a_run_overtaken_by_an_identical_run_stores_without_computing_again(
        backend: str, tmp_path: Path, request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    """Two editors run the checks after the same edit: the second run to store finds the first's
    results for exactly its units (same signatures) and stores without computing the document again;
    what is stored is what a forced run of the whole document stores."""
    from workbench.checks import CheckRunner
    from workbench.checks import runner as runner_mod

    url = new_db(backend, tmp_path, request)
    s, doc_id = _checked_then_edited(url, 3)
    other = open_store(url)
    real = runner_mod.aggregate_findings
    doc_wide: list[bool] = []

    def aggregate(*a, **k):  # noqa: ANN002, ANN003, ANN202
        if a[2] == f"d:{doc_id}":
            doc_wide.append(s.db.in_unit())
            if len(doc_wide) == 1:  # while the first run computes, another one runs and stores
                CheckRunner(other).run([doc_id], user="t")
        return real(*a, **k)

    monkeypatch.setattr(runner_mod, "aggregate_findings", aggregate)
    try:
        CheckRunner(s).run([doc_id], user="t")
    finally:
        other.close()
    assert doc_wide == [False, False]  # once each run, outside any transaction: no second computation
    monkeypatch.setattr(runner_mod, "aggregate_findings", real)
    stored = sorted((f.id, f.status, f.message, f.present) for f in s.findings.list())
    CheckRunner(s).run([doc_id], force=True, user="t")
    assert sorted((f.id, f.status, f.message, f.present) for f in s.findings.list()) == stored
    s.close()
