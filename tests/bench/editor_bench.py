"""Alignment editor benchmark: server time per interaction on a 3,000-link document.

    python tests/bench/editor_bench.py [--links 3000] [--repeat 3]

Builds a synthetic document in a temporary database (real paragraphs of the demo corpus, repeated,
so the text lengths are realistic; 1-1 links with a few 1-2, random scores, every 10th confirmed)
and drives workbench/app/views/align.py with Streamlit's AppTest. Each figure is the wall time of
one script run in this process (what the server spends per interaction; the browser's rendering is
not included). Target: <= 1 s per interaction. Baselines measured in the same run: the store calls
every run makes (get_links; get_document + get_links) and rendering all rows at once, unwindowed.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

PAGE = str(REPO / "workbench/app/views/align.py")
TARGET = 1.0


def build(db: Path, n_links: int, seed: int = 7) -> int:
    from tests.bench.synthetic import tiled_document
    from workbench.store import open_store

    doc, links = tiled_document(n_links, "Bench", seed)
    store = open_store(db)
    doc_id = store.create_document(doc, "bench")
    store.save_links(doc_id, links, 0, "bench")
    store.close()
    return doc_id


def timed(fn) -> float:  # noqa: ANN001
    t = time.perf_counter()
    fn()
    return time.perf_counter() - t


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--links", type=int, default=3000)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()

    import streamlit as st
    from streamlit.testing.v1 import AppTest

    from workbench.align.edits import confidence_band
    from workbench.app.widgets import link_row_html
    from workbench.store import open_store

    tmp = tempfile.TemporaryDirectory()
    db = Path(tmp.name) / "bench.db"
    os.environ["WORKBENCH_DB"] = str(db)
    t_build = timed(lambda: build(db, args.links))
    doc_id = 1

    # -- baselines ---------------------------------------------------------------------------
    store = open_store(db)
    b_links = min(timed(lambda: store.get_links(doc_id)) for _ in range(args.repeat))
    b_load = min(timed(lambda: (store.get_document(doc_id), store.get_links(doc_id))) for _ in range(args.repeat))
    n_links = len(store.get_links(doc_id))
    store.close()

    def render_all() -> None:  # the unwindowed page: every row at once
        import streamlit as st

        from workbench.align.edits import confidence_band
        from workbench.app.widgets import link_row_html
        from workbench.store import open_store

        s = open_store()
        doc = s.get_document(1)
        links = s.get_links(1)
        paras = doc.paragraph_index()
        for j, lk in enumerate(links):
            st.markdown(link_row_html(j + 1, lk, paras, "he", "en", band=confidence_band(lk.score)), unsafe_allow_html=True)

    assert link_row_html and confidence_band  # imported above so both runs pay the same import cost
    full = AppTest.from_function(render_all, default_timeout=300)
    b_full = timed(full.run)
    assert not full.exception, full.exception

    # -- the page ----------------------------------------------------------------------------
    st.cache_resource.clear()
    figures: dict[str, list[float]] = {}

    def measure(name: str, at: AppTest, step) -> None:  # noqa: ANN001
        t = timed(lambda: step(at))
        assert not at.exception, (name, at.exception)
        assert not at.error, (name, [e.value for e in at.error])
        figures.setdefault(name, []).append(t)

    cold = AppTest.from_file(PAGE, default_timeout=300)
    measure("first render (cold process)", cold, lambda a: a.run())
    rows = sum('class="wb-link"' in m.value and "wb-preview" not in m.value for m in cold.markdown)

    for _ in range(args.repeat):
        at = AppTest.from_file(PAGE, default_timeout=300)
        measure("first render (new session)", at, lambda a: a.run())
        measure("next page", at, lambda a: a.button(key="al_next").click().run())
        measure("filter toggle (only low)", at, lambda a: a.checkbox(key="al_low").check().run())
        measure("filter toggle back", at, lambda a: a.checkbox(key="al_low").uncheck().run())
        measure("next to review", at, lambda a: a.button(key="al_review").click().run())
        measure("confirm one link", at, lambda a: a.button(key="al_confirm").click().run())
        measure("merge with next", at, lambda a: a.button(key="al_merge").click().run())
        measure("undo", at, lambda a: a.button(key="al_undo_btn").click().run())
        measure("rerun, nothing changed", at, lambda a: a.run())

    print(f"document: {n_links} links ({args.links} source paragraphs), built in {t_build:.2f} s;"
          f" page shows {rows} rows per run (default page size)")  # fmt: skip
    print()
    print(f"{'interaction':34} {'median s':>9} {'max s':>7} {'vs 1 s':>8} {'vs full render':>15}")
    print("-" * 77)
    for name, ts in figures.items():
        med, worst = statistics.median(ts), max(ts)
        ok = "ok" if worst <= TARGET else "OVER"
        print(f"{name:34} {med:9.3f} {worst:7.3f} {ok:>8} {med / b_full:14.1%}")
    print("-" * 77)
    print("baselines (same run):")
    print(f"  store.get_links ({n_links} links)            {b_links:7.3f} s")
    print(f"  store.get_document + get_links           {b_load:7.3f} s")
    print(f"  all {n_links} rows rendered unwindowed       {b_full:7.3f} s  (one run, no widgets, no chart)")
    over = [n for n, ts in figures.items() if max(ts) > TARGET and "cold" not in n]
    print()
    print("every warm interaction within 1 s" if not over else f"over 1 s: {', '.join(over)}")
    tmp.cleanup()
    return 0 if not over else 1


if __name__ == "__main__":
    sys.exit(main())
