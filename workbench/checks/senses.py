"""Where a source word is not the term: a termbase entry's ``not_term`` contexts and the global list
of book titles and citation forms (``data/citations.txt``).

The term checks count every prefixed form of a term in the source. Two kinds of occurrence are not
term uses, and counting them made ``term-missing`` report faithful translations:

* the Hebrew word in its ordinary sense, which only the editor can list, per entry: ``גוף האדם`` (a
  person's body, not the Guf of a Partzuf), ``נשמת האדם``; a phrase (matched as whole words, with
  prefix letters allowed in front) or a regular expression prefixed ``re:``;
* a book title or a citation (``תיקוני זוהר``, ``(זוהר תרומה אותיות רפד)``, ``בתיקונים הנ"ל``,
  ``Tikkunei Zohar``, a Talmud tractate): the same for every termbase, shipped with the package.

:func:`skip_spans` gives the spans of a paragraph that the term checks leave out; a hit is left out
when its whole extent (prefix included) lies inside one.
"""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources
from typing import Any

from workbench.terms.model import REGEX_PREFIX

_PREFIX = "(?:[והבלמשכד]{0,3})"
_NOT_LETTER_BEFORE = r"(?<![\u05d0-\u05eaA-Za-z])"
_NOT_LETTER_AFTER = r"(?![\u05d0-\u05eaA-Za-z])"
_QUOTES = {'"': "[\"\u05f4\u201d\u201c]", "'": "['\u05f3\u2019\u2018]", "\u05f4": "[\"\u05f4\u201d\u201c]",
           "\u05f3": "['\u05f3\u2019\u2018]"}  # fmt: skip


@lru_cache(maxsize=1)
def _citation_bodies() -> tuple[str, ...]:
    """The lines of ``data/citations.txt`` as regular expressions (``{P}``: optional prefix letters)."""
    text = resources.files("workbench.checks").joinpath("data/citations.txt").read_text(encoding="utf-8")
    out = []
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        out.append(line.replace("{P}", _NOT_LETTER_BEFORE + _PREFIX))
    return tuple(out)


@lru_cache(maxsize=1)
def citation_patterns() -> tuple[re.Pattern[str], ...]:
    """The compiled lines of ``data/citations.txt`` (``{P}``: optional prefix letters)."""
    return tuple(re.compile(body) for body in _citation_bodies())


def phrase_pattern(context: str) -> re.Pattern[str]:
    """A ``not_term`` entry as a regular expression: ``re:...`` as written, a phrase as whole words
    (prefix letters allowed before it, any run of spaces between words, any kind of gershayim)."""
    if context.startswith(REGEX_PREFIX):
        return re.compile(context[len(REGEX_PREFIX) :])
    words = []
    for w in context.split():
        words.append("".join(_QUOTES.get(ch, re.escape(ch)) for ch in w))
    return re.compile(_NOT_LETTER_BEFORE + _PREFIX + r"\s+".join(words) + _NOT_LETTER_AFTER)


@lru_cache(maxsize=4096)
def _term_patterns(contexts: tuple[str, ...]) -> tuple[re.Pattern[str], ...]:
    return tuple(phrase_pattern(c) for c in contexts)


@lru_cache(maxsize=1)
def _citation_regex() -> re.Pattern[str]:
    """The citation lines as one alternation: one pass over a paragraph instead of one per line (a
    match hides the matches inside it, which it covers anyway)."""
    return re.compile("|".join(f"(?:{body})" for body in _citation_bodies()))  # not compiled one by one first


@lru_cache(maxsize=16384)
def citation_spans(text: str) -> list[tuple[int, int]]:
    """Spans of book titles and citations in ``text`` (cached: every term check asks)."""
    return [m.span() for m in _citation_regex().finditer(text) if m.end() > m.start()]


def not_term_spans(text: str, term: Any) -> list[tuple[int, int]]:
    """Spans of ``term``'s ``not_term`` contexts in ``text``."""
    contexts = tuple(getattr(term, "not_term", None) or ())
    if not contexts:
        return []
    return list(_not_term_spans(text, contexts))


@lru_cache(maxsize=16384)
def _not_term_spans(text: str, contexts: tuple[str, ...]) -> tuple[tuple[int, int], ...]:
    """Cached per (text, contexts): a paragraph with several hits of a term asks once per hit."""
    return tuple(
        m.span() for pat in _term_patterns(contexts) for m in pat.finditer(text) if m.end() > m.start()
    )


def inside(spans: list[tuple[int, int]], start: int, end: int) -> bool:
    return any(a <= start and end <= b for a, b in spans)


def skip_spans(text: str, term: Any | None = None) -> list[tuple[int, int]]:
    """What the term checks leave out of ``text``: citations, and ``term``'s ordinary-sense contexts."""
    return citation_spans(text) + (not_term_spans(text, term) if term is not None else [])
