"""TMX 1.4: one translation unit per link, written as a stream.

Each ``<tu>`` carries the link id (``tuid``), a creation date (the link's first history entry when
the store knows it, else the document's creation time), the link's status, score, kind and item
labels as ``<prop>``s, and one ``<tuv>`` per language. Links with an empty side (a paragraph
with no counterpart) are not translation units and are left out; the count is reported.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

from workbench import __version__ as _version
from workbench.atomic import atomic_path
from workbench.errors import WorkbenchError
from workbench.export.ooxml import xml_text
from workbench.export.units import check_exportable, iter_rows, joined, labels, lang_tag
from workbench.model import Document, Link

Progress = Callable[[float, str], None]


@dataclass
class TmxStats:
    units: int = 0
    skipped_one_sided: int = 0


def tmx_date(value: str | datetime | None = None) -> str:
    """``20250101T120000Z`` (TMX's ISO 8601 basic format, UTC) from an ISO string or a datetime;
    ``None`` is now (the file's own creation date).

    A date that cannot be read is refused, not replaced by the current time: a translation memory
    that says a unit was created today when its history says otherwise would mislead whoever
    merges it, and the bad value points at damaged data the editor should hear about.
    """
    if value is None:
        dt = datetime.now(UTC)
    elif isinstance(value, datetime):
        dt = value
    else:
        try:
            dt = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            raise WorkbenchError(f"cannot write the TMX: {value!r} is not a date (ISO 8601 expected)") from None
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    return dt.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def _seg(text: str) -> str:
    return escape(xml_text(" ".join(text.split())))


def write_tmx(
    doc: Document,
    links: list[Link],
    path: str | Path,
    *,
    confirmed_only: bool = False,
    link_dates: dict[str, str] | None = None,
    progress: Progress | None = None,
) -> TmxStats:
    check_exportable(doc, links, "parallel", confirmed_only)
    src_lang = lang_tag(doc.source_lang, "he")
    tgt_lang = lang_tag(doc.target_lang, "en")
    doc_date = tmx_date(doc.created) if doc.created else tmx_date()
    stats = TmxStats()
    total = max(1, len(links))
    step = max(1, total // 50)
    with atomic_path(path) as tmp, open(tmp, "w", encoding="utf-8", newline="\n") as fh:
        w = fh.write
        w('<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE tmx SYSTEM "tmx14.dtd">\n<tmx version="1.4">\n')
        w(
            f'  <header creationtool="workbench" creationtoolversion={quoteattr(_version)} datatype="plaintext"'
            f' segtype="paragraph" adminlang="en" srclang={quoteattr(src_lang)} o-tmf="workbench"'
            f' creationdate="{tmx_date()}">\n'
            f'    <prop type="x-document">{_seg(doc.title)}</prop>\n'
        )
        if doc.id is not None:
            w(f'    <prop type="x-document-id">{doc.id}</prop>\n')
        w("  </header>\n  <body>\n")
        for i, row in enumerate(iter_rows(doc, links, confirmed_only=confirmed_only), 1):
            if not row.source or not row.target:
                stats.skipped_one_sided += 1
                continue
            link = row.link
            tuid = link.id if link else f"p{row.n}"
            date = tmx_date(link_dates[tuid]) if link_dates and tuid in link_dates else doc_date
            w(f"    <tu tuid={quoteattr(tuid)} creationdate=\"{date}\">\n")
            if link is not None:
                w(f'      <prop type="x-status">{link.status}</prop>\n')
                w(f'      <prop type="x-score">{float(link.score):.3f}</prop>\n')
                w(f'      <prop type="x-kind">{link.kind}</prop>\n')
            w(f'      <prop type="x-link">{row.n}</prop>\n')
            for side, paras in (("source", row.source), ("target", row.target)):
                lab = labels(paras)
                if lab:
                    w(f'      <prop type="x-{side}-label">{_seg(lab)}</prop>\n')
            w(f"      <tuv xml:lang={quoteattr(src_lang)}><seg>{_seg(joined(row.source, ' '))}</seg></tuv>\n")
            w(f"      <tuv xml:lang={quoteattr(tgt_lang)}><seg>{_seg(joined(row.target, ' '))}</seg></tuv>\n")
            w("    </tu>\n")
            stats.units += 1
            if progress and i % step == 0:
                progress(i / total, f"{i} of {total} links")
        w("  </body>\n</tmx>\n")
    return stats
