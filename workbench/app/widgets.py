"""Small shared Streamlit helpers: document picker, escaped bilingual text, error display."""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import Any

import streamlit as st

from workbench.errors import WorkbenchError
from workbench.model import DocumentSummary

RTL_LANGS = {"he", "arc", "yi", "ar", "fa", "ur"}
HEBREW_FONT = "'SBL Hebrew', 'Ezra SIL', 'Frank Ruehl CLM', 'David', 'Noto Serif Hebrew', 'Times New Roman', serif"


def is_rtl(lang: str | None) -> bool:
    return (lang or "").split("-")[0] in RTL_LANGS


def text_block(text: str, lang: str | None, *, highlight: list[tuple[int, int]] | None = None) -> str:
    """HTML for one paragraph: user text escaped, direction and font from the language."""
    spans = sorted(highlight or [])
    out, last = [], 0
    for a, b in spans:
        if a < last:
            continue
        out.append(html.escape(text[last:a]))
        out.append(f"<mark>{html.escape(text[a:b])}</mark>")
        last = b
    out.append(html.escape(text[last:]))
    body = "".join(out)
    if is_rtl(lang):
        return (
            f'<div dir="rtl" lang="{html.escape(lang or "he")}" style="text-align:right;'
            f'font-family:{HEBREW_FONT};font-size:1.1em;line-height:1.6">{body}</div>'
        )
    return f'<div dir="ltr" lang="{html.escape(lang or "en")}" style="line-height:1.5">{body}</div>'


def doc_label(d: DocumentSummary) -> str:
    return f"#{d.id} {d.title} ({d.source_lang or '–'} → {d.target_lang or '–'})"


def pick_document(docs: list[DocumentSummary], key: str = "doc") -> DocumentSummary | None:
    """A selectbox over documents that remembers the choice across pages (``?doc=`` too)."""
    if not docs:
        st.info("No documents yet. Import one on the **Library** page.")
        return None
    ids = [d.id for d in docs]
    wanted = st.session_state.get("current_doc")
    qp = st.query_params.get("doc")
    if qp and qp.isdigit() and int(qp) in ids:
        wanted = int(qp)
    index = ids.index(wanted) if wanted in ids else 0
    chosen = st.selectbox("Document", docs, index=index, format_func=doc_label, key=key)
    st.session_state["current_doc"] = chosen.id
    return chosen


def why_not(store: Any, user: str, permission: str) -> str:
    """The line shown beside a control the acting account's role lacks: which role it needs (the
    store refuses the write anyway; this only spares the editor a refused click)."""
    from workbench.roles import PERMISSIONS, PURPOSE

    try:
        role = store.role_of(user) or "none"
    except WorkbenchError:
        role = "no account"
    return f"Your role ({role}) may not {PURPOSE[permission]}: that needs the {PERMISSIONS[permission]} role or higher."


def run_action(fn: Callable[[], Any], success: str | None = None) -> Any:
    """Call ``fn``; show user errors as ``st.error`` (nothing was saved) instead of a traceback."""
    try:
        result = fn()
    except WorkbenchError as exc:
        st.error(str(exc))
        return None
    if success:
        st.toast(success)
    return result


# -- alignment editor rows (added for views/align.py) ---------------------------------------------

BAND_COLOURS = {"low": "#d93025", "medium": "#f29900", "high": "#1e8e3e"}


def _para_html(p: Any, lang: str | None) -> str:
    """One paragraph of a link row: its item label as a badge, then the escaped text."""
    rtl = is_rtl(lang)
    badge = ""
    if getattr(p, "label", None):
        badge = (
            f'<div dir="{"rtl" if rtl else "ltr"}" style="text-align:{"right" if rtl else "left"}">'
            f'<span class="wb-label" style="font-size:.8em;font-weight:600;background:#eef1f5;border-radius:3px;'
            f'padding:0 5px">{html.escape(p.label)}</span></div>'
        )
    return f'<div class="wb-para" style="margin-bottom:.4em">{badge}{text_block(p.text.replace(chr(10), " "), lang)}</div>'


def link_row_html(
    number: int,
    link: Any,
    paragraphs: dict[str, Any],
    source_lang: str | None,
    target_lang: str | None,
    *,
    band: str,
    selected: bool = False,
    changed: tuple[str, str] | None = None,
) -> str:
    """One alignment link as HTML: a colour band for its confidence, a header (number, bead kind, score,
    status) and two columns — translation on the left, source (right-to-left when Hebrew) on the right.
    All paragraph text goes through :func:`text_block` (escaped). ``changed`` = (user, ISO time) of the
    link's latest change, shown as "changed by bob 3 min ago" so a team sees whose work a link is."""
    colour = BAND_COLOURS.get(band, "#999")
    status = "✓ confirmed" if link.status == "confirmed" else "auto"
    who = ""
    if changed:
        from datetime import UTC, datetime

        try:
            secs = (datetime.now(UTC) - datetime.fromisoformat(changed[1])).total_seconds()
        except (TypeError, ValueError):
            secs = None
        ago = ("" if secs is None else "just now" if secs < 60 else f"{int(secs // 60)} min ago" if secs < 3600
               else f"{int(secs // 3600)} h ago" if secs < 86400 else f"on {str(changed[1])[:10]}")  # fmt: skip
        who = f' · <span class="wb-changed">changed by {html.escape(changed[0])} {ago}</span>'

    def side(ids: list[str], lang: str | None) -> str:
        parts = [_para_html(paragraphs[pid], lang) for pid in ids if pid in paragraphs]
        return "".join(parts) or '<div style="color:#999;font-style:italic">(nothing)</div>'

    outline = "outline:2px solid #1a73e8;" if selected else ""
    return (
        f'<div class="wb-link" data-link="{number}" data-band="{band}" style="border-left:6px solid {colour};'
        f'padding:4px 10px;margin:6px 0;{outline}">'
        f'<div style="font-size:.8em;color:#555">#{number} · <b>{link.kind}</b> · score {float(link.score):.2f}'
        f" · {status}{who}</div>"
        '<div style="display:grid;grid-template-columns:1fr 1fr;gap:18px">'
        f'<div class="wb-target">{side(link.target, target_lang)}</div>'
        f'<div class="wb-source">{side(link.source, source_lang)}</div>'
        "</div></div>"
    )


def _score_chart_template() -> dict[str, Any]:
    """The Vega-Lite spec of the per-link score chart, built with Altair once, without its data."""
    import altair as alt

    shade = alt.Chart(alt.InlineData(values=[{"a": 1, "b": 1}])).mark_rect(opacity=0.15, color="#1a73e8").encode(
        x=alt.X("a:Q"), x2=alt.X2("b")
    )
    # a click on a point selects that link (the page reads the selection and jumps to it)
    pick = alt.selection_point(name="pick", fields=["link"], on="click", clear="dblclick")
    points = alt.Chart().mark_circle(size=22, opacity=0.8, cursor="pointer").add_params(pick).encode(
        x=alt.X("link:Q", title="link", scale=alt.Scale(nice=False)),
        y=alt.Y("score:Q", title="score", scale=alt.Scale(domain=[0, 1])),
        color=alt.Color("status:N", scale=alt.Scale(domain=["auto", "confirmed"], range=["#e8710a", "#1e8e3e"])),
        tooltip=[alt.Tooltip("link:Q"), alt.Tooltip("kind:N"), alt.Tooltip("score:Q"), alt.Tooltip("status:N")],
    )
    rule = alt.Chart(alt.InlineData(values=[{"y": 0.5}])).mark_rule(color="#d93025", strokeDash=[4, 4]).encode(
        y=alt.Y("y:Q")
    )
    spec = alt.layer(shade, points, rule).properties(height=150).to_dict()
    spec.pop("datasets", None)
    for layer in spec["layer"]:
        layer.pop("data", None)
    return spec


_SCORE_CHART: list[dict[str, Any]] = []


def score_chart_spec(n_links: int, threshold: float, window: tuple[int, int] | None) -> dict[str, Any]:
    """Spec for ``st.vega_lite_chart(rows, spec)``: one point per link (the rows: link, score, status,
    kind), the threshold as a dashed red line and the links on screen as a blue band. Clicking a
    point fills the selection ``pick`` (see :func:`workbench.align.edits.picked_link`).

    The Altair template is built once; only the small layers change per run, so a long document's
    chart costs a data frame, not an Altair validation of every point."""
    import copy

    if not _SCORE_CHART:
        _SCORE_CHART.append(_score_chart_template())
    spec = copy.deepcopy(_SCORE_CHART[0])
    shade, points, rule = spec["layer"]
    a, b = window or (0, 0)
    shade["data"] = {"values": [{"a": a, "b": b}] if window else []}
    rule["data"] = {"values": [{"y": float(threshold)}]}
    points["encoding"]["x"]["scale"]["domain"] = [1, max(2, n_links)]
    return spec


# -- word-level differences (conflicts, history) ---------------------------------------------------

def diff_html(before: str, after: str, lang: str | None, *, show: str = "both") -> str:
    """The change from ``before`` to ``after`` word by word: deleted words struck through in red,
    inserted ones underlined in green, the rest plain; right to left for Hebrew. ``show`` = ``before``
    or ``after`` draws only that side's words (two columns side by side). All text is escaped."""
    from workbench.textdiff import word_diff

    parts = []
    for op, piece in word_diff(before, after):
        text = html.escape(piece)
        if op == "same":
            parts.append(text)
        elif op == "del" and show in ("both", "before"):
            parts.append(f'<del class="wb-del" style="background:#fde2e1;color:#a50e0e">{text}</del>')
        elif op == "ins" and show in ("both", "after"):
            parts.append(f'<ins class="wb-ins" style="background:#d7f5dd;color:#0d652d">{text}</ins>')
    body = "".join(parts).replace("\n", "<br>")
    if is_rtl(lang):
        return (f'<div class="wb-diff" dir="rtl" lang="{html.escape(lang or "he")}" style="text-align:right;'
                f'font-family:{HEBREW_FONT};font-size:1.1em;line-height:1.6">{body}</div>')  # fmt: skip
    return f'<div class="wb-diff" dir="ltr" lang="{html.escape(lang or "en")}" style="line-height:1.5">{body}</div>'
