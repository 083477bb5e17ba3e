"""Consistency across the corpus: ``term-inconsistent``, the same term rendered in several ways
across the corpus, with the distribution (140 × Masach, 12 × screen, 3 × Masakh), and one rendering
used for several source terms. It aggregates the per-link usage rows
(:func:`workbench.checks.analysis.collect_stats`) that the runner caches.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from typing import Any

from workbench.checks.analysis import quote as _q
from workbench.checks.base import AggregateCheck, Issue, register
from workbench.checks.context import CheckContext
from workbench.findings_types import UsageRow


def _fmt_dist(dist: list[tuple[str, int]]) -> str:
    return ", ".join(f"{n} × {b}" for b, n in dist)


def _allowed_form(bucket: str, term: Any) -> bool:
    low = bucket.casefold()
    return low == term.preferred.casefold() or any(v.casefold() == low for v in term.variants)


@register
class TermInconsistent(AggregateCheck):
    id = "term-inconsistent"
    name = "Inconsistent rendering"
    severity = "warning"
    scope = "corpus"
    stat = "term_usage"
    description = (
        "Across the corpus, one source term rendered in several ways (140 × Masach, 12 × screen, "
        "3 × Masakh — grammatical forms and sentence-initial capitals count as the same rendering), "
        "or one English rendering used for several source terms. Allowed variants count as the "
        "preferred rendering (term-variant judges them per document), and so does the gloss of a "
        "source word the termbase marks ambiguous (its ordinary sense); a gloss shared only by "
        "ambiguous words (soul for נפש and נשמה) is not one rendering for several terms."
    )

    def aggregate(self, rows: Iterable[UsageRow], ctx: CheckContext, partition: str | None = None) -> Iterator[Issue]:
        index = ctx.terms
        if index is None:
            return
        rows = list(rows)
        per_term: dict[Any, Counter] = defaultdict(Counter)
        per_term_doc: dict[Any, dict[Any, Counter]] = defaultdict(lambda: defaultdict(Counter))
        missing: Counter = Counter()
        reverse: dict[str, Counter] = defaultdict(Counter)
        # Renderings used as a term's form, or as the gloss of a word that is always the term: a
        # gloss shared only by ambiguous words ("soul" for נפש and נשמה) is their ordinary sense.
        named: set[str] = set()
        for r in rows:
            if r.kind == "missing":
                missing[r.term_id] += r.n
                continue
            term = index.terms.get(r.term_id)
            bucket = r.bucket
            if term is not None and (
                (r.kind == "form" and term.variant_policy == "allowed" and _allowed_form(bucket, term))
                or (r.kind == "gloss" and term.ambiguous)
            ):
                # An allowed variant is a house style (term-variant reports a document that mixes
                # spellings); the gloss of an ambiguous source word is its ordinary sense.
                bucket = term.preferred
            per_term[r.term_id][bucket] += r.n
            per_term_doc[r.term_id][r.doc_id][bucket] += r.n
            if r.grounded:
                reverse[r.bucket.casefold()][r.term_id] += r.n
                if r.kind != "gloss" or term is None or not term.ambiguous:
                    named.add(r.bucket.casefold())
        for tid, dist in per_term.items() if partition in (None, "term") else ():
            if len(dist) < 2 or tid not in index.terms:
                continue
            term = index.terms[tid]
            ordered = sorted(dist.items(), key=lambda kv: (-kv[1], kv[0] != term.preferred, kv[0]))
            top = ordered[0][0]
            docs = sorted(d for d, c in per_term_doc[tid].items() if d is not None and any(b != top for b in c))
            extra = f"; {missing[tid]} × no rendering" if missing.get(tid) else ""
            yield self.issue(
                f"{term.source or term.preferred} ({term.preferred}) is rendered {len(dist)} ways: "
                f"{_fmt_dist(ordered)}{extra}",
                anchor="corpus", key="renderings", term_id=tid, docs=docs,
                data={"direction": "term", "distribution": [[b, n] for b, n in ordered], "missing": missing.get(tid, 0),
                      "by_document": {str(d): dict(c) for d, c in per_term_doc[tid].items()}},
            )  # fmt: skip
        for rkey, terms in reverse.items() if partition in (None, "rendering") else ():
            terms = Counter({t: n for t, n in terms.items() if t in index.terms})
            if len(terms) < 2 or rkey not in named:
                continue
            ordered = sorted(terms.items(), key=lambda kv: -kv[1])
            names = ", ".join(f"{n} × {index.terms[t].source or index.terms[t].preferred}" for t, n in ordered)
            docs = sorted({r.doc_id for r in rows if r.grounded and r.bucket.casefold() == rkey and r.doc_id is not None})
            yield self.issue(
                f"{_q(rkey)} renders {len(terms)} different source terms: {names}",
                anchor="corpus", key=f"reverse:{rkey}", docs=docs,
                data={"direction": "rendering", "rendering": rkey,
                      "distribution": [[index.terms[t].source or index.terms[t].preferred, n, t] for t, n in ordered]},
            )  # fmt: skip
