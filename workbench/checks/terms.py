"""Term checks, per link, on the shared term analysis (:mod:`workbench.checks.analysis`).

* ``term-missing``: a source term occurrence whose rendering is not in the aligned translation.
  Every occurrence counts: 3 × מסך in the source and 1 × Masach in the translation is 2 findings.
  A rendering is any termbase form of the term (preferred, variant, or forbidden — the last is
  reported by ``term-forbidden`` instead), a form inside a longer rendering (``Guf`` in ``Masach de
  Guf``), the term's gloss used as a translation (``screen`` for מסך, ``body`` for גוף), or, for an
  acronym, the terms it stands for (:func:`workbench.checks.analysis.expansions`). A warning only
  where string matching can tell (the sentence cut or left out, a misspelling in the term's place);
  a hint where it cannot (a paraphrase, a repetition the English names once, an ambiguous word).
* ``term-variant``: a variant spelling where the preferred one is expected (``Hizdakhut`` for
  ``Hizdakchut``), a case slip (``masach``), or the preferred form written differently (``Ein-Sof``
  for ``Ein Sof``). Grammatical forms listed as variants (``Partzufim``, ``Masach de Guf``) are not
  spellings: see :func:`workbench.checks.context.is_inflection`.
* ``term-forbidden``: a forbidden rendering (``Partsuf`` for ``Partzuf``).

The corpus-wide ``term-inconsistent`` is in :mod:`workbench.checks.consistency`.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from workbench.align.types import AlignedLink
from workbench.checks.analysis import TermCheck, UnitTerms, coverage, quote
from workbench.checks.base import AggregateCheck, Issue, register
from workbench.checks.context import CheckContext, LinkUnit, TermIndex
from workbench.checks.rows import (
    FORM_CASE,
    FORM_PREFERRED,
    FORM_SPELLING,
    FORM_VARIANT,
    SEP,
    is_form_row,
    rough_sentences,
)
from workbench.checks.senses import citation_spans
from workbench.findings_types import GlossRow
from workbench.terms.english import zipf

_q = quote


@register
class TermMissing(TermCheck):
    id = "term-missing"
    name = "Term not rendered"
    severity = "warning"
    one_sided = False
    description = (
        "A termbase term of the source paragraph (prefixes allowed: והמסך, דראש) has no rendering in "
        "the aligned translation: none of its forms, nor its gloss used as the translation, nor (for an "
        "acronym) the terms it stands for. Every occurrence counts (3 in the source, 1 in the "
        "translation = 2 findings). A warning where the check can tell: the term is rendered nowhere "
        "in the link and its sentence was left out, or cut short with the term past the clauses the "
        "translation keeps (an abridgement keeps the start of its sentence), or the aligned sentence has a "
        "misspelling of the term in its place. Otherwise a hint (info): the translation renders the "
        "term fewer times than the source names it (a repetition the English refers back to), the "
        "sentence is translated in full with other words (a paraphrase or a slip: only a reader can "
        "tell), or the Hebrew word is marked ambiguous."
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
                place = in_place_of(unit, a, index, p, h)
                instead, sentence = place.word, place.sentence
                if instead and place.misspelt:
                    tail = f"; the aligned sentence has {_q(instead)} in its place (probably a misspelling)"
                elif instead:
                    tail = f"; the aligned sentence has {_q(instead)} in its place"
                elif place.omitted and sentence:
                    tail = f"; the aligned sentence is much shorter than its source (cut?): {_q(_short(sentence))}"
                elif place.cut and sentence:
                    tail = (f"; the aligned sentence is much shorter than its source, the term within the part "
                            f"it may render: {_q(_short(sentence))}")
                elif sentence:
                    tail = f"; the aligned sentence reads {_q(_short(sentence))}"
                elif sentence is not None:
                    tail = "; no sentence of the translation is aligned with it (left out?)"
                else:
                    tail = ""
                if term.ambiguous:
                    why = "ambiguous"
                elif covered:
                    why = "count"  # rendered in the link, fewer times than the Hebrew repeats it
                elif place.omitted or (instead and place.misspelt):
                    why = "omitted" if place.omitted else "misspelt"
                else:
                    why = "paraphrase"
                yield self.issue(
                    f"{_q(h.prefix + h.surface)} ({term.preferred}) occurs {n_src}× in the source, its rendering "
                    f"{covered}× in the translation (expected {', '.join(accepted)}{alt}){tail}",
                    para_id=p.id, side="source", start=h.start - len(h.prefix), end=h.end, key=h.form or h.surface,
                    term_id=tid, severity=None if why in ("omitted", "misspelt") else "info",
                    data={"source_count": n_src, "rendered": covered, "instead": instead, "sentence": sentence,
                          "ambiguous": bool(term.ambiguous), "reason": why},
                )  # fmt: skip


def _short(text: str, width: int = 90) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1].rsplit(" ", 1)[0] + "…"


def _sentences(unit: LinkUnit) -> tuple[list[tuple[str, int, int]], list[tuple[str, int, int]], list[Any]] | None:
    """The sentences of both sides of a unit, as (paragraph id, start, end), and the sentence links
    between them (memoised on the unit).

    The links come from :func:`align_sentences_by_length`, a small length-based dynamic programme,
    not from the aligner: the runner does not hand a check the sentence links stored with a link,
    and running the full sentence aligner on every link with a missing term made a check run of the
    demo thirty times slower."""
    got = unit.memo.get("sentences")
    if got is not None:
        return got
    src = [(p.id, x, y) for p in unit.source for x, y in rough_sentences(p.text)]
    tgt = [(p.id, x, y) for p in unit.target for x, y in rough_sentences(p.text)]
    links = align_sentences_by_length([y - x for _i, x, y in src], [y - x for _i, x, y in tgt])
    unit.memo["sentences"] = (src, tgt, links)
    return unit.memo["sentences"]


_BEADS = ((1, 1, 0.0), (1, 2, 0.7), (2, 1, 0.7), (1, 0, 2.5), (0, 1, 2.5), (2, 2, 1.2))


def align_sentences_by_length(src: list[int], tgt: list[int]) -> list[AlignedLink]:
    """Monotone sentence links by length (Gale-Church's idea, with the link's own length ratio as
    the expected one): beads 1-1, 1-2, 2-1, 2-2, 1-0, 0-1, cost the log length ratio's distance from
    the expected ratio plus a penalty per bead kind."""
    n, m = len(src), len(tgt)
    if n <= 1 or m <= 1:
        return [AlignedLink(list(range(n)), list(range(m)), 1.0)] if n or m else []
    ratio = (sum(tgt) + 1) / (sum(src) + 1)
    # Prefix sums: a bead's length is one subtraction (the same integers as summing the slice).
    ps, pt = [0], [0]
    for x in src:
        ps.append(ps[-1] + x)
    for x in tgt:
        pt.append(pt[-1] + x)
    log, inf = math.log, float("inf")
    cost = [[inf] * (m + 1) for _ in range(n + 1)]
    back: list[list[tuple[int, int] | None]] = [[None] * (m + 1) for _ in range(n + 1)]
    cost[0][0] = 0.0
    # The bead table (:data:`_BEADS`) unrolled: the same sums in the same order as a loop over it,
    # so the costs, and so the ties, are bit for bit those of that loop; a bead only updates its
    # own cell, so the order of the beads of one cell does not matter. Halves the time of the
    # programme, which term-missing runs on every link with a missing term.
    for i in range(n + 1):
        ci, bi, psi = cost[i], back[i], ps[i]
        for j in range(m + 1):
            c0 = ci[j]
            if c0 == inf:
                continue
            ptj = pt[j]
            if i < n:
                ca, ba = cost[i + 1], back[i + 1]
                ls = (ps[i + 1] - psi + 5) * ratio
                c = c0 + 2.5 + 0.0  # 1-0
                if c < ca[j]:
                    ca[j], ba[j] = c, (i, j)
                if j < m:
                    c = c0 + 0.0 + abs(log((pt[j + 1] - ptj + 5) / ls))  # 1-1
                    if c < ca[j + 1]:
                        ca[j + 1], ba[j + 1] = c, (i, j)
                    if j + 1 < m:
                        c = c0 + 0.7 + abs(log((pt[j + 2] - ptj + 5) / ls))  # 1-2
                        if c < ca[j + 2]:
                            ca[j + 2], ba[j + 2] = c, (i, j)
                if i + 1 < n and j < m:
                    ca, ba = cost[i + 2], back[i + 2]
                    ls = (ps[i + 2] - psi + 5) * ratio
                    c = c0 + 0.7 + abs(log((pt[j + 1] - ptj + 5) / ls))  # 2-1
                    if c < ca[j + 1]:
                        ca[j + 1], ba[j + 1] = c, (i, j)
                    if j + 1 < m:
                        c = c0 + 1.2 + abs(log((pt[j + 2] - ptj + 5) / ls))  # 2-2
                        if c < ca[j + 2]:
                            ca[j + 2], ba[j + 2] = c, (i, j)
            if j < m:
                c = c0 + 2.5 + 0.0  # 0-1
                if c < ci[j + 1]:
                    ci[j + 1], bi[j + 1] = c, (i, j)
    out: list[AlignedLink] = []
    a, b = n, m
    while (a, b) != (0, 0):
        prev = back[a][b]
        assert prev is not None
        i, j = prev
        out.append(AlignedLink(list(range(i, a)), list(range(j, b)), 1.0))
        a, b = i, j
    return out[::-1]


# A source sentence whose aligned translation is shorter than this share of what the link's own
# length ratio predicts was cut (or left out): a term in it is missing with the words around it.
CUT_RATIO = 0.5


@dataclass(slots=True)
class InPlace:
    """What the translation has where a source term is not rendered (see :func:`in_place_of`)."""

    word: str | None = None  # a word of the aligned sentence standing where the term should
    sentence: str | None = None  # the aligned sentence; "" when none is aligned, None when unknown
    misspelt: bool = False  # ``word`` is a near miss of the missing term itself
    omitted: bool = False  # no sentence aligned, or one far shorter than its source and the term past
    # the clauses of it that the translation has
    cut: bool = False  # the aligned sentence is far shorter than its source (whether or not the term
    # is in the part it covers)


def in_place_of(unit: LinkUnit, a: UnitTerms, index: TermIndex, para: Any, hit: Any) -> InPlace:
    """The aligned sentence of a source term that is not rendered, whether it was cut, and the word
    standing in the term's place when one can be named: a capitalised word of that sentence that is
    a near miss of the term (``Neshmah`` for נשמה: a misspelling), else the one capitalised word
    that is no English word at all (not even a rare one), nor a termbase form, nor part of a term's
    rendering (``Kadmon`` of "Adam Kadmon", once named in place of Nefesh) or of a citation ("the
    Zohar, Naso"), nor a near miss of another term. Two such words: none is named (a guess is
    worse than the sentence itself)."""
    got = _sentences(unit)
    if got is None:
        return InPlace()
    src, tgt, links = got
    a0 = hit.start - len(hit.prefix)
    si = next((i for i, (pid, x, y) in enumerate(src) if pid == para.id and x <= a0 < y), None)
    if si is None:
        return InPlace()
    memo = unit.memo.setdefault("in_place", {})
    seen = memo.get(si)
    if seen is None:
        seen = memo[si] = _aligned_sentence(unit, a, index, src, tgt, links, si)
    if seen is _LEFT_OUT:
        return InPlace(sentence="", omitted=True, cut=True)
    sentence, covers, cands = seen
    cut = covers is not None
    # An abridged sentence keeps its first clauses ("גם הדרך היא בכל פרצוף פרטי, שבכלים דחב"ד..." as
    # "This also occurs on an individual basis."): a term within as many clauses of the source as the
    # translation has may be rendered by other words (a hint); a term past them was left out with
    # the words around it (a warning). The length ratio cannot place the cut: the link's own ratio
    # is lowered by the cut itself.
    omitted = cut and _offset_in_link(src, links, si, a0) >= covers
    found: list[str] = []
    for w, kind in cands:
        if kind == hit.term_id:
            return InPlace(w, sentence, True, omitted, cut)  # "Neshmah": this term, misspelt
        if kind is _NO_TERM and w not in found:
            found.append(w)  # a misspelling of another term ("Neshmah" for Neshama) is that term's
    if len(found) == 1:
        return InPlace(found[0], sentence, False, omitted, cut)
    return InPlace(None, sentence, False, omitted, cut)


_CLAUSE_BREAK = re.compile(r"[,;:—–]\s")


def _breaks(text: str, x: int, y: int) -> Iterator[int]:
    """Offsets of the clause breaks (, ; : and dashes) of ``text[x:y]``; a one-word clause
    ("However,", "Thus,") is no clause of its own."""
    last = x
    for m in _CLAUSE_BREAK.finditer(text, x, y):
        if len(text[last : m.start()].split()) >= 2:
            yield m.start()
        last = m.end()


def _clause_count(text: str) -> int:
    return sum(1 for _ in _breaks(text, 0, len(text))) + 1


def _clauses_end(unit: LinkUnit, src: list[Any], sentences: list[int], k: int) -> int:
    """The offset, in the link's source sentences ``sentences`` read as one text, where their
    ``k``-th clause ends (see :func:`_breaks`): the part a cut translation of ``k`` clauses may
    render, an abridgement keeping the start of its sentence."""
    texts = {p.id: p.text for p in unit.source}
    before = 0
    for i in sentences:
        pid, x, y = src[i]
        for at in _breaks(texts[pid], x, y):
            k -= 1
            if k == 0:
                return before + at - x
        before += y - x
    return before


def _offset_in_link(src: list[Any], links: list[Any], si: int, a0: int) -> int:
    """Characters of the source sentences of ``si``'s sentence link before offset ``a0`` of ``si``."""
    link = next(lk for lk in links if si in lk.source)
    before = sum(src[i][2] - src[i][1] for i in link.source if i < si)
    return before + a0 - src[si][1]


_LEFT_OUT = object()


def _aligned_sentence(unit: LinkUnit, a: UnitTerms, index: TermIndex, src: list[Any], tgt: list[Any], links: list[Any],
                      si: int) -> Any:  # fmt: skip
    """What :func:`in_place_of` needs of source sentence ``si`` whatever the term (memoised per unit:
    a sentence often misses several terms): ``_LEFT_OUT`` when no translation sentence is aligned,
    else (the aligned sentence; when it was cut, how many characters of its source sentences the
    clauses it has may render (:func:`_clauses_end`), else None; its candidate stand-in words in
    order with what each is, see :func:`_stand_in`)."""
    link = next((lk for lk in links if si in lk.source), None)
    if link is None or not link.target:
        return _LEFT_OUT
    spans = [tgt[j] for j in link.target if j < len(tgt)]
    texts = {p.id: p.text for p in unit.target}
    sentence = " ".join(texts[pid][x:y] for pid, x, y in spans)
    covers: int | None = None
    if len(src) > 1 and len(tgt) > 1:
        s_len = sum(src[i][2] - src[i][1] for i in link.source)
        t_len = sum(y - x for _pid, x, y in spans)
        ratio = unit.memo.get("length_ratio")
        if ratio is None:
            ratio = unit.memo["length_ratio"] = (sum(y - x for _i, x, y in tgt) + 1) / (sum(y - x for _i, x, y in src) + 1)
        if t_len < CUT_RATIO * ratio * s_len:
            covers = _clauses_end(unit, src, link.source, _clause_count(sentence))
    words = _stand_ins(index)
    cands: list[tuple[str, Any]] = []
    skips: dict[str, list[tuple[int, int]]] = {}
    for pid, x, y in spans:
        text = texts[pid]
        for m in _CAPITALISED.finditer(text, x, y):
            w = m.group()
            if m.start() == x or text[max(x, m.start() - 2) : m.start()].strip() in (".", "\"", "“", "(", ":"):
                continue  # a sentence's first word
            kind = words.get(w)
            if kind is None:
                kind = words[w] = _stand_in(index, w)
            if kind is _NOT_A_STAND_IN:
                continue
            skip = skips.get(pid)
            if skip is None:
                skip = skips[pid] = [(o.hit.start, o.hit.end) for o in a.tgt if o.para.id == pid] + citation_spans(text)
            if any(s <= m.start() and m.end() <= e for s, e in skip):
                continue  # "Kadmon" of "Adam Kadmon", "Naso" of "the Zohar, Naso"
            cands.append((w, kind))
    return sentence, covers, cands


_NOT_A_STAND_IN = object()
_NO_TERM = object()
_STAND_INS: dict[str, dict[str, Any]] = {}


def _stand_ins(index: TermIndex) -> dict[str, Any]:
    """Per termbase version, what each capitalised word is as a stand-in (see :func:`_stand_in`):
    a corpus repeats its words, and the English table, the matcher and the near-miss search are
    asked once per word instead of once per missing term."""
    got = _STAND_INS.get(index.version)
    if got is None or len(got) > 200_000:
        _STAND_INS.clear()
        got = _STAND_INS[index.version] = {}
    return got


def _stand_in(index: TermIndex, w: str) -> Any:
    """``_NOT_A_STAND_IN`` for a short word, an English word however rare ("Godliness": the
    translator's choice) or a termbase form; else the id of the term it is a near miss of, or
    ``_NO_TERM``."""
    if len(w) < 4 or zipf(w.lower()) is not None or index.matcher.find_target(w):
        return _NOT_A_STAND_IN
    from workbench.checks.spelling import near_miss

    near = near_miss(index, w)
    return _NO_TERM if near is None else near[1]


_CAPITALISED = re.compile(r"(?<![\w'’-])[A-Z][a-z]+(?:[-'’][A-Za-z]+)?(?![\w'’-])")


@register
class TermVariant(AggregateCheck):
    id = "term-variant"
    name = "Variant rendering"
    severity = "warning"
    scope = "document"
    stat = "gloss_occ"
    description = (
        "How a document writes a term against the termbase's variant policy. An allowed variant "
        "(Binah for Bina) used consistently is a house style: no finding; mixed with the preferred "
        "rendering or another variant in one document: one warning for the document. A deprecated "
        "variant: one warning per document with its count. A forbidden variant: an error at each "
        "occurrence. A case slip (masach for Masach) or the preferred form written differently "
        "(Ein-Sof for Ein Sof): one warning per document and spelling. Grammatical forms listed as "
        "variants (Partzufim, Masach de Guf) are fine."
    )

    def aggregate(self, rows: Iterable[GlossRow], ctx: CheckContext, partition: str | None = None) -> Iterator[Issue]:
        index = ctx.terms
        if index is None:
            return
        per_term: dict[Any, list[GlossRow]] = defaultdict(list)
        for r in sorted((r for r in rows if is_form_row(r)), key=lambda r: (r.pos, r.seq)):
            per_term[r.term_id].append(r)
        for tid, occ in per_term.items():
            term = index.terms.get(tid)
            if term is None:
                continue
            yield from self._term(term, occ)

    def _issue(self, msg: str, occ: list[GlossRow], key: str, term: Any, rule: str, **kw: Any) -> Issue:
        first = occ[0]
        return self.issue(
            msg, para_id=first.para_id, start=first.start, end=first.end, term_id=term.id,
            anchor=f"doc:{first.doc_id}", key=key, doc_id=first.doc_id,
            data={"rule": rule, "preferred": term.preferred, "policy": term.variant_policy, "count": len(occ),
                  "occurrences": [[r.para_id, r.start, r.end] for r in occ], **kw},
        )  # fmt: skip

    def _term(self, term: Any, occ: list[GlossRow]) -> Iterator[Issue]:
        src = f" ({term.source})" if term.source else ""
        by_rule: dict[int, dict[str, list[GlossRow]]] = defaultdict(lambda: defaultdict(list))
        for r in occ:
            stem, _, form = r.surface.partition(SEP)
            if r.glossed in (FORM_PREFERRED, FORM_VARIANT):
                by_rule[r.glossed][form if r.glossed == FORM_VARIANT else term.preferred].append(r)
            else:
                by_rule[r.glossed][stem].append(r)
        variants = by_rule.get(FORM_VARIANT, {})
        policy = term.variant_policy
        if variants and policy == "forbidden":
            for form, rs in variants.items():
                for r in rs:
                    yield self.issue(
                        f"{_q(form)} is a variant of {_q(term.preferred)}{src} that the termbase forbids; write "
                        f"{_q(term.preferred)}", para_id=r.para_id, start=r.start, end=r.end, term_id=term.id,
                        key=form, doc_id=r.doc_id, severity="error",
                        data={"rule": "variant", "form": form, "preferred": term.preferred, "policy": policy},
                    )  # fmt: skip
        elif variants and policy == "deprecated":
            for form, rs in variants.items():
                yield self._issue(
                    f"{_q(form)} ({len(rs)}× in this document) is a deprecated variant of {_q(term.preferred)}{src}; "
                    f"write {_q(term.preferred)}", rs, form, term, "variant", form=form)  # fmt: skip
        elif variants:
            used = {**by_rule.get(FORM_PREFERRED, {}), **variants}
            if len(used) >= 2:
                ranked = sorted(used.items(), key=lambda kv: (-len(kv[1]), kv[0] != term.preferred, kv[0]))
                top = ranked[0][0]
                rest = sorted((r for form, rs in ranked[1:] for r in rs), key=lambda r: (r.pos, r.seq))
                dist = ", ".join(f"{len(rs)} × {form}" for form, rs in ranked)
                yield self._issue(
                    f"{term.preferred}{src} is written {len(used)} ways in this document: {dist}; an allowed variant "
                    f"is fine when used throughout — write {_q(top)} everywhere (or the preferred {_q(term.preferred)})",
                    rest, "mixed", term, "mixed", form=top,
                    distribution=[[form, len(rs)] for form, rs in ranked],
                )  # fmt: skip
        for stem, rs in by_rule.get(FORM_CASE, {}).items():
            form = rs[0].surface.partition(SEP)[2]
            yield self._issue(f"{_q(stem)} ({len(rs)}× in this document): write {_q(form)}{src} (letter case)",
                              rs, stem, term, "case", form=form)  # fmt: skip
        for stem, rs in by_rule.get(FORM_SPELLING, {}).items():
            form = rs[0].surface.partition(SEP)[2]
            yield self._issue(f"{_q(stem)} ({len(rs)}× in this document) is written {_q(form)} in the termbase{src}",
                              rs, stem, term, "spelling", form=form)  # fmt: skip


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


