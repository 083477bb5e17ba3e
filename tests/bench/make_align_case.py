#!/usr/bin/env python3
"""Build a realistic paragraph-alignment test case from gold segment pairs.

Input: a ``pairs.jsonl`` (objects with at least ``he`` and ``en``, such as
``tests/data/intro_zohar/pairs.jsonl``).  Output (UTF-8, paragraphs separated
by exactly one blank line):

  source.txt  the Hebrew segments in order, one paragraph each (unchanged)
  target.txt  the English segments, perturbed the way real editions differ:
                * 2-1: adjacent English segments merged into one paragraph
                * 1-2: a long English segment split at a sentence boundary
                * 1-0: an English segment dropped
                * 0-1: an invented translator's note inserted
  gold.json   the gold links: a list of ``[[src_indices], [tgt_indices]]`` in
              document order, 0-based paragraph indices of the written files.
              Every source and every target paragraph is covered exactly once
              (1-0 links have an empty target list, 0-1 an empty source list).
  case.json   parameters, seed, counts per link type, refs of the source
              paragraphs (for debugging; not needed for scoring).

Rates are fractions: ``--merge`` of the adjacent segment pairs, ``--split``
of the long segments (``--split-min-chars``), ``--drop`` and ``--insert`` of
all segments.  Counts are rounded to the nearest integer, so a case is the
same for a given input, seed and rates: the benchmark's figures depend on
that, so any change to the order of the random draws below changes every
case (tests/align/test_bench_tools.py pins the seed-1 case).  Python standard
library only.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
from collections import Counter
from pathlib import Path
from typing import Any

Links = list[list[list[int]]]

NOTES = [
    "[Translator's note: see glossary.]",
    "[Translator's note: the Hebrew term is kept in transliteration.]",
    "[Translator's note: words in brackets are supplied by the translator.]",
    "[Translator's note: cf. the previous section.]",
    "[Translator's note: the source cites this passage without a reference.]",
    "[Translator's note: numbering follows the Hebrew edition.]",
]

# a sentence ends with . ! ? (optionally followed by closing quotes/brackets)
# and the next one starts after whitespace
_SENT_END = re.compile(r"[.!?][\"'”’)\]]*\s+(?=[\"'“‘(\[]*[A-Z0-9])")

DEFAULT_RATES = {"merge": 0.10, "split": 0.05, "drop": 0.02, "insert": 0.01}


def sentence_split_point(text: str, min_side: int) -> int | None:
    """Offset of the sentence boundary closest to the middle, or None."""
    best, best_d = None, None
    mid = len(text) / 2
    for m in _SENT_END.finditer(text):
        cut = m.end()
        left, right = text[:cut].strip(), text[cut:].strip()
        if len(left) < min_side or len(right) < min_side:
            continue
        d = abs(cut - mid)
        if best_d is None or d < best_d:
            best, best_d = cut, d
    return best


def _one_line(s: str) -> str:
    return re.sub(r"\s+", " ", s).strip()


def _count(rate: float, n: int) -> int:
    return max(0, int(rate * n + 0.5)) if n > 0 else 0


def build_case(
    pairs: list[dict[str, Any]],
    seed: int,
    merge: float,
    split: float,
    drop: float,
    insert: float,
    split_min_chars: int = 250,
    min_side: int = 60,
) -> dict[str, Any]:
    """The perturbed case as ``source``, ``target``, ``gold`` (links), ``kinds`` (counts) and ``refs``."""
    rng = random.Random(seed)
    src = [_one_line(p["he"]) for p in pairs]
    en = [_one_line(p["en"]) for p in pairs]
    n = len(en)
    if not n:
        raise ValueError("no pairs")
    if any(not s for s in src) or any(not e for e in en):
        raise ValueError("empty segment in pairs input")

    op = ["keep"] * n  # per English segment: keep | drop | merge_head | merge_tail | split
    # 1-0: dropped English segments
    for i in rng.sample(range(n), _count(drop, n)):
        op[i] = "drop"
    # 2-1: merge adjacent English segments (non-overlapping, neither dropped)
    cand = list(range(n - 1))
    rng.shuffle(cand)
    want = _count(merge, n - 1)
    for i in cand:
        if want <= 0:
            break
        if op[i] == "keep" and op[i + 1] == "keep":
            op[i], op[i + 1] = "merge_head", "merge_tail"
            want -= 1
    # 1-2: split long segments at a sentence boundary
    split_at: dict[int, int] = {}
    long_ids = [i for i in range(n) if len(en[i]) >= split_min_chars]
    splittable = [i for i in long_ids if op[i] == "keep" and sentence_split_point(en[i], min_side) is not None]
    rng.shuffle(splittable)
    for i in splittable[: _count(split, len(long_ids))]:
        op[i] = "split"
        cut = sentence_split_point(en[i], min_side)
        assert cut is not None  # splittable holds only segments with a split point
        split_at[i] = cut
    # 0-1: translator's notes inserted before English segment k (k == n: at the end)
    n_ins = _count(insert, n)
    insert_before = Counter(rng.choice(range(1, n + 1)) for _ in range(n_ins))

    tgt: list[str] = []
    links: Links = []
    kinds: Counter[str] = Counter()

    def add_notes(k: int) -> None:
        for _ in range(insert_before.get(k, 0)):
            tgt.append(rng.choice(NOTES))
            links.append([[], [len(tgt) - 1]])
            kinds["0-1"] += 1

    i = 0
    while i < n:
        add_notes(i)
        o = op[i]
        if o == "drop":
            links.append([[i], []])
            kinds["1-0"] += 1
            i += 1
        elif o == "merge_head":
            tgt.append(en[i] + " " + en[i + 1])
            links.append([[i, i + 1], [len(tgt) - 1]])
            kinds["2-1"] += 1
            add_notes(i + 1)  # a note due before the merged-in segment goes after the merge
            i += 2
        elif o == "split":
            cut = split_at[i]
            tgt.append(en[i][:cut].strip())
            tgt.append(en[i][cut:].strip())
            links.append([[i], [len(tgt) - 2, len(tgt) - 1]])
            kinds["1-2"] += 1
            i += 1
        else:
            tgt.append(en[i])
            links.append([[i], [len(tgt) - 1]])
            kinds["1-1"] += 1
            i += 1
    add_notes(n)

    validate(links, len(src), len(tgt))
    return {"source": src, "target": tgt, "gold": links, "kinds": dict(kinds), "refs": [p.get("ref") for p in pairs]}


def _groups(n: int, rng: random.Random, join: float, max_group: int, keep: list[bool] | None = None) -> list[list[int]]:
    """Units 0..n-1 (those with ``keep``) in consecutive paragraphs: each unit joins the paragraph
    before it with probability ``join``, up to ``max_group`` units a paragraph."""
    out: list[list[int]] = []
    for i in range(n):
        if keep is not None and not keep[i]:
            continue
        if out and len(out[-1]) < max_group and rng.random() < join:
            out[-1].append(i)
        else:
            out.append([i])
    return out


def build_regrouped_case(
    pairs: list[dict[str, Any]],
    seed: int,
    join: float = 0.3,
    max_group: int = 3,
    drop: float = 0.0,
) -> dict[str, Any]:
    """Both sides paragraphed differently: each side groups the gold units into paragraphs of its
    own (every unit joins the previous paragraph with probability ``join``, drawn independently on
    each side), as editions that regroup the same text do. ``drop``: units whose translation is
    left out (a source paragraph of dropped units only is a 1-0).

    The gold links are the smallest groups of paragraphs that share their units: a source and a
    target paragraph are in one link when they hold a common unit, so links of 3-2, 2-3 or more
    come out wherever the two paragraphings cross.
    """
    rng = random.Random(seed)
    he = [_one_line(p["he"]) for p in pairs]
    en = [_one_line(p["en"]) for p in pairs]
    n = len(he)
    if not n:
        raise ValueError("no pairs")
    keep = [True] * n
    for i in rng.sample(range(n), _count(drop, n)):
        keep[i] = False
    sgroups = _groups(n, rng, join, max_group)
    tgroups = _groups(n, rng, join, max_group, keep)
    target = [" ".join(en[i] for i in g) for g in tgroups]
    source = [" ".join(he[i] for i in g) for g in sgroups]
    links: Links = []
    kinds: Counter[str] = Counter()
    tk = sk = 0
    while sk < len(sgroups):
        s_set, t_set = [sk], []
        last = max(sgroups[sk])
        # grow the link until neither side has a paragraph reaching past the other's last unit
        while True:
            grown = False
            while tk < len(tgroups) and min(tgroups[tk]) <= last:
                t_set.append(tk)
                last = max(last, max(tgroups[tk]))
                tk += 1
                grown = True
            while sk + len(s_set) < len(sgroups) and min(sgroups[sk + len(s_set)]) <= last:
                last = max(last, max(sgroups[sk + len(s_set)]))
                s_set.append(sk + len(s_set))
                grown = True
            if not grown:
                break
        links.append([s_set, t_set])
        kinds[f"{len(s_set)}-{len(t_set)}"] += 1
        sk += len(s_set)
    validate(links, len(source), len(target))
    return {"source": source, "target": target, "gold": links, "kinds": dict(kinds), "refs": [p.get("ref") for p in pairs],
            "source_units": sgroups, "target_units": tgroups, "dropped": [i for i in range(n) if not keep[i]]}


def validate(links: Links, n_src: int, n_tgt: int) -> None:
    """Every paragraph of both sides in exactly one link, in order, and no empty link."""
    s_seen: list[int] = []
    t_seen: list[int] = []
    for s, t in links:
        if not s and not t:
            raise AssertionError("empty link")
        s_seen += s
        t_seen += t
    if s_seen != list(range(n_src)):
        raise AssertionError("source paragraphs not covered exactly once, in order")
    if t_seen != list(range(n_tgt)):
        raise AssertionError("target paragraphs not covered exactly once, in order")


def write_paragraphs(path: Path, paras: list[str]) -> None:
    for p in paras:
        if not p or "\n" in p:
            raise ValueError("paragraphs must be non-empty single lines")
    path.write_text("\n\n".join(paras) + "\n", encoding="utf-8")


def read_paragraphs(path: Path) -> list[str]:
    """Inverse of write_paragraphs (the convention of the case files and the benchmark)."""
    text = path.read_text(encoding="utf-8")
    return [re.sub(r"\s+", " ", b).strip() for b in re.split(r"\n\s*\n", text) if b.strip()]


def read_pairs(path: Path, limit: int = 0) -> list[dict[str, Any]]:
    """The objects of a ``pairs.jsonl`` (the first ``limit`` when it is not 0)."""
    pairs = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return pairs[:limit] if limit else pairs


def write_case(
    pairs_path: Path,
    out: Path,
    seed: int = 1,
    *,
    merge: float = DEFAULT_RATES["merge"],
    split: float = DEFAULT_RATES["split"],
    drop: float = DEFAULT_RATES["drop"],
    insert: float = DEFAULT_RATES["insert"],
    limit: int = 0,
    split_min_chars: int = 250,
    regroup: float = 0.0,
    max_group: int = 3,
) -> dict[str, Any]:
    """Build a case from ``pairs_path`` and write its four files into ``out``; returns case.json's content.

    ``regroup`` > 0 builds a regrouped case instead (:func:`build_regrouped_case` with that join
    probability, ``max_group`` and ``drop``; the other rates are not used)."""
    if regroup:
        case = build_regrouped_case(read_pairs(pairs_path, limit), seed, regroup, max_group, drop)
    else:
        case = build_case(read_pairs(pairs_path, limit), seed, merge, split, drop, insert, split_min_chars)
    out.mkdir(parents=True, exist_ok=True)
    write_paragraphs(out / "source.txt", case["source"])
    write_paragraphs(out / "target.txt", case["target"])
    (out / "gold.json").write_text(json.dumps(case["gold"]) + "\n", encoding="utf-8")
    # round-trip check of the written files
    if read_paragraphs(out / "source.txt") != case["source"] or read_paragraphs(out / "target.txt") != case["target"]:
        raise AssertionError("the written paragraphs do not read back the same")
    meta = {
        "input": str(pairs_path),
        "seed": seed,
        "limit": limit or None,
        "rates": {"merge": merge, "split": split, "drop": drop, "insert": insert},
        "split_min_chars": split_min_chars,
        **({"regroup": regroup, "max_group": max_group} if regroup else {}),
        "n_source": len(case["source"]),
        "n_target": len(case["target"]),
        "n_links": len(case["gold"]),
        "link_types": case["kinds"],
        "source_refs": case["refs"],
    }
    (out / "case.json").write_text(json.dumps(meta, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return meta


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    ap.add_argument("pairs", type=Path, help="a pairs.jsonl (objects with 'he' and 'en')")
    ap.add_argument("--out-dir", required=True, type=Path)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--merge", type=float, default=DEFAULT_RATES["merge"], help="fraction of adjacent pairs merged (2-1)")
    ap.add_argument("--split", type=float, default=DEFAULT_RATES["split"], help="fraction of long segments split (1-2)")
    ap.add_argument("--drop", type=float, default=DEFAULT_RATES["drop"], help="fraction of segments dropped (1-0)")
    ap.add_argument("--insert", type=float, default=DEFAULT_RATES["insert"], help="notes inserted per segment (0-1)")
    ap.add_argument("--limit", type=int, default=0, help="use only the first N pairs")
    ap.add_argument("--split-min-chars", type=int, default=250, help="what counts as a long segment")
    ap.add_argument("--regroup", type=float, default=0.0,
                    help="instead of the rates above: paragraph both sides anew, each unit joining the paragraph"
                         " before it with this probability (independently per side); --drop still applies")
    ap.add_argument("--max-group", type=int, default=3, help="with --regroup: at most this many units a paragraph")
    args = ap.parse_args(argv)
    meta = write_case(
        args.pairs, args.out_dir, args.seed, merge=args.merge, split=args.split, drop=args.drop,
        insert=args.insert, limit=args.limit, split_min_chars=args.split_min_chars,
        regroup=args.regroup, max_group=args.max_group,
    )  # fmt: skip
    print(json.dumps({k: meta[k] for k in ("n_source", "n_target", "n_links", "link_types")}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
