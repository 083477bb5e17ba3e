"""Activity: who changed what in a document, and taking one change back.

A service above the store (no Streamlit): the ``workbench history`` / ``workbench revert`` commands
and the Activity page call the same functions, so the list an editor sees and the JSON a script
reads are the same rows, and a revert goes through the same role and revision checks as any edit.

A revert is never a rewrite of history: it applies the inverse of one history row through the
ordinary store write (``update_paragraph``, ``terms.update``, ``findings.tag``…), which checks the
acting account's role and logs a new row by that account. It is refused unless the thing is still
exactly as that row left it, because undoing an old change on top of someone's later edit would
silently throw their edit away; the refusal names who changed it since and when.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from workbench.errors import ConflictError, NotFoundError, WorkbenchError
from workbench.model import Mark
from workbench.textdiff import changed as words_changed

if TYPE_CHECKING:
    from workbench.store import Store

#: the fields of one change in ``workbench history --json`` (a contract) and the extras we add
CONTRACT_FIELDS = ("time", "user", "entity", "id", "action", "before", "after")

#: (entity, action) -> why it cannot be reverted on its own, and what to do instead
NOT_REVERTIBLE: dict[tuple[str, str], str] = {
    ("document", "create"): "an import cannot be reverted here; delete the document on the Library page instead",
    ("document", "delete"): "a deleted document cannot be restored from its history; import it again"
                            " (or a project bundle) instead",
    ("document", "add-source"): "an added side cannot be reverted here; import the document again without it",
    ("document", "add-target"): "an added side cannot be reverted here; import the document again without it",
    ("paragraph", "insert"): "inserting a paragraph changes the alignment too; use Undo on the Alignment page"
                             " or merge the paragraph there",
    ("paragraph", "delete"): "deleting a paragraph changes the alignment too; use Undo on the Alignment page"
                             " or insert the text again there",
    ("link", "create"): "link structure changes (merge, split, move, re-align) cannot be reverted one by one;"
                        " use Undo on the Alignment page or re-link the paragraphs by hand",
    ("link", "delete"): "link structure changes (merge, split, move, re-align) cannot be reverted one by one;"
                        " use Undo on the Alignment page or re-link the paragraphs by hand",
    ("term", "merge"): "a merge of two terms cannot be reverted one by one; edit the kept term and add the"
                       " dropped one again on the Terms page",
    ("annotation", "reanchor"): "re-anchoring follows the edited text automatically; edit the annotation instead",
    ("termbase", "import"): "a termbase import cannot be reverted one by one; revert its term changes one at a time"
                            " or import the earlier file again",
    ("proposal", "reject"): "a rejected proposal cannot be reverted here; add the term on the Terms page instead",
    ("document", "revert-update-source"): "a reverted update cannot be reverted; update the side from the file again",
    ("document", "revert-update-target"): "a reverted update cannot be reverted; update the side from the file again",
}
_ACCOUNT = "account changes cannot be reverted here; change the account with `workbench users` instead"
_LINK_STRUCTURE = NOT_REVERTIBLE[("link", "create")]


def parse_since(text: str) -> str:
    """An ISO date or time as the history stores it (UTC, milliseconds), so it compares as text.

    A time without a zone is taken as UTC, the zone every history time is written in."""
    try:
        when = datetime.fromisoformat(text.strip())
    except (ValueError, AttributeError):
        raise WorkbenchError(
            f"--since {text!r} is not an ISO date or time (e.g. 2024-05-01 or 2024-05-01T14:30)"
        ) from None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return when.astimezone(UTC).isoformat(timespec="milliseconds")


# ---------------------------------------------------------------------------------------- listing

def why_not_revertible(entity: str, action: str, before: Any, after: Any) -> str | None:
    """None when one change of this kind can be reverted on its own, else the one-line reason."""
    if entity == "account":
        return _ACCOUNT
    reason = NOT_REVERTIBLE.get((entity, action))
    if reason:
        return reason
    if (entity, action) == ("link", "update"):
        if not isinstance(before, dict) or not isinstance(after, dict):
            return _LINK_STRUCTURE
        rest = ("source", "target", "sentences")
        if any(before.get(k) != after.get(k) for k in rest) or before.get("status") == after.get("status"):
            return _LINK_STRUCTURE
        return None
    if (entity, action) in {("paragraph", "edit"), ("term", "update"), ("term", "create"), ("term", "delete"),
                            ("annotation", "update"), ("annotation", "create"), ("annotation", "delete"),
                            ("finding", "tag"), ("document", "update"), ("document", "update-source"),
                            ("document", "update-target")}:  # fmt: skip
        return None
    return f"a {action} of a {entity} cannot be reverted here"


def fields_changed(before: dict[str, Any], after: dict[str, Any], skip: tuple[str, ...] = ()) -> list[str]:
    keys = [k for k in dict.fromkeys([*before, *after]) if k not in skip]
    return [k for k in keys if before.get(k) != after.get(k)]


def summary(entity: str, action: str, before: Any, after: Any) -> str:
    """A few words saying what the change did ("3 words changed", "open → fixed")."""
    b = before if isinstance(before, dict) else {}
    a = after if isinstance(after, dict) else {}
    if entity == "paragraph" and action == "edit":
        n = words_changed(b.get("text") or "", a.get("text") or "")
        if n:
            return f"{n} word{'s' if n != 1 else ''} changed"
        return "formatting changed" if b.get("marks") != a.get("marks") else "no visible change"
    if entity == "paragraph" and action in ("insert", "delete"):
        text = (a or b).get("text") or ""
        return f"paragraph {'inserted' if action == 'insert' else 'deleted'}: {_short(text)}"
    if entity == "term":
        name = a.get("rendering") or b.get("rendering") or ""
        if action == "update":
            return f"{name}: {', '.join(fields_changed(b, a, ('rev', 'id'))) or 'nothing'} changed"
        return f"{action} {name}"
    if entity == "annotation":
        name = a.get("surface") or b.get("surface") or ""
        if action in ("update", "reanchor"):
            fields = fields_changed(b, a, ("rev", "updated", "created", "before", "after", "surface"))
            return f"{name}: {', '.join(fields) or 'nothing'} changed"
        return f"{action} {name}"
    if entity == "finding" and action == "tag":
        return f"{b.get('status')} → {a.get('status')}" + (f": {_short(a['comment'])}" if a.get("comment") else "")
    if entity == "document" and action in ("update-source", "update-target"):
        counts = a.get("summary") or {}
        said = ", ".join(f"{n} {k}" for k, n in counts.items() if n and k != "unchanged") or "no change"
        return f"{action[7:]} version {a.get('version')} from {a.get('file') or 'a new file'}: {said}"
    if entity == "document" and action in ("revert-update-source", "revert-update-target"):
        return f"{action[14:]} update {b.get('version')} reverted"
    if entity == "document" and action == "update":
        return " and ".join(k for k in ("title", "metadata") if b.get(k) != a.get(k)) + " changed"
    if entity == "link" and action == "update":
        if why_not_revertible(entity, action, before, after) is None:
            return f"{b.get('status')} → {a.get('status')}"
        return "paragraphs regrouped" if fields_changed(b, a, ("score", "status")) else "score or status changed"
    if entity == "link" and action in ("create", "delete"):
        shape = a or b
        return f"link {action}d ({len(shape.get('source') or [])}-{len(shape.get('target') or [])})"
    if entity == "account":
        return f"{action} {a.get('role') or ''}".strip()
    if entity == "review":  # the desk's review status of a link
        return f"link {a.get('link')}: {b.get('status') or 'draft'} → {a.get('status')}"
    if entity == "comment":
        if action in ("comment", "reply"):
            return f"{action}: {_short(a.get('text') or '')}"
        return "thread resolved" if action == "resolve" else "thread reopened"
    return action


def _short(text: str, n: int = 60) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= n else text[: n - 1] + "…"


def as_change(row: dict[str, Any]) -> dict[str, Any]:
    """One history row in the public shape: the contract fields, then ``change`` (the row id),
    ``doc``, ``summary``, and whether/why not it can be reverted."""
    entity, action, before, after = row["entity"], row["action"], row["before"], row["after"]
    why = why_not_revertible(entity, action, before, after)
    return {
        "time": row["at"], "user": row["user"], "entity": entity, "id": row["entity_id"], "action": action,
        "before": before, "after": after, "change": row["id"], "doc": row["doc_id"],
        "summary": summary(entity, action, before, after), "revertible": why is None, "why_not": why,
    }  # fmt: skip


def changes(
    store: Store, doc_id: int | None, *, user: str | None = None, since: str | None = None,
    entity: str | None = None, action: str | None = None, limit: int = 200, project: bool = False,
) -> list[dict[str, Any]]:
    """Changes of document ``doc_id`` (None: the whole project), newest first, as plain dicts.

    ``since`` is any ISO date or time (see :func:`parse_since`); ``project`` adds the changes that
    belong to no document (termbase entries, accounts) to a document's."""
    if doc_id is not None:
        _check_doc(store, doc_id)
    if limit < 1:
        raise WorkbenchError("--limit must be at least 1")
    rows = store.history(doc_id, limit, entity or None, user=user or None, action=action or None,
                         since=parse_since(since) if since else None, project=project)  # fmt: skip
    return [as_change(r) for r in rows]


def _check_doc(store: Store, doc_id: int) -> None:
    """A document that never existed is a typo; a deleted one still has its history to show."""
    if not any(d.id == doc_id for d in store.list_documents()) and not store.history(doc_id, 1):
        raise NotFoundError(f"document {doc_id} does not exist and has no history")


def get_change(store: Store, change_id: int) -> dict[str, Any]:
    rows = store.history(change_id=int(change_id), limit=1)
    if not rows:
        raise NotFoundError(f"change {change_id} does not exist (see `workbench history DOC`)")
    return as_change(rows[0])


# ---------------------------------------------------------------------------------------- revert

def _since(store: Store, change: dict[str, Any], entity: str | None = None, entity_id: Any = None) -> str:
    """" by NAME at TIME (change N)" of the latest later change of the same thing, or ""."""
    rows = store.history(entity=entity or change["entity"], entity_id=change["id"] if entity_id is None else entity_id,
                         after_change=change["change"], limit=1)  # fmt: skip
    if not rows:
        return ""
    r = rows[0]
    return f" by {r['user']} at {str(r['at'])[:19].replace('T', ' ')} UTC (change {r['id']})"


def _stale(store: Store, change: dict[str, Any], what: str, by: str | None = None) -> ConflictError:
    who = _since(store, change) if by is None else by
    return ConflictError(
        f"cannot revert change {change['change']}: {what} was changed since{who or ' by someone else'};"
        " it is no longer as that change left it — open the latest version and edit it instead (nothing was saved)"
    )


def revert(store: Store, change_id: int, user: str) -> dict[str, Any]:
    """Apply the inverse of history row ``change_id`` as a new change by ``user``.

    Returns ``{"reverted": change_id, "changes": [the new history rows, as :func:`as_change`]}``.
    Raises :class:`ConflictError` when the thing is no longer as the change left it, and
    :class:`WorkbenchError` for kinds of change that cannot be reverted one by one."""
    change = get_change(store, change_id)
    if change["why_not"]:
        raise WorkbenchError(f"cannot revert change {change_id}: {change['why_not']}")
    mark = store.history(limit=1)
    last = mark[0]["id"] if mark else 0
    kind = (change["entity"], change["action"])
    handler = _HANDLERS[kind if kind[0] != "link" else ("link", "update")]
    handler(store, change, user)
    new = store.history(user=user, after_change=last, limit=50)
    return {"reverted": int(change_id), "changes": [as_change(r) for r in reversed(new)]}


def _paragraph_edit(store: Store, change: dict[str, Any], user: str) -> None:
    before, after = change["before"], change["after"]
    try:
        cur = store.get_paragraph(change["id"])
    except NotFoundError:
        raise _stale(store, change, f"paragraph {change['id']}") from None
    now_state = {"text": cur.text, "marks": [m.to_dict() for m in cur.marks], "label": cur.label,
                 "label_value": cur.label_value}  # fmt: skip
    if any(now_state[k] != after.get(k) for k in now_state):
        raise _stale(store, change, f"paragraph {change['id']}")
    store.update_paragraph(
        cur.id, before["text"], [Mark.from_dict(m) for m in before.get("marks") or []], cur.rev, user,
        label=before.get("label"), label_value=before.get("label_value"),
    )


def _term_state(d: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in d.items() if k not in ("rev", "created", "updated")}


def _current_term(store: Store, term_id: Any) -> Any:
    try:
        return store.terms.get(int(term_id))
    except NotFoundError:
        return None


def _term_update(store: Store, change: dict[str, Any], user: str) -> None:
    from workbench.terms.model import Term

    cur = _current_term(store, change["id"])
    if cur is None or _term_state(cur.to_dict()) != _term_state(change["after"]):
        raise _stale(store, change, f"term {change['id']}")
    old = Term.from_dict({**change["before"], "id": cur.id, "rev": cur.rev})
    store.terms.update(old, user, expected_rev=cur.rev)


def _term_create(store: Store, change: dict[str, Any], user: str) -> None:
    cur = _current_term(store, change["id"])
    if cur is None or _term_state(cur.to_dict()) != _term_state(change["after"]):
        raise _stale(store, change, f"term {change['id']}")
    store.terms.delete(cur.id, user, expected_rev=cur.rev)


def _term_delete(store: Store, change: dict[str, Any], user: str) -> None:
    from workbench.terms.model import Term

    if _current_term(store, change["id"]) is not None:
        raise _stale(store, change, f"term {change['id']}")
    # A term id is not reused by a re-add: the entry comes back under a new id with its old content.
    store.terms.add(Term.from_dict({**change["before"], "id": None, "rev": 1}), user)


_ANN_FIELDS = ("para_id", "start", "end", "term_id", "kind", "note")


def _current_ann(store: Store, ann_id: Any) -> Any:
    try:
        return store.terms.get_annotation(int(ann_id))
    except NotFoundError:
        return None


def _annotation_update(store: Store, change: dict[str, Any], user: str) -> None:
    from workbench.terms.model import Annotation

    cur = _current_ann(store, change["id"])
    if cur is None or any(getattr(cur, k) != change["after"].get(k) for k in _ANN_FIELDS):
        raise _stale(store, change, f"annotation {change['id']}")
    b = change["before"]
    old = Annotation(**{**cur.to_dict(), **{k: b.get(k) for k in _ANN_FIELDS}, "rev": cur.rev})
    store.terms.update_annotation(old, user)


def _annotation_create(store: Store, change: dict[str, Any], user: str) -> None:
    cur = _current_ann(store, change["id"])
    if cur is None or any(getattr(cur, k) != change["after"].get(k) for k in _ANN_FIELDS):
        raise _stale(store, change, f"annotation {change['id']}")
    store.terms.delete_annotation(cur.id, user)


def _annotation_delete(store: Store, change: dict[str, Any], user: str) -> None:
    from workbench.terms.model import Annotation

    if _current_ann(store, change["id"]) is not None:
        raise _stale(store, change, f"annotation {change['id']}")
    b = change["before"]
    store.terms.add_annotation(
        Annotation(doc_id=b["doc_id"], para_id=b["para_id"], start=b["start"], end=b["end"], surface=b["surface"],
                   term_id=b.get("term_id"), kind=b.get("kind") or "transliteration", side=b.get("side") or "target",
                   note=b.get("note")),
        user,
    )  # fmt: skip


def _finding_tag(store: Store, change: dict[str, Any], user: str) -> None:
    before, after = change["before"], change["after"]
    try:
        cur = store.findings.get(change["id"])
    except NotFoundError:
        raise _stale(store, change, f"finding {str(change['id'])[:10]}") from None
    if (cur.status, cur.comment, cur.user) != (after.get("status"), after.get("comment"), after.get("user")):
        # a check run re-tags findings without a history row: the finding itself says who and when
        who = _since(store, change) or (
            f" by {cur.user} at {str(cur.status_at)[:19].replace('T', ' ')} UTC" if cur.user else "")
        raise _stale(store, change, f"finding {str(change['id'])[:10]}", by=who)
    store.findings.tag([cur.id], before.get("status") or "open", user, comment=before.get("comment"),
                       expected_revs={cur.id: cur.rev})  # fmt: skip


def _document_update(store: Store, change: dict[str, Any], user: str) -> None:
    before, after = change["before"], change["after"]
    doc_id = int(change["id"])
    try:
        doc = store.get_document(doc_id)
    except NotFoundError:
        raise _stale(store, change, f"document {doc_id}") from None
    # get_document adds the languages to the metadata it shows; compare what the change stored
    meta = {k: v for k, v in doc.metadata.items() if k in after["metadata"] or k not in ("source_lang", "target_lang")}
    if doc.title != after["title"] or meta != after["metadata"]:
        raise _stale(store, change, f"the title or metadata of document {doc_id}")
    store.update_document(doc_id, doc.meta_rev, user, title=before["title"], metadata=before["metadata"])


def _link_status(store: Store, change: dict[str, Any], user: str) -> None:
    from workbench.store.alignment import link_snapshot

    if why_not_revertible("link", change["action"], change["before"], change["after"]):
        raise WorkbenchError(f"cannot revert change {change['change']}: {_LINK_STRUCTURE}")
    doc_id = int(change["doc"])
    rev = store.alignment_rev(doc_id)  # first the revision, then the links: a save in between is refused
    links = store.get_links(doc_id)
    target = next((lk for lk in links if lk.id == change["id"]), None)
    if target is None or link_snapshot(target) != change["after"]:
        raise _stale(store, change, f"link {change['id']}")
    target.status = change["before"]["status"]
    store.save_links(doc_id, links, rev, user)


def _side_update(store: Store, change: dict[str, Any], user: str) -> None:
    from workbench.update import revert_update

    revert_update(store, int(change["change"]), user)


_HANDLERS = {
    ("paragraph", "edit"): _paragraph_edit,
    ("term", "update"): _term_update,
    ("term", "create"): _term_create,
    ("term", "delete"): _term_delete,
    ("annotation", "update"): _annotation_update,
    ("annotation", "create"): _annotation_create,
    ("annotation", "delete"): _annotation_delete,
    ("finding", "tag"): _finding_tag,
    ("document", "update"): _document_update,
    ("link", "update"): _link_status,
    ("document", "update-source"): _side_update,
    ("document", "update-target"): _side_update,
}
