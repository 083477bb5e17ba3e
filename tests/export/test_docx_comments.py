"""Comments as real Word comments in the DOCX edition: the comments part (author, date, initials,
quote, text), threads and resolved state in commentsExtended, ranges anchored to the paragraph, the
package's relationships and content types; read back from the XML and rendered with LibreOffice
(which must read them as comments, with their authors and resolved state)."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest

from tests.conftest import need_program
from tests.export.helpers import docx_members, docx_xml, make_doc, w
from workbench.export import ExportOptions, write_docx
from workbench.export.comments_part import W15, CommentMessage, CommentNote
from workbench.export.notes import Extras

THREAD = CommentNote(("TGT",), (CommentMessage("Ann Editor", "2026-03-01T10:20:30.123+00:00", "Is this <b>right</b>?\nSee the Hebrew."),
                                CommentMessage("bob", "2026-03-01T11:00:00+00:00", "Yes: keep it.")),
                     quote="our essence", resolved=True)  # fmt: skip


def build(tmp_path: Path, notes: list[CommentNote], **opts: object) -> tuple[Path, list]:
    doc, links = make_doc(3)
    tgt, src = doc.target.paragraphs, doc.source.paragraphs
    fixed = []
    for n in notes:
        ids = tuple({"TGT": tgt[1].id, "SRC": src[1].id, "TGT2": tgt[2].id}.get(p, p) for p in n.para_ids)
        fixed.append(CommentNote(ids, n.messages, n.quote, n.resolved))
    out = tmp_path / "e.docx"
    write_docx(doc, links, out, ExportOptions(title_page=False, **opts), Extras(comments=fixed))  # type: ignore[arg-type]
    return out, [doc, links]


def test_comments_part_threads_and_anchors(tmp_path: Path) -> None:
    open_one = CommentNote(("SRC",), (CommentMessage("רחל", "2026-03-02T09:00:00", "מה פירוש המילה?"),), None, False)
    out, (doc, _) = build(tmp_path, [THREAD, open_one], comments=True)
    assert {"word/comments.xml", "word/commentsExtended.xml"} <= set(docx_members(out))
    with zipfile.ZipFile(out) as z:
        types = z.read("[Content_Types].xml").decode()
        rels = z.read("word/_rels/document.xml.rels").decode()
    assert "wordprocessingml.comments+xml" in types and "commentsExtended+xml" in types
    assert "relationships/comments" in rels and "commentsExtended" in rels
    comments = docx_xml(out, "word/comments.xml").findall(w("comment"))
    assert [(c.get(w("id")), c.get(w("author")), c.get(w("date")), c.get(w("initials"))) for c in comments] == [
        ("0", "Ann Editor", "2026-03-01T10:20:30Z", "AE"), ("1", "bob", "2026-03-01T11:00:00Z", "B"),
        ("2", "רחל", "2026-03-02T09:00:00Z", "ר")]  # fmt: skip
    texts = ["\n".join("".join(t.text for t in p.iter(w("t"))) for p in c.findall(w("p"))) for c in comments]
    assert texts == ["\u201cour essence\u201d\nIs this <b>right</b>?\nSee the Hebrew.", "Yes: keep it.", "מה פירוש המילה?"]
    assert comments[0].find(w("p")).find(w("r")).find(w("annotationRef")) is not None
    assert comments[2].find(w("p")).find(w("pPr")).find(w("bidi")) is not None  # a Hebrew comment is right to left
    ext = docx_xml(out, "word/commentsExtended.xml").findall(f"{{{W15}}}commentEx")
    q = f"{{{W15}}}"
    assert [(e.get(q + "paraIdParent"), e.get(q + "done")) for e in ext] == [(None, "1"), (ext[0].get(q + "paraId"), "1"),
                                                                             (None, "0")]  # fmt: skip
    # anchored over the whole paragraph it is about: start after the properties, end and reference last
    body = docx_xml(out)
    anchored = {}
    for p in body.iter(w("p")):
        starts = [e.get(w("id")) for e in p.findall(w("commentRangeStart"))]
        if starts:
            text = "".join(t.text for t in p.iter(w("t")))
            anchored[text] = starts
            kids = [k.tag for k in p]
            assert kids.index(w("commentRangeStart")) == (1 if kids[0] == w("pPr") else 0)
            assert [e.get(w("id")) for e in p.findall(w("commentRangeEnd"))] == starts
            assert [r.find(w("commentReference")).get(w("id")) for r in p.findall(w("r"))
                    if r.find(w("commentReference")) is not None] == starts  # fmt: skip
            assert kids[-1] == w("r") and p[-1].find(w("commentReference")) is not None
    assert anchored == {doc.target.paragraphs[1].text: ["0", "1"], doc.source.paragraphs[1].text: ["2"]}


def test_off_by_default_and_fallbacks(tmp_path: Path) -> None:
    out, _ = build(tmp_path, [THREAD])
    assert "word/comments.xml" not in docx_members(out)  # the option is off unless asked
    assert b"commentRangeStart" not in zipfile.ZipFile(out).read("word/document.xml")
    # a translation-only edition has no source paragraphs: the comment goes to the link's translation
    on_source = CommentNote(("SRC", "TGT"), (CommentMessage("ann", "2026-03-01T10:00:00", "about the Hebrew"),))
    gone = CommentNote(("missing",), (CommentMessage("ann", "2026-03-01T10:00:00", "nowhere"),))
    out, (doc, _) = build(tmp_path, [on_source, gone], comments=True, layout="translation")
    body = docx_xml(out)
    (p,) = [p for p in body.iter(w("p")) if p.find(w("commentRangeStart")) is not None]
    assert "".join(t.text for t in p.iter(w("t"))) == doc.target.paragraphs[1].text
    assert len(docx_xml(out, "word/comments.xml").findall(w("comment"))) == 1  # the unplaceable one is left out


def test_export_service_writes_the_desks_comments(tmp_path: Path, store) -> None:  # noqa: ANN001
    from tests.store.test_store import make_doc as store_doc
    from tests.store.test_store import one_to_one
    from workbench.export.service import export_document

    d = store_doc(3)
    doc_id = store.create_document(d, "t", links=one_to_one(d))
    links = store.get_links(doc_id)
    c = store.comments.add(doc_id, links[2].id, "Check the number.", "ann", quote="target 2")
    store.comments.reply(c.id, "Checked.", "bob")
    store.comments.resolve(c.id, "bob")
    res = export_document(store, doc_id, "docx", tmp_path / "s.docx", ExportOptions(comments=True, title_page=False))
    assert "2 comments" in res.summary and res.stats.comments == 2
    comments = docx_xml(tmp_path / "s.docx", "word/comments.xml").findall(w("comment"))
    assert [c.get(w("author")) for c in comments] == ["ann", "bob"]
    ext = docx_xml(tmp_path / "s.docx", "word/commentsExtended.xml")
    assert {e.get(f"{{{W15}}}done") for e in ext} == {"1"}


@pytest.mark.render
def test_libreoffice_reads_them_as_comments(tmp_path: Path) -> None:
    """LibreOffice opens the edition with the comments in place: converted to its own flat format,
    each is an annotation with its author, date and text, the thread's resolved state kept."""
    import subprocess

    exe = need_program("soffice", "libreoffice")
    open_one = CommentNote(("TGT2",), (CommentMessage("רחל", "2026-03-02T09:00:00", "מה פירוש המילה?"),), None, False)
    out, (doc, _) = build(tmp_path, [THREAD, open_one], comments=True)
    proc = subprocess.run([exe, "--headless", f"-env:UserInstallation=file://{tmp_path}/lo", "--convert-to", "fodt",
                           "--outdir", str(tmp_path), str(out)], capture_output=True, text=True, timeout=180)  # fmt: skip
    fodt = tmp_path / "e.fodt"
    assert fodt.exists(), proc.stderr
    xml = fodt.read_text(encoding="utf-8")
    notes = re.findall(r'<office:annotation office:name="[^"]*"(?: loext:resolved="(\w+)")?>(.*?)</office:annotation>',
                       xml, re.S)  # fmt: skip
    got = {re.search(r"<dc:creator>(.*?)</dc:creator>", body).group(1): (resolved, body) for resolved, body in notes}
    assert set(got) == {"Ann Editor", "bob", "רחל"}
    assert got["Ann Editor"][0] == "true" and got["רחל"][0] == "false"
    assert "Is this &lt;b&gt;right&lt;/b&gt;?" in got["Ann Editor"][1] and "our essence" in got["Ann Editor"][1]
    assert "2026-03-01T10:20:30" in got["Ann Editor"][1]
    # anchored over the paragraph it is about: that paragraph's text lies between the annotation and its end
    names = dict(re.findall(r'<office:annotation office:name="([^"]*)"[^>]*>\s*<dc:creator>(.*?)</dc:creator>', xml))
    for name, who in names.items():
        start = xml.index(f'office:name="{name}"')
        end = xml.index(f'<office:annotation-end office:name="{name}"/>')
        covered = " ".join(re.sub(r"<office:annotation .*?</office:annotation>|<[^>]+>", " ", xml[start:end], flags=re.S).split())
        para = doc.target.paragraphs[2 if who == "רחל" else 1].text
        assert " ".join(para.split()[:4]) in covered, (who, covered[:200])


def _pdf_notes(pdf: Path) -> list[tuple[str, str]]:
    """(text, title) of the PDF's text annotations (LibreOffice writes the author, date and
    "RESOLVED" in the title), decoding UTF-16 hex strings."""
    raw = pdf.read_bytes()
    out = []
    for m in re.finditer(rb"/Subtype\s*/Text\b(.{0,2000}?)>>", raw, re.S):
        body = m.group(0)
        fields = {}
        for key in (b"Contents", b"T"):
            f = re.search(rb"/" + key + rb"\s*<([0-9A-Fa-f]+)>", body)
            fields[key] = bytes.fromhex(f.group(1).decode()).decode("utf-16") if f else ""
        out.append((fields[b"Contents"], fields[b"T"]))
    return out


@pytest.mark.render
def test_rendered_to_pdf_the_comments_are_notes_beside_their_page(tmp_path: Path, artifacts: Path) -> None:
    """Printed to PDF by LibreOffice with its notes, each comment is a note with its author and text
    (a resolved thread marked so), on the page of its paragraph."""
    import subprocess

    from workbench.export.render import page_png, pdf_text

    exe = need_program("soffice", "libreoffice")
    need_program("pdftotext")
    need_program("pdftoppm")
    open_one = CommentNote(("TGT2",), (CommentMessage("רחל", "2026-03-02T09:00:00", "מה פירוש המילה?"),), None, False)
    out, (doc, _) = build(tmp_path, [THREAD, open_one], comments=True)
    pdf_filter = 'pdf:writer_pdf_Export:{"ExportNotes":{"type":"boolean","value":"true"}}'
    subprocess.run([exe, "--headless", f"-env:UserInstallation=file://{tmp_path}/lo", "--convert-to", pdf_filter,
                    "--outdir", str(tmp_path), str(out)], capture_output=True, text=True, timeout=180)  # fmt: skip
    pdf = tmp_path / "e.pdf"
    assert pdf.exists()
    notes = _pdf_notes(pdf)
    texts = {text.replace("\r", "\n"): title for text, title in notes}
    first = next(t for t in texts if "Is this <b>right</b>?" in t)
    assert "our essence" in first and "Ann Editor" in texts[first] and "RESOLVED" in texts[first]
    assert any("Yes: keep it." in t and "bob" in texts[t] for t in texts)
    assert any("מה פירוש המילה" in t and "RESOLVED" not in texts[t] for t in texts)
    assert doc.target.paragraphs[1].text.split()[0] in pdf_text(pdf, 1, 1)
    page_png(pdf, artifacts / "export_comments_page1.png", page=1, dpi=60)
