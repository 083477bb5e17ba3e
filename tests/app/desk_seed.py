"""A small aligned document for the desk's tests: Hebrew with its English, a termbase whose forms
occur in it (a forbidden variant spelling the checks report with a suggested fix), the checks run.
Shared by the page tests and the browser test."""

from __future__ import annotations

from pathlib import Path

from workbench.model import Document, Link, Paragraph, Text
from workbench.store import open_store
from workbench.terms import Term

HEBREW = [
    "הצמצום הראשון היה בעולם אין סוף.",
    "והמסך עומד בפה דראש, ומעכב את האור העליון.",
    "ואור חוזר עולה מן המסך ומלביש את האור.",
    "וזה סוד הזיווג דהכאה שבכל פרצוף.",
]
ENGLISH = [
    "The first Tsimtsum was in the world of Ein Sof.",
    "And the Masach stands at the Peh de Rosh, <b>and</b> stops the Upper Light.",
    "Reflected Light rises from the Masach and clothes the Light.",
    "This is the secret of the Zivug de Hakaa in every Partzuf.",
]
TERMS = [
    Term("צמצום", "Tzimtzum", variants=["Tsimtsum"], variant_policy="forbidden", gloss="restriction"),
    Term("מסך", "Masach", gloss="screen"),
    Term("פרצוף", "Partzuf", gloss="face, a complete structure"),
]


def seed_desk(db: str | Path, *, checks: bool = True, title: str = "Desk <i>test</i>") -> int:
    s = open_store(db)
    try:
        src = [Paragraph(t) for t in HEBREW]
        tgt = [Paragraph(t) for t in ENGLISH]
        doc_id = s.create_document(Document(title, Text("he", src), Text("en", tgt)), "seed")
        links = [Link([a.id], [b.id], score, "auto") for a, b, score in zip(src, tgt, (0.95, 0.4, 0.9, 0.85), strict=True)]
        s.save_links(doc_id, links, 0, "seed")
        for t in TERMS:
            s.terms.add(t, "seed")
        if checks:
            from workbench.checks import CheckRunner

            CheckRunner(s).run([doc_id], user="seed")
        return doc_id
    finally:
        s.close()


def seed_translation_only(db: str | Path) -> int:
    s = open_store(db)
    try:
        return s.create_document(Document("Shamati-like", None, Text("en", [Paragraph(t) for t in ENGLISH[:3]])), "seed")
    finally:
        s.close()
