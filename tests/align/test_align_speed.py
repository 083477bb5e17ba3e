"""The speed paths of a long book give what the plain paths give: the second pass cut in two at a
sure link of the first (the same links as the whole piece, on one core or two), the per-word cached
lexicon keys and the Latin words extracted only where asked (the same features and evidence)."""

from __future__ import annotations

import pytest

from workbench.align import Aligner, aligner
from workbench.align.aligner import AlignConfig, _halves
from workbench.align.dp import Step
from workbench.align.signals import LatinWordSignal, LexiconSignal, default_signals, learned, numbers, prepare
from workbench.align.signals.base import Window, _feature_order, _postings, hebrew_words_of, match_form
from workbench.align.signals.latin import _LATIN
from workbench.align.signals.lexicon import SkeletonLexicon, _is_candidate, _key_weight
from workbench.align.skeleton import (
    hebrew_keys,
    hebrew_words,
    hebrew_yod_keys,
    latin_keys,
    latin_words,
    latin_yod_keys,
)

pytestmark = pytest.mark.no_database  # pure: runs on the SQLite pass only (tests/conftest.py)


def _pairs(links: list) -> list[tuple[list[int], list[int]]]:
    return [(lk.source, lk.target) for lk in links]


def _count_halves(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Spy on the second pass's cut: the list gets how many parts each piece was cut into."""
    cuts: list[int] = []
    real = aligner._halves

    def spy(*args, **kw):  # noqa: ANN002, ANN003, ANN202
        parts = real(*args, **kw)
        cuts.append(len(parts))
        return parts

    monkeypatch.setattr(aligner, "_halves", spy)
    return cuts


def test_the_second_pass_in_halves_gives_the_links_of_the_whole(book, monkeypatch) -> None:  # noqa: ANN001
    cuts = _count_halves(monkeypatch)
    whole = Aligner(config=AlignConfig(split_min_units=0)).align(book["source"], book["target"])
    assert 2 not in cuts
    halves = Aligner(config=AlignConfig(split_min_units=200)).align(book["source"], book["target"])
    assert cuts.count(2) == 1  # this book was cut (the sentence alignments inside learning never are)
    assert _pairs(halves) == _pairs(whole)
    # the scores differ a little (each half has its own forward-backward, and its own median
    # evidence for the 1-0 against 2-1 model): on this book by 0.0033 at most
    assert [lk.score for lk in halves] == pytest.approx([lk.score for lk in whole], abs=0.01)


def test_the_halves_are_the_same_on_one_core_and_two(book, monkeypatch) -> None:  # noqa: ANN001
    monkeypatch.setattr(aligner, "PARALLEL_MIN_UNITS", 10)
    cfg = AlignConfig(split_min_units=200)
    two = Aligner(config=cfg).align(book["source"], book["target"])
    monkeypatch.setenv("WORKBENCH_PARALLEL", "0")
    one = Aligner(config=cfg).align(book["source"], book["target"])
    assert _pairs(two) == _pairs(one)
    assert [lk.score for lk in two] == pytest.approx([lk.score for lk in one], abs=1e-12)


def _path(beads: list[tuple[int, int]]) -> list[Step]:
    out, i, j = [], 0, 0
    for ds, dt in beads:
        i, j = i + ds, j + dt
        out.append(Step(i, j, ds, dt))
    return out


def test_halves_cut_after_a_sure_link_nearest_the_middle() -> None:
    beads = [(1, 1)] * 40 + [(2, 1)] + [(1, 1)] * 59
    guide = _path(beads)
    sure = [(st, 1.0) for st in guide]
    # the middle (source 50) is doubtful, links 47-53 (ending at source 49-55): the cut goes to the
    # nearest corner after a sure 1-1 link with three sure 1-1 links either side: after link 57
    # (source 59; before the middle, the 2-1 at link 40 keeps links 37-43 from qualifying)
    for k in range(47, 54):
        sure[k] = (guide[k], 0.6)
    parts = _halves(sure, guide, (10, 111, 20, 120), min_units=100)
    assert len(parts) == 2
    (a, before), (b, after) = parts
    assert a[0] == 10 and a[3] == b[2] and a[1] == b[0] and b[1] == 111 and b[3] == 120
    ci = a[1] - 10
    assert ci == 59
    assert before[-1].i == ci and before[-1].j == a[3] - 20  # the first stretch ends at the cut ...
    assert after[0].i - after[0].ds == 0 and after[0].j - after[0].dt == 0  # ... the second starts there
    assert (after[-1].i, after[-1].j) == (101 - ci, 100 - (a[3] - 20))  # in the second half's coordinates
    assert len(before) + len(after) == len(guide)


def test_halves_keep_the_whole_piece_when_small_or_unsure() -> None:
    guide = _path([(1, 1)] * 100)
    sure = [(st, 1.0) for st in guide]
    bounds = (0, 100, 0, 100)
    assert _halves(sure, guide, bounds, min_units=1000) == [(bounds, guide)]  # too small
    assert _halves(sure, guide, bounds, min_units=0) == [(bounds, guide)]  # switched off
    assert _halves([(st, 0.9) for st in guide], guide, bounds, min_units=100) == [(bounds, guide)]  # nothing sure
    assert _halves(sure, None, bounds, min_units=100) == [(bounds, None)]  # no first pass


def test_lexicon_keys_cached_per_word_are_the_paragraph_unions(book) -> None:  # noqa: ANN001
    lex = SkeletonLexicon()
    for unit in prepare(book["source"][:150]):
        words = set(hebrew_words(unit.norm))
        want = {k: _key_weight(k) for k in set().union(*map(hebrew_keys, words), *map(hebrew_yod_keys, words))
                if len(k) >= 2}  # fmt: skip
        assert lex.source_keys(unit.norm) == want
    for unit in prepare(book["target"][:150]):
        cands = {w for w in latin_words(unit.body) if _is_candidate(w)}
        want = {k: _key_weight(k) for k in set().union(*map(latin_keys, cands), *map(latin_yod_keys, cands))
                if len(k) >= 2}  # fmt: skip
        assert lex.target_keys(unit.body) == want


def test_latin_words_of_a_translation_are_extracted_only_when_asked(book) -> None:  # noqa: ANN001
    sig = LatinWordSignal()
    src = prepare([*book["source"][:60], "והוא כתב בספר הזוהר ובתיקונים את הדברים האלה בשער הכוונות, Tikkunei Zohar"])
    tgt = prepare(book["target"][:60])
    assert all(not sig.prepares(u) for u in tgt) and all(sig.prepares(u) for u in src)
    for u in tgt:
        assert sig.features(u, "target") == {w.lower(): 1.0 for w in _LATIN.findall(u.body) if len(w) >= 2}
    win = Window.full(len(src), len(tgt))
    lazy = sig.evidence(src, tgt, win)  # the translation's words extracted here, as the join needs them
    fresh = LatinWordSignal()
    for u in prepare(book["target"][:60]):
        fresh._cached(u, "target")
    eager = fresh.evidence(src, prepare(book["target"][:60]), win)
    assert len(lazy) and lazy.as_dict() == eager.as_dict()
    # a Hebrew side without Latin words: no evidence, and the translation's words are never extracted
    plain = prepare(book["source"][:60])
    tgt2 = prepare(book["target"][:60])
    assert not any(sig.features(u, "source") for u in plain)
    assert len(sig.evidence(plain, tgt2, Window.full(60, 60))) == 0
    assert not any(k.startswith("LatinWordSignal") for u in tgt2 for k in u.cache)
    # and the other way round (the translation as source, the Hebrew as target)
    assert len(sig.evidence(tgt2, plain, Window.full(60, 60))) == 0


def test_the_prepared_units_skip_what_a_signal_does_not_prepare(book) -> None:  # noqa: ANN001
    feats = tuple(s for s in default_signals(embed=False) if isinstance(s, (LatinWordSignal, LexiconSignal)))
    units = aligner._prepared((book["target"][:30], "target", True, feats))
    keys = {k.split(":")[0] for u in units for k in u.cache}
    assert "LexiconSignal" in keys and "LatinWordSignal" not in keys


def _citations_by_words(t: str) -> set[str]:
    """The citation finder as it was: every word of the text looked up."""
    found = {numbers._HE_PREFIXED[w][0] for w in numbers._HE_TOKEN.findall(t)
             if w in numbers._HE_PREFIXED and numbers._HE_PREFIXED[w][1]}  # fmt: skip
    for p in numbers._PARENS.finditer(t):
        inner = p.group(1)
        found |= {numbers._HE_PREFIXED[w][0] for w in numbers._HE_TOKEN.findall(inner) if w in numbers._HE_PREFIXED}
        found |= {k for f, k in numbers._HE_MULTI if f in inner}
    found |= {k for f, k in numbers._HE_MULTI_ANYWHERE if f in t}
    return found


def test_hebrew_citations_looked_up_only_where_a_name_stands(book) -> None:  # noqa: ANN001
    texts = [u.norm for u in prepare(book["source"][:200])] + [
        match_form(t) for t in (
            "כמו שכתוב בזוהר הקדוש ובתהלים", "(בראשית א, א) ונאמר (שמות ג)", "וכן כתב בספר איוב",
            "כמו שאמרו בתיקוני זוהר", "ועיין בעץ חיים ובתלמוד עשר הספירות", "והנזהר בזה", "אין כאן ספר",
        )
    ]  # fmt: skip
    hits = 0
    for t in texts:
        want = _citations_by_words(t)
        hits += bool(want)
        assert numbers.hebrew_citations(t, normalized=True) == want, t
    assert hits >= 5


def test_postings_in_bulk_are_the_per_unit_postings(book) -> None:  # noqa: ANN001
    lex = LexiconSignal()
    units = prepare(book["source"][:80])
    feats = [lex._cached(u, "source") for u in units]
    tfeats = [lex._cached(u, "target") for u in prepare(book["target"][:80])]
    common = set().union(*feats) & set().union(*tfeats)
    assert common
    vocab = {f: i for i, f in enumerate(sorted(common, key=_feature_order))}
    want = [(k, i, fs[f]) for k, fs in enumerate(feats) for i, f in sorted((vocab[f], f) for f in fs.keys() & common)]
    unit, fid, wts = _postings(feats, common, vocab)
    assert list(zip(unit.tolist(), fid.tolist(), wts.tolist(), strict=True)) == want


def test_hebrew_words_split_once_for_both_lexicons(book) -> None:  # noqa: ANN001
    texts = [*book["source"][:120], "בְּרֵאשִׁית בָּרָא׀ אֱלֹהִים׃ את השמים", 'ספר הזהר (תיקו"ז ע"א) בי"ע ומ"ן']
    split = plain = 0
    for unit in prepare(texts):
        words = hebrew_words_of(unit)
        if words is None:  # a mark the two patterns read differently: each splits its own way
            plain += 1
        else:
            split += 1
            assert words == hebrew_words(unit.norm) == learned._HE_WORD.findall(unit.norm)
        # either way, the features are those of each signal splitting the text itself
        fresh = prepare([unit.text])[0]
        assert LexiconSignal().features(unit, "source") == {(0, k): w for k, w in SkeletonLexicon().source_keys(fresh.norm).items()}
        assert learned.unit_tokens(unit) == learned.hebrew_tokens(fresh.norm)
    assert split >= 100 and plain == 1


def test_halves_keep_fixed_links_and_cut_each_long_piece(book, monkeypatch) -> None:  # noqa: ANN001
    cuts = _count_halves(monkeypatch)
    whole = Aligner(config=AlignConfig(split_min_units=0)).align(book["source"], book["target"])
    fixed = [(lk.source, lk.target) for lk in whole if lk.source and lk.target][len(whole) // 2 : len(whole) // 2 + 1]
    src, tgt = fixed[0]
    cfg = AlignConfig(split_min_units=200)
    got = Aligner(config=cfg).align(book["source"], book["target"], fixed=fixed)
    assert cuts.count(2) == 2  # both pieces either side of the fixed link were cut
    assert (src, tgt) in _pairs(got)
    assert sorted(i for lk in got for i in lk.source) == list(range(len(book["source"])))
    assert sorted(j for lk in got for j in lk.target) == list(range(len(book["target"])))
    ref = Aligner(config=AlignConfig(split_min_units=0)).align(book["source"], book["target"], fixed=fixed)
    assert _pairs(got) == _pairs(ref)
