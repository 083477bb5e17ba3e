"""Building documents and the termbase of the case table in memory."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from workbench.model import Document, Link, Paragraph, Text
from workbench.terms import Term

CASES = Path(__file__).with_name("cases.json")


def load_cases() -> dict[str, Any]:
    return json.loads(CASES.read_text(encoding="utf-8"))


def termbase(data: dict[str, Any] | None = None) -> list[Term]:
    data = data or load_cases()
    return [Term(**entry, id=i + 1) for i, entry in enumerate(data["termbase"])]


def _paras(x: str | list[str] | None) -> list[Paragraph]:
    if x is None:
        return []
    items = [x] if isinstance(x, str) else x
    return [Paragraph(t) for t in items]


def pair_doc(pairs: list[list[str]], title: str = "case") -> tuple[Document, list[Link]]:
    """A two-sided document with one link per pair (an empty string: no paragraph on that side)."""
    src, tgt, links = [], [], []
    for s, t in pairs:
        sp = [Paragraph(s)] if s != "" else []
        tp = [Paragraph(t)] if t != "" else []
        src += sp
        tgt += tp
        links.append(Link([p.id for p in sp], [p.id for p in tp]))
    return Document(title, Text("he", src), Text("en", tgt)), links


def case_docs(case: dict[str, Any]) -> list[tuple[Document, list[Link]]]:
    if "docs" in case:
        out = []
        for d in case["docs"]:
            out += case_docs(d)
        return out
    if "pairs" in case:
        return [pair_doc(case["pairs"])]
    if case.get("source") is None:
        return [(Document("case", None, Text("en", _paras(case["target"]))), [])]
    src, tgt = case["source"], case["target"]
    if isinstance(src, str) and isinstance(tgt, str):
        return [pair_doc([[src, tgt]])]
    doc = Document("case", Text("he", _paras(src)), Text("en", _paras(tgt)))
    return [(doc, [Link([p.id for p in doc.source.paragraphs], [p.id for p in doc.target.paragraphs])])]
