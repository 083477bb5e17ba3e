#!/usr/bin/env python3
"""Score predicted paragraph links against gold links.

Both files hold a JSON list of links ``[[src_indices], [tgt_indices]]``
(0-based paragraph indices; an empty list on one side marks a 1-0 / 0-1 link).

Printed as one JSON line:

  strict_*   link-level precision/recall/F1: a predicted link counts only if
             it is identical to a gold link (1-0 and 0-1 links included).
  lax_*      pair-level precision/recall/F1 over the (src, tgt) index pairs
             implied by the links (the cross product of each link's two
             sides); 1-0 / 0-1 links imply no pairs.
  vecalign_* the strict and lax scores as computed by the vecalign / Bertalign
             evaluation script (re-implemented here): strict as above but
             recall ignores gold/test deletions; lax gives a predicted link
             credit when it overlaps a gold link on both sides.

Python standard library only.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from collections.abc import Iterable, Sequence
from pathlib import Path

Link = tuple[tuple[int, ...], tuple[int, ...]]


def load_links(path: Path) -> list[Link]:
    data = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(data, list):
        raise ValueError(f"{path}: expected a JSON list of links")
    links = []
    for k, item in enumerate(data):
        if not (isinstance(item, (list, tuple)) and len(item) == 2):
            raise ValueError(f"{path}: link {k} is not a [src, tgt] pair")
        s, t = item
        links.append((tuple(int(x) for x in s), tuple(int(x) for x in t)))
    return links


def _prf(tp: int, n_pred: int, n_gold: int) -> tuple[float, float, float]:
    p = tp / n_pred if n_pred else 0.0
    r = tp / n_gold if n_gold else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


def _f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


def _norm(links: Iterable[Sequence[Sequence[int]]]) -> set[Link]:
    return {(tuple(sorted(s)), tuple(sorted(t))) for s, t in links if s or t}


def _pairs(links: Iterable[Sequence[Sequence[int]]]) -> set[tuple[int, int]]:
    return {(a, b) for s, t in links for a in s for b in t}


def _vecalign_counts(gold: set[Link], test: set[Link]) -> tuple[int, int, int, int]:
    """tp_strict, fp_strict, tp_lax, fp_lax of `test` measured against `gold`."""
    src_to_gold_tgt: defaultdict[int, set[int]] = defaultdict(set)
    for gs, gt in gold:
        for a in gs:
            src_to_gold_tgt[a].update(gt)
    tps = fps = tpl = fpl = 0
    for ts, tt in test:
        if (ts, tt) in gold:
            tps += 1
            tpl += 1
            continue
        fps += 1
        overl: set[int] = set()
        for a in ts:
            overl |= src_to_gold_tgt[a]
        if overl & set(tt):
            tpl += 1
        else:
            fpl += 1
    return tps, fps, tpl, fpl


def score(gold_links: Sequence[Sequence[Sequence[int]]], pred_links: Sequence[Sequence[Sequence[int]]]) -> dict:
    """Strict, lax and vecalign-style figures (rounded to 4 places) and the link and pair counts."""
    gold, pred = _norm(gold_links), _norm(pred_links)
    tp = len(gold & pred)
    sp, sr, sf = _prf(tp, len(pred), len(gold))
    gp, pp = _pairs(gold_links), _pairs(pred_links)
    lp, lr, lf = _prf(len(gp & pp), len(pp), len(gp))
    # vecalign-style: precision over all test links, recall with deletions removed
    tps, fps, tpl, fpl = _vecalign_counts(gold, pred)
    gold_nd = {lk for lk in gold if lk[0] and lk[1]}
    pred_nd = {lk for lk in pred if lk[0] and lk[1]}
    rtps, rfps, rtpl, rfpl = _vecalign_counts(pred_nd, gold_nd)
    vs_p = tps / (tps + fps) if tps + fps else 0.0
    vs_r = rtps / (rtps + rfps) if rtps + rfps else 0.0
    vl_p = tpl / (tpl + fpl) if tpl + fpl else 0.0
    vl_r = rtpl / (rtpl + rfpl) if rtpl + rfpl else 0.0
    return {
        "strict_p": round(sp, 4), "strict_r": round(sr, 4), "strict_f1": round(sf, 4),
        "lax_p": round(lp, 4), "lax_r": round(lr, 4), "lax_f1": round(lf, 4),
        "vecalign_strict_p": round(vs_p, 4), "vecalign_strict_r": round(vs_r, 4),
        "vecalign_strict_f1": round(_f1(vs_p, vs_r), 4),
        "vecalign_lax_p": round(vl_p, 4), "vecalign_lax_r": round(vl_r, 4),
        "vecalign_lax_f1": round(_f1(vl_p, vl_r), 4),
        "n_gold_links": len(gold), "n_pred_links": len(pred),
        "n_gold_pairs": len(gp), "n_pred_pairs": len(pp),
    }  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    ap.add_argument("gold", type=Path)
    ap.add_argument("pred", type=Path)
    args = ap.parse_args(argv)
    print(json.dumps(score(load_links(args.gold), load_links(args.pred))))
    return 0


if __name__ == "__main__":
    sys.exit(main())
