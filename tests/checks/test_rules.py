"""The small rules behind the false-positive fixes: idioms, gloss word forms, headings, buckets."""

from __future__ import annotations

import pytest

from tests.checks.helpers import load_cases, termbase
from workbench.checks import TermIndex
from workbench.checks.analysis import is_heading
from workbench.checks.context import derived_forms
from workbench.checks.homographs import ordinary_use

pytestmark = pytest.mark.no_database  # pure: runs on the SQLite pass only (tests/conftest.py)

INDEX = TermIndex(termbase(load_cases()))


def _source_hit(text: str, form: str):  # noqa: ANN202
    (hit,) = [h for h in INDEX.matcher.find_source(text) if h.form == form]
    return hit


@pytest.mark.parametrize(
    ("text", "form", "idiom"),
    [
        ("להשפיע נחת רוח ליוצרו", "רוח", True),
        ("בשביל הנחת רוח והשעשועים", "רוח", True),
        ("אור הרוח דעשיה", "רוח", False),
        ("ויש לדעת שכל אלו", "דעת", True),
        ("ותוכל להשכיל ולדעת את", "דעת", True),
        ("להעלות על הדעת כזה", "דעת", True),
        ("חכמה בינה ודעת", "דעת", False),
        ("ספירת הדעת", "דעת", False),
        ("עד שיתכן להבינה רק", "בינה", True),
        ("לב ריקן בלי בינה", "בינה", True),
        ("ספירת הבינה", "בינה", False),
        ("אינו צריך לכלי מעשה", "כלי", True),
        ("כלי החיצונים", "כלי", False),
        ("בעלי החורבן מרימים ראש", "ראש", True),
        ("בראש ובראשונה", "ראש", True),
        ("המסך עולה לראש", "ראש", False),
        ("נַחַת רוּחַ ליוצרו", "רוח", True),
    ],
)
def test_idioms(text: str, form: str, idiom: bool) -> None:
    assert ordinary_use(text, _source_hit(text, form)) is idiom


def test_derived_gloss_forms() -> None:
    assert derived_forms("creation") == ["create", "created", "creating"]
    assert derived_forms("holiness") == ["holy"]
    assert {"know", "known"} <= set(derived_forms("knowledge"))
    assert {"correct", "corrected"} <= set(derived_forms("correction"))
    assert derived_forms("commandments") == ["commandment"]
    assert "understand" in derived_forms("understanding")
    # Short words, phrases and words without a derivational ending get nothing.
    assert derived_forms("action") == derived_forms("screen") == derived_forms("spiritual coupling") == []


@pytest.mark.parametrize(
    ("text", "heading"),
    [
        ("81. Concerning Raising Man", True),
        ("Yehuda Leib HaLevi Ashlag (Baal HaSulam)", True),
        ("Introduction to the Book of Zohar", True),
        ("The Masach rises.", False),
        ("the Masach <b>x</b>", False),
        ("the Upper Light (Tikun) of it", False),
        ("Then the Masach of the Guf ascends along with the Reshimot to Peh de Rosh", False),
        ("", False),
    ],
)
def test_headings(text: str, heading: bool) -> None:
    assert is_heading(text) is heading


def test_acronym_gloss_terms() -> None:
    hbd = next(t for t in INDEX.terms.values() if t.preferred == "HBD")
    names = {INDEX.terms[i].preferred for i in INDEX.gloss_terms[hbd.id]}
    assert names == {"Hochma", "Bina", "Daat"}
    # A gloss that is not made of terms is not an acronym expansion.
    masach = next(t for t in INDEX.terms.values() if t.preferred == "Masach")
    assert masach.id not in INDEX.gloss_terms
