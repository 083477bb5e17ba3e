"""The term analysis every term check reads (:func:`analyse`, :func:`coverage`), the per-unit
statistics rows the document- and corpus-wide checks aggregate (:func:`collect_stats`), and
:class:`TermCheck`, the base of the link checks that read the analysis.

Per link, :func:`analyse` finds the termbase terms of the source (with prefixes) and their
renderings in the translation once, on the termbase matcher (:class:`workbench.terms.TermMatcher`,
never a second one), and memoises the result on the unit; every term check shares it. The
families: :mod:`workbench.checks.terms` (term-missing, term-variant, term-forbidden),
:mod:`workbench.checks.glosses` (gloss-first, gloss-repeat, gloss-mismatch),
:mod:`workbench.checks.consistency` (term-inconsistent, corpus-wide).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, ClassVar

from workbench.checks import rows as rows_mod
from workbench.checks.base import Issue, LinkCheck
from workbench.checks.context import CheckContext, LinkUnit, TermIndex, gloss_key, gloss_parts, is_inflection
from workbench.checks.homographs import RULES as _IDIOMS
from workbench.checks.homographs import ordinary_use
from workbench.checks.senses import citation_spans, inside, not_term_spans
from workbench.findings_types import GLOSSED, NAMED, GlossRow, UsageRow
from workbench.model import Paragraph

__all__ = [
    "GLOSSED", "NAMED", "NO_RENDERING", "GlossRow", "Paren", "TargetOcc", "TermCheck", "UnitTerms", "UsageRow",
    "analyse", "bucket_of", "collect_stats", "coverage", "is_heading", "quote", "stem_of",
]  # fmt: skip

NO_RENDERING = "(no rendering)"
IDIOM_FORMS = frozenset(_IDIOMS)
_HEBREW = re.compile(r"[\u0590-\u05ff]")
_NOT_GLOSS_START = re.compile(
    r"^(?:see|cf|ibid|item|items|par|paragraph|chapter|ch|p|pp|note|and|which|that|who|whom|as|for|in|of|"
    r"from|to|with|by|because|since|when|where|if|etc|is|are|was|were|he|she|it|they|we|this|these)\b",
    re.I,
)
MAX_GLOSS_WORDS = 6


@dataclass(slots=True)
class Paren:
    """A parenthesis right after (or around) a term occurrence."""

    start: int
    end: int
    inner: str
    glosslike: bool
    matches: bool


@dataclass(slots=True)
class TargetOcc:
    para: Paragraph
    hit: Any  # TargetHit
    stem: str
    gloss: Paren | None = None
    glossed: int = 0  # GLOSSED or NAMED (see GlossRow), 0: no gloss


@dataclass(slots=True)
class UnitTerms:
    src: list[tuple[Paragraph, Any]] = field(default_factory=list)  # (paragraph, SourceHit)
    tgt: list[TargetOcc] = field(default_factory=list)
    src_count: dict[Any, int] = field(default_factory=dict)
    nested: dict[Any, int] = field(default_factory=dict)
    gloss_spans: dict[str, list[tuple[int, int]]] = field(default_factory=dict)
    skipped: list[tuple[Paragraph, Any]] = field(default_factory=list)  # source hits in a not-term context


def stem_of(hit: Any) -> str:
    s, suf = hit.surface, getattr(hit, "suffix", "")
    if not suf:
        return s
    if suf == "ies":
        return s[:-3] + (hit.form[-1:] or "y")
    return s[: -len(suf)]


# ------------------------------------------------------------------------------------ analysis


def _paren_after(text: str, end: int) -> tuple[int, int, str] | None:
    j = end
    if text.startswith(("'s", "’s"), j):
        j += 2
    spaces = 0
    while j < len(text) and text[j] in " \u00a0" and spaces < 2:
        j += 1
        spaces += 1
    if j >= len(text) or text[j] != "(":
        return None
    k = text.find(")", j + 1)
    if k < 0:
        return None
    inner = text[j + 1 : k]
    if "(" in inner:
        return None
    return j, k + 1, inner


def _glosslike(inner: str, index: TermIndex, term_id: Any) -> bool:
    """Is the parenthesis after a term a gloss of it? The termbase gloss always is ("NRNHY
    (Nefesh, Ruach, Neshama, Haya, Yechida)"), and so is an acronym expanded in place ("MAN (Mayin
    Nukvin)", "HGT (Hesed, Gevura, Tifferet)"); otherwise a short phrase that is not a reference,
    an acronym or a remark naming other terms ("Ruach (higher than Nefesh)", "Malchut (Nukva)")."""
    s = inner.strip()
    if index.gloss_matches(term_id, s) or _expands(s, index, term_id):
        return True
    if not s or _HEBREW.search(s) or any(ch.isdigit() for ch in s):
        return False  # "(Tazriah 40)", "(see Item 12)": references
    if " " not in s and sum(ch.isupper() for ch in s) >= max(2, len(s) // 2):
        return False  # "(KChBTM)": an acronym
    if len(s.split()) > MAX_GLOSS_WORDS or _NOT_GLOSS_START.match(s):
        return False
    return not index.matcher.find_target(s)


def _expands(inner: str, index: TermIndex, term_id: Any) -> bool:
    """The parenthesis spells the term out: its own other form ("MAN (Mayin Nukvin)"), or the terms
    an acronym stands for ("HGT (Hesed, Gevura, Tifferet)")."""
    if not inner or _HEBREW.search(inner) or any(ch.isdigit() for ch in inner):
        return False
    hits = index.matcher.find_target(inner)
    if not hits:
        return False
    ids = {h.term_id for h in hits}
    if ids == {term_id}:
        return hits[0].start <= 1 and hits[-1].end >= len(inner) - 1
    return _spells_out(term_id, list(ids), index)


def _close_gloss(inner: str, gloss: str) -> bool:
    """A paraphrase of the termbase gloss is no other gloss: "a complete spiritual level" for "a
    complete spiritual structure" (most of the words of one of its parts, at least two of them)."""
    words = set(gloss_key(inner).split())
    for part in gloss_parts(gloss):
        want = set(gloss_key(part).split())
        if len(want) >= 2 and len(words & want) >= max(2, (2 * len(want) + 2) // 3):
            return True
    return False


_LIST_GAP = re.compile(
    r"^(?:\s*[,/–-]\s*|\s*,?\s+(?:and|or)\s+|\s*,\s*(?:and|or)\s+|[\s,]*(?:and\s+)?\(?\d{1,2}[.)]\s*)(?:the\s+)?$", re.I
)
MIN_LIST = 3


def _list_items(text: str, hits: list[Any]) -> set[int]:
    """Indices of ``hits`` that are items of a list of at least three terms ("Keter, Hochma, Bina,
    Tifferet and Malchut"; "Nefesh, Ruach, Neshama"; "1. Adam Kadmon 2. Atzilut 3. Beria"): a list
    names its items, it does not gloss each."""
    out: set[int] = set()
    run = [0] if hits else []
    for i in range(1, len(hits) + 1):
        if i < len(hits) and hits[i].start >= hits[i - 1].end and _LIST_GAP.match(text[hits[i - 1].end : hits[i].start]):
            run.append(i)
            continue
        if len({hits[k].term_id for k in run}) >= MIN_LIST:
            out.update(run)
        run = [i]
    return out


_LIST_GLUE = re.compile(r"^(?:\s*,\s*|\s*,?\s+(?:and|or)\s+)(?:the\s+)?$", re.I)


# The words between a term and the list of terms that spells it out: "Sefirot, which are Keter,
# ...", "NRNHY: Nefesh, ...", "the worlds (Atzilut, ...", "known as".
_INTRODUCES = re.compile(
    r"\s*[,:(—–-]?\s*(?:(?:which|that|who|they)\s+(?:are|is|were)|namely|i\.e\.|that is|known as|called)?"
    r"\s*[:,(—–-]?\s*(?:the\s+)?$", re.I)  # fmt: skip


def _ends_list(text: str, start: int, hits: list[Any]) -> bool:
    """True when the occurrence at ``start`` is the last item of a list of terms ("X, Y and Z")."""
    prev = [h.end for h in hits if h.end <= start]
    return bool(prev) and bool(_LIST_GLUE.match(text[max(prev) : start]))


def _in_parens_after_text(text: str, start: int, end: int, hits: list[Any], term_id: Any, index: TermIndex) -> bool:
    """``rebuilding (tikun)``, ``screen (Masach)``, ``Chochmah-Binah-Daat (ChBD)``: the term alone in
    parentheses right after the words it names is glossed by them. Not when those words end
    with another term (``Malchut (Nukva)``: another name), unless they spell out the acronym."""
    a = start - 1
    if a < 1 or text[a] != "(" or end >= len(text) or text[end] != ")":
        return False
    j = a - 1
    while j >= 0 and text[j] == " ":
        j -= 1
    if j < 0 or not (text[j].isalpha() or text[j] in ",’'\"”"):
        return False
    prev = [h for h in hits if h.end <= a and h.term_id != term_id]
    last = max(prev, key=lambda h: h.end) if prev else None
    if last is None or text[last.end : a].strip(" ,’'\"”") != "":
        return True  # plain English before the parenthesis
    return _spells_out(term_id, [h.term_id for h in prev if h.end > a - 120], index)


def _spells_out(term_id: Any, nearby: list[Any], index: TermIndex) -> bool:
    """True when the terms ``nearby`` cover the gloss of an acronym made of terms (all but one,
    at least two): ``ABYA, they are: Azilut, Beriya, Yetzira and Asiya``."""
    parts = index.gloss_terms.get(term_id)
    if not parts:
        return False
    have = len(parts & set(nearby))
    return have >= max(2, len(parts) - 1)


def _gloss_before(text: str, start: int, term_id: Any, index: TermIndex) -> bool:
    """``screen (Masach)``: the words before the parenthesis are the termbase gloss."""
    words = text[: start - 1].split()
    return any(index.gloss_matches(term_id, " ".join(words[-k:])) for k in range(1, min(6, len(words)) + 1))


_HEADING_END = re.compile(r"[.!?:;…]$")


def is_heading(text: str) -> bool:
    """A title or byline ("81. Concerning Raising MAN", "Yehuda Leib HaLevi Ashlag (Baal HaSulam)"):
    short, not ending like a sentence, in title case (at least two capitalised words of four
    letters or more, and most of them). Glosses belong to the running text, not to headings."""
    s = text.strip().rstrip(")]\"'”’ ")
    words = s.split(None, 12)  # 13 pieces: more than 12 words (no need to split a long paragraph)
    if not words or len(words) > 12 or _HEADING_END.search(s):
        return False
    first = next((w for w in words if w[0].isalpha()), "")
    if not first[:1].isupper():
        return False
    long = [w.strip("()[],;:\"'“”‘’") for w in words]
    long = [w for w in long if len(w) >= 4 and w.isalpha()]
    caps = sum(1 for w in long if w[0].isupper())
    return caps >= 2 and caps * 5 >= len(long) * 3


def analyse(unit: LinkUnit, ctx: CheckContext) -> UnitTerms | None:
    """Term occurrences of a unit (memoised on the unit: every term check shares it)."""
    if ctx.terms is None:
        return None
    memo = unit.memo.get("terms")
    if memo is not None:
        return memo
    index = ctx.terms
    m = index.matcher
    out = UnitTerms()
    src_count = out.src_count
    named: set[str] = set()  # every term the matcher finds, before the filters: the runner's term_part
    for p in unit.source:
        hits = m.find_source(p.text)
        named.update(str(h.term_id) for h in hits)
        cites = _citations(p.text) if hits else []
        for h in hits:
            if h.form in IDIOM_FORMS and ordinary_use(p.text, h):
                continue  # נחת רוח (contentment), לדעת (to know): the word, not the term
            a0 = h.start - len(h.prefix)
            if cites and inside(cites, a0, h.end):
                continue  # תיקוני זוהר, (זוהר תרומה אות רפד): a book or a citation
            term = index.terms.get(h.term_id)
            if term is not None and term.not_term and inside(not_term_spans(p.text, term), a0, h.end):
                out.skipped.append((p, h))  # גוף האדם: the ordinary word (the editor listed it)
                continue
            out.src.append((p, h))
            src_count[h.term_id] = src_count.get(h.term_id, 0) + 1
    for p in unit.target:
        hits = m.find_target(p.text)
        if not hits:
            continue
        named.update(str(h.term_id) for h in hits)
        cites = _citations(p.text)
        if cites:
            hits = [h for h in hits if not inside(cites, h.start, h.end)]  # "Tikkunei Zohar"
        spans: list[tuple[int, int]] = []
        groups = _span_groups(hits)
        listed = _list_items(p.text, [g[0] for g in groups])
        fn_marks = [mk.start for mk in p.marks if mk.kind == "footnote"] if p.marks else []
        for gi, group in enumerate(groups):
            if len(group) > 1:
                # Two terms sharing a rendering come back on the same span: keep the one the source has.
                grounded = [h for h in group if out.src_count.get(h.term_id)]
                group = grounded or group
            for h in group:
                occ = TargetOcc(p, h, stem_of(h))
                term = index.terms.get(h.term_id)
                if term is not None and term.gloss:
                    pa = _paren_after(p.text, h.end)
                    if pa is not None and _ends_list(p.text, h.start, hits):
                        pa = None  # "Nefesh, Ruach and Yechida (levels)": the parenthesis is the list's
                    if pa is not None:
                        a, b, inner = pa
                        like = _glosslike(inner, index, h.term_id)
                        matches = like and (index.gloss_matches(h.term_id, inner) or _expands(inner.strip(), index, h.term_id)
                                            or _close_gloss(inner, term.gloss))
                        occ.gloss = Paren(a, b, inner, like, matches)
                        if like:
                            spans.append((a, b))
                    if (occ.gloss and occ.gloss.glosslike) or any(h.end <= f <= h.end + 2 for f in fn_marks):
                        occ.glossed = GLOSSED
                    elif _in_parens_after_text(p.text, h.start, h.end, hits, h.term_id, index):
                        occ.glossed = GLOSSED if _gloss_before(p.text, h.start, h.term_id, index) else NAMED
                    elif h.term_id in index.gloss_terms and _spells_out(
                        h.term_id, [x.term_id for x in hits if abs(x.start - h.start) < 120], index
                    ):
                        occ.glossed = NAMED
                    elif gi in listed:
                        occ.glossed = NAMED  # an item of a list of terms
                    elif gi + 1 in listed and _INTRODUCES.match(p.text, h.end, groups[gi + 1][0].start):
                        occ.glossed = NAMED  # "the five Sefirot, which are Keter, Hochma, Bina...": spelled out
                out.tgt.append(occ)
                if " " in h.surface or "-" in h.surface:
                    for tid in _nested(h.surface, index):
                        if tid != h.term_id:
                            out.nested[tid] = out.nested.get(tid, 0) + 1
        if spans:
            out.gloss_spans[p.id] = spans
    unit.memo["terms"] = out  # in document order: paragraphs in order, hits sorted by the matcher
    unit.memo["term_ids"] = named
    return out


def _citations(text: str) -> list[tuple[int, int]]:
    return citation_spans(text)


def _span_groups(hits: list[Any]) -> list[list[Any]]:
    """Hits grouped by identical span (the matcher returns them sorted, equal spans adjacent)."""
    groups: list[list[Any]] = []
    last = None
    for h in hits:
        span = (h.start, h.end)
        if span == last:
            groups[-1].append(h)
        else:
            groups.append([h])
            last = span
    return groups


_NESTED: dict[tuple[str, str], tuple[Any, ...]] = {}


def _nested(surface: str, index: TermIndex) -> tuple[Any, ...]:
    """Terms found inside a multi-word rendering after its first word (Guf in Masach de Guf)."""
    key = (index.version, surface)
    got = _NESTED.get(key)
    if got is None:
        cut = re.search(r"[\s-]", surface)
        rest = surface[cut.end() :] if cut else ""
        got = tuple(h.term_id for h in index.matcher.find_target(rest)) if rest else ()
        if len(_NESTED) > 50000:
            _NESTED.clear()
        _NESTED[key] = got
    return got


def _gloss_coverage(unit: LinkUnit, ctx: CheckContext, a: UnitTerms, wanted: set[Any]) -> dict[Any, list[str]]:
    """Gloss renderings (as written in the termbase) of ``wanted`` terms in the translation,
    leaving out glosses in parentheses after a term (those gloss the term, they do not replace it)."""
    gm = ctx.terms.gloss_matcher if ctx.terms else None
    base = ctx.terms.gloss_base if ctx.terms else {}
    out: dict[Any, list[str]] = defaultdict(list)
    if gm is None or not wanted:
        return out
    probes = [w for tid in wanted for w in ctx.terms.gloss_probes.get(tid, ())]
    low = " ".join(p.text for p in unit.target).lower()
    if not any(w in low for w in probes):
        return out  # none of the glosses can be there: skip the matcher pass
    unit.memo["gloss_matcher"] = True  # the result depends on the glosses in the translation (runner.term_part)
    for p in unit.target:
        skip = a.gloss_spans.get(p.id, [])
        for h in gm.find_target_of(p.text, wanted):
            if not any(s <= h.start and h.end <= e for s, e in skip):
                out[h.term_id].append(base.get((h.term_id, h.form), h.form))
    return out


EXPANSION_GAP = 60


def expansions(a: UnitTerms, index: TermIndex, wanted: set[Any]) -> dict[Any, int]:
    """How many times the translation renders each acronym of ``wanted`` by what it stands for:
    its parts named together (נרנח"י as "Nefesh, Ruach, Neshama, Chaya and Yechida"; all but one
    part, at least two, each within :data:`EXPANSION_GAP` characters of the last), or an acronym
    that contains it (נה"י as "NHYM"). When no run is that close, the link naming every part counts
    once (ד' עולמות אבי"ע, rendered by a sentence per world). Each run counts once."""
    out: dict[Any, int] = {}
    per_para: dict[str, list[Any]] = defaultdict(list)
    for o in a.tgt:
        per_para[o.para.id].append(o.hit)
    every = {o.hit.term_id for o in a.tgt}
    for tid in wanted:
        parts = index.gloss_terms[tid]
        need = max(2, len(parts) - 1)
        n = 0
        for hits in per_para.values():
            have: set[Any] = set()
            last = None
            for h in hits:
                other = index.gloss_terms.get(h.term_id)
                if h.term_id != tid and other is not None and parts <= other:
                    n += 1  # "NHYM" for נה"י
                    continue
                if h.term_id not in parts:
                    continue
                if last is not None and h.start - last > EXPANSION_GAP:
                    have = set()
                have.add(h.term_id)
                last = h.end
                if len(have) >= need:
                    n += 1
                    have, last = set(), None
        if not n and parts <= every:
            n = 1
        if n:
            out[tid] = n
    return out


def coverage(unit: LinkUnit, ctx: CheckContext) -> tuple[UnitTerms, dict[Any, int], dict[Any, list[str]]] | None:
    """Analysis, known-form coverage per term and gloss renderings per under-covered term."""
    a = analyse(unit, ctx)
    if a is None:
        return None
    memo = unit.memo.get("coverage")
    if memo is not None:
        return memo
    known: dict[Any, int] = dict(a.nested)
    for o in a.tgt:
        tid = o.hit.term_id
        known[tid] = known.get(tid, 0) + 1
    short = {tid for tid, n in a.src_count.items() if n > known.get(tid, 0)} if unit.paired else set()
    spelled = {tid for tid in short if tid in ctx.terms.gloss_terms} if ctx.terms else set()
    if spelled:
        for tid, n in expansions(a, ctx.terms, spelled).items():
            known[tid] = known.get(tid, 0) + n
        short = {tid for tid in short if a.src_count[tid] > known.get(tid, 0)}
    glosses = _gloss_coverage(unit, ctx, a, short) if short else {}
    unit.memo["coverage"] = (a, known, glosses)
    return unit.memo["coverage"]


def bucket_of(occ: TargetOcc, term: Any) -> str:
    """The rendering an occurrence counts as in the distribution: grammatical forms of the
    preferred rendering count as the preferred rendering, and a form counts as written in the
    termbase whatever its letter case (``tikun`` and ``Tikun`` are one rendering: case slips are
    ``term-variant``'s business)."""
    h = occ.hit
    same = occ.stem.casefold() == h.form.casefold()
    if h.form_kind == "variant" and is_inflection(h.form, term.preferred):
        return term.preferred if same else occ.stem
    return h.form if same else occ.stem


def collect_stats(unit: LinkUnit, ctx: CheckContext) -> tuple[list[UsageRow], list[GlossRow]]:
    """Per-link rows for the document- and corpus-wide checks (cached by the runner)."""
    cov = coverage(unit, ctx)
    if cov is None:
        return [], []
    a, known, glosses = cov
    index = ctx.terms
    assert index is not None
    usage: dict[tuple[Any, str, str, bool], int] = {}
    terms = index.terms
    paired = unit.paired
    src_count = a.src_count
    for o in a.tgt:
        tid = o.hit.term_id
        k = (tid, bucket_of(o, terms[tid]), "form", paired and tid in src_count)
        usage[k] = usage.get(k, 0) + 1
    if unit.paired:
        for tid, n_src in a.src_count.items():
            missing = n_src - known.get(tid, 0)
            if missing <= 0:
                continue
            g = glosses.get(tid, [])[:missing]
            for form in g:
                k = (tid, form.casefold(), "gloss", True)
                usage[k] = usage.get(k, 0) + 1
            if missing - len(g) > 0:
                usage[(tid, NO_RENDERING, "missing", True)] = missing - len(g)
    rows = [UsageRow(unit.key, unit.doc_id, tid, b, k, n, g) for (tid, b, k, g), n in usage.items()]
    gloss_rows = []
    headings: dict[str, bool] = {}
    for seq, o in enumerate(a.tgt):
        term = terms[o.hit.term_id]
        if term.gloss_first and term.gloss:
            head = headings.get(o.para.id)
            if head is None:
                head = headings[o.para.id] = is_heading(o.para.text)
            if head:
                continue  # a title or byline: the gloss goes with the first use in running text
            gloss_rows.append(GlossRow(unit.key, unit.doc_id, o.hit.term_id, seq, o.para.id, o.hit.start, o.hit.end,
                                       o.hit.surface, o.glossed, unit.pos))  # fmt: skip
    gloss_rows += form_rows(unit, a, index)
    gloss_rows += unit_rows(unit)
    return rows, gloss_rows


def form_rule(o: TargetOcc, term: Any) -> int | None:
    """How an occurrence is written (a ``rows.FORM_*`` kind), None for a forbidden rendering (that is
    ``term-forbidden``'s). A case slip wins over the variant policy: ``tikun`` for the allowed
    ``Tikun`` is still a slip."""
    h = o.hit
    if h.form_kind == "forbidden":
        return None
    if not h.case_ok:
        return rows_mod.FORM_CASE
    if h.form_kind == "variant" and not is_inflection(h.form, term.preferred):
        return rows_mod.FORM_VARIANT
    if o.stem.casefold() != h.form.casefold():
        if _listed_variant(o.stem, term):
            return rows_mod.FORM_VARIANT  # "Ein-Sof", listed, matched as "Ein Sof" written with a hyphen
        return rows_mod.FORM_SPELLING
    return rows_mod.FORM_PREFERRED


def _listed_variant(stem: str, term: Any) -> str | None:
    low = stem.casefold()
    return next((v for v in term.variants if v.casefold() == low), None)


def has_spelling_variants(term: Any) -> bool:
    """Does the term list another spelling (not only grammatical forms)? ``Ein-Sof`` for ``Ein Sof``
    is one, though the matcher takes it for the preferred form written with a hyphen."""
    p = term.preferred.casefold()
    return any(not is_inflection(v, term.preferred) or (v.casefold() != p and v.replace("-", " ").casefold() == p)
               for v in term.variants)  # fmt: skip


def form_rows(unit: LinkUnit, a: UnitTerms, index: TermIndex) -> list[GlossRow]:
    """The ``term-variant`` rows of a unit: every deviation from the termbase form, and the uses of
    the preferred rendering of terms that have variant spellings (a document mixing the two is
    what an allowed variant must not do)."""
    out = []
    for seq, o in enumerate(a.tgt):
        term = index.terms[o.hit.term_id]
        rule = form_rule(o, term)
        if rule is None or (rule == rows_mod.FORM_PREFERRED and not has_spelling_variants(term)):
            continue
        form = o.hit.form
        if rule == rows_mod.FORM_VARIANT and o.hit.form_kind != "variant":
            form = _listed_variant(o.stem, term) or form
        out.append(rows_mod.row(unit, rule, o.para.id, o.hit.start, o.hit.end, f"{o.stem}{rows_mod.SEP}{form}",
                                seq, o.hit.term_id))  # fmt: skip
    return out


def unit_rows(unit: LinkUnit) -> list[GlossRow]:
    """Rows of the document-wide fidelity checks (length, sentences, edges: see :mod:`workbench.checks.rows`)."""
    out: list[GlossRow] = []
    tgt = [p for p in unit.target if p.text.strip()]
    if unit.paired and unit.source and tgt:
        s = sum(rows_mod.letters(p.text) for p in unit.source)
        t = sum(rows_mod.translation_letters(p.text) for p in tgt)
        out.append(rows_mod.row(unit, rows_mod.LENGTH, tgt[0].id, s, t, ""))
    if tgt:
        n = 0
        for p in tgt:
            for a0, b0 in rows_mod.rough_sentences(p.text):
                if b0 - a0 < rows_mod.MIN_SENTENCE:
                    continue
                key = rows_mod.sentence_key(p.text[a0:b0])
                if len(key) >= rows_mod.MIN_SENTENCE:
                    out.append(rows_mod.row(unit, rows_mod.SENTENCE, p.id, a0, b0, key[:400], n))
                    n += 1
        for k, p in enumerate(tgt):
            out.append(rows_mod.row(unit, rows_mod.EDGE, p.id, 0, len(p.text), rows_mod.edge_surface(p.text, p.text), k))
    return out




# ------------------------------------------------------------------------------------ base of term checks


def quote(s: str) -> str:
    """A term or text quoted in a message: ‘Masach’."""
    return f"‘{s}’"


class TermCheck(LinkCheck):
    """A link check over the shared term analysis of a unit (:func:`analyse`).

    Subclasses set the usual declarative attributes and implement :meth:`check_terms`;
    :meth:`applies` narrows the units the check looks at (default: all). The base runs the
    analysis only when there is a termbase and the unit applies, so that the checks do not repeat
    that preamble."""

    needs_terms: ClassVar[bool] = True

    def applies(self, unit: LinkUnit) -> bool:
        return True

    def check_link(self, unit: LinkUnit, ctx: CheckContext) -> Iterable[Issue]:
        if not self.applies(unit):
            return ()
        a = analyse(unit, ctx)
        if a is None:
            return ()
        assert ctx.terms is not None
        return self.check_terms(unit, a, ctx.terms, ctx)

    def check_terms(self, unit: LinkUnit, a: UnitTerms, index: TermIndex, ctx: CheckContext) -> Iterable[Issue]:
        raise NotImplementedError
