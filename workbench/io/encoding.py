"""Turn uploaded bytes into text, or say exactly why not.

Editors bring files from old Hebrew word processors, from Windows Notepad (UTF-16) and from the web
(UTF-8 with or without BOM). A wrong guess silently corrupts every Hebrew letter, so a legacy code
page is used only when the bytes leave no doubt (:func:`legacy_hebrew`): the letters of Windows-1255
and ISO-8859-8 (0xE0-0xFA) must make up the words, no byte may be one the code page lacks, and the
five final letters must stand where Hebrew puts them — at the ends of words, with their ordinary
forms almost never there. Cyrillic Windows-1251, Latin-1 and random bytes all fail one of these.
When the guess is not clear the file is refused with the advice to name the encoding.
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
_HEBREW_WORD = re.compile(rb"[\xe0-\xfa]+")
_FINALS = frozenset(b"\xea\xed\xef\xf3\xf5")  # final kaf, mem, nun, pe, tsadi
_MEDIALS = frozenset(b"\xeb\xee\xf0\xf4\xf6")  # their ordinary forms
#: bytes Windows-1255 leaves undefined: a file holding one is not Windows-1255
_CP1255_HOLES = frozenset(b"\x81\x8a\x8c\x8d\x8e\x8f\x90\x9a\x9c\x9d\x9e\x9f\xca\xd9\xda\xdb\xdc\xdd\xde\xdf\xfb\xfc\xff")
#: bytes only Windows-1255 gives meaning to: typographic punctuation (0x80-0x9F are control codes in
#: ISO-8859-8) and the points and marks of 0xC0-0xD8 (undefined there)
_CP1255_ONLY = frozenset(range(0x80, 0xA0)) | frozenset(range(0xC0, 0xD9))
MIN_LEGACY_LETTERS = 30
LEGACY_NAMES = {"cp1255": "Windows-1255", "iso-8859-8": "ISO-8859-8"}
_SNIFF = 64 * 1024
_MIN_UTF16_NUL_SHARE = 20  # BOM-less UTF-16 needs a NUL in at least one code unit of 20


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


def upload_limit_mb(limit: int | None = None) -> int:
    """:func:`max_bytes` in whole megabytes (rounded up, at least 1): what ``workbench serve`` gives
    Streamlit as ``server.maxUploadSize`` and the Library's uploaders show, so the browser offers
    exactly the files the importer accepts (one limit, one setting)."""
    return max(1, -(-max_bytes(limit) // (1024 * 1024)))


def human_size(n: int) -> str:
    """50 MB, 1.5 MB, 12 KB, 300 bytes: precise enough to compare a file with its limit."""
    mb = 1024 * 1024
    if n >= mb:
        return f"{n / mb:.1f}".removesuffix(".0") + " MB"
    if n >= 1024:
        return f"{n / 1024:.1f}".removesuffix(".0") + " KB"
    return f"{n} bytes"


#: what raises the input limit, named in every refusal so the editor knows how to go on
LIMIT_HINT = "--max-mb or WORKBENCH_MAX_BYTES raises it"
_CHUNK = 1024 * 1024


def check_size(size: int, name: str | Path | None, limit: int | None = None, *, hint: str = LIMIT_HINT) -> None:
    limit = max_bytes(limit)
    if size > limit:
        raise InputError(name, f"file is {human_size(size)}, over the limit of {human_size(limit)} ({hint})")


def read_limited(path: str | Path, limit: int | None = None, *, hint: str = LIMIT_HINT) -> bytes:
    """Read a file, counting the bytes actually read against the limit.

    The size a file claims is only a first check: a device (``/dev/zero``) or a pipe claims 0 bytes
    and then never ends, so reading stops at the first byte over the limit. A FIFO is opened without
    waiting for a writer (with none, it is an empty file rather than a hang).
    """
    import fcntl
    import stat

    p = Path(path)
    limit = max_bytes(limit)
    try:
        fd = os.open(p, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except FileNotFoundError:
        raise InputError(p, "no such file") from None
    except IsADirectoryError:
        raise InputError(p, "is a folder, not a file") from None
    except OSError as exc:
        raise InputError(p, f"cannot read: {exc.strerror or exc}") from None
    st = os.fstat(fd)
    if stat.S_ISDIR(st.st_mode):
        os.close(fd)
        raise InputError(p, "is a folder, not a file")
    with os.fdopen(fd, "rb", buffering=0) as fh:
        if stat.S_ISREG(st.st_mode):
            check_size(st.st_size, p, limit, hint=hint)
        else:  # a pipe or a device: wait for its data like an ordinary read
            fcntl.fcntl(fd, fcntl.F_SETFL, fcntl.fcntl(fd, fcntl.F_GETFL) & ~os.O_NONBLOCK)
        chunks: list[bytes] = []
        total = 0
        try:
            while True:
                chunk = fh.read(min(_CHUNK, limit + 1 - total))
                if not chunk:
                    break
                chunks.append(chunk)
                total += len(chunk)
                if total > limit:
                    raise InputError(p, f"file is over the limit of {human_size(limit)} ({hint})")
        except OSError as exc:
            raise InputError(p, f"cannot read: {exc.strerror or exc}") from None
    return b"".join(chunks)


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
    # Spaces alone are a NUL in one code unit of six or so, even in Hebrew; a stray NUL or two in a
    # UTF-8 file is not UTF-16 (decoded as such it would be stored as Chinese-looking garbage).
    if max(even, odd) < max(2, len(sample) // 2 // _MIN_UTF16_NUL_SHARE):
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


def legacy_hebrew(data: bytes) -> tuple[str | None, str]:
    """(``"cp1255"`` or ``"iso-8859-8"``, why) when the bytes are legacy Hebrew beyond doubt, else
    (None, why not). Reads the whole file: one stray byte anywhere decides against."""
    present = set(data)
    if present & _CP1255_HOLES - {0xDF}:
        return None, "it has bytes that Windows-1255 does not define"
    if not looks_cp1255(data):
        return None, "its non-ASCII bytes do not form Hebrew words"
    words = _HEBREW_WORD.findall(data)
    letters = sum(len(w) for w in words)
    if letters < MIN_LEGACY_LETTERS:
        return None, f"it has only {letters} Hebrew letters, too few to be sure"
    finals_end = sum(w[-1] in _FINALS for w in words)
    finals_all = sum(sum(b in _FINALS for b in w) for w in words)
    medial_end = sum(w[-1] in _MEDIALS for w in words if len(w) > 1)
    if finals_all < 3 or finals_end < 0.8 * finals_all or medial_end > 0.2 * (finals_end + medial_end):
        return None, "its final letters do not stand at the ends of words as in Hebrew"
    if present & _CP1255_ONLY:
        return "cp1255", "Windows-1255"
    if 0xDF in present:
        return "iso-8859-8", "ISO-8859-8"
    return "cp1255", "Windows-1255 (ISO-8859-8 reads this file the same)"


def decode(data: bytes, name: str | Path | None = None, *, encoding: str | None = None) -> tuple[str, str]:
    """Return (text, encoding used); raise InputError naming ``name`` when the bytes are not text.

    ``encoding`` forces a codec (e.g. ``"cp1255"`` after the editor confirmed the file is legacy
    Hebrew); a BOM for the same family is still removed. A NUL character anywhere in the decoded
    text refuses the file: no text file has one, and a damaged or binary one must not be stored.
    """
    text, used = _decode(data, name, encoding=encoding)
    nul = text.find("\x00")
    if nul >= 0:
        line = text.count("\n", 0, nul) + 1
        raise InputError(name, f"a NUL character at line {line} (character {nul + 1}): a binary or damaged "
                               "file, not text; nothing was imported")
    return text, used


def _decode(data: bytes, name: str | Path | None = None, *, encoding: str | None = None) -> tuple[str, str]:
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
        if b"\x00" in data and not looks_binary(data.replace(b"\x00", b"")):
            try:  # text but for its NULs: decode it so that decode() names the line of the first one
                return data.decode("utf-8"), "utf-8"
            except UnicodeDecodeError:
                pass
        raise InputError(name, "binary file, not text")
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as exc:
        codec, why = legacy_hebrew(data)
        if codec is not None:
            return _decode_as(data, name, codec), codec
        if looks_cp1255(data):
            raise InputError(
                name,
                f"looks like legacy Hebrew (Windows-1255), not UTF-8, but not clearly: {why}; convert it with "
                f"`{iconv_hint(name)}` or import it with --source-encoding/--target-encoding cp1255",
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
