"""Build a model Document from one or two files (or one interleaved bilingual file).

This is the single entry point the CLI, the Library page and the demo use, so every import gets
the same language rules, the same warnings and the same metadata (file names, formats, Sefaria
version facts) whatever face started it.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from workbench.errors import WorkbenchError
from workbench.io.interleaved import split_interleaved
from workbench.io.language import UNDETERMINED, check_sides, is_latin, sample_paragraphs
from workbench.io.language import name as lang_name
from workbench.io.readers import ReadResult, read_paragraphs
from workbench.model import Document, Link, Paragraph, Text

Input = str | Path | ReadResult
_LANG_SUFFIX = re.compile(r"[._-](he|heb|en|eng|arc|fr|de|es|ru|source|target|src|tgt)$", re.I)
_SIDE_META = ("file", "format", "encoding", "versionTitle", "versionSource", "license", "language")


def _read(item: Input, max_bytes: int | None, encoding: str | None, limits: dict[str, int | None]) -> ReadResult:
    if isinstance(item, ReadResult):
        return item
    return read_paragraphs(item, max_bytes=max_bytes, encoding=encoding, **limits)


def _title(results: list[ReadResult]) -> str:
    """Sefaria's own title if there is one, else the first file name without extension and
    language suffix (``zohar-intro.he.txt`` -> ``zohar-intro``)."""
    for r in results:
        if r.metadata.get("title"):
            return str(r.metadata["title"])
    for r in results:
        if r.file:
            stem = _LANG_SUFFIX.sub("", Path(r.file).stem) or Path(r.file).stem
            return stem.replace("_", " ").strip() or "Untitled"
    return "Untitled"


def _lang(lang: str, paragraphs: list[Paragraph], label: str, side: str, warnings: list[str]) -> str:
    """Detected language, or for too little text English when it is Latin script (with a warning:
    the workbench is for English translations, and "und" would follow the text everywhere)."""
    if lang != UNDETERMINED:
        return lang
    if is_latin(sample_paragraphs(paragraphs)):
        warnings.append(f"{label}: too little text to tell its language; assumed English ('en'),"
                        f" give the {side} language to change it")
        return "en"
    warnings.append(f"{label}: could not tell the language; give the {side} language explicitly")
    return UNDETERMINED


def _side_meta(result: ReadResult, paragraphs: list[Paragraph]) -> dict[str, Any]:
    meta = {k: result.metadata[k] for k in _SIDE_META if result.metadata.get(k) is not None}
    addresses = result.metadata.get("addresses")
    if addresses and len(addresses) == len(paragraphs):
        # Sefaria refs by paragraph id (1-based, "3:2"): stable when paragraphs are later edited.
        meta["refs"] = {p.id: ":".join(str(a + 1 if isinstance(a, int) else a) for a in addr)
                        for p, addr in zip(paragraphs, addresses, strict=True)}
    return meta


def _credits(sides: dict[str, ReadResult]) -> str | None:
    parts = []
    for r in sides.values():
        m = r.metadata
        if m.get("versionTitle"):
            lic = f" ({m['license']})" if m.get("license") else ""
            parts.append(f"{lang_name(m.get('language') or r.lang)}: {m['versionTitle']}{lic}")
    return "; ".join(parts) + "; via Sefaria" if parts else None


def load_pair(
    source: Input | None = None,
    target: Input | None = None,
    *,
    title: str | None = None,
    source_lang: str | None = None,
    target_lang: str | None = None,
    interleaved: Input | None = None,
    max_bytes: int | None = None,
    encoding: str | None = None,
    source_encoding: str | None = None,
    target_encoding: str | None = None,
    max_unpacked: int | None = None,
    max_paragraphs: int | None = None,
) -> tuple[Document, list[str]]:
    """A Document (not stored) and warnings for the editor.

    Either side may be missing (a translation to align later, or an original alone). Explicit
    languages win over detection. ``interleaved`` is one file alternating between the languages;
    its paragraph groups are kept in ``metadata["interleaved_links"]`` as ``[[source ids],
    [target ids]]`` pairs, ready to seed an alignment. ``encoding`` forces one codec for every file;
    ``source_encoding`` / ``target_encoding`` one per side (a cp1255 source beside a UTF-16 target).
    """
    warnings: list[str] = []
    meta: dict[str, Any] = {}
    limits = {"max_unpacked": max_unpacked, "max_paragraphs": max_paragraphs}
    if interleaved is not None:
        if source is not None or target is not None:
            raise WorkbenchError("give either one interleaved file or source/target files, not both")
        res = _read(interleaved, max_bytes, encoding, limits)
        warnings.extend(res.warnings)
        split = split_interleaved(res.paragraphs, source_lang=source_lang, target_lang=target_lang,
                                  path=res.file)
        warnings.extend(f"{res.file}: {w}" for w in split.warnings)
        label = res.file or "interleaved file"
        src_text = Text(_lang(split.source_lang, split.source, f"{label} (source)", "source", warnings),
                        split.source)
        tgt_text = Text(_lang(split.target_lang, split.target, f"{label} (target)", "target", warnings),
                        split.target)
        meta["interleaved"] = {k: res.metadata[k] for k in ("file", "format", "encoding") if k in res.metadata}
        meta["interleaved_links"] = [[[split.source[i].id for i in s], [split.target[i].id for i in t]]
                                     for s, t in split.links]
        warnings.extend(check_sides(split.source, split.target, src_text.lang, tgt_text.lang))
        return Document(title or _title([res]), src_text, tgt_text, metadata=meta), warnings

    if source is None and target is None:
        raise WorkbenchError("nothing to import: give a source file, a target file or both")
    sides: dict[str, ReadResult] = {}
    texts: dict[str, Text] = {}
    codecs = {"source": source_encoding or encoding, "target": target_encoding or encoding}
    for side, item, explicit in (("source", source, source_lang), ("target", target, target_lang)):
        if item is None:
            continue
        res = _read(item, max_bytes, codecs[side], limits)
        sides[side] = res
        warnings.extend(res.warnings)
        lang = explicit or _lang(res.lang, res.paragraphs, res.file or side, side, warnings)
        texts[side] = Text(lang, res.paragraphs)
        meta[side] = _side_meta(res, res.paragraphs)
    if "source" in texts and "target" in texts:
        warnings.extend(check_sides(texts["source"].paragraphs, texts["target"].paragraphs,
                                    texts["source"].lang, texts["target"].lang))
    if (credits := _credits(sides)) is not None:
        meta["credits"] = credits
    if "source" not in texts and source_lang:
        meta["source_lang"] = source_lang
    if "target" not in texts and target_lang:
        meta["target_lang"] = target_lang
    doc = Document(title or _title(list(sides.values())), texts.get("source"), texts.get("target"), metadata=meta)
    return doc, warnings


def interleaved_links(doc: Document) -> list[Link] | None:
    """The pairing an interleaved file carries, as links an editor can confirm or re-align."""
    groups = doc.metadata.pop("interleaved_links", None)
    if not groups:
        return None
    return [Link(source=list(s), target=list(t), score=1.0, status="auto") for s, t in groups]
