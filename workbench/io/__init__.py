"""Importers: files in, model objects out; never touches the store.

``read_paragraphs(path)`` / ``read_bytes(name, data)`` read one file (.txt, .md, .docx, Sefaria
.json; unknown extensions as text) into a :class:`ReadResult`; ``load_pair(...)`` builds a
:class:`~workbench.model.Document` from a source and/or target file, or from one interleaved
bilingual file. Every unreadable input raises :class:`~workbench.errors.InputError` with a one-line
message naming the file and the problem.
"""

from __future__ import annotations

from workbench.io.encoding import DEFAULT_MAX_BYTES, decode
from workbench.io.interleaved import Interleaved, split_interleaved
from workbench.io.language import check_sides, detect_language
from workbench.io.pair import interleaved_links, load_pair
from workbench.io.readers import FORMATS, ReadResult, read_bytes, read_paragraphs

__all__ = [
    "DEFAULT_MAX_BYTES",
    "FORMATS",
    "Interleaved",
    "ReadResult",
    "check_sides",
    "decode",
    "detect_language",
    "interleaved_links",
    "load_pair",
    "read_bytes",
    "read_paragraphs",
    "split_interleaved",
]
