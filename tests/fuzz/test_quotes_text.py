"""Any text, Hebrew or English: the quotation search and the reference reader return verses of the
codex and references with sane numbers, and never raise."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from workbench.align.quotes import english_references, verse_index
from workbench.align.signals import QuotationSignal, prepare
from workbench.align.signals.base import Window
from workbench.hebrew import normalize_for_match

pytestmark = pytest.mark.no_database

HEBREW = list("אבגדהוזחטיכלמנסעפצקרשתךםןףץ\u05b0\u05b4\u05bc\u05f3\u05f4'\" ,.:()") + ["יהוה", "ה'", "יי ", "כי אראה שמיך "]
ENGLISH = list("PsalmIKngsChroicle 0123456789:.,-–()[]") + ["Psalms ", "Ps. ", "I ", "II ", "Song of Songs ", "Job ", "8:4-10"]


@given(st.lists(st.sampled_from(HEBREW), max_size=60).map("".join))
def test_any_hebrew_text_gives_verses_of_the_codex(text: str) -> None:
    index = verse_index()
    found = index.quoted(normalize_for_match(text))
    assert set(found) <= set(index.refs)
    assert found == index.quoted(normalize_for_match(text))  # the same text, the same verses


@given(st.lists(st.sampled_from(ENGLISH), max_size=40).map("".join))
def test_any_english_text_gives_sane_references(text: str) -> None:
    for book, chapter, verse in english_references(text):
        assert book and 0 <= chapter < 1000 and (verse is None or 0 <= verse < 1000)
    refs = english_references(text)
    assert len(refs) <= 21 * len(text)  # a range is at most 21 verses


@given(st.lists(st.sampled_from(HEBREW), min_size=1, max_size=30).map("".join),
       st.lists(st.sampled_from(ENGLISH), min_size=1, max_size=30).map("".join))  # fmt: skip
def test_the_signal_takes_any_pair(he: str, en: str) -> None:
    src, tgt = prepare([he, he]), prepare([en, en])
    ev = QuotationSignal().evidence(src, tgt, Window.full(2, 2))
    assert ((ev.score >= 0) & (ev.score <= QuotationSignal.cap)).all()
