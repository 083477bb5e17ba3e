import pytest

from workbench.align.skeleton import best_skeleton_match, hebrew_keys, latin_keys, skeleton_match

pytestmark = pytest.mark.no_database  # pure: runs on the SQLite pass only (tests/conftest.py)

POSITIVE = [
    ("Masach", "מסך"), ("Zivug", "זווג"), ("Hitkalelut", "התכללות"), ("Aviut", "עביות"),
    ("Reshimot", "רשימות"), ("Partzufim", "פרצופים"), ("Atzilut", "אצילות"), ("Bitush", "ביטוש"),
    ("Hizdakchut", "הזדככות"), ("Chochmah", "חכמה"), ("Ḥokhma", "חכמה"), ("Kabbalah", "קבלה"),
    ("Sefirot", "ספירות"), ("Mitzvot", "מצוות"), ("Zohar", "זוהר"), ("Malchut", "מלכות"),
    ("Tikkun", "תיקון"), ("Ta'anit", "תענית"),
]  # fmt: skip


@pytest.mark.parametrize(("latin", "hebrew"), POSITIVE)
def test_transliterations_match(latin: str, hebrew: str) -> None:
    assert skeleton_match(latin, hebrew) >= 0.9
    assert latin_keys(latin) & hebrew_keys(hebrew), "blocking keys must meet when the words match"


@pytest.mark.parametrize(
    ("latin", "hebrew"),
    [("Masach", "מלך"), ("Zivug", "זהב"), ("Partzuf", "פרק"), ("Atzilut", "אצבע"), ("Malchut", "מלאכה"),
     ("Keter", "כתב"), ("Binah", "בית"), ("desire", "רצון")],
)
def test_different_words_do_not_match(latin: str, hebrew: str) -> None:
    assert skeleton_match(latin, hebrew) == 0.0
    assert best_skeleton_match(latin, hebrew) == 0.0


def test_prefixes_and_plural_through_best_match() -> None:
    assert skeleton_match("Masach", "והמסך") < 1.0  # the prefix letters stay unexplained
    assert best_skeleton_match("Masach", "והמסך") == 1.0
    assert best_skeleton_match("Masach", "שבמסך") == 1.0
    assert best_skeleton_match("Partzuf", "פרצופים") == pytest.approx(0.9)
    assert "MSK" in hebrew_keys("והמסך")


def test_points_and_final_letters_do_not_matter() -> None:
    assert skeleton_match("Masach", "מָסָךְ") == 1.0
    assert skeleton_match("Masach", "מסכ") == 1.0


def test_a_skipped_weak_letter_costs_a_little() -> None:
    full = skeleton_match("Yisrael", "ישראל")
    short = skeleton_match("Israel", "ישראל")
    assert full == 1.0 and 0.5 < short <= 1.0
