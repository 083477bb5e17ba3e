"""The Library page's update panel and the Compare page, in Streamlit's AppTest."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from tests.versions.helpers import EN, make_doc
from workbench.model import Paragraph
from workbench.store import open_store
from workbench.update import apply_update, plan_update

APP = Path(__file__).resolve().parents[2] / "workbench" / "app"
LIBRARY = str(APP / "views" / "library.py")
COMPARE = str(APP / "views" / "compare.py")

NEW = [EN[0], EN[1].replace("delight", "benefit <b>&amp;</b> :red[joy]"), EN[2], EN[3], EN[4], EN[5]]


def _patch_upload(monkeypatch: pytest.MonkeyPatch, name: str, data: bytes) -> None:
    class Upload(io.BytesIO):
        def __init__(self) -> None:
            super().__init__(data)
            self.name = name

    from streamlit.delta_generator import DeltaGenerator

    real = DeltaGenerator.file_uploader

    def fake(self, label, *args, key=None, **kwargs):  # noqa: ANN001, ANN202
        real(self, label, *args, key=key, **kwargs)
        return Upload() if (key or "").startswith("upd_file#0") else None

    monkeypatch.setattr(DeltaGenerator, "file_uploader", fake)
    monkeypatch.setattr(st, "file_uploader", lambda *a, **k: fake(st._main, *a, **k))


def _html(app: AppTest) -> str:
    return "\n".join(m.value for m in app.markdown)


def test_library_update_shows_the_changes_then_applies(monkeypatch, db_path: Path) -> None:  # noqa: ANN001
    s = open_store(db_path)
    doc_id, made = make_doc(s)
    _patch_upload(monkeypatch, "en2.txt", "\n\n".join(NEW).encode())
    st.cache_resource.clear()
    app = AppTest.from_file(LIBRARY, default_timeout=60)
    app.run()
    assert not app.exception
    (go,) = [b for b in app.get("form_submit_button") if b.label == "Compare with the current text"]
    go.click()
    app.run()
    assert not app.exception, app.exception
    assert not app.error, [e.value for e in app.error]
    metrics = {m.label: m.value for m in app.metric}
    assert metrics["edited"] == "1" and metrics["unchanged"] == "5"
    html = _html(app)
    # the user's text is shown literally: markup in it escaped, Streamlit directives not applied
    assert "&lt;b&gt;&amp;amp;&lt;/b&gt;" in html and "&#58;red[joy]" in html and "<b>&amp;</b>" not in html
    assert 'class="wb-ins"' in html and 'class="wb-del"' in html
    assert s.versions.list(doc_id) == []  # nothing written before "Apply"
    app.button(key="upd_apply").click()
    app.run()
    assert not app.exception
    assert any("to version 2" in x.value for x in app.success)
    assert "benefit" in s.get_document(doc_id).target.paragraphs[1].text
    assert [v["version"] for v in s.versions.list(doc_id, "target")] == [1, 2]


def test_library_update_stale_plan_is_refused(monkeypatch, db_path: Path) -> None:  # noqa: ANN001
    s = open_store(db_path)
    doc_id, made = make_doc(s)
    _patch_upload(monkeypatch, "en2.txt", "\n\n".join(NEW).encode())
    st.cache_resource.clear()
    app = AppTest.from_file(LIBRARY, default_timeout=60)
    app.run()
    [b for b in app.get("form_submit_button") if b.label == "Compare with the current text"][0].click()
    app.run()
    p = s.get_paragraph(made["tgt"][0].id)
    s.update_paragraph(p.id, p.text + " Amen.", expected_rev=p.rev, user="mira")
    app.button(key="upd_apply").click()
    app.run()
    assert any("changed since" in e.value and "mira" in e.value for e in app.error)
    assert s.versions.list(doc_id) == []


def test_library_update_hidden_for_an_editor(monkeypatch, db_path: Path) -> None:  # noqa: ANN001
    s = open_store(db_path)
    make_doc(s)
    s.accounts.add("root", "admin", "root-password-1")
    s.accounts.add("ed", "editor", "ed-password-12", user="root")
    monkeypatch.setenv("WORKBENCH_USER", "ed")
    st.cache_resource.clear()
    app = AppTest.from_file(LIBRARY, default_timeout=60)
    app.run()
    assert not app.exception
    assert not [b for b in app.get("form_submit_button") if b.label == "Compare with the current text"]
    assert any("may not import documents" in c.value for c in app.caption)


def test_compare_page_rows_filter_and_counterparts(db_path: Path) -> None:
    s = open_store(db_path)
    doc_id, made = make_doc(s)
    new = [Paragraph(t) for t in NEW]
    new.insert(3, Paragraph("An inserted paragraph about the vessels."))
    apply_update(s, plan_update(s, doc_id, "target", new), "t")
    st.cache_resource.clear()
    app = AppTest.from_file(COMPARE, default_timeout=60)
    app.run()
    assert not app.exception, app.exception
    assert app.title[0].value == "Compare versions"
    html = _html(app)
    ops = [m.value for m in app.markdown if "wb-op" in m.value]
    assert len(ops) == 2  # changed only: the edit and the insertion
    assert "benefit &lt;b&gt;" in html and "<b>&amp;</b>" not in html
    assert 'dir="rtl"' in html and made["src"][1].text in html  # the Hebrew counterpart, right to left
    assert any(b.label == "Download as Word with tracked changes" for b in app.get("download_button"))
    assert any("1 link(s) of this document were confirmed" in w.value for w in app.warning)
    (review,) = [d.value for d in app.dataframe if "why" in d.value.columns]  # which link, why, its texts
    assert review["link"].tolist() == [2] and review["source"].tolist() == [made["src"][1].text]
    assert review["target"].iloc[0].startswith("The purpose of creation is to benefit <b>&amp;</b>")
    app.checkbox(key="cmp_changed").uncheck().run()
    assert len([m for m in app.markdown if "wb-op" in m.value]) == 7
    app.radio(key="cmp_side").set_value("source").run()
    assert not app.exception
    assert any("one version so far" in i.value for i in app.info)


def test_compare_page_through_the_router(db_path: Path) -> None:
    s = open_store(db_path)
    make_doc(s)
    st.cache_resource.clear()
    app = AppTest.from_file(str(APP / "main.py"), default_timeout=60)
    app.run()
    app.switch_page(str(APP / "views" / "compare.py")).run()
    assert not app.exception, app.exception
    assert app.title[0].value == "Compare versions"


def test_compare_page_puts_the_original_where_the_editor_wants_it(monkeypatch, db_path: Path) -> None:  # noqa: ANN001
    s = open_store(db_path)
    doc_id, _ = make_doc(s)
    apply_update(s, plan_update(s, doc_id, "target", [Paragraph(t) for t in NEW]), "t")
    monkeypatch.setenv("WORKBENCH_USER", "lea")
    for where, first in (("right", "**Version 1**"), ("left", "**Original (linked now)**")):
        s.set_setting("lea", "source_side", where)
        st.cache_resource.clear()
        app = AppTest.from_file(COMPARE, default_timeout=60)
        app.run()
        assert not app.exception
        heads = [m.value for m in app.markdown if m.value.startswith("**")]
        assert heads[0] == first, heads


def test_activity_page_reverts_an_update_as_a_whole(db_path: Path) -> None:
    s = open_store(db_path)
    doc_id, made = make_doc(s)
    before = [(p.id, p.text) for p in s.get_document(doc_id).target.paragraphs]
    new = [Paragraph(t) for t in NEW] + [Paragraph("A closing paragraph the translator added.")]
    res = apply_update(s, plan_update(s, doc_id, "target", new, file="en2.docx"), "t")
    st.cache_resource.clear()
    app = AppTest.from_file(str(APP / "views" / "activity.py"), default_timeout=60)
    app.run()
    assert not app.exception
    rows = app.dataframe[0].value.to_dict("records")
    assert any("target version 2 from en2.docx: 1 edited, 1 inserted" in str(r.get("summary")) for r in rows)
    app.selectbox(key="act_sel").set_value(res["change"]).run()
    assert not app.button(key="act_revert").disabled
    app.button(key="act_revert").click().run()
    assert not app.exception and not app.error, [e.value for e in app.error]
    assert [(p.id, p.text) for p in s.get_document(doc_id).target.paragraphs] == before
    assert [v["action"] for v in s.versions.list(doc_id, "target")] == ["import", "update", "revert"]
