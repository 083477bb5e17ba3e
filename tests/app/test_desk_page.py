"""The Desk page in AppTest: rows side by side with term hits (data-term, tooltip with the Hebrew,
the preferred rendering, the gloss and the status; forbidden forms marked apart), findings on their
paragraphs with their actions (apply the fix, accept), edit in place (Save, Save and next, Cancel; a
stale save keeps the draft and names who), review statuses and progress, comments, filters, paging,
a translation-only document in one column, and a viewer's disabled controls."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from tests.app.desk_seed import ENGLISH, seed_desk, seed_translation_only
from workbench.store import open_store

REPO = Path(__file__).resolve().parents[2]
PAGE = str(REPO / "workbench/app/views/desk.py")


@pytest.fixture
def app(db_path: Path) -> AppTest:
    st.cache_resource.clear()
    return AppTest.from_file(PAGE, default_timeout=60)


def rows(app: AppTest) -> list[str]:
    return [m.value for m in app.markdown if 'class="wb-row"' in m.value]


def numbers(app: AppTest) -> list[int]:
    return [int(re.search(r'data-link="(\d+)"', r).group(1)) for r in rows(app)]


def ids(db_path: Path, doc_id: int) -> tuple[list[str], list[str]]:
    s = open_store(db_path)
    links = s.get_links(doc_id)
    s.close()
    return [lk.id for lk in links], [lk.target[0] for lk in links]


def shown_errors(app: AppTest) -> list[str]:
    from tests.app.shown import plain

    return [plain(e.value) for e in app.error]


def test_rows_side_by_side_with_terms_findings_and_literal_text(app: AppTest, db_path: Path) -> None:
    seed_desk(db_path)
    app.run()
    assert not app.exception
    got = rows(app)
    assert numbers(app) == [1, 2, 3, 4]
    first = got[0]
    # the source on the right (the default), in Hebrew's direction; the translation on the left
    assert first.index('class="wb-target wb-editable"') < first.index('class="wb-source"')
    # click to edit: the translation is the editable side, the source is not
    assert 'class="wb-source wb-editable"' not in first and 'title="click to edit"' in first
    assert 'dir="rtl" lang="he"' in first and 'dir="ltr" lang="en"' in first
    # a forbidden variant in the translation, its term in the source: both carry the term id
    forbidden = re.search(r'<span class="wb-term wb-term-forbidden[^"]*" data-term="(\d+)"[^>]*title="([^"]*)"[^>]*>'
                          r"Tsimtsum</span>", first)  # fmt: skip
    assert forbidden, first
    term_id, tip = forbidden.groups()
    assert "צמצום" in tip and "Tzimtzum" in tip and "gloss&#58; restriction" in tip and "status&#58; approved" in tip
    assert re.search(rf'<span class="wb-term wb-term-source" data-term="{term_id}"[^>]*>צמצום</span>', first), first
    # the counterpart: both hits stand in the one aligned sentence pair, so they share a pair key,
    # and hovering or focusing one outlines the other
    pairs = set(re.findall(rf'data-term="{term_id}"[^>]*data-pair="([^"]+)"', first))
    assert len(pairs) == 1, first
    css = "".join(m.value for m in app.markdown if "<style>" in m.value)
    assert f'.wb-row:has(.wb-term[data-pair="{pairs.pop()}"]:hover)' in css
    assert f'.wb-row:has(.wb-term[data-term="{term_id}"]:not([data-pair]):hover)' in css
    # the finding: a marker with its id and message, its span on the hit, an action to fix it
    s = open_store(db_path)
    (f,) = s.findings.list(1, status="open")
    s.close()
    assert f'data-finding="{f.id}"' in first and "forbids" in first
    assert app.button(key=f"dk_fix_{f.id}").label == "Fix: Tsimtsum → Tzimtzum"
    assert f"group={f.group}" in first  # the decision it belongs to, on the Consistency page
    # user text is shown literally: the <b> typed in the translation is text, not bold
    assert "&lt;b&gt;and&lt;/b&gt;" in got[1] and "<b>and</b>" not in got[1]
    # the variant spelling and the preferred one are drawn differently
    assert 'wb-term-preferred" data-term' in got[1] and "Masach</span>" in got[1]


def test_edit_in_place_save_sets_edited_and_keeps_source_visible(app: AppTest, db_path: Path) -> None:
    doc_id = seed_desk(db_path)
    links, tgts = ids(db_path, doc_id)
    app.run()
    app.button(key=f"dk_edit_{links[1]}").click().run()
    box = app.text_area(key=f"dk_text_{tgts[1]}")
    assert box.value == ENGLISH[1]
    # the source stays visible beside the box while typing
    assert any("wb-editing" in m.value and "עומד בפה" in m.value for m in app.markdown)
    box.input("And the Masach stands at the Peh de Rosh and holds back the Upper Light.").run()
    app.button(key=f"dk_save_{links[1]}").click().run()
    assert not app.exception and not shown_errors(app)
    s = open_store(db_path)
    assert s.get_paragraph(tgts[1]).text.endswith("holds back the Upper Light.")
    assert s.reviews.statuses(doc_id)[links[1]].status == "edited"
    s.close()
    assert 'data-review="edited"' in rows(app)[1] and f"dk_text_{tgts[1]}" not in [t.key for t in app.text_area]


def test_save_and_next_and_cancel(app: AppTest, db_path: Path) -> None:
    doc_id = seed_desk(db_path)
    links, tgts = ids(db_path, doc_id)
    app.run()
    app.button(key=f"dk_edit_{links[2]}").click().run()
    app.text_area(key=f"dk_text_{tgts[2]}").input("Reflected Light rises from the Masach.").run()
    app.button(key=f"dk_save_next_{links[2]}").click().run()
    assert app.text_area(key=f"dk_text_{tgts[3]}").value == ENGLISH[3]  # the next row is open now
    app.text_area(key=f"dk_text_{tgts[3]}").input("typed, then cancelled").run()
    app.button(key=f"dk_cancel_{links[3]}").click().run()
    s = open_store(db_path)
    assert s.get_paragraph(tgts[2]).text == "Reflected Light rises from the Masach."
    assert s.get_paragraph(tgts[3]).text == ENGLISH[3]
    s.close()
    assert not [t for t in app.text_area if t.key.startswith("dk_text_")]


def test_stale_save_keeps_the_draft_and_names_who(app: AppTest, db_path: Path) -> None:
    doc_id = seed_desk(db_path)
    links, tgts = ids(db_path, doc_id)
    app.run()
    app.button(key=f"dk_edit_{links[0]}").click().run()
    app.text_area(key=f"dk_text_{tgts[0]}").input("My own wording of the first Tzimtzum.").run()
    other = open_store(db_path)
    p = other.get_paragraph(tgts[0])
    other.update_paragraph(p.id, "Bob's wording.", expected_rev=p.rev, user="bob")
    other.close()
    app.button(key=f"dk_save_{links[0]}").click().run()
    errors = " ".join(shown_errors(app))
    assert "bob" in errors and "nothing was saved" in errors
    # the draft is kept, beside the current text, with the Alignment page's choices
    assert app.text_area(key=f"dk_draft_box_{tgts[0]}").value == "My own wording of the first Tzimtzum."
    app.button(key=f"al_keep_mine_{tgts[0]}").click().run()
    s = open_store(db_path)
    assert s.get_paragraph(tgts[0]).text == "My own wording of the first Tzimtzum."
    s.close()


def test_apply_a_findings_fix_in_place(app: AppTest, db_path: Path) -> None:
    doc_id = seed_desk(db_path)
    _, tgts = ids(db_path, doc_id)
    s = open_store(db_path)
    (f,) = s.findings.list(doc_id, status="open")
    s.close()
    app.run()
    app.button(key=f"dk_fix_{f.id}").click().run()
    assert not shown_errors(app)
    s = open_store(db_path)
    assert s.get_paragraph(tgts[0]).text == "The first Tzimtzum was in the world of Ein Sof."
    assert not s.findings.list(doc_id, status="open", present=True)  # re-checked: the finding is gone
    s.close()
    assert "data-finding" not in rows(app)[0]


def test_an_edit_marks_its_findings_older_until_rechecked(app: AppTest, db_path: Path) -> None:
    doc_id = seed_desk(db_path)
    links, tgts = ids(db_path, doc_id)
    app.run()
    assert not [b for b in app.button if b.key == "dk_recheck"]
    app.button(key=f"dk_edit_{links[0]}").click().run()
    app.text_area(key=f"dk_text_{tgts[0]}").input("The first Tzimtzum was in the world of Ein Sof.").run()
    app.button(key=f"dk_save_{links[0]}").click().run()
    assert "(the text changed since the checks ran)" in rows(app)[0]
    app.button(key="dk_recheck").click().run()
    assert not shown_errors(app) and "data-finding" not in rows(app)[0]
    s = open_store(db_path)
    assert not s.findings.list(doc_id, status="open", present=True)
    s.close()
    assert not [b for b in app.button if b.key == "dk_recheck"]


def test_accept_a_finding_needs_a_reason(app: AppTest, db_path: Path) -> None:
    doc_id = seed_desk(db_path)
    links, _ = ids(db_path, doc_id)
    s = open_store(db_path)
    (f,) = s.findings.list(doc_id, status="open")
    s.close()
    app.run()
    app.button(key=f"dk_accept_open_{links[0]}").click().run()
    assert app.selectbox(key=f"dk_accept_pick_{links[0]}").value == f.id
    app.button(key=f"dk_accept_btn_{links[0]}").click().run()
    assert any("comment" in e for e in shown_errors(app))
    app.text_input(key=f"dk_accept_{links[0]}").input("house style in this chapter").run()
    app.button(key=f"dk_accept_btn_{links[0]}").click().run()
    s = open_store(db_path)
    assert s.findings.get(f.id).status == "accepted"
    s.close()


def test_review_progress_and_changed_since_review(app: AppTest, db_path: Path) -> None:
    doc_id = seed_desk(db_path)
    links, tgts = ids(db_path, doc_id)
    app.run()
    assert "0 of 4 links reviewed" in app.get("progress")[0].proto.text
    app.button(key=f"dk_reviewed_{links[0]}").click().run()
    app.button(key=f"dk_approved_{links[1]}").click().run()
    assert "2 of 4 links reviewed (1 approved)" in app.get("progress")[0].proto.text
    assert 'data-review="reviewed"' in rows(app)[0] and 'data-review="approved"' in rows(app)[1]
    # an edit after the review sets it back to edited
    app.button(key=f"dk_edit_{links[0]}").click().run()
    app.text_area(key=f"dk_text_{tgts[0]}").input("The first Tzimtzum was in Ein Sof.").run()
    app.button(key=f"dk_save_{links[0]}").click().run()
    assert 'data-review="edited"' in rows(app)[0] and "(was reviewed)" in rows(app)[0]
    app.checkbox(key="dk_f_changed").check().run()
    assert numbers(app) == [1]
    app.checkbox(key="dk_f_changed").uncheck().run()
    app.checkbox(key="dk_f_unreviewed").check().run()
    assert numbers(app) == [1, 3, 4]


def test_comment_reply_resolve(app: AppTest, db_path: Path) -> None:
    doc_id = seed_desk(db_path)
    links, _ = ids(db_path, doc_id)
    app.run()
    assert not [t for t in app.text_area if t.key.startswith("dk_comment_")]  # one form, opened on demand
    app.button(key=f"dk_comment_btn_{links[2]}").click().run()
    app.text_area(key=f"dk_comment_{links[2]}").input("Is **this** <i>right</i>? :material/warning:").run()
    app.text_input(key=f"dk_quote_{links[2]}").input("Reflected Light").run()
    app.button(key=f"dk_post_{links[2]}").click().run()
    assert not shown_errors(app)
    row = rows(app)[2]
    assert "Is **this** &lt;i&gt;right&lt;/i&gt;? &#58;material/warning&#58;" in row and "“Reflected Light”" in row
    s = open_store(db_path)
    (t,) = s.comments.threads(doc_id)
    s.close()
    app.button(key=f"dk_reply_open_{t.id}").click().run()
    app.text_area(key=f"dk_reply_{t.id}").input("Yes.").run()
    app.button(key=f"dk_reply_btn_{t.id}").click().run()
    app.button(key=f"dk_resolve_{t.id}").click().run()
    s = open_store(db_path)
    (t,) = s.comments.threads(doc_id)
    s.close()
    assert t.resolved and [r.text for r in t.replies] == ["Yes."]
    assert 'data-resolved="1"' in rows(app)[2]
    # a quote that is not in the link is refused, and what was typed stays in the box
    app.button(key=f"dk_comment_btn_{links[0]}").click().run()
    app.text_area(key=f"dk_comment_{links[0]}").input("about a word that is not there").run()
    app.text_input(key=f"dk_quote_{links[0]}").input("Nowhere").run()
    app.button(key=f"dk_post_{links[0]}").click().run()
    assert any("not in link 1" in e for e in shown_errors(app))
    assert app.text_area(key=f"dk_comment_{links[0]}").value == "about a word that is not there"


def test_filters_and_paging(app: AppTest, db_path: Path) -> None:
    doc_id = seed_desk(db_path)
    app.run()
    app.checkbox(key="dk_f_findings").check().run()
    assert numbers(app) == [1]
    app.checkbox(key="dk_f_findings").uncheck().run()
    app.checkbox(key="dk_f_low").check().run()
    assert numbers(app) == [2]
    app.checkbox(key="dk_f_low").uncheck().run()
    s = open_store(db_path)
    masach = next(t.id for t in s.terms.list_terms() if t.preferred == "Masach")
    s.close()
    app.selectbox(key="dk_f_term").select(masach).run()
    assert numbers(app) == [2, 3]
    app.selectbox(key="dk_f_term").select(None).run()
    # paging: a document longer than a page
    s = open_store(db_path)
    from workbench.model import Document, Link, Paragraph, Text

    src = [Paragraph(f"פסקה {i}") for i in range(23)]
    tgt = [Paragraph(f"Paragraph {i}") for i in range(23)]
    d2 = s.create_document(Document("Long", Text("he", src), Text("en", tgt)), "seed")
    s.save_links(d2, [Link([a.id], [b.id], 0.9) for a, b in zip(src, tgt, strict=True)], 0, "seed")
    s.close()
    app.run()
    app.selectbox(key="dk_doc").select_index(1).run()
    assert numbers(app) == list(range(1, 11))
    app.button(key="dk_next_top").click().run()
    assert numbers(app) == list(range(11, 21))
    # Save and next on the last row of a page opens the first row of the next page
    s = open_store(db_path)
    tgt10 = s.get_links(d2)[9].target[0]
    tgt11 = s.get_links(d2)[10].target[0]
    link10, link11 = s.get_links(d2)[9].id, s.get_links(d2)[10].id
    s.close()
    app.button(key="dk_prev_top").click().run()
    app.button(key=f"dk_edit_{link10}").click().run()
    app.text_area(key=f"dk_text_{tgt10}").input("Paragraph nine, revised").run()
    app.button(key=f"dk_save_next_{link10}").click().run()
    # the next page, its first row (link 11) open for editing in place of its row
    assert numbers(app) == list(range(12, 21)) and app.text_area(key=f"dk_text_{tgt11}").value == "Paragraph 10"
    s = open_store(db_path)
    assert s.get_paragraph(tgt10).text == "Paragraph nine, revised"
    s.close()
    app.button(key=f"dk_cancel_{link11}").click().run()
    app.selectbox(key="dk_size").select(25).run()
    assert numbers(app) == list(range(1, 24))
    assert doc_id == 1


def test_translation_only_document_gets_one_column(app: AppTest, db_path: Path) -> None:
    doc_id = seed_translation_only(db_path)
    s = open_store(db_path)
    pids = [p.id for p in s.get_document(doc_id).target.paragraphs]
    s.close()
    app.run()
    got = rows(app)
    assert len(got) == 3 and 'class="wb-source"' not in got[0] and "grid-template-columns" not in got[0]
    app.button(key=f"dk_edit_{pids[0]}").click().run()
    app.text_area(key=f"dk_text_{pids[0]}").input("A new first paragraph.").run()
    app.button(key=f"dk_save_{pids[0]}").click().run()
    app.button(key=f"dk_reviewed_{pids[1]}").click().run()
    s = open_store(db_path)
    assert s.get_paragraph(pids[0]).text == "A new first paragraph."
    assert s.reviews.progress(doc_id)["counts"] == {"draft": 1, "edited": 1, "reviewed": 1, "approved": 0}
    s.close()


def test_a_viewer_sees_every_write_disabled(app: AppTest, db_path: Path) -> None:
    doc_id = seed_desk(db_path)
    links, _ = ids(db_path, doc_id)
    s = open_store(db_path)
    s.accounts.add("admin", "admin", "correct horse")
    s.accounts.add("vera", "viewer", "correct horse", user="admin")
    s.accounts.add("eddie", "editor", "correct horse", user="admin")
    s.close()
    app.session_state["user"] = "vera"
    app.run()
    for key in (f"dk_edit_{links[0]}", f"dk_reviewed_{links[0]}", f"dk_approved_{links[0]}"):
        assert app.button(key=key).disabled, key
    assert not any("wb-editable" in r for r in rows(app))  # no click to edit either
    app.session_state["user"] = "eddie"
    app.run()
    assert not app.button(key=f"dk_edit_{links[0]}").disabled
    assert all("wb-target wb-editable" in r for r in rows(app))
    assert app.button(key=f"dk_reviewed_{links[0]}").disabled  # reviewing needs the reviewer role
    # a forged click meets the core's refusal all the same
    s = open_store(db_path)
    with pytest.raises(Exception, match="reviewer role"):
        s.reviews.set_status(doc_id, links[0], "reviewed", "eddie")
    s.close()
