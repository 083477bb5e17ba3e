"""``workbench db``: move a project between databases and check one.

    workbench db copy --from SOURCE --to TARGET [--json]
    workbench [--db DB] db check [--json]

SOURCE and TARGET are SQLite files or database URLs (``postgresql://user:pass@host:5432/dbname``,
``sqlite:///path``); ``--from`` defaults to the global ``--db`` (or ``WORKBENCH_DB``). The target
is created and migrated if needed and must hold no project data; every table's row count and
checksum are compared with the source's before the copy commits. ``db check`` exits 1 when it
finds a problem.
"""

from __future__ import annotations

import argparse
import sys

from workbench.commands.common import print_json
from workbench.store.db import connect, default_db_path
from workbench.store.maintenance import check_project, copy_project


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = subparsers.add_parser("db", help="copy a project between databases (SQLite, PostgreSQL); check one")
    sub = p.add_subparsers(dest="db_command", metavar="ACTION", required=True)

    c = sub.add_parser("copy", help="copy a whole project into an empty database, verified by counts and checksums",
                       description="Copy every table of a project (documents, alignment, terms, findings, history, "
                                   "accounts, ...) into an empty database, on either backend.")  # fmt: skip
    c.add_argument("--from", dest="source", metavar="DB", help="the project to copy (default: the global --db)")
    c.add_argument("--to", dest="target", metavar="DB", required=True, help="an empty database (file or URL)")
    c.add_argument("--json", action="store_true", help="print the report as JSON")
    c.set_defaults(func=cmd_copy)

    k = sub.add_parser("check", help="schema version and integrity of the project database",
                       description="Report the schema version and check integrity: foreign keys, orphan rows, "
                                   "every paragraph of an aligned document in exactly one link. Exit 1 on a problem.")  # fmt: skip
    k.add_argument("--json", action="store_true", help="print the report as JSON")
    k.set_defaults(func=cmd_check)


def cmd_copy(args: argparse.Namespace) -> int:
    source = args.source or args.db or default_db_path()

    def progress(table: str, n: int) -> None:
        if not args.json and sys.stderr.isatty():
            print(f"\r{table}: {n} rows", end="", file=sys.stderr, flush=True)

    report = copy_project(source, args.target, progress)
    if args.json:
        print_json(report.to_dict())
        return 0
    if sys.stderr.isatty():
        print("\r", end="", file=sys.stderr)
    print(f"copied {report.rows} rows in {len(report.tables)} tables from {report.source} to {report.target} "
          f"(schema version {report.schema_version}); counts and checksums match")  # fmt: skip
    for t in report.tables:
        if t.rows:
            print(f"  {t.table:<18} {t.rows:>9}  {t.checksum[:16]}")
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    db = connect(args.db)
    try:
        report = check_project(db)
    finally:
        db.close()
    if args.json:
        print_json(report.to_dict())
        return 0 if report.ok else 1
    print(f"{report.database} ({report.backend}): schema version {report.schema_version}"
          f" (this workbench: {report.known_version})")  # fmt: skip
    print("  " + ", ".join(f"{n} {t}" for t, n in report.counts.items() if n) if any(report.counts.values()) else "  empty")
    for note in report.notes:
        print(f"  note: {note}")
    if report.ok:
        print("ok: foreign keys, no orphan rows, every paragraph of every aligned document in exactly one link")
        return 0
    for problem in report.problems:
        print(f"problem: {problem}")
    print(f"{len(report.problems)} problem(s)")
    return 1
