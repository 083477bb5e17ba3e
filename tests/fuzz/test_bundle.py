"""Bundles, fuzzed: a generated project exports and re-imports identically; a damaged bundle is
either imported (and then exports back the same) or refused in one line with nothing written."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

from hypothesis import event, given
from hypothesis import strategies as st

from tests.export.test_bundle import normalize
from workbench.errors import WorkbenchError
from workbench.export.bundle import import_bundle, write_bundle
from workbench.model import Document, Link, Mark, Paragraph, Text
from workbench.store import open_store

WORDS = st.text(alphabet=st.sampled_from(list("אבגדהמסךabcdef XYZ.,\"'=-@\u05bc\n")), min_size=1, max_size=40)


@st.composite
def documents(draw: st.DrawFn) -> tuple[Document, list[Link]]:
    n = draw(st.integers(1, 4))

    def para(text: str) -> Paragraph:
        text = text.strip() or "x"
        marks = []
        if draw(st.booleans()):
            a = draw(st.integers(0, len(text)))
            b = draw(st.integers(a, len(text)))
            marks.append(Mark(a, b, draw(st.sampled_from(["italic", "bold"]))))
        if draw(st.booleans()):
            marks.append(Mark(len(text), len(text), "footnote", draw(WORDS)))
        return Paragraph(text, marks)

    src = [para(draw(WORDS)) for _ in range(n)]
    tgt = [para(draw(WORDS)) for _ in range(n)]
    doc = Document(draw(WORDS).strip() or "T", Text("he", src), Text("en", tgt),
                   metadata=draw(st.dictionaries(st.sampled_from(["credits", "author", "x"]), WORDS, max_size=2)))
    links = [Link([s.id], [t.id], draw(st.floats(0, 1)), draw(st.sampled_from(["auto", "confirmed"])))
             for s, t in zip(src, tgt, strict=True)]
    return doc, links


def _bundle(doc: Document, links: list[Link], folder: Path) -> dict[str, Any]:
    from workbench.terms.model import Term

    s = open_store(folder / "a.db")
    doc_id = s.create_document(doc, "t")
    s.save_links(doc_id, links, 0, "t")
    s.terms.add(Term("מסך", "Masach", variants=["Masakh"], gloss="=screen"), "t")
    write_bundle(s, folder / "a.json")
    s.close()
    return json.loads((folder / "a.json").read_text(encoding="utf-8"))


@given(documents())
def test_a_bundle_round_trips_identically(case: tuple[Document, list[Link]]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        first = _bundle(*case, folder)
        s = open_store(folder / "b.db")
        import_bundle(s, folder / "a.json", user="t")
        write_bundle(s, folder / "b.json")
        s.close()
        second = json.loads((folder / "b.json").read_text(encoding="utf-8"))
        assert normalize(second) == normalize(first)


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(-3, 10**6) | st.floats(allow_nan=True) | WORDS,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(WORDS, inner, max_size=3),
    max_leaves=6,
)


def _paths(node: Any, at: tuple = ()) -> list[tuple]:
    out = [at]
    if isinstance(node, dict):
        for k, v in node.items():
            out += _paths(v, (*at, k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            out += _paths(v, (*at, i))
    return out


_BASE: dict[str, Any] = {}


def _base() -> dict[str, Any]:
    if not _BASE:
        with tempfile.TemporaryDirectory() as tmp:
            doc = Document("T", Text("he", [Paragraph("א"), Paragraph("ב", [Mark(0, 1, "bold")])]),
                           Text("en", [Paragraph("a Masach"), Paragraph("b")]))
            links = [Link([doc.source.paragraphs[0].id], [doc.target.paragraphs[0].id], 0.5),
                     Link([doc.source.paragraphs[1].id], [doc.target.paragraphs[1].id], 0.9, "confirmed")]
            _BASE.update(_bundle(doc, links, Path(tmp)))
    return json.loads(json.dumps(_BASE))


@given(st.data())
def test_a_damaged_bundle_is_imported_whole_or_refused_whole(data: st.DataObject) -> None:
    bundle = _base()
    for _ in range(data.draw(st.integers(1, 3))):
        paths = [p for p in _paths(bundle) if p]
        path = data.draw(st.sampled_from(paths))
        parent = bundle
        for key in path[:-1]:
            parent = parent[key]
        if data.draw(st.booleans()) and isinstance(parent, dict):
            del parent[path[-1]]
        else:
            parent[path[-1]] = data.draw(JSON_VALUES)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        (folder / "x.json").write_text(json.dumps(bundle, ensure_ascii=False), encoding="utf-8")
        s = open_store(folder / "x.db")
        try:
            import_bundle(s, folder / "x.json", user="t")
        except WorkbenchError as exc:
            event("refused")
            assert "\n" not in str(exc)
            assert s.list_documents() == [] and s.terms.list_terms() == []  # nothing half imported
            s.close()
            return
        event("imported")
        if not s.list_documents() and not s.terms.list_terms():
            s.close()  # an empty bundle imports nothing (and there is nothing to export)
            return
        write_bundle(s, folder / "y.json")  # what was imported exports back, and again the same
        s2 = open_store(folder / "y.db")
        import_bundle(s2, folder / "y.json", user="t")
        write_bundle(s2, folder / "z.json")
        s.close()
        s2.close()
        y = json.loads((folder / "y.json").read_text(encoding="utf-8"))
        z = json.loads((folder / "z.json").read_text(encoding="utf-8"))
        assert normalize(z) == normalize(y)
