"""Compare: two versions of one side of a document, paragraph by paragraph and word by word.

Each row is one matched stretch (unchanged, edited, split, merged, inserted, deleted, moved): the
old version's words with deletions struck through, the new version's with insertions underlined
(right to left for Hebrew), and beside them the paragraph(s) of the other language linked to it
now, so the editor can judge an edit of the translation against the original. All text is escaped
before it reaches the page. The comparison is also downloadable as a Word document with tracked
changes. Everything comes from :func:`workbench.update.compare_versions`.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from workbench.app.state import current_user, get_store
from workbench.app.widgets import diff_html, literal, pick_document, source_side, text_block, why_not
from workbench.errors import WorkbenchError
from workbench.update import compare_versions, list_versions, review_after_update

PER_PAGE = 50

store = get_store()
user = current_user()
st.title("Compare versions")
doc = pick_document(store.list_documents(), key="cmp_doc")
if doc is None:
    st.stop()
try:
    versions = list_versions(store, doc.id)
except WorkbenchError as exc:
    st.error(literal(str(exc)))
    st.stop()
sides = [s for s in ("target", "source") if any(v["side"] == s for v in versions)]
side = st.radio("Side", sides, horizontal=True, key="cmp_side",
                format_func=lambda s: "Translation (target)" if s == "target" else "Original (source)")
mine = [v for v in versions if v["side"] == side]
labels = {str(v["version"]): f"{v['version']} · {v['action']} · {str(v['time'] or '')[:16].replace('T', ' ')}"
          + (f" · {v['file']}" if v["file"] else "") for v in mine}  # fmt: skip
choices = list(labels)
if not mine[-1].get("current"):
    choices.append("current")
    labels["current"] = "current text (edited since the last version)"
c1, c2, c3 = st.columns([2, 2, 1])
v_from = c1.selectbox("From (older)", choices, index=max(0, len(choices) - 2), format_func=labels.get, key="cmp_from")
v_to = c2.selectbox("To (newer)", choices, index=len(choices) - 1, format_func=labels.get, key="cmp_to")
only_changed = c3.checkbox("Changed only", value=True, key="cmp_changed")
if len(choices) == 1:
    st.info("This side has one version so far. Bring in a revised file on the Library page "
            "(Update a side from a new version) or with `workbench update`.")
try:
    with st.spinner("Matching the paragraphs of the two versions…"):
        comp = compare_versions(store, doc.id, side, v_from, v_to)
except WorkbenchError as exc:
    st.error(literal(str(exc)))
    st.stop()

summary = comp.summary()
st.caption(" · ".join(f"{n} {k}" for k, n in summary.items()) or "no paragraphs")
review = review_after_update(store, doc.id)
if review["links"]:
    st.warning(f"{len(review['links'])} link(s) of this document were confirmed before an update changed their text, "
               "or were re-aligned where a confirmed link stood: review and confirm them again on the Alignment page.")
if review["annotations"]:
    st.warning(f"{len(review['annotations'])} annotation(s) lost their words in an edit: re-mark the term or remove "
               "them (Terms ▸ Occurrences).")
if review["links"] or review["annotations"]:
    with st.expander("What to review after the updates"):
        if review["links"]:  # a dataframe shows its cells as plain text
            st.dataframe(pd.DataFrame([{"link": r["number"], "why": r["reason"], "source": r["source"],
                                        "target": r["target"]} for r in review["links"]]),
                         hide_index=True, width="stretch", key="cmp_review_links")  # fmt: skip
        if review["annotations"]:
            st.dataframe(pd.DataFrame([{"annotation": r["annotation"], "words": r["surface"], "side": r["side"],
                                        "paragraph now": r["paragraph"]} for r in review["annotations"]]),
                         hide_index=True, width="stretch", key="cmp_review_anns")  # fmt: skip
rows = [r for r in comp.rows if not only_changed or r.op != "unchanged"]
if store.may(user, "export"):
    from workbench.export.tracked import tracked_docx

    who = next((v["user"] for v in mine if str(v["version"]) == str(v_to)), None)
    when = next((v["time"] for v in mine if str(v["version"]) == str(v_to)), None)
    data = tracked_docx([([p.text for p in r.old], [p.text for p in r.new]) for r in rows], title=doc.title,
                        subtitle=f"{side} text, version {v_from} → {v_to}", author=who or user, date=when,
                        lang=comp.lang)  # fmt: skip
    st.download_button("Download as Word with tracked changes", data, file_name=f"compare-{doc.id}-{side}-{v_from}-{v_to}.docx",
                       mime="application/vnd.openxmlformats-officedocument.wordprocessingml.document", key="cmp_dl")  # fmt: skip
else:
    st.caption(why_not(store, user, "export"))
if not rows:
    st.success("No differences between these versions." if comp.rows else "Nothing to compare.")
    st.stop()
pages = max(1, -(-len(rows) // PER_PAGE))
page = st.number_input(f"Page (of {pages})", 1, pages, 1, key="cmp_page") if pages > 1 else 1
# the other language's column goes where the editor keeps the source (their own setting)
other_first = (side == "target") == (source_side(store, user) == "left")
order = [2, 0, 1] if other_first else [0, 1, 2]
cols_head = st.columns([3, 3, 3])
head = [cols_head[order.index(k)] for k in range(3)]
head[0].markdown(f"**Version {v_from}**")
head[1].markdown(f"**Version {v_to}**")
head[2].markdown(f"**{'Original' if side == 'target' else 'Translation'} (linked now)**")
for r in rows[(page - 1) * PER_PAGE: page * PER_PAGE]:
    st.markdown(f"<div class='wb-op' style='font-size:.8em;color:#5f6368'>{r.op}</div>", unsafe_allow_html=True)
    row_cols = st.columns([3, 3, 3])
    cols = [row_cols[order.index(k)] for k in range(3)]
    cols[0].markdown(diff_html(r.old_text, r.new_text, comp.lang, show="before") if r.old else "–",
                     unsafe_allow_html=True)  # fmt: skip
    cols[1].markdown(diff_html(r.old_text, r.new_text, comp.lang, show="after") if r.new else "–",
                     unsafe_allow_html=True)  # fmt: skip
    other = "\n".join(p.text for p in r.counterpart)
    cols[2].markdown(text_block(other, comp.other_lang) if other else "–", unsafe_allow_html=True)
