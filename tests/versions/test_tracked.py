"""The comparison as a Word document with tracked changes: read back as XML, and through LibreOffice."""

from __future__ import annotations

import io
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest

from tests.conftest import need_program
from tests.versions.helpers import EN, HE, make_doc
from workbench.cli import main
from workbench.export.tracked import accepted_and_rejected, tracked_docx
from workbench.model import Paragraph
from workbench.update import apply_update, plan_update

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"

ROWS = [
    ([EN[0]], [EN[0]]),  # unchanged
    ([EN[1]], [EN[1].replace("delight", "benefit")]),  # edited
    ([EN[2]], ["Therefore the vessel of reception was made first,", "and it is called the will to receive."]),  # split
    ([EN[3], EN[4]], [EN[3] + " " + EN[4]]),  # merged
    ([], ["A paragraph <b>with</b> & markup-like text: :red[x] $y$."]),  # inserted (user text, literally)
    ([EN[5]], []),  # deleted
]


def _xml(data: bytes) -> bytes:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return z.read("word/document.xml")


def _body(paras: list[str]) -> list[str]:
    return paras[2:]  # the title and the subtitle come first


def test_accept_all_gives_the_new_version_reject_all_the_old() -> None:
    data = tracked_docx(ROWS, title="Purpose", subtitle="target text, version 1 → 2", author="Dana",
                        date="2026-05-01T10:00:00.000+00:00")  # fmt: skip
    accepted, rejected = accepted_and_rejected(_xml(data))
    assert _body(accepted) == [p for _, new in ROWS for p in new]
    assert _body(rejected) == [p for old, _ in ROWS for p in old]
    from lxml import etree

    root = etree.fromstring(_xml(data))
    ins, dels = root.findall(f".//{W}ins"), root.findall(f".//{W}del")
    assert ins and dels
    for el in ins + dels:
        assert el.get(f"{W}author") == "Dana" and el.get(f"{W}date") == "2026-05-01T10:00:00Z"
    ids = [el.get(f"{W}id") for el in ins + dels]
    assert len(ids) == len(set(ids))  # every revision has its own id
    assert "delight" in "".join(t.text for t in root.iter(f"{W}delText"))
    # the split is an inserted paragraph mark, the merge a deleted one
    marks = [p.find(f"{W}pPr/{W}rPr") for p in root.iter(f"{W}p")]
    assert any(m is not None and m.find(f"{W}ins") is not None for m in marks)
    assert any(m is not None and m.find(f"{W}del") is not None for m in marks)


def test_hebrew_is_right_to_left() -> None:
    from lxml import etree

    data = tracked_docx([([HE[0]], [HE[0].replace("התלמיד", "האדם")])], title="t", author="a", lang="he")
    root = etree.fromstring(_xml(data))
    body_ps = root.findall(f".//{W}body/{W}p")[1:]
    assert body_ps and all(p.find(f"{W}pPr/{W}bidi") is not None for p in body_ps)
    assert all(r.find(f"{W}rPr/{W}rtl") is not None for p in body_ps for r in p.iter(f"{W}r"))
    accepted, rejected = accepted_and_rejected(_xml(data))
    assert accepted[-1] == HE[0].replace("התלמיד", "האדם") and rejected[-1] == HE[0]


def test_cli_compare_out_writes_tracked_changes(store, db_path, tmp_path: Path, capsys) -> None:  # noqa: ANN001
    doc_id, _ = make_doc(store)
    new = [Paragraph(t) for t in EN]
    new[1] = Paragraph(EN[1].replace("delight", "benefit"))
    apply_update(store, plan_update(store, doc_id, "target", new), "dana")
    out = tmp_path / "cmp.docx"
    out.write_bytes(b"old file")
    assert main(["--db", str(db_path), "compare", str(doc_id), "--side", "target", "--from", "1", "--to", "2",
                 "--out", str(out)]) == 0  # fmt: skip
    capsys.readouterr()
    accepted, rejected = accepted_and_rejected(_xml(out.read_bytes()))
    assert _body(accepted) == [p.text for p in new] and _body(rejected) == EN
    assert b'w:author="dana"' in _xml(out.read_bytes())
    assert not list(tmp_path.glob(".cmp.docx*"))  # the atomic write left no temporary file


@pytest.mark.render
def test_libreoffice_reads_the_changes_as_tracked(tmp_path: Path, artifacts: Path) -> None:
    """LibreOffice opens the file, keeps the revisions as revisions (saved back to DOCX they are
    still w:ins/w:del: accepting them gives the new text), and prints both versions' words."""
    soffice = need_program("soffice", "libreoffice")
    need_program("pdftotext")
    need_program("pdftoppm")
    from workbench.export.render import docx_to_pdf, page_png, pdf_text

    src = tmp_path / "cmp.docx"
    src.write_bytes(tracked_docx(ROWS, title="Purpose", author="Dana", date="2026-05-01T10:00:00Z"))
    pdf = docx_to_pdf(src, tmp_path)
    text = " ".join(pdf_text(pdf).split())
    assert "benefit" in text and "delight" in text  # insertions and deletions are shown
    assert "<b>with</b> & markup-like text: :red[x] $y$." in text
    again = tmp_path / "again"
    again.mkdir()
    subprocess.run([soffice, "--headless", "--norestore", f"-env:UserInstallation=file://{tmp_path}/lo",
                    "--convert-to", "docx:MS Word 2007 XML", "--outdir", str(again), str(src)],
                   check=True, capture_output=True, timeout=180)  # fmt: skip
    round_tripped = (again / "cmp.docx").read_bytes()
    accepted, rejected = accepted_and_rejected(_xml(round_tripped))
    body_a = [p for p in accepted if p]
    body_r = [p for p in rejected if p]
    assert body_a[-len([p for _, n in ROWS for p in n]):] == [p for _, n in ROWS for p in n]
    assert body_r[-len([p for o, _ in ROWS for p in o]):] == [p for o, _ in ROWS for p in o]
    shutil.copy(src, artifacts / "versions_tracked_changes.docx")
    assert page_png(pdf, artifacts / "versions_tracked_changes.png", page=1, dpi=80).stat().st_size > 1000
