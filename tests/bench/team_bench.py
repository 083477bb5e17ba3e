"""Team load benchmark: N editors at once on one 3,000-link document and a 500-term termbase.

    python tests/bench/team_bench.py [--db URL] [--editors 20] [--seconds 60] [--think 2] [--json]

Each simulated editor is a separate process (``spawn``, so the GIL hides no contention) with its own
store handle, as an app session has, and its own account (editors, one in four a terminologist),
so every write meets the role checks as in production. Each loops over the mix an editor's session
makes, through the services the app uses: the Alignment page's load (presence, the document and its
links read again when they changed, who last changed the rows of the window), a paragraph edit and a
confirm, merge or split through :class:`AlignmentEditor` with the undo list kept in the store, a
finding tagged open or fixed with the revision the Consistency page showed, a term's gloss edited
with the revision the Terms page showed (terminologists), and the checks run on the document. A
third of the edits go to a shared window (the first links, paragraphs, findings and terms), so
several editors regularly touch the same items and stale saves are refused; the rest go to each
editor's own stretch of the document.

An edit is based on what the editor's last page load showed (Streamlit runs a button's callback
with the arguments of the previous render, then renders again), and every edit is followed by that
reload. Between two interactions an editor pauses ``--think`` seconds on average (exponential):
people read before they click; ``--think 0`` is a stress run in which the processes only queue for
the CPU.

Counted: ``conflicts`` (clean stale-save refusals, :class:`ConflictError`; on PostgreSQL also the
transactions that kept meeting serialization failures until the store's retries ran out, nothing
written, counted apart as ``serialization_refusals``), ``errors`` (any other
exception: must be 0), ``lost`` (a successful save whose after-value is not in the history under
its editor, or whose revision is current with another value: must be 0). The invariant pass at
the end also checks that every paragraph is in exactly one link, in order, and that each edited
paragraph's and term's revision equals its number of history rows plus one. ``p50_ms``/``p95_ms``
are over single edits (paragraph edit, confirm, merge or split, tag, term edit); every op kind is
reported apart as well. Baseline measured in the same run: one editor alone on the same database
before the load starts, making ``--alone`` single edits drawn from the same mix, so figures from
different machines compare by the ratio of the p95s. ``editors_cpu`` is the CPU time the editors'
processes got during the run over its wall time: on a machine busy with other work it stays far
below the CPUs the machine has while every operation takes many times its time alone.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import json
import multiprocessing as mp
import os
import platform
import random
import re
import statistics
import sys
import tempfile
import time
import traceback
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

SINGLE_EDITS = ("para_edit", "link_confirm", "link_merge", "link_split", "tag", "term_edit")
#: interaction -> weight in an editor's loop (terminologists also edit terms)
MIX = {"page_next": 20, "para_edit": 25, "link_confirm": 20, "link_merge": 10, "tag": 12, "checks": 3}
TERM_WEIGHT = 15
HOT_SHARE = 1 / 3  # edits aimed at the shared window
HOT_LINKS, HOT_FINDINGS, HOT_TERMS = 30, 12, 12
WINDOW = 25  # links per page, as the Alignment page shows by default
MARK = re.compile(r" \[[^\]]*\]$")  # the edit marker a simulated editor appends to a text


def backend_of(db: str) -> str:
    return "postgresql" if db.startswith(("postgresql:", "postgres:")) else "sqlite"


def alignment_editor():  # noqa: ANN201 - the service may be moving between modules
    try:
        from workbench.editing import AlignmentEditor, StoredUndoStack
    except ImportError:  # before the service module existed
        from workbench.align.edits import AlignmentEditor, StoredUndoStack  # type: ignore[attr-defined,no-redef]
    return AlignmentEditor, StoredUndoStack


def percentile(xs: list[float], q: float) -> float:
    if not xs:
        return 0.0
    s = sorted(xs)
    return s[min(len(s) - 1, max(0, round(q * (len(s) - 1))))]


# ------------------------------------------------------------------------------- the project


def build(db: str, n_links: int, n_terms: int, editors: int, seed: int = 7) -> dict[str, Any]:
    """Accounts, the document (demo corpus paragraphs tiled, 1-1 links with a 1-2 every 17th, every
    10th confirmed), the termbase (the demo's, then synthetic entries up to ``n_terms``) and a first
    checks run, so there are findings to tag."""
    from workbench.checks import CheckRunner
    from workbench.store import open_store
    from workbench.terms.csvio import read_csv
    from workbench.terms.model import Term

    store = open_store(db)
    if store.list_documents() or store.accounts.any():
        raise SystemExit(f"{db}: the benchmark needs an empty project (it creates accounts, a document and terms)")
    admin = "bench-admin"
    store.accounts.add(admin, "admin")
    users = []
    for k in range(editors):
        name, role = f"editor{k + 1:02d}", "terminologist" if k % 4 == 3 else "editor"
        store.accounts.add(name, role, user=admin)
        users.append((name, role))

    from tests.bench.synthetic import tiled_document

    doc, links = tiled_document(n_links, "Team bench", seed)
    rng = random.Random(seed + 1)  # the termbase's made-up entries
    doc_id = store.create_document(doc, admin)
    store.save_links(doc_id, links, store.alignment_rev(doc_id), admin)

    terms, _ = read_csv(REPO / "corpus/termbase.csv")
    letters = "אבגדהוזחטיכלמנסעפצקרשת"
    seen = {t.source for t in terms}
    while len(terms) < n_terms:
        source = "".join(rng.choice(letters) for _ in range(6))
        if source not in seen:
            seen.add(source)
            terms.append(Term(source, f"Benchterm {len(terms) + 1}", gloss=f"bench gloss {len(terms) + 1}"))
    store.terms.import_terms(terms[:n_terms], admin)
    report = CheckRunner(store).run([doc_id], user=admin, workers=1)
    findings = len(store.findings.list(doc_id, present=True, with_tags=False))
    store.close()
    return {"doc_id": doc_id, "users": users, "links": len(links), "terms": n_terms, "findings": findings,
            "first_check_s": report.seconds}  # fmt: skip


# ------------------------------------------------------------------------------- one editor


class Editor:
    """One simulated session: its store handle, what its pages last showed, its log of saves."""

    def __init__(self, db: str, doc_id: int, user: str, role: str, index: int, editors: int, seed: int) -> None:
        from workbench.store import open_store

        AlignmentEditor, StoredUndoStack = alignment_editor()
        self.store = open_store(db)
        self.doc_id = doc_id
        self.user, self.role = user, role
        self.rng = random.Random(seed * 1000 + index)
        self.editor = AlignmentEditor(self.store, doc_id, user, StoredUndoStack(self.store, user))
        self.index, self.editors = index, editors
        self.doc_cache: tuple[Any, Any, Any] | None = None
        self.links_cache: tuple[int, list[Any]] | None = None
        self.window_start = 0
        self.findings: list[Any] = []
        self.terms: list[Any] = []
        self.n = 0
        self.saves: list[dict[str, Any]] = []
        self.times: list[tuple[str, float, str]] = []  # (kind, ms, outcome: ok | conflict | error)
        self.errors: list[str] = []
        self.conflict_samples: dict[str, list[str]] = {}

    # -- what the pages read ------------------------------------------------------------------

    def load_page(self) -> None:
        """The Alignment page's run: presence, the document and links read again when they changed
        (in one snapshot, as AlignPageState.load does), who last changed each row of the window."""
        s, d = self.store, self.doc_id
        s.list_documents()
        s.accounts.touch(d, self.user)
        s.accounts.present(d, seconds=60, exclude=self.user)
        s.may(self.user, "edit")
        with s.reading():
            mark = tuple((h[0]["id"] if h else 0) for h in (s.history(d, 1, "paragraph"), s.history(d, 1, "document")))
            if self.doc_cache is None or self.doc_cache[0] != mark:  # as the page: unchanged paragraphs kept
                doc = s.get_document(d, reuse=self.doc_cache[2] if self.doc_cache else None)
                self.doc_cache = (mark, doc.paragraph_index(), doc)
            rev = s.alignment_rev(d)
            if self.links_cache is None or self.links_cache[0] != rev:  # as the page: unchanged links kept
                self.links_cache = (rev, s.get_links(d, reuse=self.links_cache[1] if self.links_cache else None))
        links = self.links_cache[1]
        self.window_start = min(self.window_start, max(0, len(links) - WINDOW))
        s.last_changes(d, [lk.id for lk in links[self.window_start: self.window_start + WINDOW]])
        self.editor.known = self.links_cache
        self.editor.undo_label()

    def load_findings(self) -> None:
        """The Consistency page's list of the document's findings (what a tag is based on)."""
        self.findings = [f for f in self.store.findings.list(self.doc_id) if f.present]

    def load_terms(self) -> None:
        self.terms = self.store.terms.list_terms()

    # -- choosing what to touch ----------------------------------------------------------------

    def hot(self) -> bool:
        return self.rng.random() < HOT_SHARE

    def pick_link(self) -> int:
        links = self.links_cache[1]  # type: ignore[index]
        if self.hot():
            return self.rng.randrange(min(HOT_LINKS, len(links) - 1))
        lo = self.window_start
        return self.rng.randrange(lo, min(lo + WINDOW, len(links) - 1))

    def next_page(self) -> None:
        """Page on through this editor's own stretch of the document (editors start spread out)."""
        n = len(self.links_cache[1]) if self.links_cache else WINDOW
        stretch = max(WINDOW, n // self.editors)
        base = min(self.index * stretch, max(0, n - WINDOW))
        inside = base <= self.window_start < base + stretch
        self.window_start = base + (self.window_start - base + WINDOW) % stretch if inside else base

    # -- the edits -----------------------------------------------------------------------------

    def stamp(self) -> str:
        self.n += 1
        return f"{self.user}.{self.n}"

    def para_edit(self) -> None:
        links = self.links_cache[1]  # type: ignore[index]
        lk = links[self.pick_link()]
        side = self.rng.choice(("source", "target"))
        ids = lk.source if side == "source" else lk.target
        if not ids:
            ids = lk.target or lk.source
        para = self.doc_cache[1][ids[0]]  # type: ignore[index]
        text = MARK.sub("", para.text) + f" [{self.stamp()}]"
        after_rev = para.rev + 1
        self.editor.edit_text(para.id, text, para.rev)
        self.saves.append({"entity": "paragraph", "id": para.id, "rev": after_rev, "text": text})

    def _link_op(self, kind: str, i: int) -> None:
        from workbench.align import edits

        rev, links = self.links_cache  # type: ignore[misc]
        lk = links[i]
        # what the editor expects to see saved (computed on the link and its neighbour: the editor's
        # own bookkeeping, not the service's work, so it does not copy the whole list inside the timing)
        if kind == "link_confirm":
            status = "auto" if lk.status == "confirmed" else "confirmed"
            self.editor.set_status([lk.id], status, rev)
            after = edits.set_status([lk], [lk.id], status)[0]
        elif len(lk.source) + len(lk.target) > 2:
            cut_s, cut_t = min(1, len(lk.source)), min(1, len(lk.target))
            if (cut_s, cut_t) == (len(lk.source), len(lk.target)):
                cut_s, cut_t = (len(lk.source), 1) if len(lk.target) > 1 else (1, len(lk.target))
            self.editor.split_link(lk.id, cut_s, cut_t, rev)
            after = edits.split_link([lk], 0, cut_s, cut_t)[0]
        else:
            self.editor.merge_with_next(lk.id, rev)
            after = edits.merge_next(links[i: i + 2], 0)[0]
        self.saves.append({"entity": "link", "id": after.id, "source": after.source, "target": after.target,
                           "status": after.status})  # fmt: skip

    def tag(self) -> None:
        if not self.findings:
            self.load_findings()
        pool = self.findings[:HOT_FINDINGS] if self.hot() else self.findings
        f = self.rng.choice(pool)
        status = "fixed" if f.status == "open" else "open"
        comment = f"checked [{self.stamp()}]"
        self.store.findings.tag([f.id], status, self.user, comment, expected_revs={f.id: f.rev})
        self.saves.append({"entity": "finding", "id": f.id, "status": status, "comment": comment})

    def term_edit(self) -> None:
        if not self.terms:
            self.load_terms()
        pool = self.terms[:HOT_TERMS] if self.hot() else self.terms
        t = dataclasses.replace(self.rng.choice(pool))
        t.gloss = MARK.sub("", t.gloss or "gloss") + f" [{self.stamp()}]"
        expected = t.rev
        saved = self.store.terms.update(t, self.user, expected_rev=expected)
        self.saves.append({"entity": "term", "id": saved.id, "rev": expected + 1, "gloss": t.gloss})

    def checks(self) -> None:
        from workbench.checks import CheckRunner

        CheckRunner(self.store).run([self.doc_id], user=self.user, workers=1)  # one process, as in the server

    # -- the loop ------------------------------------------------------------------------------

    def timed(self, kind: str, fn) -> str:  # noqa: ANN001
        from workbench.errors import ConflictError

        t = time.perf_counter()
        outcome = "ok"
        try:
            fn()
        except ConflictError as exc:
            # a PostgreSQL transaction that kept meeting serialization failures is refused as cleanly
            # as a stale save (nothing written), but is counted apart: nobody's revision was stale
            outcome = "serialization" if type(exc).__name__ == "SerializationConflict" else "conflict"
            seen = self.conflict_samples.setdefault(kind, [])
            if len(seen) < 2:
                seen.append(str(exc)[:300])
        except Exception as exc:  # noqa: BLE001 - anything but a clean refusal is what the bench counts
            outcome = "error"
            if len(self.errors) < 20:
                self.errors.append(f"{kind}: {type(exc).__name__}: {exc}\n{traceback.format_exc(limit=6)}")
        self.times.append((kind, (time.perf_counter() - t) * 1000, outcome))
        return outcome

    def interaction(self, kind: str) -> None:
        """One click: the edit (based on what the page showed), then the page's rerun."""
        if kind == "page_next":
            self.next_page()
            self.timed("page_load", self.load_page)
        elif kind == "para_edit":
            self.timed(kind, self.para_edit)
            self.timed("page_load", self.load_page)
        elif kind in ("link_confirm", "link_merge"):
            i = self.pick_link()
            lk = self.links_cache[1][i]  # type: ignore[index]
            if kind == "link_merge" and len(lk.source) + len(lk.target) > 2:
                kind = "link_split"  # a link an earlier merge made bigger is cut again: the count stays
            self.timed(kind, lambda: self._link_op(kind, i))
            self.timed("page_load", self.load_page)
        elif kind == "tag":
            self.timed("tag", self.tag)
            self.timed("findings_list", self.load_findings)
        elif kind == "term_edit":
            self.timed("term_edit", self.term_edit)
            self.timed("terms_list", self.load_terms)
        elif kind == "checks":
            self.timed("checks", self.checks)
            self.timed("findings_list", self.load_findings)

    def run(self, until: float, think: float) -> None:
        mix = dict(MIX)
        if self.role == "terminologist":
            mix["term_edit"] = TERM_WEIGHT
        kinds, weights = list(mix), list(mix.values())
        self.timed("page_load", self.load_page)
        if not self.findings:
            self.load_findings()
        if not self.terms:
            self.load_terms()
        while time.time() < until:
            if think > 0:
                time.sleep(min(self.rng.expovariate(1 / think), max(0.0, until - time.time())))
                if time.time() >= until:
                    break
            self.interaction(self.rng.choices(kinds, weights)[0])


def worker(db: str, doc_id: int, user: str, role: str, index: int, editors: int, seed: int, think: float,
           out: str, ready: Any, go: Any, seconds: float) -> None:  # fmt: skip
    ed = None
    try:
        ed = Editor(db, doc_id, user, role, index, editors, seed)
        ed.load_page()  # warm: imports, first read, caches (not timed)
        ed.next_page()  # to the start of this editor's own stretch
        ed.load_page()
        # the pages' first loads before the start, not all at once in its first seconds
        ed.load_findings()
        ed.load_terms()
        ed.times.clear()
        ready.put(index)
        go.wait()
        cpu = time.process_time()
        ed.run(time.time() + seconds, think)
        cpu = time.process_time() - cpu
    except BaseException as exc:  # noqa: BLE001
        if ed is None:
            ready.put(index)
        Path(out).write_text(json.dumps({"fatal": f"{type(exc).__name__}: {exc}\n{traceback.format_exc()}"}))
        return
    Path(out).write_text(json.dumps({"user": user, "times": ed.times, "saves": ed.saves, "errors": ed.errors,
                                     "conflicts": ed.conflict_samples, "cpu_s": cpu}))  # fmt: skip
    ed.store.close()


# ------------------------------------------------------------------------------- invariants


def verify(db: str, doc_id: int, saves: list[tuple[str, dict[str, Any]]]) -> tuple[int, list[str]]:
    """(lost, problems): each successful save is in the history under its editor with its after-value
    (and, where the thing is still at that revision, is the current value); the history of every
    paragraph, link and term the editors saved is one chain (each change starts from the state the
    one before it left: a save based on a stale state that went through would break it, and counts as
    lost); the alignment covers every paragraph once, in order; every revision of an edited paragraph
    or term has its history row."""
    from workbench.store import open_store

    store = open_store(db)
    problems: list[str] = []
    doc = store.get_document(doc_id)
    links = store.get_links(doc_id)
    paras = doc.paragraph_index()
    for side in ("source", "target"):
        order = [p.id for p in doc.side(side).paragraphs]  # type: ignore[union-attr]
        got = [pid for lk in links for pid in (lk.source if side == "source" else lk.target)]
        if got != order:
            problems.append(f"the {side} paragraphs are not each in exactly one link, in order")
    if any(not lk.source and not lk.target for lk in links):
        problems.append("an empty link")

    hist: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for entity, d in (("paragraph", doc_id), ("link", doc_id), ("finding", doc_id), ("term", None)):
        # a corpus-wide finding (term-inconsistent) belongs to no document: its tags are project rows
        for r in reversed(store.history(d, limit=10**8, entity=entity, project=entity == "finding")):
            hist.setdefault((entity, str(r["entity_id"])), []).append(r)  # oldest first
    terms = {t.id: t for t in store.terms.list_terms()}
    lost = 0
    for user, s in saves:
        rows = [r for r in hist.get((s["entity"], str(s["id"])), []) if r["user"] == user and r["after"]]
        a = [r["after"] for r in rows]
        e = s["entity"]
        if e == "paragraph":
            ok = any(x.get("text") == s["text"] and x.get("rev") == s["rev"] for x in a)
            p = paras.get(s["id"])
            ok = ok and not (p is not None and p.rev == s["rev"] and p.text != s["text"])
        elif e == "link":
            ok = any((x.get("source"), x.get("target"), x.get("status")) == (s["source"], s["target"], s["status"]) for x in a)
        elif e == "finding":
            ok = any((x.get("status"), x.get("comment")) == (s["status"], s["comment"]) for x in a)
        else:
            ok = any(x.get("gloss") == s["gloss"] and x.get("rev") in (None, s["rev"]) for x in a)
            t = terms.get(s["id"])
            ok = ok and not (t is not None and t.rev == s["rev"] and t.gloss != s["gloss"])
        if not ok:
            lost += 1
            if len(problems) < 10:
                problems.append(f"lost: {user} {e} {s['id']} ({ {k: v for k, v in s.items() if k not in ('entity', 'id')} })")
    for key in dict.fromkeys((s["entity"], str(s["id"])) for _, s in saves if s["entity"] != "finding"):
        rows = hist.get(key, [])
        for prev, cur in zip(rows, rows[1:], strict=False):
            if prev["after"] is not None and cur["before"] is not None and cur["before"] != prev["after"]:
                lost += 1
                if len(problems) < 10:
                    problems.append(f"lost: {key[0]} {key[1]}: change {cur['id']} by {cur['user']} started from a state"
                                    f" other than the one change {prev['id']} by {prev['user']} left")  # fmt: skip
    edited_paras = {s["id"] for _, s in saves if s["entity"] == "paragraph"}
    for pid in edited_paras:
        n = sum(r["action"] == "edit" for r in hist.get(("paragraph", pid), []))
        if pid in paras and paras[pid].rev != n + 1:
            problems.append(f"paragraph {pid}: revision {paras[pid].rev} but {n} edits in the history")
    for tid in {s["id"] for _, s in saves if s["entity"] == "term"}:
        n = sum(r["action"] == "update" for r in hist.get(("term", str(tid)), []))
        if tid in terms and terms[tid].rev != n + 1:
            problems.append(f"term {tid}: revision {terms[tid].rev} but {n} updates in the history")
    store.close()
    return lost, problems


# ------------------------------------------------------------------------------- the run


def baseline(db: str, doc_id: int, users: list[tuple[str, str]], seed: int, n: int) -> tuple[dict[str, float], list[float]]:
    """One editor alone on the same database before the load: ``n`` single edits drawn from the load's
    mix (each followed by its page's rerun, as under load); (median ms per kind, every edit's ms)."""
    name, role = next((u for u in users if u[1] == "terminologist"), users[0])
    ed = Editor(db, doc_id, name, role, 0, 1, seed + 99)
    ed.load_page()
    ed.load_findings()
    ed.load_terms()
    mix = {k: w for k, w in MIX.items() if k in SINGLE_EDITS}
    if role == "terminologist":
        mix["term_edit"] = TERM_WEIGHT * sum(r == "terminologist" for _, r in users) / len(users)
    for _ in range(n):
        ed.interaction(ed.rng.choices(list(mix), list(mix.values()))[0])
    ed.store.close()
    if ed.errors:
        raise SystemExit("the single-editor baseline failed:\n" + "\n".join(ed.errors))
    edits = [(kind, ms) for kind, ms, o in ed.times if kind in SINGLE_EDITS and o == "ok"]
    per = {k: statistics.median([ms for kind, ms in edits if kind == k]) for k in dict.fromkeys(k for k, _ in edits)}
    return per, [ms for _, ms in edits]


def run(db: str, editors: int, seconds: float, think: float, n_links: int, n_terms: int, seed: int,
        n_alone: int = 40, quiet: bool = False) -> dict[str, Any]:  # fmt: skip
    say = (lambda *a: None) if quiet else (lambda *a: print(*a, file=sys.stderr, flush=True))
    t = time.perf_counter()
    info = build(db, n_links, n_terms, editors, seed)
    say(f"built: {info['links']} links, {info['terms']} terms, {info['findings']} findings, {editors} accounts"
        f" in {time.perf_counter() - t:.1f} s")
    base, alone = baseline(db, info["doc_id"], info["users"], seed, n_alone)
    say(f"baseline (one editor alone, {len(alone)} edits): p50 {percentile(alone, 0.5):.0f} ms, p95"
        f" {percentile(alone, 0.95):.0f} ms; median ms: " + ", ".join(f"{k} {v:.0f}" for k, v in base.items()))

    ctx = mp.get_context("spawn")
    ready, go = ctx.Queue(), ctx.Event()
    tmp = tempfile.TemporaryDirectory(prefix="team_bench.")
    outs = [str(Path(tmp.name) / f"w{k}.json") for k in range(editors)]
    procs = [ctx.Process(target=worker, args=(db, info["doc_id"], u, r, k, editors, seed, think, outs[k], ready, go,
                                              seconds), daemon=True)  # fmt: skip
             for k, (u, r) in enumerate(info["users"])]
    for p in procs:
        p.start()
    for _ in procs:
        ready.get(timeout=300)
    say(f"{editors} editors ready; running {seconds:g} s (think {think:g} s)")
    t0 = time.time()
    go.set()
    for p in procs:
        p.join(timeout=seconds + 600)
    wall = time.time() - t0

    times: list[tuple[str, float, str]] = []
    saves: list[tuple[str, dict[str, Any]]] = []
    errors: list[str] = []
    conflict_samples: dict[str, list[str]] = {}
    cpu_s = 0.0
    for k, path in enumerate(outs):
        try:
            data = json.loads(Path(path).read_text())
        except (OSError, ValueError):
            errors.append(f"editor {k + 1}: no result (exit code {procs[k].exitcode})")
            continue
        if "fatal" in data:
            errors.append(f"editor {k + 1}: {data['fatal']}")
            continue
        times += [tuple(x) for x in data["times"]]  # type: ignore[misc]
        saves += [(data["user"], s) for s in data["saves"]]
        errors += data["errors"]
        cpu_s += data.get("cpu_s", 0.0)
        for kind, msgs in data["conflicts"].items():
            conflict_samples.setdefault(kind, []).extend(msgs[: 2 - len(conflict_samples.get(kind, []))])
    tmp.cleanup()
    lost, problems = verify(db, info["doc_id"], saves)

    single = [ms for kind, ms, o in times if kind in SINGLE_EDITS and o != "error"]
    n_err = sum(o == "error" for _, _, o in times) + sum(e.startswith("editor ") for e in errors)
    kinds: dict[str, Any] = {}
    for kind in dict.fromkeys(k for k, _, _ in times):
        xs = [ms for k, ms, o in times if k == kind and o != "error"]
        kinds[kind] = {"ops": sum(k == kind for k, _, _ in times), "p50_ms": round(percentile(xs, 0.5), 1),
                       "p95_ms": round(percentile(xs, 0.95), 1),
                       "conflicts": sum(k == kind and o in ("conflict", "serialization") for k, _, o in times),
                       "serialization": sum(k == kind and o == "serialization" for k, _, o in times),
                       "errors": sum(k == kind and o == "error" for k, _, o in times)}  # fmt: skip
        if kind in base:
            kinds[kind]["alone_ms"] = round(base[kind], 1)
    result = {
        "backend": backend_of(db),
        "editors": editors,
        "seconds": seconds,
        "ops": len(times),
        "ops_per_s": round(len(times) / seconds, 1),
        "p50_ms": round(percentile(single, 0.5), 1),
        "p95_ms": round(percentile(single, 0.95), 1),
        "conflicts": sum(o in ("conflict", "serialization") for _, _, o in times),
        "serialization_refusals": sum(o == "serialization" for _, _, o in times),
        "errors": n_err,
        "lost": lost,
        "saves": len(saves),
        "invariant_problems": [p for p in problems if not p.startswith("lost:")],
        "lost_samples": [p for p in problems if p.startswith("lost:")][:5],
        "think_s": think,
        "alone_p50_ms": round(percentile(alone, 0.5), 1),
        "alone_p95_ms": round(percentile(alone, 0.95), 1),
        "kinds": kinds,
        "wall_s": round(wall, 1),
        # the CPU time the editors' processes got during the run, in CPUs (a database server's not
        # counted): far below the machine's CPUs while every operation takes many times its time
        # alone means the machine was busy with other work
        "editors_cpu": round(cpu_s / wall, 2) if wall else 0.0,
        "machine": f"{platform.machine()}, {os.cpu_count()} CPUs, {platform.system()} {platform.release()},"
                   f" Python {platform.python_version()}",
        "error_samples": errors[:5],
        "conflict_samples": conflict_samples,
    }
    if result["invariant_problems"]:
        result["errors"] += len(result["invariant_problems"])
    return result


def print_table(r: dict[str, Any]) -> None:
    print(f"{r['backend']}: {r['editors']} editors for {r['seconds']:g} s (think {r['think_s']:g} s) on {r['machine']}")
    print(f"{'op':15} {'ops':>6} {'p50 ms':>8} {'p95 ms':>8} {'alone ms':>9} {'p50/alone':>10} {'conflicts':>10} {'errors':>7}")
    print("-" * 80)
    for kind, k in sorted(r["kinds"].items()):
        alone = k.get("alone_ms")
        ratio = f"x{k['p50_ms'] / alone:.1f}" if alone else ""
        print(f"{kind:15} {k['ops']:6} {k['p50_ms']:8.1f} {k['p95_ms']:8.1f} {alone or '':>9} {ratio:>10}"
              f" {k['conflicts']:10} {k['errors']:7}")  # fmt: skip
    print("-" * 80)
    ratio = r["p95_ms"] / r["alone_p95_ms"] if r["alone_p95_ms"] else 0
    print(f"single edits: p50 {r['p50_ms']:.1f} ms, p95 {r['p95_ms']:.1f} ms (one editor alone: p50"
          f" {r['alone_p50_ms']:.1f} ms, p95 {r['alone_p95_ms']:.1f} ms; p95 x{ratio:.1f});"
          f" {r['ops']} ops, {r['ops_per_s']:.1f} ops/s")
    print(f"the editors' processes used {r['editors_cpu']:.2f} CPUs during the run ({os.cpu_count()} on the machine)")
    print(f"conflicts {r['conflicts']} (clean refusals; {r['serialization_refusals']} of them serialization"
          f" failures retried to the limit), errors {r['errors']}, lost {r['lost']} of {r['saves']} saves")
    for p in r["invariant_problems"] + r["lost_samples"] + r["error_samples"]:
        print("  " + p.strip().replace("\n", "\n    "))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", help="an empty project: a path, sqlite:///path or postgresql://... (default: a temporary SQLite file)")
    ap.add_argument("--editors", type=int, default=20)
    ap.add_argument("--seconds", type=float, default=60)
    ap.add_argument("--think", type=float, default=2.0, help="mean pause between an editor's interactions, s")
    ap.add_argument("--links", type=int, default=3000)
    ap.add_argument("--terms", type=int, default=500)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--alone", type=int, default=40, help="single edits of the one-editor baseline")
    ap.add_argument("--json", action="store_true", help="print one JSON object")
    args = ap.parse_args(argv)
    with contextlib.ExitStack() as stack:
        db = args.db
        if not db:
            db = str(Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="team_bench."))) / "team.db")
        r = run(db, args.editors, args.seconds, args.think, args.links, args.terms, args.seed, args.alone)
    if args.json:
        print(json.dumps(r, ensure_ascii=False))
    else:
        print_table(r)
    return 0 if r["errors"] == 0 and r["lost"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
