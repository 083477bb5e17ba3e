"""Review status and comments from the command line (the editor's desk's core, without the page).

    workbench review DOC --link LINK --status draft|edited|reviewed|approved [--rev N] [--json]
    workbench progress DOC [--json]
    workbench comment add DOC --link LINK --text TEXT [--quote TEXT] [--json]
    workbench comment reply COMMENT_ID --text TEXT [--json]
    workbench comment resolve COMMENT_ID [--reopen] [--rev N] [--json]
    workbench comments DOC [--json] [--open]

LINK is the link's number (1, 2, ... as the Alignment page and the desk number them) or its id (or
a unique prefix of one). ``progress --json`` prints ``{document, links, counts: {draft, edited,
reviewed, approved}, reviewed, approved, changed_since_review}`` (``reviewed``: the share of links
reviewed or approved). ``comments --json`` prints a list of threads, each ``{id, link, user, time,
text, resolved, replies: [...]}`` (the contract) with ``link_number``, ``quote``, ``side``,
``resolved_by``, ``resolved_at`` and ``rev`` beside them. Bad input is one line on stderr and exit 2.
"""

from __future__ import annotations

import argparse
import sys
import types
from typing import NoReturn

from workbench.commands.common import cli_user, print_json
from workbench.errors import WorkbenchError
from workbench.store import open_store
from workbench.store.reviews import REVIEW_STATUSES


def _one_line_error(self: argparse.ArgumentParser, message: str) -> NoReturn:
    """argparse's own errors (a missing option, a bad number) as one line and exit 2, like every
    other user error of these commands (argparse prints the whole usage first)."""
    print(f"error: {self.prog}: {message}", file=sys.stderr)
    raise SystemExit(2)


def _parser(sub: argparse._SubParsersAction, name: str, **kw: object) -> argparse.ArgumentParser:  # type: ignore[type-arg]
    p = sub.add_parser(name, **kw)
    p.error = types.MethodType(_one_line_error, p)  # type: ignore[method-assign]
    return p


def _doc(value: str) -> int:
    text = str(value).strip().lstrip("#")
    if not text.isdigit():
        raise WorkbenchError(f"DOC must be a document id (see `workbench list`), not {value!r}")
    return int(text)


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = _parser(subparsers, "review", help="set a link's review status (draft, edited, reviewed, approved)",
                description="Set the review status of one link of document DOC. reviewed and approved need the"
                            " reviewer role; an edit of the link's text afterwards sets it back to edited.")  # fmt: skip
    p.add_argument("doc", metavar="DOC", help="document id (see `workbench list`)")
    p.add_argument("--link", required=True, metavar="LINK", help="the link's number (1, 2, ... or #7) or its id, or a unique prefix of the id")
    p.add_argument("--status", required=True, metavar="STATUS", help="one of " + ", ".join(REVIEW_STATUSES))
    p.add_argument("--rev", type=int, metavar="N", help="the review revision you saw (a stale one is refused)")
    p.add_argument("--json", action="store_true", help="print the link's status as JSON")
    p.set_defaults(func=cmd_review)

    p = _parser(subparsers, "progress", help="review progress of a document: links per status",
                description="Count the links of document DOC per review status and the share reviewed.")  # fmt: skip
    p.add_argument("doc", metavar="DOC", help="document id (see `workbench list`)")
    p.add_argument("--json", action="store_true", help="print counts per status and the share reviewed as JSON")
    p.set_defaults(func=cmd_progress)

    p = _parser(subparsers, "comment", help="comment on a link; reply; resolve a thread",
                description="Write a comment on a link of a document, reply to a thread, or resolve one.")  # fmt: skip
    csub = p.add_subparsers(dest="comment_action", metavar="ACTION", required=True)
    a = _parser(csub, "add", help="a new comment on a link", description="Comment on link LINK of document DOC.")
    a.add_argument("doc", metavar="DOC", help="document id")
    a.add_argument("--link", required=True, metavar="LINK", help="the link's number (1, 2, ... or #7) or its id, or a unique prefix of the id")
    a.add_argument("--text", required=True, metavar="TEXT", help="the comment")
    a.add_argument("--quote", metavar="TEXT", help="the stretch of the link's text the comment refers to")
    a.add_argument("--json", action="store_true", help="print the new comment as JSON")
    a.set_defaults(func=cmd_comment_add)
    r = _parser(csub, "reply", help="reply to a comment's thread", description="Reply to the thread of COMMENT_ID.")
    r.add_argument("comment", metavar="COMMENT_ID", help="the comment's id (or a unique prefix of one)")
    r.add_argument("--text", required=True, metavar="TEXT", help="the reply")
    r.add_argument("--json", action="store_true", help="print the reply as JSON")
    r.set_defaults(func=cmd_comment_reply)
    s = _parser(csub, "resolve", help="resolve (or reopen) a comment's thread",
                description="Mark the thread of COMMENT_ID resolved (--reopen: open again).")  # fmt: skip
    s.add_argument("comment", metavar="COMMENT_ID", help="the comment's id (or a unique prefix of one)")
    s.add_argument("--reopen", action="store_true", help="open a resolved thread again")
    s.add_argument("--rev", type=int, metavar="N", help="the thread's revision you saw (a stale one is refused)")
    s.add_argument("--json", action="store_true", help="print the thread as JSON")
    s.set_defaults(func=cmd_comment_resolve)

    p = _parser(subparsers, "comments", help="list the comments of a document",
                description="List the comment threads of document DOC, oldest first, with their replies.")  # fmt: skip
    p.add_argument("doc", metavar="DOC", help="document id (see `workbench list`)")
    p.add_argument("--json", action="store_true", help="print a JSON list of threads")
    p.add_argument("--open", action="store_true", help="only threads not resolved")
    p.set_defaults(func=cmd_comments)


def cmd_review(args: argparse.Namespace) -> int:
    from workbench.desk import resolve_link
    from workbench.store.reviews import check_status

    doc_id = _doc(args.doc)
    status = check_status(args.status.strip().lower())
    store = open_store(args.db)
    links = store.reviews.units(doc_id)
    i, lk = resolve_link(links, args.link, doc_id)
    got = store.reviews.set_status(doc_id, lk.id, status, cli_user(), expected_rev=args.rev)
    if args.json:
        print_json({**got.to_json(), "link_number": i + 1, "document": doc_id})
    else:
        print(f"document {doc_id}, link {i + 1}: {status} (by {got.user})")
    return 0


def cmd_progress(args: argparse.Namespace) -> int:
    doc_id = _doc(args.doc)
    prog = open_store(args.db).reviews.progress(doc_id)
    if args.json:
        print_json(prog)
        return 0
    counts = prog["counts"]
    print(f"document {doc_id}: {prog['links']} links; " + ", ".join(f"{counts[s]} {s}" for s in REVIEW_STATUSES)
          + f"; {prog['reviewed'] * 100:.0f}% reviewed"
          + (f"; {prog['changed_since_review']} changed since review" if prog["changed_since_review"] else ""))  # fmt: skip
    return 0


def _numbers(store: object, doc_id: int) -> dict[str, int]:
    return {lk.id: i + 1 for i, lk in enumerate(store.reviews.units(doc_id))}  # type: ignore[attr-defined]


def _print_comment(cm: object, number: int | None, indent: str = "") -> None:
    state = "" if getattr(cm, "parent_id", None) else (" [resolved]" if cm.resolved else " [open]")  # type: ignore[attr-defined]
    where = f"link {number}" if number else "link (gone)"
    print(f"{indent}{cm.id}  {where}  {cm.user}  {str(cm.at)[:19].replace('T', ' ')}{state}")  # type: ignore[attr-defined]
    if cm.quote:  # type: ignore[attr-defined]
        print(f"{indent}  > {' '.join(cm.quote.split())}")  # type: ignore[attr-defined]
    for line in cm.text.splitlines() or [""]:  # type: ignore[attr-defined]
        print(f"{indent}  {line}")


def cmd_comment_add(args: argparse.Namespace) -> int:
    from workbench.desk import resolve_link

    doc_id = _doc(args.doc)
    store = open_store(args.db)
    i, lk = resolve_link(store.reviews.units(doc_id), args.link, doc_id)
    cm = store.comments.add(doc_id, lk.id, args.text, cli_user(), quote=args.quote)
    if args.json:
        print_json(cm.to_json(i + 1))
    else:
        print(cm.id)
    return 0


def cmd_comment_reply(args: argparse.Namespace) -> int:
    store = open_store(args.db)
    cm = store.comments.reply(args.comment, args.text, cli_user())
    if args.json:
        print_json(cm.to_json(_numbers(store, cm.doc_id).get(cm.link_id)))
    else:
        print(cm.id)
    return 0


def cmd_comment_resolve(args: argparse.Namespace) -> int:
    store = open_store(args.db)
    cm = store.comments.resolve(args.comment, cli_user(), resolved=not args.reopen, expected_rev=args.rev)
    if args.json:
        print_json(cm.to_json(_numbers(store, cm.doc_id).get(cm.link_id)))
    else:
        print(f"comment {cm.id}: {'resolved' if cm.resolved else 'open'}")
    return 0


def cmd_comments(args: argparse.Namespace) -> int:
    from workbench.store.comments import home_links

    doc_id = _doc(args.doc)
    store = open_store(args.db)
    store.alignment_rev(doc_id)  # no such document: one clear line
    threads = store.comments.threads(doc_id, open_only=args.open)
    units = store.reviews.units(doc_id)
    numbers = {lk.id: i + 1 for i, lk in enumerate(units)}
    home = home_links(threads, units)
    if args.json:
        print_json([t.to_json(numbers.get(home.get(t.id, "")), home.get(t.id)) for t in threads])
        return 0
    if not threads:
        print(f"document {doc_id}: no {'open ' if args.open else ''}comments")
        return 0
    for t in threads:
        n = numbers.get(home.get(t.id, ""))
        _print_comment(t, n)
        for r in t.replies:
            _print_comment(r, n, "    ")
    return 0
