"""What an export can be asked to do: formats, layouts and the DOCX edition options.

Options are a plain dataclass so that the CLI flags, the app widgets and the tests all build the
same object; :meth:`ExportOptions.validated` turns bad values into one clear WorkbenchError and
unknown font names into warnings with a fallback (an edition must still come out).
"""

from __future__ import annotations

import functools
import shutil
import subprocess
from dataclasses import dataclass, field, fields, replace
from typing import Literal

from workbench.errors import WorkbenchError

Layout = Literal["parallel", "alternating", "translation"]
NotesMode = Literal["footnotes", "glossary", "none"]

FORMATS: dict[str, str] = {
    "docx": "Word edition (.docx)",
    "tmx": "Translation memory (TMX 1.4)",
    "tbx": "Termbase (TBX)",
    "csv": "Alignment table (CSV)",
    "xlsx": "Alignment table and consistency report (Excel)",
    "bundle": "Project bundle (JSON, re-importable)",
}
EXTENSIONS: dict[str, str] = {
    "docx": ".docx", "tmx": ".tmx", "tbx": ".tbx", "csv": ".csv", "xlsx": ".xlsx", "bundle": ".json",
}
LAYOUTS: dict[str, str] = {
    "parallel": "Parallel columns (one table row per link)",
    "alternating": "Alternating (source paragraph, then its translation)",
    "translation": "Translation only (reading edition)",
}

# (width, height) in millimetres.
PAGE_SIZES: dict[str, tuple[float, float]] = {
    "A4": (210.0, 297.0),
    "Letter": (215.9, 279.4),
    "6x9": (152.4, 228.6),
}

DEFAULT_LATIN_FONT = "Times New Roman"
DEFAULT_HEBREW_FONT = "Noto Serif Hebrew"

# Fonts an editor's word processor commonly has even when this machine does not (Windows, macOS,
# LibreOffice, free Hebrew fonts). A name outside this list and outside fc-list is most likely a
# typo: the export falls back to the default and says so.
KNOWN_FONTS = frozenset(
    name.casefold()
    for name in (
        # Latin
        "Times New Roman", "Georgia", "Garamond", "EB Garamond", "Cambria", "Calibri", "Arial",
        "Book Antiqua", "Palatino Linotype", "Palatino", "Constantia", "Baskerville", "Minion Pro",
        "Adobe Garamond Pro", "Charis SIL", "Gentium Plus", "Gentium Book Plus", "Brill", "Linux Libertine",
        "Libertinus Serif", "Liberation Serif", "Liberation Sans", "DejaVu Serif", "DejaVu Sans",
        "Noto Serif", "Noto Sans", "Source Serif Pro", "Source Serif 4", "Crimson Text", "Cardo",
        "Segoe UI", "Helvetica", "Verdana", "Tahoma", "Century Schoolbook", "Sabon",
        # Hebrew
        "David", "David CLM", "Frank Ruehl", "FrankRuehl", "Frank Ruehl CLM", "Frank Ruhl Libre",
        "Miriam", "Miriam CLM", "Narkisim", "Guttman Keren", "Aharoni", "Levenim MT", "Gisha", "Rod",
        "SBL Hebrew", "SBL BibLit", "Ezra SIL", "Ezra SIL SR", "Taamey Frank CLM", "Taamey David CLM",
        "Keter YG", "Shofar", "Hadasim CLM", "Noto Serif Hebrew", "Noto Sans Hebrew", "Noto Rashi Hebrew",
        "Arial Hebrew", "Raanana", "New Peninim MT", "Corsiva Hebrew", "Times New Roman Hebrew",
        "Alef", "Heebo", "Assistant", "Rubik", "Cardo", "Culmus",
    )
)


@functools.cache
def installed_fonts() -> frozenset[str]:
    """Font family names fontconfig knows on this machine (empty when fc-list is missing)."""
    exe = shutil.which("fc-list")
    if not exe:
        return frozenset()
    try:
        out = subprocess.run([exe, ":", "family"], capture_output=True, text=True, timeout=20).stdout
    except (OSError, subprocess.SubprocessError):
        return frozenset()
    names = set()
    for line in out.splitlines():
        for name in line.split(","):
            if name.strip():
                names.add(name.strip().casefold())
    return frozenset(names)


def font_known(name: str) -> bool:
    key = name.strip().casefold()
    return bool(key) and (key in KNOWN_FONTS or key in installed_fonts())


@dataclass
class ExportOptions:
    """Options for every format; DOCX uses them all, the data exports only ``confirmed_only``.

    ``margins_mm`` is one value for all four margins or (top, right, bottom, left).
    ``notes``: term glosses as real footnotes (first occurrence of each term), as a glossary
    appendix, or not at all. Paragraph source notes (footnote marks) are always real footnotes
    unless ``source_notes`` is off.
    """

    layout: Layout = "parallel"
    source_side: Literal["right", "left"] = "right"
    page_size: str = "A4"
    margins_mm: float | tuple[float, float, float, float] = 20.0
    latin_font: str = DEFAULT_LATIN_FONT
    hebrew_font: str = DEFAULT_HEBREW_FONT
    latin_size: float = 11.0
    hebrew_size: float = 13.0
    title_page: bool = True
    title: str | None = None
    author: str | None = None
    translator: str | None = None
    credits: str | None = None
    running_header: bool = True
    page_numbers: bool = True
    italics: bool = True
    bold_labels: bool = True
    notes: NotesMode = "footnotes"
    source_notes: bool = True
    annotations: bool = True
    confirmed_only: bool = False
    comments: bool = False  # the desk's comment threads as Word comments (w:comment) beside their paragraphs
    column_headings: bool = True
    warnings: list[str] = field(default_factory=list, compare=False, repr=False)

    def margins(self) -> tuple[float, float, float, float]:
        m = self.margins_mm
        if isinstance(m, int | float):
            return (float(m),) * 4  # type: ignore[return-value]
        if len(m) != 4:
            raise WorkbenchError("margins need one value or four (top, right, bottom, left) in mm")
        return tuple(float(x) for x in m)  # type: ignore[return-value]

    def validated(self) -> ExportOptions:
        """A checked copy: errors for impossible values, warnings (kept in ``warnings``) for fonts."""
        if self.layout not in LAYOUTS:
            raise WorkbenchError(f"unknown layout {self.layout!r}; choose one of {', '.join(LAYOUTS)}")
        if self.source_side not in ("right", "left"):
            raise WorkbenchError("source_side must be 'right' or 'left'")
        size = normalize_page_size(self.page_size)
        if self.notes not in ("footnotes", "glossary", "none"):
            raise WorkbenchError("notes must be 'footnotes', 'glossary' or 'none'")
        w, h = PAGE_SIZES[size]
        margins = self.margins()
        if any(m < 0 for m in margins):
            raise WorkbenchError("margins cannot be negative")
        if margins[1] + margins[3] > w - 40 or margins[0] + margins[2] > h - 40:
            raise WorkbenchError(f"margins of {margins} mm leave too little room on a {size} page")
        for name in ("latin_size", "hebrew_size"):
            if not 4 <= float(getattr(self, name)) <= 72:
                raise WorkbenchError(f"{name.replace('_', ' ')} must be between 4 and 72 pt")
        warnings: list[str] = list(self.warnings)  # validating twice keeps, and does not repeat, them
        fonts = {}
        for attr, default in (("latin_font", DEFAULT_LATIN_FONT), ("hebrew_font", DEFAULT_HEBREW_FONT)):
            name = (getattr(self, attr) or "").strip()
            if not font_known(name):
                warnings.append(
                    f"font {name!r} is not installed here and not a known font; using {default!r} instead"
                )
                name = default
            fonts[attr] = name
        return replace(self, page_size=size, warnings=warnings, **fonts)

    @classmethod
    def field_names(cls) -> list[str]:
        return [f.name for f in fields(cls) if f.name != "warnings"]


def normalize_page_size(name: str) -> str:
    key = (name or "").strip().lower().replace(" ", "").replace("in", "").replace("×", "x")
    for size in PAGE_SIZES:
        if size.lower() == key:
            return size
    raise WorkbenchError(f"unknown page size {name!r}; choose one of {', '.join(PAGE_SIZES)}")
