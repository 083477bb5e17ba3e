"""``number-mismatch``: a number of the source that the translation gives differently.

Kabbalah texts count in Hebrew letter numerals: רמ"ח (248 organs), שס"ה (365 sinews), תרי"ג (613
Mitzvot), and cite items as ``אות קיג``. Many acronyms are valid numerals too (ע"י = 80 is "by",
ח"ו = 14 is "heaven forbid", כח"ב is Keter-Hochma-Bina), so a numeral of the source is believed only
when it is long (three letters or more, worth 100 or more, not a listed acronym) or follows a
citation word (אות, אותיות, דף, פרק); prefix letters are peeled (מתרי"ג, שרמ"ח). The translation's
numbers are its digits and its number words (``six hundred and thirteen``).

A finding needs both sides: a believed source number the translation lacks *and* a translation number
the source lacks, in the same link; it is reported at the translation's number (``284`` where the
source has רמ"ח, 248). Cited item numbers are matched but never trigger a finding (editions number
the items of the Zohar differently), nor does a year (``ה' אלפים של"ב`` is 1572). One side alone is usually not a slip (a numeral the translation
spells out as words it does not use, a number the translator added: "the five levels").
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from workbench.checks.base import Issue, LinkCheck, register
from workbench.checks.context import CheckContext, LinkUnit
from workbench.hebrew import PREFIX_LETTERS, hebrew_numeral_value

# Acronyms with gershayim that happen to be valid numerals.
ACRONYMS = frozenset(
    'ע"י ח"ו כח"ב ת"ת חו"ב ע"ה ז"ל ע"כ א"כ ר"ל ת"ח ש"ס ר"ת ע"ש ע"ב ק"ו ח"א ח"ב ח"ג ב"ה ו"ק ג"כ ס"ת '
    'ט"ר ז"ת ו"ה חג"ת נה"י נהי"מ חב"ד תו"מ כח"ב זו"ן או"א מ"ה ב"ן ס"ג ע"ב י"ה י"ס ר"פ ש"ך תע"ס'.split()
)
_HE_NUMERAL = re.compile(r"(?<![\u05d0-\u05ea\"״'׳])([\u05d0-\u05ea]{1,5})([\"״])([\u05d0-\u05ea])(?![\u05d0-\u05ea\"״])")
_CITE_WORD = re.compile(r"(?<![\u05d0-\u05ea])(?:אות|אותיות|דף|פרק|סימן|תיקון|עמוד|עמ'|אלפים)\s*$")
_CITE_BEFORE = re.compile(r"(?<![\u05d0-\u05ea])(?:אות|אותיות|דף|פרק|סימן)\s+(?:[\u05d0-\u05ea]{1,4}['׳]?\s*,\s*)*$")
_HAS_CITE_WORD = re.compile(r"אות|דף|פרק|סימן")
_CITE_NUMERAL = re.compile(r"(?<=[\s,])([\u05d0-\u05ea]{1,4})(?:['׳])?(?=[\s,;).]|$)")
_DIGITS = re.compile(r"(?<![\w.,])(\d{1,3}(?:,\d{3})+|\d+)(?![\w]|[.,]\d)")
# A believed source number is digits, or a numeral of four characters or more: two letters or more
# before its gershayim (a cheap test that passes every source with one).
_MAY_BELIEVE = re.compile(r"\d|[\u05d0-\u05ea]{2}[\"״][\u05d0-\u05ea]")
_LABEL = re.compile(r"^\s*(?:\(?\d{1,4}[.)]|Item\s+\d+)")

_UNITS = {w: i for i, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
    "seventeen eighteen nineteen".split())}  # fmt: skip
_TENS = {w: 10 * (i + 2) for i, w in enumerate("twenty thirty forty fifty sixty seventy eighty ninety".split())}
# The lookahead (every number word starts with one of these letters) only spares the alternation at
# positions where no number word can start: the same matches, twice as fast.
_NUMBER_WORDS = re.compile(
    r"(?=[zotfsenha])\b(?:(?:" + "|".join([*_UNITS, *_TENS, "hundred", "thousand", "and"]) + r")(?:[\s-]+|\b))+", re.I
)


def words_value(phrase: str) -> int | None:
    """``six hundred and thirteen`` -> 613, ``two hundred forty-eight`` -> 248; None if not a number."""
    words = [w for w in re.split(r"[\s-]+", phrase.lower()) if w and w != "and"]
    if not words:
        return None
    total = cur = 0
    for w in words:
        if w in _UNITS:
            cur += _UNITS[w]
        elif w in _TENS:
            cur += _TENS[w]
        elif w == "hundred":
            cur = (cur or 1) * 100
        elif w == "thousand":
            total += (cur or 1) * 1000
            cur = 0
        else:
            return None
    return total + cur


def target_numbers(text: str) -> list[tuple[int, int, int]]:
    """(value, start, end) of the numbers of a translation paragraph (not its item label). Number
    words count from 100 or when compound ("forty-eight"): "one" and "two" are mostly not counts."""
    out = []
    label = _LABEL.match(text)
    skip_to = label.end() if label else 0
    for m in _DIGITS.finditer(text):
        if m.start() < skip_to:
            continue
        out.append((int(m.group(1).replace(",", "")), m.start(1), m.end(1)))
    for m in _NUMBER_WORDS.finditer(text):
        phrase = m.group().strip(" -")
        if phrase.lower().startswith("and"):
            continue
        v = words_value(phrase)
        if v is not None and (v >= 100 or len(phrase.split()) > 1 or "-" in phrase):
            out.append((v, m.start(), m.start() + len(phrase)))
    return out


def source_numbers(text: str) -> list[tuple[set[int], bool, int, int, str]]:
    """(possible values, believed, start, end, as written) of the numerals of a source paragraph."""
    out = []
    for m in _HE_NUMERAL.finditer(text):
        token = m.group(0)
        values: set[int] = set()
        cite = bool(_CITE_WORD.search(text[max(0, m.start() - 12) : m.start()]))
        stems = [m.group(1)[k:] + '"' + m.group(3) for k in range(min(3, len(m.group(1))))
                 if all(ch in PREFIX_LETTERS + "ד" for ch in m.group(1)[:k])]  # fmt: skip
        if any(st in ACRONYMS for st in stems):
            continue  # שע"י: ש + ע"י ("that by"), not 380
        believed = False
        for stem in stems:
            v = hebrew_numeral_value(stem)
            if v is None:
                continue
            values.add(v)
            believed = believed or (not cite and v >= 100 and len(stem) >= 4)
        if values:
            out.append((values, believed, m.start(), m.end(), token))
    for m in _CITE_NUMERAL.finditer(text) if _HAS_CITE_WORD.search(text) else ():
        if not _CITE_BEFORE.search(text[max(0, m.start() - 40) : m.start()]):
            continue
        v = hebrew_numeral_value(m.group(1))
        if v is not None:  # a cited item: matched, never a trigger (editions number items differently)
            out.append(({v}, False, m.start(1), m.end(1), m.group(1)))
    for m in _DIGITS.finditer(text):
        out.append(({int(m.group(1).replace(",", ""))}, True, m.start(1), m.end(1), m.group(1)))
    return out


@register
class NumberMismatch(LinkCheck):
    id = "number-mismatch"
    name = "Number differs from the source"
    severity = "warning"
    one_sided = False
    description = (
        "A number of the source (a Hebrew letter numeral such as רמ\"ח = 248 or תרי\"ג = 613, an item "
        "cited as אות קיג, or digits) is not in the aligned translation, which has another number "
        "instead (digits or words: six hundred and thirteen). Acronyms that happen to be numerals (ע\"י, "
        "ח\"ו) and numbers on one side only are left alone."
    )

    def check_link(self, unit: LinkUnit, ctx: CheckContext) -> Iterator[Issue]:
        if not unit.paired or not unit.source or not unit.target:
            return
        if not any(_MAY_BELIEVE.search(p.text) for p in unit.source):
            return  # no digit and no long numeral in the source: no number of it can be believed
        tgt = [(p, n) for p in unit.target for n in target_numbers(p.text)]
        if not tgt:
            return  # the cheaper side first: most links have no number in the translation
        src = [(p, n) for p in unit.source for n in source_numbers(p.text)]
        if not any(believed for _, (_, believed, *_rest) in src):
            return
        src_values = set().union(*(vals for _, (vals, *_r) in src))
        tgt_values = {v for _, (v, _a, _b) in tgt}
        lost = [(p, n) for p, n in src if n[1] and not (n[0] & tgt_values)]
        extra = [(p, n) for p, n in tgt if n[0] not in src_values and n[0] >= 2]
        if not lost or not extra:
            return
        for p, (v, start, end) in extra:
            near = [(n[4], min(n[0], key=lambda x: abs(x - v))) for _, n in lost]
            shown = ", ".join(dict.fromkeys(f"{tok} ({val})" for tok, val in near[:3]))
            yield self.issue(
                f"the translation has {v} where the source has {shown}",
                para_id=p.id, side="target", start=start, end=end, key=str(v),
                data={"value": v, "source_numbers": [max(n[0]) for _, n in lost]},
            )  # fmt: skip
