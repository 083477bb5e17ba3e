"""Turn uploaded bytes into text, or say exactly why not.

Editors bring files from old Hebrew word processors, from Windows Notepad (UTF-16) and from the web
(UTF-8 with or without BOM). A wrong guess silently corrupts every Hebrew letter, so this module
never guesses a legacy code page: Windows-1255 is recognised and *reported*, and a caller that has
checked with the editor can decode it deliberately with ``encoding="cp1255"``.
"""

from __future__ import annotations

import codecs
import os
import re
from pathlib import Path

from workbench.errors import InputError, WorkbenchError

DEFAULT_MAX_BYTES = 50 * 1024 * 1024
MAX_BYTES_ENV = "WORKBENCH_MAX_BYTES"

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),  # before UTF-16 LE: it starts with the same two bytes
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
# C0 controls that never occur in text files (tab, LF, VT, FF, CR and ESC excluded).
_CONTROL = bytes([*range(0, 9), 14, 15, *range(16, 27), 28, 29, 30, 31])
_HIGH = bytes(range(0x80, 0x100))
_CP1255_WORD = re.compile(rb"[\xe0-\xfa]{2,}")
_SNIFF = 64 * 1024


def iconv_hint(name: str | Path | None) -> str:
    """The conversion command for this very file, ready to paste."""
    p = Path(str(name)) if name else Path("FILE.txt")
    return f"iconv -f cp1255 -t utf-8 {p.name} > {p.stem}.utf8{p.suffix or '.txt'}"


def max_bytes(override: int | None = None) -> int:
    """The size limit: the argument, else ``$WORKBENCH_MAX_BYTES``, else 50 MB."""
    if override is not None:
        return override
    raw = os.environ.get(MAX_BYTES_ENV, "").strip()
    if not raw:
        return DEFAULT_MAX_BYTES
    try:
        value = int(raw)
    except ValueError:
        raise WorkbenchError(f"{MAX_BYTES_ENV} must be a number of bytes, got {raw!r}") from None
    if value <= 0:
        raise WorkbenchError(f"{MAX_BYTES_ENV} must be positive, got {raw!r}")
    return value


def human_size(n: int) -> str:
    """50 MB, 1.5 MB, 12 KB, 300 bytes: precise enough to compare a file with its limit."""
    mb = 1024 * 1024
    if n >= mb:
        return f"{n / mb:.1f}".removesuffix(".0") + " MB"
    if n >= 1024:
        return f"{n / 1024:.1f}".removesuffix(".0") + " KB"
    return f"{n} bytes"


def check_size(size: int, name: str | Path | None, limit: int | None = None) -> None:
    limit = max_bytes(limit)
    if size > limit:
        raise InputError(name, f"file is {human_size(size)}, over the limit of {human_size(limit)}")


def read_limited(path: str | Path, limit: int | None = None) -> bytes:
    """Read a file after checking its size, so a huge file is refused before it fills memory."""
    p = Path(path)
    try:
        size = p.stat().st_size
    except FileNotFoundError:
        raise InputError(p, "no such file") from None
    except OSError as exc:
        raise InputError(p, f"cannot read: {exc.strerror or exc}") from None
    if p.is_dir():
        raise InputError(p, "is a folder, not a file")
    check_size(size, p, limit)
    try:
        return p.read_bytes()
    except OSError as exc:
        raise InputError(p, f"cannot read: {exc.strerror or exc}") from None


def looks_binary(data: bytes) -> bool:
    """NUL bytes or more than 1% of never-in-text control bytes (in the first 64 KB)."""
    sample = data[:_SNIFF]
    if b"\x00" in sample:
        return True
    controls = len(sample) - len(sample.translate(None, _CONTROL))
    return controls > max(2, len(sample) // 100)


def _utf16_without_bom(data: bytes) -> tuple[str, str] | None:
    """Decode BOM-less UTF-16 when the NUL bytes all sit on one side of each code unit.

    English in UTF-16 has a NUL in every other byte; binary files have NULs anywhere. Hebrew has
    few NULs (only spaces and punctuation), but they still fall on one parity.
    """
    if len(data) % 2:
        return None
    sample = data[:_SNIFF]
    even = sample[0::2].count(0)
    odd = sample[1::2].count(0)
    if (even and odd) or not (even or odd):
        return None
    enc = "utf-16-le" if odd else "utf-16-be"
    try:
        text = data.decode(enc)
    except UnicodeDecodeError:
        return None
    if any(ch in text[:_SNIFF] for ch in "\x00\x01\x02\x03\x04\x05\x06\x07\x08"):
        return None
    return text, enc


def looks_cp1255(data: bytes) -> bool:
    """High bytes that are mostly Hebrew letters of Windows-1255 / ISO-8859-8 (0xE0-0xFA) *in runs*.

    A legacy Hebrew file has one high byte per letter, so its words are runs of them; Latin-1
    French or German uses the same byte values for single accented letters between ASCII ones,
    and must not be called Hebrew.
    """
    sample = data[:_SNIFF]
    high = len(sample) - len(sample.translate(None, _HIGH))
    if not high:
        return False
    in_words = sum(len(w) for w in _CP1255_WORD.findall(sample))
    return in_words / high >= 0.6


def decode(data: bytes, name: str | Path | None = None, *, encoding: str | None = None) -> tuple[str, str]:
    """Return (text, encoding used); raise InputError naming ``name`` when the bytes are not text.

    ``encoding`` forces a codec (e.g. ``"cp1255"`` after the editor confirmed the file is legacy
    Hebrew); a BOM for the same family is still removed.
    """
    if not data:
        raise InputError(name, "file is empty")
    if encoding:
        return _decode_as(data, name, encoding), encoding
    for bom, enc in _BOMS:
        if data.startswith(bom):
            return _decode_as(data[len(bom) :], name, enc, offset=len(bom)), enc
    if looks_binary(data):
        found = _utf16_without_bom(data)
        if found is not None:
            return found
        raise InputError(name, "binary file, not text")
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as exc:
        if looks_cp1255(data):
            raise InputError(
                name,
                "looks like Windows-1255 (legacy Hebrew), not UTF-8; convert it with "
                f"`{iconv_hint(name)}` or import it with encoding cp1255",
            ) from None
        bad = data[exc.start : exc.start + 1].hex().upper()
        raise InputError(name, f"not valid UTF-8: undecodable byte 0x{bad} at offset {exc.start}") from None


def _decode_as(data: bytes, name: str | Path | None, enc: str, *, offset: int = 0) -> str:
    try:
        codecs.lookup(enc)
    except LookupError:
        raise InputError(name, f"unknown encoding {enc!r}") from None
    if codecs.lookup(enc).name == "utf-8" and data.startswith(codecs.BOM_UTF8):
        data, offset = data[3:], offset + 3
    try:
        text = data.decode(enc)
    except UnicodeDecodeError as exc:
        bad = data[exc.start : exc.start + 1].hex().upper()
        raise InputError(
            name, f"not valid {enc}: undecodable byte 0x{bad} at offset {exc.start + offset}"
        ) from None
    text = text.removeprefix("\ufeff")
    if not text:
        raise InputError(name, "file is empty")
    return text
