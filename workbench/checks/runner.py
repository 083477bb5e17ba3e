"""Running the checks: in memory (:func:`run_checks`) or on the store, incrementally (:class:`CheckRunner`).

Incremental model. Every unit (a link, or a paragraph of a one-sided document) has a signature
(its paragraph ids, texts, labels and marks, the termbase version and :data:`CHECKS_VERSION`).
A run recomputes only units whose signature changed; for each it stores the link-level findings and
small statistics rows (term renderings, glossed-term occurrences). Document-wide checks (gloss
first/repeat) are then recomputed from the cached rows of the document, corpus-wide checks
(term-inconsistent) from the cached rows of the terms and renderings the changed units touched.
Findings keep their status across runs: the runner reads the stored findings of a scope, computes
the changes with the pure rules of :mod:`workbench.checks.reconcile` and asks the store to execute
them (``store.findings.apply``); a finding a run would open comes in under its group's accepted
decision when its text did not change since (``_decisions_for``, the rule in
:func:`workbench.checks.reconcile.decided_status`). Units and their order come from
:func:`workbench.checks.context.plan_units`, on both the full and the editor's fast path.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from hashlib import blake2b
from typing import TYPE_CHECKING, Any

from workbench.checks.analysis import collect_stats
from workbench.checks.base import (
    CHECKS_VERSION,
    AggregateCheck,
    Check,
    Issue,
    LinkCheck,
    all_checks,
    iter_occurrences,
)
from workbench.checks.context import (
    CheckContext,
    LinkUnit,
    TermIndex,
    build_units,
    excerpt,
    plan_units,
    units_of,
)
from workbench.checks.reconcile import corpus_scope, reconcile, reopen_still_present
from workbench.findings_types import (
    Decision,
    Finding,
    GlossRow,
    StoredFinding,
    UnitStats,
    UsageRow,
    data_key,
    finding_id,
)
from workbench.model import Document, Link
from workbench.perf import gc_paused

if TYPE_CHECKING:
    from workbench.store import Store


@dataclass
class UnitResult:
    unit: LinkUnit
    signature: str
    issues: list[Issue] = field(default_factory=list)
    usage: list[UsageRow] = field(default_factory=list)
    gloss: list[GlossRow] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    #: the termbase part of the unit's signature (see :func:`term_part`)
    terms: str = ""


@dataclass
class RunReport:
    """What a run did (the CLI and the page show it; the benchmark times it)."""

    documents: int = 0
    units: int = 0
    recomputed: int = 0
    findings: int = 0
    new: int = 0
    resolved: int = 0
    reopened: int = 0
    decided: int = 0  # new or returning findings that came in under their group's accepted decision
    seconds: float = 0.0
    timings: dict[str, float] = field(default_factory=dict)

    def __str__(self) -> str:
        return (
            f"{self.documents} document(s), {self.recomputed} of {self.units} link(s) checked in {self.seconds:.2f} s: "
            f"{self.new} new, {self.resolved} resolved, {self.reopened} reopened finding(s)"
            + (f", {self.decided} under an accepted decision" if self.decided else "")
        )

    def add(self, other: dict[str, int]) -> None:
        self.new += other.get("new", 0)
        self.resolved += other.get("resolved", 0)
        self.reopened += other.get("reopened", 0)
        self.decided += other.get("decided", 0)


# ------------------------------------------------------------------------------------ engine


def check_unit(
    unit: LinkUnit, ctx: CheckContext, checks: Sequence[Check], salt: str = "", *, terms: bool = False
) -> UnitResult:
    """Every link-level check on one unit, plus the unit's statistics rows for the aggregates
    (``terms``: and the termbase part of its signature, :func:`term_part`)."""
    res = UnitResult(unit, unit.signature(salt) if salt else "")
    for chk in checks:
        if not isinstance(chk, LinkCheck):
            continue
        if chk.needs_terms and ctx.terms is None:
            continue
        if not unit.two_sided and not chk.one_sided:
            continue
        res.issues.extend(chk.check_link(unit, ctx))
    if ctx.terms is not None and any(isinstance(c, AggregateCheck) for c in checks):
        res.usage, res.gloss = collect_stats(unit, ctx)
    if terms:
        res.terms = term_part(unit, ctx)
    unit.memo.clear()
    return res


def term_part(unit: LinkUnit, ctx: CheckContext) -> str:
    """The termbase part of a unit's stored signature: ``DIGEST|ID,ID,...[|GLOSSES:ID,ID,...]``.

    The rest of the signature (:meth:`LinkUnit.signature` with the run's salt) covers the unit's
    texts and every term field but the gloss and ``gloss_first`` (``TermIndex.match_version``).
    Those two a unit's checks read only for the terms the matcher finds in its source or target
    (the first list, a superset of what the checks use), and, when the unit consulted the gloss
    matcher, for the terms whose gloss forms occur in its translation, among which that matcher
    makes its leftmost-longest choice (the second list, after the gloss matcher's version: while
    that holds, so does the list). The digest covers the gloss and gloss_first of both lists. Call after the checks ran, before the unit's memo is cleared;
    :func:`unit_fresh` tells whether the part still holds."""
    if ctx.terms is None:
        return "-|"
    ids = unit.memo.get("term_ids")  # the matcher's finds, when a term check already looked (analysis.analyse)
    if ids is None:
        m = ctx.terms.matcher
        ids = {str(h.term_id) for p in unit.source for h in m.find_source(p.text)}
        ids |= {str(h.term_id) for p in unit.target for h in m.find_target(p.text)}
    listed = sorted(ids)
    if not unit.memo.get("gloss_matcher"):
        return f"{_term_digest(ctx, listed)}|{','.join(listed)}"
    cands = sorted(_gloss_candidates(unit, ctx))
    gv = ctx.terms.gloss_version
    return f"{_term_digest(ctx, listed + cands)}|{','.join(listed)}|{gv}:{','.join(cands)}"


def _gloss_candidates(unit: LinkUnit, ctx: CheckContext) -> set[str]:
    gm = ctx.terms.gloss_matcher if ctx.terms is not None else None
    if gm is None:
        return set()
    return {str(t) for p in unit.target for t in gm.target_candidates(p.text)}


def _term_digest(ctx: CheckContext, ids: Sequence[str]) -> str:
    index = ctx.terms
    if index is None:
        return "-"
    key = ",".join(ids)
    got = index.digests.get(key)  # many links name the same few terms: one digest per list and termbase
    if got is None:
        local = index.local
        h = blake2b(digest_size=8)
        for tid in ids:
            h.update(f"{tid}\x1f{local.get(tid, '-')}\x1e".encode())
        got = h.hexdigest()
        if len(index.digests) > 100_000:
            index.digests.clear()
        index.digests[key] = got
    return got


def terms_fresh(stored: str, unit: LinkUnit, ctx: CheckContext) -> bool:
    """Whether the termbase part of a stored signature (:func:`term_part`) still holds for ``unit``
    (whose texts the rest of the signature found unchanged)."""
    digest, _, deps = stored.partition("|")
    if ctx.terms is None:
        return digest == "-"
    listed, gm, glosses = deps.partition("|")
    ids = listed.split(",") if listed else []
    if gm:
        gv, _, cands = glosses.partition(":")
        if gv != ctx.terms.gloss_version:  # some gloss changed: which occur in this translation now?
            if ctx.terms.gloss_matcher is None or ",".join(sorted(_gloss_candidates(unit, ctx))) != cands:
                return False  # another gloss occurs in the translation now, or one no longer does
        ids += cands.split(",") if cands else []
    return digest == _term_digest(ctx, ids)


def unit_fresh(stored: str | None, content: str, unit: LinkUnit, ctx: CheckContext) -> bool:
    """Whether a unit's stored signature says its cached results hold: the same texts, checks and
    termbase fields (``content``: :meth:`LinkUnit.signature` with the run's salt) and the same
    glosses of the terms it names (:func:`terms_fresh`). A signature of an older format never does."""
    if stored is None:
        return False
    head, sep, rest = stored.partition("|")
    return bool(sep) and head == content and terms_fresh(rest, unit, ctx)


def link_findings(
    unit: LinkUnit, issues: Iterable[Issue], severities: dict[str, str], *, digests: bool = False
) -> list[Finding]:
    """Findings (with stable ids and excerpts) of one unit's issues; ``digests``: with their
    :func:`~workbench.checks.base.finding_digest` (computed here from per-unit parts, same value)."""
    out = []
    key, link_id = unit.key, unit.link_id
    paras = {p.id: p for p in unit.source}
    for p in unit.target:
        paras.setdefault(p.id, p)  # as unit.find: the source first
    pids = [p.id for p in unit.source] + [p.id for p in unit.target]
    # The parts of the digest every finding of the unit shares (see finding_digest).
    head = f"{key}\x1f"
    mid = f"\x1f{link_id or ''}\x1f{' '.join(pids)}\x1f"
    for it, occ, nkey in iter_occurrences(issues):
        anchor = it.anchor or it.para_id or key
        p = paras.get(it.para_id) if it.para_id is not None else None
        check, term_id, start, end, data = it.check, it.term_id, it.start, it.end, it.data
        ex = excerpt(p.text, start, end) if p is not None else ""
        raw = "\x1f".join((check, "" if term_id is None else str(term_id), anchor, nkey, str(occ)))
        h = blake2b(raw.encode("utf-8"), digest_size=8).hexdigest()[:10]
        severity = it.severity or severities[check]  # a check may lower or raise one issue's severity
        f = Finding(
            f"{check}-t{term_id}-{h}" if term_id is not None else f"{check}-{h}", check, severity, it.message,
            unit.doc_id, term_id, link_id, list(pids), it.para_id, it.side, start, end, ex, anchor, it.key, occ,
            key, data,
        )  # fmt: skip
        if digests:
            raw = (f"{head}{severity}{mid}{it.para_id or ''}\x1f{it.side}\x1f{start}\x1f{end}\x1f{it.message}\x1f{ex}"
                   f"\x1f{data_key(data)}\x1f[]")  # fmt: skip
            f.digest = blake2b(raw.encode("utf-8", "surrogatepass"), digest_size=8).hexdigest()
        out.append(f)
    return out


def aggregate_findings(
    issues: Iterable[Issue],
    severities: dict[str, str],
    unit_key: str,
    texts: dict[str, str],
    unit_of_para: dict[str, str] | None = None,
) -> list[Finding]:
    """Findings of document- or corpus-wide issues (``texts``: paragraph id -> text, for excerpts)."""
    out = []
    for it, occ, _nkey in iter_occurrences(issues):
        anchor = it.anchor or it.para_id or unit_key
        text = texts.get(it.para_id or "")
        unit = (unit_of_para or {}).get(it.para_id or "", "")
        ex = excerpt(text, it.start, it.end) if text is not None else ""
        if not ex and "distribution" in it.data:
            ex = ", ".join(f"{d[1]} × {d[0]}" for d in it.data["distribution"])
        out.append(
            Finding(
                id=finding_id(it.check, it.term_id, anchor, it.key, occ),
                check=it.check, severity=it.severity or severities[it.check], message=it.message, doc_id=it.doc_id,
                term_id=it.term_id, link_id=unit[2:] if unit.startswith("l:") else None,
                para_ids=[it.para_id] if it.para_id else [], para_id=it.para_id, side=it.side, start=it.start,
                end=it.end, excerpt=ex, anchor=anchor, key=it.key, occ=occ, unit=unit_key, data=it.data,
                docs=it.docs,
            )  # fmt: skip
        )
    return out


def _split_checks(checks: Sequence[Check]) -> tuple[list[AggregateCheck], list[AggregateCheck]]:
    doc = [c for c in checks if isinstance(c, AggregateCheck) and c.scope == "document"]
    corpus = [c for c in checks if isinstance(c, AggregateCheck) and c.scope == "corpus"]
    return doc, corpus


def run_checks(
    documents: Sequence[tuple[Document, Sequence[Link]]],
    terms: Iterable[Any] | TermIndex | None = None,
    check_ids: Iterable[str] | None = None,
) -> list[Finding]:
    """Check documents held in memory (no store, no statuses): every finding, in document order."""
    checks = all_checks(check_ids)
    severities = {c.id: c.severity for c in all_checks()}
    index = terms if isinstance(terms, TermIndex) or terms is None else TermIndex(terms)
    ctx = CheckContext(index)
    doc_checks, corpus_checks = _split_checks(checks)
    out: list[Finding] = []
    usage: list[UsageRow] = []
    for n, (doc, links) in enumerate(documents):
        if doc.id is None:
            doc.id = -(n + 1)
        units = units_of(doc, links)
        texts = {p.id: p.text for p in doc.paragraph_index().values()}
        unit_of_para = {pid: u.key for u in units for pid in u.para_ids}
        gloss: list[GlossRow] = []
        for u in units:
            res = check_unit(u, ctx, checks)
            out += link_findings(u, res.issues, severities)
            usage += res.usage
            gloss += res.gloss
        if index is not None:
            for chk in doc_checks:
                issues = list(chk.aggregate(gloss, ctx))
                out += aggregate_findings(issues, severities, f"d:{doc.id}", texts, unit_of_para)
    if index is not None:
        for chk in corpus_checks:
            out += aggregate_findings(list(chk.aggregate(usage, ctx)), severities, "corpus", {})
    return out


# ------------------------------------------------------------------------------------ parallel link checks

PARALLEL_MIN_UNITS = 2000
TX_UNITS = 2000
#: attempts to store a document's results computed outside the write transaction (see ``_store_doc``)
STORE_ATTEMPTS = 3
_WORK: tuple[Any, ...] | None = None


def _auto_workers(n_units: int) -> int:
    """Worker processes for ``n_units``: 1 unless the run is big, ``fork`` exists and this process
    has a single thread (forking a multi-threaded process, e.g. the Streamlit server, is unsafe).
    The workers only compute; this process stores their results as they come (one writer), which
    pays off from two CPUs on (tests/bench/checks_bench.py compares with one process)."""
    import multiprocessing
    import os
    import threading

    if n_units < PARALLEL_MIN_UNITS or threading.active_count() > 1:
        return 1
    if "fork" not in multiprocessing.get_all_start_methods():
        return 1
    try:
        cpus = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cpus = os.cpu_count() or 1
    return max(1, min(4, cpus))


def _compute(units: Sequence[LinkUnit], ctx: CheckContext, checks: Sequence[Check], severities: dict[str, str]) -> list[UnitResult]:
    out = []
    for u in units:
        r = check_unit(u, ctx, checks, terms=True)
        r.findings = link_findings(u, r.issues, severities, digests=True)
        r.issues = []
        out.append(r)
    return out


def _doc_task(i: int) -> tuple[int, list[tuple[list[Finding], list[UsageRow], list[GlossRow], str]]]:
    """In a worker process: the link checks of plan ``i`` of the run (see ``_process_parallel``).
    Pure computation: the worker never touches the database; the results go back to the parent,
    which stores them (one writer, no lock contention)."""
    plans, ctx, checks, severities = _WORK  # type: ignore[misc]
    with gc_paused():
        res = _compute(plans[i][3], ctx, checks, severities)
    return i, [(r.findings, r.usage, r.gloss, r.terms) for r in res]


def compute_units(
    units: Sequence[LinkUnit], ctx: CheckContext, checks: Sequence[Check], severities: dict[str, str]
) -> list[UnitResult]:
    """Link-level checks, per-link statistics and findings (with digests) of ``units``."""
    return _compute(units, ctx, checks, severities)


# ------------------------------------------------------------------------------------ store runner

_INDEX_CACHE: dict[tuple[str, Any], TermIndex] = {}


class CheckRunner:
    """Checks on the store, incremental, with persistent findings.

    ``run(doc_ids=None, force=False)`` checks the given documents (all when None); links whose
    signature is unchanged since the last run are skipped unless ``force``. ``recheck_paragraphs``
    is the fast path after an edit: only the links touching the paragraphs, then the aggregates.
    """

    def __init__(self, store: Store, check_ids: Iterable[str] | None = None) -> None:
        self.store = store
        self.checks = all_checks(check_ids)
        self.severities = {c.id: c.severity for c in all_checks()}
        self.doc_checks, self.corpus_checks = _split_checks(self.checks)

    @property
    def repo(self):  # noqa: ANN201
        return self.store.findings

    # ------------------------------------------------------------------------------ context

    def context(self) -> CheckContext:
        """The termbase index for the current termbase (rebuilt only when the termbase changed)."""
        terms_repo = self.store.terms
        version = terms_repo.version()
        key = (str(self.store.path), version)
        index = _INDEX_CACHE.get(key)
        if index is None:
            terms = terms_repo.list_terms(status="approved", order="id")
            index = TermIndex(terms, version=f"{version[0]}:{version[1]}:{version[2]}") if terms else None
            if index is None:
                return CheckContext(None)
            for k in [k for k in _INDEX_CACHE if k[0] == key[0]]:
                del _INDEX_CACHE[k]
            _INDEX_CACHE[key] = index
        return CheckContext(index)

    def _salt(self, ctx: CheckContext) -> str:
        """What every unit's signature shares: the checks and the termbase but for its glosses
        (a unit's signature adds those of the terms it names: :func:`term_part`)."""
        ids = ",".join(sorted(c.id for c in self.checks))
        return f"{CHECKS_VERSION}|{ctx.terms.match_version if ctx.terms else '-'}|{ids}"

    # ------------------------------------------------------------------------------ runs

    def run(
        self,
        doc_ids: Iterable[int] | None = None,
        *,
        force: bool = False,
        user: str = "checks",
        workers: int | None = None,
    ) -> RunReport:
        """Check documents (all when ``doc_ids`` is None); see the class doc.

        ``workers``: processes for the link checks of a large run (default: automatic — several
        only for big runs, on platforms with ``fork``, and never from a multi-threaded process such
        as the Streamlit server).
        """
        from workbench.store.db import retry_call

        wanted = None if doc_ids is None else list(doc_ids)

        def once() -> RunReport:
            with gc_paused():
                return self._run(wanted, force, user, workers)

        return retry_call(self.store, once)  # a PostgreSQL serialization failure: the run again (cached units skip)

    def _run(self, doc_ids: Iterable[int] | None, force: bool, user: str, workers: int | None) -> RunReport:
        t0 = time.perf_counter()
        report = RunReport()
        ctx = self.context()
        salt = self._salt(ctx)
        all_docs = [d.id for d in self.store.list_documents()]
        known = set(all_docs)
        wanted = all_docs if doc_ids is None else list(dict.fromkeys(doc_ids))
        missing = [d for d in wanted if d not in known]
        if missing:
            from workbench.errors import NotFoundError

            raise NotFoundError(f"document {missing[0]} does not exist")
        timings: dict[str, float] = defaultdict(float)
        # 1. load documents, compare signatures
        plans = []
        for doc_id in wanted:
            t = time.perf_counter()
            doc = self.store.get_document(doc_id)
            units = units_of(doc, self.store.get_links(doc_id))
            timings["load"] += time.perf_counter() - t
            t = time.perf_counter()
            sigs = {u.key: u.signature(salt) for u in units}
            cached = self.repo.unit_signatures(doc_id)
            changed = [u for u in units if force or not unit_fresh(cached.get(u.key), sigs[u.key], u, ctx)]
            removed = [k for k in cached if k not in sigs]
            timings["signatures"] += time.perf_counter() - t
            report.documents += 1
            report.units += len(units)
            report.recomputed += len(changed)
            if changed or removed:
                plans.append((doc, units, sigs, changed, removed))
        # 2-3. link checks and storing, document by document (in worker processes for big runs)
        affected_terms: set[Any] = set()
        affected_keys: set[str] = set()
        full = doc_ids is None
        all_usage: list[UsageRow] | None = [] if full and len(plans) == len(wanted) else None
        t = time.perf_counter()
        doc_usage: list[list[UsageRow] | None] = [None] * len(plans)
        for i, (counts, terms, keys, usage) in self._process(plans, ctx, user, not full, workers):
            report.add(counts)
            affected_terms |= terms
            affected_keys |= keys
            doc_usage[i] = usage
        if all_usage is not None:
            # In document order, whatever order the documents were processed in.
            all_usage = None if any(u is None for u in doc_usage) else [r for u in doc_usage for r in u]  # type: ignore[union-attr]
        timings["links and store"] += time.perf_counter() - t
        # 4. corpus-wide aggregates: all when every document was checked (from the rows in memory
        # when every link was recomputed), else those of the terms and renderings the changes touched
        t = time.perf_counter()
        if ctx.terms is not None and self.corpus_checks:
            if not full:
                # Only the terms and renderings the stored units touched (none: the corpus-wide
                # findings cannot have changed, and the run opens no write transaction for them).
                if affected_terms or affected_keys:
                    report.add(self._corpus(ctx, affected_terms, affected_keys, user))
            elif plans or self.repo.corpus_stale(ctx.terms.version):
                report.add(self._corpus(ctx, None, None, user, rows=all_usage))
        elif full:
            report.add(self._sync_corpus([], [c.id for c in self.corpus_checks], user))
        timings["corpus"] += time.perf_counter() - t
        report.reopened += self._reopen_still_present(wanted, full, user)
        report.findings = self.repo.count(present=True)
        report.seconds = time.perf_counter() - t0
        report.timings = dict(timings)
        return report

    def _process(
        self, plans: list[tuple[Any, ...]], ctx: CheckContext, user: str, track: bool, workers: int | None
    ) -> Iterator[tuple[int, tuple[dict[str, int], set[Any], set[str], list[UsageRow] | None]]]:
        """(plan index, outcome) of every plan, in any order."""
        n = sum(len(p[3]) for p in plans)
        w = _auto_workers(n) if workers is None else max(1, workers)
        if w > 1 and len(plans) > 1:
            yield from self._process_parallel(plans, ctx, user, track, w)
            return
        with self._batches() as tick:
            for i, plan in enumerate(plans):
                res = _compute(plan[3], ctx, self.checks, self.severities)
                out = self._store_plan(plan, res, ctx, user, track)
                tick(len(plan[3]))
                yield i, out

    @contextmanager
    def _batches(self) -> Iterator[Any]:
        """The storing side of a run: one WAL checkpoint at the end rather than after each commit
        (SQLite), and each document's results written in a short transaction of its own once its
        checks were computed, outside any: a run never holds the write lock while it computes, so
        an editor saving meanwhile waits for one document's writes at most, not for its checks.
        (Documents used to share transactions of about :data:`TX_UNITS` units, checks included.)
        Call the yielded ``tick(n)`` after each document."""
        with self.store.db.bulk_writes():
            yield lambda n: None

    def _store_plan(
        self, plan: tuple[Any, ...], res: list[UnitResult], ctx: CheckContext, user: str, track: bool
    ) -> tuple[dict[str, int], set[Any], set[str], list[UsageRow] | None]:
        """Store the results of the changed units of one document (one transaction)."""
        doc, units, sigs, changed, removed = plan
        for r in res:
            r.signature = f"{sigs[r.unit.key]}|{r.terms}"
        whole = len(changed) == len(units)
        counts, terms, keys = self._store_doc(
            doc.id, res, removed, units, {p.id: p.text for p in doc.paragraph_index().values()}, ctx, user,
            whole=whole, track=track,
        )  # fmt: skip
        return counts, terms, keys, ([u for r in res for u in r.usage] if whole else None)

    def _process_parallel(
        self, plans: list[tuple[Any, ...]], ctx: CheckContext, user: str, track: bool, workers: int
    ) -> Iterator[tuple[int, tuple[dict[str, int], set[Any], set[str], list[UsageRow] | None]]]:
        """Link checks in forked worker processes (they inherit the documents and the termbase
        index and send back findings and statistics rows); this process stores each document's
        results as they arrive, so that storing overlaps the checks and SQLite has one writer."""
        import multiprocessing

        global _WORK
        order = sorted(range(len(plans)), key=lambda i: -len(plans[i][3]))
        _WORK = (plans, ctx, self.checks, self.severities)
        try:
            with multiprocessing.get_context("fork").Pool(workers) as pool, self._batches() as tick:
                for i, packed in pool.imap_unordered(_doc_task, order):
                    res = [UnitResult(u, "", [], usage, gloss, findings, terms)
                           for u, (findings, usage, gloss, terms) in zip(plans[i][3], packed, strict=True)]  # fmt: skip
                    out = self._store_plan(plans[i], res, ctx, user, track)
                    tick(len(res))
                    yield i, out
        finally:
            _WORK = None

    def recheck_paragraphs(self, para_ids: Iterable[str], *, user: str = "checks") -> RunReport:
        """After editing paragraphs: re-check only the links that hold them, then the aggregates."""
        from workbench.store.db import retry_call

        ids = list(para_ids)
        return retry_call(self.store, lambda: self._recheck_paragraphs(ids, user))

    def _recheck_paragraphs(self, para_ids: list[str], user: str) -> RunReport:
        t0 = time.perf_counter()
        report = RunReport()
        ctx = self.context()
        salt = self._salt(ctx)
        affected_terms: set[Any] = set()
        affected_keys: set[str] = set()
        for doc_id, units, positions in self.units_for_paragraphs(list(para_ids)):
            report.documents += 1
            report.units += len(units)
            report.recomputed += len(units)
            results = compute_units(units, ctx, self.checks, self.severities)
            for r in results:
                r.signature = f"{r.unit.signature(salt)}|{r.terms}"
            texts = {p.id: p.text for u in units for p in u.source + u.target}
            counts, terms, keys = self._store_doc(doc_id, results, [], positions, texts, ctx, user)
            report.add(counts)
            affected_terms |= terms
            affected_keys |= keys
        if ctx.terms is not None and self.corpus_checks and (affected_terms or affected_keys):
            report.add(self._corpus(ctx, affected_terms, affected_keys, user))
        report.findings = self.repo.count(present=True)
        report.seconds = time.perf_counter() - t0
        return report

    def units_for_paragraphs(self, para_ids: Sequence[str]) -> list[tuple[int, list[LinkUnit], dict[str, int]]]:
        """For each document holding ``para_ids``: the units holding them (with their paragraphs)
        and the position of every unit of the document, by key. Reads only the document's layout
        and those paragraphs; units and positions are :func:`plan_units`'s, as in a full run."""
        wanted = set(para_ids)
        out = []
        for layout in self.repo.layouts_for_paragraphs(para_ids):
            specs = plan_units(layout)
            mine = [s for s in specs if not wanted.isdisjoint(s.source) or not wanted.isdisjoint(s.target)]
            paras = self.repo.paragraphs({p for s in mine for p in (*s.source, *s.target)})
            out.append((layout.doc_id, build_units(layout, mine, paras), {s.key: s.pos for s in specs}))
        return out

    # ------------------------------------------------------------------------------ persistence

    def _sync_units(
        self, findings: Sequence[Finding], doc_id: int, units: Sequence[str], user: str, *, whole: bool = False
    ) -> dict[str, int]:
        """Reconcile the findings of a run over ``units`` of a document with the stored ones
        (``whole``: every unit of the document was recomputed: one read of its findings)."""
        repo = self.repo
        with self.store.transaction():
            if whole:
                stored = repo.stored_of_document(doc_id)
                existing = {r.id: r for r in stored}
                unit_set = set(units)
                scope = [r for r in stored if r.present and r.unit in unit_set]
            else:
                existing = repo.stored(f.id for f in findings)
                scope = repo.stored_in_units(doc_id, units)
            decisions, edited = self._decisions_for(findings, existing)
            changes = reconcile(existing, findings, scope, user=user, at=now(), decisions=decisions, edited=edited)
            repo.apply(changes)
        return changes.counts

    def _decisions_for(
        self, findings: Sequence[Finding], existing: dict[str, StoredFinding]
    ) -> tuple[dict[str, Decision], dict[str, set[str]]]:
        """The accepted decisions of the groups of ``findings`` that this run would open (new, or
        fixed and back), and per group the paragraphs changed since its decision (what
        :func:`~workbench.checks.reconcile.reconcile` needs to let them in under it). Nothing is
        read, and no group id computed, while the project has no accepted decision."""
        decisions_repo = self.store.decisions
        if not findings or not decisions_repo.any_accepted():
            return {}, {}
        candidates = []
        for f in findings:
            r = existing.get(f.id)
            if r is None or r.status == "fixed":
                candidates.append(f)
        if not candidates:
            return {}, {}
        decisions = decisions_repo.for_groups({f.group for f in candidates}, status="accepted")
        if not decisions:
            return {}, {}
        paras: dict[str, set[str]] = {g: set() for g in decisions}
        for f in candidates:
            if f.group in paras:
                paras[f.group].update(f.para_ids)
        edited = decisions_repo.edited_since({g: (d.since, paras[g]) for g, d in decisions.items()})
        return decisions, edited

    def _sync_corpus(
        self, findings: Sequence[Finding], check_ids: Sequence[str], user: str, *, terms: Iterable[Any] | None = None,
        keys: Iterable[str] | None = None, reverse: bool | None = None,
    ) -> dict[str, int]:
        """Reconcile corpus-wide findings of ``check_ids``, narrowed to ``terms`` (per-term
        findings) and/or ``keys`` (per-rendering findings, ``reverse:<rendering>``)."""
        repo = self.repo
        with self.store.transaction():
            scope = corpus_scope(repo.stored_corpus(check_ids), terms=terms, keys=keys, reverse=reverse)
            existing = repo.stored(f.id for f in findings)
            decisions, edited = self._decisions_for(findings, existing)
            changes = reconcile(existing, findings, scope, user=user, at=now(), decisions=decisions, edited=edited)
            repo.apply(changes)
        return changes.counts

    def _reopen_still_present(self, doc_ids: Sequence[int], corpus: bool, user: str) -> int:
        # Read first, outside any transaction: usually there is nothing to reopen, and a run that
        # changed nothing then takes no write lock at all (an editor's save never queues behind it).
        # A finding tagged fixed after this read is as if tagged after the run.
        if not self.repo.fixed_but_present(doc_ids, corpus=corpus):
            return 0
        with self.store.transaction():
            changes = reopen_still_present(self.repo.fixed_but_present(doc_ids, corpus=corpus), user=user, at=now())
            self.repo.apply(changes)
        return changes.counts["reopened"]

    def _store_doc(
        self,
        doc_id: int,
        results: list[UnitResult],
        removed: list[str],
        units: list[LinkUnit] | dict[str, int],
        texts: dict[str, str],
        ctx: CheckContext,
        user: str,
        *,
        whole: bool = False,
        track: bool = True,
    ) -> tuple[dict[str, int], set[Any], set[str]]:
        """Persist the results of one document's recomputed units and redo its document-wide checks.

        ``units``: every unit of the document, or their positions by key; ``whole``: every unit was
        recomputed (the cached rows of the document can be replaced wholesale); ``track``: return
        the terms and renderings touched (for the corpus-wide recomputation).
        """
        repo = self.repo
        positions = units if isinstance(units, dict) else {u.key: u.pos for u in units}
        findings = [f for r in results for f in r.findings]
        scope_units = [r.unit.key for r in results] + removed
        stats = [UnitStats(r.unit.key, r.signature, r.usage, r.gloss) for r in results]
        doc_wide = ctx.terms is not None and bool(self.doc_checks)
        # The document-wide checks are computed from the cached rows of the document's other units
        # and the new rows of these, outside the write transaction; the write then checks that no
        # other run stored results for the document meanwhile (the cache's signatures are what they
        # were read as), else computes again. The last attempt computes inside the transaction.
        for attempt in range(1, STORE_ATTEMPTS + 1):
            last = attempt == STORE_ATTEMPTS
            with self.store.transaction() if last else nullcontext():
                with self.store.reading():
                    base = repo.unit_signatures(doc_id)
                    old_terms, old_keys = repo.usage_keys(scope_units) if track else (set(), set())
                    stored_rows = repo.gloss_rows(doc_id) if doc_wide and not whole else []
                doc_findings = None
                if doc_wide:
                    scope = set(scope_units)
                    rows = [g for g in stored_rows if g.unit not in scope] + [g for r in results for g in r.gloss]
                    for row in rows:
                        row.pos = positions.get(row.unit, row.pos)
                    need = [r.para_id for r in rows if r.para_id not in texts]
                    if need:
                        texts = {**texts, **repo.paragraph_texts(need)}
                    unit_of_para = {r.para_id: r.unit for r in rows}
                    issues = [it for chk in self.doc_checks for it in chk.aggregate(rows, ctx)]
                    doc_findings = aggregate_findings(issues, self.severities, f"d:{doc_id}", texts, unit_of_para)
                with self.store.transaction():
                    if not last and not _still_valid(repo.unit_signatures(doc_id), base, stats, removed):
                        continue  # another run stored this document meanwhile: compute on its results
                    repo.replace_unit_stats(doc_id, stats, removed, whole=whole)
                    counts = self._sync_units(findings, doc_id, scope_units, user, whole=whole)
                    if doc_findings is not None:
                        _merge(counts, self._sync_units(doc_findings, doc_id, [f"d:{doc_id}"], user))
            break
        if not track:
            return counts, set(), set()
        new_terms = {u.term_id for r in results for u in r.usage}
        new_keys = {u.bucket.casefold() for r in results for u in r.usage if u.grounded and u.kind != "missing"}
        return counts, old_terms | new_terms, old_keys | new_keys

    def _corpus(
        self, ctx: CheckContext, terms: set[Any] | None, keys: set[str] | None, user: str,
        rows: list[UsageRow] | None = None,
    ) -> dict[str, int]:
        # Computed outside the write transaction from the cached rows as read; stored only if the
        # cache still holds what was read (its row count and sum), else computed again (the last
        # attempt inside the transaction), as a document's results are (see ``_store_doc``).
        rkeys = None if keys is None else {f"reverse:{k}" for k in keys}
        for attempt in range(1, STORE_ATTEMPTS + 1):
            last = attempt == STORE_ATTEMPTS
            with self.store.transaction() if last else nullcontext():
                base = self._usage_fingerprint()
                found = []
                for chk in self.corpus_checks:
                    by_term = rows if rows is not None else self.repo.usage_rows(term_ids=terms)
                    f_terms = aggregate_findings(list(chk.aggregate(by_term, ctx, "term")), self.severities, "corpus", {})
                    by_key = ([r for r in rows if r.grounded] if rows is not None
                              else self.repo.usage_rows(rkeys=keys, grounded=True))  # fmt: skip
                    f_keys = aggregate_findings(list(chk.aggregate(by_key, ctx, "rendering")), self.severities, "corpus", {})
                    found.append((chk, f_terms, f_keys))
                counts: dict[str, int] = {}
                with self.store.transaction():
                    if not last and self._usage_fingerprint() != base:
                        continue  # another run changed the cache meanwhile: compute on what it stored
                    if terms is None and keys is None:
                        self.repo.mark_corpus(ctx.terms.version if ctx.terms else "")
                    for chk, f_terms, f_keys in found:
                        _merge(counts, self._sync_corpus(f_terms, [chk.id], user, terms=terms, reverse=False))
                        _merge(counts, self._sync_corpus(f_keys, [chk.id], user, keys=rkeys, reverse=True))
            break
        return counts

    def _usage_fingerprint(self) -> Any:
        """What the corpus-wide checks were computed from: the cached usage rows' count and sum."""
        return self.repo.usage_fingerprint()


def now() -> str:
    """The time of a status change, as the store writes times (imported when a run stores
    something, so that importing the checks does not load the store)."""
    from workbench.store.db import now as store_now

    return store_now()


def _still_valid(now: dict[str, str], base: dict[str, str], stats: Sequence[UnitStats], removed: Sequence[str]) -> bool:
    """Whether a document's results computed on the cache as read (``base``: unit -> signature) may
    still be stored: nobody stored the document since, or another run stored exactly these units'
    results (the same signatures: the same texts, termbase and checks) and nothing else, as when
    two editors run the checks after the same edits. The document-wide checks were computed from
    the other units' rows and these, so they hold in both cases."""
    if now == base:
        return True
    gone = set(removed)
    return now == {**{k: v for k, v in base.items() if k not in gone}, **{u.key: u.signature for u in stats}}


def _merge(a: dict[str, int], b: dict[str, int]) -> None:
    for k, v in b.items():
        a[k] = a.get(k, 0) + v

