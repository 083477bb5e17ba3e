"""Hand-checked discovery gold lists and the precision/recall measure used by tests and the bench."""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path

from workbench.terms.model import Proposal
from workbench.terms.normalize import en_form_key, he_form_key

HERE = Path(__file__).resolve().parent
TRANSLIT_KINDS = {"transliteration", "acronym", "name"}
NOT_A_TERM = "not"


@dataclass
class GoldEntry:
    english: str
    hebrew: str | None
    gloss: str | None
    kind: str
    variants: list[str] = field(default_factory=list)

    @property
    def keys(self) -> set[str]:
        return {en_form_key(f, fold=True) for f in [self.english, *self.variants]}


def _rows(name: str) -> list[dict[str, str]]:
    with open(HERE / name, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def load_gold(name: str) -> list[GoldEntry]:
    """The entries a discovery should propose (rows of kind ``not`` are left out: see
    :func:`load_not_terms`)."""
    return [
        GoldEntry(
            r["english"], r["hebrew"] or None, r["gloss"] or None, r["kind"],
            [v for v in (r["variants"] or "").split("|") if v],
        )  # fmt: skip
        for r in _rows(name)
        if r["kind"] != NOT_A_TERM
    ]


def load_not_terms(name: str) -> set[str]:
    """Keys (:func:`en_form_key`, folded) of what a discovery must not propose: the rows of kind
    ``not`` (sentence starts, heading words, pieces of a phrase, runs across a sentence end)."""
    return {en_form_key(r["english"], fold=True) for r in _rows(name) if r["kind"] == NOT_A_TERM}


def evaluate(proposals: list[Proposal], gold: list[GoldEntry], kinds: set[str] | None = None) -> dict[str, float]:
    """Precision/recall of proposals against gold (a proposal hits an entry when its rendering or
    one of its variants is one of the entry's forms), plus Hebrew pairing and gloss accuracy."""
    if kinds is not None:
        gold = [g for g in gold if g.kind in kinds]
        proposals = [p for p in proposals if (p.kind in kinds or (p.kind == "transliteration" and "name" in kinds))]
    by_key = {k: g for g in gold for k in g.keys}
    hit_gold: set[int] = set()
    tp = 0
    he_ok = he_total = he_proposed = 0
    gloss_ok = gloss_total = 0
    for p in proposals:
        keys = {en_form_key(f, fold=True) for f in [p.rendering, *p.variants]}
        matched = [by_key[k] for k in keys if k in by_key]
        if not matched:
            continue
        tp += 1
        g = matched[0]
        hit_gold.update(id(m) for m in matched)
        if g.hebrew:
            he_total += 1
            if p.source:
                he_proposed += 1
                he_ok += he_form_key(p.source) == he_form_key(g.hebrew)
        if g.gloss:
            gloss_total += 1
            gloss_ok += (p.gloss or "").strip().lower() == g.gloss.lower()
    n_gold_hit = sum(1 for g in gold if id(g) in hit_gold)
    return {
        "proposals": len(proposals),
        "gold": len(gold),
        "precision": tp / len(proposals) if proposals else 0.0,
        "recall": n_gold_hit / len(gold) if gold else 0.0,
        "hebrew_accuracy": he_ok / he_proposed if he_proposed else 0.0,
        "hebrew_coverage": he_ok / he_total if he_total else 0.0,
        "gloss_accuracy": gloss_ok / gloss_total if gloss_total else 1.0,
    }
