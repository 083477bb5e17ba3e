"""Terms repository: termbase entries, rejected proposals and annotations (``store.terms``).

Every write runs in one ``store.transaction()`` and logs a ``history`` row (entity ``term`` or
``annotation``, before/after as JSON). Updates carry the revision they were based on; a stale one
raises :class:`~workbench.errors.ConflictError` and writes nothing.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from workbench.errors import ConflictError, InputError, NotFoundError, WorkbenchError
from workbench.store.db import now, retry_public_methods
from workbench.terms.anchors import make_anchor, reanchor
from workbench.terms.model import Annotation, Term
from workbench.terms.normalize import en_form_key, he_form_key

if TYPE_CHECKING:
    from workbench.store import Store
    from workbench.terms.matcher import TermMatcher

TERM_FIELDS = ("source", "preferred", "variants", "forbidden", "gloss", "note", "gloss_first", "variant_policy", "not_term",
               "ambiguous")  # fmt: skip


@dataclass
class ImportReport:
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    warnings: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        s = f"{self.added} added, {self.updated} updated, {self.unchanged} unchanged"
        return s + (f" ({len(self.warnings)} warning(s))" if self.warnings else "")


def _row_to_term(r: sqlite3.Row) -> Term:
    return Term(
        source=r["source"],
        preferred=r["preferred"],
        kind=r["kind"],
        variants=json.loads(r["variants"]),
        forbidden=json.loads(r["forbidden"]),
        gloss=r["gloss"],
        gloss_first=bool(r["gloss_first"]),
        variant_policy=r["variant_policy"],
        not_term=json.loads(r["not_term"]),
        ambiguous=bool(r["ambiguous"]),
        note=r["note"],
        status=r["status"],
        source_pointed=r["source_pointed"],
        source_variants=json.loads(r["source_variants"]),
        source_lang=r["source_lang"],
        case=r["case_rule"],
        id=r["id"],
        rev=r["rev"],
        created=r["created"],
        updated=r["updated"],
    )


def _row_to_ann(r: sqlite3.Row) -> Annotation:
    return Annotation(
        doc_id=r["doc_id"],
        para_id=r["para_id"],
        start=r["start_pos"],
        end=r["end_pos"],
        surface=r["surface"],
        term_id=r["term_id"],
        kind=r["kind"],
        before=r["ctx_before"],
        after=r["ctx_after"],
        side=r["side"],
        note=r["note"],
        state=r["state"],
        id=r["id"],
        rev=r["rev"],
        created=r["created"],
        updated=r["updated"],
    )


def _snapshot(t: Term) -> dict[str, Any]:
    d = t.to_dict()
    for k in ("created", "updated"):
        d.pop(k, None)
    return d


@retry_public_methods
class TermsRepo:
    def __init__(self, store: Store) -> None:
        self.store = store
        self._matchers: dict[tuple[Any, ...], TermMatcher] = {}

    # ------------------------------------------------------------------------------ terms: read

    def list_terms(
        self, status: str | None = None, kind: str | None = None, search: str | None = None, order: str = "rendering"
    ) -> list[Term]:
        """Entries ordered by preferred rendering (or ``order="id"``: as added); ``search`` looks in
        every form, gloss and note."""
        sql, args = "SELECT * FROM terms", []
        where = []
        if status:
            where.append("status = ?")
            args.append(status)
        if kind:
            where.append("kind = ?")
            args.append(kind)
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += " ORDER BY id" if order == "id" else " ORDER BY preferred_key, id"
        with self.store.reading() as c:
            terms = [_row_to_term(r) for r in c.execute(sql, args)]
        if search:
            q = search.casefold().strip()
            qh = he_form_key(search)
            terms = [t for t in terms if _term_matches(t, q, qh)]
        return terms

    def get(self, term_id: int) -> Term:
        with self.store.reading() as c:
            r = c.execute("SELECT * FROM terms WHERE id = ?", (term_id,)).fetchone()
        if r is None:
            raise NotFoundError(f"term {term_id} does not exist")
        return _row_to_term(r)

    def count(self) -> int:
        with self.store.reading() as c:
            return int(c.execute("SELECT count(*) FROM terms").fetchone()[0])

    def version(self) -> tuple[int, str | None, int]:
        """Changes whenever the termbase changes (for caching matchers)."""
        with self.store.reading() as c:
            r = c.execute("SELECT count(*), max(updated), coalesce(sum(rev), 0) FROM terms").fetchone()
        return (int(r[0]), r[1], int(r[2]))

    def matcher(self, *, fold_diacritics: bool = False, status: str | None = None) -> TermMatcher:
        """A :class:`TermMatcher` over the current termbase, rebuilt only when it changed."""
        from workbench.terms.matcher import TermMatcher

        key = (self.version(), fold_diacritics, status)
        m = self._matchers.get(key)
        if m is None:
            self._matchers.clear()
            m = TermMatcher(self.list_terms(status=status), fold_diacritics=fold_diacritics)
            self._matchers[key] = m
        return m

    # ------------------------------------------------------------------------------ terms: write

    def _check(self, term: Term) -> None:
        problems = term.problems()
        if problems:
            raise WorkbenchError(f"term '{term.preferred}': " + "; ".join(problems))

    def _identity_clash(self, c: sqlite3.Connection, term: Term, exclude: int | None = None) -> None:
        r = c.execute(
            "SELECT id FROM terms WHERE source_key = ? AND preferred_key = ? AND id IS DISTINCT FROM ?",
            (he_form_key(term.source), en_form_key(term.preferred), exclude),
        ).fetchone()
        if r is not None:
            raise ConflictError(f"term {r['id']} already has source '{term.source}' and rendering '{term.preferred}'")

    def _values(self, t: Term) -> tuple:
        return (
            t.source, he_form_key(t.source), t.source_pointed, json.dumps(t.source_variants, ensure_ascii=False),
            t.source_lang, t.preferred, en_form_key(t.preferred), t.kind,
            json.dumps(t.variants, ensure_ascii=False), json.dumps(t.forbidden, ensure_ascii=False), t.gloss,
            int(t.gloss_first), t.note, t.status, t.case, t.variant_policy, json.dumps(t.not_term, ensure_ascii=False),
            int(t.ambiguous),
        )  # fmt: skip

    _COLS = (
        "source, source_key, source_pointed, source_variants, source_lang, preferred, preferred_key, kind, "
        "variants, forbidden, gloss, gloss_first, note, status, case_rule, variant_policy, not_term, ambiguous"
    )

    def add(self, term: Term, user: str = "system") -> Term:
        self._check(term)
        with self.store.transaction() as c:
            self.store.authorize(user, "terms", c)
            self._identity_clash(c, term)
            ts = now()
            cur = c.execute(
                f"INSERT INTO terms ({self._COLS}, rev, created, updated) VALUES ({', '.join('?' * 18)}, 1, ?, ?) RETURNING id",
                (*self._values(term), ts, ts),
            )
            term.id, term.rev, term.created, term.updated = cur.fetchone()[0], 1, ts, ts
            self.store.db.log(c, user, "term", term.id, None, "create", None, _snapshot(term))
        return term

    def update(self, term: Term, user: str = "system", expected_rev: int | None = None) -> Term:
        """Save ``term`` (by id); ``expected_rev`` defaults to ``term.rev``."""
        if term.id is None:
            raise WorkbenchError("cannot update a term without id")
        self._check(term)
        expected = term.rev if expected_rev is None else expected_rev
        with self.store.transaction() as c:
            self.store.authorize(user, "terms", c)
            r = c.execute("SELECT * FROM terms WHERE id = ?", (term.id,)).fetchone()
            if r is None:
                raise NotFoundError(f"term {term.id} does not exist (deleted{self.store.db.changed_by(c, 'term', term.id)})")
            before = _row_to_term(r)
            if before.rev != expected:
                raise ConflictError(
                    f"term '{before.preferred}' was changed{self.store.db.changed_by(c, 'term', term.id)}"
                    f" (now revision {before.rev}, yours {expected}); reload and apply your change again — nothing was saved"
                )
            self._identity_clash(c, term, exclude=term.id)
            ts = now()
            sets = ", ".join(f"{col.strip()} = ?" for col in self._COLS.split(","))
            c.execute(
                f"UPDATE terms SET {sets}, rev = rev + 1, updated = ? WHERE id = ?",
                (*self._values(term), ts, term.id),
            )
            term.rev, term.updated, term.created = before.rev + 1, ts, before.created
            self.store.db.log(c, user, "term", term.id, None, "update", _snapshot(before), _snapshot(term))
        return term

    def delete(self, term_id: int, user: str = "system", expected_rev: int | None = None) -> None:
        with self.store.transaction() as c:
            self.store.authorize(user, "terms", c)
            r = c.execute("SELECT * FROM terms WHERE id = ?", (term_id,)).fetchone()
            if r is None:
                raise NotFoundError(f"term {term_id} does not exist")
            if expected_rev is not None and r["rev"] != expected_rev:
                raise ConflictError(
                    f"term '{r['preferred']}' was changed{self.store.db.changed_by(c, 'term', term_id)} (now revision"
                    f" {r['rev']}, yours {expected_rev}); it was not deleted — reload and decide again"
                )
            c.execute("DELETE FROM terms WHERE id = ?", (term_id,))
            self.store.db.log(c, user, "term", term_id, None, "delete", _snapshot(_row_to_term(r)), None)

    def set_status(self, term_ids: Iterable[int], status: str, user: str = "system") -> int:
        """Approve (or send back to proposed) several entries at once; returns how many changed."""
        n = 0
        with self.store.transaction() as c:
            self.store.authorize(user, "terms", c)
            for tid in term_ids:
                t = self.get(tid)
                if t.status != status:
                    t.status = status
                    self.update(t, user)
                    n += 1
        return n

    def merge(self, keep_id: int, drop_id: int, user: str = "system") -> Term:
        """Fold entry ``drop_id`` into ``keep_id``: forms, variants, glosses and annotations move over.

        The dropped entry's preferred rendering becomes a variant unless it is forbidden in the kept one.
        """
        if keep_id == drop_id:
            raise WorkbenchError("cannot merge a term with itself")
        with self.store.transaction() as c:
            self.store.authorize(user, "terms", c)
            keep, drop = self.get(keep_id), self.get(drop_id)
            before = _snapshot(keep)
            forb = {f.casefold() for f in keep.forbidden}
            for v in [drop.preferred, *drop.variants]:
                if v.casefold() not in forb and v.casefold() != keep.preferred.casefold() and v not in keep.variants:
                    keep.variants.append(v)
            allowed = {keep.preferred.casefold(), *(v.casefold() for v in keep.variants)}
            for f in drop.forbidden:
                if f not in keep.forbidden and f.casefold() not in allowed:
                    keep.forbidden.append(f)
            for s in [drop.source, *drop.source_variants]:
                if s and he_form_key(s) != he_form_key(keep.source) and s not in keep.source_variants:
                    if not keep.source:
                        keep.source = s
                    else:
                        keep.source_variants.append(s)
            if not keep.source_pointed and drop.source_pointed and drop.source == keep.source:
                keep.source_pointed = drop.source_pointed
            keep.gloss = keep.gloss or drop.gloss
            keep.gloss_first = keep.gloss_first or drop.gloss_first
            keep.ambiguous = keep.ambiguous or drop.ambiguous
            keep.not_term += [x for x in drop.not_term if x not in keep.not_term]
            if drop.note and drop.note != keep.note:
                keep.note = f"{keep.note}\n{drop.note}" if keep.note else drop.note
            moved = c.execute("UPDATE annotations SET term_id = ? WHERE term_id = ?", (keep_id, drop_id)).rowcount
            c.execute("DELETE FROM terms WHERE id = ?", (drop_id,))
            self.update(keep, user)
            self.store.db.log(
                c, user, "term", keep_id, None, "merge", {"kept": before, "dropped": _snapshot(drop)},
                {**_snapshot(keep), "annotations_moved": moved},
            )  # fmt: skip
        return keep

    def import_terms(
        self, terms: list[Term], user: str = "system", fields: tuple[str, ...] | None = None, warnings: list[str] | None = None
    ) -> ImportReport:
        """Add new entries and update existing ones (same source and preferred rendering), all or nothing.

        ``fields`` limits which fields an import may change on an existing entry (a CSV carries only
        ``source, preferred, variants, forbidden, gloss, note``: kind, status and the rest stay).
        """
        report = ImportReport(warnings=list(warnings or []))
        with self.store.transaction() as c:
            self.store.authorize(user, "terms", c)
            for t in terms:
                self._check(t)
                r = c.execute(
                    "SELECT * FROM terms WHERE source_key = ? AND preferred_key = ?",
                    (he_form_key(t.source), en_form_key(t.preferred)),
                ).fetchone()
                if r is None:
                    self.add(t, user)
                    report.added += 1
                    continue
                cur = _row_to_term(r)
                new = Term.from_dict(cur.to_dict())
                names = fields or tuple(k for k in _snapshot(t) if k not in ("id", "rev"))
                for name in names:
                    attr = {"rendering": "preferred"}.get(name, name)
                    setattr(new, attr, getattr(t, attr))
                if _snapshot(new) == _snapshot(cur):
                    report.unchanged += 1
                else:
                    self.update(new, user)
                    report.updated += 1
            self.store.db.log(c, user, "termbase", None, None, "import", None, {"report": str(report)})
        return report

    def import_file(self, path: str | Path, user: str = "system") -> ImportReport:
        """Import a ``.csv`` or ``.tbx`` file (format by extension)."""
        from workbench.terms.csvio import read_csv
        from workbench.terms.tbx import read_tbx

        p = Path(path)
        ext = p.suffix.lower()
        if ext == ".csv":
            terms, warnings = read_csv(p)
            return self.import_terms(terms, user, fields=("source", "source_variants", "source_pointed", *TERM_FIELDS[1:]), warnings=warnings)
        if ext in (".tbx", ".xml"):
            terms, warnings = read_tbx(p)
            return self.import_terms(terms, user, warnings=warnings)
        raise InputError(p, f"unknown termbase format '{ext or '(none)'}': use .csv or .tbx")

    def export_file(self, path: str | Path, status: str | None = None) -> int:
        from workbench.terms.csvio import write_csv
        from workbench.terms.tbx import write_tbx

        p = Path(path)
        ext = p.suffix.lower()
        terms = self.list_terms(status=status, order="id")
        if ext == ".csv":
            return write_csv(terms, p)
        if ext in (".tbx", ".xml"):
            return write_tbx(terms, p)
        raise InputError(p, f"unknown termbase format '{ext or '(none)'}': use .csv or .tbx")

    # ------------------------------------------------------------------------------ proposals

    def reject_proposal(self, rendering: str, source: str | None, user: str = "system") -> None:
        from workbench.terms.discovery import proposal_key

        key = proposal_key(rendering, source)
        with self.store.transaction() as c:
            self.store.authorize(user, "terms", c)
            c.execute(
                'INSERT INTO term_rejections (key, rendering, source, at, "user") VALUES (?,?,?,?,?)'
                ' ON CONFLICT (key) DO UPDATE SET rendering = excluded.rendering, source = excluded.source,'
                ' at = excluded.at, "user" = excluded."user"',
                (key, rendering, source, now(), user),
            )
            self.store.db.log(c, user, "proposal", key, None, "reject", None, {"rendering": rendering, "source": source})

    def rejected_keys(self) -> set[str]:
        with self.store.reading() as c:
            return {r[0] for r in c.execute("SELECT key FROM term_rejections")}

    def accept_proposals(self, proposals: Iterable[Any], user: str = "system", status: str = "proposed") -> list[Term]:
        """Turn discovery proposals into entries (one transaction); existing identities are skipped.

        An accepted proposal enters the termbase as a candidate (``proposed``): accepting says "this
        is a term", approving its rendering stays the terminologist's step (Approve on the Terms
        page, or ``--status approved`` on the command line for someone who means both at once)."""
        out = []
        with self.store.transaction() as c:
            self.store.authorize(user, "terms", c)
            for p in proposals:
                t = p.to_term(status=status)
                exists = c.execute(
                    "SELECT id FROM terms WHERE source_key = ? AND preferred_key = ?",
                    (he_form_key(t.source), en_form_key(t.preferred)),
                ).fetchone()
                if exists is None:
                    out.append(self.add(t, user))
        return out

    def term_history(self, term_id: int) -> list[dict[str, Any]]:
        with self.store.reading() as c:
            rows = c.execute(
                "SELECT * FROM history WHERE entity = 'term' AND entity_id = ? ORDER BY id", (str(term_id),)
            ).fetchall()
        return [_history_row(r) for r in rows]

    # ------------------------------------------------------------------------------ annotations

    def _paragraph_text(self, c: sqlite3.Connection, para_id: str) -> tuple[int, str, str] | None:
        r = c.execute("SELECT doc_id, side, text FROM paragraphs WHERE id = ?", (para_id,)).fetchone()
        return (r["doc_id"], r["side"], r["text"]) if r else None

    def add_annotations(self, annotations: Iterable[Annotation], user: str = "system") -> list[Annotation]:
        """Store annotations (context is taken from the paragraph); an identical one is not doubled."""
        out = []
        with self.store.transaction() as c:
            self.store.authorize(user, "annotate", c)
            for a in annotations:
                info = self._paragraph_text(c, a.para_id)
                if info is None:
                    raise NotFoundError(f"paragraph {a.para_id} does not exist")
                doc_id, side, text = info
                try:
                    anchor = make_anchor(text, a.start, a.end)
                except ValueError as exc:
                    raise WorkbenchError(f"annotation on paragraph {a.para_id}: {exc}") from exc
                dup = c.execute(
                    "SELECT id FROM annotations WHERE para_id = ? AND start_pos = ? AND end_pos = ? AND term_id IS NOT DISTINCT FROM ? AND kind = ?",
                    (a.para_id, a.start, a.end, a.term_id, a.kind),
                ).fetchone()
                if dup is not None:
                    continue
                ts = now()
                cur = c.execute(
                    "INSERT INTO annotations (doc_id, para_id, side, start_pos, end_pos, surface, ctx_before, ctx_after,"
                    " term_id, kind, note, state, rev, created, updated) VALUES (?,?,?,?,?,?,?,?,?,?,?,'ok',1,?,?) RETURNING id",
                    (doc_id, a.para_id, side, a.start, a.end, anchor.surface, anchor.before, anchor.after,
                     a.term_id, a.kind, a.note, ts, ts),
                )  # fmt: skip
                a.id, a.doc_id, a.side, a.surface, a.before, a.after = cur.fetchone()[0], doc_id, side, anchor.surface, anchor.before, anchor.after
                a.rev, a.state, a.created, a.updated = 1, "ok", ts, ts
                self.store.db.log(c, user, "annotation", a.id, doc_id, "create", None, a.to_dict())
                out.append(a)
        return out

    def add_annotation(self, annotation: Annotation, user: str = "system") -> Annotation:
        got = self.add_annotations([annotation], user)
        if not got:
            raise ConflictError("this occurrence is already annotated")
        return got[0]

    def get_annotation(self, ann_id: int) -> Annotation:
        with self.store.reading() as c:
            r = c.execute("SELECT * FROM annotations WHERE id = ?", (ann_id,)).fetchone()
        if r is None:
            raise NotFoundError(f"annotation {ann_id} does not exist")
        return _row_to_ann(r)

    def update_annotation(self, annotation: Annotation, user: str = "system") -> Annotation:
        """Change span, term, kind or note (based on ``annotation.rev``)."""
        with self.store.transaction() as c:
            self.store.authorize(user, "annotate", c)
            before = self.get_annotation(annotation.id)  # type: ignore[arg-type]
            if before.rev != annotation.rev:
                raise ConflictError(
                    f"annotation {annotation.id} ('{before.surface}') was changed"
                    f"{self.store.db.changed_by(c, 'annotation', annotation.id)} (now revision {before.rev}, yours"
                    f" {annotation.rev}); reload and apply your change again — nothing was saved"
                )
            info = self._paragraph_text(c, annotation.para_id)
            if info is None:
                raise NotFoundError(f"paragraph {annotation.para_id} does not exist")
            try:
                anchor = make_anchor(info[2], annotation.start, annotation.end)
            except ValueError as exc:
                raise WorkbenchError(str(exc)) from exc
            ts = now()
            c.execute(
                "UPDATE annotations SET para_id = ?, start_pos = ?, end_pos = ?, surface = ?, ctx_before = ?,"
                " ctx_after = ?, term_id = ?, kind = ?, note = ?, state = 'ok', rev = rev + 1, updated = ? WHERE id = ?",
                (annotation.para_id, anchor.start, anchor.end, anchor.surface, anchor.before, anchor.after,
                 annotation.term_id, annotation.kind, annotation.note, ts, annotation.id),
            )  # fmt: skip
            after = self.get_annotation(annotation.id)  # type: ignore[arg-type]
            self.store.db.log(c, user, "annotation", annotation.id, after.doc_id, "update", before.to_dict(), after.to_dict())
        return after

    def delete_annotations(self, ann_ids: Iterable[int], user: str = "system",
                           expected_revs: dict[int, int] | None = None) -> int:  # fmt: skip
        """Delete annotations (one transaction); with ``expected_revs`` (id -> the revision the editor
        saw) an annotation changed meanwhile refuses the whole deletion, naming who changed it."""
        n = 0
        with self.store.transaction() as c:
            self.store.authorize(user, "annotate", c)
            for ann_id in ann_ids:
                r = c.execute("SELECT * FROM annotations WHERE id = ?", (ann_id,)).fetchone()
                if r is None:
                    continue
                a = _row_to_ann(r)
                want = (expected_revs or {}).get(ann_id)
                if want is not None and a.rev != want:
                    raise ConflictError(
                        f"annotation {ann_id} ('{a.surface}') was changed{self.store.db.changed_by(c, 'annotation', ann_id)}"
                        f" (now revision {a.rev}, yours {want}); nothing was removed — reload and decide again"
                    )
                c.execute("DELETE FROM annotations WHERE id = ?", (ann_id,))
                self.store.db.log(c, user, "annotation", ann_id, a.doc_id, "delete", a.to_dict(), None)
                n += 1
        return n

    def delete_annotation(self, ann_id: int, user: str = "system") -> None:
        if not self.delete_annotations([ann_id], user):
            raise NotFoundError(f"annotation {ann_id} does not exist")

    def annotations(
        self,
        doc_id: int | None = None,
        para_id: str | None = None,
        term_id: int | None = None,
        reanchor_spans: bool = True,
        user: str = "system",
    ) -> list[Annotation]:
        """Annotations, re-anchored against the current paragraph texts (changes are saved)."""
        where, args = [], []
        for col, val in (("doc_id", doc_id), ("para_id", para_id), ("term_id", term_id)):
            if val is not None:
                where.append(f"{col} = ?")
                args.append(val)
        sql = "SELECT * FROM annotations" + (" WHERE " + " AND ".join(where) if where else "") + " ORDER BY doc_id, para_id, start_pos"
        with self.store.reading() as c:
            anns = [_row_to_ann(r) for r in c.execute(sql, args)]
        if reanchor_spans and anns:
            anns = self._reanchor(anns, user)
        return anns

    def reanchor(self, doc_id: int, user: str = "system") -> dict[str, int]:
        """Re-find every annotation of a document after edits; returns counts by state."""
        anns = self.annotations(doc_id=doc_id, reanchor_spans=True, user=user)
        counts: dict[str, int] = {}
        for a in anns:
            counts[a.state] = counts.get(a.state, 0) + 1
        return counts

    def _reanchor(self, anns: list[Annotation], user: str) -> list[Annotation]:
        texts: dict[str, str | None] = {}
        changed: list[tuple[Annotation, dict[str, Any]]] = []
        with self.store.reading() as c:
            for a in anns:
                if a.para_id not in texts:
                    info = self._paragraph_text(c, a.para_id)
                    texts[a.para_id] = info[2] if info else None
                text = texts[a.para_id]
                old = a.to_dict()
                if text is None:
                    # The paragraph is gone (split/merge/delete): look in the same side of the document.
                    found = self._rehome(c, a)
                    if not found and a.state != "lost":
                        a.state = "lost"
                        changed.append((a, old))
                    elif found:
                        changed.append((a, old))
                    continue
                anc = reanchor(text, a.start, a.end, a.surface, a.before, a.after)
                if (anc.start, anc.end, anc.state) != (a.start, a.end, "ok") or anc.state != a.state:
                    a.start, a.end, a.surface, a.before, a.after = anc.start, anc.end, anc.surface, anc.before, anc.after
                    a.state = anc.state
                    changed.append((a, old))
        if changed:
            with self.store.transaction() as c:
                for a, old in changed:
                    c.execute(
                        "UPDATE annotations SET para_id = ?, start_pos = ?, end_pos = ?, surface = ?, ctx_before = ?,"
                        " ctx_after = ?, state = ?, rev = rev + 1, updated = ? WHERE id = ?",
                        (a.para_id, a.start, a.end, a.surface, a.before, a.after, a.state, now(), a.id),
                    )
                    a.rev += 1
                    self.store.db.log(c, user, "annotation", a.id, a.doc_id, "reanchor", old, a.to_dict())
        return anns

    def _rehome(self, c: sqlite3.Connection, a: Annotation) -> bool:
        from workbench.terms.anchors import context_score

        best: tuple[int, str, int] | None = None
        for r in c.execute("SELECT id, text FROM paragraphs WHERE doc_id = ? AND side = ?", (a.doc_id, a.side)):
            i = r["text"].find(a.surface)
            while i >= 0:
                sc = context_score(r["text"], i, i + len(a.surface), a.before, a.after)
                if best is None or sc > best[0]:
                    best = (sc, r["id"], i)
                i = r["text"].find(a.surface, i + 1)
        if best is None:
            return False
        text = c.execute("SELECT text FROM paragraphs WHERE id = ?", (best[1],)).fetchone()[0]
        anc = make_anchor(text, best[2], best[2] + len(a.surface))
        a.para_id, a.start, a.end, a.before, a.after, a.state = best[1], anc.start, anc.end, anc.before, anc.after, "moved"
        return True

    def annotation_history(self, ann_id: int) -> list[dict[str, Any]]:
        with self.store.reading() as c:
            rows = c.execute(
                "SELECT * FROM history WHERE entity = 'annotation' AND entity_id = ? ORDER BY id", (str(ann_id),)
            ).fetchall()
        return [_history_row(r) for r in rows]


def _history_row(r: sqlite3.Row) -> dict[str, Any]:
    d = dict(r)
    for k in ("before", "after"):
        if d.get(k):
            d[k] = json.loads(d[k])
    return d


def _term_matches(t: Term, q: str, qh: str) -> bool:
    hay = [t.preferred, *t.variants, *t.forbidden, t.gloss or "", t.note or "", t.kind]
    if any(q in h.casefold() for h in hay):
        return True
    if qh:
        return any(qh in he_form_key(s) for s in [t.source, *t.source_variants] if s)
    return False
