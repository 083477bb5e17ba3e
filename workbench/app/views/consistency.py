"""Consistency: run the checks, see counts and rendering distributions, decide on groups of findings
(decisions: one per check, document, term and offending form, largest and most severe first, with
their occurrences on expand, a tag for the whole group and a batch fix with a preview, per-occurrence
opt-out and undo), filter findings, open one in context with the problem highlighted, tag findings
one by one or in bulk, export the report (the filtered findings or all of them).
User text (comments, titles, paragraphs, forms) is shown literally; a confirmation stays until the
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
    html_literal,
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
from workbench.fixes import apply_fix, preview_fix, undo_fix

SEVERITY_COLOURS = ["#d93025", "#f29900", "#1a73e8"]  # error red, warning amber, info blue

store = get_store()
repo = store.findings
user = current_user()
may_tag = store.may(user, "tag")
may_review = store.may(user, "review")
may_edit = store.may(user, "edit")
st.title("Consistency")
PAGE = "consistency"
DECISIONS_SHOWN = 25  # decisions with an expander of their own; the table lists them all


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


def _tag_decision(group: str, status: str, rev: int, occ_revs: dict[str, int], comment_key: str) -> None:
    """Button callback: tag a whole decision as of the revisions the page showed (the decision's
    and its occurrences'); the store checks the role and refuses a stale tag, naming who."""
    comment = st.session_state.get(comment_key) or ""
    try:
        d, occ = store.decisions.tag(group, status, current_user(), comment, expected_rev=rev, expected_revs=occ_revs)
    except WorkbenchError as exc:
        set_notice(PAGE, "error", str(exc))
    else:
        set_notice(PAGE, "success", f"decision {d.group} tagged {status} ({len(occ)} occurrence(s))"
                   + (f": {comment}" if comment else ""))  # fmt: skip


def _preview(group: str) -> None:
    """Button callback: the preview of a batch fix (nothing written), kept until Apply."""
    clear_notice(PAGE)
    try:
        pv = preview_fix(store, group, st.session_state.get("cons_fix_with") or "")
    except WorkbenchError as exc:
        set_notice(PAGE, "error", str(exc))
        st.session_state.pop("cons_fix_pv", None)
    else:
        st.session_state["cons_fix_pv"] = pv
        for ch in pv.changes:  # every occurrence starts chosen
            st.session_state[f"cons_fix_occ_{ch.occurrence}"] = ch.action == "replace"


def _apply() -> None:
    """Button callback: write the previewed fix, leaving out the occurrences unticked, at the
    revisions the preview read (a paragraph changed since refuses the whole fix, naming who)."""
    import copy

    pv = copy.deepcopy(st.session_state.get("cons_fix_pv"))
    if pv is None:
        return
    for ch in pv.changes:
        if ch.action == "replace" and not st.session_state.get(f"cons_fix_occ_{ch.occurrence}", True):
            ch.action, ch.reason = "skip", "left out"
    try:
        res = apply_fix(store, pv, current_user())
    except WorkbenchError as exc:
        set_notice(PAGE, "error", str(exc))
    else:
        st.session_state.pop("cons_fix_pv", None)
        set_notice(PAGE, "success", res.message)


def _undo(fix_id: str) -> None:
    try:
        res = undo_fix(store, fix_id, current_user())
    except WorkbenchError as exc:
        set_notice(PAGE, "error", str(exc))
    else:
        set_notice(PAGE, "success", res.message)


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
# ``?doc=<id>&group=<id>`` (the desk's "open decision" link): that decision opens first, expanded and
# chosen, once per link followed; afterwards the editor's own choices stand.
linked = st.query_params.get("group") or None
if linked is not None and st.session_state.get("cons_linked") != linked:
    st.session_state["cons_linked"] = linked
    st.session_state["cons_group"] = linked
    if qp and qp.isdigit() and int(qp) in by_id:
        st.session_state["cons_scope"] = int(qp)
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

# ------------------------------------------------------------------------------------ decisions
decisions = store.decisions.list(doc_id)
groups = rp.group_findings(shown, decisions)
if linked is not None:
    # The linked decision first, even when the filters hide it (an accepted one under "open").
    first = [g for g in groups if g.group == linked] or rp.group_findings(
        [f for f in everything if f.group == linked], decisions)  # fmt: skip
    groups = first + [g for g in groups if g.group != linked]
    if not first:
        st.warning(literal(f"The linked decision {linked} has no findings here: run the checks, or the text "
                           "it named has changed."))  # fmt: skip
st.subheader(f"Decisions ({len(groups)})")
st.caption("Findings of one check, document, term and offending form are one decision: tag it once for every "
           "occurrence (an accepted decision also holds for occurrences found later in text unchanged since), or "
           "fix them all at once.")  # fmt: skip
if groups:
    st.dataframe(
        pd.DataFrame(rp.group_rows(groups, titles, term_label), columns=rp.GROUP_COLUMNS)[
            ["severity", "count", "check", "status", "document_title", "term", "form", "message", "group"]],
        hide_index=True, width="stretch", height=min(320, 38 + 35 * len(groups)), key="cons_groups",
    )  # fmt: skip
for g in groups[:DECISIONS_SHOWN]:
    where = titles.get(g.doc_id, str(g.doc_id)) if g.doc_id is not None else "corpus"
    with st.expander(literal(f"{g.severity} · {g.check} · {g.form or '–'} × {g.count} · {g.status} · {where}"),
                     expanded=g.group == linked):
        st.text(g.message)  # user text: never read as Markdown
        if g.decision is not None:
            st.text(f"decision: {g.decision.status} by {g.decision.user or '?'}"
                    + (f": {g.decision.comment}" if g.decision.comment else ""))  # fmt: skip
        st.dataframe(
            pd.DataFrame([{"id": f.id, "status": f.status, "document": titles.get(f.doc_id, "") if f.doc_id else "corpus",
                           "side": f.side, "excerpt": f.excerpt} for f in g.occurrences]),
            hide_index=True, width="stretch", key=f"cons_occ_{g.group}",
        )  # fmt: skip
if len(groups) > DECISIONS_SHOWN:
    st.caption(f"{len(groups) - DECISIONS_SHOWN} more decision(s) in the table above: narrow them with the filters.")

if groups:
    gindex = {g.group: g for g in groups}
    if st.session_state.get("cons_group") not in gindex:
        st.session_state.pop("cons_group", None)  # a decision the filters now hide: the first one
    gid = st.selectbox("Decision", list(gindex), key="cons_group",
                       format_func=lambda i: f"{gindex[i].check} · {gindex[i].form} × {gindex[i].count} ({gindex[i].status})")  # fmt: skip
    g = gindex[gid]
    if may_tag:
        st.text_input("Comment for the decision (needed to accept it)", key="cons_dec_comment")
        revs = {f.id: f.rev for f in g.occurrences}
        d1, d2, d3, _ = st.columns([1, 1, 1, 2])
        for col, label, status in ((d1, "Accept decision", "accepted"), (d2, "Decision fixed", "fixed"),
                                   (d3, "Reopen decision", "open")):  # fmt: skip
            needs_review = status == "accepted" or g.status == "accepted" or (g.decision and g.decision.status == "accepted")
            col.button(label, key=f"cons_dec_{status}", disabled=bool(needs_review and not may_review),
                       help=why_not(store, user, "review") if needs_review and not may_review else None,
                       on_click=_tag_decision, args=(g.group, status, g.rev, revs, "cons_dec_comment"))  # fmt: skip
    else:
        st.caption(why_not(store, user, "tag"))
    with st.expander("Batch fix: replace the form in the occurrences", expanded="cons_fix_pv" in st.session_state):
        if not may_edit:
            st.caption(why_not(store, user, "edit"))  # a viewer gets no fix controls
        elif g.doc_id is None:
            st.caption("A corpus-wide decision has no occurrences in one text: fix it in each document's decisions.")
        else:
            st.markdown(f"Replace <b>{html_literal(g.form)}</b> (whole words; letter case kept; Hebrew prefixes stay "
                        "attached) with:", unsafe_allow_html=True)  # fmt: skip
            f1_, f2_ = st.columns([3, 1])
            f1_.text_input("Replace with", key="cons_fix_with", label_visibility="collapsed")
            f2_.button("Preview", key="cons_fix_preview", on_click=_preview, args=(g.group,))
            pv = st.session_state.get("cons_fix_pv")
            if pv is not None and pv.group == g.group:
                st.caption(literal(f"{len(pv.to_replace)} change(s) — untick an occurrence to leave it as it is"))
                for ch in pv.changes:
                    if ch.action == "replace":
                        st.checkbox(literal(f"{ch.context_before}  →  {ch.context_after}"),
                                    key=f"cons_fix_occ_{ch.occurrence}")  # fmt: skip
                    else:
                        st.caption(literal(f"{ch.occurrence}: {ch.action} — {ch.reason} {ch.context_before}"))
                st.button("Apply", key="cons_fix_apply", type="primary", on_click=_apply, disabled=not pv.to_replace)
            last = store.decisions.last_fix(user, doc_id=g.doc_id)
            if last is not None:
                st.button(f"Undo fix {last['id']} ({last['find']} → {last['replace_with']})", key="cons_fix_undo",
                          on_click=_undo, args=(last["id"],))  # fmt: skip

# ------------------------------------------------------------------------------------ table + export
st.subheader("Findings")
records = rp.rows(shown, titles, term_label)
table = pd.DataFrame(records, columns=rp.COLUMNS)
st.dataframe(
    table[["id", "severity", "check", "status", "document", "term", "message", "excerpt"]],
    hide_index=True,
    width="stretch",
    height=min(420, 38 + 35 * max(1, len(table))),
    key="cons_findings",
)
filters = [f"status {show}"] + ([f"severity {', '.join(sev)}"] if sev else []) + (
    [f"check {', '.join(chk)}"] if chk else []) + ([f"search {query!r}"] if query else [])  # fmt: skip
where_all = "all documents" if doc_id is None else f"document {titles.get(doc_id, doc_id)}"
holds = st.radio("The report holds", ["filtered", "all"], horizontal=True, key="cons_report_scope",
                 format_func=lambda k: f"the findings shown ({len(shown)})" if k == "filtered"
                 else f"all findings of {where_all} ({len(everything)})")  # fmt: skip
if holds == "all":
    report_findings = sorted(everything, key=rp.sort_key)
    scope_line = rp.report_scope(where_all, len(report_findings), len(report_findings), None)
else:
    report_findings = shown
    scope_line = rp.report_scope(where_all, len(shown), len(everything), filters)
st.caption(literal(f"The report holds {scope_line}."))
report_records = rp.rows(report_findings, titles, term_label)
e1, e2, _ = st.columns([1, 1, 3])
e1.download_button("Export CSV", rp.to_csv(report_records, scope=scope_line).encode("utf-8"),
                   f"consistency-report-{holds}.csv", "text/csv", key="cons_csv")  # fmt: skip
e2.download_button(
    "Export XLSX",
    rp.to_xlsx(report_records, rp.summary(report_findings), scope=scope_line,
               groups=rp.group_rows(rp.group_findings(report_findings, decisions), titles, term_label)),
    f"consistency-report-{holds}.xlsx",
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
