"""The unit every exporter walks: one row per link, with its source and target paragraphs.

Rows hold references to the document's own Paragraph objects (never copies) and are produced
lazily, so a 10,000-link export holds the text once: in the Document it was given.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from workbench.errors import WorkbenchError
from workbench.hebrew import hebrew_ratio
from workbench.model import Document, Link, Paragraph, Text

RTL_LANGS = frozenset({"he", "arc", "yi", "ar", "fa", "ur", "syr", "jrb", "lad"})


def is_rtl_lang(lang: str | None) -> bool:
    return (lang or "").split("-")[0].split("_")[0].lower() in RTL_LANGS


def text_is_rtl(text: Text | None) -> bool:
    """Direction of one side: its language, or (language unknown) the script of its first paragraphs."""
    if text is None:
        return False
    lang = (text.lang or "").lower()
    if lang and lang not in ("und", "unknown", "xx"):
        return is_rtl_lang(lang)
    sample = " ".join(p.text for p in text.paragraphs[:20])
    return hebrew_ratio(sample) > 0.5


def lang_tag(lang: str | None, fallback: str) -> str:
    """A BCP 47 tag for TMX/TBX/XML: ``he``, ``en``; an unknown side gets ``fallback``."""
    lang = (lang or "").strip()
    return fallback if not lang or lang.lower() in ("und", "unknown") else lang


@dataclass(slots=True)
class Row:
    n: int  # 1-based position in the alignment (or in the side, for an unaligned one-sided document)
    link: Link | None
    source: list[Paragraph]
    target: list[Paragraph]


def doc_label(doc: Document) -> str:
    return f"document #{doc.id} '{doc.title}'" if doc.id is not None else f"document '{doc.title}'"


def check_exportable(doc: Document, links: list[Link], layout: str = "parallel", confirmed_only: bool = False) -> None:
    """Raise a WorkbenchError that says what to do when there is nothing (sensible) to export."""
    n_src = len(doc.source.paragraphs) if doc.source else 0
    n_tgt = len(doc.target.paragraphs) if doc.target else 0
    if n_src + n_tgt == 0:
        raise WorkbenchError(f"{doc_label(doc)} is empty: it has no paragraphs to export")
    if layout == "translation" and n_tgt == 0:
        raise WorkbenchError(f"{doc_label(doc)} has no translation; choose the parallel or alternating layout")
    if confirmed_only:
        if not any(lk.status == "confirmed" for lk in links):
            raise WorkbenchError(
                f"{doc_label(doc)} has no confirmed links yet; confirm links on the Alignment page or export all links"
            )
    elif not links and n_src and n_tgt and layout != "translation":
        raise WorkbenchError(
            f"{doc_label(doc)} is not aligned yet; align it first (workbench align {doc.id}) or export the translation only"
        )


def iter_rows(
    doc: Document, links: list[Link], *, layout: str = "parallel", confirmed_only: bool = False
) -> Iterator[Row]:
    """Rows in alignment order; an unaligned one-sided document gives one row per paragraph."""
    if links:
        index = doc.paragraph_index()
        for n, link in enumerate(links, 1):
            if confirmed_only and link.status != "confirmed":
                continue
            src = [index[i] for i in link.source if i in index]
            tgt = [index[i] for i in link.target if i in index]
            if layout == "translation" and not tgt:
                continue
            if src or tgt:
                yield Row(n, link, src, tgt)
        return
    if confirmed_only:
        return
    if layout == "translation" or not doc.source or not doc.source.paragraphs:
        for n, p in enumerate(doc.target.paragraphs if doc.target else [], 1):
            yield Row(n, None, [], [p])
    elif not doc.target or not doc.target.paragraphs:
        for n, p in enumerate(doc.source.paragraphs, 1):
            yield Row(n, None, [p], [])


def count_rows(doc: Document, links: list[Link], *, layout: str = "parallel", confirmed_only: bool = False) -> int:
    if links:
        if layout == "translation":
            return sum(1 for lk in links if lk.target and (not confirmed_only or lk.status == "confirmed"))
        return sum(1 for lk in links if not confirmed_only or lk.status == "confirmed")
    return sum(1 for _ in iter_rows(doc, links, layout=layout, confirmed_only=confirmed_only))


def joined(paras: list[Paragraph], sep: str = "\n") -> str:
    return sep.join(p.text for p in paras)


def labels(paras: list[Paragraph]) -> str:
    return ", ".join(p.label for p in paras if p.label)
