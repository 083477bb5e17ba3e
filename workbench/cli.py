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

from workbench.commands.common import ACTING_USER, cli_user, print_json
from workbench.errors import WorkbenchError
from workbench.io.encoding import upload_limit_mb
from workbench.roles import ROLES
from workbench.store import default_db_path, open_store
from workbench.store.db import is_url

# Each area adds its subcommands through register(subparsers).
COMMAND_MODULES = ["align", "terms", "check", "fix", "export", "users", "history", "db", "review", "versions", "search"]




def cmd_import(args: argparse.Namespace) -> int:
    from workbench.io import interleaved_links, load_pair

    if not args.source and not args.target and not args.interleaved:
        raise WorkbenchError("import needs --source FILE, --target FILE, both, or --interleaved FILE")
    store = open_store(args.db)
    store.authorize(cli_user(), "import")  # before the files are read; the write checks again
    doc, warnings = load_pair(
        source=args.source,
        target=args.target,
        title=args.title,
        source_lang=args.source_lang,
        target_lang=args.target_lang,
        interleaved=args.interleaved,
        max_bytes=int(args.max_mb * 1024 * 1024) if args.max_mb else None,
        encoding=args.encoding,
        source_encoding=args.source_encoding,
        target_encoding=args.target_encoding,
        max_unpacked=int(args.max_docx_mb * 1024 * 1024) if args.max_docx_mb else None,
        max_paragraphs=args.max_paragraphs,
    )
    for w in warnings:
        print(f"warning: {w}", file=sys.stderr)
    doc_id = store.create_document(doc, cli_user(), links=interleaved_links(doc))
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


def _is_loopback(host: str) -> bool:
    """Whether only this machine can reach ``host`` (``--auth none`` trusts everyone who can connect)."""
    import ipaddress

    if host.strip("[]").lower() in ("localhost", "localhost."):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def _secrets_files(explicit: str | None) -> list[Path]:
    """The secrets files Streamlit will read, in its order: ``--secrets``, else
    ``STREAMLIT_SECRETS_FILES``, else ``~/.streamlit`` then the working directory's ``.streamlit``."""
    if explicit:
        return [Path(explicit).expanduser()]
    env = os.environ.get("STREAMLIT_SECRETS_FILES")
    if env:
        return [Path(f.strip()).expanduser() for f in env.split(",") if f.strip()]
    return [Path.home() / ".streamlit" / "secrets.toml", Path.cwd() / ".streamlit" / "secrets.toml"]


def _check_oidc_secrets(explicit: str | None) -> None:
    """Refuse ``--auth oidc`` before the server starts when no secrets file has a usable ``[auth]``
    section: otherwise every editor would meet Streamlit's error page instead of a sign-in button."""
    import tomllib

    files = _secrets_files(explicit)
    if explicit and not files[0].is_file():
        raise WorkbenchError(f"--secrets {explicit}: no such file")
    auth: dict = {}
    for f in files:
        if f.is_file():
            try:
                auth.update(tomllib.loads(f.read_text(encoding="utf-8")).get("auth") or {})
            except (OSError, tomllib.TOMLDecodeError) as exc:
                raise WorkbenchError(f"{f}: cannot read it as TOML ({exc})") from None
    missing = [k for k in ("redirect_uri", "cookie_secret") if not auth.get(k)]
    if missing:
        where = " or ".join(str(f) for f in files)
        raise WorkbenchError(
            f"--auth oidc needs an [auth] section with {', '.join(missing)} and the provider's client_id, "
            f"client_secret and server_metadata_url in {where} (see Streamlit's st.login documentation)"
        )


def streamlit_command(args: argparse.Namespace, app: Path) -> list[str]:
    """The ``streamlit run`` command line of ``workbench serve``.

    ``server.maxUploadSize`` is the importer's own limit (``$WORKBENCH_MAX_BYTES``, default 50 MB,
    in whole MB): the uploader then says, and the browser enforces, what the import accepts, instead
    of Streamlit's 200 MB default beside an importer that refuses anything over 50."""
    cmd = [
        sys.executable, "-m", "streamlit", "run", str(app),
        "--server.address", args.host, "--server.port", str(args.port),
        "--server.headless", "true", "--browser.gatherUsageStats", "false",
        "--client.toolbarMode", "minimal",
        "--server.maxUploadSize", str(upload_limit_mb()),
    ]  # fmt: skip
    if args.secrets:
        cmd += ["--secrets.files", str(Path(args.secrets).expanduser().resolve())]
    return cmd


def cmd_serve(args: argparse.Namespace) -> int:
    if args.auth == "none" and not _is_loopback(args.host) and not args.insecure_no_auth:
        raise WorkbenchError(
            f"refusing to serve on {args.host} without sign-in (anyone who can reach it could change the "
            "project): use --auth password or --auth oidc, or --insecure-no-auth if you mean it"
        )
    if args.oidc_default_role is not None and args.auth != "oidc":
        raise WorkbenchError("--oidc-default-role only applies with --auth oidc")
    if args.secrets and args.auth != "oidc":
        raise WorkbenchError("--secrets only applies with --auth oidc")
    db = args.db if is_url(args.db) else Path(args.db).expanduser().resolve() if args.db else default_db_path()
    store = open_store(db)  # create and migrate before the first page load
    if args.auth == "password" and not store.accounts.any():
        raise WorkbenchError(
            "--auth password needs an account to sign in with: run `workbench users add NAME --role admin` first"
        )
    if args.auth == "oidc":
        _check_oidc_secrets(args.secrets)
    app = Path(__file__).parent / "app" / "main.py"
    # The app reads its sign-in mode from the environment: Streamlit passes no arguments to a page.
    env = {**os.environ, "WORKBENCH_DB": str(db), "WORKBENCH_AUTH": args.auth}
    env.pop("WORKBENCH_OIDC_ROLE", None)
    if args.oidc_default_role:
        env["WORKBENCH_OIDC_ROLE"] = args.oidc_default_role
    if getattr(args, "user", None):
        env["WORKBENCH_USER"] = args.user  # the local user of --auth none
    print(f"Workbench on http://{args.host}:{args.port}  (database: {store.path}, sign-in: {args.auth})", flush=True)
    cmd = streamlit_command(args, app)
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
        metavar="PATH|URL",
        default=None,
        help="the project database: an SQLite file, sqlite:///PATH, or postgresql://USER:PASS@HOST:5432/DBNAME"
        f" (default: $WORKBENCH_DB or {default_db_path()})",
    )
    parser.add_argument(
        "--user",
        metavar="NAME",
        default=None,
        help="act as this account (default: $WORKBENCH_USER or the OS account); its role decides what it may change",
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
                   help="decode every file with this codec instead of detecting (legacy Hebrew is detected when clear)")
    p.add_argument("--source-encoding", metavar="CODEC", help="codec of the source file only (e.g. cp1255)")
    p.add_argument("--target-encoding", metavar="CODEC", help="codec of the target file only (e.g. utf-16)")
    p.add_argument("--max-mb", type=float, metavar="MB", help="refuse files larger than this (default 50)")
    p.add_argument("--max-docx-mb", type=float, metavar="MB",
                   help="refuse a DOCX that unpacks to more than this (default 100)")
    p.add_argument("--max-paragraphs", type=int, metavar="N",
                   help="refuse a file with more paragraphs than this (default 200000)")
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
    p.add_argument("--auth", choices=("none", "password", "oidc"), default="none",
                   help="none: one local user ($WORKBENCH_USER or the OS account; loopback only); "
                        "password: the project's accounts; oidc: an OpenID Connect provider via st.login")
    p.add_argument("--insecure-no-auth", action="store_true",
                   help="allow --auth none on a non-loopback --host (anyone who can connect may change the project)")
    p.add_argument("--oidc-default-role", metavar="ROLE", choices=ROLES,
                   help="with --auth oidc: create an account with this role on an unknown identity's first "
                        "sign-in (default: refuse identities an admin has not added)")
    p.add_argument("--secrets", metavar="FILE",
                   help="with --auth oidc: the secrets.toml holding [auth] (default: where Streamlit looks)")
    p.set_defaults(func=cmd_serve)

    for name in COMMAND_MODULES:
        importlib.import_module(f"workbench.commands.{name}").register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    ACTING_USER[0] = args.user
    try:
        return int(args.func(args) or 0)
    except WorkbenchError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # The reader went away (``workbench ... | head``): not an error of ours, and no traceback.
        # Point stdout at /dev/null so the interpreter's last flush does not raise again.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141  # 128 + SIGPIPE, as a tool killed by the signal would report


if __name__ == "__main__":
    sys.exit(main())
