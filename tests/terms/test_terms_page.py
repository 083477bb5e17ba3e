"""Terms page in AppTest: empty state, table and filters, discovery accept, occurrences, merge, export."""

from __future__ import annotations

from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from workbench.errors import WorkbenchError
from workbench.model import Document, Link, Paragraph, Text
from workbench.store import open_store
from workbench.terms import Term

PAGE = str(Path(__file__).resolve().parents[2] / "workbench/app/views/terms.py")


@pytest.fixture
def app(db_path: Path) -> AppTest:
    st.cache_resource.clear()
    return AppTest.from_file(PAGE, default_timeout=60)


def seed_store(db_path: Path) -> int:
    s = open_store(db_path)
    s.terms.add(Term("מסך", "Masach", variants=["Masakh"], gloss="screen"))
    s.terms.add(Term("זיווג", "Zivug", gloss="spiritual coupling", status="proposed"))
    src = [Paragraph("והמסך עולה <b>לראש</b>"), Paragraph("זיווג על המסך")]
    tgt = [Paragraph("The Masach rises to <b>Rosh</b>."), Paragraph("A Zivug (coupling) on the Masakh.")]
    doc_id = s.create_document(Document("Doc <i>1</i>", Text("he", src), Text("en", tgt)), "t")
    s.save_links(doc_id, [Link([a.id], [b.id]) for a, b in zip(src, tgt, strict=True)], 0, "t")
    s.close()
    return doc_id


def editor(app: AppTest, key: str):  # noqa: ANN201 - data editors show up as dataframes in AppTest
    return next(d for d in app.dataframe if getattr(d, "key", None) == key).value


def test_empty_termbase_says_what_to_do(app: AppTest) -> None:
    app.run()
    assert not app.exception
    assert "The termbase is empty" in app.info[0].value


def test_table_search_filter_and_edit(app: AppTest, db_path: Path) -> None:
    seed_store(db_path)
    app.run()
    assert not app.exception
    assert list(editor(app, "tb_editor")["rendering"]) == ["Masach", "Zivug"]
    app.text_input(key="tb_search").input("מסך").run()
    assert list(editor(app, "tb_editor")["rendering"]) == ["Masach"]
    app.text_input(key="tb_search").input("").run()
    app.multiselect(key="tb_status").select("proposed").run()
    assert list(editor(app, "tb_editor")["rendering"]) == ["Zivug"]


def test_discover_and_accept_all(app: AppTest, db_path: Path) -> None:
    seed_store(db_path)
    s = open_store(db_path)
    app.run()
    app.button(key="disc_go").click().run()
    assert not app.exception
    ed = editor(app, "disc_editor")
    rows = {r["rendering"]: r for r in ed.to_dict("records")}
    assert "Rosh" in rows and rows["Rosh"]["source"] == "ראש"
    assert "Masach" not in rows  # already in the termbase
    app.button(key="disc_accept_all").click().run()
    assert not app.exception
    assert "Rosh" in [t.preferred for t in s.terms.list_terms()]
    s.close()


def test_occurrences_side_by_side_escaped_and_annotate(app: AppTest, db_path: Path) -> None:
    seed_store(db_path)
    app.run()
    assert not app.exception
    html = "\n".join(m.value for m in app.markdown)
    assert "<mark>Masach</mark>" in html and "<mark>והמסך</mark>" in html  # the whole word, prefixes too
    assert "<mark>Masakh</mark>" in html
    assert "&lt;b&gt;Rosh&lt;/b&gt;" in html and "<b>Rosh</b>" not in html  # user text is escaped
    app.button(key="occ_annotate_all").click().run()
    assert not app.exception
    s = open_store(db_path)
    anns = s.terms.annotations()
    assert sorted(a.surface for a in anns) == ["Masach", "Masakh"]
    s.close()
    listed = editor(app, "occ_ann_editor")
    assert sorted(listed["kind"]) == ["transliteration", "transliteration"] and set(listed["state"]) == {"ok"}
    assert "[Masach]" in " ".join(listed["context"])


def test_merge_and_export(app: AppTest, db_path: Path) -> None:
    seed_store(db_path)
    s = open_store(db_path)
    extra = s.terms.add(Term("מסך", "Masakh-2"))
    app.run()
    keep = s.terms.list_terms(search="Masach")[0].id
    app.selectbox(key="merge_keep").select(keep)
    app.selectbox(key="merge_drop").select(extra.id).run()
    app.button(key="merge_go").click().run()
    assert not app.exception
    assert "Masakh-2" in s.terms.get(keep).variants
    assert len(app.get("download_button")) >= 2
    s.close()


def test_annotation_kinds_save_at_the_revision_shown(app: AppTest, db_path: Path) -> None:
    """Someone changed an annotation after the table was drawn: the save is refused naming them, the
    editor's pick stays in the table, and nothing is written; after a reload the save goes through."""
    seed_store(db_path)
    app.run()
    app.button(key="occ_annotate_all").click().run()
    s = open_store(db_path)
    first = s.terms.get_annotation(int(list(editor(app, "occ_ann_editor")["id"])[0]))  # the table's first row
    theirs = s.terms.get_annotation(first.id)
    theirs.note = "checked"
    s.terms.update_annotation(theirs, "bob")
    app.session_state["occ_ann_editor"] = {"edited_rows": {0: {"kind": "gloss"}}, "added_rows": [], "deleted_rows": []}
    app.run()
    app.button(key="occ_ann_save").click().run()
    assert not app.exception
    assert any("changed by bob" in e.value for e in app.error), [e.value for e in app.error]
    assert s.terms.get_annotation(first.id).kind == "transliteration"
    # the editor's pick is still pending in the table, which still shows the revision they loaded
    assert app.session_state["occ_ann_editor"]["edited_rows"] == {0: {"kind": "gloss"}}
    assert list(editor(app, "occ_ann_editor")["rev"])[0] == 1
    # the editor looks again (their pending edit dropped) and saves on the fresh revision
    app.session_state["occ_ann_editor"] = {"edited_rows": {}, "added_rows": [], "deleted_rows": []}
    app.run()
    app.session_state["occ_ann_editor"] = {"edited_rows": {0: {"kind": "gloss"}}, "added_rows": [], "deleted_rows": []}
    app.run()
    app.button(key="occ_ann_save").click().run()
    assert not app.error
    got = s.terms.get_annotation(first.id)
    assert (got.kind, got.note) == ("gloss", "checked")
    s.close()


def _occurrence_sides(app: AppTest) -> list[str]:
    """For each occurrence row, which column (left/right) holds the Hebrew (right-to-left) text."""
    cols = [c for c in app.columns if any("wb-" not in m.value and 'dir="' in m.value for m in c.markdown)]
    sides = []
    for i in range(0, len(cols) - 1, 2):
        left, right = cols[i], cols[i + 1]
        has_rtl = [any('dir="rtl"' in m.value for m in c.markdown) for c in (left, right)]
        sides.append("left" if has_rtl[0] else "right" if has_rtl[1] else "?")
    return sides


def test_occurrences_put_the_source_on_the_right_unless_the_user_chose_left(db_path: Path) -> None:
    seed_store(db_path)
    s = open_store(db_path)
    s.accounts.add("root", "admin")
    s.accounts.add("alice", "editor", user="root")
    s.accounts.add("bob", "editor", user="root")

    def run(user: str) -> list[str]:
        st.cache_resource.clear()
        at = AppTest.from_file(PAGE, default_timeout=60)
        at.session_state["user"] = user
        at.run()
        assert not at.exception
        return _occurrence_sides(at)

    assert run("alice") == ["right", "right"]  # the default: Hebrew on the right, as on Alignment
    s.set_setting("alice", "source_side", "left")
    assert run("alice") == ["left", "left"]
    assert run("bob") == ["right", "right"]  # alice's choice is hers only
    s.close()


def test_accepted_discovery_proposal_is_a_candidate_to_approve(app: AppTest, db_path: Path) -> None:
    seed_store(db_path)
    app.run()
    app.button(key="disc_go").click().run()
    app.button(key="disc_accept_all").click().run()
    assert not app.exception
    s = open_store(db_path)
    (rosh,) = s.terms.list_terms(search="Rosh")
    assert rosh.status == "proposed"  # a candidate: accepting is not approving
    assert any("candidates" in m.value for m in app.success) and not app.toast
    app.multiselect(key="tb_status").select("proposed").run()  # the next run still shows it
    assert any("candidates" in m.value for m in app.success)
    assert "Rosh" in list(editor(app, "tb_editor")["rendering"])  # waiting for the terminologist
    s.close()


def test_policy_columns_are_shown_and_saved(app: AppTest, db_path: Path) -> None:
    """The variant policy, ambiguity and not-term contexts of an entry are columns of the table; an
    edit of them is saved through the core at the revision shown (and a role without the terms
    permission is refused by the core, not only by the page)."""
    s = open_store(db_path)
    s.terms.add(Term("גוף", "Guf", gloss="body", variant_policy="deprecated", ambiguous=True,
                     not_term=["גוף האדם", "re:הגוף (?:נרקב|מקולקל)"]))  # fmt: skip
    app.run()
    assert not app.exception
    row = editor(app, "tb_editor").to_dict("records")[0]
    assert (row["variant_policy"], row["ambiguous"], row["gloss_first"]) == ("deprecated", True, False)
    assert row["not_term"] == "גוף האדם | re:הגוף (?:נרקב|מקולקל)"  # the regex's own | stays inside it
    app.session_state["tb_editor"] = {
        "edited_rows": {0: {"variant_policy": "forbidden", "ambiguous": False, "gloss_first": True,
                            "not_term": "גוף האדם | גוף אחד | re:הגוף (?:נרקב|מקולקל)"}},
        "added_rows": [], "deleted_rows": [],
    }  # fmt: skip
    app.run()
    app.button(key="tb_save").click().run()
    assert not app.exception and not app.error, [e.value for e in app.error]
    (guf,) = s.terms.list_terms()
    assert (guf.variant_policy, guf.ambiguous, guf.gloss_first, guf.rev) == ("forbidden", False, True, 2)
    assert guf.not_term == ["גוף האדם", "גוף אחד", "re:הגוף (?:נרקב|מקולקל)"]
    row = editor(app, "tb_editor").to_dict("records")[0]
    assert row["variant_policy"] == "forbidden" and row["ambiguous"] is False and row["gloss_first"] is True
    s.close()


def test_policy_edits_are_refused_by_the_core_for_an_editor(db_path: Path) -> None:
    from workbench.roles import PermissionDenied
    from workbench.terms.service import apply_table_edits, terms_table

    s = open_store(db_path)
    s.accounts.add("root", "admin")
    s.accounts.add("ed", "editor", user="root")
    s.terms.add(Term("גוף", "Guf", gloss="body"), "root")
    loaded = s.terms.list_terms()
    rows = terms_table(loaded)
    rows[0]["variant_policy"] = "forbidden"
    with pytest.raises(PermissionDenied):
        apply_table_edits(s.terms, loaded, rows, "ed")
    rows[0]["variant_policy"] = "sometimes"
    with pytest.raises(WorkbenchError, match="variant policy 'sometimes'"):
        apply_table_edits(s.terms, loaded, rows, "root")
    assert s.terms.list_terms()[0].variant_policy == "allowed" and s.terms.list_terms()[0].rev == 1
    s.close()
