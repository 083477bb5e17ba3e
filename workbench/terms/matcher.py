"""Find termbase terms in text: one Aho-Corasick pass per side, offsets into the original text.

Public API (stable; the consistency checks build on it)::

    m = TermMatcher(terms, fold_diacritics=False)
    m.find_source(hebrew_text)  -> list[SourceHit]   # Hebrew/Aramaic side
    m.find_target(english_text) -> list[TargetHit]   # English side
    m.find_source_batch(texts) / m.find_target_batch(texts) -> list[list[...]]  # one list per paragraph

``terms`` are :class:`workbench.terms.model.Term` objects (anything with the same attributes); a
term's ``id`` is used as ``term_id``, or its position in ``terms`` when the id is ``None``.

Source side: niqqud and cantillation are ignored, final letters equal their medial forms, ״ " ׳ '
and typographic quotes are interchangeable, and one to three one-letter prefixes from ה ו ב כ ל מ ש
plus the Aramaic construct ד may precede the first word (המסך, והמסך, שבמסך, דראש). The span of a
:class:`SourceHit` covers the term itself; ``prefix`` holds the prefix letters before it.

Target side: case-insensitive search with a per-term case rule reported as ``case_ok``, hyphen and
space interchangeable (``Peh de-Rosh``), English plural ``-s``/``-es``/``-ies`` and possessive ``'s``
accepted (the span includes a plural ending, not the possessive), and with ``fold_diacritics=True``
Ḥokhma ~ Hokhma. Terms with the ``strict`` case rule (acronyms) are not found in all-lower-case
words (``man`` is not ``MAN``; ``Bya`` is found, with ``case_ok=False``). Hits never overlap: the
leftmost-longest wins (``Masach de Guf`` over ``Masach``); when two terms share the very same span
both hits are returned. Words are runs of letters and digits: "Peh  de Rosh" with two spaces, or
with a line break and a hyphen at once, is not the same key as "Peh de Rosh".
"""

from __future__ import annotations

from collections.abc import Container, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import ahocorasick

from workbench.terms.normalize import (
    case_view,
    en_form_key,
    en_key,
    fold_diacritics,
    he_form_key,
    he_key_fast,
    he_offsets,
)

PREFIX_LETTERS = frozenset("הובכלמשד")  # ד: the Aramaic construct (דראש, דגוף)
MAX_PREFIX = 3


@dataclass(frozen=True, slots=True)
class SourceHit:
    """A source-side occurrence: ``text[start:end] == surface`` is the term without its prefix."""

    term_id: Any
    start: int
    end: int
    surface: str
    form: str = ""  # the termbase source form that matched (unpointed)
    prefix: str = ""  # prefix letters as written right before ``start`` ("וה" in והמסך)


@dataclass(frozen=True, slots=True)
class TargetHit:
    """A target-side occurrence: ``text[start:end] == surface``.

    ``form_kind`` says which rendering matched (``preferred``, ``variant`` or ``forbidden``),
    ``form`` is that rendering as written in the termbase, ``case_ok`` applies the term's case rule
    and ``exact`` is True when the surface (without a plural ending) equals ``form`` character for
    character (so ``Peh de-Rosh`` for ``Peh de Rosh`` is ``exact=False`` but still the same form).
    """

    term_id: Any
    start: int
    end: int
    surface: str
    form_kind: str
    case_ok: bool
    form: str = ""
    exact: bool = True
    suffix: str = ""


@dataclass(frozen=True, slots=True)
class _TgtPattern:
    term_id: Any
    form_kind: str
    form: str
    case: str
    suffix: str  # "", "s", "es" or "ies" (the last replaces a final y)


def _plural_keys(key: str) -> list[tuple[str, str]]:
    """(plural key, suffix) pairs for the English plural endings of a rendering key."""
    last = key.rsplit(" ", 1)[-1]
    out = [(key + "s", "s")]
    if last.endswith(("s", "x", "z", "ch", "sh")):
        out.append((key + "es", "es"))
    if len(last) > 2 and last.endswith("y") and last[-2] not in "aeiou":
        out.append((key[:-1] + "ies", "ies"))
    return out


class TermMatcher:
    """Multi-pattern matcher over a fixed list of terms (build once, reuse for many texts)."""

    def __init__(
        self,
        terms: Iterable[Any],
        *,
        fold_diacritics: bool = False,
        prefixes: bool = True,
        plurals: bool = True,
    ) -> None:
        self.fold = fold_diacritics
        self.prefixes = prefixes
        self.terms: dict[Any, Any] = {}
        self._views: dict[str, str] = {}
        self._src = ahocorasick.Automaton()
        self._tgt = ahocorasick.Automaton()
        src_entries: dict[str, list[tuple[Any, str]]] = {}
        tgt_entries: dict[str, list[_TgtPattern]] = {}
        rank = {"preferred": 0, "variant": 1, "forbidden": 2}
        for i, term in enumerate(terms):
            tid = term.id if getattr(term, "id", None) is not None else i
            self.terms[tid] = term
            for form in term.source_forms:
                k = he_form_key(form)
                if len(k.replace(" ", "")) >= 1:
                    lst = src_entries.setdefault(k + " ", [])
                    if all(t != tid for t, _ in lst):
                        lst.append((tid, form))
            case = getattr(term, "case", None) or "as-written"
            for form, form_kind in term.target_forms:
                k = en_form_key(form, self.fold)
                if not k:
                    continue
                keys = [(k, "")] + (_plural_keys(k) if plurals else [])
                for key, suffix in keys:
                    new = _TgtPattern(tid, form_kind, form, case, suffix)
                    lst = tgt_entries.setdefault(" " + key + " ", [])
                    # One pattern per (term, key): a form as written beats another form's plural,
                    # then preferred beats variant beats forbidden.
                    for j, p in enumerate(lst):
                        if p.term_id == tid:
                            if (bool(suffix), rank[form_kind]) < (bool(p.suffix), rank[p.form_kind]):
                                lst[j] = new
                            break
                    else:
                        lst.append(new)
        for key, val in src_entries.items():
            self._src.add_word(key, (len(key) - 1, tuple(val)))
        for key, val in tgt_entries.items():
            self._tgt.add_word(key, (len(key) - 2, tuple(val)))
        self._has_src = bool(src_entries)
        self._has_tgt = bool(tgt_entries)
        if self._has_src:
            self._src.make_automaton()
        if self._has_tgt:
            self._tgt.make_automaton()

    def __len__(self) -> int:
        return len(self.terms)

    # ---------------------------------------------------------------------------------- source

    def find_source(self, text: str) -> list[SourceHit]:
        """Occurrences of source forms in Hebrew/Aramaic ``text`` (see the module doc)."""
        if not self._has_src or not text:
            return []
        key, pointed = he_key_fast(text)
        return self._source_hits(text, key, pointed)

    def find_source_batch(self, texts: Sequence[str]) -> list[list[SourceHit]]:
        """:meth:`find_source` for many paragraphs in one pass (the texts are joined internally)."""
        return self._batch(texts, self.find_source)

    def _source_hits(self, text: str, key: str, pointed: bool) -> list[SourceHit]:
        padded = key + " "
        raw: list[tuple[int, int, Any, str, int]] = []
        append = raw.append
        rfind = padded.rfind
        prefixes = self.prefixes
        is_prefix = PREFIX_LETTERS.issuperset
        for end, (klen, entries) in self._src.iter(padded):
            # ``end`` is the index of the trailing space: the key span is [end - klen, end).
            start = end - klen
            # Left context: a word boundary or a valid stack of prefix letters.
            ws = rfind(" ", 0, start) + 1
            if ws != start:
                if not prefixes or start - ws > MAX_PREFIX or not is_prefix(padded[ws:start]):
                    continue
            for tid, form in entries:
                append((start, end, tid, form, ws))
        if not raw:
            return []
        if not pointed:
            # Key index == text index, and a form key never ends on a space, so no trimming either.
            return [SourceHit(tid, start, end, text[start:end], form, text[ws:start])
                    for start, end, tid, form, ws in _leftmost_longest(raw)]  # fmt: skip
        offsets = he_offsets(text)
        hits = []
        for start, end, tid, form, ws in _leftmost_longest(raw):
            a, b, w = offsets[start], offsets[end], offsets[ws]
            b = _trim_end(text, a, b)
            hits.append(SourceHit(tid, a, b, text[a:b], form, text[w:a]))
        return hits

    # ---------------------------------------------------------------------------------- target

    def find_target(self, text: str) -> list[TargetHit]:
        """Occurrences of renderings (preferred, variants, forbidden) in English ``text``."""
        if not self._has_tgt or not text:
            return []
        key, offsets = _target_key(text, self.fold)
        return self._target_hits(text, key, offsets)

    def find_target_batch(self, texts: Sequence[str]) -> list[list[TargetHit]]:
        """:meth:`find_target` for many paragraphs in one pass (the texts are joined internally)."""
        return self._batch(texts, self.find_target)

    def find_target_of(self, text: str, wanted: Container[Any]) -> list[TargetHit]:
        """:meth:`find_target` keeping only hits of terms in ``wanted`` (the same hits, since the
        leftmost-longest choice is still made over every term; cheaper when few are wanted)."""
        if not self._has_tgt or not text:
            return []
        key, offsets = _target_key(text, self.fold)
        return self._target_hits(text, key, offsets, wanted)

    def target_candidates(self, text: str) -> set[Any]:
        """The terms some rendering of which occurs in English ``text``, before the leftmost-longest
        choice among overlapping occurrences: while these terms and their forms stay the same, so do
        the hits of :meth:`find_target` (and of :meth:`find_target_of`) on ``text``."""
        if not self._has_tgt or not text:
            return set()
        key, _ = _target_key(text, self.fold)
        return {p.term_id for _, (_, patterns) in self._tgt.iter(" " + key + " ") for p in patterns}

    def _target_hits(
        self, text: str, key: str, offsets: list[int] | None, wanted: Container[Any] | None = None
    ) -> list[TargetHit]:
        padded = " " + key + " "
        raw: list[tuple[int, int, _TgtPattern]] = []
        for end_idx, (klen, patterns) in self._tgt.iter(padded):
            # padded[end_idx] is the closing space: the key span is [end - klen, end).
            end = end_idx - 1
            start = end - klen
            for p in patterns:
                raw.append((start, end, p))
        if not raw:
            return []
        hits = []
        case_ok = self._case_ok
        for start, end, p in _leftmost_longest(raw):
            if wanted is not None and p.term_id not in wanted:
                continue
            if offsets is None:
                a, b = start, end  # a form key never ends on a space: nothing to trim
            else:
                a, b = offsets[start], offsets[end]
                b = _trim_end(text, a, b)
            surface = text[a:b]
            if p.suffix == "ies":
                stem, suffix = surface[:-3] + p.form[-1], surface[-3:]
            elif p.suffix:
                stem, suffix = surface[: -len(p.suffix)], surface[-len(p.suffix):]
            else:
                stem, suffix = surface, ""
            if p.case == "strict" and stem.islower() and not p.form.islower():
                continue  # "man" is the English word, not the acronym MAN
            ok = case_ok(stem, p.form, p.case)
            hits.append(TargetHit(p.term_id, a, b, surface, p.form_kind, ok, p.form, stem == p.form, suffix))
        return hits

    def _case_ok(self, stem: str, form: str, rule: str) -> bool:
        if rule == "any" or stem == form:
            return True
        s = case_view(stem, self.fold)
        f = self._views.get(form)
        if f is None:
            f = self._views[form] = case_view(form, self.fold)
        if s == f:
            return True
        if rule == "strict":
            return False
        return s == f[:1].upper() + f[1:] or (len(s) > 1 and s == f.upper())

    # ---------------------------------------------------------------------------------- batch

    def _batch(self, texts: Sequence[str], one: Any) -> list[list[Any]]:
        # Paragraph by paragraph: measured faster than one pass over the joined texts, whose hits
        # then have to be shifted back one by one.
        return [one(t) for t in texts]


# -------------------------------------------------------------------------------------- helpers

# Keys of the last few target texts: the checks run the term matcher and then the gloss matcher over
# the same paragraphs, and the second pass reuses the first one's key (keys are never mutated).
_TGT_KEYS: dict[tuple[str, bool], tuple[str, list[int] | None]] = {}
_TGT_KEYS_MAX = 64


def _target_key(text: str, fold: bool) -> tuple[str, list[int] | None]:
    k = (text, fold)
    got = _TGT_KEYS.get(k)
    if got is None:
        if len(_TGT_KEYS) >= _TGT_KEYS_MAX:
            _TGT_KEYS.clear()
        got = _TGT_KEYS[k] = en_key(text, fold)
    return got



def _leftmost_longest(raw: list[tuple]) -> list[tuple]:
    """Non-overlapping hits, leftmost first, longest at the same start; equal spans all kept."""
    # Fast path: hits already in order and apart (the automaton reports them by end position).
    last_end = -1
    for h in raw:
        if h[0] < last_end:
            break
        last_end = h[1]
    else:
        return raw
    raw.sort(key=lambda h: (h[0], -h[1]))
    out: list[tuple] = []
    last_end = -1
    last_span: tuple[int, int] | None = None
    for h in raw:
        span = (h[0], h[1])
        if span == last_span:
            if all(o[2] != h[2] for o in out[-4:] if (o[0], o[1]) == span):
                out.append(h)
            continue
        if h[0] >= last_end:
            out.append(h)
            last_end = h[1]
            last_span = span
    return out


def _trim_end(text: str, a: int, b: int) -> int:
    """Offsets maps may end a span on trailing marks; never include trailing whitespace."""
    while b > a and text[b - 1].isspace():
        b -= 1
    return b


def fold(text: str) -> str:
    """Re-exported for callers that compare renderings: diacritics-insensitive form of ``text``."""
    return fold_diacritics(text)
