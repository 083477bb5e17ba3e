"""One schema for what the workbench reads back from its own files: project bundles and termbases.

A bundle is imported through the store's own calls, and those trust their arguments (a string is
iterated letter by letter where a list was meant, ``None`` becomes the word "None", a duplicate id
replaces a row, an ``INSERT OR IGNORE`` drops a finding whose severity the table's CHECK refuses).
So the whole file is checked here first, before one row is written: types, required keys,
enumerations, id uniqueness and references that must resolve. The first problem is reported with
its path in the file (``documents[0].links[1].id: duplicate of links[0]``) and nothing is imported.

The checks are hand-written rather than a JSON Schema: uniqueness and cross references (a link's
paragraphs, a finding's term) are most of what matters, and JSON Schema cannot say them.
"""

from __future__ import annotations

import math
from typing import Any

from workbench.errors import WorkbenchError
from workbench.model import REVIEW_STATUSES

LINK_STATUSES = ("auto", "confirmed")
MARK_KINDS = ("italic", "bold", "footnote")
SIDES = ("source", "target")
ANNOTATION_STATES = ("ok", "moved", "lost")


class SchemaError(WorkbenchError):
    """The first problem found, with its path: ``documents[0].links[1].id: duplicate of links[0]``."""

    def __init__(self, path: str, problem: str) -> None:
        self.path = path
        self.problem = problem
        super().__init__(f"{path}: {problem}" if path else problem)


def _kind(v: Any) -> str:
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "a boolean"
    if isinstance(v, int | float):
        return "a number"
    if isinstance(v, str):
        return "a string"
    if isinstance(v, list):
        return "a list"
    if isinstance(v, dict):
        return "an object"
    return type(v).__name__


class _Obj:
    """Typed access to one JSON object, each failure raising :class:`SchemaError` with its path."""

    def __init__(self, value: Any, path: str) -> None:
        if not isinstance(value, dict):
            raise SchemaError(path, f"expected an object, got {_kind(value)}")
        self.d = value
        self.path = path

    def at(self, key: str) -> str:
        return f"{self.path}.{key}" if self.path else key

    def _get(self, key: str, required: bool) -> tuple[bool, Any]:
        if key not in self.d:
            if required:
                raise SchemaError(self.at(key), "missing")
            return False, None
        return True, self.d[key]

    def str(self, key: str, *, required: bool = False, null: bool = True, empty: bool = True,
            choices: tuple[str, ...] | None = None) -> str | None:
        present, v = self._get(key, required)
        if not present or (v is None and null and not required):
            return None
        if not isinstance(v, str):
            raise SchemaError(self.at(key), f"expected a string, got {_kind(v)}")
        if not empty and not v.strip():
            raise SchemaError(self.at(key), "is empty")
        if choices is not None and v not in choices:
            raise SchemaError(self.at(key), f"{v!r} is not one of {', '.join(choices)}")
        return v

    def int(self, key: str, *, required: bool = False, minimum: int | None = None) -> int | None:
        present, v = self._get(key, required)
        if not present or (v is None and not required):
            return None
        if isinstance(v, bool) or not isinstance(v, int):
            raise SchemaError(self.at(key), f"expected a whole number, got {_kind(v)}")
        if minimum is not None and v < minimum:
            raise SchemaError(self.at(key), f"must be at least {minimum}, got {v}")
        return v

    def num(self, key: str) -> None:
        present, v = self._get(key, False)
        if not present or v is None:
            return
        if isinstance(v, bool) or not isinstance(v, int | float) or not math.isfinite(v):
            raise SchemaError(self.at(key), f"expected a number, got {_kind(v)}")

    def bool(self, key: str) -> None:
        present, v = self._get(key, False)
        if present and v is not None and not isinstance(v, bool):
            raise SchemaError(self.at(key), f"expected true or false, got {_kind(v)}")

    def list(self, key: str, *, required: bool = False) -> list[Any]:
        present, v = self._get(key, required)
        if not present or (v is None and not required):
            return []
        if not isinstance(v, list):
            raise SchemaError(self.at(key), f"expected a list, got {_kind(v)}")
        return v

    def strs(self, key: str, *, required: bool = False) -> list[str]:
        items = self.list(key, required=required)
        for i, v in enumerate(items):
            if not isinstance(v, str):
                raise SchemaError(f"{self.at(key)}[{i}]", f"expected a string, got {_kind(v)}")
        return items

    def ints(self, key: str) -> list[int]:
        items = self.list(key)
        for i, v in enumerate(items):
            if isinstance(v, bool) or not isinstance(v, int):
                raise SchemaError(f"{self.at(key)}[{i}]", f"expected a whole number, got {_kind(v)}")
        return items

    def obj(self, key: str, *, required: bool = False) -> dict[str, Any] | None:
        present, v = self._get(key, required)
        if not present or (v is None and not required):
            return None
        if not isinstance(v, dict):
            raise SchemaError(self.at(key), f"expected an object, got {_kind(v)}")
        return v


def _unique(seen: dict[Any, str], value: Any, path: str, where: str) -> None:
    if value in seen:
        raise SchemaError(path, f"duplicate of {seen[value]}")
    seen[value] = where


# ------------------------------------------------------------------------------------------ terms


def validate_term(value: Any, path: str) -> int | None:
    """One termbase entry (``Term.to_dict()``); returns its id (None when it has none)."""
    from workbench.terms.model import CASE_RULES, TERM_KINDS, TERM_STATUSES, VARIANT_POLICIES

    t = _Obj(value, path)
    t.str("source")
    preferred = t.str("preferred") or t.str("rendering")
    if not preferred or not preferred.strip():
        raise SchemaError(t.at("preferred"), "missing or empty (every term needs a preferred rendering)")
    t.str("kind", choices=TERM_KINDS)
    t.str("status", choices=TERM_STATUSES)
    t.str("case", choices=CASE_RULES)
    t.str("variant_policy", choices=VARIANT_POLICIES)
    for key in ("variants", "forbidden", "source_variants", "not_term"):
        t.strs(key)
    for key in ("gloss", "note", "source_pointed", "source_lang", "created", "updated"):
        t.str(key)
    t.bool("gloss_first")
    t.bool("ambiguous")
    t.int("rev", minimum=1)
    return t.int("id")


def validate_terms(items: Any, path: str = "terms") -> set[int]:
    """A list of termbase entries with unique ids; returns the ids (what findings may name)."""
    if not isinstance(items, list):
        raise SchemaError(path, f"expected a list, got {_kind(items)}")
    seen: dict[Any, str] = {}
    for i, item in enumerate(items):
        tid = validate_term(item, f"{path}[{i}]")
        if tid is not None:
            _unique(seen, tid, f"{path}[{i}].id", f"{path}[{i}]")
    return set(seen)


# ---------------------------------------------------------------------------------------- bundles


def _side(value: Any, path: str, para_ids: dict[str, str], sides: dict[str, str]) -> None:
    t = _Obj(value, path)
    t.str("lang")
    for i, raw in enumerate(t.list("paragraphs", required=True)):
        where = f"{path}.paragraphs[{i}]"
        p = _Obj(raw, where)
        pid = p.str("id", required=True, empty=False)
        text = p.str("text", required=True, null=False)
        assert pid is not None and text is not None
        if pid in para_ids:
            raise SchemaError(f"{where}.id", f"duplicate of {para_ids[pid]}")
        para_ids[pid] = where.split(".", 1)[1] if "." in where else where
        sides[pid] = path.rsplit(".", 1)[-1]
        p.str("label")
        p.int("label_value")
        p.int("rev", minimum=1)
        for k, m in enumerate(p.list("marks")):
            mo = _Obj(m, f"{where}.marks[{k}]")
            start = mo.int("start", required=True, minimum=0)
            end = mo.int("end", required=True, minimum=0)
            mo.str("kind", required=True, choices=MARK_KINDS)
            mo.str("value")
            assert start is not None and end is not None
            if not start <= end <= len(text):
                raise SchemaError(f"{where}.marks[{k}]", f"span {start}-{end} lies outside the text ({len(text)} characters)")


def _links(d: _Obj, para_ids: dict[str, str], sides: dict[str, str]) -> set[str]:
    """Links with unique ids, naming paragraphs of their side, each paragraph once, in order, all
    of them (the rule the store itself enforces, checked here so the message can say where)."""
    seen: dict[Any, str] = {}
    used: dict[str, str] = {}
    order = {pid: n for n, pid in enumerate(para_ids)}
    last = {"source": -1, "target": -1}
    links = d.list("links")
    for i, raw in enumerate(links):
        where = f"{d.path}.links[{i}]"
        lk = _Obj(raw, where)
        lid = lk.str("id", required=True, empty=False)
        _unique(seen, lid, f"{where}.id", f"links[{i}]")
        src, tgt = lk.strs("source", required=True), lk.strs("target", required=True)
        if not src and not tgt:
            raise SchemaError(where, "links no paragraph on either side")
        for side, ids in (("source", src), ("target", tgt)):
            for k, pid in enumerate(ids):
                at = f"{where}.{side}[{k}]"
                if pid not in para_ids:
                    raise SchemaError(at, f"paragraph {pid!r} does not exist in this document")
                if sides[pid] != side:
                    raise SchemaError(at, f"paragraph {pid!r} is a {sides[pid]} paragraph")
                if pid in used:
                    raise SchemaError(at, f"paragraph {pid!r} is already in {used[pid]}")
                used[pid] = f"links[{i}]"
                if order[pid] <= last[side]:
                    raise SchemaError(at, f"paragraph {pid!r} breaks the order of the {side} paragraphs")
                last[side] = order[pid]
        lk.num("score")
        lk.str("status", choices=LINK_STATUSES)
        lk.int("rev", minimum=1)
        for k, s in enumerate(lk.list("sentences")):
            _Obj(s, f"{where}.sentences[{k}]")
    if links and len(used) != len(para_ids):
        pid = next(p for p in para_ids if p not in used)
        raise SchemaError(f"{d.path}.links", f"paragraph {pid!r} ({para_ids[pid]}) is in no link; every paragraph needs one")
    return set(seen)


def _annotations(d: _Obj, para_ids: dict[str, str], term_ids: set[int]) -> None:
    for i, raw in enumerate(d.list("annotations")):
        where = f"{d.path}.annotations[{i}]"
        a = _Obj(raw, where)
        pid = a.str("para_id", required=True, empty=False)
        if pid not in para_ids:
            raise SchemaError(f"{where}.para_id", f"paragraph {pid!r} does not exist in this document")
        a.int("start", required=True, minimum=0)
        a.int("end", required=True, minimum=0)
        a.str("surface", required=True, null=False)
        tid = a.int("term_id")
        if tid is not None and tid not in term_ids:
            raise SchemaError(f"{where}.term_id", f"term {tid} is not among the bundle's terms")
        for key in ("kind", "before", "after", "note", "created", "updated"):
            a.str(key)
        a.str("side", choices=SIDES)
        a.str("state", choices=ANNOTATION_STATES)
        a.int("rev", minimum=1)
        a.int("id")
        a.int("doc_id")


def _findings(d: _Obj, para_ids: dict[str, str], link_ids: set[str], term_ids: set[int]) -> None:
    from workbench.checks.base import SEVERITIES, STATUSES

    for i, raw in enumerate(d.list("findings")):
        where = f"{d.path}.findings[{i}]"
        f = _Obj(raw, where)
        f.str("id", required=True, empty=False)
        f.str("check", required=True, empty=False)
        f.str("severity", required=True, choices=SEVERITIES)
        f.str("message", required=True, null=False)
        f.str("status", choices=STATUSES)
        for key in ("start", "end", "doc_id"):
            f.int(key)
        pids = f.strs("para_ids")
        tid = f.int("term_id")
        if tid is not None and tid not in term_ids:
            raise SchemaError(f"{where}.term_id", f"term {tid} is not among the bundle's terms")
        if raw.get("doc_id") is None:
            # A corpus-wide finding names paragraphs of other documents too (they may not be in
            # this bundle); it is restored against this document only.
            pids = []
        for k, pid in enumerate(pids):
            if pid not in para_ids:
                raise SchemaError(f"{where}.para_ids[{k}]", f"paragraph {pid!r} does not exist in this document")
        pid = f.str("para_id")
        if pid and pid not in para_ids and raw.get("doc_id") is not None:
            raise SchemaError(f"{where}.para_id", f"paragraph {pid!r} does not exist in this document")
        lid = f.str("link_id")
        if lid and lid not in link_ids and raw.get("doc_id") is not None:
            raise SchemaError(f"{where}.link_id", f"link {lid!r} does not exist in this document")
        for key in ("side", "excerpt", "anchor", "key", "unit", "digest", "comment", "user", "status_at",
                    "first_seen", "last_seen"):
            f.str(key)
        f.int("occ", minimum=0)
        f.int("rev", minimum=1)
        f.bool("present")
        f.obj("data")
        f.ints("docs")
        for k, tag in enumerate(f.list("tags")):
            t = _Obj(tag, f"{where}.tags[{k}]")
            t.str("status", choices=STATUSES)
            for key in ("at", "user", "comment"):
                t.str(key)
            t.bool("auto")


def _decisions(items: list[Any], path: str, term_ids: set[int]) -> set[str]:
    """Decisions (tags on groups of findings): the parts their group id is made from, a known status,
    a term of the bundle; group ids unique. Returns the group ids (what a fix may name)."""
    from workbench.checks.base import STATUSES

    seen: dict[Any, str] = {}
    for i, raw in enumerate(items):
        where = f"{path}[{i}]"
        d = _Obj(raw, where)
        group = d.str("group", required=True, empty=False)
        _unique(seen, group, f"{where}.group", where.rsplit(".", 1)[-1])
        d.str("check", required=True, empty=False)
        d.str("form", null=False)
        d.str("status", required=True, choices=tuple(STATUSES))
        tid = d.int("term_id")
        if tid is not None and tid not in term_ids:
            raise SchemaError(f"{where}.term_id", f"term {tid} is not among the bundle's terms")
        for key in ("comment", "user", "at"):
            d.str(key)
        d.int("rev", minimum=1)
    return set(seen)


def _fixes(d: _Obj, para_ids: dict[str, str]) -> None:
    """Batch fixes: their group, the find/replace texts, and every paragraph they changed (as it was,
    and the revision the fix left it at) being one of this document's."""
    seen: dict[Any, str] = {}
    for i, raw in enumerate(d.list("fixes")):
        where = f"{d.path}.fixes[{i}]"
        f = _Obj(raw, where)
        fid = f.str("id", required=True, empty=False)
        _unique(seen, fid, f"{where}.id", f"fixes[{i}]")
        f.str("group", required=True, empty=False)
        f.str("find", required=True, null=False)
        f.str("replace_with", required=True, null=False)
        for key in ("user", "at", "undone"):
            f.str(key)
        payload = _Obj(f.obj("payload", required=True), f"{where}.payload")
        payload.strs("occurrences")
        for k, rawp in enumerate(payload.list("paragraphs", required=True)):
            at = f"{where}.payload.paragraphs[{k}]"
            pp = _Obj(rawp, at)
            pid = pp.str("id", required=True, empty=False)
            if pid not in para_ids:
                raise SchemaError(f"{at}.id", f"paragraph {pid!r} does not exist in this document")
            pp.str("text", required=True, null=False)
            pp.int("rev_after", required=True, minimum=1)
            pp.str("label")
            pp.int("label_value")
            for m, mark in enumerate(pp.list("marks")):
                mo = _Obj(mark, f"{at}.marks[{m}]")
                mo.int("start", required=True, minimum=0)
                mo.int("end", required=True, minimum=0)
                mo.str("kind", required=True, choices=MARK_KINDS)
                mo.str("value")


def _reviews_and_comments(d: _Obj, para_ids: dict[str, str], link_ids: set[str]) -> None:
    """The desk's review rows and comments: on a link of this document (or, a one-sided document, a
    paragraph of it), a known status, comments with text, a reply's thread written before it."""
    rows = set(link_ids) | (set(para_ids) if not link_ids else set())
    seen: dict[Any, str] = {}
    for i, raw in enumerate(d.list("reviews")):
        where = f"{d.path}.reviews[{i}]"
        r = _Obj(raw, where)
        lid = r.str("link", required=True, empty=False)
        if lid not in rows:
            raise SchemaError(f"{where}.link", f"link {lid!r} does not exist in this document")
        _unique(seen, lid, f"{where}.link", f"reviews[{i}]")
        r.str("status", required=True, choices=REVIEW_STATUSES)
        r.str("user")
        r.str("at")
        r.int("rev", minimum=1)
        for pid, rev in (r.obj("paras") or {}).items():
            if pid not in para_ids:
                raise SchemaError(f"{where}.paras", f"paragraph {pid!r} does not exist in this document")
            if not isinstance(rev, int) or isinstance(rev, bool) or rev < 1:
                raise SchemaError(f"{where}.paras.{pid}", "expected a revision (a whole number from 1)")
    ids: dict[Any, str] = {}
    for i, raw in enumerate(d.list("comments")):
        where = f"{d.path}.comments[{i}]"
        c = _Obj(raw, where)
        cid = c.str("id", required=True, empty=False)
        _unique(ids, cid, f"{where}.id", f"comments[{i}]")
        c.str("link", required=True, empty=False)
        parent = c.str("parent")
        if parent is not None and parent not in ids:
            raise SchemaError(f"{where}.parent", f"comment {parent!r} is not an earlier comment of this document")
        c.str("text", required=True, empty=False)
        for key in ("user", "at", "quote", "resolved_by", "resolved_at"):
            c.str(key)
        c.str("side", choices=SIDES)
        para = c.str("para")
        if para is not None and para not in para_ids:
            raise SchemaError(f"{where}.para", f"paragraph {para!r} does not exist in this document")
        c.int("rev", minimum=1)


def validate_document(value: Any, path: str, term_ids: set[int]) -> int | None:
    d = _Obj(value, path)
    d.str("title", required=True, empty=False)
    d.obj("metadata")
    d.str("created")
    d.str("updated")
    d.int("alignment_rev", minimum=0)
    para_ids: dict[str, str] = {}
    sides: dict[str, str] = {}
    for side in SIDES:
        raw = d.obj(side)
        if raw is not None:
            _side(raw, d.at(side), para_ids, sides)
    link_ids = _links(d, para_ids, sides)
    _annotations(d, para_ids, term_ids)
    _findings(d, para_ids, link_ids, term_ids)
    _decisions(d.list("decisions"), d.at("decisions"), term_ids)
    _fixes(d, para_ids)
    _reviews_and_comments(d, para_ids, link_ids)
    return d.int("id")


def validate_bundle(data: Any, *, format_name: str, version: int) -> None:
    """The whole bundle, or :class:`SchemaError` with the path of its first problem."""
    top = _Obj(data, "")
    if data.get("format") != format_name:
        raise SchemaError("format", f"expected \"{format_name}\" (not a workbench bundle)")
    v = top.int("version", required=True, minimum=1)
    assert v is not None
    if v > version:
        raise SchemaError("version", f"bundle version {v} is newer than this workbench reads ({version}); update the workbench")
    term_ids = validate_terms(top.list("terms"), "terms")
    seen: dict[Any, str] = {}
    for i, doc in enumerate(top.list("documents")):
        did = validate_document(doc, f"documents[{i}]", term_ids)
        if did is not None:
            _unique(seen, did, f"documents[{i}].id", f"documents[{i}]")
    _decisions(top.list("decisions"), "decisions", term_ids)

