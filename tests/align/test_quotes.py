"""Quoted verses and their references: finding them, and what they do to an alignment."""

from __future__ import annotations

import gzip
from importlib import resources

import numpy as np
import pytest

from tests.bench.make_align_case import build_case, read_pairs
from tests.conftest import need_data
from workbench.align import Aligner
from workbench.align import signals as signals_mod
from workbench.align.quotes import VerseIndex, english_references, skeleton, verse_index
from workbench.align.signals import QuotationSignal, default_signals, prepare
from workbench.align.signals.base import Window
from workbench.hebrew import normalize_for_match

pytestmark = pytest.mark.no_database  # pure: runs on the SQLite pass only (tests/conftest.py)


def quoted(text: str) -> list[tuple[str, int, int]]:
    return verse_index().quoted(normalize_for_match(text))


def pair_sums(ev) -> dict[tuple[int, int], float]:  # noqa: ANN001
    out: dict[tuple[int, int], float] = {}
    for a, b, s in zip(ev.src.tolist(), ev.tgt.tolist(), ev.score.tolist(), strict=True):
        out[(a, b)] = out.get((a, b), 0.0) + s
    return out


def test_skeleton_forgets_full_spelling_construct_endings_and_the_names_forms() -> None:
    assert skeleton(normalize_for_match("אצבעותיך")) == skeleton(normalize_for_match("אֶצְבְּעֹתֶיךָ"))
    assert skeleton("מעשה") == skeleton("מעשי")
    assert skeleton("יהוה") == skeleton("ה'") == skeleton("יי")
    assert skeleton("אלקים") == skeleton("אלהים")
    assert skeleton("שמש") != skeleton("שמים")


def test_the_index_holds_every_verse_of_the_codex() -> None:
    data = resources.files("workbench.align").joinpath("data", "tanakh.tsv.gz").read_bytes()
    lines = gzip.decompress(data).decode("utf-8").splitlines()
    assert len(lines) == 23213 and lines[0] == "Gen\t1\t1\tבראשית ברא אלהים את השמים ואת הארץ"
    books = {ln.split("\t")[0] for ln in lines}
    assert len(books) == 39 and {"Ps", "1Chr", "2Chr", "Song"} <= books


def test_quotations_are_found_in_aramaic_and_rabbinic_hebrew() -> None:
    # the Zohar quotes in full spelling and changes a construct ending (Psalms 8:4 and 8:2)
    zohar = "ולברכא ליה, דכתיב כי אראה שמיך מעשה אצבעותיך וגו' ה' אדונינו מה אדיר שמך בכל הארץ."
    assert {("Ps", 8, 4), ("Ps", 8, 2)} <= set(quoted(zohar))
    # the Talmud quotes three words of a verse, or two
    assert ("Lev", 22, 7) in quoted("כדתניא ובא השמש וטהר ביאת שמשו מעכבתו מלאכול בתרומה")
    assert set(quoted("תנא אקרא קאי דכתיב בשכבך ובקומך והכי קתני")) == {("Deut", 6, 7), ("Deut", 11, 19)}
    # Mesillat Yesharim quotes a verse with its own prefix letters
    assert ("1Kgs", 18, 21) in quoted("ולא כפוסח על שתי הסעיפים או כעושה מצות אנשים מלומדה")
    # a formula in hundreds of verses is no quotation of any of them; plain prose holds none
    assert quoted("וידבר ה' אל משה לאמר") == []
    assert quoted("אמר רבי יוחנן משום רבי שמעון בן יוחי מאי דכתיב") == []
    assert quoted("") == [] and quoted("מסך") == []


def test_a_shingle_in_many_verses_is_no_evidence() -> None:
    rows = [("Gen", 1, v, "ויהי ערב ויהי בקר יום " + w) for v, w in enumerate("אחד שני שלישי רביעי חמישי ששי".split(), 1)]
    index = VerseIndex([*rows, ("Ps", 1, 1, "אשרי האיש אשר לא הלך בעצת רשעים")])
    assert index.quoted(normalize_for_match("ויהי ערב ויהי בקר")) == []
    assert index.quoted(normalize_for_match("כמו שנאמר אשרי האיש אשר לא הלך")) == [("Ps", 1, 1)]


@pytest.mark.parametrize(
    ("text", "refs"),
    [
        ("as it is written (Psalms 8:4).", [("Ps", 8, 4)]),
        ("“When I remember these” (Ps. 42:5) when", [("Ps", 42, 5)]),
        ("the Shema (Deuteronomy 6:4-6)", [("Deut", 6, 4), ("Deut", 6, 5), ("Deut", 6, 6)]),
        ("as David said (I Chronicles 28:9)", [("1Chr", 28, 9)]),
        ("“wavering between two sides” (Kings 18:21)", [("1Kgs", 18, 21), ("2Kgs", 18, 21)]),
        ("see Isaiah 6 and 2 Samuel 7:12", [("Isa", 6, None), ("2Sam", 7, 12)]),
        ("[Psalms 8:4-10]", [("Ps", 8, v) for v in range(4, 11)]),
        ("the Song of Songs 2:12 says", [("Song", 2, 12)]),
        ("Job 5 times a day; job 5:1; Amos", []),
        ("(Mishlei 2:4-5) and (Kohelet 7:14)", [("Prov", 2, 4), ("Prov", 2, 5), ("Eccl", 7, 14)]),
        ("(Shmuel II 7:12; Divrei HaYamim I 28:9)", [("2Sam", 7, 12), ("1Chr", 28, 9)]),
        ("(Zohar, Beresheet 1:23) and Midrash Rabbah, Shemot 2:5; but Bereshit 1:5", [("Gen", 1, 5)]),
        ("no reference at all", []),
    ],
)
def test_english_references(text: str, refs: list) -> None:
    assert english_references(text) == refs


def test_a_quotation_meets_its_reference_and_nothing_else() -> None:
    sig = QuotationSignal()
    src = prepare(["ואתא אליהו ואמר לי דכתיב כי אראה שמיך מעשה אצבעותיך וגו'", "אמר רבי שמעון מאי אלה"])
    tgt = prepare(["Elijah came and said: “When I behold Your heavens” (Psalms 8:4).",
                   "Rabbi Shimon said: what is ‘these’?"])  # fmt: skip
    pairs = pair_sums(sig.evidence(src, tgt, Window.full(2, 2)))
    assert set(pairs) == {(0, 0)} and pairs[(0, 0)] > 2.0
    # the other direction (English source) finds the same pair
    assert pair_sums(sig.evidence(tgt, src, Window.full(2, 2))) == pytest.approx(pairs)


def test_hebrew_is_not_searched_where_no_translation_nearby_gives_a_reference(monkeypatch) -> None:  # noqa: ANN001
    calls = []
    real = verse_index()

    class Spy:
        def quoted(self, text: str) -> list:
            calls.append(text)
            return real.quoted(text)

        def quoted_words(self, words: list[str]) -> list:
            calls.append(" ".join(words))
            return real.quoted_words(words)

    monkeypatch.setattr("workbench.align.signals.quotes.verse_index", lambda: Spy())
    sig = QuotationSignal()
    src = prepare(["דכתיב כי אראה שמיך מעשה אצבעותיך", "אמר רבי שמעון", "ובא השמש וטהר"])
    plain = prepare(["As it is written, when I behold Your heavens.", "Rabbi Shimon said.", "The sun sets."])
    assert not len(sig.evidence(src, plain, Window.full(3, 3)))
    assert calls == []  # no reference on the English side: the Hebrew is never read
    cited = prepare(["As it is written (Psalms 8:4).", "Rabbi Shimon said.", "The sun sets."])
    # the third Hebrew paragraph may pair only with the third English one, which cites nothing
    window = Window(lo=np.array([0, 0, 2]), hi=np.array([2, 2, 3]), center=np.array([0, 1, 2]))
    assert set(pair_sums(sig.evidence(src, cited, window))) == {(0, 0)}
    assert len(calls) == 2 and "וטהר" not in " ".join(calls)


def test_a_quoted_verse_keeps_a_paragraph_on_its_own_translation(monkeypatch) -> None:  # noqa: ANN001
    # Mesillat Yesharim, drop-heavy case 1 (the benchmark's): the translation of "שלמות הלב" was left
    # out, and without the verse its paragraph took the next one's translation. The next one quotes
    # 1 Kings 18:21 ("כפוסח על שתי הסעיפים"), and its translation gives the reference.
    monkeypatch.setenv("WORKBENCH_EMBED", "0")
    case = build_case(read_pairs(need_data("mesillat_yesharim", "pairs.jsonl")), 1,
                      merge=0.10, split=0.05, drop=0.08, insert=0.02)  # fmt: skip
    assert "(Kings 18:21)" in case["target"][31]

    def links(weight: float) -> set[tuple[tuple[int, ...], tuple[int, ...]]]:
        monkeypatch.setattr(signals_mod, "QUOTES_WEIGHT", weight)
        run = Aligner(default_signals()).run(case["source"], case["target"])
        return {(tuple(lk.source), tuple(lk.target)) for lk in run.links}

    on, off = links(1.0), links(0.0)
    assert ((37,), (31,)) in on and ((36,), ()) in on
    assert ((36,), (31,)) in off  # without the verse, the orphan takes the translation
    gold = {(tuple(a), tuple(b)) for a, b in case["gold"]}
    assert len(on & gold) > len(off & gold)
