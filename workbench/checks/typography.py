"""Typography: missing or doubled spaces, repeated words, unbalanced brackets and quotes, bidi controls.

The translation gets every rule; the source (Hebrew/Aramaic) only the rules that cannot be
confused with its own conventions: brackets, straight-quote pairs (gershayim such as בי"ע or
מ"ן are not quotes, see :func:`workbench.hebrew.is_gershayim_at`) and bidi controls.

False positives are bugs, so each rule knows its exceptions: ``1,000`` and ``10:30`` (digits),
``e.g.``/``i.e.``/``U.S.`` (abbreviations), URLs and e-mail addresses, ellipses, list markers such as
``a)`` or ``12)``, apostrophes (``one’s``, ``students’``) and inch marks (``5"``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from workbench.checks.base import Issue, LinkCheck, register
from workbench.checks.context import CheckContext, LinkUnit
from workbench.hebrew import is_gershayim_at

_URL = re.compile(r"(?:https?://|ftp://|www\.)[^\s<>\"“”]+|[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.I)
# Patterns start with a literal or a small class so that the regex engine scans fast (1 M words
# of translation go through each of them); the context is checked in Python on the few hits.
# , ; : ! ? glued to a following letter ("Rosh,in"); the previous character must be a letter
# too, so numbers (1,000; 10:30; Genesis 1:3) never match.
_GLUED = re.compile(r"[,;:!?][^\W\d_]")
# "word.Next": a period between a lower-case word of 2+ letters (not "e.g." or "U.S.") and a
# capitalised word.
_PERIOD_JOIN = re.compile(r"\.[A-Z][a-z]")
# The punctuation mark with a space before it; the match starts at the mark (rarer than spaces, so
# the engine scans faster): the space is at ``m.start() - 1``.
_SPACE_BEFORE = re.compile(r"[,;:!?.](?<=[ \u00a0][,;:!?.])")
_DOUBLE_SPACE = re.compile(r"[ \t\u00a0\u2009\u202f]{2,}")
# Words separated by one space ("the the"); with two spaces the double space is reported instead.
_REPEATED = re.compile(r" (\w+) \1(?![\w'’-])", re.I)
_REPEATED_START = re.compile(r"(\w+) \1(?![\w'’-])", re.I)
_REPEAT_OK = {"that", "had"}  # "he said that that was…", "she had had"
_QUOTE_CHARS = "\"'“”‘’«»„"
_BRACKETS = re.compile(r"[()\[\]{}]")
_NOT_BRACKET = re.compile(r"[^()\[\]{}]+")
# List markers closed by ")" alone: "a)", "12)", "iv)", Hebrew letter numerals "יא)".
_ENUM_BEFORE = re.compile(r"(?:^|[\s(\[])(?:\d{1,3}|[A-Za-z]|[ivxlcIVXLC]{1,4}|[\u05d0-\u05ea]{1,3}['\u05f3]?)$")
_CURLY = re.compile(r"[“”„«»]")
_STRAIGHT = re.compile(r'"')
# A " not between two Hebrew letters (starts with the quote: the engine scans for it).
_QUOTE_NOT_GERSHAYIM = re.compile(r'"(?:(?<![\u05d0-\u05ea]")|(?![\u05d0-\u05ea]))')
_RTL = re.compile(r"[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefc]")
_BIDI = re.compile(r"[\u200e\u200f\u061c\u202a-\u202e\u2066-\u2069]")
_BIDI_NAMES = {
    "\u200e": "LRM", "\u200f": "RLM", "\u061c": "ALM", "\u202a": "LRE", "\u202b": "RLE", "\u202c": "PDF",
    "\u202d": "LRO", "\u202e": "RLO", "\u2066": "LRI", "\u2067": "RLI", "\u2068": "FSI", "\u2069": "PDI",
}  # fmt: skip
# Hebrew, then only neutral characters, then a digit: in a left-to-right paragraph the number is
# drawn on the wrong side of the Hebrew ("the word 3 "מסך" times") unless an LRM or isolate
# separates them.
_HE_THEN_DIGIT = re.compile(r"[\u05d0-\u05ea][\u0591-\u05c7]*[\"'\u05f3\u05f4]?([\s\"'“”‘’(),.:;\-–—]*)\d")
_OPENERS = " \t\n([{<—–-/\u00a0"
_CLOSERS = " \t\n)]}>.,;:!?—–-/\u00a0"


def _in_spans(i: int, j: int, spans: list[tuple[int, int]]) -> bool:
    return any(a < j and i < b for a, b in spans)


@register
class Typography(LinkCheck):
    id = "typography"
    name = "Typography"
    severity = "warning"
    description = (
        "Missing space after punctuation (\"Rosh,in\"), space before it, double spaces, repeated words "
        "(\"the the\"), unbalanced parentheses, brackets and quotes, stray, unbalanced or missing bidi "
        "control characters. Numbers (1,000), abbreviations (e.g.), URLs, ellipses, apostrophes and "
        "Hebrew gershayim (בי\"ע) are not flagged."
    )

    def check_link(self, unit: LinkUnit, ctx: CheckContext) -> Iterator[Issue]:
        for p in unit.target:
            yield from self.check_text(p.text, p.id, "target", rtl=False)
        for p in unit.source:
            yield from self.check_text(p.text, p.id, "source", rtl=True)

    def check_text(self, text: str, para_id: str | None, side: str, rtl: bool) -> Iterator[Issue]:
        if not text:
            return
        full = side == "target"
        urls = [m.span() for m in _URL.finditer(text)] if ("://" in text or "www." in text or "@" in text) else []

        def mk(rule: str, msg: str, a: int, b: int, key: str | None = None) -> Issue:
            return Issue(self.id, msg, para_id, side, a, b, f"{rule}:{key if key is not None else text[a:b]}",
                         data={"rule": rule})  # fmt: skip

        if full:
            yield from self._spacing(text, mk, urls)
        yield from self._brackets(text, mk, urls)
        yield from self._quotes(text, mk, full)
        yield from self._bidi(text, mk, rtl)

    # ----------------------------------------------------------------------------- spacing

    def _spacing(self, text: str, mk, urls: list[tuple[int, int]]) -> Iterator[Issue]:  # noqa: ANN001
        n = len(text)
        for m in _GLUED.finditer(text):
            i = m.start()
            if i == 0 or not (text[i - 1].isalpha()) or _in_spans(i, i + 1, urls):
                continue
            a, b = _word_span(text, i - 1, i + 1)
            yield mk("space-after", f"missing space after '{text[i]}': \"{text[a:b]}\"", a, b)
        for m in _PERIOD_JOIN.finditer(text):
            i = m.start()
            if i < 2 or not (text[i - 1].islower() and text[i - 2].islower()) or _in_spans(i, i + 1, urls):
                continue
            a, b = _word_span(text, i - 1, i + 1)
            if "." in text[a:i]:
                continue  # "e.g.The", "www.Example"
            yield mk("space-after", f"missing space after '.': \"{text[a:b]}\"", a, b)
        for m in _SPACE_BEFORE.finditer(text):
            i, j = m.start() - 1, m.end()
            if i == 0 or not text[i - 1].isalpha() or (j < n and not text[j].isspace()):
                continue  # "word ..." (ellipsis), "a .5 ratio"
            a = i
            while a > 0 and text[a - 1] in " \u00a0":
                a -= 1
            w0 = a
            while w0 > 0 and text[w0 - 1].isalnum():
                w0 -= 1
            yield mk("space-before", f"space before '{text[j - 1]}'", a - 1, j, text[w0:a] + text[j - 1])
        if "  " in text or "\u00a0" in text or "\t" in text or "\u2009" in text or "\u202f" in text:
            for m in _DOUBLE_SPACE.finditer(text):
                a, b = m.span()
                if a == 0 or b == n or text[a - 1].isspace() or text[b].isspace():
                    continue
                left = text.rfind(" ", 0, a - 1) + 1
                right = text.find(" ", b)
                right = n if right < 0 else right
                yield mk("double-space", "double space", a, b, text[left:a] + " " + text[b:right])
        first = _REPEATED_START.match(text)
        for m in ([first] if first else []) + list(_REPEATED.finditer(text)):
            w = m.group(1)
            if w.casefold() in _REPEAT_OK or w.isdigit():
                continue
            a, b = m.start(1), m.end()
            if (a and text[a - 1] in _QUOTE_CHARS) or (b < n and text[b] in _QUOTE_CHARS):
                continue  # "hav hav": a quoted sound or echo
            yield mk("repeated-word", f"repeated word \"{text[a:b]}\"", a, b)

    # ----------------------------------------------------------------------------- brackets

    def _brackets(self, text: str, mk, urls: list[tuple[int, int]]) -> Iterator[Issue]:  # noqa: ANN001
        if not any(c in text for c in "()[]{}"):
            return
        # Fast path (all in C): keep the brackets only and cancel matched pairs.
        seq = _NOT_BRACKET.sub("", text)
        while True:
            shorter = seq.replace("()", "").replace("[]", "").replace("{}", "")
            if shorter == seq:
                break
            seq = shorter
        if not seq:
            return
        pairs = {")": "(", "]": "[", "}": "{"}
        stack: list[tuple[str, int]] = []
        bad: list[tuple[str, int]] = []
        for m in _BRACKETS.finditer(text):
            ch, i = m.group(), m.start()
            if _in_spans(i, i + 1, urls):
                continue
            if ch in "([{":
                stack.append((ch, i))
                continue
            want = pairs[ch]
            if stack and stack[-1][0] == want:
                stack.pop()
            elif any(c == want for c, _ in stack):
                while stack[-1][0] != want:
                    bad.append(stack.pop())
                stack.pop()
            else:
                if ch == ")" and (_ENUM_BEFORE.search(text, 0, i) or (i and text[i - 1] in ":;")):
                    continue  # "a)", "12)", "יא)" list markers; ":)"
                bad.append((ch, i))
        bad.extend(stack)
        for ch, i in sorted(bad, key=lambda x: x[1]):
            kind = "opening" if ch in "([{" else "closing"
            yield mk("unbalanced", f"unbalanced {kind} '{ch}'", i, i + 1, ch + _word_near(text, i))

    # ----------------------------------------------------------------------------- quotes

    def _quotes(self, text: str, mk, full: bool) -> Iterator[Issue]:  # noqa: ANN001
        if full and "‘" in text:
            yield from self._single(text, mk)
        if '"' not in text and not (full and _CURLY.search(text)):
            return
        if not full and not _QUOTE_NOT_GERSHAYIM.search(text):
            return  # every " sits between two Hebrew letters: gershayim (בי"ע, מ"ן)
        bad = _quote_pass(text, full, set())
        if bad and not full:
            # ש"כל הבשר": a quotation opened right after a prefix letter looks like an acronym (ש"ס);
            # read it as a quote if that balances the paragraph.
            ambiguous = _prefix_quotes(text)
            if ambiguous and not _quote_pass(text, full, set(ambiguous)):
                return
        for kind, i, j in bad:
            ch = text[i]
            if kind == "mixed":
                yield mk("unbalanced", f"mismatched quotation marks '{text[j]}' … '{ch}'", j, i + 1,
                         text[j] + ch + _word_near(text, j))  # fmt: skip
            elif kind == "wrong":
                yield mk("unbalanced", f"'{ch}' used as a {'closing' if ch in '“„' else 'opening'} quotation mark",
                         i, i + 1, ch + _word_near(text, i))  # fmt: skip
            else:
                yield mk("unbalanced", f"unbalanced quotation mark '{ch}'", i, i + 1, ch + _word_near(text, i))

    def _single(self, text: str, mk) -> Iterator[Issue]:  # noqa: ANN001
        # ’ is also the apostrophe (one’s, students’), so only an opening ‘ that is never closed
        # is reported: a closing ’ is one not followed by a letter.
        n = len(text)
        for m in re.finditer("‘", text):
            i = m.start()
            j = i + 1
            closed = False
            while True:
                j = text.find("’", j)
                if j < 0:
                    break
                if not (j + 1 < n and text[j + 1].isalpha()):
                    closed = True
                    break
                j += 1
            if not closed:
                yield mk("unbalanced", "unbalanced quotation mark '‘'", i, i + 1, "‘" + _word_near(text, i))

    # ----------------------------------------------------------------------------- bidi

    def _bidi(self, text: str, mk, rtl: bool) -> Iterator[Issue]:  # noqa: ANN001
        has_rtl = bool(_RTL.search(text))
        controls = list(_BIDI.finditer(text)) if not text.isascii() else []
        if controls and not has_rtl:
            for m in controls:
                name = _BIDI_NAMES[m.group()]
                yield mk("bidi-stray", f"stray bidi control {name} (U+{ord(m.group()):04X}) in text without "
                         "right-to-left script", m.start(), m.end(), name + _word_near(text, m.start()))  # fmt: skip
        elif controls:
            emb: list[tuple[str, int]] = []
            iso: list[tuple[str, int]] = []
            bad: list[tuple[str, int]] = []
            for m in controls:
                ch, i = m.group(), m.start()
                if ch in "\u202a\u202b\u202d\u202e":
                    emb.append((ch, i))
                elif ch == "\u202c":
                    if emb:
                        emb.pop()
                    else:
                        bad.append((ch, i))
                elif ch in "\u2066\u2067\u2068":
                    iso.append((ch, i))
                elif ch == "\u2069":
                    if iso:
                        iso.pop()
                    else:
                        bad.append((ch, i))
            for ch, i in sorted(bad + emb + iso, key=lambda x: x[1]):
                name = _BIDI_NAMES[ch]
                yield mk("bidi-unbalanced", f"unbalanced bidi control {name} (U+{ord(ch):04X})", i, i + 1,
                         name + _word_near(text, i))  # fmt: skip
        if has_rtl and not rtl:
            for m in _HE_THEN_DIGIT.finditer(text):
                a = m.start()
                while a > 0 and _RTL.match(text, a - 1):
                    a -= 1
                yield mk("bidi-missing", "Hebrew followed by a number in left-to-right text: the number is "
                         "shown on the wrong side; add an LRM (U+200E) or isolate the Hebrew", a, m.end())  # fmt: skip


def _prefix_quotes(text: str) -> list[int]:
    """Quotes right after a one-letter Hebrew prefix at a word start (ש"כל): quote or acronym?"""
    out = []
    for m in re.finditer(r'(?:^|(?<=[\s(\[]))[\u05d5\u05d1\u05db\u05dc\u05de\u05e9\u05d4\u05d3]"(?=[\u05d0-\u05ea])', text):
        out.append(m.end() - 1)
    return out


def _quote_pass(text: str, full: bool, as_quotes: set[int]) -> list[tuple[str, int, int]]:
    """Match quotation marks in one paragraph: (kind, position, partner) of every problem.

    Straight quotes open or close by context (a space before: opening; a space or punctuation
    after: closing). A curly mark used the wrong way round (``“human“``) is one ``wrong`` problem, a
    pair of different styles (``"Heh”``) one ``mixed`` problem, an unpaired mark ``unbalanced``.
    Gershayim (בי"ע), transliterated acronyms (ZO"N) and inch marks (5") are not quotes.
    """
    n = len(text)
    stack: list[int] = []
    bad: list[tuple[str, int, int]] = []
    marks = [m.start() for m in _STRAIGHT.finditer(text)]
    if full:
        marks = sorted(marks + [m.start() for m in _CURLY.finditer(text)])
    for i in marks:
        ch = text[i]
        before = text[i - 1] if i else " "
        after = text[i + 1] if i + 1 < n else " "
        opening = i == 0 or before in _OPENERS
        closing = i == n - 1 or after in _CLOSERS
        if ch == '"':
            if i not in as_quotes:
                if is_gershayim_at(text, i):
                    continue  # בי"ע, מ"ן: an acronym, not a quote
                if before.isupper() and after.isupper() and before.isascii() and after.isascii():
                    continue  # a transliterated acronym written with gershayim (ZO"N)
                if before.isdigit() and not after.isalnum():
                    continue  # 5" (inches, seconds)
            role = "open" if opening and not closing else "close" if closing and not opening else "ambig"
            if i in as_quotes:
                role = "open"
        elif ch in "“„«":
            if is_gershayim_at(text, i):
                continue
            role = "open"
            if ch != "«" and closing and not opening and before.isalnum():
                bad.append(("wrong", i, i))
                role = "close"
        else:  # ” »
            if is_gershayim_at(text, i):
                continue
            role = "close"
            if ch == "”" and opening and not closing and after.isalnum():
                bad.append(("wrong", i, i))
                role = "open"
        if role == "ambig":
            role = "close" if stack and text[stack[-1]] == '"' else "open"
        if role == "open":
            stack.append(i)
            continue
        if not stack:
            bad.append(("unbalanced", i, i))
            continue
        j = stack.pop()
        straight_i, straight_j = ch == '"', text[j] == '"'
        if straight_i != straight_j and not any(k == i or k == j for _, k, _ in bad):
            bad.append(("mixed", i, j))
    bad += [("unbalanced", j, j) for j in stack]
    return sorted(bad, key=lambda b: b[1])


def _word_span(text: str, a: int, b: int) -> tuple[int, int]:
    """Extend ``[a, b)`` to the whole words around it ("Rosh,in")."""
    while a > 0 and text[a - 1].isalnum():
        a -= 1
    n = len(text)
    while b < n and text[b].isalnum():
        b += 1
    return a, b


def _word_near(text: str, i: int) -> str:
    """A few characters after (or before) position ``i`` so that two brackets in one paragraph differ."""
    tail = text[i + 1 : i + 12].strip()
    return tail or text[max(0, i - 11) : i].strip()
