"""Consistency-checks benchmark: full check of a 1 M-word corpus and incremental re-checks after an edit.

    python tests/bench/checks_bench.py [--words 1000000] [--terms 2000] [--docs 60] [--edits 20]

Corpus: Baal HaSulam's Introduction to the Zohar (corpus/intro_zohar, Hebrew and English, paired
by Sefaria segment) repeated over --docs documents until the English has --words words; --terms
terms (the starter termbase plus synthetic transliterations) are sprinkled into aligned pairs, with
some renderings missing, variant, forbidden or lower-cased and some typographic slips, so that every
check has work to do. Figures printed:

1. full check (cold: empty findings table), forced full re-check (findings exist), a run with nothing
   changed; each split into loading, link checks, storing and corpus aggregates (the worker count is
   the automatic one; the forced re-check is also timed in one process, as a baseline, with its CPU
   time: the figure to compare runs by on a busy machine);
2. incremental: after editing one paragraph, ``recheck_paragraphs`` (the editor's path) and
   ``run([doc])`` (signature-based), median and max over --edits edits;
3. ratios against baselines measured in the same run: incremental vs the forced full re-check, and
   the full check vs a naive term-missing check (one regex per term per link, timed on a slice and
   extrapolated) that does a fraction of the work.
"""

from __future__ import annotations

import argparse
import html
import json
import random
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

from workbench.checks import CheckRunner  # noqa: E402
from workbench.model import Document, Link, Paragraph, Text  # noqa: E402
from workbench.store import open_store  # noqa: E402
from workbench.terms import Term  # noqa: E402
from workbench.terms.csvio import read_csv  # noqa: E402

CORPUS = REPO / "corpus"
TAG = re.compile(r"<[^>]+>")
LATIN = ["b", "ch", "d", "g", "k", "l", "m", "n", "p", "r", "s", "sh", "t", "tz", "v", "y", "z"]
HEB = {"b": "ב", "ch": "ח", "d": "ד", "g": "ג", "k": "ק", "l": "ל", "m": "מ", "n": "נ", "p": "פ", "r": "ר",
       "s": "ס", "sh": "ש", "t": "ת", "tz": "צ", "v": "ו", "y": "י", "z": "ז"}  # fmt: skip
VOWELS = ["a", "e", "i", "o", "u"]


def pairs() -> list[tuple[str, str]]:
    he = json.loads((CORPUS / "intro_zohar" / "he.json").read_text(encoding="utf-8"))["text"]
    en = json.loads((CORPUS / "intro_zohar" / "en.json").read_text(encoding="utf-8"))["text"]

    def clean(s: object) -> str:
        return " ".join(html.unescape(TAG.sub("", s)).split()) if isinstance(s, str) else ""

    out = []
    for i, (hs, es) in enumerate(zip(he, en, strict=False)):
        for j in range(min(len(hs), len(es))):
            h, e = clean(hs[j]), clean(es[j])
            if h and e:
                out.append((h, e))
        del i
    return out


def synthetic_terms(n: int, rng: random.Random) -> list[Term]:
    terms, seen = [], set()
    while len(terms) < n:
        sylls = [(rng.choice(LATIN), rng.choice(VOWELS)) for _ in range(rng.randint(3, 4))]
        end = rng.choice(["t", "m", "l", "r"])
        latin = "".join(c + v for c, v in sylls).capitalize() + end
        heb = "".join(HEB[c] for c, _ in sylls) + {"t": "ת", "m": "ם", "l": "ל", "r": "ר"}[end]
        if latin.lower() in seen or heb in seen:
            continue
        seen.update((latin.lower(), heb))
        variants = [latin.replace("ch", "kh")] if "ch" in latin else [latin + "h"]
        terms.append(Term(heb, latin, variants=variants, forbidden=[latin + latin[-1]],
                          gloss=f"gloss{len(terms)}", gloss_first=rng.random() < 0.3))  # fmt: skip
    return terms


def insert(text: str, word: str, rng: random.Random) -> str:
    toks = text.split(" ")
    toks.insert(rng.randrange(len(toks) + 1), word)
    return " ".join(toks)


def build(store, words: int, n_terms: int, n_docs: int, rng: random.Random) -> tuple[int, int, list[Term]]:  # noqa: ANN001
    starter, _ = read_csv(CORPUS / "termbase.csv")
    synth = synthetic_terms(n_terms - len(starter), rng)
    terms = starter + synth
    store.terms.import_terms(terms, "bench")
    base = pairs()
    base_words = sum(len(e.split()) for _, e in base)
    per_doc = max(1, words // n_docs)
    total_words = total_paras = 0
    for d in range(n_docs):
        src, tgt = [], []
        count = 0
        k = 0
        while count < per_doc:
            h, e = base[k % len(base)]
            k += 1
            for _ in range(rng.choice((0, 1, 1, 2))):
                t = rng.choice(synth)
                h = insert(h, rng.choice(["", "ה", "ו", "וה", "ב", "ד"]) + t.source, rng)
                r = rng.random()
                form = (t.preferred if r < 0.85 else t.variants[0] if r < 0.9 else t.forbidden[0] if r < 0.93
                        else t.preferred.lower() if r < 0.95 else None)  # fmt: skip
                if form:
                    e = insert(e, form + (f" ({t.gloss})" if rng.random() < 0.05 else ""), rng)
            r = rng.random()
            if r < 0.02:
                e = e.replace(", ", ",", 1)
            elif r < 0.03:
                e = e.replace(" ", "  ", 1)
            elif r < 0.035:
                e = e.replace(" the ", " the the ", 1)
            src.append(Paragraph(h))
            tgt.append(Paragraph(e))
            count += len(e.split())
        doc = Document(f"Bench {d + 1}", Text("he", src), Text("en", tgt))
        doc_id = store.create_document(doc, "bench")
        links = [Link([s.id], [t.id], 1.0) for s, t in zip(src, tgt, strict=True)]
        store.save_links(doc_id, links, store.alignment_rev(doc_id), "bench")
        total_words += count
        total_paras += len(tgt)
    del base_words
    return total_words, total_paras, terms


def naive_term_missing(store, terms: list[Term], doc_ids: list[int]) -> tuple[float, int, int]:  # noqa: ANN001
    """Baseline: one regex per term on each side of each link (term-missing only), on ``doc_ids``."""
    src_pats = [re.compile(r"(?<![\u05d0-\u05ea])[הובכלמשד]{0,3}(?:" + "|".join(map(re.escape, t.source_forms)) + r")(?![\u05d0-\u05ea])")
                for t in terms]  # fmt: skip
    tgt_pats = [re.compile(r"\b(?:" + "|".join(re.escape(f) for f, _ in t.target_forms) + r")(?:s|es)?\b", re.I) for t in terms]
    t0 = time.perf_counter()
    missing = words = 0
    for doc_id in doc_ids:
        doc = store.get_document(doc_id)
        idx = doc.paragraph_index()
        for lk in store.get_links(doc_id):
            s = " ".join(idx[p].text for p in lk.source)
            t = " ".join(idx[p].text for p in lk.target)
            words += len(t.split())
            for sp, tp in zip(src_pats, tgt_pats, strict=True):
                n = len(sp.findall(s))
                if n:
                    missing += max(0, n - len(tp.findall(t)))
    return time.perf_counter() - t0, missing, words


def fmt_t(timings: dict[str, float]) -> str:
    return ", ".join(f"{k} {v:.2f}" for k, v in timings.items())


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--words", type=int, default=1_000_000)
    ap.add_argument("--terms", type=int, default=2000)
    ap.add_argument("--docs", type=int, default=60)
    ap.add_argument("--edits", type=int, default=20)
    args = ap.parse_args()
    rng = random.Random(7)
    with tempfile.TemporaryDirectory() as tmp:
        store = open_store(Path(tmp) / "bench.db")
        t0 = time.perf_counter()
        words, paras, terms = build(store, args.words, args.terms, args.docs, rng)
        print(f"corpus: {words:,} English words in {paras:,} links over {args.docs} documents, {len(terms)} terms "
              f"(built in {time.perf_counter() - t0:.1f} s, not timed below)")  # fmt: skip
        runner = CheckRunner(store)
        t0 = time.perf_counter()
        runner.context()
        print(f"termbase index (matcher + gloss matcher): {time.perf_counter() - t0:.2f} s (once per termbase version)")

        from workbench.checks.runner import _auto_workers

        workers = _auto_workers(paras)
        cold = runner.run(user="bench")
        print(f"full check, cold ({workers} worker process(es)):  {cold.seconds:.2f} s  [{fmt_t(cold.timings)}]  "
              f"-> {cold.findings:,} findings")  # fmt: skip
        forced = min((runner.run(force=True, user="bench") for _ in range(2)), key=lambda r: r.seconds)
        print(f"full re-check, forced (best of 2):      {forced.seconds:.2f} s  [{fmt_t(forced.timings)}]")
        cpu0 = time.process_time()
        serial = runner.run(force=True, user="bench", workers=1)
        cpu = time.process_time() - cpu0
        print(f"full re-check, forced, one process:     {serial.seconds:.2f} s  [{fmt_t(serial.timings)}]")
        # On a machine shared with other work the wall time says more about the neighbours than
        # about the checks: this process's CPU time is the steadier figure to compare runs by.
        print(f"  CPU time of that run: {cpu:.2f} s (wall / CPU x{serial.seconds / max(cpu, 1e-9):.2f}: "
              f"{'a busy machine' if serial.seconds > 1.3 * cpu else 'an idle machine'})")
        if workers > 1:
            print(f"  workers vs one process (same run): x{serial.seconds / forced.seconds:.2f} faster")
        same = runner.run(user="bench")
        print(f"re-run, nothing changed: {same.seconds:.2f} s ({same.recomputed} links re-checked)")
        per_check: dict[str, int] = {}
        for f in store.findings.list(present=True, with_tags=False):
            per_check[f.check] = per_check.get(f.check, 0) + 1
        print("findings per check: " + ", ".join(f"{k} {v:,}" for k, v in sorted(per_check.items())))

        docs = [d.id for d in store.list_documents()]
        fast, by_doc = [], []
        for i in range(args.edits):
            doc_id = rng.choice(docs)
            doc = store.get_document(doc_id)
            p = rng.choice(doc.target.paragraphs)
            term = rng.choice(terms)
            store.update_paragraph(p.id, p.text + f" {term.preferred},and  the the end", None, p.rev, "bench")
            t = time.perf_counter()
            r = runner.recheck_paragraphs([p.id], user="bench")
            fast.append(time.perf_counter() - t)
            assert r.recomputed >= 1
            q = store.get_paragraph(p.id)
            store.update_paragraph(q.id, q.text + " More text.", None, q.rev, "bench")
            t = time.perf_counter()
            r = runner.run([doc_id], user="bench")
            by_doc.append(time.perf_counter() - t)
            assert r.recomputed == 1, r
            del i
        med_fast, med_doc = statistics.median(fast), statistics.median(by_doc)
        print(f"incremental, recheck_paragraphs (one edited paragraph): median {med_fast * 1000:.0f} ms, "
              f"max {max(fast) * 1000:.0f} ms over {len(fast)} edits")  # fmt: skip
        print(f"incremental, run([doc]) by signatures:                  median {med_doc * 1000:.0f} ms, "
              f"max {max(by_doc) * 1000:.0f} ms")  # fmt: skip
        print(f"  target <= 200 ms: {'OK' if max(med_fast, med_doc) <= 0.2 else 'OVER'}; "
              f"x{forced.seconds / med_fast:.0f} faster than the forced full re-check (baseline, same run)")

        sl = docs[: max(1, len(docs) // 20)]
        t_naive, n_missing, sl_words = naive_term_missing(store, terms, sl)
        t_naive_full = t_naive * words / max(1, sl_words)
        print(f"baseline: naive term-missing (regex per term) {t_naive:.2f} s on {sl_words:,} words -> "
              f"~{t_naive_full:.0f} s for the corpus; the full check (10 checks) is x{t_naive_full / forced.seconds:.1f} faster "
              f"(x{t_naive_full / serial.seconds:.1f} in one process)")
        scale = 1_000_000 / words
        print(f"  target full check <= 5 s per 1 M words with {len(terms)} terms: "
              f"{'OK' if max(cold.seconds, forced.seconds) * scale <= 5 else 'OVER'} "
              f"({cold.seconds * scale:.2f} s cold, {forced.seconds * scale:.2f} s forced, per 1 M words)")
        store.close()


if __name__ == "__main__":
    main()
