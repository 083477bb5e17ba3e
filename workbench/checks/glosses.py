"""Glosses: a term whose termbase entry asks for a gloss (``gloss_first``) is glossed at its first
occurrence in a document — ``Zivug (spiritual coupling)`` — and not again; a gloss given in
parentheses must be the termbase's.

A gloss is a short parenthesis right after the term (``Masach (screen)``; up to six words, not a
reference such as ``(see Item 12)`` nor another term such as ``(Nukva)``), the term in parentheses
right after its gloss (``screen (Masach)``), or a footnote at the term. Glosses compare without
case, quotes, a leading ``lit.``/``the``; any ``;`` or ``/`` part of the termbase gloss is accepted.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator

from workbench.checks.analysis import TermCheck, UnitTerms
from workbench.checks.analysis import quote as _q
from workbench.checks.base import AggregateCheck, Issue, register
from workbench.checks.context import CheckContext, LinkUnit, TermIndex
from workbench.checks.rows import is_gloss_row
from workbench.findings_types import GLOSSED, GlossRow


def _ordered(rows: Iterable[GlossRow]) -> dict[int, list[GlossRow]]:
    per_term: dict[int, list[GlossRow]] = defaultdict(list)
    for r in sorted((r for r in rows if is_gloss_row(r)), key=lambda r: (r.pos, r.seq)):
        per_term[r.term_id].append(r)
    return per_term


@register
class GlossFirst(AggregateCheck):
    id = "gloss-first"
    name = "Gloss missing at first occurrence"
    severity = "warning"
    scope = "document"
    stat = "gloss_occ"
    description = (
        "The first occurrence of a glossed term in a document lacks its gloss (the termbase entry asks "
        "for one: gloss_first). Write e.g. Zivug (spiritual coupling)."
    )

    def aggregate(self, rows: Iterable[GlossRow], ctx: CheckContext, partition: str | None = None) -> Iterator[Issue]:
        index = ctx.terms
        if index is None:
            return
        for tid, occ in _ordered(rows).items():
            first = occ[0]
            if first.glossed or tid not in index.terms:
                continue
            term = index.terms[tid]
            later = next((r for r in occ if r.glossed), None)
            hint = " (a later occurrence has it)" if later else ""
            yield self.issue(
                f"first occurrence of {_q(first.surface)} in this document has no gloss; the termbase gloss is "
                f"{_q(term.gloss)}{hint}",
                para_id=first.para_id, start=first.start, end=first.end, term_id=tid,
                anchor=f"doc:{first.doc_id}", key="first", doc_id=first.doc_id,
                data={"gloss": term.gloss},
            )  # fmt: skip


@register
class GlossRepeat(AggregateCheck):
    id = "gloss-repeat"
    name = "Gloss repeated"
    severity = "info"
    scope = "document"
    stat = "gloss_occ"
    description = "A glossed term is glossed again after its first glossed occurrence in the document."

    def aggregate(self, rows: Iterable[GlossRow], ctx: CheckContext, partition: str | None = None) -> Iterator[Issue]:
        index = ctx.terms
        if index is None:
            return
        for tid, occ in _ordered(rows).items():
            glossed = [r for r in occ if r.glossed]
            for r in glossed[1:]:
                if r.glossed != GLOSSED:
                    continue  # "(tikun)" after "rebuilding": the term named again, not its gloss
                yield self.issue(
                    f"{_q(r.surface)} is glossed again (first glossed earlier in the document)",
                    para_id=r.para_id, start=r.start, end=r.end, term_id=tid, key=r.surface, doc_id=r.doc_id,
                )  # fmt: skip


@register
class GlossMismatch(TermCheck):
    id = "gloss-mismatch"
    name = "Gloss differs from termbase"
    severity = "warning"
    description = "The gloss in parentheses after a term differs from the termbase gloss (Masach (curtain) vs screen)."

    def check_terms(self, unit: LinkUnit, a: UnitTerms, index: TermIndex, ctx: CheckContext) -> Iterator[Issue]:
        for o in a.tgt:
            g = o.gloss
            if g is None or not g.glosslike or g.matches:
                continue
            term = index.terms[o.hit.term_id]
            yield self.issue(
                f"gloss {_q(g.inner.strip())} for {_q(o.hit.surface)} differs from the termbase gloss {_q(term.gloss)}",
                para_id=o.para.id, start=o.hit.start, end=g.end, term_id=o.hit.term_id, key=g.inner,
                data={"gloss": g.inner.strip(), "expected": term.gloss},
            )  # fmt: skip
