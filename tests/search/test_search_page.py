"""The Search page in AppTest: results with highlights (escaped), the renderings chart and table with
the termbase button (refused to a viewer), the repeats report, the reference memory tab."""

from __future__ import annotations

from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from tests.app.shown import plain
from workbench.model import Document, Link, Paragraph, Text
from workbench.store import open_store

PAGE = str(Path(__file__).resolve().parents[2] / "workbench/app/views/search.py")
HE = ["ובאור החוזר נתקנו <b>העולמות</b>.", "וזהו אור חוזר מלמטה למעלה.", "ואמרו חז\"ל כי התענוג הגדול והרצון לקבל הגדול עולים בקנה אחד ממש.",
      "ואמרו חז\"ל כי התענוג הגדול והרצון לקבל הגדול עולים בקנה אחד ממש."]
EN = ["By the Returning Light the <b>worlds</b> were corrected.", "This is Returning Light from below upward.",
      "Our sages said that the great pleasure and the great desire to receive rise together.",
      "Our sages said that the great delight and the great will to receive come up as one."]


@pytest.fixture
def app(db_path: Path) -> AppTest:
    st.cache_resource.clear()
    s = open_store(db_path)
    src, tgt = [Paragraph(t) for t in HE], [Paragraph(t) for t in EN]
    s.create_document(Document("Intro", Text("he", src), Text("en", tgt)),
                      links=[Link([a.id], [b.id]) for a, b in zip(src, tgt, strict=True)])
    return AppTest.from_file(PAGE, default_timeout=60)


def ask(app: AppTest, query: str) -> None:
    app.text_input(key="sr_query").set_value(query)
    app.get("form_submit_button")[0].click()
    app.run()


def html_of(app: AppTest) -> str:
    return "\n".join(m.value for m in app.markdown)


def test_search_shows_highlighted_pairs_and_renderings(app: AppTest, db_path: Path) -> None:
    app.run()
    assert not app.exception
    ask(app, "אור חוזר")
    assert not app.exception
    shown = html_of(app)
    assert "<mark>ובאור</mark> <mark>החוזר</mark>" in shown
    assert "&lt;b&gt;העולמות&lt;/b&gt;" in shown and "<b>העולמות</b>" not in shown  # user text literal
    assert "<mark>Returning Light</mark>" in shown  # the rendering found on the English side
    assert 'href="/align?doc=1&amp;link=' in shown and 'dir="rtl"' in shown  # opens on the link
    assert any("2 result(s)" in plain(c.value) for c in app.caption)
    assert "Returning Light" in shown and len(app.get("vega_lite_chart")) == 1
    add = [b for b in app.button if b.label == "Add to termbase"]
    assert add and not add[0].disabled
    add[0].click()
    app.run()
    assert not app.exception
    terms = open_store(db_path).terms.list_terms()
    assert [(t.source, t.preferred, t.status) for t in terms] == [("אור חוזר", "Returning Light", "proposed")]


def test_a_viewer_cannot_add_to_the_termbase(app: AppTest, db_path: Path) -> None:
    s = open_store(db_path)
    s.accounts.add("boss", "admin", "correct horse battery")
    s.accounts.add("vera", "viewer", "correct horse battery", user="boss")
    app.session_state["user"] = "vera"
    app.run()
    ask(app, "אור חוזר")
    assert not app.exception, app.exception
    assert not app.error, [e.value for e in app.error]
    add = [b for b in app.button if b.label == "Add to termbase"]
    assert add and all(b.disabled for b in add)


def test_bad_query_is_one_error_line(app: AppTest) -> None:
    app.run()
    ask(app, '"open')
    assert not app.exception
    assert "unclosed" in app.error[0].value


def test_repeats_tab_lists_groups_with_a_diff(app: AppTest) -> None:
    app.run()
    next(b for b in app.button if b.label == "Find repeats").click()
    app.run()
    assert not app.exception
    shown = html_of(app)
    assert "<del" in shown and "pleasure" in shown and "<ins" in shown and "delight" in shown


def test_alignment_editor_shows_the_memory_for_the_selected_link(db_path: Path) -> None:
    """The panel under the selected link: the repeated passage of the other link with its English and
    its percentage, the exact repeat flagged; user text escaped."""
    st.cache_resource.clear()
    s = open_store(db_path)
    src, tgt = [Paragraph(t) for t in HE], [Paragraph(t) for t in EN]
    s.create_document(Document("Intro", Text("he", src), Text("en", tgt)),
                      links=[Link([a.id], [b.id], 0.9) for a, b in zip(src, tgt, strict=True)])
    app = AppTest.from_file(str(Path(PAGE).parent / "align.py"), default_timeout=60)
    app.run()
    lid = s.get_links(1)[2].id
    app.selectbox(key="al_sel").set_value(lid).run()
    assert not app.exception, app.exception
    assert not [m.value for m in app.markdown if "wb-tm" in m.value]  # collapsed: not looked up
    app.session_state["al_tm_open"] = True  # the editor opens the panel
    app.run()
    panel = [m.value for m in app.markdown if "wb-tm" in m.value]
    assert panel and "100%" in panel[0] and "exact repeat of 12 words" in panel[0]
    shown = html_of(app)
    assert EN[3] in shown  # the other rendering, beside the selected link


def test_the_alignment_page_opens_on_the_link_a_result_names(db_path: Path) -> None:
    """?doc=&link= (what a result's "Open in Alignment" and a suggestion's "open" carry): the page
    shows the page of links holding it, selected, even when the filters would hide it; the parameter
    is used once."""
    st.cache_resource.clear()
    s = open_store(db_path)
    src = [Paragraph(f"פסקה מספר {n} כאן") for n in range(60)]
    tgt = [Paragraph(f"Paragraph number {n} here") for n in range(60)]
    s.create_document(Document("Long", Text("he", src), Text("en", tgt)),
                      links=[Link([a.id], [b.id], 0.9) for a, b in zip(src, tgt, strict=True)])
    lid = s.get_links(1)[52].id
    app = AppTest.from_file(str(Path(PAGE).parent / "align.py"), default_timeout=60)
    app.session_state["al_low"] = True  # "only links under the threshold": would hide every link here
    app.query_params["doc"] = "1"
    app.query_params["link"] = lid
    app.run()
    assert not app.exception, app.exception
    assert app.session_state["al_sel"] == lid
    assert app.session_state["al_page"] == 2  # links 51-75 at 25 a page
    assert not app.session_state["al_low"]
    assert "link" not in app.query_params
    assert any("Paragraph number 52 here" in m.value for m in app.markdown)
