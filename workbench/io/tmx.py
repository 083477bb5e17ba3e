"""Reading a TMX 1.4 translation memory (OmegaT, Trados, memoQ, our own export) as reference units.

A TMX file comes from elsewhere, so the reader trusts nothing in it: a size cap before parsing, no
DTD loaded, no entity declared in the file accepted (entity expansion is how "billion laughs"
files blow up), no network, libxml2's own limits on depth and text size kept (``huge_tree`` off),
a cap on units and on segment length. Anything wrong is one :class:`InputError` naming the file and
the place; nothing is half-read.

Segments keep their text; inline markup that stands for native codes (``bpt``, ``ept``, ``ph``,
``it``, ``ut``) is dropped, ``hi`` and ``sub`` keep their text.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from workbench.errors import InputError

MAX_BYTES = 200 * 1024 * 1024
MAX_UNITS = 500_000
MAX_SEGMENT = 100_000
_CODES = {"bpt", "ept", "ph", "it", "ut"}
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


@dataclass
class TmxMemory:
    source_lang: str
    target_lang: str
    #: (source, target, note) of every unit that has both languages
    units: list[tuple[str, str, str | None]] = field(default_factory=list)
    skipped: int = 0  # units without a segment in one of the two languages


def _seg_text(seg: etree._Element) -> str:
    parts: list[str] = [seg.text or ""]
    for child in seg:
        if not isinstance(child.tag, str):
            parts.append(child.tail or "")
            continue
        if etree.QName(child).localname not in _CODES:
            parts.append(_seg_text(child))
        parts.append(child.tail or "")
    return " ".join("".join(parts).split())


def _lang(el: etree._Element) -> str:
    return (el.get(XML_LANG) or el.get("lang") or "").strip()


def _base(lang: str) -> str:
    return lang.lower().replace("_", "-").split("-")[0]


def read_tmx(path: str | Path | None = None, data: bytes | None = None, *, source_lang: str | None = None,
             target_lang: str | None = None, max_bytes: int = MAX_BYTES) -> TmxMemory:  # fmt: skip
    """The units of a TMX file in two languages: ``source_lang`` (default: the header's ``srclang``,
    else the first language met) and ``target_lang`` (default: the other language of the units)."""
    name = str(path) if path is not None else None
    if data is None:
        p = Path(str(path))
        try:
            size = p.stat().st_size
        except OSError as exc:
            raise InputError(name, f"cannot read the file ({exc.strerror or exc})") from exc
        if size > max_bytes:
            raise InputError(name, f"{size:,} bytes, over the limit of {max_bytes:,} for a translation memory")
        try:
            data = p.read_bytes()
        except OSError as exc:
            raise InputError(name, f"cannot read the file ({exc.strerror or exc})") from exc
    if len(data) > max_bytes:
        raise InputError(name, f"{len(data):,} bytes, over the limit of {max_bytes:,} for a translation memory")
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False,
                             huge_tree=False, remove_comments=True, remove_pis=True)  # fmt: skip
    try:
        root = etree.fromstring(data, parser)
    except (etree.XMLSyntaxError, ValueError) as exc:
        raise InputError(name, f"not well-formed XML: {str(exc).splitlines()[0] if str(exc) else exc}") from None
    if root is None:
        raise InputError(name, "empty document")
    dtd = root.getroottree().docinfo.internalDTD
    if dtd is not None and any(True for _ in dtd.iterentities()):
        raise InputError(name, "the file declares XML entities, which a translation memory does not need; refused")
    if not isinstance(root.tag, str) or etree.QName(root).localname != "tmx":
        tag = etree.QName(root).localname if isinstance(root.tag, str) else "?"
        raise InputError(name, f"not a TMX file (root element <{tag}>, expected <tmx>)")
    header = root.find("header")
    body = root.find("body")
    if body is None:
        raise InputError(name, "a TMX file needs a <body>")
    src = source_lang or (header.get("srclang") if header is not None else None) or ""
    if src == "*all*":
        src = ""
    tus = body.findall("tu")
    if len(tus) > MAX_UNITS:
        raise InputError(name, f"{len(tus):,} translation units, over the limit of {MAX_UNITS:,}")
    rows: list[dict[str, str]] = []
    notes: list[str | None] = []
    langs: list[str] = []
    for n, tu in enumerate(tus, 1):
        segs: dict[str, str] = {}
        for tuv in tu.findall("tuv"):
            lang = _lang(tuv)
            if not lang:
                raise InputError(name, f"translation unit {n} (line {tuv.sourceline}): a <tuv> without xml:lang")
            seg = tuv.find("seg")
            if seg is None:
                raise InputError(name, f"translation unit {n} (line {tuv.sourceline}): a <tuv> without <seg>")
            text = _seg_text(seg)
            if len(text) > MAX_SEGMENT:
                raise InputError(name, f"translation unit {n} (line {seg.sourceline}): a segment over "
                                       f"{MAX_SEGMENT:,} characters")  # fmt: skip
            segs.setdefault(_base(lang), text)
            if _base(lang) not in langs:
                langs.append(_base(lang))
        note = tu.find("note")
        rows.append(segs)
        notes.append(" ".join("".join(note.itertext()).split()) if note is not None else None)
    if not rows:
        raise InputError(name, "no translation units")
    s = _base(src) if src else (langs[0] if langs else "")
    t = _base(target_lang) if target_lang else next((x for x in langs if x != s), "")
    if not s or not t or s == t:
        raise InputError(name, f"cannot tell the two languages apart (found: {', '.join(langs) or 'none'}); "
                               "give --source-lang and --target-lang")  # fmt: skip
    mem = TmxMemory(s, t)
    for segs, note in zip(rows, notes, strict=True):
        a, b = segs.get(s, "").strip(), segs.get(t, "").strip()
        if a and b:
            mem.units.append((a, b, note))
        else:
            mem.skipped += 1
    if not mem.units:
        raise InputError(name, f"no translation unit has both {s} and {t} segments")
    return mem
