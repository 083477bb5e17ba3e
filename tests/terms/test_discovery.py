"""Discovery: candidates, glosses, Hebrew pairing, measured precision/recall on the gold lists."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import REPO, need_data
from tests.terms.gold import TRANSLIT_KINDS, evaluate, load_gold, load_not_terms
from workbench.model import Document, Link, Mark, Paragraph, Text
from workbench.terms import Term
from workbench.terms.anchors import make_anchor, reanchor
from workbench.terms.discovery import (
    discover,
    discover_document,
    pair_with_hebrew,
    plain_paragraphs,
    proposal_key,
)
from workbench.terms.english import is_english, zipf
from workbench.terms.normalize import en_form_key

pytestmark = pytest.mark.no_database  # pure: runs on the SQLite pass only (tests/conftest.py)

SEED = REPO / "corpus" / "shamati" / "shamati-081-concerning-raising-man.en.txt"


def by_rendering(props):  # noqa: ANN001, ANN201
    return {p.rendering: p for p in props}


def test_english_table_is_real() -> None:
    assert is_english("light") and is_english("Purification") and is_english("well-known")
    assert not is_english("Masach") and not is_english("Zivug") and not is_english("Partzufim")
    assert zipf("the") > 7 and zipf("zivug") is None


def test_seed_alone_yields_glossed_terms_with_glosses() -> None:
    props = by_rendering(discover(plain_paragraphs(SEED.read_text(encoding="utf-8"))))
    expected = {
        "Zivug": "spiritual coupling",
        "Hitkalelut": "mixture/integration",
        "Hizdakchut": "purification",
        "Aviut": "will to receive",
        "Bitush": "beating",
    }
    for rendering, gloss in expected.items():
        assert props[rendering].gloss == gloss
        assert props[rendering].source is None and "gloss" in props[rendering].evidence["from"]
    assert props["Peh de Rosh"].occurrences == 2 and "construct" in props["Peh de Rosh"].evidence["from"]
    assert props["Masach de Guf"].kind == "transliteration"
    assert props["BYA"].kind == "acronym"
    assert props["Masach"].occurrences >= 8
    assert props["Light"].kind == "translation"
    assert "Raising Man" not in props  # a title-cased heading is not evidence
    assert "Then" not in props and "Hence" not in props  # sentence-initial English


def test_seed_precision_recall_against_a_hand_made_list() -> None:
    """``gold_seed.csv`` was made by reading the article, not from the output: the terms an editor
    of Kabbalah translations would enter (transliterations with their glosses, the two names, the
    capitalised translations Light, Upper Light, Upper One, Above), and rows of kind ``not`` that must
    never be proposed (heading and sentence-start words, pieces of a term, runs across a sentence end).
    The article has no Hebrew side, so the Hebrew column is not scored here.

    Measured: 24 proposals, all in the list (precision 1.0); 24 of 25 entries found (recall 0.96).
    The miss: "Torah" (in "Torah and Mitzvot"), which the English word table lists as English, so
    neither the foreign pass nor the capitalised pass (it is capitalised everywhere) proposes it.
    """
    props = discover(plain_paragraphs(SEED.read_text(encoding="utf-8")))
    gold = load_gold("gold_seed.csv")
    m = evaluate(props, gold)
    assert m["precision"] >= 0.95 and m["recall"] >= 0.95, m
    assert m["gloss_accuracy"] == 1.0, m
    proposed = {en_form_key(f, fold=True) for p in props for f in [p.rendering, *p.variants]}
    missed = sorted(g.english for g in gold if not g.keys & proposed)
    assert missed == ["Torah"], missed  # the known miss above; anything else is a regression
    forbidden = load_not_terms("gold_seed.csv")
    assert len(forbidden) >= 25
    assert sorted(p.rendering for p in props if en_form_key(p.rendering, fold=True) in forbidden) == []
    # Every proposal is one of the hand-made entries (none outside both lists).
    gold_keys = set().union(*(g.keys for g in gold))
    assert [p.rendering for p in props if not {en_form_key(f, fold=True) for f in [p.rendering, *p.variants]} & gold_keys] == []


def test_names_of_months_and_days_are_not_terms() -> None:
    text = (
        "He wrote it in March, and again in March the Masach rose; on a Monday in April and on a "
        "Monday in May the Light came, and in May the Light left."
    )
    props = by_rendering(discover([Paragraph(text)]))
    assert not {"March", "Monday", "April", "May"} & set(props), sorted(props)
    assert props["Light"].kind == "translation" and "Masach" in props


def test_words_that_only_start_sentences_are_not_terms() -> None:
    text = "Therefore the Masach rose. Therefore the Light came. Afterwards the Light left. Afterwards it rose."
    props = by_rendering(discover([Paragraph(text)]))
    assert sorted(props) == ["Light", "Masach"]


def test_italic_runs_and_parenthetical_gloss() -> None:
    text = "He spoke of the tzimtzum aleph (first restriction) and of the light."
    a = text.index("tzimtzum")
    para = Paragraph(text, [Mark(a, a + len("tzimtzum aleph"), "italic")])
    (p,) = [p for p in discover([para]) if p.rendering == "tzimtzum aleph"]
    assert p.gloss == "first restriction" and {"italic", "gloss"} <= set(p.evidence["from"])
    # Without the italics, lower-case foreign words need the Hebrew to confirm them.
    assert [p.rendering for p in discover([Paragraph(text)])] == []


def test_pairing_with_hebrew_prefixes_construct_and_acronyms() -> None:
    assert pair_with_hebrew("Masach", "והמסך עלה")[0] == "מסך"
    assert pair_with_hebrew("Peh de Rosh", "עד לפה דראש שלו")[0] == "פה דראש"
    assert pair_with_hebrew("BYA", "נפלו לבי״ע")[0] == "בי״ע"
    assert pair_with_hebrew("Hitkalelut", "ע\"י התכללות הניצוצין")[0] == "התכללות"
    assert pair_with_hebrew("Zivug", "אין כאן כלום") is None


def test_document_pairing_through_links_and_variants() -> None:
    he = ["והמסך עולה לראש", "זיווג על המסך", "המסך נזדכך", "אמר כי כן"]
    en = ["The Masach rises to Rosh.", "A Zivug (coupling) on the Masakh.", "The Masach was purified.", "He said so."]
    src = [Paragraph(t) for t in he]
    tgt = [Paragraph(t) for t in en]
    doc = Document("d", Text("he", src), Text("en", tgt))
    links = [Link([s.id], [t.id]) for s, t in zip(src, tgt, strict=True)]
    props = by_rendering(discover_document(doc, links))
    assert props["Masach"].source == "מסך" and props["Masach"].variants == ["Masakh"]
    assert props["Masach"].evidence["aligned"] == 3
    assert props["Zivug"].source == "זיווג" and props["Zivug"].gloss == "coupling"
    assert props["Rosh"].source == "ראש"
    # Without links but with equal paragraph counts the sides pair one to one.
    assert by_rendering(discover_document(doc))["Zivug"].source == "זיווג"


def test_known_terms_and_rejections_are_not_proposed_again() -> None:
    paras = [Paragraph("The Masach and the Zivug (coupling) and the Masach.")]
    props = discover(paras, terms=[Term("מסך", "Masach", id=3)], rejected={proposal_key("Zivug", None)})
    assert props == []
    known = discover(paras, terms=[Term("מסך", "Masach", id=3)], include_known=True)
    assert [(p.rendering, p.term_id, p.occurrences) for p in known if p.term_id] == [("Masach", 3, 2)]


def test_anchor_functions() -> None:
    text = "the Masach and the Masach again"
    anc = make_anchor(text, 19, 25)
    assert anc.surface == "Masach" and anc.before == "the Masach and the "
    moved = reanchor("Now: " + text, anc.start, anc.end, anc.surface, anc.before, anc.after)
    assert (moved.start, moved.state) == (24, "moved")
    assert reanchor(text, 19, 25, "Masach", anc.before, anc.after).state == "ok"
    assert reanchor("gone", 19, 25, "Masach", anc.before, anc.after).state == "lost"
    with pytest.raises(ValueError):
        make_anchor(text, 5, 500)


@pytest.fixture(scope="module")
def dev_pairs() -> list[dict]:
    path = need_data("intro_zohar", "pairs.jsonl")
    return [json.loads(line) for line in Path(path).read_text(encoding="utf-8").splitlines()]


def test_dev_data_precision_recall_and_hebrew(dev_pairs: list[dict]) -> None:
    props = discover([Paragraph(p["en"]) for p in dev_pairs], [[p["he"]] for p in dev_pairs])
    gold = load_gold("gold_intro_zohar.csv")
    m = evaluate(props, gold, TRANSLIT_KINDS)
    assert m["precision"] >= 0.8 and m["recall"] >= 0.9, m
    assert m["hebrew_accuracy"] >= 0.85 and m["hebrew_coverage"] >= 0.6, m
    allm = evaluate(props, gold)
    assert allm["precision"] >= 0.6, allm
    props_by = by_rendering(props)
    # Baruch Cohen's spellings, paired with the right Hebrew.
    for en, he in [("Mitzvot", "מצוות"), ("Nefesh", "נפש"), ("Chaya", "חיה"), ("Sefirot", "ספירות"), ("NRNCY", 'נרנח"י')]:
        assert props_by[en].source == he, en
    assert set(props_by["Chochmah"].variants) >= {"Chochma"}
