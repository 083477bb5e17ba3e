"""Source words that are termbase terms in Kabbalah and ordinary words in Hebrew idioms.

The termbase matcher finds every prefixed form of a term: ``רוח`` (Ruach) in ``נחת רוח``
(contentment), ``דעת`` (Daat) in ``לדעת`` (to know). Counted as term occurrences, such idioms make
``term-missing`` report every faithful translation of them ("to bring contentment to the Creator"),
and they inflate the "no rendering" count of ``term-inconsistent``. The rules below are checked on
the few hits of the listed forms only; each names the idiom so that a reader can judge it.

A rule is ``(before, prefix, after, meaning)``: regular expressions matched against the words
right before the occurrence (its prefix letters excluded), the prefix letters, and the text right
after it; an empty pattern matches anything, and every non-empty one must match.
"""

from __future__ import annotations

import re
from typing import Any

from workbench.hebrew import strip_niqqud

# A one-letter conjunction/preposition stack in front of a word (ו, ה, ב, ל, מ, ש, כ).
_P = "[והבלמשכ]{0,3}"

RULES: dict[str, list[tuple[str, str, str, str]]] = {
    "רוח": [
        (rf"(?:^|\s){_P}נחת\s*$", "", "", "נחת רוח: contentment"),
    ],
    "דעת": [
        ("", "^[והש]{0,2}ל$", "", "לדעת: to know (infinitive)"),
        (rf"(?:^|\s){_P}(?:על|בלי|בלא|אל)\s*$", "", "", "על דעת / בלי דעת: in mind, without understanding"),
    ],
    "בינה": [
        ("", "^[וש]{0,2}לה$", "", "להבינה: to understand it"),
        (rf"(?:^|\s){_P}(?:בלי|בלא)\s*$", "", "", "בלי בינה: without understanding"),
    ],
    "כלי": [
        ("", "", r"^\s*(?:מעשה|זין|נגינה|שרת|חרס)(?:\s|$|[.,;:])", "כלי מעשה, כלי זין: a tool, a weapon"),
    ],
    "ראש": [
        (rf"(?:^|\s){_P}(?:מרימים|מרים|מרימה|הרים|הרימו|להרים|ירים|ירימו|נשא|נשאו|לשאת)\s*$", "", "",
         "הרים ראש: to rise up"),
        ("", "^ב$", r"^\s*ובראשונה", "בראש ובראשונה: first and foremost"),
    ],
}  # fmt: skip

_COMPILED: dict[str, list[tuple[re.Pattern[str] | None, ...]]] = {
    form: [tuple(re.compile(p) if p else None for p in rule[:3]) for rule in rules]
    for form, rules in RULES.items()
}


def ordinary_use(text: str, hit: Any) -> bool:
    """True when the source occurrence ``hit`` (a :class:`~workbench.terms.matcher.SourceHit`) in
    ``text`` is part of an idiom in which the word is not the term."""
    rules = _COMPILED.get(hit.form)
    if not rules:
        return False
    a = hit.start - len(hit.prefix)
    before = strip_niqqud(text[max(0, a - 24) : a])
    after = strip_niqqud(text[hit.end : hit.end + 24])
    prefix = strip_niqqud(hit.prefix)
    for b, p, f in rules:
        if b is not None and not b.search(before):
            continue
        if p is not None and not p.search(prefix):
            continue
        if f is not None and not f.search(after):
            continue
        return True
    return False
