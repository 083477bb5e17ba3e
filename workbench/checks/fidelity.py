"""Fidelity of the translation as a whole: text left out or translated twice, sentences cut across
paragraphs, and spacing around brackets.

* ``length-outlier`` (document): a link whose length ratio is far outside the document's own
  distribution — half a paragraph left out, or a passage translated twice. The document is its own
  yardstick: translators differ (a free translation runs longer than a literal one) but one
  translator is steady within a text, so the median and the spread of the log ratio over the
  document's links say what is unusual (a robust z-score, and a minimum factor so that a steady
  literal translation with a small spread does not flag ordinary variation).
* ``duplicate-passage`` (document): a translation sentence that repeats, nearly word for word, a
  sentence of a nearby link (an alignment or editing slip that translated a passage twice).
* ``split-sentence`` (document): a translation paragraph that ends without final punctuation while
  the next one begins in lower case: one sentence cut in two by an import or an edit.
* ``bracket-spacing`` (link): ``word[gloss]``, ``[gloss]word``, ``"(the`` and ``3.The``.

The document-wide checks read the per-unit rows of :mod:`workbench.checks.rows`.
"""

from __future__ import annotations

import math
import re
import statistics
from collections.abc import Iterable, Iterator
from difflib import SequenceMatcher

from workbench.checks.base import AggregateCheck, Issue, LinkCheck, register
from workbench.checks.context import CheckContext, LinkUnit
from workbench.checks.rows import EDGE, LENGTH, SENTENCE, edge_parts
from workbench.findings_types import GlossRow

MIN_LETTERS = 150  # shorter links vary too much (a heading, a one-line verse)
MIN_LINKS = 12  # a document with fewer links has no distribution to speak of
Z_LIMIT = 4.0
MIN_FACTOR = 2.0  # and at least this far from the document's typical ratio (either way)
NEAR = 3  # links apart, for duplicated passages
SIMILAR = 0.9


def _by_kind(rows: Iterable[GlossRow], kind: int) -> list[GlossRow]:
    return sorted((r for r in rows if r.glossed == kind), key=lambda r: (r.pos, r.seq))


@register
class LengthOutlier(AggregateCheck):
    id = "length-outlier"
    name = "Length far from the document's norm"
    severity = "warning"
    scope = "document"
    stat = "gloss_occ"
    one_sided = False
    description = (
        "A link whose translation is far shorter or longer than this document's other links lead to "
        "expect for its source (robust z-score over the document's log length ratios, and at least "
        "twice or half the typical ratio): part of the passage left out, or a passage translated twice. "
        "Text in square brackets (the translator's additions) is not counted."
    )

    def aggregate(self, rows: Iterable[GlossRow], ctx: CheckContext, partition: str | None = None) -> Iterator[Issue]:
        lengths = _by_kind(rows, LENGTH)
        sample = [math.log((r.end + 20) / (r.start + 20)) for r in lengths if max(r.start, r.end) >= MIN_LETTERS]
        if len(sample) < MIN_LINKS:
            return
        med = statistics.median(sample)
        mad = statistics.median(abs(x - med) for x in sample) * 1.4826 or 0.05
        for r in lengths:
            if max(r.start, r.end) < MIN_LETTERS:
                continue
            x = math.log((r.end + 20) / (r.start + 20))
            z = (x - med) / mad
            factor = math.exp(x - med)
            if abs(z) < Z_LIMIT or abs(x - med) < math.log(MIN_FACTOR):
                continue
            if factor < 1:
                msg = (f"the translation is {factor:.0%} of the length this document's links lead to expect "
                       f"(source {r.start} letters, translation {r.end}): part of the passage may be left out")
            else:
                msg = (f"the translation is {factor:.1f}× the length this document's links lead to expect "
                       f"(source {r.start} letters, translation {r.end}): a passage may be translated twice or "
                       "belong to a neighbouring link")
            yield self.issue(msg, para_id=r.para_id, start=None, end=None, key="short" if factor < 1 else "long",
                             anchor=f"doc:{r.doc_id}", doc_id=r.doc_id,
                             data={"source_letters": r.start, "target_letters": r.end, "factor": round(factor, 2),
                                   "z": round(z, 1)})  # fmt: skip


@register
class DuplicatePassage(AggregateCheck):
    id = "duplicate-passage"
    name = "Passage translated twice"
    severity = "warning"
    scope = "document"
    stat = "gloss_occ"
    description = (
        "A translation sentence that repeats, nearly word for word, a sentence of the same or a nearby "
        "link (within three links): the passage is translated twice."
    )

    def aggregate(self, rows: Iterable[GlossRow], ctx: CheckContext, partition: str | None = None) -> Iterator[Issue]:
        sents = _by_kind(rows, SENTENCE)
        # Positions and lengths as plain lists: the pair loop below runs up to 60 times per sentence
        # and most pairs fail the length test, so it reads no row attribute before passing it.
        pos = [r.pos for r in sents]
        lens = [len(r.surface) for r in sents]
        words: list[set[str] | None] = [None] * len(sents)  # word sets, made when a pair needs them
        lo = 0  # the first sentence within NEAR links of b (sorted by position: the earlier ones are skipped)
        for i, b in enumerate(sents):
            pb, lb = pos[i], lens[i]
            while pos[lo] < pb - NEAR:
                lo += 1
            for k in range(max(0, i - 60, lo), i):
                if pb - pos[k] > NEAR:
                    continue
                la = lens[k]
                if (la if la < lb else lb) < SIMILAR * (la if la > lb else lb):
                    continue
                a = sents[k]
                if a.para_id == b.para_id and a.seq == b.seq:
                    continue
                wa, wb = words[k], words[i]
                if wa is None:
                    wa = words[k] = set(a.surface.split())
                if wb is None:
                    wb = words[i] = set(b.surface.split())
                if len(wa & wb) < 0.8 * max(len(wa), len(wb)):
                    continue  # a cheap bound before the character comparison
                if a.surface == b.surface:
                    ratio = 1.0  # what SequenceMatcher gives for equal texts, without its quadratic search
                else:
                    sm = SequenceMatcher(None, a.surface, b.surface, autojunk=False)
                    if sm.quick_ratio() < SIMILAR:
                        continue  # an upper bound of ratio(), from the letters alone
                    ratio = sm.ratio()
                if ratio >= SIMILAR:
                    where = "the same link" if a.unit == b.unit else f"{b.pos - a.pos} link(s) earlier"
                    yield self.issue(
                        f"this sentence repeats one {where} ({ratio:.0%} the same): the passage may be translated twice",
                        para_id=b.para_id, start=b.start, end=b.end, key=b.surface[:60], doc_id=b.doc_id,
                        anchor=f"doc:{b.doc_id}",
                        data={"other_paragraph": a.para_id, "other_start": a.start, "similarity": round(ratio, 3)},
                    )  # fmt: skip
                    break


_FINAL = re.compile(r"[.!?:;…\"'”’»)\]*—–-]\s*$")
_LOWER_START = re.compile(r"^\s*[\"'“‘(]?[a-z]")


@register
class SplitSentence(AggregateCheck):
    id = "split-sentence"
    name = "Sentence cut across paragraphs"
    severity = "warning"
    scope = "document"
    stat = "gloss_occ"
    description = (
        "A translation paragraph that ends without final punctuation while the next paragraph begins in "
        "lower case: one sentence cut in two (join the paragraphs, or their links)."
    )

    def aggregate(self, rows: Iterable[GlossRow], ctx: CheckContext, partition: str | None = None) -> Iterator[Issue]:
        edges = _by_kind(rows, EDGE)
        for a, b in zip(edges, edges[1:], strict=False):
            _, end_a = edge_parts(a.surface)
            start_b, _ = edge_parts(b.surface)
            if not end_a.strip() or _FINAL.search(end_a) or not _LOWER_START.match(start_b):
                continue
            tail = end_a.strip()[-30:]
            yield self.issue(
                f"the paragraph before ends without final punctuation (…{tail}) and this one begins in lower case: "
                "one sentence cut in two",
                para_id=b.para_id, start=0, end=min(len(start_b), 20), key=start_b[:30], doc_id=b.doc_id,
                anchor=f"doc:{b.doc_id}",
                data={"previous_paragraph": a.para_id, "same_link": a.unit == b.unit},
            )  # fmt: skip


# word[gloss] / word(gloss): a letter glued to an opening bracket ("soul(s)" is a plural marker).
# Each pattern begins with the bracket, quote or digit it is about and checks what precedes it by a
# lookbehind, so that the regex engine skips to those characters instead of trying every position
# (three times faster; the same matches). _OPEN_GLUED matches the bracket: the finding starts one before.
_OPEN_GLUED = re.compile(r"[\[(](?<=[^\W\d_][\[(])(?!s\))")
# [gloss]word / (gloss)word: a closing bracket glued to a letter ("[T]he": an editorial capital).
_CLOSE_GLUED = re.compile(r"[\])][^\W\d_]")
# "(the: a closing quote glued to an opening parenthesis, or a parenthesis glued to an opening quote.
_QUOTE_PAREN = re.compile(r"[\"”)](?:(?<=[^\s\"“(\[][\"”])\(|(?<=\))[\"“](?=[^\W\d_]))")
# 3.The: an item number glued to the first word.
_NUMBER_JOIN = re.compile(r"\d(?<![\d.]\d)\d{0,2}\.(?=[A-Z][a-z])")


@register
class BracketSpacing(LinkCheck):
    id = "bracket-spacing"
    name = "Spacing around brackets"
    severity = "warning"
    description = (
        "A missing space around brackets or parentheses in the translation: word[gloss], [gloss]word, "
        "word(gloss), a quote glued to a parenthesis (\"(the), or an item number glued to its first word "
        "(3.The)."
    )

    def check_link(self, unit: LinkUnit, ctx: CheckContext) -> Iterator[Issue]:
        for p in unit.target:
            text = p.text
            if "[" not in text and "(" not in text and not any(ch.isdigit() for ch in text[:8]):
                continue
            for m in _OPEN_GLUED.finditer(text):
                yield self._at(p, m.start() - 1, m.end(), "no space before the opening bracket")
            for m in _CLOSE_GLUED.finditer(text):
                o = text.rfind("[" if text[m.start()] == "]" else "(", 0, m.start())
                if o >= 0 and m.start() - o <= 3:
                    continue  # "[T]he", "(s)he": a letter or two in brackets belongs to the word
                yield self._at(p, m.start(), m.end(), "no space after the closing bracket")
            for m in _QUOTE_PAREN.finditer(text):
                yield self._at(p, m.start(), m.end(), "a quote glued to a parenthesis")
            for m in _NUMBER_JOIN.finditer(text):
                yield self._at(p, m.start(), m.end() + 1, "no space after the number")

    def _at(self, p: object, start: int, end: int, what: str) -> Issue:
        text = p.text  # type: ignore[attr-defined]
        return self.issue(f"{what}: ‘{text[max(0, start - 6) : end + 6].strip()}’", para_id=p.id,  # type: ignore[attr-defined]
                          start=start, end=end, key=text[start:end])  # fmt: skip
