"""Exports from the store with the terms area: annotations in editions, glossary, TBX."""

from __future__ import annotations

from pathlib import Path

import docx
import pytest

from tests.export.helpers import NS, docx_xml, texts, w
from tests.export.test_bundle import seed
from workbench.errors import WorkbenchError
from workbench.export import ExportOptions, export_document, export_to_folder
from workbench.store import open_store


@pytest.fixture
def store(tmp_path: Path):
    s = open_store(tmp_path / "i.db")
    seed(s)
    yield s
    s.close()


def test_docx_from_store_uses_annotations(store, tmp_path: Path) -> None:
    out = tmp_path / "e.docx"
    result = export_document(store, 1, "docx", out, ExportOptions())
    assert result.stats.footnotes == 3  # the paragraph's own note, Masach (gloss_first), Zivug (gloss annotation)
    notes = texts(docx_xml(out, "word/footnotes.xml"))
    assert "screen" in notes and "coupling by striking" in notes and "הערה" in notes
    p = next(p for p in docx_xml(out).iter(w("p")) if "Let us explain" in texts(p))
    italic = [texts(r) for r in p.findall("w:r", NS) if r.find("w:rPr/w:i", NS) is not None]
    assert "Masach" in "".join(italic)
    before, text_so_far = [], ""
    for r in p.findall("w:r", NS):
        if r.find("w:footnoteReference", NS) is not None:
            before.append(text_so_far)
        text_so_far += texts(r)
    assert len(before) == 2 and before[0].endswith("Masach") and before[1].endswith("Zivug de Hakaa")
    # Hidden annotations: no term italics, no gloss notes; the paragraph's own note stays.
    result = export_document(store, 1, "docx", out, ExportOptions(annotations=False))
    assert result.stats.footnotes == 1


def test_glossary_lists_the_documents_terms(store, tmp_path: Path) -> None:
    out = tmp_path / "g.docx"
    result = export_document(store, 1, "docx", out, ExportOptions(notes="glossary", layout="translation"))
    assert result.stats.glossary_entries == 2 and result.stats.footnotes == 0  # the only note is in the Hebrew
    paras = [p.text for p in docx.Document(str(out)).paragraphs]
    gi = paras.index("Glossary")
    assert paras[gi + 1].startswith("Masach — מָסָךְ (also: Masakh). screen")
    assert paras[gi + 2].startswith("Zivug de Hakaa — זווג דהכאה")
    assert not any("Reshimot —" in p for p in paras)


def test_tbx_reuses_the_terms_writer_and_reads_back(store, tmp_path: Path) -> None:
    from workbench.terms.tbx import read_tbx

    out = tmp_path / "t.tbx"
    result = export_document(store, None, "tbx", out)
    assert result.summary.endswith("3 terms")
    terms, _ = read_tbx(out)
    got = {(t.source, t.preferred, tuple(t.variants), t.gloss, t.gloss_first) for t in terms}
    want = {(t.source, t.preferred, tuple(t.variants), t.gloss, t.gloss_first) for t in store.terms.list_terms()}
    assert got == want


def test_tbx_of_an_empty_termbase(tmp_path: Path) -> None:
    s = open_store(tmp_path / "empty.db")
    with pytest.raises(WorkbenchError, match="termbase is empty"):
        export_document(s, None, "tbx", tmp_path / "t.tbx")


def test_export_to_folder_names_and_batches(store, tmp_path: Path) -> None:
    folder = tmp_path / "ex"
    results = export_to_folder(store, [1, 3], "csv", folder=folder)
    assert [r.path.name for r in results] == ["Introduction_to_the_Book_of_Zohar.csv", "Shamati_81.csv"]
    results = export_to_folder(store, [1, 3], "tmx", name="../x", folder=folder)
    assert [r.path.name for r in results] == ["x-1.tmx", "x-3.tmx"] and all(r.path.parent == folder.resolve() for r in results)
    (r,) = export_to_folder(store, [], "tbx", folder=folder)
    assert r.path.name == "workbench-project.tbx"
    with pytest.raises(WorkbenchError, match="at least one document"):
        export_to_folder(store, [], "docx", folder=folder)
