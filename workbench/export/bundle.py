"""The project bundle: one JSON file that re-imports into an empty database without loss.

Format (versioned; a reader refuses versions newer than it knows)::

    {"format": "workbench-bundle", "version": 1, "exported": "...", "tool": "workbench 0.1.0",
     "terms": [Term.to_dict(), ...],
     "documents": [{"id", "title", "metadata", "created", "updated", "alignment_rev",
                    "source": {"lang", "paragraphs": [{"id", "text", "marks", "label", "label_value", "rev"}]},
                    "target": {...} | null,
                    "links": [{"id", "source", "target", "score", "status", "rev", "sentences"}],
                    "annotations": [Annotation.to_dict(), ...],
                    "findings": [{..., "tags": [...]}, ...],
                    "decisions": [{"group", "check", "term_id", "form", "status", "comment", "user", "at", "rev"}],
                    "fixes": [{"id", "group", "user", "at", "find", "replace_with", "payload", "undone"}]}, ...],
     "decisions": [...]}        # the corpus-wide decisions (no document)

``decisions`` (an editor's tag on a group of findings) and ``fixes`` (batch fixes, kept so that
their author can undo one as a whole) are optional: a bundle written before they existed still
reads, and its findings keep their own tags. So are a document's ``reviews`` (``{"link", "status",
"user", "at", "paras", "rev"}``: the desk's review status per link) and ``comments`` (``{"id",
"link", "parent", "user", "at", "text", "quote", "side", "para", "resolved_by", "resolved_at",
"rev"}``, threads before their replies).

Documents are written one at a time, so the bundle never exists twice in memory. Import runs in
one transaction (all or nothing) through the store's own calls: paragraph and link ids are kept
(fresh ones are made only when the database already holds them, e.g. a second import of the same
bundle), and document, term, annotation and finding ids are remapped consistently.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from workbench import __version__
from workbench.atomic import atomic_path
from workbench.errors import InputError, NotFoundError, WorkbenchError
from workbench.model import Document, Link, Mark, Paragraph, Text, new_id

if TYPE_CHECKING:
    from workbench.store import Store

FORMAT = "workbench-bundle"
VERSION = 1

Progress = Callable[[float, str], None]


@dataclass
class BundleStats:
    documents: int = 0
    paragraphs: int = 0
    links: int = 0
    terms: int = 0
    annotations: int = 0
    findings: int = 0
    decisions: int = 0
    fixes: int = 0

    def summary(self) -> str:
        return (f"{self.documents} document(s), {self.paragraphs} paragraphs, {self.links} links, {self.terms} terms,"
                f" {self.annotations} annotations, {self.findings} findings"
                + (f", {self.decisions} decisions" if self.decisions else "")
                + (f", {self.fixes} batch fixes" if self.fixes else ""))


@dataclass
class ImportReport(BundleStats):
    doc_ids: dict[int, int] = field(default_factory=dict)  # bundle id -> new id
    terms_reused: int = 0
    ids_renewed: int = 0  # documents whose paragraph/link ids were already taken
    warnings: list[str] = field(default_factory=list)

    def summary(self) -> str:
        s = "imported " + BundleStats.summary(self)
        if self.terms_reused:
            s += f"; {self.terms_reused} term(s) already in the termbase were reused"
        if self.ids_renewed:
            s += f"; {self.ids_renewed} document(s) got fresh paragraph ids (already present)"
        ids = ", ".join(f"#{new}" for new in self.doc_ids.values())
        return s + (f"; new document ids: {ids}" if ids else "")

    def as_dict(self) -> dict[str, Any]:
        return {
            "documents": self.documents, "paragraphs": self.paragraphs, "links": self.links, "terms": self.terms,
            "annotations": self.annotations, "findings": self.findings, "terms_reused": self.terms_reused,
            "ids_renewed": self.ids_renewed, "doc_ids": {str(k): v for k, v in self.doc_ids.items()},
            "decisions": self.decisions, "fixes": self.fixes,
            "warnings": self.warnings,
        }


# ---------------------------------------------------------------------------------------------
# Export


def _side(t: Text | None) -> dict[str, Any] | None:
    if t is None:
        return None
    return {
        "lang": t.lang,
        "paragraphs": [
            {"id": p.id, "text": p.text, "marks": [m.to_dict() for m in p.marks], "label": p.label,
             "label_value": p.label_value, "rev": p.rev}
            for p in t.paragraphs
        ],
    }


def _link(lk: Link) -> dict[str, Any]:
    return {"id": lk.id, "source": lk.source, "target": lk.target, "score": lk.score, "status": lk.status,
            "rev": lk.rev, "sentences": lk.sentences}


def findings_of(store: Store, doc_id: int | None) -> list[dict[str, Any]]:
    """Findings (with their tags) as plain JSON-able dicts, serialised by the checks area itself.

    Contract with ``store.findings``: ``list(doc_id=None)`` returns findings whose ``to_dict()``
    holds everything needed to restore them (tags included, as a ``"tags"`` list).
    """
    return [f.to_dict() for f in store.findings.list(doc_id=doc_id)]


def document_record(store: Store, doc_id: int) -> dict[str, Any]:
    doc = store.get_document(doc_id)
    rec: dict[str, Any] = {
        "id": doc.id, "title": doc.title, "metadata": doc.metadata, "created": doc.created, "updated": doc.updated,
        "alignment_rev": doc.alignment_rev, "source": _side(doc.source), "target": _side(doc.target),
        "links": [_link(lk) for lk in store.get_links(doc_id)],
    }
    rec["annotations"] = [a.to_dict() for a in store.terms.annotations(doc_id=doc_id, reanchor_spans=False)]
    rec["findings"] = findings_of(store, doc_id)
    rec.update(store.decisions.bundle_records(doc_id))  # "decisions", "fixes"
    rec["reviews"] = store.reviews.bundle_records(doc_id)
    rec["comments"] = store.comments.bundle_records(doc_id)
    return rec


def write_bundle(
    store: Store, path: str | Path, doc_ids: list[int] | None = None, progress: Progress | None = None
) -> BundleStats:
    """Write the selected documents (default: all) and the whole termbase to ``path``."""
    ids = doc_ids or [d.id for d in store.list_documents()]
    terms = [t.to_dict() for t in store.terms.list_terms(order="id")]
    if not ids and not terms:
        raise WorkbenchError("the project is empty: no documents and no terms to put in a bundle")
    stats = BundleStats(terms=len(terms))
    dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
    with atomic_path(path) as tmp, open(tmp, "w", encoding="utf-8", newline="\n") as fh:
        head = {"format": FORMAT, "version": VERSION, "exported": datetime.now(UTC).isoformat(timespec="seconds"),
                "tool": f"workbench {__version__}"}
        fh.write(dumps(head)[:-1])
        fh.write(',\n"terms":[')
        for i, t in enumerate(terms):
            fh.write(("," if i else "") + "\n" + dumps(t))
        fh.write('\n],\n"documents":[')
        for i, doc_id in enumerate(ids):
            rec = document_record(store, doc_id)
            fh.write(("," if i else "") + "\n" + dumps(rec))
            stats.documents += 1
            stats.paragraphs += sum(len(rec[s]["paragraphs"]) for s in ("source", "target") if rec[s])
            stats.links += len(rec["links"])
            stats.annotations += len(rec["annotations"])
            stats.findings += len(rec["findings"])
            stats.decisions += len(rec["decisions"])
            stats.fixes += len(rec["fixes"])
            if progress:
                progress((i + 1) / len(ids), f"document {i + 1} of {len(ids)}")
        corpus = store.decisions.bundle_records(None)["decisions"]
        stats.decisions += len(corpus)
        fh.write('\n],\n"decisions":[')
        for i, d in enumerate(corpus):
            fh.write(("," if i else "") + "\n" + dumps(d))
        fh.write("\n]}\n")
    return stats


# ---------------------------------------------------------------------------------------------
# Import


#: Bundles are whole projects, so their limit is higher than a single document's (``--max-mb``).
DEFAULT_MAX_BUNDLE_BYTES = 200 * 1024 * 1024
BUNDLE_HINT = "import-bundle --max-mb raises it"


def read_bundle(path: str | Path, *, max_bytes: int | None = None) -> dict[str, Any]:
    """The bundle's JSON, checked whole against the schema (:mod:`workbench.validate`) before
    anything is imported: the first problem is refused with its path in the file."""
    from workbench.io.encoding import read_limited
    from workbench.io.readers import load_json
    from workbench.validate import SchemaError, validate_bundle

    p = Path(path)
    raw = read_limited(p, DEFAULT_MAX_BUNDLE_BYTES if max_bytes is None else max_bytes, hint=BUNDLE_HINT)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(p, f"not a JSON bundle (not UTF-8: byte {exc.start})") from None
    del raw
    data = load_json(text, p, "a JSON bundle")
    try:
        validate_bundle(data, format_name=FORMAT, version=VERSION)
    except SchemaError as exc:
        if exc.path == "format" or (exc.path == "" and not isinstance(data, dict)):
            raise InputError(p, f"not a workbench bundle (expected \"format\": \"{FORMAT}\")") from None
        raise InputError(p, f"{exc}; nothing was imported") from None
    return data


def _text_from(d: dict[str, Any] | None, where: str) -> Text | None:
    if d is None:
        return None
    try:
        paras = [
            Paragraph(
                text=str(p["text"]),
                marks=[Mark.from_dict(m) for m in p.get("marks") or []],
                label=p.get("label"),
                label_value=p.get("label_value"),
                id=str(p["id"]),
                rev=int(p.get("rev") or 1),
            )
            for p in d["paragraphs"]
        ]
        return Text(str(d.get("lang") or "und"), paras)
    except (KeyError, TypeError, ValueError) as exc:
        raise WorkbenchError(f"{where}: a paragraph is malformed ({exc!r})") from exc


def _taken(store: Store, para_ids: list[str], link_ids: set[str], existing_links: set[str]) -> bool:
    if link_ids & existing_links:
        return True
    for pid in para_ids:
        try:
            store.get_paragraph(pid)
        except NotFoundError:
            continue
        return True
    return False


def import_bundle(store: Store, path: str | Path, user: str = "import", *, max_bytes: int | None = None) -> ImportReport:
    """Import every term and document of a bundle, in one transaction (run again, from the start,
    when PostgreSQL aborts it as a serialization failure)."""
    from workbench.store.db import retry_call

    data = read_bundle(path, max_bytes=max_bytes)
    return retry_call(store, lambda: _import_data(store, path, data, user))


def _import_data(store: Store, path: str | Path, data: dict[str, Any], user: str) -> ImportReport:
    report = ImportReport()
    trepo, frepo = store.terms, store.findings
    with store.transaction() as c:
        store.authorize(user, "bundle", c)
        term_map = _import_terms(store, trepo, data.get("terms") or [], report, user)
        existing_links = {lk.id for d in store.list_documents() for lk in store.get_links(d.id)}
        for n, rec in enumerate(data.get("documents") or [], 1):
            where = f"{Path(path).name}: document {n} ({rec.get('title', '?') if isinstance(rec, dict) else '?'})"
            if not isinstance(rec, dict) or not isinstance(rec.get("title"), str):
                raise WorkbenchError(f"{where}: missing title")
            _import_document(store, trepo, frepo, rec, term_map, existing_links, report, user, where)
        if data.get("decisions"):
            n, _ = store.decisions.restore(data["decisions"], [], doc_id=None, paragraphs={}, terms=term_map, user=user)
            report.decisions += n
    return report


def _import_terms(store: Store, trepo: Any, terms: list[dict[str, Any]], report: ImportReport, user: str) -> dict[int, int]:
    if not terms:
        return {}
    from workbench.terms.model import Term
    from workbench.terms.normalize import en_form_key, he_form_key

    existing = {(he_form_key(t.source), en_form_key(t.preferred)): t.id for t in trepo.list_terms()}
    out: dict[int, int] = {}
    for d in terms:
        t = Term.from_dict(d)
        old = t.id
        key = (he_form_key(t.source), en_form_key(t.preferred))
        if key in existing:
            new = existing[key]
            report.terms_reused += 1
        else:
            t.id = None
            new = trepo.add(t, user).id
            existing[key] = new
            report.terms += 1
        if old is not None:
            out[int(old)] = int(new)
    return out


def _import_document(
    store: Store, trepo: Any, frepo: Any, rec: dict[str, Any], term_map: dict[int, int],
    existing_links: set[str], report: ImportReport, user: str, where: str,
) -> None:
    source, target = _text_from(rec.get("source"), where), _text_from(rec.get("target"), where)
    links_raw = rec.get("links") or []
    try:
        links = [
            Link(source=[str(x) for x in lk["source"]], target=[str(x) for x in lk["target"]],
                 score=float(lk.get("score") or 0), status=lk.get("status") or "auto", id=str(lk["id"]),
                 rev=int(lk.get("rev") or 1), sentences=lk.get("sentences"))
            for lk in links_raw
        ]
    except (KeyError, TypeError, ValueError) as exc:
        raise WorkbenchError(f"{where}: a link is malformed ({exc!r})") from exc
    paras = [p for t in (source, target) if t for p in t.paragraphs]
    pmap = {p.id: p.id for p in paras}
    lmap = {lk.id: lk.id for lk in links}
    if _taken(store, list(pmap), set(lmap), existing_links):
        report.ids_renewed += 1
        for p in paras:
            pmap[p.id] = p.id = new_id()
        for lk in links:
            lmap[lk.id] = lk.id = new_id()
            lk.source = [pmap.get(i, i) for i in lk.source]
            lk.target = [pmap.get(i, i) for i in lk.target]
    existing_links.update(lk.id for lk in links)
    meta = dict(rec.get("metadata") or {})
    doc = Document(rec["title"], source, target, metadata=meta)
    doc_id = store.create_document(doc, user)
    if rec.get("id") is not None:
        report.doc_ids[int(rec["id"])] = doc_id
    if links:
        store.save_links(doc_id, links, store.alignment_rev(doc_id), user)
    report.documents += 1
    report.paragraphs += len(paras)
    report.links += len(links)
    anns = rec.get("annotations") or []
    if anns:
        from workbench.terms.model import Annotation

        objs = []
        for a in anns:
            d = dict(a)
            d.update(doc_id=doc_id, para_id=pmap.get(d["para_id"], d["para_id"]), id=None)
            if d.get("term_id") is not None:
                d["term_id"] = term_map.get(int(d["term_id"]))
            objs.append(Annotation(**{k: v for k, v in d.items() if k in Annotation.__dataclass_fields__}))
        added = trepo.add_annotations(objs, user)
        report.annotations += len(added)
        if len(added) != len(objs):
            report.warnings.append(f"{where}: {len(objs) - len(added)} duplicate annotation(s) skipped")
    findings = rec.get("findings") or []
    if findings:
        report.findings += restore_findings(frepo, findings, doc_id, pmap, lmap, term_map, user)
    if rec.get("decisions") or rec.get("fixes"):
        n_dec, n_fix = store.decisions.restore(rec.get("decisions") or [], rec.get("fixes") or [], doc_id=doc_id,
                                               paragraphs=pmap, terms=term_map, user=user)  # fmt: skip
        report.decisions += n_dec
        report.fixes += n_fix
    if rec.get("reviews"):
        store.reviews.restore(rec["reviews"], doc_id=doc_id, paragraphs=pmap, links=lmap, user=user)
    if rec.get("comments"):
        store.comments.restore(rec["comments"], doc_id=doc_id, paragraphs=pmap, links=lmap, user=user)


def restore_findings(
    frepo: Any, findings: list[dict[str, Any]], doc_id: int, pmap: dict[str, str], lmap: dict[str, str],
    term_map: dict[int, int], user: str,
) -> int:
    """Re-create findings and their tags through ``store.findings.restore`` (the checks area knows
    which of its fields name paragraphs, links and terms; it gets the id maps to rewrite them)."""
    return int(frepo.restore(findings, doc_id=doc_id, ids={"paragraphs": pmap, "links": lmap, "terms": term_map}, user=user))
