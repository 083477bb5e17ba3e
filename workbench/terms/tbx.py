"""TBX-Basic in the TBX v3 (ISO 30042:2019) DCA style, lossless for workbench terms.

One ``conceptEntry`` per term::

    <conceptEntry id="t12">
      <note>free-text note</note>
      <note>workbench:{"kind": "transliteration", "status": "approved", ...}</note>
      <langSec xml:lang="he">
        <termSec><term>מסך</term><termNote type="administrativeStatus">preferredTerm-admn-sts</termNote></termSec>
        <termSec><term>מָסָךְ</term><termNote type="termType">variant</termNote></termSec>   (pointed form)
      </langSec>
      <langSec xml:lang="en">
        <descrip type="definition">screen</descrip>                                        (gloss)
        <termSec><term>Masach</term><termNote type="administrativeStatus">preferredTerm-admn-sts</termNote></termSec>
        <termSec><term>Masakh</term><termNote type="administrativeStatus">admittedTerm-admn-sts</termNote></termSec>
        <termSec><term>screen</term><termNote type="administrativeStatus">deprecatedTerm-admn-sts</termNote></termSec>
      </langSec>
    </conceptEntry>

Acronyms carry ``termType`` ``acronym``. Fields that TBX-Basic has no data category for (kind,
status, gloss-on-first-occurrence, case rule, variant policy, not-term contexts, ambiguity) travel in one concept-level ``note`` that starts with
``workbench:`` and holds JSON; other tools show it as a note, this reader restores the fields.
"""

from __future__ import annotations

import json
from pathlib import Path

from lxml import etree

from workbench.errors import InputError
from workbench.terms.model import Term, has_niqqud

TBX_NS = "urn:iso:std:iso:30042:ed-2"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
RNG = "https://raw.githubusercontent.com/LTAC-Global/TBX-Basic_dialect/master/DCA/TBXcoreStructV03_TBX-Basic_integrated.rng"
SCH = "https://raw.githubusercontent.com/LTAC-Global/TBX-Basic_dialect/master/DCA/TBX-Basic_DCA.sch"
META_PREFIX = "workbench:"
PREFERRED, ADMITTED, DEPRECATED = "preferredTerm-admn-sts", "admittedTerm-admn-sts", "deprecatedTerm-admn-sts"


def _q(tag: str) -> str:
    return f"{{{TBX_NS}}}{tag}"


def _term_sec(parent: etree._Element, text: str, status: str | None = None, term_type: str | None = None) -> None:
    ts = etree.SubElement(parent, _q("termSec"))
    etree.SubElement(ts, _q("term")).text = text
    if term_type:
        etree.SubElement(ts, _q("termNote"), type="termType").text = term_type
    if status:
        etree.SubElement(ts, _q("termNote"), type="administrativeStatus").text = status


def to_tbx_bytes(terms: list[Term], title: str = "Workbench termbase", target_lang: str = "en") -> bytes:
    root = etree.Element(_q("tbx"), nsmap={None: TBX_NS}, type="TBX-Basic", style="dca")
    root.set(XML_LANG, target_lang)
    header = etree.SubElement(root, _q("tbxHeader"))
    fd = etree.SubElement(header, _q("fileDesc"))
    etree.SubElement(etree.SubElement(fd, _q("titleStmt")), _q("title")).text = title
    etree.SubElement(etree.SubElement(fd, _q("sourceDesc")), _q("p")).text = "Exported by the workbench"
    body = etree.SubElement(etree.SubElement(root, _q("text")), _q("body"))
    for n, t in enumerate(terms, 1):
        ce = etree.SubElement(body, _q("conceptEntry"), id=f"t{t.id if t.id is not None else n}")
        if t.note:
            etree.SubElement(ce, _q("note")).text = t.note
        meta = {"kind": t.kind, "status": t.status, "gloss_first": t.gloss_first, "case": t.case,
                "variant_policy": t.variant_policy}
        if t.not_term:
            meta["not_term"] = t.not_term
        if t.ambiguous:
            meta["ambiguous"] = True
        etree.SubElement(ce, _q("note")).text = META_PREFIX + json.dumps(meta, ensure_ascii=False, sort_keys=True)
        if t.source or t.source_variants:
            ls = etree.SubElement(ce, _q("langSec"))
            ls.set(XML_LANG, t.source_lang or "he")
            acr = "acronym" if t.kind == "acronym" else None
            if t.source:
                _term_sec(ls, t.source, PREFERRED, acr)
            if t.source_pointed:
                _term_sec(ls, t.source_pointed, None, "variant")
            for v in t.source_variants:
                _term_sec(ls, v, ADMITTED)
        ls = etree.SubElement(ce, _q("langSec"))
        ls.set(XML_LANG, target_lang)
        if t.gloss:
            etree.SubElement(ls, _q("descrip"), type="definition").text = t.gloss
        _term_sec(ls, t.preferred, PREFERRED, "acronym" if t.kind == "acronym" else None)
        for v in t.variants:
            _term_sec(ls, v, ADMITTED)
        for f in t.forbidden:
            _term_sec(ls, f, DEPRECATED)
    pi = etree.ProcessingInstruction(
        "xml-model", f'href="{RNG}" type="application/xml" schematypens="http://relaxng.org/ns/structure/1.0"'
    )
    pi2 = etree.ProcessingInstruction(
        "xml-model", f'href="{SCH}" type="application/xml" schematypens="http://purl.oclc.org/dsdl/schematron"'
    )
    doc = etree.ElementTree(root)
    root.addprevious(pi)
    root.addprevious(pi2)
    return etree.tostring(doc, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def _tig(parent: etree._Element, text: str, status: str | None = None, term_type: str | None = None) -> None:
    tig = etree.SubElement(parent, "tig")
    etree.SubElement(tig, "term").text = text
    if term_type:
        etree.SubElement(tig, "termNote", type="termType").text = term_type
    if status:
        etree.SubElement(tig, "termNote", type="administrativeStatus").text = status


def to_tbx2008_bytes(terms: list[Term], title: str = "Workbench termbase", target_lang: str = "en") -> bytes:
    """The same entries as TBX-Basic 2008 (ISO 30042:2008, root ``martif``, ``termEntry`` /
    ``langSet`` / ``tig``): what translate-toolkit, and so Weblate's glossary import, reads. The
    workbench note travels as in v3, so a round trip through this form loses nothing either."""
    root = etree.Element("martif", type="TBX-Basic-V1")
    root.set(XML_LANG, target_lang)
    header = etree.SubElement(root, "martifHeader")
    fd = etree.SubElement(header, "fileDesc")
    etree.SubElement(etree.SubElement(fd, "titleStmt"), "title").text = title
    etree.SubElement(etree.SubElement(fd, "sourceDesc"), "p").text = "Exported by the workbench"
    etree.SubElement(etree.SubElement(header, "encodingDesc"), "p", type="XCSURI").text = "TBXBasicXCSV02.xcs"
    body = etree.SubElement(etree.SubElement(root, "text"), "body")
    for n, t in enumerate(terms, 1):
        te = etree.SubElement(body, "termEntry", id=f"t{t.id if t.id is not None else n}")
        if t.note:
            etree.SubElement(te, "note").text = t.note
        etree.SubElement(te, "note").text = META_PREFIX + json.dumps(_meta(t), ensure_ascii=False, sort_keys=True)
        acr = "acronym" if t.kind == "acronym" else None
        if t.source or t.source_variants:
            ls = etree.SubElement(te, "langSet")
            ls.set(XML_LANG, t.source_lang or "he")
            if t.source:
                _tig(ls, t.source, PREFERRED, acr)
            if t.source_pointed:
                _tig(ls, t.source_pointed, None, "variant")
            for v in t.source_variants:
                _tig(ls, v, ADMITTED)
        ls = etree.SubElement(te, "langSet")
        ls.set(XML_LANG, target_lang)
        if t.gloss:
            etree.SubElement(etree.SubElement(ls, "descripGrp"), "descrip", type="definition").text = t.gloss
        _tig(ls, t.preferred, PREFERRED, acr)
        for v in t.variants:
            _tig(ls, v, ADMITTED)
        for f in t.forbidden:
            _tig(ls, f, DEPRECATED)
    doc = etree.ElementTree(root)
    return etree.tostring(doc, xml_declaration=True, encoding="UTF-8", pretty_print=True,
                          doctype='<!DOCTYPE martif SYSTEM "TBXBasiccoreStructV02.dtd">')


def _meta(t: Term) -> dict:
    meta: dict = {"kind": t.kind, "status": t.status, "gloss_first": t.gloss_first, "case": t.case,
                  "variant_policy": t.variant_policy}
    if t.not_term:
        meta["not_term"] = t.not_term
    if t.ambiguous:
        meta["ambiguous"] = True
    return meta


TBX_VERSIONS = ("2008", "v3")


def tbx_version(data: bytes) -> str:
    """``2008`` (root ``martif``) or ``v3`` (root ``tbx``): which TBX a file is, read as import reads it."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise InputError(None, f"not well-formed XML: {exc}") from exc
    name = etree.QName(root).localname
    if name == "martif":
        return "2008"
    if name == "tbx":
        return "v3"
    raise InputError(None, f"not a TBX file (root element <{name}>)")


def write_tbx(terms: list[Term], path: str | Path, version: str = "v3", **kw: str) -> int:
    """Write ``terms`` as TBX ``version`` (``v3``, the default, or ``2008``), atomically."""
    from workbench.atomic import atomic_path

    if version not in TBX_VERSIONS:
        raise InputError(path, f"unknown TBX version {version!r}: use 2008 or v3")
    data = to_tbx2008_bytes(terms, **kw) if version == "2008" else to_tbx_bytes(terms, **kw)
    with atomic_path(path) as tmp:
        Path(tmp).write_bytes(data)
    return len(terms)


def _text(el: etree._Element | None) -> str:
    return "".join(el.itertext()).strip() if el is not None else ""


def read_tbx(path: str | Path | None = None, data: bytes | None = None) -> tuple[list[Term], list[str]]:
    """Terms from a TBX file (TBX v3 Basic; TBX v2 ``martif`` files with ``termEntry``/``langSet``/
    ``tig`` are read too). Raises :class:`InputError` naming the entry for anything unreadable."""
    name = str(path) if path is not None else None
    if data is None:
        from workbench.terms.csvio import read_termbase_bytes

        data = read_termbase_bytes(path)  # type: ignore[arg-type]
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise InputError(name, f"not well-formed XML: {exc}") from exc
    warnings: list[str] = []
    entries = [el for el in root.iter() if isinstance(el.tag, str) and etree.QName(el).localname in ("conceptEntry", "termEntry")]
    if etree.QName(root).localname not in ("tbx", "martif"):
        raise InputError(name, f"not a TBX file (root element <{etree.QName(root).localname}>)")
    terms: list[Term] = []
    errors: list[str] = []
    for n, ce in enumerate(entries, 1):
        label = f"entry {n} (id {ce.get('id')}, line {ce.sourceline})"
        try:
            terms.append(_entry(ce, warnings))
        except ValueError as exc:
            errors.append(f"{label}: {exc}")
    if errors:
        raise InputError(name, f"{len(errors)} bad entr(ies), nothing imported: " + " | ".join(errors[:20]))
    return terms, warnings


def _local(el: etree._Element) -> str:
    return etree.QName(el).localname if isinstance(el.tag, str) else ""


def _concept_notes(ce: etree._Element) -> tuple[dict, list[str]]:
    """The workbench fields and the free-text notes of a concept entry.

    Fields TBX-Basic has no data category for travel as JSON in a ``workbench:`` note; other notes are
    the user's and are kept in order. An unreadable workbench note is refused rather than skipped,
    since skipping it would quietly reset the entry's kind and status.
    """
    meta: dict = {}
    notes: list[str] = []
    for child in ce:
        if _local(child) == "note":
            txt = _text(child)
            if txt.startswith(META_PREFIX):
                try:
                    meta = json.loads(txt[len(META_PREFIX) :])
                except json.JSONDecodeError as exc:
                    raise ValueError(f"unreadable workbench note ({exc})") from exc
            elif txt:
                notes.append(txt)
    return meta, notes


def _definition(ls: etree._Element) -> str | None:
    """The section's gloss: its last ``definition``, at any depth (TBX v2 nests it in ``descripGrp``)."""
    gloss = None
    for el in ls.iter():
        if _local(el) == "descrip" and el.get("type") == "definition":
            gloss = _text(el)
    return gloss


def _section_terms(ls: etree._Element, lang: str) -> list[tuple[str, str, str]]:
    """(term, administrative status, term type) for each term of a language section.

    ``termSec`` is TBX v3, ``tig``/``ntig`` TBX v2. An empty term is refused: it would become an
    empty rendering that matches everywhere.
    """
    found = []
    for ts in [c for c in ls if _local(c) in ("termSec", "tig", "ntig")]:
        term_el = next((e for e in ts.iter() if _local(e) == "term"), None)
        text = _text(term_el)
        if not text:
            raise ValueError(f"empty <term> in the {lang or '?'} section")
        notes_el = {e.get("type"): _text(e) for e in ts.iter() if _local(e) == "termNote"}
        found.append((text, notes_el.get("administrativeStatus", ""), notes_el.get("termType", "")))
    return found


def _add_target(tgt: dict, text: str, status: str, ttype: str, gloss: str | None) -> None:
    """Sort a target term by its administrative status: deprecated or superseded ones are forbidden,
    the first preferred one is the rendering, anything else (a second preferred, admitted, none) is a
    variant, so no rendering of another tool's file is lost."""
    tgt["gloss"] = gloss
    if ttype == "acronym":
        tgt["acronym"] = True
    if status.startswith(("deprecated", "superseded")):
        tgt["forbidden"].append(text)
    elif status.startswith("preferred") and tgt["preferred"] is None:
        tgt["preferred"] = text
    else:
        tgt["variants"].append(text)


def _add_source(src: dict, text: str, status: str, ttype: str, lang: str) -> None:
    """Sort a source term: a pointed form that is not the preferred one is the pointed spelling the
    writer exports as a ``variant``; the first preferred (or unmarked, as in TBX v2 files) is the source
    form; the rest are further source forms."""
    src["lang"] = lang or "he"
    if ttype == "acronym":
        src["acronym"] = True
    if has_niqqud(text) and src["pointed"] is None and not status.startswith("preferred"):
        src["pointed"] = text
    elif src["preferred"] is None and (status.startswith("preferred") or not status):
        src["preferred"] = text
    else:
        src["variants"].append(text)


def _lang_sections(ce: etree._Element) -> tuple[dict, dict]:
    """The source and target sides of an entry, from its language sections.

    The target is the English section if there is one, else the last: a termbase exported with
    another target language still reads, and every other section counts as source.
    """
    lang_secs = [c for c in ce if _local(c) in ("langSec", "langSet")]
    if not lang_secs:
        raise ValueError("no language section")
    src: dict = {"preferred": None, "pointed": None, "variants": [], "lang": "he", "acronym": False}
    tgt: dict = {"preferred": None, "variants": [], "forbidden": [], "gloss": None, "acronym": False}
    target_sec = next((ls for ls in lang_secs if (ls.get(XML_LANG) or "").lower().startswith("en")), lang_secs[-1])
    for ls in lang_secs:
        lang = ls.get(XML_LANG) or ""
        gloss = _definition(ls)
        for text, status, ttype in _section_terms(ls, lang):
            if ls is target_sec:
                _add_target(tgt, text, status, ttype, gloss)
            else:
                _add_source(src, text, status, ttype, lang)
    return src, tgt


def _entry(ce: etree._Element, warnings: list[str]) -> Term:
    """The term a ``conceptEntry`` (or TBX v2 ``termEntry``) holds; ``ValueError`` says what is wrong.

    A file from another tool may mark no term preferred: its first target term is taken as the
    rendering rather than refusing the entry. The kind comes from the workbench note when there is
    one, else from an ``acronym`` term type, else it is a transliteration.
    """
    meta, notes = _concept_notes(ce)
    src, tgt = _lang_sections(ce)
    if tgt["preferred"] is None:
        if not tgt["variants"]:
            raise ValueError("no target-language term")
        tgt["preferred"] = tgt["variants"].pop(0)
    kind = meta.get("kind") or ("acronym" if tgt["acronym"] or src["acronym"] else "transliteration")
    term = Term(
        source=src["preferred"] or "",
        preferred=tgt["preferred"],
        kind=kind,
        variants=tgt["variants"],
        forbidden=tgt["forbidden"],
        gloss=tgt["gloss"],
        gloss_first=bool(meta.get("gloss_first", False)),
        variant_policy=str(meta.get("variant_policy") or "allowed"),
        not_term=[str(x) for x in meta.get("not_term") or []],
        ambiguous=bool(meta.get("ambiguous", False)),
        note="\n".join(notes) or None,
        status=meta.get("status") or "approved",
        source_pointed=src["pointed"],
        source_variants=src["variants"],
        source_lang=src["lang"] or "he",
        case=meta.get("case"),
    )
    problems = term.problems()
    if problems:
        raise ValueError("; ".join(problems))
    return term
