"""Real Word comments in a DOCX edition: the ``/word/comments.xml`` part, the threads and their
resolved state in ``/word/commentsExtended.xml``, each comment anchored to its paragraph.

A thread of the desk (a comment and its replies) becomes one ``w:comment`` per message, each with
its author, date and initials, all anchored over the whole paragraph the thread quoted
(``w:commentRangeStart`` after the paragraph properties, ``w:commentRangeEnd`` and the
``w:commentReference`` run at its end), so Word and LibreOffice show them in the margin beside that
paragraph. Replies name their thread's first comment in ``w15:commentEx/@w15:paraIdParent`` and a
resolved thread is ``w15:done="1"`` (Word 2013's threading; older readers show the replies as
comments of their own on the same text). The quoted text opens the first comment ("“…”"), as
Word users quote a selection.

Plain data in (:class:`CommentNote`); :func:`comment_notes` fills it from the store's comments. A
comment whose paragraph is not in the edition (a source paragraph in a translation-only edition,
a link left out by ``confirmed_only``) falls back to the link's other paragraphs, else is not
written (:attr:`DocxComments.skipped` counts it).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import XmlPart
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn

from workbench.export import ooxml
from workbench.hebrew import hebrew_ratio

COMMENTS_URI = "/word/comments.xml"
COMMENTS_EXT_URI = "/word/commentsExtended.xml"
CT_COMMENTS_EXT = "application/vnd.openxmlformats-officedocument.wordprocessingml.commentsExtended+xml"
RT_COMMENTS_EXT = "http://schemas.microsoft.com/office/2011/relationships/commentsExtended"
W14 = "http://schemas.microsoft.com/office/word/2010/wordml"
W15 = "http://schemas.microsoft.com/office/word/2012/wordml"
MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"


@dataclass(frozen=True)
class CommentMessage:
    author: str
    at: str  # ISO time
    text: str


@dataclass(frozen=True)
class CommentNote:
    """One thread to write: its messages (the first comment, then the replies), the quoted text,
    whether it is resolved, and the paragraphs it may be anchored to, best first."""

    para_ids: tuple[str, ...]
    messages: tuple[CommentMessage, ...]
    quote: str | None = None
    resolved: bool = False


def initials(name: str) -> str:
    parts = [p for p in name.replace(".", " ").replace("_", " ").split() if p]
    return ("".join(p[0] for p in parts[:3]) or name[:2] or "?").upper()


def word_date(iso: str) -> str:
    """``w:date``: an xsd:dateTime without fractions ("2026-12-07T06:28:51Z")."""
    return (iso or "")[:19] + "Z" if iso and len(iso) >= 19 else "1970-01-01T00:00:00Z"


@dataclass
class DocxComments:
    """The comments of one edition: anchors them while the body is built, writes the parts."""

    document: Any
    notes: Sequence[CommentNote] = ()
    root: Any = None
    ext: Any = None
    count: int = 0
    threads: int = 0
    skipped: int = 0
    _pending: dict[str, list[CommentNote]] = field(default_factory=dict)
    _anchored: list[tuple[Any, list[int]]] = field(default_factory=list)
    _done: set[int] = field(default_factory=set)

    def plan(self, exported: set[str]) -> None:
        """Choose each thread's paragraph: the first of its candidates that the edition holds."""
        for n in self.notes:
            pid = next((p for p in n.para_ids if p in exported), None)
            if pid is None:
                self.skipped += 1
            else:
                self._pending.setdefault(pid, []).append(n)

    def _ensure(self) -> None:
        if self.root is not None:
            return
        doc_part = self.document.part
        self.root = parse_xml(f"<w:comments {nsdecls('w', 'r')} xmlns:w14=\"{W14}\" xmlns:mc=\"{MC}\""
                              ' mc:Ignorable="w14"/>')  # fmt: skip
        doc_part.relate_to(XmlPart(PackURI(COMMENTS_URI), CT.WML_COMMENTS, self.root, doc_part.package), RT.COMMENTS)
        self.ext = parse_xml(f'<w15:commentsEx xmlns:w15="{W15}" xmlns:mc="{MC}" mc:Ignorable="w15"/>')
        doc_part.relate_to(XmlPart(PackURI(COMMENTS_EXT_URI), CT_COMMENTS_EXT, self.ext, doc_part.package),
                           RT_COMMENTS_EXT)  # fmt: skip

    def _comment(self, msg: CommentMessage, lines: list[str], parent_para: str | None, done: bool) -> tuple[int, str]:
        cid = self.count
        self.count += 1
        para_id = f"{0x10000000 + cid:08X}"  # w14:paraId: a hex number below 0x80000000, unique in the part
        c = ooxml.SubElement(self.root, qn("w:comment"))
        c.set(qn("w:id"), str(cid))
        c.set(qn("w:author"), ooxml.xml_text(msg.author)[:255] or "?")
        c.set(qn("w:date"), word_date(msg.at))
        c.set(qn("w:initials"), initials(ooxml.xml_text(msg.author)))
        last = None
        for i, line in enumerate(lines):
            rtl = hebrew_ratio(line) > 0.5
            p = ooxml.paragraph(c, None, bidi=rtl)
            if i == 0:
                ooxml.SubElement(ooxml.SubElement(p, qn("w:r")), qn("w:annotationRef"))
            for chunk, chunk_rtl in ooxml.directional_chunks(line, rtl):
                ooxml.run(p, chunk, rtl=chunk_rtl)
            last = p
        assert last is not None
        last.set(f"{{{W14}}}paraId", para_id)  # commentsExtended refers to the comment's last paragraph
        ex = ooxml.SubElement(self.ext, f"{{{W15}}}commentEx")
        ex.set(f"{{{W15}}}paraId", para_id)
        if parent_para:
            ex.set(f"{{{W15}}}paraIdParent", parent_para)
        ex.set(f"{{{W15}}}done", "1" if done else "0")
        return cid, para_id

    def anchor(self, p: Any, para_id: str) -> None:
        """Open the comments of paragraph ``para_id`` on the body paragraph ``p`` (closed by
        :meth:`finish`, once the paragraph's runs are written)."""
        notes = self._pending.pop(para_id, None)
        if not notes:
            return
        self._ensure()
        ids: list[int] = []
        for n in notes:
            self.threads += 1
            head = None
            for k, msg in enumerate(n.messages):
                lines = [ln for ln in msg.text.splitlines() if ln.strip()] or [msg.text]
                if k == 0 and n.quote:
                    lines = [f"\u201c{' '.join(n.quote.split())}\u201d", *lines]
                cid, pid = self._comment(msg, lines, head, n.resolved)
                head = head or pid
                ids.append(cid)
        ppr = p.find(qn("w:pPr"))
        at = 0 if ppr is None else list(p).index(ppr) + 1
        for k, cid in enumerate(ids):
            start = p.makeelement(qn("w:commentRangeStart"), {qn("w:id"): str(cid)})
            p.insert(at + k, start)
        self._anchored.append((p, ids))

    def finish(self) -> None:
        """Close every anchored range at the end of its paragraph, with the reference runs."""
        for p, ids in self._anchored:
            for cid in ids:
                ooxml.SubElement(p, qn("w:commentRangeEnd")).set(qn("w:id"), str(cid))
                r = ooxml.SubElement(p, qn("w:r"))
                ooxml.SubElement(r, qn("w:commentReference")).set(qn("w:id"), str(cid))
        self._anchored.clear()


def exported_paragraphs(doc: Any, layout: str) -> set[str]:
    """The paragraphs an edition of ``layout`` can hold."""
    out = {p.id for p in (doc.target.paragraphs if doc.target else [])}
    if layout != "translation" or doc.target is None:
        out |= {p.id for p in (doc.source.paragraphs if doc.source else [])}
    return out


def notes_from_threads(threads: Iterable[Any], links: Sequence[Any], *, open_only: bool = False) -> list[CommentNote]:
    """:class:`CommentNote` from the store's comment threads (``store.comments.threads``): each
    anchored to its quoted paragraph, else the first paragraph of its link (translation first)."""
    by_id = {lk.id: lk for lk in links}
    by_para = {p: lk for lk in links for p in (*lk.source, *lk.target)}
    out = []
    for t in threads:
        if open_only and t.resolved:
            continue
        lk = by_id.get(t.link_id) or (by_para.get(t.para_id) if t.para_id else None)
        cands = ([t.para_id] if t.para_id else []) + ([*lk.target, *lk.source] if lk else [])
        if not cands:
            continue
        msgs = tuple(CommentMessage(m.user, m.at, m.text) for m in (t, *t.replies))
        out.append(CommentNote(tuple(dict.fromkeys(cands)), msgs, t.quote, t.resolved))
    return out
