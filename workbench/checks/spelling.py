"""``term-misspelling``: a word of the translation that is a near miss of a termbase rendering and is
not itself listed (``Partzof`` for ``Partzuf``, ``Hizdakcut`` for ``Hizdakchut``).

A near miss is one edit away (two for words of eight letters or more), or has the same consonant
skeleton (the letters without vowels, doubled letters once: ``Tzimtzum``/``Tzimzum`` differ, ``Kelim``
and ``Kelyim`` do not). Not a near miss: an English word (``Bind`` is not ``Bina``), a word the
termbase lists, or a word far shorter than four letters. To keep to slips, the word must be
capitalised like the transliteration it misses (transliterations are), or the aligned source must
have the term.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache
from typing import Any

from workbench.checks.analysis import TermCheck, UnitTerms, quote
from workbench.checks.base import Issue, register
from workbench.checks.context import CheckContext, LinkUnit, TermIndex, _edit_distance
from workbench.checks.senses import citation_spans

_WORD = re.compile(r"(?<![\w'’-])[A-Za-z][a-z]+(?:[-'’][A-Za-z][a-z]+)*(?![\w'’-])")
_VOWELS = str.maketrans("", "", "aeiouy'’-")


def skeleton(word: str) -> str:
    s = word.lower().translate(_VOWELS)
    return re.sub(r"(.)\1+", r"\1", s)


class _Forms:
    """The one-word termbase forms of the transliterated terms, by length and by skeleton."""

    def __init__(self, index: TermIndex) -> None:
        self.forms: list[tuple[str, Any]] = []
        self.known: set[str] = set()
        for tid, t in index.terms.items():
            for form, _kind in t.target_forms:
                self.known.add(form.casefold())
            if t.kind == "translation":
                continue
            for form in [t.preferred, *t.variants]:
                if " " not in form and len(form) >= 4 and form.isalpha() is not False:
                    self.forms.append((form, tid))
        self.skeletons: dict[str, list[tuple[str, Any]]] = {}
        self.buckets: dict[tuple[str, int], list[tuple[str, str, Any]]] = {}
        for form, tid in self.forms:
            self.skeletons.setdefault(skeleton(form), []).append((form, tid))
            low = form.casefold()
            self.buckets.setdefault((low[0], len(low)), []).append((low, form, tid))
        self.cache: dict[str, tuple[str, Any] | None] = {}
        self.candidates: dict[str, Any] = {}  # word -> what :func:`_candidate` found (one dict read)

    def near(self, word: str) -> tuple[str, Any] | None:
        """The closest listed form ``word`` is a near miss of (cached per word: a corpus repeats its
        words, and the forms are only looked at by first letter and length)."""
        if word in self.cache:
            return self.cache[word]
        got = self._near(word)
        if len(self.cache) > 200_000:
            self.cache.clear()
        self.cache[word] = got
        return got

    def _near(self, word: str) -> tuple[str, Any] | None:
        low = word.casefold()
        if low in self.known:
            return None
        best = None
        limit = 2 if len(word) >= 8 else 1
        for n in range(len(low) - limit, len(low) + limit + 1):
            for flow, form, tid in self.buckets.get((low[0], n), ()):
                d = _edit_distance(low, flow, limit)
                if d <= limit and (best is None or d < best[0]):
                    best = (d, form, tid)
        if best is None:
            sk = [(f, t) for f, t in self.skeletons.get(skeleton(word), ()) if f[0].lower() == low[0]]
            if sk and len(skeleton(word)) >= 3:
                return sk[0]
            return None
        return best[1], best[2]


_FORMS: dict[str, _Forms] = {}


def _forms(index: TermIndex) -> _Forms:
    f = _FORMS.get(index.version)
    if f is None:
        _FORMS.clear()
        f = _FORMS[index.version] = _Forms(index)
    return f


def near_miss(index: TermIndex, word: str) -> tuple[str, Any] | None:
    """The termbase form (and its term id) that ``word`` is a near miss of, or None."""
    return _forms(index).near(word)


@lru_cache(maxsize=65536)
def _english(word: str) -> bool:
    from workbench.terms.english import is_english

    return is_english(word.lower())


@register
class TermMisspelling(TermCheck):
    id = "term-misspelling"
    name = "Probable misspelling of a term"
    severity = "warning"
    description = (
        "A word one letter away from a termbase rendering (two for long words), or with the same "
        "consonants, that is neither listed in the termbase nor an English word: probably a misspelling "
        "(Partzof: probably Partzuf). It must be capitalised like a transliteration, or the aligned "
        "source must have the term."
    )

    def check_terms(self, unit: LinkUnit, a: UnitTerms, index: TermIndex, ctx: CheckContext) -> Iterator[Issue]:
        forms = _forms(index)
        if not forms.forms:
            return
        grounded = unit.paired and bool(a.src_count)
        for p in unit.target:
            # Each distinct word is looked up once; most paragraphs have no candidate and end here.
            cands = {}
            for w in set(_WORD.findall(p.text)):
                if len(w) < 4 or (w[0].islower() and not grounded):
                    continue  # lower case: only where the source has terms
                got = _candidate(forms, w)
                if got is not None:
                    cands[w] = got
            if not cands:
                continue
            hits = [(o.hit.start, o.hit.end) for o in a.tgt if o.para is p] + citation_spans(p.text)
            for m in _WORD.finditer(p.text):
                w = m.group()
                got = cands.get(w)
                if got is None or any(s <= m.start() < e for s, e in hits):  # a term, a book title, a citation
                    continue
                form, tid = got
                capital = w[0].isupper() and not _sentence_start(p.text, m.start())
                if not capital and not (unit.paired and tid in a.src_count):
                    continue
                term = index.terms[tid]
                src = f" ({term.source})" if term.source else ""
                yield self.issue(
                    f"{quote(w)}: probably {quote(form)}{src}, which the termbase lists; {quote(w)} is not listed",
                    para_id=p.id, start=m.start(), end=m.end(), key=w, term_id=tid,
                    data={"probably": form, "word": w},
                )  # fmt: skip


def _candidate(forms: _Forms, w: str) -> tuple[str, Any] | None:
    """The form ``w`` probably misspells, or None (a listed form, an English word, no near miss);
    cached per word with the forms."""
    got = forms.candidates.get(w, _UNSEEN)
    if got is not _UNSEEN:
        return got
    base = re.sub(r"(?:['’]s|s)$", "", w) if len(w) > 5 else w
    got = None
    if not (w.casefold() in forms.known or base.casefold() in forms.known or _english(w) or _english(base)):
        got = forms.near(w)
    if len(forms.candidates) > 200_000:
        forms.candidates.clear()
    forms.candidates[w] = got
    return got


_UNSEEN = object()


def _sentence_start(text: str, i: int) -> bool:
    j = i - 1
    while j >= 0 and text[j] in " \"'“‘([":
        j -= 1
    return j < 0 or text[j] in ".!?"
