"""TermsRepo: CRUD with revisions and history, import/export round trips, merge, annotations."""

from __future__ import annotations

from pathlib import Path

import pytest

from workbench.errors import ConflictError, InputError, NotFoundError
from workbench.model import Document, Link, Paragraph, Text
from workbench.terms import Annotation, Proposal, Term

CSV = (
    "source,preferred,variants,forbidden,gloss,note,gloss_first,variant_policy,not_term,ambiguous\n"
    "מסך,Masach,Masakh,screen,screen,,yes,deprecated,,no\n"
    "זיווג,Zivug,,,spiritual coupling,,no,allowed,,no\n"
    '"בי""ע",BYA,,,,,no,allowed,"בי""ע דקדושה|re:בי""ע (ד)?טומאה",yes\n'
)


def test_add_update_conflict_delete_history(store) -> None:
    repo = store.terms
    t = repo.add(Term("מסך", "Masach", gloss="screen"), user="ann")
    assert t.id and t.rev == 1
    stale = repo.get(t.id)
    t.variants.append("Masakh")
    t = repo.update(t, user="bob")
    assert t.rev == 2 and repo.get(t.id).variants == ["Masakh"]
    stale.gloss = "curtain"
    with pytest.raises(ConflictError):
        repo.update(stale, user="ann")
    assert repo.get(t.id).gloss == "screen"  # nothing written
    with pytest.raises(ConflictError):
        repo.add(Term("מסך", "Masach"))  # same identity
    repo.delete(t.id, user="bob")
    with pytest.raises(NotFoundError):
        repo.get(t.id)
    actions = [(h["action"], h["user"]) for h in repo.term_history(t.id)]
    assert actions == [("create", "ann"), ("update", "bob"), ("delete", "bob")]
    hist = repo.term_history(t.id)
    assert hist[1]["before"]["variants"] == [] and hist[1]["after"]["variants"] == ["Masakh"]


def test_csv_import_export_round_trip_and_reimport_is_unchanged(store, tmp_path: Path) -> None:
    src = tmp_path / "in.csv"
    src.write_text(CSV, encoding="utf-8")
    report = store.terms.import_file(src, user="u")
    assert (report.added, report.updated, report.unchanged) == (3, 0, 0)
    out = tmp_path / "out.csv"
    assert store.terms.export_file(out) == 3
    assert out.read_text(encoding="utf-8") == CSV
    bya = store.terms.list_terms(search="BYA")[0]  # the policy columns live in the store (migration 0009)
    assert (bya.ambiguous, bya.not_term) == (True, ['בי"ע דקדושה', 're:בי"ע (ד)?טומאה'])
    assert store.terms.list_terms(search="Masach")[0].variant_policy == "deprecated"
    again = store.terms.import_file(out, user="u")
    assert (again.added, again.updated, again.unchanged) == (0, 0, 3)
    # A changed gloss updates the entry, keeping kind and status (the CSV has no such columns).
    t = store.terms.list_terms(search="BYA")[0]
    t.status = "proposed"
    store.terms.update(t)
    src.write_text(CSV.replace("spiritual coupling", "coupling"), encoding="utf-8")
    rep = store.terms.import_file(src)
    assert (rep.added, rep.updated, rep.unchanged) == (0, 1, 2)
    assert store.terms.list_terms(search="Zivug")[0].gloss == "coupling"
    assert store.terms.list_terms(search="BYA")[0].status == "proposed"


def test_tbx_round_trip_through_store(store, tmp_path: Path) -> None:
    repo = store.terms
    repo.add(Term("מָסָךְ", "Masach", variants=["Masakh"], forbidden=["screen"], gloss="screen", gloss_first=True,
                  note="n", status="proposed", source_variants=["מסכים"], case="strict"))  # fmt: skip
    repo.add(Term('בי"ע', "BYA", kind="acronym"))
    path = tmp_path / "t.tbx"
    repo.export_file(path)
    from workbench.store import open_store

    other = open_store(tmp_path / "other.db")
    assert str(other.terms.import_file(path)) == "2 added, 0 updated, 0 unchanged"
    key = lambda t: {k: v for k, v in t.to_dict().items() if k not in ("id", "created", "updated")}  # noqa: E731
    assert [key(t) for t in other.terms.list_terms(order="id")] == [key(t) for t in repo.list_terms(order="id")]
    other.close()


def test_bad_import_writes_nothing(store, tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text(CSV + "ראש,,,,,\n", encoding="utf-8")
    with pytest.raises(InputError, match="line 5"):
        store.terms.import_file(bad)
    assert store.terms.count() == 0
    with pytest.raises(InputError, match="unknown termbase format"):
        store.terms.import_file(tmp_path / "x.json")


def test_merge_moves_forms_and_annotations(store) -> None:
    doc_id, tpara, _ = _doc(store)
    keep = store.terms.add(Term("מסך", "Masach", forbidden=["curtain"]))
    drop = store.terms.add(Term("מסך", "Masakh", variants=["masakh"], gloss="screen", forbidden=["veil"]))
    (ann,) = store.terms.add_annotations([Annotation(doc_id, tpara.id, 4, 10, "", drop.id)])
    merged = store.terms.merge(keep.id, drop.id, user="ed")
    assert merged.variants == ["Masakh", "masakh"] and merged.gloss == "screen"
    assert merged.forbidden == ["curtain", "veil"]
    assert store.terms.get_annotation(ann.id).term_id == keep.id
    with pytest.raises(NotFoundError):
        store.terms.get(drop.id)
    assert "merge" in [h["action"] for h in store.terms.term_history(keep.id)]


def _doc(store):
    src = Paragraph("והמסך עולה לפה דראש")
    tgt = Paragraph("The Masach rises to Peh de Rosh; the Masach is pure.")
    doc = Document("T", Text("he", [src]), Text("en", [tgt]))
    doc_id = store.create_document(doc, "t")
    store.save_links(doc_id, [Link([src.id], [tgt.id], 0.9)], 0, "t")
    return doc_id, tgt, src


def test_annotations_reanchor_after_edit_and_history(store) -> None:
    doc_id, tpara, _ = _doc(store)
    t = store.terms.add(Term("מסך", "Masach"))
    second = tpara.text.rindex("Masach")
    a1, a2 = store.terms.add_annotations(
        [Annotation(doc_id, tpara.id, 4, 10, "", t.id), Annotation(doc_id, tpara.id, second, second + 6, "", t.id)]
    )
    assert (a1.surface, a1.before, a2.surface) == ("Masach", "The ", "Masach")
    # Accepting the same occurrence again does not double it.
    assert store.terms.add_annotations([Annotation(doc_id, tpara.id, 4, 10, "", t.id)]) == []
    # Edit the paragraph: text inserted before both occurrences.
    p = store.get_document(doc_id).target.paragraphs[0]
    new_text = "Indeed, as we said, " + p.text.replace("the Masach is pure", "then the Masach is pure")
    store.update_paragraph(p.id, new_text, [], p.rev, "ed")
    anns = store.terms.annotations(doc_id=doc_id)
    assert [new_text[a.start : a.end] for a in anns] == ["Masach", "Masach"]
    assert [a.state for a in anns] == ["moved", "moved"]
    assert anns[1].start == new_text.rindex("Masach")  # the second stays the second, by its context
    # Saved: a second read finds them in place again.
    again = store.terms.annotations(doc_id=doc_id)
    assert [(a.start, a.state) for a in again] == [(anns[0].start, "ok"), (anns[1].start, "ok")]
    assert store.terms.reanchor(doc_id) == {"ok": 2}
    # The word removed: lost, not moved to an unrelated place.
    p = store.get_document(doc_id).target.paragraphs[0]
    store.update_paragraph(p.id, "Nothing here.", [], p.rev, "ed")
    assert {a.state for a in store.terms.annotations(doc_id=doc_id)} == {"lost"}
    actions = [h["action"] for h in store.terms.annotation_history(a1.id)]
    assert actions[0] == "create" and "reanchor" in actions


def test_annotation_edit_delete_and_bounds(store) -> None:
    doc_id, tpara, _ = _doc(store)
    t = store.terms.add(Term("פה דראש", "Peh de Rosh"))
    a = store.terms.add_annotation(Annotation(doc_id, tpara.id, 20, 31, "", t.id))
    assert a.surface == "Peh de Rosh"
    a.kind, a.note = "gloss", "checked"
    a2 = store.terms.update_annotation(a, user="ed")
    assert (a2.kind, a2.note, a2.rev) == ("gloss", "checked", 2)
    with pytest.raises(ConflictError):
        store.terms.update_annotation(a, user="ed")  # stale rev 1
    from workbench.errors import WorkbenchError

    with pytest.raises(WorkbenchError, match="outside"):
        store.terms.add_annotation(Annotation(doc_id, tpara.id, 40, 400, "", t.id))
    store.terms.delete_annotation(a.id, user="ed")
    assert store.terms.annotations(doc_id=doc_id) == []
    assert [h["action"] for h in store.terms.annotation_history(a.id)] == ["create", "update", "delete"]


def test_paragraph_split_rehomes_annotation(store) -> None:
    doc_id, tpara, _ = _doc(store)
    t = store.terms.add(Term("פה דראש", "Peh de Rosh"))
    a = store.terms.add_annotation(Annotation(doc_id, tpara.id, 20, 31, "", t.id))
    p = store.get_document(doc_id).target.paragraphs[0]
    store.insert_paragraph(doc_id, "target", 1, Paragraph("Then it reached Peh de Rosh; the end."), "ed")
    store.delete_paragraph(p.id, p.rev, "ed")
    (moved,) = store.terms.annotations(doc_id=doc_id)
    assert moved.id == a.id and moved.para_id != tpara.id and moved.state == "moved"
    text = store.get_paragraph(moved.para_id).text
    assert text[moved.start : moved.end] == "Peh de Rosh"


def test_proposals_accept_reject_and_matcher_cache(store) -> None:
    repo = store.terms
    p = Proposal("Zivug", "זיווג", "spiritual coupling", occurrences=2)
    (t,) = repo.accept_proposals([p], user="ed")
    assert (t.preferred, t.source, t.gloss, t.status) == ("Zivug", "זיווג", "spiritual coupling", "proposed")
    assert repo.accept_proposals([p]) == []  # already there
    repo.reject_proposal("Masach", None, user="ed")
    from workbench.terms.discovery import proposal_key

    assert proposal_key("masach", None) in repo.rejected_keys()
    m1 = repo.matcher()
    assert repo.matcher() is m1
    repo.add(Term("מסך", "Masach"))
    m2 = repo.matcher()
    assert m2 is not m1 and [h.surface for h in m2.find_target("Masach and Zivug")] == ["Masach", "Zivug"]
    assert [x.preferred for x in repo.list_terms(status="proposed")] == ["Zivug"]  # a candidate
    assert repo.set_status([t.id], "approved") == 1  # the terminologist's step
    assert repo.list_terms(status="proposed") == []
