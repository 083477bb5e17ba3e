"""Word-level differences between two versions of a text (a draft and the saved text, a history row).

Editors compare words, not characters: a character diff of two Hebrew sentences that differ by a
prefix letter or a niqqud mark marks fragments no reader can take in. The texts are cut into words
with the spaces and punctuation that follow them kept on the word, so joining the pieces of either
side gives back exactly that side's text, and a difference can be shown in place, right to left
for Hebrew, without re-spacing anything. :mod:`difflib` does the matching (the standard library's
sequence matcher: no dependency, and good on the few hundred words of a paragraph).
"""

from __future__ import annotations

import re
from difflib import SequenceMatcher
from typing import Literal

Op = Literal["same", "del", "ins"]

_WORD = re.compile(r"\S+\s*|\s+")


def words(text: str) -> list[str]:
    """``text`` cut into words, each with the white space after it (``"".join(words(t)) == t``)."""
    return _WORD.findall(text)


def word_diff(before: str, after: str) -> list[tuple[Op, str]]:
    """Pieces of the change from ``before`` to ``after``: ``same`` (in both), ``del`` (only in
    ``before``), ``ins`` (only in ``after``). The ``same`` and ``del`` pieces joined give ``before``;
    the ``same`` and ``ins`` pieces joined give ``after``."""
    a, b = words(before), words(after)
    # compare words without their trailing space, so a changed line end does not mark the word
    sm = SequenceMatcher(None, [w.rstrip() for w in a], [w.rstrip() for w in b], autojunk=False)
    out: list[tuple[Op, str]] = []

    def add(op: Op, text: str) -> None:
        if not text:
            return
        if out and out[-1][0] == op:
            out[-1] = (op, out[-1][1] + text)
        else:
            out.append((op, text))

    for tag, i1, i2, j1, j2 in sm.get_opcodes():
        if tag == "equal":
            # the words are equal; their trailing spaces may not be: keep each side exact
            for wa, wb in zip(a[i1:i2], b[j1:j2], strict=True):
                if wa == wb:
                    add("same", wa)
                else:
                    add("same", wa.rstrip())
                    add("del", wa[len(wa.rstrip()):])
                    add("ins", wb[len(wb.rstrip()):])
        else:
            add("del", "".join(a[i1:i2]))
            add("ins", "".join(b[j1:j2]))
    return out


def changed(before: str, after: str) -> int:
    """How many words differ (deleted plus inserted): a size for "3 words changed"."""
    return sum(len(words(t)) for op, t in word_diff(before, after) if op != "same" and t.strip())
