"""A structured HTML preview of an edition's first page, for when LibreOffice is not installed.

Every piece of user text goes through ``html.escape``; direction and language come from the
document, so Hebrew shows right-to-left just as in the DOCX.
"""

from __future__ import annotations

import html
import itertools

from workbench.export.options import ExportOptions
from workbench.export.units import iter_rows, text_is_rtl
from workbench.hebrew import hebrew_ratio
from workbench.model import Document, Link, Paragraph

HEBREW_CSS = "'Noto Serif Hebrew','SBL Hebrew','Ezra SIL','David',serif"


def _para(p: Paragraph, rtl: bool) -> str:
    body = html.escape(p.text)
    if rtl:
        return f'<p dir="rtl" lang="he" style="text-align:right;font-family:{HEBREW_CSS};font-size:1.1em;margin:0 0 .4em">{body}</p>'
    return f'<p dir="ltr" style="margin:0 0 .4em">{body}</p>'


def _line(text: str, style: str) -> str:
    d = "rtl" if hebrew_ratio(text) > 0.5 else "ltr"
    return f'<div dir="{d}" style="{style}">{html.escape(text)}</div>'


def html_preview(doc: Document, links: list[Link], options: ExportOptions | None = None, max_rows: int = 12) -> str:
    o = options or ExportOptions()
    src_rtl, tgt_rtl = text_is_rtl(doc.source), text_is_rtl(doc.target)
    out = ['<div style="border:1px solid #ccc;padding:1.5em;background:#fff;color:#111;font-family:serif">']
    title = o.title or doc.title
    if o.title_page:
        out.append(_line(title, "text-align:center;font-size:1.6em;font-weight:bold;margin:.5em 0"))
        for line in (o.author or doc.metadata.get("author"),
                     f"Translated by {o.translator}" if o.translator else None,
                     o.credits if o.credits is not None else doc.metadata.get("credits")):
            if line:
                out.append(_line(str(line), "text-align:center;color:#444;margin:.2em 0"))
        out.append('<hr style="margin:1em 0">')
    elif o.running_header:
        out.append(_line(title, "text-align:center;font-style:italic;color:#666;margin-bottom:1em"))
    rows = list(itertools.islice(iter_rows(doc, links, layout=o.layout, confirmed_only=o.confirmed_only), max_rows))
    if o.layout == "parallel":
        out.append('<table style="width:100%;border-collapse:collapse;table-layout:fixed">')
        for row in rows:
            cells = [("".join(_para(p, src_rtl) for p in row.source), "source"),
                     ("".join(_para(p, tgt_rtl) for p in row.target), "target")]
            if o.source_side == "right":
                cells.reverse()
            out.append("<tr>" + "".join(
                f'<td style="vertical-align:top;padding:.3em .6em;border-right:1px solid #ddd;width:50%">{c}</td>'
                for c, _ in cells) + "</tr>")
        out.append("</table>")
    else:
        for row in rows:
            if o.layout == "alternating":
                out.extend(_para(p, src_rtl) for p in row.source)
            out.extend(_para(p, tgt_rtl) for p in row.target)
    out.append(f'<div style="color:#888;font-size:.8em;margin-top:1em">Preview of the first {len(rows)} rows.</div>')
    out.append("</div>")
    return "".join(out)
