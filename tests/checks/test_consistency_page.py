"""The Consistency page in AppTest: run, summary, distributions, decisions (first, expanded, tagged,
batch-fixed with preview, opt-out and undo), table, context, tags, exports (filtered or all)."""

from __future__ import annotations

from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from tests.app.shown import plain
from tests.checks.helpers import load_cases, pair_doc, termbase
from workbench.checks import CheckRunner
from workbench.io import load_pair
from workbench.store import open_store

REPO = Path(__file__).resolve().parents[2]
PAGE = str(REPO / "workbench/app/views/consistency.py")
SEED = REPO / "corpus" / "shamati" / "shamati-081-concerning-raising-man.en.txt"


@pytest.fixture
def app(db_path: Path) -> AppTest:
    st.cache_resource.clear()
    return AppTest.from_file(PAGE, default_timeout=60)


def _seed(db_path: Path) -> int:
    s = open_store(db_path)
    doc, _ = load_pair(target=SEED, title="Shamati <81>")
    doc_id = s.create_document(doc)
    s.terms.import_file(REPO / "corpus" / "termbase.csv")
    s.close()
    return doc_id


def findings_table(app: AppTest):  # noqa: ANN201 - the findings table (not the decisions' tables)
    return next(d.value for d in app.dataframe if {"id", "message", "excerpt"} <= set(d.value.columns))


def _run(app: AppTest) -> None:
    app.button(key="cons_run").click()
    app.run()
    assert not app.exception, app.exception


def test_empty_project(app: AppTest) -> None:
    app.run()
    assert not app.exception
    assert "No documents yet" in app.info[0].value


def test_run_table_context_and_tag(app: AppTest, db_path: Path) -> None:
    _seed(db_path)
    app.run()
    assert "Run checks" in app.info[0].value
    _run(app)
    df = findings_table(app)
    assert "typography" in set(df["check"]) and "gloss-first" in set(df["check"])
    assert any("Rosh,in" in m for m in df["message"])
    assert app.metric[0].value == str(len(df))
    assert len(app.get("download_button")) == 2
    # Open the typography finding: the paragraph is shown escaped, the slip marked.
    (fid,) = [i for i, c in zip(df["id"], df["check"], strict=True) if c == "typography"]
    app.selectbox(key="cons_pick").set_value(fid)
    app.run()
    page = "\n".join(m.value for m in app.markdown)
    assert "<mark>Rosh,in</mark>" in page
    # Accepting needs a comment: an error, nothing saved.
    app.button(key="cons_tag_accepted").click()
    app.run()
    assert app.error and "comment" in plain(app.error[0].value)
    assert open_store(db_path).findings.get(fid).status == "open"
    app.text_input(key="cons_comment").input("house style")
    app.button(key="cons_tag_accepted").click()
    app.run()
    f = open_store(db_path).findings.get(fid)
    assert (f.status, f.comment) == ("accepted", "house style")
    # Accepted findings leave the default (open) view.
    assert fid not in set(findings_table(app)["id"])


def test_filters_and_bulk(app: AppTest, db_path: Path) -> None:
    _seed(db_path)
    app.run()
    _run(app)
    app.multiselect(key="cons_check").set_value(["gloss-first"])
    app.run()
    df = findings_table(app)
    assert set(df["check"]) == {"gloss-first"} and len(df) > 3
    app.checkbox(key="cons_bulk_all").check()
    app.radio(key="cons_bulk_status").set_value("fixed")
    app.run()
    app.button(key="cons_bulk_go").click()
    app.run()
    assert not app.exception
    s = open_store(db_path)
    assert {f.status for f in s.findings.list(checks=["gloss-first"])} == {"fixed"}
    # "Re-check everything": the causes are still there, so they are reopened.
    app.button(key="cons_force").click()
    app.run()
    assert {f.status for f in open_store(db_path).findings.list(checks=["gloss-first"])} == {"open"}


def test_distribution_chart_and_escaping(app: AppTest, db_path: Path) -> None:
    s = open_store(db_path)
    terms = termbase(load_cases())
    for t in terms:
        if t.preferred == "Masach":
            t.variant_policy = "deprecated"  # an allowed variant would merge into Masach (house style)
    s.terms.import_terms(terms, "t")
    doc, links = pair_doc([["המסך", "the Masach <b>x</b>"], ["המסך", "the Masach"], ["המסך", "the Masakh"]], "T")
    doc_id = s.create_document(doc)
    s.save_links(doc_id, links, s.alignment_rev(doc_id))
    s.close()
    app.run()
    _run(app)
    assert app.get("arrow_vega_lite_chart") or app.get("vega_lite_chart")
    labels = app.selectbox(key="cons_dist").options
    assert any("Masakh" in o for o in labels)
    app.multiselect(key="cons_check").set_value(["gloss-first"])
    app.run()
    page = "\n".join(m.value for m in app.markdown)
    assert "<b>x</b>" not in page and "&lt;b&gt;x&lt;/b&gt;" in page


def test_tag_confirmation_stays_until_the_next_action(app: AppTest, db_path: Path) -> None:
    _seed(db_path)
    app.run()
    _run(app)
    fid = app.selectbox(key="cons_pick").value
    app.text_input(key="cons_comment").input("see **note** 3")
    app.button(key="cons_tag_fixed").click().run()
    assert not app.toast
    (ok,) = app.success
    assert plain(ok.value) == "1 finding(s) tagged fixed: see **note** 3"
    assert open_store(db_path).findings.get(fid).status == "fixed"
    app.text_input(key="cons_q").input("zzz-nothing").run()  # filtering is not an action: it stays
    assert [plain(m.value) for m in app.success] == ["1 finding(s) tagged fixed: see **note** 3"]
    app.button(key="cons_run").click().run()  # the next action
    assert not app.success


# ------------------------------------------------------------------------------------ decisions


def _partsuf(db_path: Path, users: bool = False) -> tuple[int, list[str]]:
    """A document with the forbidden ``Partsuf`` three times (one decision: an error, count 3) and
    ``Masach`` without a gloss (other decisions: warnings)."""
    s = open_store(db_path)
    if users:
        s.accounts.add("root", "admin")
        s.accounts.add("ed", "editor", user="root")
        s.accounts.add("vic", "viewer", user="root")
    s.terms.import_terms(termbase(load_cases()), "root" if users else "t")
    doc, links = pair_doc([["הפרצוף", "the Partsuf and the Masach"], ["הפרצוף", "PARTSUF, the second"],
                           ["הפרצוף", "Partsuf's edge"]], "P <1>")  # fmt: skip
    who = "root" if users else "system"
    doc_id = s.create_document(doc, user=who)
    s.save_links(doc_id, links, s.alignment_rev(doc_id), who)
    ids = [p.id for p in s.get_document(doc_id).target.paragraphs]
    s.close()
    return doc_id, ids


def _forbidden_group(app: AppTest) -> str:
    return next(g for g in app.selectbox(key="cons_group").options if "term-forbidden" in g)


def test_decisions_first_sorted_with_occurrences_on_expand(app: AppTest, db_path: Path) -> None:
    _partsuf(db_path)
    app.run()
    _run(app)
    groups = app.dataframe[0].value  # the decisions come before the findings table
    assert list(groups.columns[:3]) == ["severity", "count", "check"]
    assert groups["check"][0] == "term-forbidden" and groups["count"][0] == 3 and groups["severity"][0] == "error"
    ranks = [{"error": 0, "warning": 1, "info": 2}[s] for s in groups["severity"]]
    assert ranks == sorted(ranks)
    assert len(findings_table(app)) == int(groups["count"].sum())
    label = plain(app.expander[0].label)
    assert "term-forbidden" in label and "× 3" in label and "Partsuf" in plain(label)
    occ = app.expander[0].dataframe[0].value
    assert len(occ) == 3 and all("artsuf" in e.casefold() for e in occ["excerpt"])


def test_tag_decision_applies_to_every_occurrence(app: AppTest, db_path: Path) -> None:
    doc_id, _ = _partsuf(db_path)
    app.run()
    _run(app)
    app.selectbox(key="cons_group").set_value(_forbidden_group(app)).run()
    app.text_input(key="cons_dec_comment").input("quoted from an old edition").run()
    app.button(key="cons_dec_accepted").click().run()
    assert not app.exception and not app.error, [e.value for e in app.error]
    s = open_store(db_path)
    got = [f for f in s.findings.list(doc_id) if f.check == "term-forbidden"]
    assert len(got) == 3 and {(f.status, f.comment) for f in got} == {("accepted", "quoted from an old edition")}
    assert "tagged accepted (3 occurrence(s))" in plain(app.success[0].value)


def test_batch_fix_preview_opt_out_apply_and_undo(app: AppTest, db_path: Path) -> None:
    doc_id, pids = _partsuf(db_path)
    app.run()
    _run(app)
    app.selectbox(key="cons_group").set_value(_forbidden_group(app)).run()
    app.text_input(key="cons_fix_with").input("Partzuf").run()
    app.button(key="cons_fix_preview").click().run()
    assert not app.exception
    boxes = [c for c in app.checkbox if c.key.startswith("cons_fix_occ_")]
    assert len(boxes) == 3 and all(b.value for b in boxes)
    shown = [plain(b.label) for b in boxes]
    assert any("[PARTSUF]" in x and "[PARTZUF]" in x for x in shown)  # case kept
    assert any("[Partsuf]'s edge" in x and "[Partzuf]'s edge" in x for x in shown)
    # opt out of the one in capitals, apply
    (caps,) = [b for b in boxes if "[PARTSUF]" in plain(b.label)]
    caps.uncheck().run()
    app.button(key="cons_fix_apply").click().run()
    assert not app.exception and not app.error, [e.value for e in app.error]
    s = open_store(db_path)
    texts = [s.get_paragraph(p).text for p in pids]
    assert texts == ["the Partzuf and the Masach", "PARTSUF, the second", "Partzuf's edge"]
    assert "replaced 2 occurrence(s)" in plain(app.success[0].value)
    # the decision now counts the one left; undo restores both paragraphs in one go
    assert [f.present for f in s.findings.list(doc_id) if f.check == "term-forbidden" and f.present] == [True]
    app.button(key="cons_fix_undo").click().run()
    assert not app.exception and "undone" in plain(app.success[0].value)
    s = open_store(db_path)
    assert [s.get_paragraph(p).text for p in pids] == ["the Partsuf and the Masach", "PARTSUF, the second", "Partsuf's edge"]


def test_viewer_sees_decisions_without_fix_or_tag_controls(db_path: Path) -> None:
    _partsuf(db_path, users=True)
    from workbench.checks import CheckRunner

    s = open_store(db_path)
    CheckRunner(s).run(user="root")
    s.close()
    st.cache_resource.clear()
    at = AppTest.from_file(PAGE, default_timeout=60)
    at.session_state["user"] = "vic"
    at.run()
    assert not at.exception
    assert at.expander and at.selectbox(key="cons_group")
    keys = {b.key for b in at.button}
    assert not keys & {"cons_dec_accepted", "cons_fix_preview", "cons_fix_apply"}
    captions = " ".join(plain(c.value) for c in at.caption)
    assert "may not" in captions


def test_report_says_filtered_or_all(app: AppTest, db_path: Path) -> None:
    _partsuf(db_path)
    app.run()
    _run(app)
    app.multiselect(key="cons_check").set_value(["term-forbidden"]).run()
    n_all = len(open_store(db_path).findings.list())
    cap = next(plain(c.value) for c in app.caption if "The report holds" in c.value)
    assert "filtered findings" in cap and "check term-forbidden" in cap and f"3 of {n_all}" in cap
    app.radio(key="cons_report_scope").set_value("all").run()
    cap = next(plain(c.value) for c in app.caption if "The report holds" in c.value)
    assert f"all findings of all documents, whatever their status ({n_all})" in cap
    assert len(app.get("download_button")) == 2


def test_group_link_opens_that_decision_first(db_path: Path) -> None:
    """The desk links to ``consistency?doc=<id>&group=<id>``: that decision comes first, expanded and
    chosen for tagging and fixing, even when the status filter would hide it (accepted)."""
    doc_id, _ = _partsuf(db_path)
    s = open_store(db_path)
    CheckRunner(s).run()
    found = s.findings.list(doc_id)
    linked = next(f.group for f in found if f.check != "term-forbidden")  # not first by severity
    s.decisions.tag(linked, "accepted", "system", "house style")
    s.close()
    st.cache_resource.clear()
    app = AppTest.from_file(PAGE, default_timeout=60)
    app.query_params["doc"] = str(doc_id)
    app.query_params["group"] = linked
    app.run()
    assert not app.exception, app.exception
    assert app.selectbox(key="cons_group").value == linked
    assert app.expander[0].proto.expanded and not app.expander[1].proto.expanded
    assert "accepted" in plain(app.expander[0].label)
    assert all("term-forbidden" not in plain(e.label) for e in app.expander[:1])
    # the editor's own choice stands on the next run
    forbidden = next(f.group for f in found if f.check == "term-forbidden")
    app.selectbox(key="cons_group").set_value(forbidden).run()
    assert app.selectbox(key="cons_group").value == forbidden
    # a group id that names nothing here: a clear line, the page still works
    st.cache_resource.clear()
    other = AppTest.from_file(PAGE, default_timeout=60)
    other.query_params["group"] = "term-missing-t1-gdeadbeef00"
    other.run()
    assert not other.exception and "has no findings here" in plain(other.warning[0].value)
