"""The desk's review statuses and comments in project bundles, fuzzed: any comment text (Hebrew,
newlines, markup) and status round-trips; a bundle damaged in its ``reviews`` or ``comments`` is
imported whole (and then exports back the same) or refused in one line with nothing written."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

from hypothesis import event, given
from hypothesis import strategies as st

from tests.fuzz.test_bundle import JSON_VALUES, WORDS, _paths
from workbench.errors import WorkbenchError
from workbench.export.bundle import import_bundle, write_bundle
from workbench.model import REVIEW_STATUSES, Document, Link, Paragraph, Text
from workbench.store import open_store

TEXTS = st.text(alphabet=st.sampled_from(list("אבגדמסך abc<>*_:$\\[]()\n\"'")), min_size=1, max_size=30).filter(
    lambda t: t.strip())


def _project(folder: Path, statuses: list[str], comments: list[tuple[int, str, bool]]) -> dict[str, Any]:
    doc = Document("T", Text("he", [Paragraph("א מסך"), Paragraph("ב")]), Text("en", [Paragraph("a Masach"), Paragraph("b")]))
    links = [Link([doc.source.paragraphs[i].id], [doc.target.paragraphs[i].id], 0.7) for i in range(2)]
    s = open_store(folder / "a.db")
    doc_id = s.create_document(doc, "t", links=links)
    for lk, status in zip(links, statuses, strict=False):
        s.reviews.set_status(doc_id, lk.id, status, "t")
    for k, (i, text, resolved) in enumerate(comments):
        c = s.comments.add(doc_id, links[i % 2].id, text, "t", quote="Masach" if i % 2 == 0 and k % 2 == 0 else None)
        s.comments.reply(c.id, text[::-1] or "x", "u")
        if resolved:
            s.comments.resolve(c.id, "u")
    write_bundle(s, folder / "a.json")
    s.close()
    return json.loads((folder / "a.json").read_text(encoding="utf-8"))


def _desk(bundle: dict[str, Any]) -> list[Any]:
    out = []
    for d in bundle["documents"]:
        pos = {lk["id"]: n for n, lk in enumerate(d["links"])}
        out.append(sorted((pos.get(r["link"]), r["status"], r["user"]) for r in d.get("reviews") or []))
        out.append([(pos.get(c["link"]), c["text"], c["quote"], c["user"], bool(c["parent"]), c["resolved_by"])
                    for c in d.get("comments") or []])  # fmt: skip
    return out


@given(st.lists(st.sampled_from(REVIEW_STATUSES), max_size=2),
       st.lists(st.tuples(st.integers(0, 1), TEXTS, st.booleans()), max_size=3))  # fmt: skip
def test_reviews_and_comments_round_trip(statuses: list[str], comments: list[tuple[int, str, bool]]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        first = _project(folder, statuses, comments)
        s = open_store(folder / "b.db")
        import_bundle(s, folder / "a.json", user="t")
        write_bundle(s, folder / "b.json")
        s.close()
        second = json.loads((folder / "b.json").read_text(encoding="utf-8"))
        assert _desk(second) == _desk(first)


_BASE: dict[str, Any] = {}


@given(st.data())
def test_damaged_reviews_or_comments_import_whole_or_are_refused_whole(data: st.DataObject) -> None:
    if not _BASE:
        with tempfile.TemporaryDirectory() as tmp:
            _BASE.update(_project(Path(tmp), ["reviewed", "approved"], [(0, "a note", True), (1, "שאלה", False)]))
    bundle = json.loads(json.dumps(_BASE))
    doc = bundle["documents"][0]
    for _ in range(data.draw(st.integers(1, 3))):
        paths = [("reviews", *p) for p in _paths(doc["reviews"]) if p] + [("comments", *p) for p in _paths(doc["comments"]) if p]
        path = data.draw(st.sampled_from(paths))
        parent = doc
        for key in path[:-1]:
            parent = parent[key]
        if data.draw(st.booleans()) and isinstance(parent, dict):
            del parent[path[-1]]
        else:
            parent[path[-1]] = data.draw(JSON_VALUES | WORDS)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        (folder / "x.json").write_text(json.dumps(bundle, ensure_ascii=False), encoding="utf-8")
        s = open_store(folder / "x.db")
        try:
            import_bundle(s, folder / "x.json", user="t")
        except WorkbenchError as exc:
            event("refused")
            assert "\n" not in str(exc)
            assert s.list_documents() == []  # nothing half imported
            s.close()
            return
        event("imported")
        write_bundle(s, folder / "y.json")
        s2 = open_store(folder / "y.db")
        import_bundle(s2, folder / "y.json", user="t")
        write_bundle(s2, folder / "z.json")
        s.close()
        s2.close()
        y = json.loads((folder / "y.json").read_text(encoding="utf-8"))
        z = json.loads((folder / "z.json").read_text(encoding="utf-8"))
        assert _desk(y) == _desk(z)
