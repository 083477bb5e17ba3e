"""The checks' fast paths give what the plain versions they replace gave.

Regular expressions that begin with the character they are about (so the engine skips to it), a
prefix-sum sentence aligner, and duplicate-passage's shortcuts before ``SequenceMatcher``: each is
held here to the plain form it replaced, on tricky strings and the demo corpus's translation.
"""

from __future__ import annotations

import json
import math
import random
import re
from difflib import SequenceMatcher
from pathlib import Path

import pytest

from workbench.checks import fidelity, numbers, rows
from workbench.checks.terms import _BEADS, align_sentences_by_length

pytestmark = pytest.mark.no_database  # pure: runs on the SQLite pass only (tests/conftest.py)

REPO = Path(__file__).resolve().parents[2]

TRICKY = [
    'a(s) b(c) "(the) x)"The y)“A ”(z 3.The 12.Ab 1234.Ab .5.Ab 5.ab (5.Ab a5.Ab',
    "1.The", '"(', " ”(", "(“(", "x9.Ab ٣.Ab", "word[gloss] [gloss]word soul(s) (s)he [T]he",
    "and one hundred", "Forty-eight and", "ſix hundred", "KELVIN one", "ninety-nine", "one’s",
    "x one_two", "two2 three", "Six  -  hundred -x", "sEvEn-ty", "six hundred and thirteen", "",
]  # fmt: skip

PLAIN = {
    "_OPEN_GLUED": (re.compile(r"[^\W\d_][\[(](?!s\))"), -1),
    "_QUOTE_PAREN": (re.compile(r"(?<=[^\s\"“(\[])[\"”]\(|\)[\"“](?=[^\W\d_])"), 0),
    "_NUMBER_JOIN": (re.compile(r"(?<![\d.])\d{1,3}\.(?=[A-Z][a-z])"), 0),
}


def _texts() -> list[str]:
    en = json.loads((REPO / "corpus" / "intro_zohar" / "en.json").read_text(encoding="utf-8"))["text"]
    flat = [
        s
        for chapter in en
        for s in (chapter if isinstance(chapter, list) else [chapter])
        if isinstance(s, str)
    ]
    return TRICKY + flat


@pytest.mark.parametrize("name", sorted(PLAIN))
def test_bracket_patterns_match_the_plain_ones(name: str) -> None:
    plain, shift = PLAIN[name]
    fast = getattr(fidelity, name)
    for text in _texts():
        assert [(m.start() + shift, m.end()) for m in fast.finditer(text)] == [
            m.span() for m in plain.finditer(text)
        ]


def test_number_words_match_the_plain_pattern() -> None:
    plain = re.compile(numbers._NUMBER_WORDS.pattern.replace("(?=[zotfsenha])", "", 1), re.I)
    assert plain.pattern != numbers._NUMBER_WORDS.pattern
    for text in _texts():
        assert [m.span() for m in numbers._NUMBER_WORDS.finditer(text)] == [
            m.span() for m in plain.finditer(text)
        ]


def test_sentence_key_is_the_word_by_word_key() -> None:
    for text in [*_texts(), "ΣΑΣ Straße ﬁne İstanbul ǅ x1_y ς σ"]:
        assert rows.sentence_key(text) == " ".join(w.casefold() for w in rows._LETTERS.findall(text))


def _plain_align(src: list[int], tgt: list[int]) -> list[tuple[list[int], list[int]]]:
    n, m = len(src), len(tgt)
    if n <= 1 or m <= 1:
        return [(list(range(n)), list(range(m)))] if n or m else []
    ratio = (sum(tgt) + 1) / (sum(src) + 1)
    inf = float("inf")
    cost = [[inf] * (m + 1) for _ in range(n + 1)]
    back: list[list[tuple[int, int] | None]] = [[None] * (m + 1) for _ in range(n + 1)]
    cost[0][0] = 0.0
    for i in range(n + 1):
        for j in range(m + 1):
            if cost[i][j] == inf:
                continue
            for di, dj, pen in _BEADS:
                a, b = i + di, j + dj
                if a > n or b > m:
                    continue
                ls, lt = sum(src[i:a]), sum(tgt[j:b])
                c = cost[i][j] + pen + (abs(math.log((lt + 5) / ((ls + 5) * ratio))) if di and dj else 0.0)
                if c < cost[a][b]:
                    cost[a][b], back[a][b] = c, (i, j)
    out = []
    a, b = n, m
    while (a, b) != (0, 0):
        prev = back[a][b]
        assert prev is not None
        i, j = prev
        out.append((list(range(i, a)), list(range(j, b))))
        a, b = i, j
    return out[::-1]


def test_sentence_aligner_with_prefix_sums_is_the_plain_one() -> None:
    rng = random.Random(3)
    for _ in range(300):
        src = [rng.randint(1, 300) for _ in range(rng.randint(0, 12))]
        tgt = [rng.randint(1, 300) for _ in range(rng.randint(0, 12))]
        got = [(lk.source, lk.target) for lk in align_sentences_by_length(src, tgt)]
        assert got == _plain_align(src, tgt)


def test_equal_sentences_have_ratio_one_and_quick_ratio_bounds_ratio() -> None:
    texts = [t for t in _texts() if len(t) >= 60][:40]
    for a in texts:
        assert SequenceMatcher(None, a, a, autojunk=False).ratio() == 1.0
    for a, b in zip(texts, texts[1:], strict=False):
        sm = SequenceMatcher(None, a, b, autojunk=False)
        assert sm.quick_ratio() >= sm.ratio()
