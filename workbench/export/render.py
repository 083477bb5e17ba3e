"""Render an edition with LibreOffice (DOCX -> PDF) and poppler (page count, text, page image).

Used by the render test and by the Export page's preview. Each conversion runs soffice with a
private profile folder, so it neither collides with an open LibreOffice nor with a parallel run.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from pathlib import Path

from workbench.errors import WorkbenchError


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def can_render() -> bool:
    return bool(soffice() and shutil.which("pdftoppm") and shutil.which("pdfinfo"))


def _run(cmd: list[str], timeout: float) -> subprocess.CompletedProcess:
    try:
        return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired as exc:
        raise WorkbenchError(f"{Path(cmd[0]).name} took more than {timeout:.0f} s; gave up") from exc
    except OSError as exc:
        raise WorkbenchError(f"cannot run {cmd[0]}: {exc}") from exc


def docx_to_pdf(docx_path: str | Path, outdir: str | Path, timeout: float = 180) -> Path:
    exe = soffice()
    if not exe:
        raise WorkbenchError("LibreOffice (soffice) is not installed; cannot render a PDF")
    docx_path, outdir = Path(docx_path).resolve(), Path(outdir).resolve()
    outdir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="wb-lo-") as profile:
        proc = _run(
            [exe, f"-env:UserInstallation={Path(profile).as_uri()}", "--headless", "--norestore",
             "--convert-to", "pdf", "--outdir", str(outdir), str(docx_path)],
            timeout,
        )
    pdf = outdir / (docx_path.stem + ".pdf")
    if not pdf.exists():
        raise WorkbenchError(f"LibreOffice did not convert {docx_path.name}: {(proc.stderr or proc.stdout).strip()[:300]}")
    return pdf


def pdf_pages(pdf: str | Path) -> int:
    proc = _run(["pdfinfo", str(pdf)], 60)
    m = re.search(r"^Pages:\s+(\d+)", proc.stdout, re.M)
    if not m:
        raise WorkbenchError(f"pdfinfo cannot read {Path(pdf).name}: {proc.stderr.strip()[:200]}")
    return int(m.group(1))


def pdf_text(pdf: str | Path, first: int | None = None, last: int | None = None, layout: bool = False) -> str:
    """The PDF's text (``layout``: keep the physical layout, so columns stay side by side)."""
    cmd = ["pdftotext", "-enc", "UTF-8", *(["-layout"] if layout else [])]
    if first:
        cmd += ["-f", str(first)]
    if last:
        cmd += ["-l", str(last)]
    proc = _run([*cmd, str(pdf), "-"], 60)
    return proc.stdout


def page_png(pdf: str | Path, out_png: str | Path, page: int = 1, dpi: int = 80) -> Path:
    """Page ``page`` of ``pdf`` as a PNG at ``out_png``."""
    out_png = Path(out_png)
    stem = out_png.with_suffix("")
    _run(["pdftoppm", "-png", "-r", str(dpi), "-f", str(page), "-l", str(page), "-singlefile", str(pdf), str(stem)], 60)
    made = stem.with_suffix(".png")
    if not made.exists():
        raise WorkbenchError(f"pdftoppm made no image of page {page} of {Path(pdf).name}")
    if made != out_png:
        made.replace(out_png)
    return out_png


def preview_png(docx_path: str | Path, out_png: str | Path, page: int = 1, dpi: int = 80) -> tuple[Path, int]:
    """Render ``docx_path`` and keep one page as a PNG; returns (png, page count)."""
    with tempfile.TemporaryDirectory(prefix="wb-render-") as tmp:
        pdf = docx_to_pdf(docx_path, tmp)
        pages = pdf_pages(pdf)
        return page_png(pdf, out_png, page=min(page, pages), dpi=dpi), pages
