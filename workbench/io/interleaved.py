"""Split a bilingual file whose paragraphs alternate between the original and the translation.

Real files do not alternate perfectly: a heading has no translation, a paragraph was translated in
two, one was skipped. Consecutive paragraphs in the same language are therefore grouped, and each
group is paired with the group that follows it; those pairs are kept as alignment hints (a 2-1
group is a 2-1 link) rather than forcing a strict one-to-one split.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from workbench.errors import InputError
from workbench.hebrew import hebrew_ratio
from workbench.io.language import (
    UNDETERMINED,
    detect_language,
    is_hebrew_code,
    letter_count,
    name,
    sample_paragraphs,
)
from workbench.model import Paragraph


@dataclass
class Interleaved:
    source: list[Paragraph]
    target: list[Paragraph]
    source_lang: str
    target_lang: str
    links: list[tuple[list[int], list[int]]] = field(default_factory=list)  # indexes per side
    warnings: list[str] = field(default_factory=list)


def _classify(paragraphs: list[Paragraph]) -> list[str | None]:
    """Language per paragraph, None where it cannot be told (numbers, "* * *", short Latin)."""
    langs: list[str | None] = []
    for p in paragraphs:
        head = p.text[:400]
        if not letter_count(head):
            langs.append(None)
        else:
            langs.append("he" if hebrew_ratio(head) > 0.5 else "")
    if "he" in langs and "" in langs:
        return [lang if lang != "" else "other" for lang in langs]
    # No script contrast: ask langdetect per paragraph (costly, so only in this case).
    return [None if lang is None else (detect_language(p.text[:600], min_letters=40)) for lang, p in
            zip(langs, paragraphs, strict=True)]


def split_interleaved(
    paragraphs: list[Paragraph],
    *,
    source_lang: str | None = None,
    target_lang: str | None = None,
    path: str | None = None,
) -> Interleaved:
    """Source and target paragraphs (in order), their languages and the group pairs."""
    langs = _classify(paragraphs)
    counts = Counter(lang for lang in langs if lang and lang != UNDETERMINED)
    if len(counts) < 2:
        found = ", ".join(name(c) for c in counts) or "no language"
        raise InputError(path, f"interleaved file has only one language ({found}): nothing to split")
    (a, _), (b, _) = counts.most_common(2)
    warnings: list[str] = []
    if len(counts) > 2:
        others = sorted(set(counts) - {a, b})
        warnings.append(f"paragraphs in {', '.join(name(c) for c in others)} were put with their neighbours")
    first = next(lang for lang in langs if lang in (a, b))
    src_key = "he" if "he" in (a, b) else first
    if source_lang and target_lang and is_hebrew_code(target_lang) and not is_hebrew_code(source_lang):
        src_key = b if src_key == a else a  # the caller says the translation is the Hebrew side
    # Paragraphs that cannot be told go with the next one (a number or title precedes its text).
    sides: list[bool | None] = [None if lang not in (a, b) else lang == src_key for lang in langs]
    nxt: bool | None = None
    for i in range(len(sides) - 1, -1, -1):
        if sides[i] is None:
            sides[i] = nxt
        else:
            nxt = sides[i]
    prev = next(s for s in sides if s is not None)
    for i, s in enumerate(sides):
        sides[i] = prev if s is None else s
        prev = sides[i]

    out = Interleaved([], [], "", "", warnings=warnings)
    runs: list[tuple[bool, list[int]]] = []
    for p, is_src in zip(paragraphs, sides, strict=True):
        bucket = out.source if is_src else out.target
        if not runs or runs[-1][0] != is_src:
            runs.append((bool(is_src), []))
        runs[-1][1].append(len(bucket))
        bucket.append(p)
    # Source-first files pair each source run with the next target run; a file that starts with
    # the translation (and has an even number of runs) pairs the other way. A lone leading run (a
    # stray heading) makes the count odd and stays a link of its own.
    start = 0 if runs[0][0] or len(runs) % 2 == 0 else 1
    if start:
        out.links.append(([], runs[0][1]))
    for k in range(start, len(runs), 2):
        pair = runs[k : k + 2]
        src = next((ix for s, ix in pair if s), [])
        tgt = next((ix for s, ix in pair if not s), [])
        out.links.append((src, tgt))
    uneven = [(s, t) for s, t in out.links if len(s) != len(t)]
    if uneven:
        s, t = uneven[0]
        where = f"source paragraph {s[0] + 1}" if s else f"target paragraph {t[0] + 1}"
        out.warnings.append(
            f"{len(uneven)} place(s) where the languages do not alternate one by one (first at {where});"
            " the paragraphs there were grouped"
        )
    other = b if src_key == a else a
    out.source_lang = source_lang or (src_key if src_key != "other" else _detect(out.source))
    out.target_lang = target_lang or (other if other != "other" else _detect(out.target))
    return out


def _detect(paragraphs: list[Paragraph]) -> str:
    return detect_language(sample_paragraphs(paragraphs))
