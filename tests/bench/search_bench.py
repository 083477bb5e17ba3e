"""Concordance and translation-memory benchmark: a generated corpus of N words per side (default one
million), queries through the index against a plain scan of the same paragraphs in the same run, and
translation-memory suggestions against a plain fuzzy scan.

    .venv/bin/python tests/bench/search_bench.py [--words 1000000] [--docs 10] [--db URL] [--json]

The corpus: the demo Zohar introduction's sentences (corpus/intro_zohar), shuffled into new paragraphs
with a seeded generator; one Hebrew word in four replaced (by another word of the text, or by a
generated form: a prefix letter stacked on another word, or a new ending), so the vocabulary grows with
the corpus as a real one does, and every 40th paragraph carries a quotation of 10 to 20 words that
recurs elsewhere (with its English changed a little), what the memory's exact-repeat flag and the
repeats report look for. Runs of 8 words still recur by chance far more than in a real corpus (the
sentences all come from one short book; the bench prints the share of paragraphs sharing one), which
makes the repeats report's figure a worst case.

Baselines, measured in the same run on the same paragraphs:
- scan: every paragraph of the side read from the database and checked with the same matcher the
  search uses (what a concordance without an index does, with the same Hebrew normalisation);
- LIKE: one SQL ``LIKE '%word%'`` scan (no normalisation: finds less, shown for scale);
- memory scan: rapidfuzz's ``process.extract`` over every source paragraph's normalised words.
Goals: a query under 100 ms, suggestions under 200 ms (median and p95 printed).
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

from workbench import search as S  # noqa: E402
from workbench.model import Document, Link, Paragraph, Text  # noqa: E402
from workbench.search_text import match_spans, normalized_words, parse_query  # noqa: E402
from workbench.store import open_store  # noqa: E402

QUERIES = [
    ("he word", "אור", "both"),
    ("he prefixed", "והאור", "both"),
    ("he phrase", '"אור חוזר"', "both"),
    ("he two words", "רצון לקבל", "both"),
    ("he acronym", 'נרנח"י', "both"),
    ("he pointed", "אוֹר חוֹזֵר", "both"),
    ("he wildcard", "תיקונ*", "both"),
    ("he NEAR", "רצון NEAR/3 להשפיע", "both"),
    ("en word", "light", "both"),
    ("en phrase", '"desire to receive"', "both"),
    ("en wildcard", "correct*", "both"),
    ("en stem", "receives", "both"),
    ("both", "אור light", "both"),
    ("rare", "פרצוף", "both"),
]


def corpus(words_per_side: int, docs: int, seed: int = 19) -> list[tuple[Document, list[Link]]]:
    from workbench.io import load_pair
    from workbench.segment import split_sentences

    pair, _ = load_pair(source=REPO / "corpus/intro_zohar/he.json", target=REPO / "corpus/intro_zohar/en.json")
    he_sents = [p.text[a:b] for p in pair.source.paragraphs for a, b in split_sentences(p.text, "he")]
    en_sents = [p.text[a:b] for p in pair.target.paragraphs for a, b in split_sentences(p.text, "en")]
    rng = random.Random(seed)
    he_vocab = sorted({w for s in he_sents for w in s.split()})
    endings = ["ים", "ות", "ו", "ה", "תם", "נו", "יך"]
    quotes = [" ".join(rng.choice(he_sents).split()[:rng.randint(10, 20)]) for _ in range(50)]
    out = []
    per_doc = words_per_side // docs
    for d in range(docs):
        src, tgt, links = [], [], []
        n_he = n_en = 0
        i = 0
        while n_he < per_doc or n_en < per_doc:
            he_words: list[str] = []
            for s in rng.sample(he_sents, rng.randint(3, 8)):
                for w in s.split():
                    r = rng.random()
                    if r < 0.04:
                        w = rng.choice("ובלמשה") + rng.choice(he_vocab)
                    elif r < 0.08:
                        w = w.rstrip(".,:;") + rng.choice(endings)
                    elif r < 0.25:
                        w = rng.choice(he_vocab)
                    he_words.append(w)
            en = " ".join(rng.sample(en_sents, rng.randint(3, 8)))
            if i % 40 == 7:
                q = rng.randrange(len(quotes))
                he_words += quotes[q].split()
                en += f" As it is written: quotation {q} {'rendered' if rng.random() < 0.5 else 'translated'} here."
            p, t = Paragraph(" ".join(he_words)), Paragraph(en)
            src.append(p)
            tgt.append(t)
            links.append(Link([p.id], [t.id]))
            n_he += len(he_words)
            n_en += len(en.split())
            i += 1
        out.append((Document(f"Generated {d + 1}", Text("he", src), Text("en", tgt)), links))
    return out


def timed(fn, repeat: int = 5) -> tuple[float, object]:  # noqa: ANN001
    best = []
    result = None
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn()
        best.append((time.perf_counter() - t0) * 1000)
    return statistics.median(best), result


def scan(store, text: str, lang: str, limit: int) -> int:  # noqa: ANN001
    """The baseline: read the paragraphs of the side and check each with the search's own matcher,
    stopping at ``limit`` matches (``limit`` 0: all of them, what ranking the results would need)."""
    q = parse_query(text, lang)
    side = "source" if q.source else "target"
    clauses = q.side(side)
    hits = 0
    with store.reading() as c:
        for _pid, body in c.execute("SELECT id, text FROM paragraphs WHERE side = ?", (side,)):
            if match_spans(clauses, body) is not None:
                hits += 1
                if limit and hits >= limit:
                    break
    return hits


def like_scan(store, word: str, side: str, limit: int) -> int:  # noqa: ANN001
    with store.reading() as c:
        return len(c.execute("SELECT id FROM paragraphs WHERE side = ? AND text LIKE ? LIMIT ?",
                             (side, f"%{word}%", limit)).fetchall())  # fmt: skip


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--words", type=int, default=1_000_000, help="words per side (default 1,000,000)")
    ap.add_argument("--docs", type=int, default=10)
    ap.add_argument("--db", help="a database URL (default: a new SQLite file)")
    ap.add_argument("--limit", type=int, default=20)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    tmp = tempfile.TemporaryDirectory()
    store = open_store(args.db or str(Path(tmp.name) / "bench.db"))
    figures: dict[str, object] = {"words_per_side": args.words, "backend": store.db.dialect.name}

    t0 = time.perf_counter()
    docs = corpus(args.words, args.docs)
    gen_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    with store.db.bulk_writes():
        for doc, links in docs:
            store.create_document(doc, links=links)
    import_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    store.search.rebuild()
    rebuild_s = time.perf_counter() - t0
    n_src = sum(len(d.source.paragraphs) for d, _ in docs)
    print(f"corpus: {args.words:,} words per side, {n_src:,} paragraph pairs in {args.docs} documents "
          f"(generated in {gen_s:.1f} s); import with indexing {import_s:.1f} s; full index rebuild {rebuild_s:.1f} s")
    figures.update(import_s=round(import_s, 2), rebuild_s=round(rebuild_s, 2), paragraphs_per_side=n_src)

    rows = []
    print(f"\n{'query':<14} {'text':<22} {'matches':>7} {'shown':>5} {'index ms':>9} {'scan ms':>9} {'ratio':>7}"
          f" {'full ms':>9} {'ratio':>7} {'LIKE ms':>8} {'+rend. ms':>9}")
    print("(scan: until the first page of matches is found; full: every paragraph, what ranking needs;"
          " +rend.: as the Search page and the CLI answer a one-sided query, its renderings on the other side counted"
          " and marked)")
    for name, text, lang in QUERIES:
        S.search(store, text, lang=lang, limit=args.limit)  # warm (caches of the first call)
        ms, res = timed(lambda text=text, lang=lang: S.search(store, text, lang=lang, limit=args.limit))
        scan_ms, scan_hits = timed(lambda text=text, lang=lang: scan(store, text, lang, args.limit), repeat=1)
        full_ms, full_hits = timed(lambda text=text, lang=lang: scan(store, text, lang, 0), repeat=1)
        q = parse_query(text, lang)
        side = "source" if q.source else "target"
        word = (q.source or q.target)[0].terms[0].text.strip('"*')
        like_ms, _ = timed(lambda word=word, side=side: like_scan(store, word, side, args.limit), repeat=3)
        n = len(res.hits)  # type: ignore[attr-defined]
        rend_ms = None
        if bool(q.source) != bool(q.target):  # one side: the counterpart is found by counting renderings
            rend_ms, _ = timed(lambda text=text, lang=lang: S.concordance(store, text, lang=lang, limit=args.limit),
                               repeat=3)  # fmt: skip
        rows.append({"query": name, "text": text, "hits": n, "index_ms": round(ms, 1), "scan_ms": round(scan_ms, 1),
                     "full_scan_ms": round(full_ms, 1), "matches": full_hits, "like_ms": round(like_ms, 1),
                     "with_renderings_ms": None if rend_ms is None else round(rend_ms, 1)})
        print(f"{name:<14} {text:<22} {full_hits:>7} {n:>5} {ms:>9.1f} {scan_ms:>9.1f} {scan_ms / max(ms, 1e-6):>6.1f}x"
              f" {full_ms:>9.1f} {full_ms / max(ms, 1e-6):>6.1f}x {like_ms:>8.1f}"
              f" {'' if rend_ms is None else f'{rend_ms:.1f}':>9}")
    figures["queries"] = rows
    med = statistics.median(r["index_ms"] for r in rows)
    worst = max(r["index_ms"] for r in rows)
    rend = [r["with_renderings_ms"] for r in rows if r["with_renderings_ms"] is not None]
    if rend:
        print(f"a one-sided query with its renderings: median {statistics.median(rend):.0f} ms, worst {max(rend):.0f} ms")
    print(f"query: median {med:.1f} ms, worst {worst:.1f} ms (goal < 100 ms); "
          f"scan median {statistics.median(r['scan_ms'] for r in rows):.0f} ms, "
          f"full scan median {statistics.median(r['full_scan_ms'] for r in rows):.0f} ms")

    rng = random.Random(5)
    pairs = [(doc_id, lk.id) for doc_id in [d.id for d in store.list_documents()] for lk in store.get_links(doc_id)]
    sample = rng.sample(pairs, 30)
    S.suggestions(store, *sample[0])
    tm_ms = []
    repeats_flagged = 0
    for doc_id, link_id in sample:
        t0 = time.perf_counter()
        sug = S.suggestions(store, doc_id, link_id)
        tm_ms.append((time.perf_counter() - t0) * 1000)
        repeats_flagged += any(s.repeat for s in sug)
    from rapidfuzz import fuzz, process

    with store.reading() as c:
        texts = [r[0] for r in c.execute("SELECT text FROM paragraphs WHERE side = 'source'")]
    t0 = time.perf_counter()
    keyed = [" ".join(normalized_words(t)) for t in texts]
    prep_ms = (time.perf_counter() - t0) * 1000
    scan_tm = []
    for doc_id, link_id in sample[:5]:
        src = store.search.paragraphs(next(lk.source for lk in store.get_links(doc_id) if lk.id == link_id))
        q = " ".join(normalized_words(" ".join(p["text"] for p in src.values())))
        t0 = time.perf_counter()
        process.extract(q, keyed, scorer=fuzz.ratio, limit=5)
        scan_tm.append((time.perf_counter() - t0) * 1000)
    tm_med, tm_p95 = statistics.median(tm_ms), sorted(tm_ms)[int(0.95 * (len(tm_ms) - 1))]
    print(f"\nmemory suggestions: median {tm_med:.1f} ms, p95 {tm_p95:.1f} ms over {len(tm_ms)} links (goal < 200 ms); "
          f"{repeats_flagged} with an exact repeat flagged; plain fuzzy scan {statistics.median(scan_tm):.0f} ms per "
          f"link (+ {prep_ms:.0f} ms to normalise the corpus once)")
    figures.update(tm_median_ms=round(tm_med, 1), tm_p95_ms=round(tm_p95, 1),
                   tm_scan_ms=round(statistics.median(scan_tm), 1), tm_repeats_flagged=repeats_flagged)

    t0 = time.perf_counter()
    full = S.repeats(store, use_index=False)
    full_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    groups = S.repeats(store)
    rep_s = time.perf_counter() - t0
    same = [g.to_dict() for g in groups] == [g.to_dict() for g in full]
    with store.reading() as c:
        share = len(store.search.repeated_paragraphs()) / max(1, c.execute(
            "SELECT count(*) FROM paragraphs WHERE side = 'source'").fetchone()[0])  # fmt: skip
    print(f"repeats report: {len(groups)} group(s) of differing renderings in {rep_s:.1f} s through the index "
          f"({share:.0%} of the paragraphs share an 8-word run here), reading every link {full_s:.1f} s; "
          f"same groups: {same}")
    figures.update(repeats_s=round(rep_s, 2), repeats_full_s=round(full_s, 2), repeat_groups=len(groups),
                   repeats_same=same)
    # the index follows edits: a paragraph saved (with its index rows, one transaction) is found at once
    edit_ms, found = [], 0
    for n, (doc_id, link_id) in enumerate(sample[:20]):
        pid = next(lk.source for lk in store.get_links(doc_id) if lk.id == link_id)[0]
        para = store.search.paragraphs([pid])[pid]
        t0 = time.perf_counter()
        store.update_paragraph(pid, para["text"] + f" חותמת{n}", expected_rev=para["rev"])
        edit_ms.append((time.perf_counter() - t0) * 1000)
        found += len(S.search(store, f"חותמת{n}", limit=2).hits) == 1
    print(f"paragraph edit with its index rows: median {statistics.median(edit_ms):.1f} ms; "
          f"the new word found right after {found} of {len(edit_ms)} edits")
    figures.update(edit_ms=round(statistics.median(edit_ms), 1), edits_found=found)
    if args.json:
        print(json.dumps(figures, ensure_ascii=False))
    store.close()
    tmp.cleanup()
    return 0


if __name__ == "__main__":
    sys.exit(main())
