"""The Consistency page in AppTest: run, summary, distributions, table, context, tags, exports."""

from __future__ import annotations

from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from tests.app.shown import plain
from tests.checks.helpers import load_cases, pair_doc, termbase
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
    df = app.dataframe[0].value
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
    assert fid not in set(app.dataframe[0].value["id"])


def test_filters_and_bulk(app: AppTest, db_path: Path) -> None:
    _seed(db_path)
    app.run()
    _run(app)
    app.multiselect(key="cons_check").set_value(["gloss-first"])
    app.run()
    df = app.dataframe[0].value
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
    s.terms.import_terms(termbase(load_cases()), "t")
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
