"""Small shared Streamlit helpers: document picker, escaped bilingual text, error display."""

from __future__ import annotations

import html
import re
import string
from collections.abc import Callable, Sequence
from typing import Any

import streamlit as st

from workbench.errors import WorkbenchError
from workbench.model import DocumentSummary, Link

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
        out.append(html_literal(text[last:a]))
        out.append(f"<mark>{html_literal(text[a:b])}</mark>")
        last = b
    out.append(html_literal(text[last:]))
    body = "".join(out)
    if is_rtl(lang):
        return (
            f'<div dir="rtl" lang="{html.escape(lang or "he")}" style="text-align:right;'
            f'font-family:{HEBREW_FONT};font-size:1.1em;line-height:1.6">{body}</div>'
        )
    return f'<div dir="ltr" lang="{html.escape(lang or "en")}" style="line-height:1.5">{body}</div>'


# Every ASCII punctuation mark (CommonMark lets any of them be backslash-escaped). ``/`` matters too:
# Streamlit rewrites the raw string ``:material/`` to ``:material_`` before parsing (so an escaped
# colon alone still turned ``:material/warning:`` into an icon); ``\/`` breaks that substring.
_MD_SPECIAL = re.compile("([" + re.escape(string.punctuation) + "])")


def literal(text: object) -> str:
    """User text made safe for the Markdown every Streamlit text element parses (``st.markdown``,
    ``st.caption``, ``st.success``, labels, toasts...): each punctuation mark that Markdown,
    Streamlit's directives (``:red[...]``, ``:material/icon:``, emoji short codes), LaTeX (``$``)
    or HTML could read is backslash-escaped, so the editor sees exactly the stored characters."""
    return _MD_SPECIAL.sub(r"\\\1", str(text)).replace("\n", "  \n")


def html_literal(text: object) -> str:
    """User text for HTML given to ``st.markdown(..., unsafe_allow_html=True)``: ``html.escape`` and
    also the characters Streamlit acts on before any Markdown or HTML parsing (``:`` — the raw
    source's ``:material/`` becomes ``:material_`` — and ``$``), as character references; a
    newline becomes ``<br>`` so a blank line cannot end the HTML block and start Markdown."""
    return (html.escape(str(text)).replace(":", "&#58;").replace("$", "&#36;")
            .replace("\r\n", "\n").replace("\n", "<br>"))  # fmt: skip


# -- notices that stay until the next action ------------------------------------------------------


def set_notice(page: str, kind: str, message: str) -> None:
    """Keep a confirmation (``success``/``info``/``warning``/``error``) for ``page`` until the next
    action replaces or clears it: a toast vanishes before a long message can be read. ``message``
    is shown literally (it may quote titles and terms)."""
    st.session_state[f"notice_{page}"] = [(kind, message)]


def add_notice(page: str, kind: str, message: str) -> None:
    """One more line in ``page``'s notice (e.g. the warnings of an import beside its success)."""
    st.session_state.setdefault(f"notice_{page}", []).append((kind, message))


def clear_notice(page: str) -> None:
    """A new action starts: the previous one's confirmation goes."""
    st.session_state.pop(f"notice_{page}", None)


def show_notice(page: str) -> None:
    """Draw ``page``'s notice on every run (not popped: it stays until :func:`clear_notice`)."""
    for kind, message in st.session_state.get(f"notice_{page}", []):
        getattr(st, kind if kind in ("success", "info", "warning", "error") else "info")(literal(message))


# -- which side the source text is on -------------------------------------------------------------

SOURCE_SIDE_KEY = "source_side"
SOURCE_SIDES = ("right", "left")


def source_side(store: Any, user: str) -> str:
    """``"right"`` or ``"left"``: where ``user`` wants the source (Hebrew) text beside the
    translation, on every page that shows both. Right (Hebrew reads right to left) unless the user
    chose otherwise; the choice is the user's own setting in the project."""
    try:
        value = store.get_setting(user, SOURCE_SIDE_KEY)
    except Exception:  # noqa: BLE001 - an old store without settings: the default
        value = None
    return value if value in SOURCE_SIDES else "right"


def source_side_control(store: Any, user: str) -> None:
    """The sidebar choice of :func:`source_side`, saved as ``user``'s own setting at once (another
    account's choice is untouched). The key names the user: a session handed to another account
    shows that account's choice, not the previous one's."""
    key = f"pref_source_side::{user}"

    def save() -> None:
        try:
            store.set_setting(user, SOURCE_SIDE_KEY, st.session_state[key])
        except WorkbenchError as exc:
            st.session_state["pref_error"] = str(exc)

    current = source_side(store, user)
    st.sidebar.radio("Source (Hebrew) text on the", SOURCE_SIDES, index=SOURCE_SIDES.index(current), key=key,
                     horizontal=True, on_change=save, help="your own setting: where the original is shown "
                     "beside the translation on every page (Hebrew reads right to left)")  # fmt: skip
    if st.session_state.get("pref_error"):
        st.sidebar.error(literal(st.session_state.pop("pref_error")))


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
        st.error(literal(str(exc)))  # messages quote titles and terms: user text
        return None
    if success:
        st.toast(success)
    return result


# -- alignment editor rows (added for views/align.py) ---------------------------------------------

BAND_COLOURS = {"low": "#d93025", "medium": "#f29900", "high": "#1e8e3e"}


def _label_span(label: str) -> str:
    return (f'<span class="wb-label" style="font-size:.85em;font-weight:600;background:#eef1f5;border-radius:3px;'
            f'padding:0 5px;margin-inline-end:.3em">{html.escape(label)}</span>')  # fmt: skip


def _label_at(text: str, label: str) -> int | None:
    """Where the item label ``label`` stands in ``text``: at its start (after invisible direction
    marks and spaces), else as a word of its own after a heading (Sefaria's ``<b>heading</b><br>ד.``);
    None when it is not in the text."""
    from workbench.io.paragraphs import BIDI_MARKS

    lead = len(text) - len(text.lstrip(BIDI_MARKS + " \t"))
    if text.startswith(label, lead):
        return lead
    m = re.search(r"(?:^|(?<=\s))" + re.escape(label) + r"(?=\s|$)", text)
    return m.start() if m else None


def _para_html(p: Any, lang: str | None) -> str:
    """One paragraph of a link row, its item label shown once, as a badge where it stands.

    The label is part of the stored text ("4. Why…", "יא) …"); a badge above the text repeated it
    ("4." then "4. Why…"). So the label's own characters in the text are drawn as the badge, in
    place (at the start of the line, right to left for Hebrew): the editor reads the label once and
    the text as stored. A label not found in the text keeps a badge before it."""
    text = p.text.replace(chr(10), " ")
    label = getattr(p, "label", None)
    at = _label_at(text, label) if label else None
    if at is None:
        badge = _label_span(label) if label else ""
        return f'<div class="wb-para" style="margin-bottom:.4em">{badge}{text_block(text, lang)}</div>'
    body = html.escape(text[:at]) + _label_span(label) + html.escape(text[at + len(label) :].lstrip(" "))
    block = text_block("\x00", lang).replace("\x00", body)  # text_block's direction and font around it
    return f'<div class="wb-para" style="margin-bottom:.4em">{block}</div>'


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
    source_on: str = "right",
) -> str:
    """One alignment link as HTML: a colour band for its confidence, a header (number, bead kind, score,
    status) and two columns — the source (right-to-left when Hebrew) on the side ``source_on`` names
    (the editor's own setting, :func:`source_side`; right by default), the translation on the other.
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
    target = f'<div class="wb-target">{side(link.target, target_lang)}</div>'
    source = f'<div class="wb-source">{side(link.source, source_lang)}</div>'
    columns = (source, target) if source_on == "left" else (target, source)
    return (
        f'<div class="wb-link" data-link="{number}" data-band="{band}" style="border-left:6px solid {colour};'
        f'padding:4px 10px;margin:6px 0;{outline}">'
        f'<div style="font-size:.8em;color:#555">#{number} · <b>{link.kind}</b> · score {float(link.score):.2f}'
        f" · {status}{who}</div>"
        '<div style="display:grid;grid-template-columns:1fr 1fr;gap:18px">'
        f"{columns[0]}{columns[1]}"
        "</div></div>"
    )


# -- paging and the score chart's data (a page's view of a link list) ---------------------------

def page_count(n: int, size: int) -> int:
    """How many pages ``n`` items fill at ``size`` per page (at least one, an empty one)."""
    return max(1, -(-n // max(1, size)))


def page_of(position: int, size: int) -> int:
    """0-based page holding the ``position``-th visible item."""
    return max(0, position) // max(1, size)


def score_rows(links: Sequence[Link]) -> list[dict[str, Any]]:
    """Per-link data for the score chart."""
    return [
        {"link": i + 1, "score": round(float(lk.score), 4), "status": lk.status, "kind": lk.kind}
        for i, lk in enumerate(links)
    ]


def picked_link(selection: Any, n_links: int) -> int | None:
    """The link an editor clicked in the score chart (0-based), from Streamlit's chart selection state.

    The state looks like ``{"selection": {"pick": [{"link": 17, ...}]}}`` (``link`` is the 1-based
    number the chart plots); anything else — no click, a cleared selection, a number outside the
    document — is None, so a stale event from before a re-align never jumps to a link that is gone.
    """
    try:
        picks = selection["selection"]["pick"]
    except (KeyError, TypeError):
        return None
    if not isinstance(picks, list) or not picks or not isinstance(picks[-1], dict):
        return None
    try:
        number = int(picks[-1].get("link"))
    except (TypeError, ValueError):
        return None
    return number - 1 if 1 <= number <= n_links else None


def _score_chart_template() -> dict[str, Any]:
    """The Vega-Lite spec of the per-link score chart, built with Altair once, without its data."""
    import altair as alt

    shade = alt.Chart(alt.InlineData(values=[{"a": 1, "b": 1}])).mark_rect(opacity=0.15, color="#1a73e8").encode(
        x=alt.X("a:Q", scale=alt.Scale(nice=False, zero=False)), x2=alt.X2("b")
    )
    # a click on a point selects that link (the page reads the selection and jumps to it)
    pick = alt.selection_point(name="pick", fields=["link"], on="click", clear="dblclick")
    # links are counted, so the axis shows whole numbers only (three links: 1, 2, 3, not 0.0 to 3.0)
    link_axis = alt.Axis(format="d", tickMinStep=1)
    points = alt.Chart().mark_circle(size=100, opacity=0.8, cursor="pointer").add_params(pick).encode(
        x=alt.X("link:Q", title=None, scale=alt.Scale(nice=False, zero=False), axis=link_axis),
        y=alt.Y("score:Q", title="score", scale=alt.Scale(domain=[0, 1])),
        color=alt.Color("status:N", scale=alt.Scale(domain=["auto", "confirmed"], range=["#e8710a", "#1e8e3e"])),
        tooltip=[alt.Tooltip("link:Q"), alt.Tooltip("kind:N"), alt.Tooltip("score:Q"), alt.Tooltip("status:N")],
    )
    rule = alt.Chart(alt.InlineData(values=[{"y": 0.5}])).mark_rule(color="#d93025", strokeDash=[4, 4]).encode(
        y=alt.Y("y:Q")
    )
    spec = alt.layer(shade, points, rule).properties(height=120).to_dict()  # the whole chart, axes included
    spec.pop("datasets", None)
    for layer in spec["layer"]:
        layer.pop("data", None)
    return spec


_SCORE_CHART: list[dict[str, Any]] = []


def score_chart_spec(n_links: int, threshold: float, window: tuple[int, int] | None) -> dict[str, Any]:
    """Spec for ``st.vega_lite_chart(rows, spec)``: one point per link (the rows: link, score, status,
    kind), the threshold as a dashed red line and the links on screen as a blue band. Clicking a
    point fills the selection ``pick`` (see :func:`picked_link`).

    The Altair template is built once; only the small layers change per run, so a long document's
    chart costs a data frame, not an Altair validation of every point.

    Points are big enough to hit with a mouse (size 100, about 11 px across) while they fit side by
    side; on a long document they shrink with the number of links (a chart some 800 px wide holds
    about 60 points of that size), so a click still lands on the point under the pointer and not on
    its neighbour drawn over it. The x scale (shared by the page band) is the links' own range and half a link either side."""
    import copy

    if not _SCORE_CHART:
        _SCORE_CHART.append(_score_chart_template())
    spec = copy.deepcopy(_SCORE_CHART[0])
    shade, points, rule = spec["layer"]
    a, b = window or (0, 0)
    shade["data"] = {"values": [{"a": a - 0.5, "b": b + 0.5}] if window else []}  # round the points shown
    rule["data"] = {"values": [{"y": float(threshold)}]}
    domain = [0.5, max(1, n_links) + 0.5]  # half a link of room: the first and last points are whole
    points["encoding"]["x"]["scale"]["domain"] = shade["encoding"]["x"]["scale"]["domain"] = domain
    points["mark"]["size"] = 100 if n_links <= 60 else max(20, 6000 // n_links)
    return spec


# -- word-level differences (conflicts, history) ---------------------------------------------------

def diff_html(before: str, after: str, lang: str | None, *, show: str = "both") -> str:
    """The change from ``before`` to ``after`` word by word: deleted words struck through in red,
    inserted ones underlined in green, the rest plain; right to left for Hebrew. ``show`` = ``before``
    or ``after`` draws only that side's words (two columns side by side). All text is escaped."""
    from workbench.textdiff import word_diff

    parts = []
    for op, piece in word_diff(before, after):
        text = html_literal(piece)
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
