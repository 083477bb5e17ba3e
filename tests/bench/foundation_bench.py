"""Foundation figures: importing a 5 MB text pair, and the Library page with 50 x 500 paragraphs.

Run: python tests/bench/foundation_bench.py   (part of `make bench`). Prints figures and ratios
against baselines measured in the same run; no pass/fail timing.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

from workbench.io import load_pair  # noqa: E402
from workbench.model import Document, Paragraph, Text  # noqa: E402
from workbench.store import open_store  # noqa: E402

HE_PAR = "יא) ובזה תבין מה שאמרו ז\"ל שהמסך דגוף עולה לפה דראש עם הרשימות, ושם נעשה זווג דהכאה חדש. "
EN_PAR = "11. By this you will understand what our sages said, that the Masach de Guf rises to Peh de Rosh with the Reshimot, and there a new Zivug de Hakaa is made. "


def make_pair(tmp: Path, mb: float = 5.0) -> tuple[Path, Path]:
    he, en = tmp / "he.txt", tmp / "en.txt"
    half = int(mb * 1024 * 1024 / 2)
    for path, par in ((he, HE_PAR), (en, EN_PAR)):
        unit = (par * 4).strip() + "\n\n"
        n = half // len(unit.encode()) + 1
        path.write_text(unit * n, encoding="utf-8")
    return he, en


def bench_import(tmp: Path) -> None:
    he, en = make_pair(tmp)
    size = (he.stat().st_size + en.stat().st_size) / 1e6
    t0 = time.perf_counter()
    raw = [p.read_text(encoding="utf-8").split("\n\n") for p in (he, en)]
    baseline = time.perf_counter() - t0
    t0 = time.perf_counter()
    doc, _ = load_pair(source=he, target=en, title="bench")
    t_read = time.perf_counter() - t0
    store = open_store(tmp / "import.db")
    t0 = time.perf_counter()
    store.create_document(doc)
    t_store = time.perf_counter() - t0
    n = len(doc.source.paragraphs) + len(doc.target.paragraphs)
    print(f"import {size:.1f} MB pair ({n} paragraphs): read+detect {t_read:.2f} s, store {t_store:.2f} s,"
          f" total {t_read + t_store:.2f} s (target <= 2 s); bare read+split baseline {baseline:.3f} s"
          f" (x{(t_read + t_store) / max(baseline, 1e-9):.0f})")
    assert len(raw[0]) > 0


def bench_library(tmp: Path) -> None:
    db = tmp / "lib.db"
    store = open_store(db)
    for d in range(50):
        store.create_document(Document(
            f"Doc {d}",
            Text("he", [Paragraph(HE_PAR) for _ in range(250)]),
            Text("en", [Paragraph(EN_PAR) for _ in range(250)]),
        ))
    os.environ["WORKBENCH_DB"] = str(db)
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(REPO / "workbench/app/views/library.py"), default_timeout=60)
    t0 = time.perf_counter()
    at.run()
    first = time.perf_counter() - t0
    times = []
    for _ in range(5):
        t0 = time.perf_counter()
        at.run()
        times.append(time.perf_counter() - t0)
    fresh = []  # a new browser session in a warm server: what an editor opening the page waits for
    for _ in range(3):
        other = AppTest.from_file(str(REPO / "workbench/app/views/library.py"), default_timeout=60)
        t0 = time.perf_counter()
        other.run()
        fresh.append(time.perf_counter() - t0)
    t0 = time.perf_counter()
    store.list_documents()
    query = time.perf_counter() - t0
    assert not at.exception, at.exception
    print(f"library page, 50 docs x 500 paragraphs (target <= 1 s): new session median {sorted(fresh)[1]:.3f} s,"
          f" rerun median {sorted(times)[2]:.3f} s; first run in a cold process {first:.2f} s (Python imports"
          f" of streamlit/pandas, once per server); baseline list_documents query alone {query * 1000:.1f} ms")


if __name__ == "__main__":
    with tempfile.TemporaryDirectory() as tmp:
        bench_import(Path(tmp))
        bench_library(Path(tmp))
    print(json.dumps({"bench": "foundation", "ok": True}))
