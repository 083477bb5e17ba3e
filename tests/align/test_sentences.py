import pytest

from workbench.align import align_sentences
from workbench.segment import split_sentences

pytestmark = pytest.mark.no_database  # pure: runs on the SQLite pass only (tests/conftest.py)


def _texts(text: str, lang: str | None) -> list[str]:
    return [text[a:b] for a, b in split_sentences(text, lang)]


def test_hebrew_gershayim_and_geresh_are_not_boundaries() -> None:
    text = 'אמר הקב"ה לעולמות בי"ע שיתקנו. ובחינה ד\' היא המלכות. ע"ב הוא שם.'
    sents = _texts(text, "he")
    assert len(sents) == 3
    assert sents[0].startswith('אמר הקב"ה') and sents[0].endswith("שיתקנו.")
    assert "ד' היא" in sents[1]


def test_hebrew_label_is_not_a_sentence() -> None:
    assert len(_texts("א. רצוני בהקדמה זו לברר. ועוד דבר.", "he")) == 2


def test_english_abbreviations_do_not_split() -> None:
    text = "Dr. Smith explains the Masach, e.g. in the Zohar (see vol. 2, par. 14). Then he stops. Item 3. It ends."
    sents = _texts(text, "en")
    assert sents[0] == "Dr. Smith explains the Masach, e.g. in the Zohar (see vol. 2, par. 14)."
    assert sents[1] == "Then he stops."
    assert sents[2] == "Item 3. It ends."


def test_language_guessed_from_script() -> None:
    assert len(_texts('הקב"ה ברא. ועוד.', None)) == 2
    assert len(_texts("One. Two.", None)) == 2


def test_spans_point_into_the_text() -> None:
    text = "  First sentence here.   Second one!  "
    spans = split_sentences(text, "en")
    assert [text[a:b] for a, b in spans] == ["First sentence here.", "Second one!"]


def test_align_sentences_one_to_two() -> None:
    he = 'המסך דגוף עולה לפה דראש עם הרשימות וכאן נעשה זווג דהכאה חדש על כל הקומה. ובזה נגמר הענין.'
    en = (
        "The Masach of the Guf rises to the Peh of the Rosh with the Reshimot. "
        "There a new Zivug de Hakaa is made on the whole level. "
        "With this the matter ends."
    )
    res = align_sentences(he, en, "he", "en")
    assert len(res.source_spans) == 2 and len(res.target_spans) == 3
    assert [(lk.source, lk.target) for lk in res.links] == [([0], [0, 1]), ([1], [2])]
    assert all(0.0 <= lk.score <= 1.0 for lk in res.links)
