"""Term checks, per link, on the shared term analysis (:mod:`workbench.checks.analysis`).

* ``term-missing``: a source term occurrence whose rendering is not in the aligned translation.
  Every occurrence counts: 3 × מסך in the source and 1 × Masach in the translation is 2 findings.
  A rendering is any termbase form of the term (preferred, variant, or forbidden — the last is
  reported by ``term-forbidden`` instead), a form inside a longer rendering (``Guf`` in ``Masach de
  Guf``), or the term's gloss used as a translation (``screen`` for מסך, ``body`` for גוף).
* ``term-variant``: a variant spelling where the preferred one is expected (``Hizdakhut`` for
  ``Hizdakchut``), a case slip (``masach``), or the preferred form written differently (``Ein-Sof``
  for ``Ein Sof``). Grammatical forms listed as variants (``Partzufim``, ``Masach de Guf``) are not
  spellings: see :func:`workbench.checks.context.is_inflection`.
* ``term-forbidden``: a forbidden rendering (``Partsuf`` for ``Partzuf``).

The corpus-wide ``term-inconsistent`` is in :mod:`workbench.checks.consistency`.
"""

from __future__ import annotations

from collections.abc import Iterator

from workbench.checks.analysis import TermCheck, UnitTerms, coverage, quote
from workbench.checks.base import Issue, register
from workbench.checks.context import CheckContext, LinkUnit, TermIndex, is_inflection

_q = quote


@register
class TermMissing(TermCheck):
    id = "term-missing"
    name = "Term not rendered"
    severity = "warning"
    one_sided = False
    description = (
        "A termbase term of the source paragraph (prefixes allowed: והמסך, דראש) has no rendering in "
        "the aligned translation: none of its forms, nor its gloss used as the translation. Every "
        "occurrence counts (3 in the source, 1 in the translation = 2 findings)."
    )

    def applies(self, unit: LinkUnit) -> bool:
        return unit.paired and bool(unit.target) and any(p.text.strip() for p in unit.target)

    def check_terms(self, unit: LinkUnit, a: UnitTerms, index: TermIndex, ctx: CheckContext) -> Iterator[Issue]:
        cov = coverage(unit, ctx)
        assert cov is not None
        _, known, glosses = cov
        for tid, n_src in a.src_count.items():
            covered = known.get(tid, 0) + len(glosses.get(tid, []))
            missing = n_src - covered
            if missing <= 0:
                continue
            term = index.terms[tid]
            occs = [(p, h) for p, h in a.src if h.term_id == tid]
            accepted = [term.preferred, *term.variants][:4]
            alt = f" or the gloss {_q(term.gloss)}" if term.gloss else ""
            for p, h in occs[n_src - missing :]:
                yield self.issue(
                    f"{_q(h.prefix + h.surface)} ({term.preferred}) occurs {n_src}× in the source, its rendering "
                    f"{covered}× in the translation (expected {', '.join(accepted)}{alt})",
                    para_id=p.id, side="source", start=h.start - len(h.prefix), end=h.end, key=h.form or h.surface,
                    term_id=tid, data={"source_count": n_src, "rendered": covered},
                )  # fmt: skip


@register
class TermVariant(TermCheck):
    id = "term-variant"
    name = "Variant rendering"
    severity = "warning"
    description = (
        "A variant spelling used where the preferred rendering is expected (Hizdakhut for Hizdakchut), "
        "a case slip (masach for Masach), or the preferred form written differently (Ein-Sof for Ein "
        "Sof). Grammatical forms listed as variants (Partzufim, Masach de Guf) are fine."
    )

    def check_terms(self, unit: LinkUnit, a: UnitTerms, index: TermIndex, ctx: CheckContext) -> Iterator[Issue]:
        for o in a.tgt:
            h = o.hit
            if h.form_kind == "forbidden":
                continue
            term = index.terms[h.term_id]
            src = f" ({term.source})" if term.source else ""
            if h.form_kind == "variant" and not is_inflection(h.form, term.preferred):
                msg = f"{_q(o.stem)} is a variant of {_q(term.preferred)}{src}; the preferred rendering is {_q(term.preferred)}"
                rule = "variant"
            elif not h.case_ok:
                msg = f"{_q(o.stem)}: write {_q(h.form)}{src} (letter case)"
                rule = "case"
            elif o.stem.casefold() != h.form.casefold():
                msg = f"{_q(o.stem)} is written {_q(h.form)} in the termbase{src}"
                rule = "spelling"
            else:
                continue
            yield self.issue(msg, para_id=o.para.id, start=h.start, end=h.end, key=o.stem, term_id=h.term_id,
                             data={"rule": rule, "form": h.form, "preferred": term.preferred})  # fmt: skip


@register
class TermForbidden(TermCheck):
    id = "term-forbidden"
    name = "Forbidden rendering"
    severity = "error"
    description = "A rendering the termbase forbids (Partsuf for Partzuf)."

    def check_terms(self, unit: LinkUnit, a: UnitTerms, index: TermIndex, ctx: CheckContext) -> Iterator[Issue]:
        for o in a.tgt:
            h = o.hit
            if h.form_kind != "forbidden":
                continue
            term = index.terms[h.term_id]
            src = f" for {term.source}" if term.source else ""
            yield self.issue(f"{_q(o.stem)} is a forbidden rendering{src}; use {_q(term.preferred)}",
                             para_id=o.para.id, start=h.start, end=h.end, key=o.stem, term_id=h.term_id,
                             data={"form": h.form, "preferred": term.preferred})  # fmt: skip


