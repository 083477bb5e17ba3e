"""``workbench update``, ``workbench versions`` and ``workbench compare``: revised versions of a side.

    workbench update DOC --target FILE | --source FILE [--dry-run] [--json] [reader options]
    workbench versions DOC [--json]
    workbench compare DOC [--side target] [--from V] [--to V] [--changed-only] [--out FILE.docx] [--json]

``update`` matches the new file's paragraphs to the side's current ones and keeps what still
applies (see :mod:`workbench.update`); ``--dry-run`` reports without writing. ``compare --out`` writes
the comparison as a Word document with tracked changes.
"""

from __future__ import annotations

import argparse
import sys

from workbench.commands.common import cli_user, print_json
from workbench.errors import WorkbenchError


def cmd_update(args: argparse.Namespace) -> int:
    from workbench.store import open_store
    from workbench.update import apply_update, plan_update, read_version

    if bool(args.source) == bool(args.target):
        raise WorkbenchError("update needs exactly one of --source FILE or --target FILE")
    side, path = ("source", args.source) if args.source else ("target", args.target)
    codec = (args.source_encoding if side == "source" else args.target_encoding) or args.encoding
    store = open_store(args.db)
    if not args.dry_run:
        store.authorize(cli_user(), "import")  # before the file is read; the write checks again
    store.get_document(args.doc)  # a missing document is named before the file is read
    read = read_version(
        path, encoding=codec, max_bytes=int(args.max_mb * 1024 * 1024) if args.max_mb else None,
        max_unpacked=int(args.max_docx_mb * 1024 * 1024) if args.max_docx_mb else None,
        max_paragraphs=args.max_paragraphs,
    )  # fmt: skip
    plan = plan_update(store, args.doc, side, read)
    for w in plan.warnings:
        print(f"warning: {w}", file=sys.stderr)
    if args.dry_run:
        result = {**plan.to_json(), "version": None, "change": None, "applied": False, "dry_run": True}
    else:
        result = {**apply_update(store, plan, cli_user()), "dry_run": False}
    if args.json:
        print_json(result)
        return 0
    print(("would update " if args.dry_run else "updated ") + plan.describe())
    for row in plan.change_rows()[: args.limit]:
        where = ", ".join(str(p["pos"]) for p in row["new"]) or "-"
        was = ", ".join(str(p["pos"]) for p in row["old"]) or "-"
        text = (row["new"] or row["old"])[0]["text"]
        print(f"  {row['op']:<9} old {was:>9} -> new {where:<9} {text[:70]}")
    if result.get("version"):
        print(f"{side} version {result['version']} (history change {result['change']}; "
              f"revert with: workbench revert {result['change']})")  # fmt: skip
    elif not args.dry_run:
        print("nothing to update: the file has the same text and marks")
    return 0


def cmd_versions(args: argparse.Namespace) -> int:
    from workbench.store import open_store
    from workbench.update import list_versions

    rows = list_versions(open_store(args.db), args.doc)
    if args.json:
        print_json(rows)
        return 0
    print(f"{'side':<7} {'v':>3}  {'action':<7} {'paragraphs':>10}  {'time':<16}  {'user':<14} file / changes")
    for r in rows:
        said = ", ".join(f"{n} {k}" for k, n in (r["summary"] or {}).items() if n and k != "unchanged")
        what = " ".join(x for x in (r["file"] or "", f"({said})" if said else "") if x)
        cur = " *" if r.get("current") else ""
        print(f"{r['side']:<7} {r['version']:>3}  {r['action']:<7} {r['paragraphs']:>10}  "
              f"{str(r['time'] or '')[:16].replace('T', ' '):<16}  {str(r['user'] or '-'):<14} {what}{cur}")  # fmt: skip
    print("* = the side's current text")
    return 0


def _default_versions(store: object, doc: int, side: str, v_from: str | None, v_to: str | None) -> tuple[str, str]:
    from workbench.update import list_versions

    rows = [r for r in list_versions(store, doc) if r["side"] == side]  # type: ignore[arg-type]
    if not rows:
        raise WorkbenchError(f"document {doc} has no {side} text")
    last = str(rows[-1]["version"])
    to = v_to or ("current" if not rows[-1].get("current") else last)
    frm = v_from or (str(rows[-2]["version"]) if len(rows) > 1 and to == last else last)
    return frm, to


def cmd_compare(args: argparse.Namespace) -> int:
    from pathlib import Path

    from workbench.store import open_store
    from workbench.update import compare_versions, review_after_update

    store = open_store(args.db)
    v_from, v_to = _default_versions(store, args.doc, args.side, args.v_from, args.v_to)
    comp = compare_versions(store, args.doc, args.side, v_from, v_to)
    out_path = None
    if args.out:
        from workbench.export.tracked import write_tracked_docx

        out = Path(args.out).expanduser()
        if out.suffix.lower() != ".docx":
            raise WorkbenchError(f"{out.name}: the comparison is written as Word (.docx) with tracked changes")
        store.authorize(cli_user(), "export")
        when = next((r["time"] for r in store.versions.list(args.doc, args.side) if str(r["version"]) == v_to), None)
        who = next((r["user"] for r in store.versions.list(args.doc, args.side) if str(r["version"]) == v_to), None)
        rows = [([p.text for p in r.old], [p.text for p in r.new]) for r in comp.rows
                if not args.changed_only or r.op != "unchanged"]  # fmt: skip
        out_path = write_tracked_docx(
            out, rows, title=comp.title, author=who or cli_user(), date=when, lang=comp.lang,
            subtitle=f"{args.side} text, version {v_from} → {v_to}",
        )
    if args.json:
        print_json({**comp.to_json(args.changed_only), "out": str(out_path) if out_path else None,
                    "review": review_after_update(store, args.doc)})  # fmt: skip
        return 0
    s = comp.summary()
    print(f"{args.side} of #{args.doc}, version {v_from} -> {v_to}: "
          + (", ".join(f"{n} {k}" for k, n in s.items()) or "empty"))  # fmt: skip
    if out_path:
        print(out_path)
        return 0
    for r in comp.rows:
        if r.op == "unchanged":
            continue
        pieces = "".join(f"[-{t}-]" if op == "del" else f"{{+{t}+}}" if op == "ins" else t for op, t in r.diff())
        print(f"{r.op}: {pieces}")
    review = review_after_update(store, args.doc)
    for r in review["links"]:
        print(f"to review: link {r['number']} ({r['reason']})")
    for r in review["annotations"]:
        print(f"to review: annotation {r['annotation']} of {r['surface']!r}: its words are gone from the paragraph")
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("update", help="bring in a new version of a document's source or target from a file")
    p.add_argument("doc", type=int, metavar="DOC")
    p.add_argument("--source", metavar="FILE", help="the new version of the source (.txt .md .docx Sefaria .json)")
    p.add_argument("--target", metavar="FILE", help="the new version of the translation")
    p.add_argument("--dry-run", action="store_true", help="report what would change; write nothing")
    p.add_argument("--json", action="store_true", help="print a JSON object")
    p.add_argument("--limit", type=int, default=20, help="changed paragraphs listed (text output)")
    p.add_argument("--encoding", metavar="CODEC", help="decode the file with this codec instead of detecting")
    p.add_argument("--source-encoding", metavar="CODEC", help="the same, as import spells it for a source file")
    p.add_argument("--target-encoding", metavar="CODEC", help="the same, as import spells it for a target file")
    p.add_argument("--max-mb", type=float, metavar="MB", help="refuse files larger than this (default 50)")
    p.add_argument("--max-docx-mb", type=float, metavar="MB", help="refuse a DOCX that unpacks to more than this")
    p.add_argument("--max-paragraphs", type=int, metavar="N", help="refuse a file with more paragraphs than this")
    p.set_defaults(func=cmd_update)

    p = sub.add_parser("versions", help="list the versions of each side of a document")
    p.add_argument("doc", type=int, metavar="DOC")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_versions)

    p = sub.add_parser("compare", help="compare two versions of a side (word by word; --out: DOCX with tracked changes)")
    p.add_argument("doc", type=int, metavar="DOC")
    p.add_argument("--side", choices=["source", "target"], default="target")
    p.add_argument("--from", dest="v_from", metavar="V", help="older version (number; default: the one before --to)")
    p.add_argument("--to", dest="v_to", metavar="V", help="newer version (number or 'current'; default: the latest)")
    p.add_argument("--changed-only", action="store_true", help="leave unchanged paragraphs out")
    p.add_argument("--out", "-o", metavar="FILE.docx", help="write a Word document with tracked changes")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_compare)
