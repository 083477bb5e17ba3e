"""DOCX round trip: export the translation, change it as Word would (edit, split, delete, a comment),
update from it: only the real edits are changes, and italics, bold and footnotes survive."""

from __future__ import annotations

import copy
import io
import zipfile
from pathlib import Path

from lxml import etree

from tests.versions.helpers import make_doc
from workbench.export import ExportOptions, write_docx
from workbench.model import Mark
from workbench.update import apply_update, plan_update, read_version

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
Q = f"{{{W}}}"
COMMENTS = (f'<w:comments xmlns:w="{W}"><w:comment w:id="7" w:author="Proofreader" w:date="2026-05-01T09:00:00Z">'
            '<w:p><w:r><w:t>Check this term against the Hebrew.</w:t></w:r></w:p></w:comment></w:comments>')
CT = "application/vnd.openxmlformats-officedocument.wordprocessingml.comments+xml"
RT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/comments"


def _para_with(root: etree._Element, text: str) -> etree._Element:
    for p in root.iter(f"{Q}p"):
        if text in "".join(t.text or "" for t in p.iter(f"{Q}t")):
            return p
    raise AssertionError(f"no paragraph with {text!r}")


def edit_like_word(src: Path, dest: Path) -> None:
    """The proofreader's changes, made in the XML: one word replaced, a paragraph split in two, one
    deleted, a comment on a word of another (its range, reference and the comments part)."""
    with zipfile.ZipFile(src) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    root = etree.fromstring(parts["word/document.xml"])
    # 1. an edit: delight -> benefit (in whichever run holds it)
    t = next(t for t in root.iter(f"{Q}t") if "delight" in (t.text or ""))
    t.text = t.text.replace("delight", "benefit")
    # 2. a split: the paragraph becomes two at ", and it is called"
    p = _para_with(root, "Therefore the vessel")
    tail = copy.deepcopy(p)
    for el, keep_head in ((p, True), (tail, False)):
        ts = [x for x in el.iter(f"{Q}t")]
        whole = "".join(x.text or "" for x in ts)
        cut = whole.index(" and it is called")
        for x in ts[1:]:
            x.text = ""
        ts[0].text = whole[:cut] if keep_head else whole[cut + 1:]
    p.addnext(tail)
    # 3. a deletion
    gone = _para_with(root, "This will to receive")
    gone.getparent().remove(gone)
    # 4. a comment on "Masach"
    p = _para_with(root, "the Masach")
    runs = p.findall(f"{Q}r")
    start = etree.Element(f"{Q}commentRangeStart")
    start.set(f"{Q}id", "7")
    runs[0].addprevious(start)
    end = etree.Element(f"{Q}commentRangeEnd")
    end.set(f"{Q}id", "7")
    runs[-1].addnext(end)
    ref_run = etree.SubElement(p, f"{Q}r")
    etree.SubElement(ref_run, f"{Q}commentReference").set(f"{Q}id", "7")
    parts["word/document.xml"] = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    parts["word/comments.xml"] = COMMENTS.encode()
    parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(
        b"</Types>", f'<Override PartName="/word/comments.xml" ContentType="{CT}"/></Types>'.encode())
    parts["word/_rels/document.xml.rels"] = parts["word/_rels/document.xml.rels"].replace(
        b"</Relationships>", f'<Relationship Id="rIdC7" Type="{RT}" Target="comments.xml"/></Relationships>'.encode())
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(name, data)
    dest.write_bytes(buf.getvalue())


def test_docx_round_trip_shows_only_the_real_edits(store, tmp_path: Path) -> None:  # noqa: ANN001
    doc_id, made = make_doc(store)
    first = store.get_paragraph(made["tgt"][0].id)
    store.update_paragraph(first.id, first.text, [Mark(0, 2, "bold")], expected_rev=first.rev, user="t")
    doc = store.get_document(doc_id)
    exported = tmp_path / "translation.docx"
    write_docx(doc, store.get_links(doc_id), exported, ExportOptions(layout="translation"))  # with its title page
    edited = tmp_path / "proofread.docx"
    edit_like_word(exported, edited)

    plan = plan_update(store, doc_id, "target", read_version(edited))
    assert plan.summary() == {"unchanged": 3, "edited": 1, "split": 1, "merged": 0, "inserted": 0, "deleted": 1,
                              "moved": 0, "restyled": 0}  # fmt: skip
    assert any("title page" in w for w in plan.warnings)
    res = apply_update(store, plan, "t")
    assert res["applied"]
    after = store.get_document(doc_id).target.paragraphs
    old = doc.target.paragraphs
    texts = [p.text for p in after]
    assert texts[1] == old[1].text.replace("delight", "benefit")
    assert texts[2] == "Therefore the vessel of reception was made first," and texts[3] == "and it is called the will to receive."
    assert not any("This will to receive" in t for t in texts)
    # the unchanged paragraphs are the same rows; bold, italics and the footnote survived
    assert (after[0].id, after[0].rev, [m.to_dict() for m in after[0].marks]) == (
        old[0].id, old[0].rev, [{"start": 0, "end": 2, "kind": "bold"}])
    assert after[4].id == old[4].id and [m.kind for m in after[4].marks] == ["italic"]
    assert after[4].text[after[4].marks[0].start:after[4].marks[0].end] == "Ohr Hozer"
    note = [m for m in after[1].marks if m.kind == "footnote"]
    assert after[1].id == old[1].id and [m.value for m in note] == ["Zohar, Bereshit 1."]
    assert note[0].start == len(after[1].text) - 1  # still before the final full stop
    # the commented paragraph is not a change: the comment is not text
    assert after[5].id == old[5].id and after[5].rev == old[5].rev and after[5].text == old[5].text


def test_demo_edition_round_trip_is_clean(store, tmp_path: Path) -> None:  # noqa: ANN001
    """The bundled Introduction (168 paragraphs with footnotes and italics), exported as a reading
    edition with every default (title page, bold item labels) and read back: nothing to update; with
    one word changed in Word: exactly that paragraph."""
    from workbench.demo import load_demo

    list(load_demo(store, user="t"))
    doc_id = next(d.id for d in store.list_documents() if d.title.startswith("Introduction"))
    doc = store.get_document(doc_id)
    out = tmp_path / "intro.docx"
    write_docx(doc, store.get_links(doc_id), out, ExportOptions(layout="translation"))
    plan = plan_update(store, doc_id, "target", read_version(out))
    assert plan.empty and plan.summary()["unchanged"] == len(doc.target.paragraphs), plan.describe()

    with zipfile.ZipFile(out) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    xml = parts["word/document.xml"].decode()
    assert xml.count("What is our essence?") == 1
    parts["word/document.xml"] = xml.replace("What is our essence?", "What is our very essence?").encode()
    edited = tmp_path / "intro-edited.docx"
    with zipfile.ZipFile(edited, "w") as z:
        for name, data in parts.items():
            z.writestr(name, data)
    plan = plan_update(store, doc_id, "target", read_version(edited))
    assert plan.summary()["edited"] == 1 and plan.summary()["unchanged"] == len(doc.target.paragraphs) - 1
    assert plan.summary()["restyled"] == 0 and [r["op"] for r in plan.change_rows()] == ["edited"]
