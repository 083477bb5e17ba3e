"""The learned lexicon: tokens, IBM Model 1, the signal, and the aligner's two passes."""

from __future__ import annotations

import random

import pytest

from workbench.align import AlignConfig, Aligner, sentence_aligner
from workbench.align.aligner import TRAINING_CONFIG
from workbench.align.signals import FeatureSignal, LearnedLexiconSignal, Window, default_signals, prepare
from workbench.align.signals.base import match_form
from workbench.align.signals.learned import hebrew_tokens, learned_pairs, plain_tokens, train_model1

pytestmark = pytest.mark.no_database  # pure: runs on the SQLite pass only (tests/conftest.py)


def test_hebrew_tokens_drop_points_prefixes_and_function_words_but_keep_acronyms() -> None:
    toks = hebrew_tokens(match_form('וְהָרָצוֹן ברצון לקבל של בי"ע, והמסך הזה את העולמות'))
    assert toks == ["רצונ", "רצונ", "קבל", 'בי"ע', "מסכ", "עולמ"]


def test_hebrew_tokens_take_one_light_suffix_off_long_words() -> None:
    toks = hebrew_tokens(match_form("העולמות עולם קדושה קדוש גשמיות גשמי מחשבתו מחשבת אור"))
    assert toks == ["עולמ", "עולמ", "קדוש", "קדוש", "גשמי", "גשמי", "חשבת", "חשבת", "אור"]  # מ- goes as a prefix


def test_plain_tokens_lower_case_without_function_words_or_plural_s() -> None:
    assert plain_tokens("The Desires of the Worlds, Partzufim's Masach: 13 is glass") == [
        "desire", "world", "partzufim", "masach", "glass",
    ]  # fmt: skip


def _corpus() -> list[tuple[list[str], list[str]]]:
    """Sentences of a toy language pair: each source word has one translation, word order shuffled,
    and a frequent function-like word (על / "the") in every sentence on both sides."""
    rng = random.Random(3)
    lex = {"כלב": "dog", "חתול": "cat", "בית": "house", "עץ": "tree", "מים": "water", "אש": "fire"}
    out = []
    for _ in range(40):
        words = rng.sample(sorted(lex), 3)
        tgt = [lex[w] for w in words] + ["the"]
        rng.shuffle(tgt)
        out.append(([*words, "על"], tgt))
    return out


def test_model1_learns_the_translations_of_a_toy_corpus() -> None:
    table = train_model1(_corpus())
    for src, tgt in (("כלב", "dog"), ("אש", "fire"), ("עץ", "tree")):
        best, p = table.best(src)[0]
        assert best == tgt and p > 0.5
    assert table.best("unknown") == []
    again = train_model1(_corpus())
    assert again.pairs(0.2) == table.pairs(0.2)  # deterministic


def test_learned_pairs_need_both_directions() -> None:
    got = learned_pairs(_corpus(), 0.2)
    assert got["כלב"] == {"dog"} and got["מים"] == {"water"}
    # על occurs with every word: "the" is its translation one way, but every content word also
    # co-occurs with it, so no pair through it is sure both ways except על-the itself
    assert all("the" not in ts for w, ts in got.items() if w != "על")
    assert learned_pairs([], 0.2) == {}


def _units(pairs: list[tuple[list[str], list[str]]]):  # noqa: ANN202
    return prepare([" ".join(s) + "." for s, _t in pairs]), prepare([" ".join(t) + "." for _s, t in pairs])


def test_signal_is_silent_until_it_learns_and_then_links_translations() -> None:
    corpus = _corpus()
    su, tu = _units(corpus)
    sig = LearnedLexiconSignal()
    trainer = Aligner(default_signals(embed=False, learn=False), TRAINING_CONFIG)
    win = Window.full(len(su), len(tu))
    assert len(sig.evidence(su, tu, win)) == 0
    learned = sig.learn(su, tu, [(i, i, 0.99) for i in range(len(su))], sentence_aligner=trainer)
    assert learned.lexicon["כלב"] == {"dog"}
    assert sig.lexicon == {} and len(sig.evidence(su, tu, win)) == 0  # the configured signal stays silent
    ev = learned.evidence(su, tu, win).as_dict()
    diag = sum(ev.get((i, i), 0.0) for i in range(len(su)))
    off = sum(ev.get((i, (i + 7) % len(su)), 0.0) for i in range(len(su)))
    assert diag > 2 * off > 0  # translations share more learned words than unrelated sentences
    # links below the posterior threshold are not learned from; too few links: nothing learned
    again = learned.learn(su, tu, [(i, i, 0.5) for i in range(len(su))], sentence_aligner=trainer)
    assert again.lexicon == {} and len(again.evidence(su, tu, win)) == 0
    assert sig.learn(su, tu, [(i, i, 0.99) for i in range(5)], sentence_aligner=trainer).lexicon == {}
    off_sig = LearnedLexiconSignal(weight=0)
    assert off_sig.learn(su, tu, [(i, i, 0.99) for i in range(len(su))], sentence_aligner=trainer).lexicon == {}


# -- the aligner's two passes ---------------------------------------------------------------------

_HE = "אבגדהזחטיכלמנסעפצקרשת"
_EN = "bcdfghjklmnpqrstvwxz"


def _toy_book(drop: int, source_letters: str = _HE) -> tuple[list[str], list[str], int]:
    """Forty paragraphs in a made-up language pair (a fixed word-for-word dictionary). Lengths vary
    from paragraph to paragraph except around ``drop``, where three paragraphs have the same length:
    when the translation of ``drop`` is missing, only the words say which of the three it was."""
    rng = random.Random(11)
    he_words = ["".join(rng.choice(source_letters) for _ in range(4)) for _ in range(300)]
    en_words = ["".join(rng.choice(_EN) + "a" for _ in range(3)) for _ in range(300)]
    src, tgt = [], []
    for k in range(40):
        n_sent = 3 if abs(k - drop) <= 1 else rng.choice((2, 3, 4, 5))
        ids = [[rng.randrange(300) for _ in range(6)] for _ in range(n_sent)]
        src.append(" ".join(" ".join(he_words[i] for i in s) + "." for s in ids))
        tgt.append(" ".join(" ".join(en_words[i].capitalize() if j == 0 else en_words[i] for j, i in enumerate(s)) + "."
                            for s in ids))  # fmt: skip
    return src, tgt[:drop] + tgt[drop + 1 :], drop


@pytest.mark.parametrize("letters", [_HE, "aeiouy"], ids=["hebrew-source", "latin-source"])
def test_the_learned_lexicon_places_a_drop_that_length_cannot(letters: str) -> None:
    src, tgt, drop = _toy_book(drop=20, source_letters=letters)
    gold = [([i], [i]) for i in range(drop)] + [([drop], [])] + [([i], [i - 1]) for i in range(drop + 1, 40)]
    with_lexicon = Aligner(default_signals()).align(src, tgt)
    assert [(lk.source, lk.target) for lk in with_lexicon] == gold
    plain = Aligner(default_signals(learn=False)).align(src, tgt)
    # without it only length speaks: which of three same-length paragraphs was dropped is a guess,
    # scored at most what a guess among three is worth
    lone = [lk.score for lk in plain if not lk.target]
    assert len(lone) == 1 and lone[0] < 0.34 < 0.6 < next(lk.score for lk in with_lexicon if not lk.target)


class _Counting(FeatureSignal):
    name = "counting"

    def __init__(self) -> None:
        self.calls = 0

    def features(self, unit, side):  # noqa: ANN001, ANN201
        return {}

    def evidence(self, src, tgt, window):  # noqa: ANN001, ANN201
        self.calls += 1
        return super().evidence(src, tgt, window)


@pytest.mark.parametrize("learn", [True, False])
def test_the_second_pass_reuses_the_first_pass_evidence(learn: bool) -> None:
    src, tgt, _drop = _toy_book(drop=20)
    counting = _Counting()
    learner = LearnedLexiconSignal()
    sigs = [*default_signals(learn=False), counting, *([learner] if learn else [])]
    # (the second look at doubtful stretches asks the signals about sentences: not counted here)
    run = Aligner(sigs, AlignConfig(refine=False)).run(src, tgt)
    assert counting.calls == 1  # one piece, one band: asked once, whatever the number of passes
    assert bool([s for s in run.pair_signals if s.name == "learned" and s.lexicon]) is learn
    assert learner.lexicon == {}  # what was learned is the run's, not the configured signal's


def test_short_texts_and_the_sentence_aligner_do_not_learn() -> None:
    assert not sentence_aligner().learners
    learner = LearnedLexiconSignal()
    run = Aligner([*default_signals(learn=False), learner]).run(["א ב ג."] * 5, ["a b c."] * 5)
    assert [s for s in run.pair_signals if s.name == "learned"] == [learner]  # too short: nothing learned


def test_explain_shows_the_learned_part_with_the_run_that_learned_it() -> None:
    src, tgt, _drop = _toy_book(drop=20)
    aligner = Aligner()
    run = aligner.run(src, tgt)
    link = next(lk for lk in run.links if lk.source == [5])
    assert aligner.explain(src, tgt, link, run=run)["learned"] < -1.0  # shared learned words: evidence for the link
    assert aligner.explain(src, tgt, link)["learned"] == 0.0  # the configured aligner has learned nothing


def test_progress_moves_while_the_lexicon_is_learned() -> None:
    src, tgt, _drop = _toy_book(drop=20)
    seen: list[float] = []
    during: list[int] = []

    class Watched(LearnedLexiconSignal):
        def learn(self, src, tgt, links, *, sentence_aligner, progress=None):  # noqa: ANN001, ANN202
            before = len(seen)
            out = super().learn(src, tgt, links, sentence_aligner=sentence_aligner, progress=progress)
            if links:
                during.append(len(seen) - before)
            return out

    Aligner([*default_signals(learn=False), Watched()]).align(src, tgt, progress=seen.append)
    assert seen == sorted(seen) and seen[-1] == 1.0
    assert during and during[0] >= 2  # the bar moves between the two passes, not only in them
