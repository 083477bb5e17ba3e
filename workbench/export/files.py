"""Where exports go and how they are written: sanitised names, the exports folder, atomic writes.

Every exporter writes to a temporary file in the destination folder and renames it into place with
``os.replace``, so a reader never sees half a file and a failed export leaves the old file intact.
The app only writes inside the exports folder; :func:`export_path` refuses anything that would
land outside it.
"""

from __future__ import annotations

import os
import re
import unicodedata
from pathlib import Path

from workbench.errors import WorkbenchError

_UNSAFE = re.compile(r"[^\w.\- ]+", re.UNICODE)
_SPACES = re.compile(r"[\s_]+")
_RESERVED = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(1, 10)), *(f"lpt{i}" for i in range(1, 10))}


def exports_dir() -> Path:
    """``WORKBENCH_EXPORTS`` if set, else the project's ``exports/`` folder (the working directory's)."""
    env = os.environ.get("WORKBENCH_EXPORTS")
    return Path(env).expanduser() if env else Path.cwd() / "exports"


def safe_filename(name: str, ext: str = "", max_len: int = 80) -> str:
    """A file name safe on every OS: no separators, no ``..``, no control characters, Hebrew kept.

    ``safe_filename("../../etc/passwd")`` -> ``etc_passwd``; ``safe_filename("מבוא לזהר", ".docx")``
    -> ``מבוא_לזהר.docx``.
    """
    if ext and not ext.startswith("."):
        ext = "." + ext
    stem = unicodedata.normalize("NFC", name or "")
    if ext and stem.lower().endswith(ext.lower()):
        stem = stem[: -len(ext)]
    stem = stem.replace("/", " ").replace("\\", " ")
    stem = "".join(ch for ch in stem if unicodedata.category(ch)[0] != "C")
    stem = _UNSAFE.sub(" ", stem)
    stem = _SPACES.sub("_", stem.strip())
    stem = re.sub(r"_*-_*", "-", stem)  # "Title - parallel" -> "Title-parallel"
    stem = re.sub(r"\.{2,}", ".", stem).strip("._-")
    stem = stem[:max_len].rstrip("._-")
    if not stem or stem.lower().split(".")[0] in _RESERVED:
        stem = f"export_{stem}" if stem else "export"
    return stem + ext


def export_path(name: str, ext: str, folder: Path | None = None) -> Path:
    """The path for an export named ``name`` inside the exports folder (created if needed).

    The name is sanitised, and the resolved result must still be inside the folder (a symlink in
    the folder pointing elsewhere is refused as well).
    """
    base = (folder or exports_dir()).expanduser()
    try:
        base.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise WorkbenchError(f"cannot create the exports folder {base}: {exc.strerror or exc}") from exc
    base = base.resolve()
    path = (base / safe_filename(name, ext)).resolve()
    if path.parent != base:
        raise WorkbenchError(f"refusing to write {path}: outside the exports folder {base}")
    return path


