"""The kinds of per-unit occurrence rows the document-wide checks read.

The runner caches two kinds of per-unit statistics: term usage (for the corpus-wide
``term-inconsistent``) and occurrence rows (:class:`~workbench.findings_types.GlossRow`), which it
hands to every document-wide check, recomputed from the cache after an edit. The occurrence rows
carry their kind in ``glossed``: the gloss checks read kinds 0-2 (an occurrence of a term that asks
for a gloss: unglossed, glossed, named); the others are ours, so that a document-wide check can be
added without a new cache table:

* ``FORM_*`` (16-19): an occurrence of a term in the translation, by how it is written (the
  preferred rendering, a listed variant, a case slip, another spelling), for ``term-variant``;
  ``surface`` is ``stem<US>termbase form``;
* ``LENGTH`` (32): one per paired link, ``start``/``end`` are the source and translation lengths
  in letters, for ``length-outlier``;
* ``SENTENCE`` (33): one per long translation sentence, ``surface`` its letters (normalised), for
  ``duplicate-passage``;
* ``EDGE`` (34): one per translation paragraph, ``surface`` its start and its end, for
  ``split-sentence`` (within a link and across links).
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from typing import Any

from workbench.findings_types import GlossRow

FORM = 16
FORM_PREFERRED, FORM_VARIANT, FORM_CASE, FORM_SPELLING = 16, 17, 18, 19
FORM_END = 20
LENGTH, SENTENCE, EDGE = 32, 33, 34
SEP = "\x1f"
MIN_SENTENCE = 60  # letters and spaces: shorter sentences repeat legitimately ("This is the reason.")

_LETTERS = re.compile(r"[^\W\d_]+")
_NOT_LETTERS = re.compile(r"[\W\d_]+")
_BRACKETED = re.compile(r"\[[^\[\]]*\]")


def is_gloss_row(r: GlossRow) -> bool:
    return r.glossed < FORM


def is_form_row(r: GlossRow) -> bool:
    return FORM <= r.glossed < FORM_END


def letters(text: str) -> int:
    """Letters of a text (the length measure of the length model: spaces, digits and punctuation
    differ between the languages more than the words do)."""
    return len(_NOT_LETTERS.sub("", text))


def translation_letters(text: str) -> int:
    """Letters of a translation without the translator's own additions in square brackets."""
    return letters(_BRACKETED.sub(" ", text))


_ROUGH_END = re.compile(r"(?<=[.!?…:])[\"'”’)\]]*\s+(?=[\"'“‘(\[]?[A-Z0-9\u05d0-\u05ea])")


def rough_sentences(text: str) -> list[tuple[int, int]]:
    """Sentence spans cut at . ! ? before a capital: enough to compare sentences for duplication,
    and cheap (the full segmenter is the slowest part of a check run when used for every link).
    Cached per text: ``term-missing`` and the unit's rows both cut the same paragraphs (callers must
    not change the list)."""
    return _rough_sentences(text)


@lru_cache(maxsize=4096)
def _rough_sentences(text: str) -> list[tuple[int, int]]:
    out, a = [], 0
    for m in _ROUGH_END.finditer(text):
        out.append((a, m.start()))
        a = m.end()
    if a < len(text):
        out.append((a, len(text)))
    return [(x, y) for x, y in out if text[x:y].strip()]


def sentence_key(text: str) -> str:
    """A sentence as compared for duplication: its words, lower case, one space."""
    return " ".join(_LETTERS.findall(text)).casefold()  # casefold is per letter: the same as word by word


def edge_surface(first: str, last: str) -> str:
    return json.dumps([first[:60], last[-60:]], ensure_ascii=False)


def edge_parts(surface: str) -> tuple[str, str]:
    try:
        a, b = json.loads(surface)
        return str(a), str(b)
    except (ValueError, TypeError):
        return "", ""


def row(unit: Any, kind: int, para_id: str, start: int, end: int, surface: str, seq: int = 0,
        term_id: int = 0) -> GlossRow:  # fmt: skip
    return GlossRow(unit.key, unit.doc_id, term_id, seq, para_id, start, end, surface, kind, unit.pos)
