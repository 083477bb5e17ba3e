"""Export figures: DOCX editions of 2,000 links (target <= 10 s), TMX/CSV/XLSX of the same, and the
memory a 10,000-link edition needs beside the document model (tracemalloc peak).

Run: python tests/bench/export_bench.py   (part of `make bench`). Baselines measured in the same run:
writing the same text as a plain .txt file, and python-docx's own object API on a slice of the
links (its cell-by-cell table building is what the exporter avoids). Prints figures, no pass/fail.
"""

from __future__ import annotations

import gc
import json
import resource
import sys
import tempfile
import time
import tracemalloc
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

from workbench.export import ExportOptions, build_docx, write_csv, write_docx, write_tmx, write_xlsx  # noqa: E402
from workbench.export.ooxml import save_streaming  # noqa: E402
from workbench.hebrew import parse_label  # noqa: E402
from workbench.model import Document, Link, Mark, Paragraph, Text  # noqa: E402

PAIRS = REPO / "tests" / "data" / "intro_zohar" / "pairs.jsonl"


def texts() -> list[tuple[str, str]]:
    """Sefaria's 168 gold segment pairs of the Introduction to the Zohar (tests/data/intro_zohar/)."""
    return [(d["he"], d["en"]) for d in map(json.loads, PAIRS.read_text(encoding="utf-8").splitlines())]


def make_doc(n: int) -> tuple[Document, list[Link]]:
    base = texts()
    src, tgt = [], []
    for i in range(n):
        he, en = base[i % len(base)]
        if i >= len(base):  # every paragraph its own string, as in a real document
            he, en = f"{he} ({i})", f"{en} ({i})"
        lab, val, _ = parse_label(he)
        src.append(Paragraph(he, [], lab, val))
        marks = [Mark(len(en), len(en), "footnote", f"Note {i}.")] if i % 50 == 0 else []
        if len(en) > 20 and i % 7 == 0:
            marks.append(Mark(3, 12, "italic"))
        lab, val, _ = parse_label(en)
        tgt.append(Paragraph(en, marks, lab, val))
    doc = Document("Bench edition", Text("he", src), Text("en", tgt), id=1)
    links = [Link([s.id], [t.id], score=0.8, status="confirmed" if i % 3 else "auto") for i, (s, t) in enumerate(zip(src, tgt, strict=True))]
    return doc, links


def timed(fn, *a, **kw):
    t0 = time.perf_counter()
    out = fn(*a, **kw)
    return time.perf_counter() - t0, out


def naive_python_docx(doc: Document, links: list[Link], path: Path) -> None:
    """The obvious python-docx way: add_table / add_row / cell.text. The baseline to beat."""
    import docx

    d = docx.Document()
    table = d.add_table(rows=0, cols=2)
    index = doc.paragraph_index()
    for lk in links:
        row = table.add_row()
        row.cells[0].text = "\n".join(index[i].text for i in lk.target)
        row.cells[1].text = "\n".join(index[i].text for i in lk.source)
    d.save(str(path))


def bench_speed(tmp: Path) -> None:
    n = 2000
    doc, links = make_doc(n)
    chars = sum(len(p.text) for p in doc.source.paragraphs + doc.target.paragraphs)
    t_txt, _ = timed(lambda: (tmp / "plain.txt").write_text("\n\n".join(p.text for p in doc.source.paragraphs + doc.target.paragraphs)))
    print(f"document: {n} links, {chars / 1e6:.2f} M characters (Sefaria pairs of tests/data, repeated)")
    print(f"baseline plain-text write: {t_txt * 1000:.1f} ms")
    sample = 300
    t_naive, _ = timed(naive_python_docx, doc, links[:sample], tmp / "naive.docx")
    naive_full = t_naive * n / sample
    print(f"baseline python-docx object API: {t_naive:.2f} s for {sample} links (~{naive_full:.1f} s for {n}, extrapolated)")
    for layout in ("parallel", "alternating", "translation"):
        out = tmp / f"{layout}.docx"
        t, stats = timed(write_docx, doc, links, out, ExportOptions(layout=layout))
        verdict = "OK" if t <= 10 else "OVER TARGET"
        print(f"DOCX {layout:<11} {n} links: {t:.2f} s (target <= 10 s: {verdict}); {stats.footnotes} footnotes;"
              f" {out.stat().st_size / 1e6:.2f} MB; x{naive_full / t:.1f} faster than the object API;"
              f" x{t / max(t_txt, 1e-9):.0f} the plain-text write")
    for name, fn, ext in (("TMX", write_tmx, "tmx"), ("CSV", write_csv, "csv"), ("XLSX", write_xlsx, "xlsx")):
        out = tmp / f"a.{ext}"
        t, _ = timed(fn, doc, links, out)
        print(f"{name:<4} {n} links: {t:.2f} s; {out.stat().st_size / 1e6:.2f} MB")


def bench_memory(tmp: Path) -> None:
    n = 10_000
    gc.collect()
    rss0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    tracemalloc.start()
    doc, links = make_doc(n)
    model, _ = tracemalloc.get_traced_memory()
    tracemalloc.reset_peak()
    t0 = time.perf_counter()
    document, stats = build_docx(doc, links, ExportOptions(layout="parallel"))
    out = tmp / "big.docx"
    save_streaming(document, out)
    t = time.perf_counter() - t0
    cur, peak = tracemalloc.get_traced_memory()
    rss1 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    # python-docx's own save serialises document.xml to one bytes object first: the copy we avoid.
    tracemalloc.reset_peak()
    before, _ = tracemalloc.get_traced_memory()
    document.save(str(tmp / "big-blob.docx"))
    _, peak_blob = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    with zipfile.ZipFile(out) as z:
        xml_size = z.getinfo("word/document.xml").file_size
    text_bytes = sum(len(p.text.encode()) for p in doc.source.paragraphs + doc.target.paragraphs)
    print(f"memory, {n} links ({text_bytes / 1e6:.1f} MB of UTF-8 text, document.xml {xml_size / 1e6:.1f} MB): built and"
          f" saved in {t:.1f} s under tracemalloc")
    print(f"  Python heap (tracemalloc): document model {model / 1e6:.1f} MB; export peak above it"
          f" {(peak - model) / 1e6:.1f} MB (x{(peak - model) / model:.2f} the model);"
          f" left after export {(cur - model) / 1e6:.1f} MB")
    print(f"  python-docx Document.save() instead of the streaming save: peak +{(peak_blob - before) / 1e6:.1f} MB"
          f" (a second copy of document.xml as bytes)")
    print(f"  process max RSS grew {(rss1 - rss0) / 1024:.0f} MB for model + DOCX tree (lxml's tree lives outside"
          " the Python heap)")
    del document


def bench_10k_time(tmp: Path) -> None:
    doc, links = make_doc(10_000)
    t, stats = timed(write_docx, doc, links, tmp / "10k.docx", ExportOptions())
    print(f"DOCX parallel 10000 links: {t:.2f} s ({stats.rows} rows)")


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        bench_memory(Path(tmp))  # first, so that max RSS starts from a small process
        bench_speed(Path(tmp))
        bench_10k_time(Path(tmp))


if __name__ == "__main__":
    main()
