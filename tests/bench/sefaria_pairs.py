#!/usr/bin/env python3
"""Turn a pair of Sefaria version JSON files (Hebrew and English of one text) into a ``pairs.jsonl``.

Sefaria's own segment alignment is the gold: segment ``addr`` of the Hebrew version is paired with
segment ``addr`` of the English (``[i][j]`` for a two-level text, ``["Section", j]`` or
``["Section", i, j]`` for a text whose ``text`` is an object of named sections). Pairs where either
side is missing or empty after stripping are skipped.

Stripping, as for ``tests/data/intro_zohar/pairs.jsonl`` (tests/data/ATTRIBUTION.md), and written
independently of the workbench's Sefaria reader: footnotes dropped (``<sup class="footnote-marker">``,
bare numeric ``<sup>``, ``<i class="footnote">`` bodies including nested ``<i>``, and a footnote that
runs on into the next segment); ``<br>`` turned into a space; every other tag removed and its text
kept (headings such as ``<b>…</b>`` stay as text); HTML entities unescaped; whitespace collapsed.

``--bold-only`` keeps, of the English side, only the text inside ``<b>…</b>`` (runs joined with a
space), then strips it as above. The William Davidson Talmud's English sets the literal translation of
the Aramaic in bold and weaves the Steinsaltz commentary around it in roman: with the option the pairs
are the literal translation, without it the commentary-woven one, of the same Aramaic and the same
segments. Headings in ``<strong>`` (``MISHNA:``, ``GEMARA:``) are not ``<b>`` and are dropped.

Each line: ``ref`` (Sefaria-style, 1-based), ``addr`` (0-based path into ``text``), ``he``, ``en``,
``he_chars``, ``en_chars``, ``len_ratio`` (en/he), ``ratio_outlier`` (ratio more than 2.5 times, or
less than 1/2.5 of, the median). Python standard library only.

    python tests/bench/sefaria_pairs.py HE.json EN.json --out tests/data/NAME/pairs.jsonl
    python tests/bench/sefaria_pairs.py HE.json EN.json --bold-only --out tests/data/NAME/pairs_literal.jsonl
"""

from __future__ import annotations

import argparse
import html
import json
import re
import statistics
import sys
from pathlib import Path
from typing import Any

_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9]*)([^>]*)>")
_NUMERIC_SUP = re.compile(r"<sup>\s*[\d*†]+\s*</sup>")
_MARKER_SUP = re.compile(r'<sup\s+class="footnote-marker"\s*>.*?</sup>', re.S)


class Stripper:
    """Strips one version's segments in order; a footnote left open carries into the next segment."""

    def __init__(self) -> None:
        self.depth = 0  # > 0 while inside an <i class="footnote"> (counting nested <i>)

    def strip(self, s: str) -> str:
        s = _MARKER_SUP.sub("", s)
        s = _NUMERIC_SUP.sub("", s)
        out: list[str] = []
        pos = 0
        for m in _TAG.finditer(s):
            if not self.depth:
                out.append(s[pos : m.start()])
            pos = m.end()
            closing, tag, attrs = m.group(1) == "/", m.group(2).lower(), m.group(3)
            if self.depth:
                if tag == "i":
                    self.depth += -1 if closing else (0 if attrs.rstrip().endswith("/") else 1)
                continue
            if tag == "i" and not closing and re.search(r'class\s*=\s*"[^"]*\bfootnote\b', attrs):
                self.depth = 1
            elif tag == "br":
                out.append(" ")
        if not self.depth:
            out.append(s[pos:])
        return " ".join(html.unescape("".join(out)).split())


def bold_text(s: str) -> str:
    """The text inside ``<b>`` (nested ``<b>`` counted), tags inside it kept for the stripper, one
    space between runs; ``<strong>`` and everything outside bold dropped."""
    runs: list[str] = []
    depth, pos = 0, 0
    for m in _TAG.finditer(s):
        if m.group(2).lower() != "b":
            continue
        if depth:
            runs[-1] += s[pos : m.start()]
        if m.group(1) == "/":
            depth = max(0, depth - 1)
        else:
            if not depth:
                runs.append("")
            depth += 1
        pos = m.end()
    if depth:  # a bold left open runs to the end of the segment
        runs[-1] += s[pos:]
    return " ".join(runs)


def segments(node: Any, addr: tuple = ()) -> list[tuple[tuple, str]]:
    """Every string of a version's ``text`` with its address, in document order."""
    if isinstance(node, str):
        return [(addr, node)]
    if isinstance(node, list):
        return [x for k, child in enumerate(node) for x in segments(child, (*addr, k))]
    if isinstance(node, dict):
        return [x for k, child in node.items() for x in segments(child, (*addr, k))]
    return []


def stripped(version: dict[str, Any], bold: bool = False) -> dict[tuple, str]:
    st = Stripper()
    return {a: st.strip(bold_text(s) if bold else s) for a, s in segments(version["text"])}


def make_ref(title: str, addr: tuple) -> str:
    names = [a for a in addr if isinstance(a, str)]
    nums = [str(a + 1) for a in addr if isinstance(a, int)]
    return f"{title}{', ' + ', '.join(names) if names else ''} {':'.join(nums)}"


def build_pairs(he: dict[str, Any], en: dict[str, Any], bold_only: bool = False) -> list[dict[str, Any]]:
    """``bold_only``: the English side is only its bold text (see the module docstring)."""
    hs, es = stripped(he), stripped(en, bold=bold_only)
    title = he.get("title") or en.get("title") or ""
    rows = []
    for addr, h in hs.items():
        e = es.get(addr, "")
        if not h or not e:
            continue
        rows.append({"ref": make_ref(title, addr), "addr": list(addr), "he": h, "en": e,
                     "he_chars": len(h), "en_chars": len(e), "len_ratio": round(len(e) / len(h), 3)})
    if rows:
        med = statistics.median(r["en_chars"] / r["he_chars"] for r in rows)
        for r in rows:
            q = r["en_chars"] / r["he_chars"] / med
            r["ratio_outlier"] = q > 2.5 or q < 1 / 2.5
    return rows


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    ap.add_argument("he", type=Path, help="the Hebrew (or Aramaic) version JSON")
    ap.add_argument("en", type=Path, help="the English version JSON")
    ap.add_argument("--out", required=True, type=Path)
    ap.add_argument("--bold-only", action="store_true",
                    help="English side: only the text inside <b>...</b> (the William Davidson Talmud's literal"
                         " translation, without the commentary woven around it)")
    args = ap.parse_args(argv)
    he = json.loads(args.he.read_text(encoding="utf-8"))
    en = json.loads(args.en.read_text(encoding="utf-8"))
    rows = build_pairs(he, en, bold_only=args.bold_only)
    args.out.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    n_he = sum(1 for _a, s in segments(he["text"]) if s.strip())
    n_en = sum(1 for _a, s in segments(en["text"]) if s.strip())
    print(json.dumps({"pairs": len(rows), "he_segments": n_he, "en_segments": n_en,
                      "outliers": [r["ref"] for r in rows if r["ratio_outlier"]]}, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
