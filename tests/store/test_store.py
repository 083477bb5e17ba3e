"""The store: transactions, revisions, conflicts between two connections, history, migrations."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from workbench.errors import ConflictError, NotFoundError, WorkbenchError
from workbench.model import Document, Link, Mark, Paragraph, Text
from workbench.store import open_store
from workbench.store.db import migrations


def make_doc(n: int = 3, title: str = "T") -> Document:
    return Document(
        title,
        Text("he", [Paragraph(f"{'אבגדהוזחט'[i]}) מקור {i}", label=f"{'אבגדהוזחט'[i]})", label_value=i + 1) for i in range(n)]),
        Text("en", [Paragraph(f"{i + 1}. target {i}", [Mark(3, 9, "italic")]) for i in range(n)]),
    )


def one_to_one(doc: Document) -> list[Link]:
    return [Link([s.id], [t.id], 0.9) for s, t in zip(doc.source.paragraphs, doc.target.paragraphs, strict=True)]


def test_wal_and_migrations(store) -> None:
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
    with pytest.raises(sqlite3.IntegrityError):
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


def test_not_a_database(tmp_path: Path) -> None:
    bad = tmp_path / "bad.db"
    bad.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(WorkbenchError, match="bad.db"):
        open_store(bad)


def test_latest_change_of_a_kind_is_one_index_seek(store) -> None:  # noqa: ANN001
    plan = " ".join(
        str(tuple(r)) for r in store.db.conn.execute(
            "EXPLAIN QUERY PLAN SELECT * FROM history WHERE doc_id = ? AND entity = ? ORDER BY id DESC LIMIT 1",
            (1, "paragraph"),
        )
    )
    assert "history_doc_entity" in plan and "TEMP B-TREE" not in plan
