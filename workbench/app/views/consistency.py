"""Consistency: run the checks, see counts and rendering distributions, filter findings, open one in
context with the problem highlighted, tag findings one by one or in bulk, export the report.
User text (comments, titles, paragraphs) is shown literally; a tag's confirmation stays until the
next action; the source text is on the side the editor chose (right by default)."""

from __future__ import annotations

import html

import altair as alt
import pandas as pd
import streamlit as st

from workbench.app.state import current_user, get_store
from workbench.app.widgets import (
    clear_notice,
    doc_label,
    literal,
    run_action,
    set_notice,
    show_notice,
    source_side,
    text_block,
    why_not,
)
from workbench.checks import SEVERITIES, CheckRunner, registry
from workbench.checks import report as rp
from workbench.errors import WorkbenchError

SEVERITY_COLOURS = ["#d93025", "#f29900", "#1a73e8"]  # error red, warning amber, info blue

store = get_store()
repo = store.findings
user = current_user()
may_tag = store.may(user, "tag")
may_review = store.may(user, "review")
st.title("Consistency")
PAGE = "consistency"


def _tag(ids: list[str], status: str, revs: dict[str, int], comment_key: str) -> None:
    """Button callback: tag ``ids`` as of the revisions the page showed when it drew the button.

    The revisions are bound when the button is drawn, not read again when it is clicked, so a
    finding somebody else tagged in between is refused by the store (naming who) instead of being
    overwritten. The acting user and the permission check are the store's, at click time.
    """
    comment = st.session_state.get(comment_key) or ""
    try:
        repo.tag(ids, status, current_user(), comment, expected_revs=revs)
    except WorkbenchError as exc:
        set_notice(PAGE, "error", str(exc))  # the store's message (who tagged it and when; or the role)
    else:
        set_notice(PAGE, "success", f"{len(ids)} finding(s) tagged {status}" + (f": {comment}" if comment else ""))


show_notice(PAGE)  # until the next action

docs = store.list_documents()
if not docs:
    st.info("No documents yet. Import one on the **Library** page, then run the checks here.")
    st.stop()

by_id = {d.id: d for d in docs}
titles = {d.id: d.title for d in docs}
options = [0] + [d.id for d in docs]
qp = st.query_params.get("doc")
default = int(qp) if qp and qp.isdigit() and int(qp) in by_id else st.session_state.get("current_doc", 0)
scope = st.selectbox(
    "Documents",
    options,
    index=options.index(default) if default in options else 0,
    format_func=lambda i: "All documents" if i == 0 else doc_label(by_id[i]),
    key="cons_scope",
)
doc_id = scope or None

c1, c2, c3 = st.columns([1, 1, 3])
# the callbacks run before the page is drawn: the previous confirmation goes with this action
run_now = c1.button("Run checks", type="primary", key="cons_run", help="checks only the links changed since the last run",
                    on_click=clear_notice, args=(PAGE,))  # fmt: skip
force = c2.button("Re-check everything", key="cons_force", on_click=clear_notice, args=(PAGE,))
if run_now or force:
    with st.spinner("Checking…"):
        rep = run_action(lambda: CheckRunner(store).run(None if doc_id is None else [doc_id], force=force, user=user))
    if rep is not None:
        st.session_state["cons_report"] = str(rep)
if st.session_state.get("cons_report"):
    c3.caption(literal("Last run: " + st.session_state["cons_report"]))

everything = repo.list(doc_id)
if not everything:
    st.info("No findings stored for this selection. **Run checks** to check the translation against the termbase, "
            "glosses, item labels, untranslated text and typography.")  # fmt: skip
    st.stop()

# ------------------------------------------------------------------------------------ filters
checks = registry()
f1, f2, f3, f4 = st.columns([1, 1, 2, 2])
show = f1.selectbox("Status", rp.SHOW, index=0, key="cons_show",
                    help="open / accepted / fixed; current: every finding whose cause is present; all")  # fmt: skip
sev = f2.multiselect("Severity", SEVERITIES, key="cons_sev")
chk = f3.multiselect("Check", list(checks), key="cons_check", format_func=lambda c: f"{c} — {checks[c].name}")
query = f4.text_input("Search message, excerpt or id", key="cons_q")
shown = rp.select(everything, show)
if sev:
    shown = [f for f in shown if f.severity in sev]
if chk:
    shown = [f for f in shown if f.check in chk]
if query:
    q = query.casefold()
    shown = [f for f in shown if q in f.message.casefold() or q in f.excerpt.casefold() or q in f.id]
shown.sort(key=rp.sort_key)

# ------------------------------------------------------------------------------------ summary
m1, m2, m3, m4 = st.columns(4)
m1.metric("Findings shown", len(shown))
for col, s in zip((m2, m3, m4), SEVERITIES, strict=True):
    col.metric(s.capitalize(), sum(1 for f in shown if f.severity == s))
counts = [{"check": r["check"], "severity": s, "count": r[s]} for r in rp.summary(shown) for s in SEVERITIES if r[s]]
if counts:
    n_checks = len({c["check"] for c in counts})
    chart = alt.Chart(pd.DataFrame(counts)).mark_bar().encode(
        y=alt.Y("check:N", sort="-x", title=None, axis=alt.Axis(labelLimit=220)),
        x=alt.X("sum(count):Q", title="findings"),
        color=alt.Color("severity:N", scale=alt.Scale(domain=list(SEVERITIES), range=SEVERITY_COLOURS)),
        order=alt.Order("severity_rank:Q"),
        tooltip=["check", "severity", "count"],
    ).transform_calculate(severity_rank=f"indexof({list(SEVERITIES)!r}, datum.severity)")
    st.altair_chart(chart.properties(height=28 * n_checks + 40), width="stretch")

terms = {t.id: t for t in store.terms.list_terms()}
term_label = {tid: t.preferred for tid, t in terms.items()}
dist = [f for f in shown if f.check == "term-inconsistent" and f.data.get("distribution")]
if dist:
    with st.expander(f"Rendering distributions ({len(dist)})", expanded=False):
        pick = st.selectbox(
            "Term or rendering",
            list(range(len(dist))),
            format_func=lambda i: dist[i].message[:110],
            key="cons_dist",
        )
        d = dist[pick]
        df = pd.DataFrame([{"rendering": row[0], "count": row[1]} for row in d.data["distribution"]])
        st.bar_chart(df, x="rendering", y="count", height=220)
        if d.data.get("missing"):
            st.caption(f"{d.data['missing']} occurrence(s) in the source with no rendering in the translation.")
        by_doc = d.data.get("by_document") or {}
        if by_doc:
            st.dataframe(
                pd.DataFrame([{"document": titles.get(int(k), k), **v} for k, v in by_doc.items()]).fillna(0),
                hide_index=True, width="stretch",
            )  # fmt: skip

# ------------------------------------------------------------------------------------ table + export
records = rp.rows(shown, titles, term_label)
table = pd.DataFrame(records, columns=rp.COLUMNS)
st.dataframe(
    table[["id", "severity", "check", "status", "document", "term", "message", "excerpt"]],
    hide_index=True,
    width="stretch",
    height=min(420, 38 + 35 * max(1, len(table))),
)
e1, e2, _ = st.columns([1, 1, 3])
e1.download_button("Export CSV", rp.to_csv(records).encode("utf-8"), "consistency-report.csv", "text/csv",
                   key="cons_csv")  # fmt: skip
e2.download_button(
    "Export XLSX",
    rp.to_xlsx(records, rp.summary(shown)),
    "consistency-report.xlsx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    key="cons_xlsx",
)
if not shown:
    st.stop()

# ------------------------------------------------------------------------------------ one finding in context
st.subheader("Finding in context")
ids = [f.id for f in shown]
index = {f.id: f for f in shown}
fid = st.selectbox("Finding", ids, key="cons_pick", format_func=lambda i: f"{i} — {index[i].message[:90]}")
f = index[fid]
st.markdown(
    f"**{html.escape(checks[f.check].name if f.check in checks else f.check)}** · {f.severity} · status **{f.status}**"
    + ("" if f.present else " · *cause no longer present*")
)
if f.comment or f.user:
    st.text(f"{f.status} by {f.user or '?'}" + (f": {f.comment}" if f.comment else ""))  # user text: literal
st.text(f.message)  # user text: never read as Markdown


def _context(f) -> None:  # noqa: ANN001
    if f.doc_id is None:
        docs_line = ", ".join(titles.get(d, str(d)) for d in f.docs)
        st.caption(literal(f"Corpus-wide finding; documents with other renderings: {docs_line or '–'}"))
        return
    doc = store.get_document(f.doc_id)
    index_p = doc.paragraph_index()
    src_ids: list[str] = []
    tgt_ids: list[str] = []
    if f.link_id:
        link = next((lk for lk in store.get_links(f.doc_id) if lk.id == f.link_id), None)
        if link is not None:
            src_ids, tgt_ids = link.source, link.target
    if not src_ids and not tgt_ids:
        src_ids = [p for p in f.para_ids if doc.source and any(q.id == p for q in doc.source.paragraphs)]
        tgt_ids = [p for p in f.para_ids if p not in src_ids]
    first, second = st.columns(2)
    src_col, tgt_col = (second, first) if source_side(store, user) == "right" else (first, second)
    for col, side, pids, lang in ((src_col, "source", src_ids, doc.source_lang),
                                  (tgt_col, "target", tgt_ids, doc.target_lang)):  # fmt: skip
        col.caption(literal(f"{side} ({lang or '–'})"))
        for pid in pids:
            p = index_p.get(pid)
            if p is None:
                continue
            spans = [(f.start, f.end)] if pid == f.para_id and f.start is not None and f.end is not None and f.present else []
            col.markdown(text_block(p.text, lang, highlight=spans), unsafe_allow_html=True)


_context(f)

if not may_tag:
    st.caption(why_not(store, user, "tag"))  # a viewer gets no tag controls at all
    st.stop()

st.text_input("Comment (needed to accept an exception)", key="cons_comment")
b1, b2, b3, _ = st.columns([1, 1, 1, 2])
for col, label, status in ((b1, "Accept as exception", "accepted"), (b2, "Mark fixed", "fixed"), (b3, "Reopen", "open")):
    # Accepting an exception, or taking one back, is a reviewer's decision.
    needs_review = status == "accepted" or f.status == "accepted"
    col.button(label, key=f"cons_tag_{status}", disabled=f.status == status or (needs_review and not may_review),
               help=why_not(store, user, "review") if needs_review and not may_review else None,
               on_click=_tag, args=([f.id], status, {f.id: f.rev}, "cons_comment"))  # fmt: skip
if not may_review:
    st.caption(why_not(store, user, "review"))

# ------------------------------------------------------------------------------------ bulk tags
with st.expander("Tag several findings"):
    all_shown = st.checkbox(f"All {len(shown)} findings shown", key="cons_bulk_all")
    chosen = ids if all_shown else st.multiselect("Findings", ids, key="cons_bulk_ids")
    choices = ["accepted", "fixed", "open"] if may_review else ["fixed", "open"]
    status = st.radio("New status", choices, horizontal=True, key="cons_bulk_status")
    st.text_input("Comment", key="cons_bulk_comment")
    st.button(f"Apply to {len(chosen)} finding(s)", key="cons_bulk_go", disabled=not chosen,
              on_click=_tag, args=(list(chosen), status, {i: index[i].rev for i in chosen}, "cons_bulk_comment"))  # fmt: skip
