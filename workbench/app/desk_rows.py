"""The desk's rows as HTML: a link's source and translation side by side with the term hits, the
findings and the comments marked — every piece of user text escaped (:func:`html_literal`), never
read as HTML or Markdown.

* A term hit is ``<span class="wb-term wb-term-KIND" data-term="ID" title="…">``: the tooltip holds
  the Hebrew, the preferred rendering, the gloss and the status; KIND is ``source``, ``preferred``,
  ``variant``, ``forbidden`` or ``case`` and each is drawn differently (a forbidden form with a red
  wavy underline, a variant with an amber dashed one). Hovering or focusing a term (a click
  focuses it: ``tabindex``) outlines every hit of the same term in the same row — its counterpart
  on the other side — through a CSS ``:has()`` rule per term shown (:func:`counterpart_css`), so
  no script runs in the page.
* A finding is a marker ``<div class="wb-finding" data-finding="ID">`` under its paragraph with
  the message, and its span in the text is marked too (on the term hit it falls on, else a
  ``<mark>`` of its own).
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence
from typing import Any

from workbench.app.widgets import HEBREW_FONT, html_literal, is_rtl

REVIEW_COLOURS = {"draft": "#9aa0a6", "edited": "#f29900", "reviewed": "#1a73e8", "approved": "#1e8e3e"}
SEVERITY_MARK = {"error": "#d93025", "warning": "#f29900", "info": "#1a73e8"}

DESK_CSS = """<style>
.wb-term{border-radius:3px;padding:0 1px;cursor:help}
.wb-term-preferred,.wb-term-source{background:#e6f4ea;border-bottom:2px solid #1e8e3e}
.wb-term-variant,.wb-term-case{background:#fef7e0;border-bottom:2px dashed #f29900}
.wb-term-forbidden{background:#fce8e6;text-decoration:underline wavy #d93025}
.wb-finding-span{background:#fce8e6}
.wb-has-finding{box-shadow:inset 0 -3px 0 #d93025}
.wb-finding{font-size:.82em;margin:2px 0;padding:1px 6px;border-left:3px solid #d93025;background:#fff8f7}
.wb-comment{font-size:.85em;margin:3px 0;padding:2px 8px;border-left:3px solid #8ab4f8;background:#f5f8ff}
.wb-comment[data-resolved="1"]{opacity:.6}
.wb-reply{margin-left:1.2em;border-left:2px solid #c6dafc;padding-left:6px}
.wb-quote{font-style:italic;color:#444}
.wb-review{font-weight:600}
.wb-editable .wb-para{cursor:text;border-radius:4px}
.wb-editable .wb-para:hover{background:#f1f3f4;box-shadow:0 0 0 1px #dadce0}
</style>"""


# Click to edit: one script for the whole page (a JS-only ``st.components.v2`` component, no iframe)
# listens for clicks on the editable side of a row and sends the row's link id back as a trigger.
# A click on a term hit only focuses it (its counterpart is outlined), a click that ends a text
# selection selects, a click on a link follows it: none of them opens the editor.
CLICK_JS = """
export default function(component) {
  const { setTriggerValue } = component;
  const handler = (e) => {
    const side = e.target.closest('.wb-editable');
    if (!side || e.target.closest('.wb-term, a, button, mark')) return;
    const sel = window.getSelection && window.getSelection();
    if (sel && String(sel).length > 0) return;
    const row = side.closest('.wb-row');
    if (row && row.dataset.linkId) setTriggerValue('edit', row.dataset.linkId);
  };
  if (window.__wbDeskClick) document.removeEventListener('click', window.__wbDeskClick);
  window.__wbDeskClick = handler;
  document.addEventListener('click', handler);
  return () => {
    document.removeEventListener('click', handler);
    if (window.__wbDeskClick === handler) window.__wbDeskClick = null;
  };
}
"""


def attr(text: object) -> str:
    """User text inside an attribute value (quotes, ``:`` and ``$`` as references; one line)."""
    return html_literal(" ".join(str(text).split()))


def _when(iso: str | None) -> str:
    return str(iso or "")[:16].replace("T", " ")


def counterpart_css(term_ids: Iterable[Any], pairs: Iterable[str] = ()) -> str:
    """Rules for the terms shown: hovering or focusing a hit that has a counterpart in the aligned
    sentence (a ``data-pair``) outlines that pair; hovering one without outlines every hit of its
    term in the same row (the other side's too)."""
    look = "{outline:2px solid #1a73e8;background:#d2e3fc}"
    rules = []
    for tid in sorted({str(t) for t in term_ids}):
        sel = f'.wb-term[data-term="{html.escape(tid)}"]'
        own = f"{sel}:not([data-pair])"
        rules.append(f".wb-row:has({own}:hover) {sel},.wb-row:has({own}:focus) {sel}{look}")
    for pair in sorted(set(pairs)):
        sel = f'.wb-term[data-pair="{html.escape(pair)}"]'
        rules.append(f".wb-row:has({sel}:hover) {sel},.wb-row:has({sel}:focus) {sel}{look}")
    return "<style>" + "".join(rules) + "</style>" if rules else ""


def marked_text(text: str, hits: Sequence[Any], findings: Sequence[Any]) -> str:
    """``text`` escaped, its term hits wrapped in their spans and the findings' spans marked."""
    n = len(text)
    fspans = [(f.start, f.end, f) for f in findings if f.start is not None and f.end is not None
              and 0 <= f.start < f.end <= n]  # fmt: skip
    on_term: dict[int, list[Any]] = {}
    free = []
    for s, e, f in fspans:
        k = next((k for k, h in enumerate(hits) if h.start < e and s < h.end), None)
        if k is None:
            free.append((s, e, f))
        else:
            on_term.setdefault(k, []).append(f)
    pieces: list[tuple[int, int, str, str]] = []
    for k, h in enumerate(hits):
        fs = on_term.get(k, [])
        extra = f' data-finding="{attr(fs[0].id)}"' if fs else ""
        cls = f"wb-term wb-term-{h.kind}" + (" wb-has-finding" if fs else "")
        if getattr(h, "pair", ""):
            extra += f' data-pair="{attr(h.pair)}"'
        pieces.append((h.start, h.end, f'<span class="{cls}" data-term="{attr(h.term_id)}" data-kind="{h.kind}"'
                                       f' title="{attr(h.tip)}" tabindex="0"{extra}>', "</span>"))  # fmt: skip
    taken = [(h.start, h.end) for h in hits]
    for s, e, f in sorted(free, key=lambda x: (x[0], -x[1])):
        if any(a < e and s < b for a, b in taken):
            continue
        taken.append((s, e))
        pieces.append((s, e, f'<mark class="wb-finding-span" data-finding="{attr(f.id)}" title="{attr(f.message)}">',
                       "</mark>"))  # fmt: skip
    pieces.sort()
    out, last = [], 0
    for s, e, open_tag, close_tag in pieces:
        if s < last:
            continue
        out.append(html_literal(text[last:s]))
        out.append(open_tag + html_literal(text[s:e]) + close_tag)
        last = e
    out.append(html_literal(text[last:]))
    return "".join(out)


def side_html(paras: Sequence[Any], lang: str | None, hits: dict[str, list[Any]],
              findings: dict[str, list[Any]], side: str, stale: set[str] | frozenset[str] = frozenset()) -> str:  # fmt: skip
    """One side of a row: its paragraphs in their direction and font, each with its findings (those of
    a paragraph in ``stale`` — edited since the checks ran — say so, and their spans are not marked)."""
    if not paras:
        return f'<div class="wb-{side}" style="color:#999;font-style:italic">(nothing)</div>'
    rtl = is_rtl(lang)
    style = (f'dir="rtl" lang="{attr(lang or "he")}" style="text-align:right;font-family:{HEBREW_FONT};'
             'font-size:1.1em;line-height:1.6"') if rtl else f'dir="ltr" lang="{attr(lang or "en")}" style="line-height:1.5"'  # fmt: skip
    parts = []
    for p in paras:
        fs = findings.get(p.id, [])
        old = p.id in stale
        body = marked_text(p.text, hits.get(p.id, []), [] if old else fs)
        note = ' <i class="wb-stale">(the text changed since the checks ran)</i>' if old else ""
        marks = "".join(
            f'<div class="wb-finding wb-sev-{attr(f.severity)}" data-finding="{attr(f.id)}" dir="ltr"'
            f' style="border-left-color:{SEVERITY_MARK.get(f.severity, "#d93025")}" title="{attr(f.check)}">'
            f"⚑ <b>{html_literal(f.check)}</b> {html_literal(f.message)}{note}</div>" for f in fs)  # fmt: skip
        parts.append(f'<div class="wb-para" data-para="{attr(p.id)}" {style}>{body}</div>{marks}')
    return f'<div class="wb-{side}">{"".join(parts)}</div>'


def review_badge(review: Any, edited_by: tuple[str, str] | None = None) -> str:
    status = review.status if review is not None else "draft"
    colour = REVIEW_COLOURS.get(status, "#999")
    who = ""
    if review is not None and review.user:
        who = f" by {html_literal(review.user)} {_when(review.at)}"
    elif status == "edited" and edited_by:
        who = f" by {html_literal(edited_by[0])} {_when(edited_by[1])}"
    if review is not None and review.changed_since_review:
        who += f" (was {html_literal(review.stored)})"
    return (f'<span class="wb-review wb-review-{status}" data-review="{status}" style="color:{colour}">'
            f"{status}{who}</span>")  # fmt: skip


def comments_html(threads: Sequence[Any]) -> str:
    out = []
    for t in threads:
        def one(c: Any, cls: str) -> str:
            quote = f' <span class="wb-quote">“{html_literal(c.quote)}”</span>' if c.quote else ""
            return (f'<div class="{cls}" data-comment="{attr(c.id)}"><b>{html_literal(c.user)}</b>'
                    f' <span style="color:#666">{_when(c.at)}</span>{quote}<br>{html_literal(c.text)}</div>')  # fmt: skip

        state = (f' · resolved by {html_literal(t.resolved_by)}' if t.resolved else "")
        replies = "".join(one(r, "wb-reply") for r in t.replies)
        out.append(f'<div class="wb-comment" data-comment="{attr(t.id)}" data-resolved="{int(t.resolved)}">'
                   f'{one(t, "wb-comment-head")}{replies}<div style="color:#666;font-size:.9em">thread {attr(t.id)}'
                   f"{state}</div></div>")  # fmt: skip
    return "".join(out)


def row_html(number: int, link: Any, paras: dict[str, Any], doc: Any, *, hits: dict[str, list[Any]],
             findings: dict[str, list[Any]], review: Any, threads: Sequence[Any], source_on: str = "right",
             one_column: bool = False, edited_by: tuple[str, str] | None = None, decision_links: str = "",
             stale: set[str] | frozenset[str] = frozenset(), editable: bool = False) -> str:  # fmt: skip
    """One desk row: a header (number, bead kind, score, review status, counts) and the two sides
    (one for a one-sided document), then the findings' decision links and the comment threads.
    ``editable`` marks the side the desk edits (``wb-editable``): a click on it opens the row for
    editing (:data:`CLICK_JS`)."""
    src = [paras[p] for p in link.source if p in paras]
    tgt = [paras[p] for p in link.target if p in paras]
    n_find = sum(len(findings.get(p.id, [])) for p in (*src, *tgt))
    n_open = sum(not t.resolved for t in threads)
    head = (f'<div class="wb-row-head" style="font-size:.8em;color:#555">#{number}'
            + ("" if one_column else f" · <b>{link.kind}</b> · score {float(link.score):.2f}")
            + f" · {review_badge(review, edited_by)}"
            + (f' · <span class="wb-count-findings">⚑ {n_find}</span>' if n_find else "")
            + (f' · <span class="wb-count-comments">{n_open} open comment{"s" if n_open != 1 else ""}</span>'
               if n_open else "")
            + "</div>")  # fmt: skip
    if one_column:
        only = tgt or src
        lang = doc.target_lang if tgt else doc.source_lang
        body = side_html(only, lang, hits, findings, "target" if tgt else "source", stale)
        grid = f"<div>{body}</div>"
    else:
        s = side_html(src, doc.source_lang, hits, findings, "source", stale)
        t = side_html(tgt, doc.target_lang, hits, findings, "target", stale)
        cols = (s, t) if source_on == "left" else (t, s)
        grid = f'<div style="display:grid;grid-template-columns:1fr 1fr;gap:18px">{cols[0]}{cols[1]}</div>'
    if editable:  # the side the desk edits: the translation, or the only side there is
        mark = '<div class="wb-target"' if tgt else '<div class="wb-source"'
        grid = grid.replace(mark, mark[:-1] + ' wb-editable" title="click to edit"', 1)
    band = REVIEW_COLOURS.get(review.status if review else "draft", "#999")
    return (f'<div class="wb-row" data-link="{number}" data-link-id="{attr(link.id)}"'
            f' data-review="{review.status if review else "draft"}" style="border-left:5px solid {band};'
            f'padding:4px 10px;margin:4px 0">{head}{grid}{decision_links}{comments_html(threads)}</div>')  # fmt: skip
