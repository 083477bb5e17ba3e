"""Updating a side from a new version: what is kept, re-anchored, re-aligned, recorded and reverted."""

from __future__ import annotations

import pytest

from tests.versions.helpers import EN, make_doc
from workbench import activity
from workbench.errors import ConflictError, WorkbenchError
from workbench.model import Paragraph
from workbench.roles import PermissionDenied
from workbench.update import apply_update, compare_versions, list_versions, plan_update


def revised() -> list[Paragraph]:
    """EN with p2 edited, p3 split, a paragraph inserted after p4, p5 kept (with its italics)."""
    return [
        Paragraph(EN[0]),
        Paragraph(EN[1].replace("delight", "benefit")),
        Paragraph("Therefore the vessel of reception was made first,"),
        Paragraph("and it is called the will to receive."),
        Paragraph(EN[3]),
        Paragraph("Here the translator added a paragraph of his own about vessels."),
        Paragraph(EN[4]),
        Paragraph(EN[5].replace("Masach", "screen")),
    ]


def state(store, doc_id: int) -> dict:  # noqa: ANN001
    doc = store.get_document(doc_id)
    return {"target": [(p.id, p.text, p.rev) for p in doc.target.paragraphs],
            "links": [(lk.id, lk.source, lk.target, lk.status, lk.rev) for lk in store.get_links(doc_id)],
            "anns": [(a.id, a.para_id, a.start, a.end, a.state) for a in store.terms.annotations(doc_id=doc_id, reanchor_spans=False)]}  # fmt: skip


def test_update_keeps_unchanged_and_reanchors(store) -> None:  # noqa: ANN001
    doc_id, made = make_doc(store)
    tgt, links = made["tgt"], made["links"]
    plan = plan_update(store, doc_id, "target", revised(), file="en2.txt")
    assert plan.summary() == {"unchanged": 3, "edited": 2, "split": 1, "merged": 0, "inserted": 1, "deleted": 0,
                              "moved": 0, "restyled": 0}  # fmt: skip
    before = state(store, doc_id)
    res = apply_update(store, plan, "t")
    assert res["applied"] and res["version"] == 2
    doc = store.get_document(doc_id)
    new = doc.target.paragraphs
    ids = [p.id for p in new]
    # unchanged paragraphs: same row (id, text, revision, marks)
    for k, j in ((0, 0), (3, 4), (4, 6)):
        assert (new[j].id, new[j].text, new[j].rev) == (tgt[k].id, tgt[k].text, tgt[k].rev)
    assert [m.kind for m in new[6].marks] == ["italic"]
    # edited paragraphs keep their id with the new text
    assert new[1].id == tgt[1].id and "benefit" in new[1].text and new[1].rev == tgt[1].rev + 1
    assert new[2].id == tgt[2].id and new[3].id not in {p.id for p in tgt}
    # links: the unchanged ones stay exactly (id, paragraphs, status confirmed, revision)
    after_links = {lk.id: lk for lk in store.get_links(doc_id)}
    for k in (0, 3, 4):
        old = links[k]
        assert (after_links[old.id].source, after_links[old.id].target, after_links[old.id].status, after_links[old.id].rev) \
            == (old.source, old.target, "confirmed", old.rev)
    # the edited paragraphs' confirmed links are unconfirmed and to review
    review = store.versions.to_review(doc_id)
    assert after_links[links[1].id].status == "auto" and links[1].id in review
    assert after_links[links[5].id].status == "auto" and links[5].id in review
    # every paragraph of both sides in exactly one link (the store validated it), the split pieces together
    linked = [p for lk in store.get_links(doc_id) for p in lk.target]
    assert sorted(linked) == sorted(ids)
    piece_links = [lk for lk in store.get_links(doc_id) if new[2].id in lk.target or new[3].id in lk.target]
    assert {p for lk in piece_links for p in lk.source} == {made["src"][2].id}
    # annotations: Zohar (edited paragraph, word still there) re-anchored; "will to receive" now in
    # the split's second piece (moved); Masach gone from its paragraph: flagged lost
    anns = {a.surface: a for a in store.terms.annotations(doc_id=doc_id, reanchor_spans=False)}
    assert anns["Zohar"].para_id == tgt[1].id and anns["Zohar"].state in ("ok", "moved")
    assert new[1].text[anns["Zohar"].start:anns["Zohar"].end] == "Zohar"
    assert anns["will to receive"].para_id == new[3].id and anns["will to receive"].state == "moved"
    assert new[3].text[anns["will to receive"].start:anns["will to receive"].end] == "will to receive"
    assert anns["Masach"].state == "lost"
    assert res["annotations"] == {"total": 3, "kept": 0, "reanchored": 2, "flagged": 1}
    # one history row for the whole update
    rows = store.history(doc_id, 50)
    new_rows = [r for r in rows if r["id"] > max(r2["id"] for r2 in rows if r2["id"] < res["change"])]
    assert [(r["entity"], r["action"]) for r in new_rows] == [("document", "update-target")]
    assert before != state(store, doc_id)


def test_revert_restores_everything_once(store) -> None:  # noqa: ANN001
    doc_id, _ = make_doc(store)
    before = state(store, doc_id)
    res = apply_update(store, plan_update(store, doc_id, "target", revised(), file="en2.txt"), "t")
    change = activity.get_change(store, res["change"])
    assert change["revertible"] and "1 split" in change["summary"]
    activity.revert(store, res["change"], "t")
    after = state(store, doc_id)
    # the same ids, texts, links (ids, paragraphs, status) and annotation places as before the update
    assert [(i, t) for i, t, _ in after["target"]] == [(i, t) for i, t, _ in before["target"]]
    assert [x[:4] for x in after["links"]] == [x[:4] for x in before["links"]]
    assert after["anns"] == before["anns"]
    assert store.versions.to_review(doc_id) == {}
    versions = [r for r in list_versions(store, doc_id) if r["side"] == "target"]
    assert [(r["version"], r["action"]) for r in versions] == [(1, "import"), (2, "update"), (3, "revert")]
    assert versions[-1]["current"]
    with pytest.raises(WorkbenchError, match="not an update|later version"):
        activity.revert(store, res["change"], "t")


def test_revert_refused_after_a_later_edit(store) -> None:  # noqa: ANN001
    doc_id, made = make_doc(store)
    res = apply_update(store, plan_update(store, doc_id, "target", revised()), "t")
    p = store.get_paragraph(made["tgt"][0].id)
    store.update_paragraph(p.id, p.text + " Amen.", expected_rev=p.rev, user="t")
    with pytest.raises(ConflictError, match="changed since"):
        activity.revert(store, res["change"], "t")
    assert store.get_paragraph(p.id).text.endswith("Amen.")


def test_stale_plan_is_refused_and_writes_nothing(store) -> None:  # noqa: ANN001
    doc_id, made = make_doc(store)
    plan = plan_update(store, doc_id, "target", revised())
    p = store.get_paragraph(made["tgt"][4].id)
    store.update_paragraph(p.id, p.text.replace("Ari", "ARI"), expected_rev=p.rev, user="someone")
    snapshot = state(store, doc_id)
    with pytest.raises(ConflictError, match="by someone"):
        apply_update(store, plan, "t")
    assert state(store, doc_id) == snapshot
    assert store.versions.list(doc_id) == []


def test_update_needs_the_import_role(store) -> None:  # noqa: ANN001
    doc_id, _ = make_doc(store)
    store.accounts.add("root", "admin", "root-password-1")
    store.accounts.add("ed", "editor", "ed-password-12", user="root")
    plan = plan_update(store, doc_id, "target", revised())
    snapshot = state(store, doc_id)
    with pytest.raises(PermissionDenied, match="ed \\(editor\\) may not import"):
        apply_update(store, plan, "ed")
    assert state(store, doc_id) == snapshot
    assert apply_update(store, plan, "root")["applied"]


def test_same_file_again_changes_nothing(store) -> None:  # noqa: ANN001
    doc_id, made = make_doc(store)
    snapshot = state(store, doc_id)
    same = [Paragraph(p.text, list(p.marks)) for p in made["tgt"]]
    res = apply_update(store, plan_update(store, doc_id, "target", same), "t")
    assert not res["applied"] and res["version"] is None
    assert state(store, doc_id) == snapshot


def test_edits_between_updates_are_their_own_version(store) -> None:  # noqa: ANN001
    doc_id, made = make_doc(store)
    apply_update(store, plan_update(store, doc_id, "target", revised()), "t")
    p = store.get_paragraph(made["tgt"][0].id)
    store.update_paragraph(p.id, p.text + " Amen.", expected_rev=p.rev, user="t")
    newer = [Paragraph(x.text) for x in store.get_document(doc_id).target.paragraphs]
    newer[-1] = Paragraph(newer[-1].text + " And so on.")
    apply_update(store, plan_update(store, doc_id, "target", newer), "t")
    rows = [r for r in list_versions(store, doc_id) if r["side"] == "target"]
    assert [(r["version"], r["action"]) for r in rows] == [(1, "import"), (2, "update"), (3, "edits"), (4, "update")]
    assert rows[2]["summary"]["edited"] == 1 and rows[3]["summary"]["edited"] == 1


def test_merge_delete_and_move_keep_order_and_links(store) -> None:  # noqa: ANN001
    doc_id, made = make_doc(store)
    new = [Paragraph(EN[1]), Paragraph(EN[2] + " " + EN[3]), Paragraph(EN[5]), Paragraph(EN[0])]
    plan = plan_update(store, doc_id, "target", new)
    s = plan.summary()
    assert (s["merged"], s["deleted"], s["moved"]) == (1, 1, 1)
    apply_update(store, plan, "t")
    doc = store.get_document(doc_id)
    tgt = made["tgt"]
    assert [p.id for p in doc.target.paragraphs] == [tgt[1].id, tgt[2].id, tgt[5].id, tgt[0].id]
    links = store.get_links(doc_id)
    assert sorted(p for lk in links for p in lk.target) == sorted(p.id for p in doc.target.paragraphs)
    assert sorted(p for lk in links for p in lk.source) == sorted(p.id for p in doc.source.paragraphs)
    kept = {lk.id for lk in links}
    assert made["links"][1].id in kept and made["links"][5].id in kept


def test_wrong_language_file_is_refused(store, tmp_path) -> None:  # noqa: ANN001
    from workbench.update import read_version

    doc_id, _ = make_doc(store)
    f = tmp_path / "he.txt"
    f.write_text("\n\n".join(["ולכן נברא הכלי של הקבלה תחילה, והוא נקרא רצון לקבל."] * 4), encoding="utf-8")
    with pytest.raises(WorkbenchError, match="looks Hebrew but the target"):
        plan_update(store, doc_id, "target", read_version(f))


def test_compare_rows_have_counterparts(store) -> None:  # noqa: ANN001
    doc_id, made = make_doc(store)
    apply_update(store, plan_update(store, doc_id, "target", revised()), "t")
    comp = compare_versions(store, doc_id, "target", 1, 2)
    ops = [r.op for r in comp.rows]
    assert ops == ["unchanged", "edited", "split", "unchanged", "inserted", "unchanged", "edited"]
    edited = comp.rows[1]
    assert [p.text for p in edited.counterpart] == [made["src"][1].text]
    assert ("del", "delight ") in edited.diff() and ("ins", "benefit ") in edited.diff()
    assert comp.to_json(changed_only=True)["rows"][0]["op"] == "edited"
    with pytest.raises(WorkbenchError):
        compare_versions(store, doc_id, "target", 1, 9)


def test_search_index_follows_the_update(store) -> None:  # noqa: ANN001
    from workbench import search

    doc_id, _ = make_doc(store)
    assert len(search.search(store, "delight").hits) == 1  # the index is built before the update
    apply_update(store, plan_update(store, doc_id, "target", revised()), "t")
    assert search.search(store, "delight").hits == []
    assert len(search.search(store, "benefit").hits) == 1
    assert len(search.search(store, "translator added").hits) == 1  # an inserted paragraph


def test_revert_refused_after_a_new_annotation(store) -> None:  # noqa: ANN001
    from workbench.terms.model import Annotation

    doc_id, made = make_doc(store)
    res = apply_update(store, plan_update(store, doc_id, "target", revised()), "t")
    p = store.get_document(doc_id).target.paragraphs[5]  # the inserted paragraph
    store.terms.add_annotation(Annotation(doc_id=doc_id, para_id=p.id, start=0, end=4, surface=p.text[:4],
                                          term_id=None), "t")  # fmt: skip
    with pytest.raises(ConflictError, match="changed since"):
        activity.revert(store, res["change"], "t")
    assert store.get_paragraph(p.id).text == p.text


def test_annotation_changed_after_the_plan_refuses_the_update(store) -> None:  # noqa: ANN001
    doc_id, made = make_doc(store)
    plan = plan_update(store, doc_id, "target", revised())
    zohar = next(a for a in made["anns"] if a.surface == "Zohar")
    cur = store.terms.get_annotation(zohar.id)
    cur.note = "the Zohar, Bereshit"
    store.terms.update_annotation(cur, "noa")
    snapshot = state(store, doc_id)
    with pytest.raises(ConflictError, match=f"annotation {zohar.id} was changed by noa"):
        apply_update(store, plan, "t")
    assert state(store, doc_id) == snapshot and store.versions.list(doc_id) == []


def test_review_after_update_lists_links_and_lost_annotations(store) -> None:  # noqa: ANN001
    from workbench.update import review_after_update

    doc_id, made = make_doc(store)
    assert review_after_update(store, doc_id) == {"links": [], "annotations": []}
    apply_update(store, plan_update(store, doc_id, "target", revised()), "t")
    review = review_after_update(store, doc_id)
    by_text = {r["target"]: r for r in review["links"]}
    edited = by_text[EN[1].replace("delight", "benefit")]
    assert edited["reason"] == "paragraph edited in the new version" and edited["source"] == made["src"][1].text
    assert edited["number"] == 2
    assert [(r["surface"], r["paragraph"]) for r in review["annotations"]] == [
        ("Masach", EN[5].replace("Masach", "screen"))]
    # confirming the link again (as the Alignment page does: a span replace) takes it off the list;
    # the lost annotation stays until someone deals with it
    links = store.get_links(doc_id)
    lk = next(x for x in links if x.id == edited["link"])
    new = type(lk)(lk.source, lk.target, lk.score, "confirmed", lk.id, lk.rev, lk.sentences)
    store.replace_link_spans(doc_id, [([lk], [new])], "t")
    review = review_after_update(store, doc_id)
    assert edited["link"] not in {r["link"] for r in review["links"]} and len(review["annotations"]) == 1


def test_finding_tags_survive_the_update_and_a_new_check_run(store) -> None:  # noqa: ANN001
    """The demo Introduction with every finding tagged; an update edits a paragraph that has a
    finding, deletes one and inserts one; after the checks run again every finding of the untouched
    paragraphs still has its tag and comment."""
    from workbench.checks.runner import CheckRunner
    from workbench.demo import load_demo

    list(load_demo(store, user="t"))
    doc = next(d for d in store.list_documents() if d.title.startswith("Introduction"))
    CheckRunner(store).run([doc.id], user="t")
    found = store.findings.list(doc.id)
    store.findings.tag([f.id for f in found], "accepted", "t", comment="seen by t")
    target = store.get_document(doc.id).target.paragraphs
    where = {p.id: k for k, p in enumerate(target)}
    edited = next(where[p] for f in found for p in f.para_ids if p in where and 0 < where[p] < len(target) - 5)
    new = [Paragraph(p.text, list(p.marks)) for p in target]
    new[edited] = Paragraph(new[edited].text + " An added clause.", list(new[edited].marks))
    del new[edited + 3]
    new.insert(edited + 4, Paragraph("A paragraph the translator added."))
    plan = plan_update(store, doc.id, "target", new)
    assert (plan.summary()["edited"], plan.summary()["deleted"], plan.summary()["inserted"]) == (1, 1, 1)
    apply_update(store, plan, "t")
    touched = {target[edited].id, target[edited + 3].id}
    CheckRunner(store).run([doc.id], user="t")
    after = {f.id: f for f in store.findings.list(doc.id)}
    kept = [f for f in found if not set(f.para_ids) & touched]
    assert kept and len(kept) < len(found)  # some findings were on the touched paragraphs
    assert [(after[f.id].status, after[f.id].comment) for f in kept] == [("accepted", "seen by t")] * len(kept)


def _pairs(a: list[str], b: list[str]) -> list[tuple[list[int], list[int], float]]:
    """A stand-in aligner: pairs paragraphs 1-1 in order, the rest alone."""
    n = max(len(a), len(b))
    return [([i] if i < len(a) else [], [i] if i < len(b) else [], 0.7) for i in range(n)]


@pytest.mark.parametrize("status", ["auto", "confirmed"])
def test_an_added_translation_pairs_with_a_paragraph_left_untranslated(status: str) -> None:
    """Source s1 had no translation (a 1-0 link); the new version adds one right there: the
    stretch is re-aligned and they pair, unless an editor confirmed that s1 stays untranslated.
    The links of the unchanged paragraphs are kept as they were."""
    from workbench.align.revise import relink
    from workbench.model import Link

    links = [Link(["s0"], ["t0"], 0.9, "confirmed"), Link(["s1"], [], 0.0, status), Link(["s2"], ["t2"], 0.9, "confirmed")]
    out = relink("target", links, ["t0", "new", "t2"], ["s0", "s1", "s2"], new_texts=["a", "b", "c"],
                 other_texts=["A", "B", "C"], dirty={"new"}, edited=set(), align=_pairs)  # fmt: skip
    shapes = [(lk.source, lk.target) for lk in out.links]
    if status == "auto":
        assert shapes == [(["s0"], ["t0"]), (["s1"], ["new"]), (["s2"], ["t2"])]
    else:
        assert shapes == [(["s0"], ["t0"]), (["s1"], []), ([], ["new"]), (["s2"], ["t2"])]
    assert [out.links[0], out.links[-1]] == [links[0], links[2]]  # the same ids, statuses, revisions
    # with nothing new next to it, an unpaired paragraph's link stays as it is
    same = relink("target", links, ["t0", "t2"], ["s0", "s1", "s2"], new_texts=["a", "c"], other_texts=["A", "B", "C"],
                  dirty=set(), edited={"t0"}, align=_pairs)  # fmt: skip
    assert [lk.id for lk in same.links] == [lk.id for lk in links]
