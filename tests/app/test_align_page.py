"""Align page in AppTest on a real small document (the opening of the Introduction to the Book of Zohar):
align with progress, RTL rows, filters, paging, next-to-review, confirm/merge/detach/split/edit/undo,
and a conflicting change from a second connection shown as an error."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from workbench.align.edits import check_links, set_status
from workbench.io import load_pair
from workbench.model import Document, Link, Paragraph, Text
from workbench.store import open_store

REPO = Path(__file__).resolve().parents[2]
PAGE = str(REPO / "workbench/app/views/align.py")
CORPUS = REPO / "corpus" / "intro_zohar"
# 11 links over 12 + 12 paragraphs; link 7 (index 6) is 2-2, link 10 (index 9) is confirmed
SCORES = [0.95, 0.3, 0.9, 0.85, 0.45, 0.99, 0.7, 0.92, 0.2, 0.88, 0.35]
LOW = [1, 4, 8, 10]  # below 0.5 and unconfirmed


def real_paragraphs() -> tuple[list[Paragraph], list[Paragraph]]:
    pair, _ = load_pair(source=CORPUS / "he.json", target=CORPUS / "en.json")
    assert pair.source and pair.target
    src = [Paragraph(p.text, label=p.label, label_value=p.label_value) for p in pair.source.paragraphs[:12]]
    tgt = [Paragraph(p.text, label=p.label, label_value=p.label_value) for p in pair.target.paragraphs[:12]]
    tgt[5].text += " <script>alert('x')</script>"
    return src, tgt


def seed(db_path: Path, *, aligned: bool = True) -> int:
    src, tgt = real_paragraphs()
    s = open_store(db_path)
    doc_id = s.create_document(Document("Introduction <i>Zohar</i>", Text("he", src), Text("en", tgt)), "t")
    if aligned:
        links: list[Link] = []
        k = 0
        for n, score in enumerate(SCORES):
            width = 2 if n == 6 else 1
            links.append(Link([p.id for p in src[k : k + width]], [p.id for p in tgt[k : k + width]], score=score,
                              status="confirmed" if n == 9 else "auto"))  # fmt: skip
            k += width
        s.save_links(doc_id, links, 0, "t")
    s.close()
    return doc_id


@pytest.fixture
def app(db_path: Path) -> AppTest:
    st.cache_resource.clear()
    return AppTest.from_file(PAGE, default_timeout=60)


def rows(app: AppTest) -> list[str]:
    """The link rows of the window, in order (the selected one among them)."""
    return [m.value for m in app.markdown if 'class="wb-link"' in m.value]


def preview(app: AppTest) -> str:
    """The row of the selected link, the one the action bar under it acts on."""
    (p,) = [m.value for m in app.markdown if "wb-preview" in m.value]
    return p


def numbers(app: AppTest) -> list[int]:
    return [int(r.split('data-link="')[1].split('"')[0]) for r in rows(app)]


def plain(element: object) -> str:
    """What a notice shows: its Markdown source without the backslashes that keep user text literal."""
    from tests.app.shown import plain as unescaped

    return unescaped(element.value)  # type: ignore[attr-defined]


def ok(app: AppTest) -> None:
    assert not app.exception, app.exception
    assert not app.error, [e.value for e in app.error]


def stored(db_path: Path, doc_id: int) -> list[Link]:
    s = open_store(db_path)
    try:
        links = s.get_links(doc_id)
        check_links(s.get_document(doc_id), links)
        return links
    finally:
        s.close()


def select_link(app: AppTest, db_path: Path, doc_id: int, index: int) -> str:
    lid = stored(db_path, doc_id)[index].id
    app.selectbox(key="al_sel").set_value(lid).run()
    ok(app)
    return lid


def test_align_button_aligns_with_progress(app: AppTest, db_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from streamlit.delta_generator import DeltaGenerator

    shown: list[str | None] = []
    real = DeltaGenerator.progress

    def spy(self, value, text=None):  # noqa: ANN001, ANN202
        shown.append(text)
        return real(self, value, text=text)

    monkeypatch.setattr(DeltaGenerator, "progress", spy)
    doc_id = seed(db_path, aligned=False)
    app.run()
    ok(app)
    assert "not aligned yet" in app.info[0].value and not rows(app)
    app.button(key="al_realign").click().run()
    ok(app)
    assert any(t and t.startswith("Aligning… ") and t.endswith("%") for t in shown), "the aligner's progress is shown"
    assert shown[-1] == "Done"
    assert app.success and plain(app.success[0]).startswith("align:")
    links = stored(db_path, doc_id)
    assert len(links) >= 10 and len(rows(app)) == len(links)
    assert app.button(key="al_realign").label == "Re-align unconfirmed"  # the page was redrawn after aligning


def test_rows_show_translation_left_and_rtl_source_right(app: AppTest, db_path: Path) -> None:
    seed(db_path)
    app.run()
    ok(app)
    got = rows(app)
    assert len(got) == len(SCORES)
    first = got[0]
    left, right = first.split('class="wb-target"')[1].split('class="wb-source"')
    assert 'dir="ltr"' in left and "In this introduction" in left
    assert 'dir="rtl"' in right and "text-align:right" in right and "SBL Hebrew" in right and "רצוני" in right
    assert "<b>1-1</b>" in first and "score 0.95" in first and "#1e8e3e" in first  # green band
    assert "#d93025" in got[1] and "#f29900" in got[6] and "<b>2-2</b>" in got[6]  # red, amber
    assert 'class="wb-label"' in got[1] and ">1.</span>" in got[1]  # item labels visible
    assert "✓ confirmed" in got[9]
    page = "\n".join(got)
    assert "&lt;script&gt;" in page and "<script>" not in page
    assert app.get("vega_lite_chart"), "score chart"


def test_filters_reduce_rows(app: AppTest, db_path: Path) -> None:
    seed(db_path)
    app.run()
    assert len(rows(app)) == 11
    app.checkbox(key="al_multi").check().run()
    assert numbers(app) == [7]
    app.checkbox(key="al_multi").uncheck().run()
    app.checkbox(key="al_low").check().run()
    assert numbers(app) == [i + 1 for i in LOW]
    app.slider(key="al_thr").set_value(0.8).run()
    assert numbers(app) == [2, 5, 7, 9, 11]
    app.checkbox(key="al_low").uncheck().run()
    app.checkbox(key="al_unconf").check().run()
    assert numbers(app) == [1, 2, 3, 4, 5, 6, 7, 8, 9, 11]
    ok(app)


def test_paging_and_next_to_review_move_the_window(app: AppTest, db_path: Path) -> None:
    doc_id = seed(db_path)
    app.run()
    app.selectbox(key="al_size").set_value(10).run()
    assert numbers(app) == list(range(1, 11))
    app.button(key="al_next").click().run()
    assert numbers(app) == [11]
    app.button(key="al_prev").click().run()
    assert numbers(app) == list(range(1, 11))
    ids = [lk.id for lk in stored(db_path, doc_id)]
    visited = []
    for _ in range(5):
        app.button(key="al_review").click().run()
        ok(app)
        visited.append(ids.index(app.selectbox(key="al_sel").value))
        assert f'data-link="{visited[-1] + 1}"' in preview(app)  # the action bar shows the link it acts on
        if visited[-1] == 10:
            assert numbers(app) == [11], "the window moved to the page of link 11"
    assert visited == [*LOW, LOW[0]]  # wraps round
    assert numbers(app) == list(range(1, 11))
    assert 'outline:2px' in rows(app)[LOW[0]]  # the selected row is marked


def click_chart_point(app: AppTest, number: int) -> None:
    """What the browser sends when a point of the score chart is clicked: the chart's selection state.

    AppTest has no API for chart selections, so the widget state is built by hand and handed to the
    run like any other widget's (the real click is exercised in tests/e2e/test_browser.py)."""
    import json

    from streamlit.proto.WidgetStates_pb2 import WidgetState

    (chart,) = app.get("vega_lite_chart")
    assert list(chart.proto.selection_mode) == ["pick"], "the chart reports clicks"
    states = app._tree.get_widget_states()
    states.widgets.append(WidgetState(id=chart.proto.id, string_value=json.dumps({"selection": {"pick": [{"link": number}]}})))
    app._run(states)
    ok(app)


def test_clicking_a_chart_point_opens_that_link(app: AppTest, db_path: Path) -> None:
    doc_id = seed(db_path)
    app.run()
    app.selectbox(key="al_size").set_value(10).run()
    ids = [lk.id for lk in stored(db_path, doc_id)]
    click_chart_point(app, 11)
    assert numbers(app) == [11], "the window moved to the page of the clicked link"
    assert app.selectbox(key="al_sel").value == ids[10] and 'data-link="11"' in preview(app)
    # a link hidden by the filters: the filters go off so it can be shown, and the editor is told
    app.checkbox(key="al_multi").check().run()
    assert numbers(app) == [7]
    click_chart_point(app, 3)
    assert not app.checkbox(key="al_multi").value
    assert app.selectbox(key="al_sel").value == ids[2] and 3 in numbers(app)
    assert any("hidden by the filters" in plain(i) for i in app.info)


def test_confirm_and_bulk_confirm_change_the_store(app: AppTest, db_path: Path) -> None:
    doc_id = seed(db_path)
    app.run()
    select_link(app, db_path, doc_id, 1)
    app.button(key="al_confirm").click().run()
    ok(app)
    assert stored(db_path, doc_id)[1].status == "confirmed"
    assert "✓ confirmed" in rows(app)[1]
    app.button(key="al_unconfirm").click().run()
    assert stored(db_path, doc_id)[1].status == "auto"
    app.number_input(key="al_bulk_min").set_value(0.9).run()
    app.button(key="al_confirm_above").click().run()
    ok(app)
    assert [lk.status == "confirmed" for lk in stored(db_path, doc_id)] == [s >= 0.9 or n == 9 for n, s in enumerate(SCORES)]
    app.checkbox(key="al_low").check().run()
    app.button(key="al_confirm_filtered").click().run()
    ok(app)
    assert all(stored(db_path, doc_id)[i].status == "confirmed" for i in LOW)


def test_merge_detach_and_undo_via_the_ui(app: AppTest, db_path: Path) -> None:
    doc_id = seed(db_path)
    before = [(lk.source, lk.target, lk.status) for lk in stored(db_path, doc_id)]
    app.run()
    lid = select_link(app, db_path, doc_id, 2)
    app.button(key="al_merge").click().run()
    ok(app)
    after = stored(db_path, doc_id)
    assert len(after) == 10 and after[2].kind == "2-2" and after[2].id == lid and after[2].status == "confirmed"
    assert app.button(key="al_undo_btn").label == "Undo merge links"

    lid0 = select_link(app, db_path, doc_id, 0)
    tgt0 = stored(db_path, doc_id)[0].target[0]
    app.selectbox(key=f"al_para_{lid0}").set_value(("target", tgt0)).run()
    app.button(key="al_detach").click().run()
    ok(app)
    kinds = [lk.kind for lk in stored(db_path, doc_id)]
    assert kinds[:2] == ["1-0", "0-1"] and len(kinds) == 11

    app.button(key="al_undo_btn").click().run()
    ok(app)
    assert [lk.kind for lk in stored(db_path, doc_id)][:3] == ["1-1", "1-1", "2-2"]
    app.button(key="al_undo_btn").click().run()
    ok(app)
    assert [(lk.source, lk.target, lk.status) for lk in stored(db_path, doc_id)] == before
    assert app.button(key="al_undo_btn").disabled


def test_undo_survives_a_reload_of_the_page(app: AppTest, db_path: Path) -> None:
    doc_id = seed(db_path)
    before = [(lk.source, lk.target, lk.status) for lk in stored(db_path, doc_id)]
    app.run()
    select_link(app, db_path, doc_id, 2)
    app.button(key="al_merge").click().run()
    ok(app)
    reloaded = AppTest.from_file(PAGE, default_timeout=60)  # a new browser session on the same project
    reloaded.run()
    ok(reloaded)
    assert reloaded.button(key="al_undo_btn").label == "Undo merge links"
    reloaded.button(key="al_undo_btn").click().run()
    ok(reloaded)
    assert [(lk.source, lk.target, lk.status) for lk in stored(db_path, doc_id)] == before
    assert reloaded.button(key="al_undo_btn").disabled


def test_move_split_and_edit_text_via_the_ui(app: AppTest, db_path: Path) -> None:
    doc_id = seed(db_path)
    app.run()
    lid = select_link(app, db_path, doc_id, 6)  # the 2-2 link: its last translation paragraph moves down
    last_tgt = stored(db_path, doc_id)[6].target[-1]
    app.selectbox(key=f"al_para_{lid}").set_value(("target", last_tgt)).run()
    app.button(key="al_down").click().run()
    ok(app)
    links = stored(db_path, doc_id)
    assert (links[6].kind, links[7].kind) == ("2-1", "1-2") and links[7].target[0] == last_tgt

    lid0 = select_link(app, db_path, doc_id, 0)
    tgt0 = links[0].target[0]
    app.selectbox(key=f"al_para_{lid0}").set_value(("target", tgt0)).run()
    s = open_store(db_path)
    p = s.get_paragraph(tgt0)
    s.close()
    key = f"al_split_{tgt0}_{p.rev}"
    assert app.selectbox(key=f"{key}_sent").value is not None  # a sentence end is offered
    app.button(key="al_split").click().run()
    ok(app)
    links = stored(db_path, doc_id)
    assert links[0].kind == "1-2" and links[0].status == "confirmed"  # edits confirm the links they produce
    s = open_store(db_path)
    head = s.get_paragraph(tgt0)
    s.close()
    assert head.text.endswith("perceived.") and p.text.startswith(head.text)

    app.selectbox(key=f"al_para_{lid0}").set_value(("target", tgt0)).run()
    app.text_area(key=f"al_text_{tgt0}").input("In this introduction I wish to clarify.").run()
    app.button(key="al_save_text").click().run()
    ok(app)
    s = open_store(db_path)
    assert s.get_paragraph(tgt0).text == "In this introduction I wish to clarify."
    s.close()


def test_conflicting_change_from_second_connection_shows_error(app: AppTest, db_path: Path) -> None:
    doc_id = seed(db_path)
    app.run()
    select_link(app, db_path, doc_id, 0)
    other = open_store(db_path)  # another editor confirms link 2 (the one the merge takes in) meanwhile
    theirs = other.get_links(doc_id)
    other.save_links(doc_id, set_status(theirs, [theirs[1].id], "confirmed"), other.alignment_rev(doc_id), "bob")
    other.close()
    app.button(key="al_merge").click().run()
    assert not app.exception
    (err,) = app.error
    assert "changed since you loaded it" in plain(err) and "bob" in plain(err) and "link 2" in plain(err)
    links = stored(db_path, doc_id)
    assert len(links) == 11 and links[0].kind == "1-1"  # nothing of alice's merge was saved
    assert links[1].status == "confirmed"
    app.button(key="al_merge").click().run()  # the page now shows the current revision: retry works
    ok(app)
    assert stored(db_path, doc_id)[0].kind == "2-2"


# ------------------------------------------------------------------------------ a new editor's first hour


def shown_label(app: AppTest, before: str) -> str:
    """What the browser shows in the "Selected link" box after a run, given what it showed before.

    The browser keeps the label it shows while the box's value stays the same link (AppTest, which
    re-reads the options, would not see a stale label); it shows a new label only when the run sends
    one (``set_value`` with the serialized value, as when the page or the editor changes the value)."""
    box = app.selectbox(key="al_sel")
    return box.proto.raw_value if box.proto.set_value else before


def test_selected_link_box_shows_the_link_as_it_is_after_undo_and_after_a_refused_action(
    app: AppTest, db_path: Path
) -> None:
    doc_id = seed(db_path)
    app.run()
    select_link(app, db_path, doc_id, 2)
    label = app.selectbox(key="al_sel").options[app.selectbox(key="al_sel").index]
    assert label == "#3 · 1-1 · 0.90 · auto"
    app.button(key="al_merge").click().run()
    ok(app)
    label = shown_label(app, label)
    assert label == "#3 · 2-2 · 0.85 · confirmed"
    app.button(key="al_undo_btn").click().run()
    ok(app)
    label = shown_label(app, label)
    assert label == "#3 · 1-1 · 0.90 · auto", "the box describes the link as it is after the undo"
    assert "<b>1-1</b>" in preview(app) and "score 0.90 · auto" in preview(app)

    # refused: someone else confirmed link 3 meanwhile; the page shows the current state, the box too
    other = open_store(db_path)
    theirs = other.get_links(doc_id)
    other.save_links(doc_id, set_status(theirs, [theirs[2].id], "confirmed"), other.alignment_rev(doc_id), "bob")
    other.close()
    app.button(key="al_merge").click().run()
    assert len(app.error) == 1 and "changed since you loaded it" in plain(app.error[0])
    assert shown_label(app, label) == "#3 · 1-1 · 0.90 · confirmed"
    assert "✓ confirmed" in preview(app)


def test_the_last_result_stays_until_the_next_action(app: AppTest, db_path: Path) -> None:
    doc_id = seed(db_path)
    app.run()
    select_link(app, db_path, doc_id, 1)
    app.button(key="al_confirm").click().run()
    ok(app)
    assert [plain(s) for s in app.success] == ["confirm 1 link"]
    # reruns that change no data keep it: a filter, the page size, another link selected, a bare rerun
    app.checkbox(key="al_unconf").check().run()
    assert [plain(s) for s in app.success] == ["confirm 1 link"]
    app.checkbox(key="al_unconf").uncheck().run()
    app.selectbox(key="al_size").set_value(10).run()
    select_link(app, db_path, doc_id, 3)
    app.run()
    assert [plain(s) for s in app.success] == ["confirm 1 link"]
    # the next action replaces it
    app.button(key="al_merge").click().run()
    ok(app)
    assert [plain(s) for s in app.success] == ["merge links"]
    app.button(key="al_undo_btn").click().run()
    assert [plain(s) for s in app.success] == ["undone: merge links"]


def test_item_labels_show_once_in_english_and_hebrew() -> None:
    """The label is part of the stored text: the row draws those characters as its badge, in place,
    and does not repeat them ("4." badge and "4. Why…")."""
    import html as html_mod

    from workbench.app.widgets import link_row_html

    he = Paragraph("יא) ולמה נברא העולם", label="יא)", label_value=11)
    en = Paragraph("4. Why was the world created?", label="4.", label_value=4)
    heading = Paragraph("שאלות וחקירות א. רצוני לברר", label="א.", label_value=1)  # a heading before the label
    paras = {p.id: p for p in (he, en, heading)}
    row = link_row_html(1, Link([he.id, heading.id], [en.id], 0.9), paras, "he", "en", band="high")
    visible = html_mod.unescape(re.sub(r"<[^>]+>", "", row))
    for label in ("יא)", "4.", "א."):
        assert visible.count(label) == 1, (label, visible)
        assert 'class="wb-label"' in row and re.search(r'class="wb-label"[^>]*>' + re.escape(label) + "</span>", row)
    assert "ולמה נברא העולם" in visible and "Why was the world created?" in visible
    assert "שאלות וחקירות" in visible and "רצוני לברר" in visible
    assert he.text == "יא) ולמה נברא העולם"  # only the display changes


def test_score_chart_points_are_big_and_the_link_axis_counts_whole_links() -> None:
    from workbench.app.widgets import score_chart_spec

    spec = score_chart_spec(3, 0.5, (1, 3))
    points = spec["layer"][1]
    assert points["mark"]["size"] >= 80
    x = points["encoding"]["x"]
    assert x["axis"]["format"] == "d" and x["axis"]["tickMinStep"] == 1
    lo, hi = x["scale"]["domain"]
    assert 0 < lo <= 1 and 3 <= hi < 4 and x["scale"]["zero"] is False  # 1, 2, 3 — not 0.0 to 3.0
    shade = spec["layer"][0]
    assert shade["encoding"]["x"]["scale"]["domain"] == [lo, hi]  # the page band shares the axis
    long = score_chart_spec(169, 0.5, (51, 75))["layer"][1]["mark"]["size"]
    assert 20 <= long < 80  # many links: smaller, so neighbours do not cover each other


def test_rows_follow_the_editors_source_side(db_path: Path) -> None:
    from workbench.app.widgets import link_row_html

    src, tgt = Paragraph("בראשית", label=None), Paragraph("In the beginning")
    paras = {src.id: src, tgt.id: tgt}
    lk = Link([src.id], [tgt.id], 0.9)
    right = link_row_html(1, lk, paras, "he", "en", band="high")
    left = link_row_html(1, lk, paras, "he", "en", band="high", source_on="left")
    assert right.index('class="wb-target"') < right.index('class="wb-source"')
    assert left.index('class="wb-source"') < left.index('class="wb-target"')

    seed(db_path)
    s = open_store(db_path)
    s.accounts.add("admin", "admin")
    s.accounts.add("lea", "editor", user="admin")
    s.set_setting("lea", "source_side", "left")
    s.close()
    st.cache_resource.clear()
    for user, first, caption in (("lea", 'class="wb-source"', "Source on the left, translation on the right"),
                                 ("admin", 'class="wb-target"', "Translation on the left, source on the right")):
        at = AppTest.from_file(PAGE, default_timeout=60)
        at.session_state["user"] = user
        at.run()
        ok(at)
        row = rows(at)[0]
        body = row.split('style="display:grid')[1]
        assert body.index(first) < body.index('class="wb-' + ("target" if "source" in first else "source") + '"')
        assert any(c.value.startswith(caption) for c in at.caption), [c.value for c in at.caption]
