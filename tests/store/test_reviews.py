"""Review status per link and comments on links, in the core (both backends): the derived status (an
edit after the review sets it back to edited, whatever path made it), roles, stale writes refused
naming who, history rows, threads, quotes, resolving, comments following their paragraph when the
link is merged, one-sided documents."""

from __future__ import annotations

import pytest

from tests.store.test_store import make_doc, one_to_one
from workbench.errors import ConflictError, NotFoundError, WorkbenchError
from workbench.model import Document, Link, Paragraph, Text
from workbench.roles import PermissionDenied
from workbench.store.comments import home_links
from workbench.store.reviews import effective_status

PW = "correct horse"


@pytest.fixture
def doc(store):
    d = make_doc(4)
    doc_id = store.create_document(d, "admin", links=one_to_one(d))
    return store, doc_id, store.get_links(doc_id), d


def team(store) -> None:  # noqa: ANN001
    store.accounts.add("admin", "admin", PW)
    for name, role in (("vera", "viewer"), ("eddie", "editor"), ("rita", "reviewer")):
        store.accounts.add(name, role, PW, user="admin")


def test_effective_status_rules() -> None:
    assert effective_status("l", {"a": 1, "b": 1}, None).status == "draft"
    assert effective_status("l", {"a": 2, "b": 1}, None).status == "edited"
    row = {"status": "approved", "user": "rita", "at": "t", "paras": {"a": 2, "b": 1}, "rev": 3}
    st = effective_status("l", {"a": 2, "b": 1}, row)
    assert (st.status, st.user, st.rev, st.changed_since_review) == ("approved", "rita", 3, False)
    moved = effective_status("l", {"a": 3, "b": 1}, row)
    assert (moved.status, moved.stored, moved.changed_since_review) == ("edited", "approved", True)
    assert effective_status("l", {"a": 2}, row).status == "edited"  # a paragraph left the link


def test_status_progress_and_an_edit_after_review(doc) -> None:  # noqa: ANN001
    store, doc_id, links, d = doc
    assert store.reviews.progress(doc_id) == {"document": doc_id, "links": 4, "counts": {"draft": 4, "edited": 0,
                                              "reviewed": 0, "approved": 0}, "reviewed": 0.0, "approved": 0.0,
                                              "changed_since_review": 0}  # fmt: skip
    store.reviews.set_status(doc_id, links[0].id, "reviewed", "rita")
    store.reviews.set_status(doc_id, links[1].id, "approved", "rita")
    p = d.target.paragraphs[2]
    store.update_paragraph(p.id, "an edit without review", expected_rev=p.rev, user="eddie")
    got = store.reviews.statuses(doc_id)
    assert [got[lk.id].status for lk in links] == ["reviewed", "approved", "edited", "draft"]
    assert (got[links[0].id].user, got[links[0].id].rev) == ("rita", 1)
    # any path that changes the text after the review sets it back: here the store's own update
    p0 = d.target.paragraphs[0]
    store.update_paragraph(p0.id, "changed after review", expected_rev=p0.rev, user="eddie")
    st = store.reviews.statuses(doc_id)[links[0].id]
    assert (st.status, st.stored, st.changed_since_review) == ("edited", "reviewed", True)
    assert store.reviews.last_edits([p0.id])[p0.id][0] == "eddie"
    prog = store.reviews.progress(doc_id)
    assert prog["counts"] == {"draft": 1, "edited": 2, "reviewed": 0, "approved": 1}
    assert prog["reviewed"] == 0.25 and prog["changed_since_review"] == 1
    # every change is a history row, which the Activity page and `workbench history` summarise
    from workbench.activity import summary

    rows = [r for r in store.history(doc_id, 50) if r["entity"] == "review"]
    assert len(rows) == 2 and {r["user"] for r in rows} == {"rita"}
    assert summary("review", "review", rows[0]["before"], rows[0]["after"]) == "link 2: draft → approved"  # the newest first


def test_roles_and_stale_writes(doc) -> None:  # noqa: ANN001
    store, doc_id, links, d = doc
    team(store)
    lid = links[0].id
    with pytest.raises(PermissionDenied, match="reviewer role"):
        store.reviews.set_status(doc_id, lid, "reviewed", "eddie")
    with pytest.raises(PermissionDenied):
        store.reviews.set_status(doc_id, lid, "edited", "vera")
    store.reviews.set_status(doc_id, lid, "edited", "eddie")  # an editor's status
    store.reviews.set_status(doc_id, lid, "reviewed", "rita", expected_rev=1)
    with pytest.raises(PermissionDenied, match="reviewer role"):  # taking a standing review back is a review
        store.reviews.set_status(doc_id, lid, "draft", "eddie")
    with pytest.raises(ConflictError, match=r"marked reviewed by rita .* nothing was saved"):
        store.reviews.set_status(doc_id, lid, "approved", "admin", expected_rev=1)
    # the reviewer read the text at some revision: a change since refuses the review, naming who
    p = d.target.paragraphs[1]
    seen = {links[1].source[0]: 1, p.id: p.rev}
    store.update_paragraph(p.id, "edited meanwhile", expected_rev=p.rev, user="eddie")
    with pytest.raises(ConflictError, match="changed by eddie"):
        store.reviews.set_status(doc_id, links[1].id, "reviewed", "rita", para_revs=seen)
    with pytest.raises(WorkbenchError, match="must be one of"):
        store.reviews.set_status(doc_id, lid, "done", "rita")
    with pytest.raises(NotFoundError):
        store.reviews.set_status(doc_id, "nope", "draft", "rita")
    assert store.reviews.statuses(doc_id)[links[1].id].status == "edited"


def test_comments_threads_quotes_resolve(doc) -> None:  # noqa: ANN001
    store, doc_id, links, d = doc
    team(store)
    c = store.comments.add(doc_id, links[0].id, "  Is this <b>right</b>?  ", "eddie", quote="target 0")
    assert (c.text, c.quote, c.side, c.para_id) == ("Is this <b>right</b>?", "target 0", "target", links[0].target[0])
    src_quote = store.comments.add(doc_id, links[0].id, "the Hebrew", "eddie", quote="מקור 0")
    assert src_quote.side == "source" and src_quote.para_id == links[0].source[0]
    with pytest.raises(WorkbenchError, match="not in link 1"):
        store.comments.add(doc_id, links[0].id, "x", "eddie", quote="not there")
    with pytest.raises(WorkbenchError, match="empty"):
        store.comments.add(doc_id, links[0].id, "   ", "eddie")
    with pytest.raises(PermissionDenied):
        store.comments.add(doc_id, links[0].id, "a viewer's", "vera")
    r1 = store.comments.reply(c.id, "Yes.", "rita")
    r2 = store.comments.reply(r1.id, "Thanks.", "eddie")  # a reply to a reply joins the same thread
    assert r2.parent_id == c.id and r2.link_id == c.link_id
    threads = store.comments.threads(doc_id)
    assert [t.id for t in threads] == [c.id, src_quote.id] and [r.text for r in threads[0].replies] == ["Yes.", "Thanks."]
    done = store.comments.resolve(r1.id, "rita")  # resolving a reply resolves its thread
    assert done.id == c.id and done.resolved and done.resolved_by == "rita" and done.rev == 2
    assert [t.id for t in store.comments.threads(doc_id, open_only=True)] == [src_quote.id]
    with pytest.raises(WorkbenchError, match="already resolved"):
        store.comments.resolve(c.id, "eddie")
    with pytest.raises(ConflictError, match="changed by rita"):
        store.comments.resolve(c.id, "eddie", resolved=False, expected_rev=1)
    assert not store.comments.resolve(c.id, "eddie", resolved=False, expected_rev=2).resolved
    assert store.comments.counts(doc_id) == {links[0].id: (2, 2)}
    j = store.comments.threads(doc_id)[0].to_json(1)
    assert {"id", "link", "user", "time", "text", "resolved", "replies"} <= set(j) and len(j["replies"]) == 2
    acts = [r["action"] for r in store.history(doc_id, 50) if r["entity"] == "comment"]
    assert sorted(acts) == ["comment", "comment", "reopen", "reply", "reply", "resolve"]
    # its id in capitals, whole or a prefix, names it on both backends alike
    assert store.comments.get(c.id.upper()).id == c.id
    assert store.comments.get(r2.id[:-2].upper()).id == r2.id


def test_a_comment_follows_its_paragraph_when_links_change(doc) -> None:  # noqa: ANN001
    store, doc_id, links, d = doc
    c = store.comments.add(doc_id, links[1].id, "about the second", "eddie", quote="target 1")
    merged = [links[0], Link(links[1].source + links[2].source, links[1].target + links[2].target, 0.8), links[3]]
    store.save_links(doc_id, merged, store.alignment_rev(doc_id), "eddie")
    now = store.get_links(doc_id)
    assert home_links(store.comments.threads(doc_id), now) == {c.id: now[1].id}
    # a reply still goes to the thread; its link is the thread's
    assert store.comments.reply(c.id, "still here", "eddie").parent_id == c.id


def test_one_sided_document_has_a_row_per_paragraph(store) -> None:  # noqa: ANN001
    doc_id = store.create_document(Document("T", None, Text("en", [Paragraph("one"), Paragraph("two")])), "x")
    units = store.reviews.units(doc_id)
    pids = [p.id for p in store.get_document(doc_id).target.paragraphs]
    assert [u.id for u in units] == pids and all(u.target == [u.id] and not u.source for u in units)
    store.reviews.set_status(doc_id, pids[0], "reviewed", "x")
    store.comments.add(doc_id, pids[1], "a note", "x", quote="two")
    assert store.reviews.progress(doc_id)["counts"]["reviewed"] == 1
    # both sides and not aligned yet: no rows until it is
    both = store.create_document(make_doc(2), "x")
    assert store.reviews.units(both) == []
    with pytest.raises(NotFoundError):
        store.reviews.set_status(both, store.get_document(both).target.paragraphs[0].id, "draft", "x")


def test_a_project_bundle_keeps_reviews_and_comments(doc, tmp_path) -> None:  # noqa: ANN001
    from workbench.export.bundle import import_bundle, write_bundle
    from workbench.store import open_store

    store, doc_id, links, d = doc
    store.reviews.set_status(doc_id, links[0].id, "approved", "rita")
    store.reviews.set_status(doc_id, links[1].id, "reviewed", "rita")
    p = d.target.paragraphs[1]
    store.update_paragraph(p.id, "edited after the review", expected_rev=p.rev, user="eddie")
    c = store.comments.add(doc_id, links[2].id, "a question", "eddie", quote="target 2")
    store.comments.reply(c.id, "an answer", "rita")
    store.comments.resolve(c.id, "rita")
    out = tmp_path / "b.json"
    write_bundle(store, out, [doc_id])
    before = {lk: (s.status, s.user, s.stored) for lk, s in store.reviews.statuses(doc_id).items()}
    for _ in range(2):  # into a fresh project, and again into the same one (fresh ids)
        other = open_store(tmp_path / "other.db")
        rep = import_bundle(other, out, "admin")
        new = list(rep.doc_ids.values())[0]
        got = other.reviews.statuses(new)
        assert sorted((s.status, s.user, s.stored) for s in got.values()) == sorted(before.values())
        (t,) = other.comments.threads(new)
        assert (t.text, t.quote, t.resolved_by, [r.text for r in t.replies]) == ("a question", "target 2", "rita",
                                                                                ["an answer"])  # fmt: skip
        assert t.link_id == other.get_links(new)[2].id and t.para_id == other.get_links(new)[2].target[0]
        other.close()


def test_a_bundle_with_a_bad_review_or_comment_is_refused(doc, tmp_path) -> None:  # noqa: ANN001
    import json

    from workbench.errors import InputError
    from workbench.export.bundle import import_bundle, write_bundle
    from workbench.store import open_store

    store, doc_id, links, _ = doc
    store.comments.add(doc_id, links[0].id, "first", "eddie")
    out = tmp_path / "b.json"
    write_bundle(store, out, [doc_id])
    data = json.loads(out.read_text(encoding="utf-8"))
    for change, where in (
        (lambda r: r.update(reviews=[{"link": "nope", "status": "reviewed"}]), "reviews[0].link"),
        (lambda r: r.update(reviews=[{"link": links[0].id, "status": "done"}]), "reviews[0].status"),
        (lambda r: r["comments"][0].update(parent="ghost"), "comments[0].parent"),
        (lambda r: r["comments"][0].update(text=""), "comments[0].text"),
    ):
        bad = json.loads(json.dumps(data))
        change(bad["documents"][0])
        path = tmp_path / "bad.json"
        path.write_text(json.dumps(bad), encoding="utf-8")
        other = open_store(tmp_path / "fresh.db")
        with pytest.raises(InputError, match=where.replace("[", r"\[").replace("]", r"\]")):
            import_bundle(other, path, "admin")
        assert other.list_documents() == []
        other.close()
