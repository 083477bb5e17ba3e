"""Alignment editor core: pure operations, invariants, store orchestration, undo, conflicts."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from workbench.align.edits import (
    InvalidEdit,
    LinkFilter,
    check_links,
    confidence_band,
    copy_links,
    detach_paragraph,
    filter_indices,
    merge_next,
    move_paragraph,
    next_to_review,
    sentence_ends,
    set_status,
    split_link,
    split_texts,
)
from workbench.app.widgets import page_count, page_of, picked_link, score_rows
from workbench.editing import AlignmentEditor, StoredUndoStack, UndoStack
from workbench.errors import ConflictError, WorkbenchError
from workbench.model import Document, Link, Mark, Paragraph, Text
from workbench.store import Store, open_store

HE = [
    "א) רצוני בהקדמה זו לברר דברים פשוטים. והרבה דיו נשפכה בכדי לבררם.",
    "ב) והנה המסך דגוף עולה לפה דראש עם הרשימות, ושם נעשה זווג דהכאה חדש.",
    "ג) ובזה תבין מה שאמרו ז\"ל שתרי\"ג מצוות הן תרי\"ג עיטין.",
    "ד) ונבאר עתה ענין ההתכללות של הספירות זו בזו.",
    "ה) ואחר כך יצאו עולמות אצילות בריאה יצירה ועשיה, זה למטה מזה.",
]
EN = [
    "1. In this introduction I wish to clarify simple matters. Much ink has been spilled on them.",
    "2. The Masach of the Guf rises to the Peh of the Rosh with the Reshimot, and a new Zivug is made.",
    "3. By this you will understand what our sages said, that the 613 Mitzvot are 613 counsels.",
    "4. Now let us explain the Hitkalelut of the Sefirot in one another.",
    "5. Afterwards the worlds of Atzilut, Beriah, Yetzirah and Assiya emerged, one below the other.",
]


def make_doc() -> Document:
    return Document("Test", Text("he", [Paragraph(t) for t in HE]), Text("en", [Paragraph(t) for t in EN]))


def one_to_one(doc: Document, scores: list[float] | None = None) -> list[Link]:
    assert doc.source and doc.target
    scores = scores or [0.9] * len(doc.source.paragraphs)
    return [Link([s.id], [t.id], score=sc) for s, t, sc in zip(doc.source.paragraphs, doc.target.paragraphs, scores, strict=True)]


def shape(doc: Document, links: list[Link]) -> list[tuple[list[int], list[int]]]:
    assert doc.source and doc.target
    sp = {p.id: i for i, p in enumerate(doc.source.paragraphs)}
    tp = {p.id: i for i, p in enumerate(doc.target.paragraphs)}
    return [([sp[x] for x in lk.source], [tp[x] for x in lk.target]) for lk in links]


@pytest.fixture
def seeded(store: Store) -> tuple[Store, int]:
    doc = make_doc()
    doc_id = store.create_document(doc, "t")
    store.save_links(doc_id, one_to_one(doc, [0.9, 0.3, 0.95, 0.6, 0.99]), 0, "t")
    return store, doc_id


def stored_shape(store: Store, doc_id: int) -> list[tuple[list[int], list[int]]]:
    doc = store.get_document(doc_id)
    links = store.get_links(doc_id)
    check_links(doc, links)
    return shape(doc, links)


# ------------------------------------------------------------------------------- pure operations


def test_merge_next_joins_and_leaves_input_alone() -> None:
    doc = make_doc()
    links = one_to_one(doc, [0.9, 0.4, 0.8, 0.7, 0.6])
    before = copy_links(links)
    out = merge_next(links, 1)
    assert shape(doc, out) == [([0], [0]), ([1, 2], [1, 2]), ([3], [3]), ([4], [4])]
    assert out[1].id == links[1].id and out[1].status == "confirmed" and out[1].score == pytest.approx(0.4)
    assert out[1].kind == "2-2"
    assert [(lk.source, lk.target, lk.status) for lk in links] == [(lk.source, lk.target, lk.status) for lk in before]
    check_links(doc, out)
    assert merge_next(links, 0, confirm=False)[0].status == "auto"
    with pytest.raises(InvalidEdit, match="last link"):
        merge_next(links, 4)
    with pytest.raises(InvalidEdit, match="no link 9"):
        merge_next(links, 8)


def test_split_link_cuts_in_two() -> None:
    doc = make_doc()
    merged = merge_next(one_to_one(doc), 0)
    out = split_link(merged, 0, 1, 2)
    assert shape(doc, out)[:2] == [([0], [0, 1]), ([1], [])]
    assert out[0].id == merged[0].id and out[1].id != merged[0].id
    check_links(doc, out)
    with pytest.raises(InvalidEdit, match="empty link"):
        split_link(merged, 0, 0, 0)
    with pytest.raises(InvalidEdit, match="cannot be cut"):
        split_link(merged, 0, 3, 0)


@pytest.mark.parametrize("side", ["source", "target"])
def test_move_paragraph_down_and_up(side: str) -> None:
    doc = make_doc()
    links = merge_next(one_to_one(doc), 0, confirm=False)  # ([0,1],[0,1]), ([2],[2]) ...
    down = move_paragraph(links, 0, side, "down")
    other = "target" if side == "source" else "source"
    got = shape(doc, down)
    s_or_t = 0 if side == "source" else 1
    assert got[0][s_or_t] == [0] and got[1][s_or_t] == [1, 2]
    assert got[0][1 - s_or_t] == [0, 1] and got[1][1 - s_or_t] == [2]
    assert down[0].status == down[1].status == "confirmed"
    check_links(doc, down)
    up = move_paragraph(down, 1, side, "up")
    assert shape(doc, up) == shape(doc, links)
    with pytest.raises(InvalidEdit, match="first link"):
        move_paragraph(links, 0, side, "up")
    with pytest.raises(InvalidEdit, match="last link"):
        move_paragraph(links, len(links) - 1, side, "down")
    with pytest.raises(InvalidEdit, match="only the last"):
        move_paragraph(links, 0, side, "down", para_id=getattr(links[0], side)[0])
    with pytest.raises(InvalidEdit, match="side must be"):
        move_paragraph(links, 0, "middle", "down")  # type: ignore[arg-type]
    assert other  # both sides exercised by the parametrization


def test_move_out_of_a_one_sided_link_removes_it() -> None:
    doc = make_doc()
    links = detach_paragraph(one_to_one(doc), 1, "target", doc.target.paragraphs[1].id)  # type: ignore[union-attr]
    assert shape(doc, links)[1:3] == [([1], []), ([], [1])]
    out = move_paragraph(links, 2, "target", "up")
    assert shape(doc, out)[1] == ([1], [1]) and len(out) == len(links) - 1
    check_links(doc, out)
    with pytest.raises(InvalidEdit, match="no target paragraph"):
        move_paragraph(links, 1, "target", "down")


def test_detach_first_last_middle_and_alone() -> None:
    doc = make_doc()
    src = doc.source.paragraphs  # type: ignore[union-attr]
    links = merge_next(merge_next(one_to_one(doc), 0), 0)  # ([0,1,2],[0,1,2])
    last = detach_paragraph(links, 0, "source", src[2].id)
    assert shape(doc, last)[:2] == [([0, 1], [0, 1, 2]), ([2], [])]
    first = detach_paragraph(links, 0, "source", src[0].id)
    assert shape(doc, first)[:2] == [([0], []), ([1, 2], [0, 1, 2])]
    for out in (last, first):
        check_links(doc, out)
        assert all(lk.status == "confirmed" for lk in out[:2])
    with pytest.raises(InvalidEdit, match="middle"):
        detach_paragraph(links, 0, "source", src[1].id)
    with pytest.raises(InvalidEdit, match="not a target paragraph"):
        detach_paragraph(links, 0, "target", src[1].id)
    with pytest.raises(InvalidEdit, match="already alone"):
        detach_paragraph(last, 1, "source", src[2].id)


def test_set_status_and_check_links() -> None:
    doc = make_doc()
    links = one_to_one(doc)
    out = set_status(links, [links[1].id, links[3].id], "confirmed")
    assert [lk.status for lk in out] == ["auto", "confirmed", "auto", "confirmed", "auto"]
    assert links[1].status == "auto"
    with pytest.raises(InvalidEdit, match="already confirmed"):
        set_status(out, [links[1].id], "confirmed")
    with pytest.raises(InvalidEdit, match="no longer"):
        set_status(out, ["nope"], "confirmed")
    assert set_status(out, [links[1].id], "auto")[1].status == "auto"
    with pytest.raises(InvalidEdit, match="missing"):
        check_links(doc, links[:-1])
    swapped = [links[1], links[0], *links[2:]]
    with pytest.raises(InvalidEdit, match="in order"):
        check_links(doc, swapped)
    with pytest.raises(InvalidEdit, match="empty"):
        check_links(doc, [*links, Link([], [])])


def test_split_texts_and_sentence_ends() -> None:
    assert split_texts("One. Two.", 4) == ("One.", "Two.")
    for bad in (0, 9, 100, -1):
        with pytest.raises(InvalidEdit, match="both sides"):
            split_texts("One. Two.", bad)
    en = EN[0]
    ends = sentence_ends(en, "en")
    assert len(ends) == 1 and en[: ends[0]].endswith("matters.")
    he = HE[0]
    (end,) = sentence_ends(he, "he")
    assert he[:end].endswith("פשוטים.")
    assert sentence_ends("One sentence only.", "en") == []


def test_filters_next_to_review_and_paging() -> None:
    doc = make_doc()
    links = one_to_one(doc, [0.9, 0.3, 0.95, 0.6, 0.2])
    links = merge_next(links, 2, confirm=False)  # 4 links: 0.9, 0.3, 0.6(2-2), 0.2
    links[1].status = "confirmed"
    assert filter_indices(links, LinkFilter()) == [0, 1, 2, 3]
    assert filter_indices(links, LinkFilter(low_below=0.5)) == [1, 3]
    assert filter_indices(links, LinkFilter(non_one_to_one=True)) == [2]
    assert filter_indices(links, LinkFilter(unconfirmed=True)) == [0, 2, 3]
    assert filter_indices(links, LinkFilter(low_below=0.5, unconfirmed=True)) == [3]
    assert next_to_review(links, -1, 0.8) == 2
    assert next_to_review(links, 2, 0.8) == 3
    assert next_to_review(links, 3, 0.8) == 2  # wraps round
    assert next_to_review(links, 0, 0.8, among=[0, 1]) is None
    assert next_to_review(links, 0, 0.1) is None
    assert [confidence_band(x) for x in (0.1, 0.5, 0.79, 0.8)] == ["low", "medium", "medium", "high"]
    assert (page_count(0, 25), page_count(3000, 25), page_count(26, 25)) == (1, 120, 2)
    assert (page_of(0, 25), page_of(24, 25), page_of(25, 25)) == (0, 0, 1)
    assert score_rows(links)[2] == {"link": 3, "score": 0.6, "status": "auto", "kind": "2-2"}


# ------------------------------------------------------------------------------- orchestration


def test_each_operation_saves_and_keeps_invariants(seeded: tuple[Store, int]) -> None:
    store, doc_id = seeded
    ed = AlignmentEditor(store, doc_id, "ed", UndoStack())
    links = store.get_links(doc_id)
    rev = store.alignment_rev(doc_id)

    r = ed.merge_with_next(links[1].id, rev)
    assert r.alignment_rev == rev + 1 and r.focus == 1
    assert stored_shape(store, doc_id) == [([0], [0]), ([1, 2], [1, 2]), ([3], [3]), ([4], [4])]
    assert store.get_links(doc_id)[1].status == "confirmed"

    links = store.get_links(doc_id)
    r = ed.move_paragraph(links[1].id, "target", "down", r.alignment_rev)
    assert stored_shape(store, doc_id) == [([0], [0]), ([1, 2], [1]), ([3], [2, 3]), ([4], [4])]
    assert r.focus == 2

    links = store.get_links(doc_id)
    tgt = store.get_document(doc_id).target.paragraphs  # type: ignore[union-attr]
    r = ed.detach(links[2].id, "target", tgt[2].id, r.alignment_rev)
    assert stored_shape(store, doc_id) == [([0], [0]), ([1, 2], [1]), ([], [2]), ([3], [3]), ([4], [4])]

    links = store.get_links(doc_id)
    r = ed.split_link(links[1].id, 1, 1, r.alignment_rev)
    assert stored_shape(store, doc_id)[1:3] == [([1], [1]), ([2], [])]

    links = store.get_links(doc_id)
    r = ed.confirm([links[0].id], r.alignment_rev)
    r = ed.unconfirm([links[1].id], r.alignment_rev)
    statuses = [lk.status for lk in store.get_links(doc_id)]
    assert statuses[0] == "confirmed" and statuses[1] == "auto"
    ids = [lk.id for lk in store.get_links(doc_id)]
    r = ed.confirm(ids, r.alignment_rev)  # bulk
    assert {lk.status for lk in store.get_links(doc_id)} == {"confirmed"}
    with pytest.raises(InvalidEdit, match="already confirmed"):
        ed.confirm(ids, r.alignment_rev)
    assert store.alignment_rev(doc_id) == r.alignment_rev  # the refused bulk confirm wrote nothing
    acts = [h["action"] for h in store.history(doc_id, entity="link", limit=500)]
    assert "update" in acts and "create" in acts and "delete" in acts


def test_split_paragraph_in_link_and_separate(seeded: tuple[Store, int]) -> None:
    store, doc_id = seeded
    ed = AlignmentEditor(store, doc_id, "ed", UndoStack())
    doc = store.get_document(doc_id)
    p = doc.target.paragraphs[0]  # type: ignore[union-attr]
    (end,) = sentence_ends(p.text, "en")
    r = ed.split_paragraph(p.id, end, doc.alignment_rev, p.rev)
    assert r.focus == 0
    assert stored_shape(store, doc_id)[0] == ([0], [0, 1])
    doc = store.get_document(doc_id)
    assert [q.text for q in doc.target.paragraphs[:2]] == [EN[0][:end], EN[0][end:].lstrip()]  # type: ignore[union-attr]

    s = doc.source.paragraphs[1]  # type: ignore[union-attr]
    r = ed.split_paragraph(s.id, 20, r.alignment_rev, s.rev, separate=True)
    assert stored_shape(store, doc_id)[1:3] == [([1], [2]), ([2], [])]
    assert len(store.get_document(doc_id).source.paragraphs) == 6  # type: ignore[union-attr]
    with pytest.raises(InvalidEdit, match="both sides"):
        ed.split_paragraph(s.id, 0, r.alignment_rev, store.get_paragraph(s.id).rev)


def test_edit_text_and_realign_keep_confirmed(seeded: tuple[Store, int]) -> None:
    store, doc_id = seeded
    ed = AlignmentEditor(store, doc_id, "ed", UndoStack())
    p = store.get_document(doc_id).target.paragraphs[3]  # type: ignore[union-attr]
    ed.edit_text(p.id, p.text + " (edited)", p.rev)
    assert store.get_paragraph(p.id).text.endswith("(edited)")
    with pytest.raises(InvalidEdit, match="unchanged"):
        ed.edit_text(p.id, p.text + " (edited)", p.rev + 1)
    with pytest.raises(InvalidEdit, match="emptied"):
        ed.edit_text(p.id, "  ", p.rev + 1)

    # a wrong but confirmed 2-2 link survives re-alignment; the rest is re-solved to 1-1
    links = store.get_links(doc_id)
    rev = store.alignment_rev(doc_id)
    r = ed.merge_with_next(links[3].id, rev)
    links = store.get_links(doc_id)
    bad = merge_next(links, 0, confirm=False)
    rev = store.save_links(doc_id, bad, r.alignment_rev, "someone")
    seen: list[float] = []
    r = ed.realign(rev, progress=seen.append)
    assert seen and seen[-1] == pytest.approx(1.0)
    assert stored_shape(store, doc_id) == [([0], [0]), ([1], [1]), ([2], [2]), ([3, 4], [3, 4])]
    assert "confirmed kept" in r.message


# ------------------------------------------------------------------------------- undo


@pytest.fixture(params=["session", "stored"])
def undo_kind(request: pytest.FixtureRequest) -> str:
    return request.param


def make_undo(kind: str, store: Store) -> UndoStack | StoredUndoStack:
    return UndoStack() if kind == "session" else StoredUndoStack(store, "ed")


def undo_len(undo: UndoStack | StoredUndoStack, doc_id: int) -> int:
    return len(undo) if isinstance(undo, UndoStack) else undo.count(doc_id)


def test_undo_takes_back_every_kind_in_reverse(seeded: tuple[Store, int], undo_kind: str) -> None:
    store, doc_id = seeded
    undo = make_undo(undo_kind, store)
    ed = AlignmentEditor(store, doc_id, "ed", undo)
    doc0 = store.get_document(doc_id)
    p = doc0.source.paragraphs[0]  # type: ignore[union-attr]
    p_marked = store.update_paragraph(p.id, p.text, [Mark(3, 8, "italic")], p.rev, "t")
    start_links = [(lk.source, lk.target, lk.status, lk.score) for lk in store.get_links(doc_id)]
    start_texts = [(q.text, [m.to_dict() for m in q.marks]) for q in store.get_document(doc_id).source.paragraphs]  # type: ignore[union-attr]

    rev = store.alignment_rev(doc_id)
    links = store.get_links(doc_id)
    r = ed.merge_with_next(links[0].id, rev)
    r = ed.edit_text(p.id, "שונה לגמרי", p_marked.rev)
    r = ed.edit_text(p.id, "שונה שוב", p_marked.rev + 1)
    q = store.get_paragraph(p.id)
    r = ed.split_paragraph(p.id, 4, r.alignment_rev, q.rev, separate=True)
    r = ed.confirm([store.get_links(doc_id)[-1].id], r.alignment_rev)
    r = ed.realign(r.alignment_rev)
    assert undo_len(undo, doc_id) == 6 and ed.undo_label() == "re-align unconfirmed"

    labels = []
    while ed.can_undo():
        labels.append(ed.undo().message)
    assert labels == ["undone: re-align unconfirmed", "undone: confirm 1 link", "undone: split paragraph",
                      "undone: edit text", "undone: edit text", "undone: merge links"]  # fmt: skip
    assert [(lk.source, lk.target, lk.status, lk.score) for lk in store.get_links(doc_id)] == start_links
    doc = store.get_document(doc_id)
    assert [(q.text, [m.to_dict() for m in q.marks]) for q in doc.source.paragraphs] == start_texts  # type: ignore[union-attr]
    check_links(doc, store.get_links(doc_id))
    with pytest.raises(InvalidEdit, match="nothing to undo"):
        ed.undo()


def test_undo_refuses_after_someone_else_changed(db_path: Path, seeded: tuple[Store, int], undo_kind: str) -> None:
    store, doc_id = seeded
    undo = make_undo(undo_kind, store)
    ed = AlignmentEditor(store, doc_id, "ed", undo)
    links = store.get_links(doc_id)
    ed.merge_with_next(links[0].id, store.alignment_rev(doc_id))
    other = open_store(db_path)
    try:  # bob builds on the merge: he unconfirms the merged link
        theirs = other.get_links(doc_id)
        other.save_links(doc_id, set_status(theirs, [theirs[0].id], "auto"), other.alignment_rev(doc_id), "bob")
    finally:
        other.close()
    with pytest.raises(ConflictError, match="cannot undo .*bob changed link 1"):
        ed.undo()
    assert undo_len(undo, doc_id) == 0  # taken off the list: it can never apply again
    assert store.get_links(doc_id)[0].status == "auto" and store.get_links(doc_id)[0].kind == "2-2"


def test_undo_goes_through_after_someone_changed_other_links(db_path: Path, seeded: tuple[Store, int],
                                                             undo_kind: str) -> None:  # fmt: skip
    """Only the links an operation changed block its undo: bob's confirm elsewhere stays, the merge is undone."""
    store, doc_id = seeded
    undo = make_undo(undo_kind, store)
    ed = AlignmentEditor(store, doc_id, "ed", undo)
    start = [(lk.id, lk.source, lk.target, lk.status) for lk in store.get_links(doc_id)]
    ed.merge_with_next(store.get_links(doc_id)[0].id, store.alignment_rev(doc_id))
    entry = undo.peek(doc_id)
    assert entry is not None and entry.kind == "span" and entry.links is None
    assert [(len(b), len(a)) for b, a in entry.spans or []] == [(2, 1)]  # not the whole list
    other = open_store(db_path)
    try:
        theirs = other.get_links(doc_id)
        other.save_links(doc_id, set_status(theirs, [theirs[-1].id], "confirmed"), other.alignment_rev(doc_id), "bob")
    finally:
        other.close()
    assert ed.undo().message == "undone: merge links"
    now = [(lk.id, lk.source, lk.target, lk.status) for lk in store.get_links(doc_id)]
    assert now[:-1] == start[:-1] and now[-1][3] == "confirmed"  # the same ids back, bob's confirm kept


def test_an_undo_entry_of_an_earlier_release_keeping_the_whole_list_still_undoes(seeded: tuple[Store, int]) -> None:
    from workbench.editing import UndoEntry

    store, doc_id = seeded
    undo = StoredUndoStack(store, "ed")
    before = store.get_links(doc_id)
    rev = store.save_links(doc_id, merge_next(before, 1), store.alignment_rev(doc_id), "ed")
    old = UndoEntry("merge links", doc_id, "links", {"alignment": rev - 1}, {"alignment": rev}, links=before)
    payload = old.to_dict()
    del payload["spans"]  # written before entries kept only the stretch they changed
    store.undo.push(doc_id, "ed", payload, 20)
    ed = AlignmentEditor(store, doc_id, "ed", undo)
    assert ed.undo().message == "undone: merge links"
    assert [(lk.id, lk.source, lk.target) for lk in store.get_links(doc_id)] == [(lk.id, lk.source, lk.target) for lk in before]


def test_stored_undo_survives_a_new_connection_and_is_per_editor(db_path: Path, seeded: tuple[Store, int]) -> None:
    store, doc_id = seeded
    ed = AlignmentEditor(store, doc_id, "ed", StoredUndoStack(store, "ed"))
    before = [(lk.source, lk.target) for lk in store.get_links(doc_id)]
    ed.merge_with_next(store.get_links(doc_id)[0].id, store.alignment_rev(doc_id))
    other = open_store(db_path)  # the page reloaded, or the server restarted
    try:
        again = AlignmentEditor(other, doc_id, "ed", StoredUndoStack(other, "ed"))
        assert again.undo_label() == "merge links"
        assert AlignmentEditor(other, doc_id, "bob", StoredUndoStack(other, "bob")).undo_label() is None
        assert again.undo().message == "undone: merge links"
        assert [(lk.source, lk.target) for lk in other.get_links(doc_id)] == before
        assert not again.can_undo()
    finally:
        other.close()


def test_stored_undo_keeps_the_newest_entries_and_lands_with_its_edit(seeded: tuple[Store, int]) -> None:
    store, doc_id = seeded
    undo = StoredUndoStack(store, "ed", limit=3)
    ed = AlignmentEditor(store, doc_id, "ed", undo)
    lid = store.get_links(doc_id)[0].id
    for _ in range(3):
        ed.confirm([lid], store.alignment_rev(doc_id))
        ed.unconfirm([lid], store.alignment_rev(doc_id))
    assert undo.count(doc_id) == 3 and ed.undo_label() == "unconfirm 1 link"
    # an edit refused as stale writes no undo entry either
    with pytest.raises(ConflictError):
        ed.confirm([lid], store.alignment_rev(doc_id) - 1)
    assert undo.count(doc_id) == 3
    # a failure after the save (here: writing the undo entry) rolls the edit back with it
    rev = store.alignment_rev(doc_id)

    def broken(entry: object) -> None:
        raise RuntimeError("disk full")

    undo.push = broken  # type: ignore[method-assign]
    with pytest.raises(RuntimeError):
        ed.confirm([lid], rev)
    assert store.alignment_rev(doc_id) == rev and store.get_links(doc_id)[0].status == "auto"


# ------------------------------------------------------------------------------- conflicts


OPS = ["merge", "move", "detach", "split_link", "confirm", "unconfirm", "split_paragraph", "realign"]


@pytest.mark.parametrize("op", OPS)
def test_stale_save_raises_conflict_with_two_connections(op: str, db_path: Path, seeded: tuple[Store, int]) -> None:
    mine, doc_id = seeded
    ed = AlignmentEditor(mine, doc_id, "alice", UndoStack())
    seen_rev = mine.alignment_rev(doc_id)
    doc = mine.get_document(doc_id)
    links = mine.get_links(doc_id)
    links = merge_next(links, 0, confirm=True)
    seen_rev = mine.save_links(doc_id, links, seen_rev, "alice")
    links = mine.get_links(doc_id)

    other = open_store(db_path)  # a second connection changes the alignment in between
    theirs = other.get_links(doc_id)
    other.save_links(doc_id, set_status(theirs, [theirs[2].id], "confirmed"), seen_rev, "bob")
    other.close()
    before = [(lk.source, lk.target, lk.status) for lk in mine.get_links(doc_id)]

    tgt0 = doc.target.paragraphs[0]  # type: ignore[union-attr]
    calls = {
        "merge": lambda: ed.merge_with_next(links[1].id, seen_rev),
        "move": lambda: ed.move_paragraph(links[0].id, "target", "down", seen_rev),
        "detach": lambda: ed.detach(links[0].id, "target", tgt0.id, seen_rev),
        "split_link": lambda: ed.split_link(links[0].id, 1, 1, seen_rev),
        "confirm": lambda: ed.confirm([links[3].id], seen_rev),
        "unconfirm": lambda: ed.unconfirm([links[0].id], seen_rev),
        "split_paragraph": lambda: ed.split_paragraph(tgt0.id, 10, seen_rev, tgt0.rev),
        "realign": lambda: ed.realign(seen_rev),
    }
    with pytest.raises(ConflictError, match="changed since you loaded it.*bob") as exc:
        calls[op]()
    assert "nothing was saved" in str(exc.value)
    assert [(lk.source, lk.target, lk.status) for lk in mine.get_links(doc_id)] == before
    assert len(mine.get_document(doc_id).target.paragraphs) == 5  # type: ignore[union-attr]
    assert len(ed.undo_stack or []) == 0


def test_store_refuses_stale_save_even_without_the_precheck(db_path: Path, seeded: tuple[Store, int]) -> None:
    """The editor's own check aside, save_links itself refuses a stale revision (second connection)."""
    mine, doc_id = seeded
    rev = mine.alignment_rev(doc_id)
    other = open_store(db_path)
    theirs = other.get_links(doc_id)
    other.save_links(doc_id, merge_next(theirs, 3), rev, "bob")
    other.close()
    with pytest.raises(ConflictError, match="bob"):
        mine.save_links(doc_id, merge_next(mine.get_links(doc_id), 0), rev, "alice")


def test_stale_paragraph_edits_raise_conflict(db_path: Path, seeded: tuple[Store, int]) -> None:
    mine, doc_id = seeded
    ed = AlignmentEditor(mine, doc_id, "alice", UndoStack())
    p = mine.get_document(doc_id).target.paragraphs[1]  # type: ignore[union-attr]
    other = open_store(db_path)
    other.update_paragraph(p.id, p.text + " Bob was here.", None, p.rev, "bob")
    other.close()
    with pytest.raises(ConflictError, match="bob"):
        ed.edit_text(p.id, "Alice's text", p.rev)
    with pytest.raises(ConflictError, match="bob"):
        ed.split_paragraph(p.id, 5, mine.alignment_rev(doc_id), p.rev)
    assert mine.get_paragraph(p.id).text.endswith("Bob was here.")
    assert len(mine.get_document(doc_id).target.paragraphs) == 5  # type: ignore[union-attr]


def test_invalid_operations_are_workbench_errors_and_write_nothing(seeded: tuple[Store, int]) -> None:
    store, doc_id = seeded
    ed = AlignmentEditor(store, doc_id, "ed", UndoStack())
    rev = store.alignment_rev(doc_id)
    links = store.get_links(doc_id)
    src = store.get_document(doc_id).source.paragraphs  # type: ignore[union-attr]
    bad = [
        lambda: ed.merge_with_next(links[-1].id, rev),
        lambda: ed.merge_with_next("gone", rev),
        lambda: ed.move_paragraph(links[0].id, "source", "up", rev),
        lambda: ed.detach(links[0].id, "source", src[1].id, rev),
        lambda: ed.confirm([], rev),
        lambda: ed.undo(),
    ]
    for call in bad:
        with pytest.raises(InvalidEdit):
            call()
        assert issubclass(InvalidEdit, WorkbenchError)
    assert store.alignment_rev(doc_id) == rev
    assert len(ed.undo_stack or []) == 0


def test_known_links_are_reused_only_at_their_revision(db_path: Path, seeded: tuple[Store, int]) -> None:
    store, doc_id = seeded
    rev = store.alignment_rev(doc_id)
    links = store.get_links(doc_id)
    ed = AlignmentEditor(store, doc_id, "ed", UndoStack(), known=(rev, links))
    r = ed.merge_with_next(links[0].id, rev)
    assert stored_shape(store, doc_id)[0] == ([0, 1], [0, 1])
    assert links[0].kind == "1-1"  # the page's copy is left alone
    ed.known = (r.alignment_rev, store.get_links(doc_id))  # what the page saw before bob's save
    other = open_store(db_path)
    other.save_links(doc_id, merge_next(other.get_links(doc_id), 2), r.alignment_rev, "bob")
    other.close()
    with pytest.raises(ConflictError, match="changed since you loaded it.*link 3 was changed by bob at"):
        ed.confirm([links[3].id], r.alignment_rev)  # bob merged it: refused, naming him
    with pytest.raises(ConflictError, match="bob"):  # a merge reads the next link, which bob changed
        ed.merge_with_next(links[2].id, r.alignment_rev)
    res = ed.confirm([links[2].id], r.alignment_rev)  # a link bob did not touch: applied to the current list
    assert res.alignment_rev == r.alignment_rev + 2 and res.focus == 1
    assert stored_shape(store, doc_id) == [([0, 1], [0, 1]), ([2], [2]), ([3, 4], [3, 4])]  # bob's merge kept
    assert [lk.status for lk in store.get_links(doc_id)] == ["confirmed", "confirmed", "confirmed"]
    ed.known = None
    with pytest.raises(ConflictError, match="bob"):  # without the view it saw, any change in between refuses
        ed.unconfirm([links[2].id], r.alignment_rev)


def test_two_editors_on_different_links_of_one_document_both_save(db_path: Path, seeded: tuple[Store, int]) -> None:
    """Both load the page at the same revision; each confirms or merges links the other does not
    touch, and both saves land (neither edit is lost); touching the same link, the second is refused
    naming the first, and undo still refuses once someone built on the operation."""
    store, doc_id = seeded
    rev = store.alignment_rev(doc_id)
    seen = store.get_links(doc_id)
    other = open_store(db_path)
    try:
        alice = AlignmentEditor(store, doc_id, "alice", StoredUndoStack(store, "alice"), known=(rev, store.get_links(doc_id)))
        bob = AlignmentEditor(other, doc_id, "bob", StoredUndoStack(other, "bob"), known=(rev, other.get_links(doc_id)))
        alice.confirm([seen[4].id], rev)
        bob.merge_with_next(seen[0].id, rev)  # stale revision, but links 1-2 are as he saw them
        alice.merge_with_next(seen[2].id, rev)  # links 3-4: still as she saw them
        links = store.get_links(doc_id)
        assert stored_shape(store, doc_id) == [([0, 1], [0, 1]), ([2, 3], [2, 3]), ([4], [4])]
        assert [lk.status for lk in links] == ["confirmed"] * 3
        hist = {(r["user"], r["entity_id"], r["action"]) for r in store.history(doc_id, limit=10)}
        assert {("bob", seen[1].id, "delete"), ("alice", seen[3].id, "delete")} <= hist
        with pytest.raises(ConflictError, match="changed since you loaded it.*link 2 was changed by alice at") as exc:
            bob.confirm([seen[2].id], rev)  # alice merged that link since bob loaded the page
        assert "nothing was saved" in str(exc.value)
        assert stored_shape(store, doc_id)[1] == ([2, 3], [2, 3]) and store.get_links(doc_id)[1].status == "confirmed"
        bob.unconfirm([seen[0].id], other.alignment_rev(doc_id))  # bob on his own merged link
        assert alice.undo().message == "undone: merge links"  # bob's change elsewhere does not block it
        assert stored_shape(store, doc_id) == [([0, 1], [0, 1]), ([2], [2]), ([3], [3]), ([4], [4])]
        alice.known = None
        alice.confirm([seen[0].id], store.alignment_rev(doc_id))  # alice builds on bob's unconfirm
        with pytest.raises(ConflictError, match=r"cannot undo “unconfirm 1 link”: alice changed link 1 \(update\) at"):
            bob.undo()
        assert store.get_links(doc_id)[0].status == "confirmed"
    finally:
        other.close()


def test_picked_link_reads_the_chart_selection_and_ignores_anything_else() -> None:
    assert picked_link({"selection": {"pick": [{"link": 3, "score": 0.4}]}}, 10) == 2
    assert picked_link({"selection": {"pick": [{"link": 1}, {"link": 10}]}}, 10) == 9  # the latest click
    assert picked_link({"selection": {"pick": [{"link": "7"}]}}, 10) == 6
    for stale in ({"selection": {"pick": [{"link": 11}]}}, {"selection": {"pick": [{"link": 0}]}}):
        assert picked_link(stale, 10) is None  # a link that is not (or no longer) there
    for nothing in (None, {}, {"selection": {}}, {"selection": {"pick": []}}, {"selection": {"pick": {}}},
                    {"selection": {"pick": [{"kind": "1-1"}]}}, {"selection": {"pick": [{"link": "x"}]}}, "pick"):
        assert picked_link(nothing, 10) is None


# ------------------------------------------------------------------------------- a team


def add_team(store: Store, **roles: str) -> None:
    """Accounts after the seed (written by the single local user before there were any)."""
    store.accounts.add("admin", "admin")
    for name, role in roles.items():
        store.accounts.add(name, role, user="admin")


def test_confirm_document_confirms_every_link_and_needs_the_review_permission(seeded: tuple[Store, int]) -> None:
    from workbench.roles import PermissionDenied

    store, doc_id = seeded
    add_team(store, ed="editor", rita="reviewer")
    rev = store.alignment_rev(doc_id)
    with pytest.raises(PermissionDenied, match="ed \\(editor\\) may not .*confirm whole documents.*nothing was saved"):
        AlignmentEditor(store, doc_id, "ed", StoredUndoStack(store, "ed")).confirm_document(rev)
    assert store.alignment_rev(doc_id) == rev and all(lk.status == "auto" for lk in store.get_links(doc_id))
    assert StoredUndoStack(store, "ed").count(doc_id) == 0
    ed_link = AlignmentEditor(store, doc_id, "ed").confirm([store.get_links(doc_id)[0].id], rev)  # one link: an editor's
    rita = AlignmentEditor(store, doc_id, "rita", StoredUndoStack(store, "rita"))
    with pytest.raises(ConflictError, match="changed since you loaded it.*ed"):
        rita.confirm_document(rev)
    res = rita.confirm_document(ed_link.alignment_rev)
    assert res.message == "confirmed the whole document (4 links)"
    assert all(lk.status == "confirmed" for lk in store.get_links(doc_id))
    assert {r["user"] for r in store.history(doc_id, limit=4)} == {"rita"}
    with pytest.raises(InvalidEdit, match="already confirmed"):
        rita.confirm_document(res.alignment_rev)
    assert rita.undo().message == "undone: confirm whole document"
    assert [lk.status for lk in store.get_links(doc_id)] == ["confirmed", "auto", "auto", "auto", "auto"]


def test_a_viewer_is_refused_before_the_operation_runs(seeded: tuple[Store, int]) -> None:
    from workbench.roles import PermissionDenied

    store, doc_id = seeded
    add_team(store, vera="viewer")
    ed = AlignmentEditor(store, doc_id, "vera", StoredUndoStack(store, "vera"))
    rev = store.alignment_rev(doc_id)
    links = store.get_links(doc_id)
    p = store.get_document(doc_id).target.paragraphs[0]  # type: ignore[union-attr]
    calls = [
        lambda: ed.merge_with_next(links[-1].id, rev),  # invalid as well: the role is what is reported
        lambda: ed.confirm([links[0].id], rev),
        lambda: ed.edit_text(p.id, "x", p.rev),
        lambda: ed.split_paragraph(p.id, 5, rev, p.rev),
        lambda: ed.realign(rev),
        lambda: ed.undo(),
    ]
    for call in calls:
        with pytest.raises(PermissionDenied, match="vera \\(viewer\\) may not edit"):
            call()
    assert store.alignment_rev(doc_id) == rev and store.get_paragraph(p.id).text == p.text


def test_undo_refusal_names_who_changed_what_since_the_operation(db_path: Path, seeded: tuple[Store, int]) -> None:
    store, doc_id = seeded
    add_team(store, alice="editor", bob="editor", carol="editor")
    carol = AlignmentEditor(store, doc_id, "carol")
    carol.confirm([store.get_links(doc_id)[4].id], store.alignment_rev(doc_id))  # before alice's merge
    alice = AlignmentEditor(store, doc_id, "alice", StoredUndoStack(store, "alice"))
    alice.merge_with_next(store.get_links(doc_id)[1].id, store.alignment_rev(doc_id))
    other = open_store(db_path)  # bob, in his own session, merges alice's link with the next one
    try:
        bob = AlignmentEditor(other, doc_id, "bob")
        bob.merge_with_next(other.get_links(doc_id)[1].id, other.alignment_rev(doc_id))
    finally:
        other.close()
    with pytest.raises(ConflictError) as exc:
        alice.undo()
    msg = str(exc.value)
    assert re.fullmatch(
        r"cannot undo “merge links”: bob changed link 2 \(update\) at \d\d:\d\d:\d\d UTC"
        r" since — it was taken off your undo list; nothing was undone",
        msg,
    ), msg
    assert "carol" not in msg  # her change came before the merge: it is not what the merge was built on
    assert shape(store.get_document(doc_id), store.get_links(doc_id))[1] == ([1, 2, 3], [1, 2, 3])


def test_undo_refusal_of_a_text_edit_names_the_paragraph(seeded: tuple[Store, int]) -> None:
    store, doc_id = seeded
    add_team(store, alice="editor", bob="editor")
    alice = AlignmentEditor(store, doc_id, "alice", StoredUndoStack(store, "alice"))
    p = store.get_document(doc_id).target.paragraphs[2]  # type: ignore[union-attr]
    alice.edit_text(p.id, "Alice's text.", p.rev)
    alice.confirm([store.get_links(doc_id)[0].id], store.alignment_rev(doc_id))  # her own later change, elsewhere
    alice.undo()  # the confirm; the text edit is next
    store.update_paragraph(p.id, "Bob's text.", None, p.rev + 1, "bob")
    with pytest.raises(ConflictError, match=r"^cannot undo “edit text”: bob changed target paragraph 3 \(edit\) at "
                       r"\d\d:\d\d:\d\d UTC since — it was taken off your undo list; nothing was undone$"):  # fmt: skip
        alice.undo()
    assert store.get_paragraph(p.id).text == "Bob's text."


def test_merge_texts_applies_both_sides_and_keeps_mine_where_both_changed() -> None:
    from workbench.align.edits import merge_texts

    base = "The Masach rises to the Peh of the Rosh."
    assert merge_texts(base, "The Masach rises up to the Peh of the Rosh.", "The Masach rises to the Peh of the Rosh again.") == (
        "The Masach rises up to the Peh of the Rosh again.", 0)  # fmt: skip
    assert merge_texts(base, "The screen rises to the Peh of the Rosh.", "The Masach rises to the mouth of the Rosh.") == (
        "The screen rises to the mouth of the Rosh.", 0)  # fmt: skip
    assert merge_texts(base, "The Masach climbs to the Peh of the Rosh.", "The Masach ascends to the Peh of the Rosh.") == (
        "The Masach climbs to the Peh of the Rosh.", 1)  # fmt: skip
    assert merge_texts("a b", "a b c", "z a b") == ("z a b c", 0)  # a word added after the last one stays apart
    assert merge_texts(base, base, base) == (base, 0)


def test_undo_refusal_names_the_others_before_the_editor_herself(seeded: tuple[Store, int]) -> None:
    store, doc_id = seeded
    add_team(store, alice="editor", bob="editor")
    alice = AlignmentEditor(store, doc_id, "alice", StoredUndoStack(store, "alice"))
    alice.merge_with_next(store.get_links(doc_id)[0].id, store.alignment_rev(doc_id))
    alice.unconfirm([store.get_links(doc_id)[0].id], store.alignment_rev(doc_id))
    alice.undo()  # her own unconfirm and its undo come after the merge, which stays undoable
    AlignmentEditor(store, doc_id, "bob").unconfirm([store.get_links(doc_id)[0].id], store.alignment_rev(doc_id))
    with pytest.raises(ConflictError) as exc:
        alice.undo()
    msg = str(exc.value)
    assert re.match(r"cannot undo “merge links”: bob changed link 1 \(update\) at \S+ UTC, alice changed link 1 \(update\)",
                    msg), msg  # fmt: skip


def test_split_paragraph_confirms_the_links_it_produces_and_undo_restores_them(seeded: tuple[Store, int]) -> None:
    """The page says "Edits confirm the links they produce": a split is an edit like the others, in
    its link (the 2-1 link holding both parts) and into separate links (both parts); undo gives back
    the unconfirmed links exactly."""
    store, doc_id = seeded
    ed = AlignmentEditor(store, doc_id, "ed", UndoStack())
    start = [(lk.id, lk.source, lk.target, lk.status, lk.score) for lk in store.get_links(doc_id)]
    assert all(s[3] == "auto" for s in start)
    doc = store.get_document(doc_id)
    p = doc.target.paragraphs[0]  # type: ignore[union-attr]
    (end,) = sentence_ends(p.text, "en")
    r = ed.split_paragraph(p.id, end, doc.alignment_rev, p.rev)
    links = store.get_links(doc_id)
    assert (len(links[0].source), len(links[0].target)) == (1, 2) and links[0].status == "confirmed"
    assert [lk.status for lk in links[1:]] == ["auto"] * (len(links) - 1)  # only the link it produced

    s = doc.source.paragraphs[1]  # type: ignore[union-attr]
    ed.split_paragraph(s.id, 20, r.alignment_rev, s.rev, separate=True)
    links = store.get_links(doc_id)
    assert [lk.status for lk in links[1:3]] == ["confirmed", "confirmed"]
    assert links[3].status == "auto"

    ed.undo()
    ed.undo()
    assert [(lk.id, lk.source, lk.target, lk.status, lk.score) for lk in store.get_links(doc_id)] == start
