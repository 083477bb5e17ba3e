"""``workbench fix``: a batch fix from a decision — replace its offending form in its occurrences.

    workbench [--db PATH] fix GROUP --replace-with TEXT [--dry-run] [--json] [--skip OCCURRENCE_ID ...]
                                [--expect PARA_ID=REV ...]
    workbench [--db PATH] fix --undo FIX_ID [--json]

GROUP is a group id of ``workbench check --grouped`` (a unique prefix is enough). Whole words only,
case-preserving, Hebrew prefixes (ו ה ב כ ל מ ש ד) kept attached; ``--dry-run`` prints every change
and writes nothing. A fix is one transaction at the revisions the preview read (``--expect`` pins
them to those of an earlier ``--dry-run --json``): a paragraph changed in between refuses the
whole fix, naming who changed it (exit 2). ``--undo FIX_ID`` restores every paragraph of a fix.

JSON (``--json``): the preview ``{group, check, document, term, find, replace_with, replace,
paragraphs, revisions, changes: [{occurrence, para_id, side, rev, start, end, before, after,
context_before, context_after, action, reason}]}``; when applied, also ``fix`` (its id, for
``--undo``) and ``message``. ``action`` is ``replace``, ``skip`` (``--skip``), ``stale`` or ``same``.
"""

from __future__ import annotations

import argparse
import sys

from workbench.commands.common import cli_user, print_json
from workbench.errors import WorkbenchError

EPILOG = """\
examples:
  workbench fix term-variant-t1-g3fa9c01b2e --replace-with Masach --dry-run
  workbench fix term-variant-t1-g3fa --replace-with Masach --skip term-variant-t1-0a1b2c3d4e
  workbench fix --undo 9c1d2e3f4a5b
"""


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = subparsers.add_parser(
        "fix",
        help="replace a decision's offending form in its occurrences (preview with --dry-run; --undo FIX_ID)",
        description="A batch fix from a decision (a group of `workbench check --grouped`): replace its offending "
        "form with TEXT in its occurrences — whole words, case-preserving, Hebrew prefixes kept — in one "
        "transaction that can be undone as one.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("group", nargs="?", metavar="GROUP", help="a group id (or a unique prefix of one)")
    p.add_argument("--replace-with", metavar="TEXT", help="the text to write in place of the offending form")
    p.add_argument("--dry-run", action="store_true", help="print every change, write nothing")
    p.add_argument("--json", action="store_true", help="JSON output")
    p.add_argument("--skip", action="append", default=[], metavar="OCCURRENCE_ID",
                   help="leave this occurrence (finding id, or a unique prefix) as it is (repeatable)")  # fmt: skip
    p.add_argument("--expect", action="append", default=[], metavar="PARA_ID=REV",
                   help="refuse unless the paragraph is still at this revision (from a --dry-run --json; repeatable)")  # fmt: skip
    p.add_argument("--undo", metavar="FIX_ID", help="undo a batch fix (every paragraph it changed) as one operation")
    p.set_defaults(func=cmd_fix)


def cmd_fix(args: argparse.Namespace) -> int:
    from workbench.fixes import apply_fix, preview_fix, undo_fix
    from workbench.store import open_store

    if args.undo:
        if args.group or args.replace_with:
            raise WorkbenchError("--undo FIX_ID goes alone (no GROUP, no --replace-with)")
        store = open_store(args.db)
        res = undo_fix(store, args.undo, cli_user())
        if args.json:
            print_json(res.to_json())
        else:
            print(res.message)
        return 0
    if not args.group:
        raise WorkbenchError("fix needs a GROUP (see `workbench check --grouped`) or --undo FIX_ID")
    if args.replace_with is None:
        raise WorkbenchError("fix needs --replace-with TEXT")
    expect: dict[str, int] = {}
    for item in args.expect:
        pid, sep, rev = item.partition("=")
        if not sep or not rev.strip().isdigit():
            raise WorkbenchError(f"--expect takes PARA_ID=REV, not {item!r}")
        expect[pid.strip()] = int(rev)
    store = open_store(args.db)
    pv = preview_fix(store, args.group, args.replace_with, args.skip)
    for pid, rev in expect.items():
        if pid in pv.revs:
            pv.revs[pid] = rev  # the revision the earlier preview read: a change since then is refused
    if args.dry_run:
        if args.json:
            print_json(pv.to_json())
        else:
            _print_preview(pv)
            print(f"dry run: {len(pv.to_replace)} occurrence(s) would be replaced; nothing was written", file=sys.stderr)
        return 0
    res = apply_fix(store, pv, cli_user())
    if args.json:
        print_json({**pv.to_json(), "fix": res.fix_id, "message": res.message})
    else:
        _print_preview(pv)
        print(res.message)
        print(f"undo with: workbench fix --undo {res.fix_id}", file=sys.stderr)
    return 0


def _print_preview(pv) -> None:  # noqa: ANN001
    print(f"group {pv.group}: {pv.find!r} -> {pv.replace_with!r}")
    for ch in pv.changes:
        print(f"  {ch.action:<8} {ch.occurrence}")
        if ch.action in ("replace", "skip", "same"):
            print(f"           - {ch.context_before}")
            print(f"           + {ch.context_after}")
        else:
            print(f"           {ch.reason}")
