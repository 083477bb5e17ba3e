"""Decisions repository (``store.decisions``): an editor's tag on a whole group of findings, and the
record of batch fixes made from one (so that a fix can be undone as one operation).

A group is one (check, document, term, offending form); its id is computed from those by
:func:`workbench.findings_types.group_id` and is not stored on the findings, so a group exists as
long as one of its findings does, and a decision row only once it was tagged. Tagging a decision
tags every present occurrence (through :meth:`FindingsRepo.tag`, in the same transaction: the
same roles, revision checks, tag log and history rows as tagging them one by one) and records
``since``, the last history row, which the status rules use to tell text unchanged since the
decision from text edited after it (:func:`workbench.checks.reconcile.decided_status`).

The SQL is portable (``?`` placeholders, ``"user"`` quoted, ``ON CONFLICT``, JSON lists through
the dialect).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from workbench.errors import ConflictError, NotFoundError, WorkbenchError
from workbench.findings_types import STATUSES, Decision, Finding, group_id, is_group_id
from workbench.store.db import id_prefix, now, prefix_pattern, retry_public_methods

if TYPE_CHECKING:
    from workbench.store import Store

_DCOLS = 'id, doc_id, check_id, term_id, form, status, comment, "user", at, since, rev'
_GROUP = re.compile(r"^(?P<check>[a-z][a-z0-9-]*?)(?:-t(?P<term>-?\d+))?-g(?P<hex>[0-9a-f]{0,10})$")


def _decision(r: Any) -> Decision:
    return Decision(r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], r[8], int(r[9] or 0), int(r[10]))


@retry_public_methods
class DecisionsRepo:
    def __init__(self, store: Store) -> None:
        self.store = store

    @property
    def _in(self) -> str:
        return self.store.db.dialect.json_list("text")

    # ------------------------------------------------------------------------------ read

    def get(self, group: str) -> Decision | None:
        """The stored decision of ``group`` (None: never tagged)."""
        with self.store.reading() as c:
            r = c.execute(f"SELECT {_DCOLS} FROM decisions WHERE id = ?", (group,)).fetchone()
        return _decision(r) if r else None

    def for_groups(self, groups: Iterable[str], *, status: str | None = None) -> dict[str, Decision]:
        """The stored decisions among ``groups`` (optionally only those of ``status``), by group id."""
        groups = list(groups)
        if not groups:
            return {}
        sql = f"SELECT {_DCOLS} FROM decisions WHERE id IN {self._in}"
        args: list[Any] = [json.dumps(groups)]
        if status is not None:
            sql += " AND status = ?"
            args.append(status)
        with self.store.reading() as c:
            return {r[0]: _decision(r) for r in c.execute(sql, args)}

    def list(self, doc_id: int | None = None) -> dict[str, Decision]:
        """Every stored decision (of one document and the corpus-wide ones when ``doc_id`` is given)."""
        sql, args = f"SELECT {_DCOLS} FROM decisions", []
        if doc_id is not None:
            sql += " WHERE doc_id = ? OR doc_id IS NULL"
            args.append(doc_id)
        with self.store.reading() as c:
            return {r[0]: _decision(r) for r in c.execute(sql, args)}

    def any_accepted(self) -> bool:
        """Whether any decision is accepted (a run looks no further when none is)."""
        with self.store.reading() as c:
            return c.execute("SELECT 1 FROM decisions WHERE status = 'accepted' LIMIT 1").fetchone() is not None

    def edited_since(self, wanted: Mapping[str, tuple[int, Iterable[str]]]) -> dict[str, set[str]]:
        """Per group, which of its paragraphs changed since its decision: ``wanted`` maps a group to
        (the decision's ``since``, paragraph ids); a paragraph changed when the history has a row
        about it after ``since`` (an edit, a batch fix, an insertion, a revert)."""
        paras = {p for _, ps in wanted.values() for p in ps}
        if not paras:
            return {g: set() for g in wanted}
        low = min(s for s, _ in wanted.values())
        with self.store.reading() as c:
            rows = c.execute(
                f"SELECT entity_id, max(id) FROM history WHERE entity = 'paragraph' AND entity_id IN {self._in}"
                " AND id > ? GROUP BY entity_id", (json.dumps(sorted(paras)), low),
            ).fetchall()  # fmt: skip
        last = {r[0]: int(r[1]) for r in rows}
        return {g: {p for p in ps if last.get(p, -1) > since} for g, (since, ps) in wanted.items()}

    def resolve(self, ref: str) -> Decision:
        """The group ``ref`` names (a full group id or a unique prefix of one that reaches its
        ``-g`` part), as its stored decision or, never tagged, a fresh one (``rev`` 0)."""
        ref = id_prefix(ref)
        m = _GROUP.match(ref)
        if not m or not is_group_id(ref):
            raise WorkbenchError(f"{ref!r} is not a group id (see `workbench check --grouped`)")
        check, term = m["check"], m["term"]
        found: dict[str, Decision] = {}
        sql = "SELECT DISTINCT doc_id, term_id, key FROM findings WHERE check_id = ?"
        args: list[Any] = [check]
        if term is not None:
            sql += " AND term_id = ?"
            args.append(int(term))
        with self.store.reading() as c:
            for doc_id, term_id, key in c.execute(sql, args).fetchall():
                g = group_id(check, doc_id, term_id, key)
                if g.startswith(ref) and g not in found:
                    found[g] = Decision(g, doc_id, check, term_id, key)
            stored = c.execute(f"SELECT {_DCOLS} FROM decisions WHERE id LIKE ? ESCAPE '\\'",
                               (prefix_pattern(ref),)).fetchall()  # fmt: skip
        for r in stored:
            found[r[0]] = _decision(r)
        if ref in found:
            return found[ref]
        if not found:
            raise NotFoundError(f"group {ref} does not exist (run `workbench check --grouped` to list them)")
        if len(found) > 1:
            raise WorkbenchError(f"group id {ref} is ambiguous ({', '.join(sorted(found)[:2])}, …)")
        return next(iter(found.values()))

    def occurrences(self, decision: Decision, *, present: bool | None = True) -> list[Finding]:
        """The findings of a decision's group (present ones by default)."""
        return self.store.findings.of_group(decision.check, decision.doc_id, decision.term_id, decision.group,
                                            present=present)  # fmt: skip

    # ------------------------------------------------------------------------------ tag

    def tag(self, ref: str, status: str, user: str, comment: str | None = None, *, expected_rev: int | None = None,
            expected_revs: dict[str, int] | None = None) -> tuple[Decision, list[Finding]]:  # fmt: skip
        """Tag a decision: its status goes to every present occurrence, in one transaction.

        The roles are those of tagging the findings one by one (accepting, or taking an accepted
        one back, needs the reviewer role; checked inside the transaction). ``expected_rev`` is the
        decision's revision the editor saw (0: never tagged) and ``expected_revs`` the occurrences'
        (finding id -> revision): a stale one refuses the whole tag, naming who tagged it.
        """
        if status not in STATUSES:
            raise WorkbenchError(f"status must be one of {', '.join(STATUSES)} (got {status!r})")
        comment = (comment or "").strip() or None
        if status == "accepted" and not comment:
            raise WorkbenchError("accepting a decision as an exception needs a comment saying why")
        d = self.resolve(ref)
        ts = now()
        with self.store.transaction() as c:
            self.store.authorize(user, "review" if status == "accepted" else "tag", c)
            r = c.execute(f"SELECT {_DCOLS} FROM decisions WHERE id = ?", (d.group,)).fetchone()
            before = _decision(r) if r else None
            rev = before.rev if before else 0
            if expected_rev is not None and rev != expected_rev:
                by = f" by {before.user} at {str(before.at)[:19].replace('T', ' ')} UTC" if before and before.user else ""
                raise ConflictError(
                    f"decision {d.group} was tagged {before.status if before else 'open'}{by} since you loaded it"
                    f" (revision {rev}, yours {expected_rev}); reload and decide again — nothing was saved"
                )
            if before is not None and before.status == "accepted" and status != "accepted":
                self.store.authorize(user, "review", c)  # taking an accepted decision back is a review too
            occ = self.occurrences(d)
            ids = [f.id for f in occ if f.status != status or (f.comment or None) != comment]
            if ids:
                self.store.findings.tag(ids, status, user, comment, expected_revs=expected_revs)
            last = c.execute("SELECT max(id) FROM history").fetchone()[0]
            since = int(last or 0)
            c.execute(
                f"INSERT INTO decisions ({_DCOLS}) VALUES (?,?,?,?,?,?,?,?,?,?,1) ON CONFLICT (id) DO UPDATE SET"
                ' status = excluded.status, comment = excluded.comment, "user" = excluded."user", at = excluded.at,'
                " since = excluded.since, rev = decisions.rev + 1",
                (d.group, d.doc_id, d.check, d.term_id, d.form, status, comment, user, ts, since),
            )  # fmt: skip
            self.store.db.log(
                c, user, "decision", d.group, d.doc_id, "tag",
                {"status": before.status if before else "open", "comment": before.comment if before else None,
                 "user": before.user if before else None},
                {"status": status, "comment": comment, "user": user, "findings": ids, "count": len(occ)},
            )  # fmt: skip
        got = self.get(d.group)
        assert got is not None
        return got, self.occurrences(got)

    # ------------------------------------------------------------------------------ batch fixes

    def paragraph_states(self, para_ids: Iterable[str], *, who: bool = True) -> dict[str, dict[str, Any]]:
        """``doc_id``, ``side``, ``pos``, ``rev`` of paragraphs, and (``who``) who last changed each
        (" by NAME at TIME", or ""): what a refused batch fix names."""
        ids = list(dict.fromkeys(para_ids))
        if not ids:
            return {}
        with self.store.reading() as c:
            rows = c.execute(f"SELECT id, doc_id, side, pos, rev FROM paragraphs WHERE id IN {self._in}",
                             (json.dumps(ids),)).fetchall()  # fmt: skip
            out = {}
            for r in rows:
                out[r[0]] = {"doc_id": r[1], "side": r[2], "pos": r[3], "rev": r[4],
                             "who": self.store.db.changed_by(c, "paragraph", r[0]) if who else ""}  # fmt: skip
        return out

    def record_fix(self, fix_id: str, group: str, doc_id: int, user: str, find: str, replace_with: str,
                   payload: dict[str, Any]) -> None:  # fmt: skip
        """Keep a batch fix (inside the fix's own transaction) so that it can be undone as one."""
        with self.store.transaction() as c:
            self.store.authorize(user, "edit", c)
            c.execute('INSERT INTO fixes (id, group_id, doc_id, "user", at, find, replace_with, payload) VALUES (?,?,?,?,?,?,?,?)',
                      (fix_id, group, doc_id, user, now(), find, replace_with, json.dumps(payload, ensure_ascii=False)))  # fmt: skip

    def get_fix(self, ref: str) -> dict[str, Any]:
        """A batch fix by id (or a unique prefix of one)."""
        ref = id_prefix(ref)
        with self.store.reading() as c:
            rows = c.execute('SELECT id, group_id, doc_id, "user", at, find, replace_with, payload, undone FROM fixes'
                             " WHERE id LIKE ? ESCAPE '\\' LIMIT 3",
                             (prefix_pattern(ref),)).fetchall()  # fmt: skip
        exact = [r for r in rows if r[0] == ref]
        if exact:
            rows = exact
        if not rows:
            raise NotFoundError(f"batch fix {ref} does not exist")
        if len(rows) > 1:
            raise WorkbenchError(f"batch fix id {ref} is ambiguous")
        r = rows[0]
        return {"id": r[0], "group": r[1], "doc_id": r[2], "user": r[3], "at": r[4], "find": r[5],
                "replace_with": r[6], "payload": json.loads(r[7]), "undone": r[8]}  # fmt: skip

    def last_fix(self, user: str, *, doc_id: int | None = None, group: str | None = None) -> dict[str, Any] | None:
        """``user``'s latest batch fix not undone (of a document, or of a group), or None."""
        sql, args = 'SELECT id FROM fixes WHERE "user" = ? AND undone IS NULL', [user]
        if doc_id is not None:
            sql += " AND doc_id = ?"
            args.append(doc_id)
        if group is not None:
            sql += " AND group_id = ?"
            args.append(group)
        with self.store.reading() as c:
            r = c.execute(sql + " ORDER BY at DESC, id DESC LIMIT 1", args).fetchone()
        return self.get_fix(r[0]) if r else None

    def mark_fix_undone(self, fix_id: str, user: str) -> None:
        """Mark a fix undone (inside the undo's transaction): it cannot be undone twice."""
        with self.store.transaction() as c:
            self.store.authorize(user, "edit", c)
            cur = c.execute("UPDATE fixes SET undone = ? WHERE id = ? AND undone IS NULL", (now(), fix_id))
            if not cur.rowcount:
                raise ConflictError(f"batch fix {fix_id} was undone already — nothing was undone")

    # ------------------------------------------------------------------------------ bundles

    def bundle_records(self, doc_id: int | None) -> dict[str, list[dict[str, Any]]]:
        """The decisions (and, for a document, the batch fixes) of ``doc_id`` — None: the corpus-wide
        decisions — as plain JSON-able dicts for a project bundle (:mod:`workbench.export.bundle`).

        A decision carries its group's parts (check, term, form), not only the group id: the id is
        made from the document and term ids, which an import renumbers."""
        sql = f"SELECT {_DCOLS} FROM decisions WHERE " + ("doc_id IS NULL" if doc_id is None else "doc_id = ?")
        with self.store.reading() as c:
            rows = c.execute(sql + " ORDER BY id", () if doc_id is None else (doc_id,)).fetchall()
            fixes = [] if doc_id is None else c.execute(
                'SELECT id, group_id, "user", at, find, replace_with, payload, undone FROM fixes WHERE doc_id = ?'
                " ORDER BY at, id", (doc_id,)).fetchall()  # fmt: skip
        decisions = [
            {"group": d.group, "check": d.check, "term_id": d.term_id, "form": d.form, "status": d.status,
             "comment": d.comment, "user": d.user, "at": d.at, "rev": d.rev}
            for d in map(_decision, rows)
        ]  # fmt: skip
        return {
            "decisions": decisions,
            "fixes": [{"id": r[0], "group": r[1], "user": r[2], "at": r[3], "find": r[4], "replace_with": r[5],
                       "payload": json.loads(r[6]), "undone": r[7]} for r in fixes],  # fmt: skip
        }

    def restore(self, decisions: Iterable[dict[str, Any]], fixes: Iterable[dict[str, Any]], *, doc_id: int | None,
                paragraphs: Mapping[str, str], terms: Mapping[int, int], user: str) -> tuple[int, int]:  # fmt: skip
        """Re-create a bundle's decisions and batch fixes (inside the import's transaction), with the
        new document, term and paragraph ids; returns (decisions, fixes) restored.

        A group id is made again from the new ids. A decision applies to the text as imported (its
        ``since`` is the import's last history row), the same text as when the bundle was written.
        A decision the project already holds (a corpus-wide one imported twice) is kept as it is.
        A fix keeps its record, so its author can still undo it as one while its paragraphs stay at
        the revisions the fix left them at (revisions are kept by an import)."""
        n_dec = n_fix = 0
        with self.store.transaction() as c:
            self.store.authorize(user, "bundle", c)
            since = int(c.execute("SELECT max(id) FROM history").fetchone()[0] or 0)
            groups: dict[str, str] = {}
            for d in decisions:
                tid = d.get("term_id")
                new_tid = None if tid is None else terms.get(int(tid), int(tid))
                g = group_id(d["check"], doc_id, new_tid, d.get("form") or "")
                groups[d["group"]] = g
                cur = c.execute(
                    f"INSERT INTO decisions ({_DCOLS}) VALUES (?,?,?,?,?,?,?,?,?,?,?) ON CONFLICT (id) DO NOTHING",
                    (g, doc_id, d["check"], new_tid, d.get("form") or "", d.get("status") or "open", d.get("comment"),
                     d.get("user") or user, d.get("at") or now(), since, int(d.get("rev") or 1)),
                )  # fmt: skip
                n_dec += cur.rowcount or 0
            for f in fixes if doc_id is not None else ():
                m = _GROUP.match(f["group"])
                g = groups.get(f["group"])
                if g is None and m is not None:
                    term = m["term"]
                    new_tid = None if term is None else terms.get(int(term), int(term))
                    g = group_id(m["check"], doc_id, new_tid, f.get("find") or "")
                payload = dict(f.get("payload") or {})
                payload["paragraphs"] = [{**p, "id": paragraphs.get(p["id"], p["id"])}
                                         for p in payload.get("paragraphs") or []]  # fmt: skip
                fid = f["id"]
                if c.execute("SELECT 1 FROM fixes WHERE id = ?", (fid,)).fetchone() is not None:
                    import uuid

                    fid = uuid.uuid4().hex[:12]  # the same bundle imported twice
                c.execute(
                    'INSERT INTO fixes (id, group_id, doc_id, "user", at, find, replace_with, payload, undone)'
                    " VALUES (?,?,?,?,?,?,?,?,?)",
                    (fid, g or f["group"], doc_id, f.get("user") or user, f.get("at") or now(), f.get("find") or "",
                     f.get("replace_with") or "", json.dumps(payload, ensure_ascii=False), f.get("undone")),
                )  # fmt: skip
                n_fix += 1
        return n_dec, n_fix
