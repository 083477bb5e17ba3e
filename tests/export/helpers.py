"""Small bilingual documents built in memory, and readers for the DOCX XML the tests inspect."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

from lxml import etree

from workbench.hebrew import parse_label
from workbench.model import Document, Link, Mark, Paragraph, Text

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NS = {"w": W}

HE = [
    "א) רצוני בהקדמה זו לברר איזה דברים פשוטים לכאורה.",
    "ב) ונבאר את המסך שבכלי מלכות, שהוא עושה זווג דהכאה.",
    "ג) ובזה תבין מה שאמרו ז\"ל: הקב\"ה ושכינתיה.",
    "ד) והנה נתבאר ענין הרשימות (Reshimot) שנשארו.",
]
EN = [
    "1. In this introduction I wish to clarify matters that seem simple.",
    "2. Let us explain the Masach in the Kli of Malchut, which performs a Zivug de Hakaa.",
    "3. By this you will understand what our sages said: the Creator and His Shechina.",
    "4. Thus the matter of the Reshimot (רשימות) that remained has been explained.",
]


def para(text: str, marks: list[Mark] | None = None) -> Paragraph:
    label, value, _ = parse_label(text)
    return Paragraph(text, marks or [], label, value)


def make_doc(n: int = 4, *, statuses: list[str] | None = None, title: str = "Introduction to the Book of Zohar"):
    """A he/en document of ``n`` paragraph pairs (cycling the inline texts) and its 1-1 links."""
    src = [para(HE[i % len(HE)]) for i in range(n)]
    tgt = [para(EN[i % len(EN)]) for i in range(n)]
    doc = Document(title, Text("he", src), Text("en", tgt), metadata={"credits": "Hebrew: Sefaria; English: test"}, id=7)
    statuses = statuses or ["confirmed"] * n
    links = [Link([s.id], [t.id], score=0.9, status=statuses[i]) for i, (s, t) in enumerate(zip(src, tgt, strict=True))]
    return doc, links


def first_pairs(path: Path, n: int) -> list[dict]:
    """The first ``n`` gold pairs of a ``pairs.jsonl`` (tests/data/intro_zohar/)."""
    out = []
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            out.append(json.loads(line))
            if len(out) == n:
                break
    return out


def doc_from_pairs(pairs: list[dict], title: str = "Introduction to the Book of Zohar"):
    src = [para(p["he"]) for p in pairs]
    tgt = [para(p["en"]) for p in pairs]
    doc = Document(title, Text("he", src), Text("en", tgt), id=1)
    return doc, [Link([s.id], [t.id], score=0.8, status="confirmed") for s, t in zip(src, tgt, strict=True)]


def docx_xml(path: Path, member: str = "word/document.xml") -> etree._Element:
    with zipfile.ZipFile(path) as z:
        return etree.fromstring(z.read(member))


def docx_members(path: Path) -> list[str]:
    with zipfile.ZipFile(path) as z:
        return z.namelist()


def w(tag: str) -> str:
    return f"{{{W}}}{tag}"


def texts(el: etree._Element) -> str:
    return "".join(el.itertext())
