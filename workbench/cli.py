"""The ``workbench`` command line: a thin face over the same core calls the app makes.

Exit codes: 0 success, 1 a check found problems (``check --fail-on``), 2 a user error (bad input,
conflict, missing document) reported as one line on stderr.
"""

from __future__ import annotations

import argparse
import importlib
import os
import subprocess
import sys
from pathlib import Path

from workbench.commands.common import cli_user, print_json
from workbench.errors import WorkbenchError
from workbench.store import default_db_path, open_store

# Each area adds its subcommands through register(subparsers).
COMMAND_MODULES = ["align", "terms", "check", "export"]




def cmd_import(args: argparse.Namespace) -> int:
    from workbench.io import interleaved_links, load_pair

    if not args.source and not args.target and not args.interleaved:
        raise WorkbenchError("import needs --source FILE, --target FILE, both, or --interleaved FILE")
    doc, warnings = load_pair(
        source=args.source,
        target=args.target,
        title=args.title,
        source_lang=args.source_lang,
        target_lang=args.target_lang,
        interleaved=args.interleaved,
        max_bytes=int(args.max_mb * 1024 * 1024) if args.max_mb else None,
        encoding=args.encoding,
    )
    for w in warnings:
        print(f"warning: {w}", file=sys.stderr)
    doc_id = open_store(args.db).create_document(doc, cli_user(), links=interleaved_links(doc))
    if args.json:
        print_json(
            {
                "id": doc_id,
                "title": doc.title,
                "source_lang": doc.source_lang if doc.source else None,
                "target_lang": doc.target_lang if doc.target else None,
                "source_paragraphs": len(doc.source.paragraphs) if doc.source else 0,
                "target_paragraphs": len(doc.target.paragraphs) if doc.target else 0,
                "warnings": warnings,
            }
        )
    else:
        print(doc_id)
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    docs = open_store(args.db).list_documents()
    if args.json:
        print_json([d.__dict__ for d in docs])
        return 0
    if not docs:
        print("No documents yet. Import one: workbench import --source he.txt --target en.txt --title T")
        return 0
    print(f"{'id':>4}  {'langs':<7} {'src':>5} {'tgt':>5} {'links':>6}  title")
    for d in docs:
        langs = f"{d.source_lang or '-'}>{d.target_lang or '-'}"
        print(f"{d.id:>4}  {langs:<7} {d.source_paragraphs:>5} {d.target_paragraphs:>5} {d.links:>6}  {d.title}")
    return 0


def cmd_show(args: argparse.Namespace) -> int:
    store = open_store(args.db)
    doc = store.get_document(args.doc)
    links = store.get_links(args.doc)
    if args.json:
        def side(t):  # noqa: ANN001, ANN202
            if t is None:
                return None
            return {
                "lang": t.lang,
                "paragraphs": [
                    {"id": p.id, "text": p.text, "label": p.label, "label_value": p.label_value,
                     "marks": [m.to_dict() for m in p.marks], "rev": p.rev}
                    for p in t.paragraphs
                ],
            }

        print_json(
            {
                "id": doc.id, "title": doc.title, "metadata": doc.metadata, "created": doc.created,
                "updated": doc.updated, "alignment_rev": doc.alignment_rev,
                "source": side(doc.source), "target": side(doc.target),
                "links": [{"id": lk.id, "source": lk.source, "target": lk.target, "score": lk.score,
                           "status": lk.status, "rev": lk.rev} for lk in links],
            }
        )
        return 0
    print(f"#{doc.id} {doc.title}  ({doc.source_lang or '-'} > {doc.target_lang or '-'})")
    for name, t in (("source", doc.source), ("target", doc.target)):
        if t is None:
            print(f"  {name}: (none)")
            continue
        print(f"  {name}: {len(t.paragraphs)} paragraphs")
        for p in t.paragraphs[: args.limit]:
            snippet = p.text if len(p.text) <= 90 else p.text[:87] + "..."
            print(f"    [{p.label or ''}] {snippet}")
    print(f"  links: {len(links)} ({sum(lk.status == 'confirmed' for lk in links)} confirmed)")
    return 0


def cmd_delete(args: argparse.Namespace) -> int:
    store = open_store(args.db)
    doc = store.get_document(args.doc)
    if not args.yes and sys.stdin.isatty():
        answer = input(f"Delete document {doc.id} '{doc.title}'? [y/N] ")
        if answer.strip().lower() not in ("y", "yes"):
            print("Nothing deleted.")
            return 0
    store.delete_document(args.doc, cli_user())
    print(f"deleted {args.doc}")
    return 0


def cmd_load_demo(args: argparse.Namespace) -> int:
    from workbench.demo import load_demo

    store = open_store(args.db)
    if args.if_empty and store.list_documents():
        print(f"database {store.path} already has documents; demo not loaded")
        return 0
    for line in load_demo(store, user=cli_user()):
        print(line)
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    db = Path(args.db).expanduser().resolve() if args.db else default_db_path()
    open_store(db)  # create and migrate before the first page load
    app = Path(__file__).parent / "app" / "main.py"
    env = {**os.environ, "WORKBENCH_DB": str(db)}
    print(f"Workbench on http://{args.host}:{args.port}  (database: {db})", flush=True)
    cmd = [
        sys.executable, "-m", "streamlit", "run", str(app),
        "--server.address", args.host, "--server.port", str(args.port),
        "--server.headless", "true", "--browser.gatherUsageStats", "false",
        "--client.toolbarMode", "minimal",
    ]
    if os.name == "posix":
        # Become the server rather than its parent: a stop signal sent to `workbench serve` (a
        # service manager, a test fixture, Ctrl-C) then reaches streamlit itself instead of
        # leaving it running as an orphan.
        os.execve(sys.executable, cmd, env)
    return subprocess.call(cmd, env=env)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="workbench",
        description="Align, annotate, check and export bilingual editions.",
    )
    parser.add_argument(
        "--db",
        metavar="PATH",
        default=None,
        help=f"SQLite database (default: $WORKBENCH_DB or {default_db_path()})",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    p = sub.add_parser("import", help="import a source and/or target file as a new document")
    p.add_argument("--source", metavar="FILE", help="source-language file (.txt .md .docx Sefaria .json)")
    p.add_argument("--target", metavar="FILE", help="translation file (.txt .md .docx Sefaria .json)")
    p.add_argument("--title", metavar="T", help="document title (default: from the file name)")
    p.add_argument("--source-lang", metavar="CODE", help="source language (default: detected, e.g. he)")
    p.add_argument("--target-lang", metavar="CODE", help="target language (default: detected, e.g. en)")
    p.add_argument("--interleaved", metavar="FILE",
                   help="one file whose paragraphs alternate between the two languages (instead of --source/--target)")
    p.add_argument("--encoding", metavar="CODEC",
                   help="decode the files with this codec (e.g. cp1255 for a legacy Hebrew file) instead of detecting")
    p.add_argument("--max-mb", type=float, metavar="MB", help="refuse files larger than this (default 50)")
    p.add_argument("--json", action="store_true", help="print a JSON object instead of the id")
    p.set_defaults(func=cmd_import)

    p = sub.add_parser("list", help="list documents")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_list)

    p = sub.add_parser("show", help="show a document")
    p.add_argument("doc", type=int, metavar="DOC")
    p.add_argument("--json", action="store_true")
    p.add_argument("--limit", type=int, default=5, help="paragraphs shown per side (text output)")
    p.set_defaults(func=cmd_show)

    p = sub.add_parser("delete", help="delete a document (its history is kept)")
    p.add_argument("doc", type=int, metavar="DOC")
    p.add_argument("-y", "--yes", action="store_true", help="do not ask for confirmation")
    p.set_defaults(func=cmd_delete)

    p = sub.add_parser("load-demo", help="load the bundled demo corpus")
    p.add_argument("--if-empty", action="store_true", help="only when the database has no documents")
    p.set_defaults(func=cmd_load_demo)

    p = sub.add_parser("serve", help="start the Streamlit app on this database")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8501)
    p.set_defaults(func=cmd_serve)

    for name in COMMAND_MODULES:
        importlib.import_module(f"workbench.commands.{name}").register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except WorkbenchError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
