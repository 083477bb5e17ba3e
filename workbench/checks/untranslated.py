"""Untranslated text: Hebrew script left in the translation, a translation equal to its source,
and a link with text on one side only."""

from __future__ import annotations

import re
from collections.abc import Iterator

from workbench.checks.base import Issue, LinkCheck, register
from workbench.checks.context import CheckContext, LinkUnit
from workbench.hebrew import hebrew_ratio, parse_label

_HE = "\u0590-\u05ff\ufb1d-\ufb4f"
# A run of Hebrew words (with gershayim/geresh, maqaf and spaces between them).
_HE_RUN = re.compile(rf"[{_HE}]+(?:[\s\"'\u05f3\u05f4\u05be\-]+[{_HE}]+)*")
_HE_CHAR = re.compile(rf"[{_HE}]")
_QUOTE_OPEN = "\"'“‘«(["
_QUOTE_CLOSE = "\"'”’»)]"
MAX_QUOTED_WORDS = 4
_LETTER = re.compile(r"[^\W\d_]")


def _norm(text: str) -> str:
    return " ".join(text.split()).casefold()


def _quoted(text: str, a: int, b: int, marks: list[tuple[int, int]]) -> bool:
    i = a - 1
    while i >= 0 and text[i] == " ":
        i -= 1
    j = b
    while j < len(text) and text[j] == " ":
        j += 1
    if (i >= 0 and text[i] in _QUOTE_OPEN) or (j < len(text) and text[j] in _QUOTE_CLOSE):
        return True
    return any(s <= a and b <= e for s, e in marks)


@register
class Untranslated(LinkCheck):
    id = "untranslated"
    name = "Untranslated text"
    severity = "error"
    description = (
        "The translation contains Hebrew-script text beyond short quoted terms (in quotes, brackets "
        "or italics), or is identical to its source, or a link has text on one side only. One-sided "
        "documents (a translation without its source) are only checked for Hebrew script."
    )

    def check_link(self, unit: LinkUnit, ctx: CheckContext) -> Iterator[Issue]:
        if unit.paired:
            issue = self._pair(unit)
            if issue is not None:
                yield issue
                return
        for p in unit.target:
            text = p.text
            if not text or text.isascii() or not _HE_CHAR.search(text):
                continue
            if hebrew_ratio(text) > 0.5:
                yield self.issue("the translation is in Hebrew script", para_id=p.id, start=0, end=len(text),
                                 key="hebrew-paragraph", data={"rule": "hebrew"})  # fmt: skip
                continue
            italics = [(m.start, m.end) for m in p.marks if m.kind == "italic"]
            for m in _HE_RUN.finditer(text):
                a, b = m.span()
                words = len(m.group().split())
                if words <= MAX_QUOTED_WORDS and _quoted(text, a, b, italics):
                    continue
                yield self.issue(f"Hebrew text left in the translation: \"{m.group()}\"", para_id=p.id, start=a,
                                 end=b, key=m.group(), data={"rule": "hebrew"})  # fmt: skip

    def _pair(self, unit: LinkUnit) -> Issue | None:
        """One side empty (item labels aside: "א." alone is no text), or both sides the same."""
        src = " ".join(_body(p.text) for p in unit.source).strip()
        tgt = " ".join(_body(p.text) for p in unit.target).strip()
        has_src = bool(src) and bool(_LETTER.search(src))
        has_tgt = bool(tgt) and bool(_LETTER.search(tgt))
        if has_src and not has_tgt:
            p = unit.source[0]
            return self.issue("the source has no translation (the linked target is empty)", para_id=p.id,
                              side="source", start=0, end=len(p.text), key="no-target",
                              data={"rule": "empty-target"})  # fmt: skip
        if has_tgt and not has_src:
            p = unit.target[0]
            return self.issue("the translation has no source (the linked source is empty)", para_id=p.id,
                              start=0, end=len(p.text), key="no-source", data={"rule": "empty-source"})  # fmt: skip
        # (Both are stripped and case folding never makes or removes whitespace, so equal normal
        # forms start with the same folded character: a cheap test first.)
        if (has_src and has_tgt and abs(len(src) - len(tgt)) <= max(len(src), len(tgt)) // 4
                and src[0].casefold()[:1] == tgt[0].casefold()[:1] and _norm(src) == _norm(tgt)):  # fmt: skip
            p = unit.target[0]
            return self.issue("the translation is identical to the source", para_id=p.id, start=0,
                              end=len(p.text), key="same-as-source", data={"rule": "same"})  # fmt: skip
        return None


def _body(text: str) -> str:
    """The text after an item label (א. / 1. / (3)), so that a label alone counts as no text."""
    _label, _value, start = parse_label(text)
    return text[start:] if start else text
