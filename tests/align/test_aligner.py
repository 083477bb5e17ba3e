"""Orchestration: whole-text alignment, fixed links, confirmed links in a stored document."""

import random

import numpy as np
import pytest

from workbench.align import AlignConfig, Aligner, align_paragraphs, explain_link, realign_document
from workbench.errors import WorkbenchError
from workbench.model import Document, Link, Paragraph, Text

HE = [
    "א) רצוני בהקדמה זו לברר דברים פשוטים שידי הכל ממשמשות בהם, והרבה דיו נשפכה בכדי לבררם.",
    "ב) והנה המסך דגוף עולה לפה דראש עם הרשימות, ושם נעשה זווג דהכאה חדש על כל הקומה.",
    "ג) ובזה תבין מה שאמרו ז\"ל שתרי\"ג מצוות הן תרי\"ג עיטין, כמ\"ש בזוהר (איוב ה, א).",
    "ד) ונבאר עתה ענין ההתכללות של הספירות זו בזו, שהיא סוד העביות של הפרצופים.",
    "ה) ואחר כך יצאו עולמות אצילות בריאה יצירה ועשיה, זה למטה מזה.",
    "ו) ודע שכל זה הוא רק בבחינת הרצון לקבל, שהוא כל חומר הבריאה.",
]
EN = [
    "1. In this introduction I wish to clarify simple matters that everyone handles, on which much ink has been spilled.",
    "2. The Masach of the Guf rises to the Peh of the Rosh with the Reshimot, and a new Zivug de Hakaa is made there on the whole level.",
    "3. By this you will understand what our sages said, that the 613 Mitzvot are 613 counsels, as written in the Zohar (Job 5:1).",
    "4. Now let us explain the Hitkalelut of the Sefirot in one another, which is the secret of the Aviut of the Partzufim.",
    "5. Afterwards the worlds of Atzilut, Beriah, Yetzirah and Assiya emerged, one below the other.",
    "6. Know that all this is only in the desire to receive, which is the whole substance of creation.",
]


def pairs(links) -> list[tuple[list[int], list[int]]]:  # noqa: ANN001
    return [(lk.source, lk.target) for lk in links]


def covers_in_order(links, n: int, m: int) -> bool:  # noqa: ANN001
    s = [i for lk in links for i in lk.source]
    t = [j for lk in links for j in lk.target]
    return s == list(range(n)) and t == list(range(m)) and all(lk.source or lk.target for lk in links)


def test_one_to_one_with_labels() -> None:
    links = align_paragraphs(HE, EN)
    assert pairs(links) == [([i], [i]) for i in range(6)]
    assert all(0.0 <= lk.score <= 1.0 for lk in links)
    assert min(lk.score for lk in links) > 0.5


def test_merge_split_drop_and_insert() -> None:
    tgt = [
        EN[0],
        EN[1][:60] + "...",  # a split of EN[1]
        "..." + EN[1][60:],
        EN[2] + " " + EN[3],  # a merge
        "[Translator's note: the Hebrew terms are kept in transliteration.]",
        EN[5],  # EN[4] dropped
    ]
    src = [h[3:] for h in HE]  # no labels: content and length only
    links = align_paragraphs(src, tgt)
    got = pairs(links)
    assert covers_in_order(links, 6, 6)
    assert ([1], [1, 2]) in got and ([2, 3], [3]) in got and ([5], [5]) in got


def test_fixed_links_are_kept_and_the_rest_is_solved_around_them() -> None:
    fixed = [([1], [1, 2]), ([4], [])]
    links = align_paragraphs(HE, EN, fixed=fixed)
    got = pairs(links)
    assert ([1], [1, 2]) in got and ([4], []) in got
    assert covers_in_order(links, 6, 6)
    assert [lk.score for lk in links if (lk.source, lk.target) in fixed] == [1.0, 1.0]


def test_bad_fixed_links_are_refused() -> None:
    with pytest.raises(WorkbenchError):
        align_paragraphs(HE, EN, fixed=[([1], [3]), ([2], [1])])
    with pytest.raises(WorkbenchError):
        align_paragraphs(HE, EN, fixed=[([1, 3], [1])])
    with pytest.raises(WorkbenchError):
        align_paragraphs(HE, EN, fixed=[([9], [1])])


@pytest.mark.parametrize("seed", range(25))
def test_every_paragraph_once_and_in_order(seed: int) -> None:
    rng = random.Random(seed)
    n, m = rng.randint(0, 40), rng.randint(0, 40)
    src = ["א" * rng.randint(1, 400) + (f" {rng.randint(1, 50)}" if rng.random() < 0.3 else "") for _ in range(n)]
    tgt = ["a" * rng.randint(1, 700) + (f" {rng.randint(1, 50)}" if rng.random() < 0.3 else "") for _ in range(m)]
    fixed = []
    if n and m and rng.random() < 0.5:
        a, b = rng.randrange(n), rng.randrange(m)
        fixed.append(([a], [b]))
    for decode in ("expected", "viterbi"):
        links = align_paragraphs(src, tgt, fixed=fixed, config=AlignConfig(decode=decode))
        assert covers_in_order(links, n, m)
        assert all(fx in pairs(links) for fx in fixed)
        assert all(0.0 <= lk.score <= 1.0 for lk in links)


def test_decoding_is_expected_accuracy_or_viterbi_and_nothing_else() -> None:
    assert AlignConfig().decode == "expected"
    with pytest.raises(ValueError, match="decode"):
        AlignConfig(decode="greedy")


def test_a_large_input_is_banded_and_still_complete() -> None:
    rng = random.Random(7)
    src = [("א" * rng.randint(50, 500)) for _ in range(900)]
    tgt = []
    for s in src:
        if rng.random() < 0.03:
            continue
        tgt.append("a" * int(len(s) * 1.6 * rng.uniform(0.8, 1.25)))
    links = align_paragraphs(src, tgt, config=AlignConfig(full_cells=10_000))
    assert covers_in_order(links, len(src), len(tgt))
    assert sum(lk.kind == "1-1" for lk in links) > 800


def test_progress_is_reported_up_to_one() -> None:
    seen: list[float] = []
    align_paragraphs(HE * 5, EN * 5, progress=seen.append)
    assert seen and seen[-1] == 1.0 and all(0.0 <= x <= 1.0 for x in seen)
    assert seen == sorted(seen)


def test_explain_names_every_signal() -> None:
    links = align_paragraphs(HE, EN)
    parts = explain_link(HE, EN, links[1])
    assert {"prior", "length", "labels", "numbers", "lexicon"} <= set(parts)
    assert parts["lexicon"] < 0 and parts["labels"] < 0


def _doc() -> Document:
    return Document(
        title="t",
        source=Text("he", [Paragraph(t) for t in HE]),
        target=Text("en", [Paragraph(t) for t in EN]),
    )


def test_realign_document_keeps_confirmed_links() -> None:
    doc = _doc()
    s, t = doc.source.paragraphs, doc.target.paragraphs
    confirmed = Link([s[1].id], [t[1].id, t[2].id], score=0.3, status="confirmed")
    stale = Link([s[0].id], [t[0].id], score=0.2, status="auto")
    new = realign_document(doc, [stale, confirmed])
    assert confirmed in new and new[new.index(confirmed)] is confirmed
    assert new[0].id == stale.id and new[0].score != 0.2  # same link, new score
    src_ids = [x for lk in new for x in lk.source]
    tgt_ids = [x for lk in new for x in lk.target]
    assert src_ids == [p.id for p in s] and tgt_ids == [p.id for p in t]
    assert all(lk.status == "auto" for lk in new if lk is not confirmed)


# Paragraphs of several sentences: a Hebrew sentence the English splits in two (1-2), and two Hebrew
# sentences the English joins into one (2-1).
HE_SENTENCES = [
    "המסך עולה לראש הפרצוף עם הרשימות שנשארו בו. ושם נעשה זיווג דהכאה חדש על כל הקומה, ויוצא אור חוזר "
    "גדול מלמטה למעלה. ואחר כך האור העליון מתפשט מן הפה ולמטה אל תוך הגוף.",
    "ודע שכל זה הוא רק בבחינת הרצון לקבל. והוא כל חומר הבריאה מתחילתה ועד סופה.",
]
EN_SENTENCES = [
    "The Masach rises to the Rosh of the Partzuf with the Reshimot that remained in it. There a new Zivug "
    "de Hakaa is made on the whole level. And a great Ohr Hozer comes out from below upward. Afterwards the "
    "Upper Light spreads from the Peh downward into the Guf.",
    "Know that all this is only in the desire to receive, and it is the whole substance of creation from its "
    "beginning to its end.",
]
SENTENCE_LINKS = [
    [([0], [0]), ([1], [1, 2]), ([2], [3])],
    [([0, 1], [0])],
]


def test_realign_document_with_sentences() -> None:
    doc = Document("t", Text("he", [Paragraph(t) for t in HE_SENTENCES]), Text("en", [Paragraph(t) for t in EN_SENTENCES]))
    new = realign_document(doc, [], sentences=True)
    assert pairs(new) == [([p.id], [q.id]) for p, q in zip(doc.source.paragraphs, doc.target.paragraphs, strict=True)]
    got = [[(s["source"], s["target"]) for s in lk.sentences] for lk in new]
    assert got == SENTENCE_LINKS
    assert all(0.5 < s["score"] <= 1.0 for lk in new for s in lk.sentences)


def test_realigned_links_are_accepted_by_the_store(store) -> None:  # noqa: ANN001
    doc_id = store.create_document(_doc(), "test")
    doc = store.get_document(doc_id)
    first = realign_document(doc, [])
    rev = store.save_links(doc_id, first, doc.alignment_rev, "test")
    links = store.get_links(doc_id)
    links[2].status = "confirmed"
    rev = store.save_links(doc_id, links, rev, "test")
    doc = store.get_document(doc_id)
    again = realign_document(doc, store.get_links(doc_id))
    store.save_links(doc_id, again, rev, "test")
    kept = store.get_links(doc_id)
    assert [lk.id for lk in kept] == [lk.id for lk in links]  # nothing changed, ids kept
    assert kept[2].status == "confirmed"


def _demo_texts(k: int = 80) -> tuple[list[str], list[str]]:
    from pathlib import Path

    from workbench.io.readers import read_paragraphs

    corpus = Path(__file__).resolve().parents[2] / "corpus" / "intro_zohar"
    he = [p.text for p in read_paragraphs(corpus / "he.json").paragraphs][:k]
    en = [p.text for p in read_paragraphs(corpus / "en.json").paragraphs][:k]
    return he, en


def test_evidence_filtered_to_a_narrower_window_is_the_evidence_computed_there() -> None:
    """The second pass reuses the first pass's evidence, filtered to its narrower band: that is only
    right if a pair's evidence does not depend on the window it was computed in."""
    from workbench.align.signals import default_signals, prepare
    from workbench.align.signals.base import FeatureSignal, Window

    he, en = _demo_texts()
    su, tu = prepare(he), prepare(en)
    n, m = len(su), len(tu)
    center = np.minimum(np.arange(n) * m // n, m - 1)
    wide = Window(np.maximum(center - 20, 0), np.minimum(center + 21, m), center)
    narrow = Window(np.maximum(center - 3, 0), np.minimum(center + 4, m), center)
    checked = 0
    for sig in default_signals(embed=False):
        if not isinstance(sig, FeatureSignal):
            continue
        direct = sig.evidence(su, tu, narrow)
        whole = sig.evidence(su, tu, wide)
        filtered = whole.within(narrow)
        assert len(whole) >= len(direct)
        key = lambda ev: sorted(zip(ev.src.tolist(), ev.tgt.tolist(), ev.score.round(12).tolist(),  # noqa: E731
                                    ev.flags()[0].tolist(), ev.flags()[1].tolist(), strict=True))
        assert key(direct) == key(filtered), sig.name
        checked += len(direct) > 0
    assert checked >= 2  # numbers and the lexicon at least have evidence here


def test_second_pass_around_the_first_path_finds_the_unguided_links() -> None:
    """``guide_half`` narrows the second pass to a band around the first pass's path; given a band
    wide enough to hold the whole grid it must not change the links or their scores."""
    from dataclasses import replace

    he, en = _demo_texts(120)
    en = en[:40] + en[41:]  # one translation paragraph missing: the path leaves the diagonal
    cfg = AlignConfig(full_cells=1_000)  # banded search even for this short text
    narrow = Aligner(None, cfg).align(he, en)
    whole = Aligner(None, replace(cfg, guide_half=10_000)).align(he, en)
    assert [(lk.source, lk.target) for lk in narrow] == [(lk.source, lk.target) for lk in whole]
    assert [lk.score for lk in narrow] == pytest.approx([lk.score for lk in whole], abs=1e-5)  # sums over other ranges
