"""``workbench history`` (who changed what in a document) and ``workbench revert`` (take one change back).

    workbench history [DOC] [--json] [--user NAME] [--since ISO] [--entity E] [--action A] [--limit N] [--project]
    workbench revert CHANGE_ID [--json]

``history --json`` prints a list of objects with ``time``, ``user``, ``entity``, ``id``, ``action``,
``before`` and ``after`` (a contract for scripts), plus ``change`` (the number ``revert`` takes),
``doc``, ``summary``, ``revertible`` and ``why_not``. Without DOC it lists the whole project's
changes. ``revert`` applies the inverse of one change as a new change by the acting account
(``--user``), refused when the thing changed since or when the kind of change cannot be reverted
on its own.
"""

from __future__ import annotations

import argparse

from workbench import activity
from workbench.commands.common import cli_user, print_json
from workbench.store import open_store


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = subparsers.add_parser(
        "history",
        help="list the changes of a document (who, when, what)",
        description="List the changes of document DOC, newest first (without DOC: of the whole project).",
    )
    p.add_argument("doc", type=int, nargs="?", metavar="DOC", help="document id (see `workbench list`)")
    p.add_argument("--json", action="store_true", help="print a JSON list of changes")
    # dest differs from the global --user (the acting account), which this filter must not replace
    p.add_argument("--user", dest="by_user", metavar="NAME", help="only the changes made by this account")
    p.add_argument("--since", metavar="ISO", help="only changes at or after this date or time (UTC unless a zone is given)")
    p.add_argument("--entity", metavar="E", help="only this kind of thing: paragraph, link, term, annotation, finding, document")
    p.add_argument("--action", metavar="A", help="only this action: edit, update, tag, create, delete…")
    p.add_argument("--limit", type=int, default=200, metavar="N", help="at most N changes (default 200)")
    p.add_argument("--project", action="store_true", help="with DOC: also the changes of no document (termbase, accounts)")
    p.set_defaults(func=cmd_history)

    p = subparsers.add_parser(
        "revert",
        help="take one change back (as a new change)",
        description="Apply the inverse of change CHANGE_ID (the `change` column of `workbench history`) as a new"
                    " change by the acting account; refused if the thing was changed since.",
    )  # fmt: skip
    p.add_argument("change", type=int, metavar="CHANGE_ID")
    p.add_argument("--json", action="store_true", help="print the new changes as JSON")
    p.set_defaults(func=cmd_revert)


def _cell(text: object, width: int) -> str:
    s = " ".join(str(text if text is not None else "-").split())
    return (s if len(s) <= width else s[: width - 1] + "…").ljust(width)


def cmd_history(args: argparse.Namespace) -> int:
    store = open_store(args.db)
    rows = activity.changes(store, args.doc, user=args.by_user, since=args.since, entity=args.entity,
                            action=args.action, limit=args.limit, project=args.project)  # fmt: skip
    if args.json:
        print_json(rows)
        return 0
    if not rows:
        print("No changes match.")
        return 0
    print(f"{'change':>6}  {'time (UTC)':<19}  {'user':<12} {'entity':<10} {'id':<12} {'action':<8} summary")
    for r in rows:
        when = str(r["time"])[:19].replace("T", " ")
        print(f"{r['change']:>6}  {when:<19}  {_cell(r['user'], 12)} {_cell(r['entity'], 10)} "
              f"{_cell(r['id'], 12)} {_cell(r['action'], 8)} {' '.join(str(r['summary']).split())}")  # fmt: skip
    return 0


def cmd_revert(args: argparse.Namespace) -> int:
    result = activity.revert(open_store(args.db), args.change, cli_user())
    if args.json:
        print_json(result)
        return 0
    new = result["changes"]
    made = ", ".join(str(c["change"]) for c in new) or "none (nothing differed)"
    print(f"reverted change {result['reverted']}; new change(s): {made}")
    return 0
