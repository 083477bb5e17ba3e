"""``workbench check``: run the consistency checks, list findings, tag them.

    workbench [--db PATH] check [DOC | --all] [--format table|csv|json] [--fail-on error|warning|info]
                                [--show open|accepted|fixed|current|all] [--check ID ...] [--force] [--no-run]
                                [--grouped]
    workbench [--db PATH] check tag FINDING_ID|GROUP [...] --status accepted|fixed|open
                                [--comment C] [--user U] [--rev N]
    workbench check --list-checks

Without DOC every document is checked. The run is incremental: only links changed since the last
run are checked again (``--force`` re-checks everything). Exit status: 0, or 1 with ``--fail-on``
when open findings at or above that severity remain (for an editorial team's CI); 2 on a user error,
including a refused tag (the role may not tag, or accept exceptions: that needs a reviewer; or
``--rev`` is stale because somebody tagged the finding since — the message names who and when).

JSON output is a list of findings: ``id``, ``check``, ``severity``, ``document`` (id, null for
corpus-wide findings, which list their ``documents``), ``link``, ``paragraphs`` (ids), ``term``
(termbase id or null) and ``term_label`` (its preferred rendering), ``message``, ``excerpt`` (the offending text in [brackets] with a few words
of context), ``status`` (open, accepted, fixed), ``present``, ``comment``, ``user``, ``data``, ``rev``
(the revision to pass as ``check tag ID --rev N``), ``group`` (the stable id of the decision the
finding belongs to: one per check, document, term and offending form).

Decisions (``--grouped``): the findings listed, grouped into one row per decision, sorted by
severity and count. JSON: ``group``, ``check``, ``severity``, ``term``, ``term_label``, ``form``,
``count``, ``documents``, ``message``, ``status`` (open while any occurrence is open), ``document``,
``document_title``, ``decision`` (the tag given to the group, or null), ``comment``, ``user``, ``rev``
(pass as ``check tag GROUP --rev N``) and ``occurrences`` (finding ids). ``check tag GROUP`` tags
a decision: every present occurrence now, and occurrences found later in text unchanged since
(accepted decisions; see README, "Decisions").
"""

from __future__ import annotations

import argparse
import json
import sys
import textwrap

from workbench.commands.common import cli_user
from workbench.errors import WorkbenchError

EPILOG = """\
examples:
  workbench check --all --fail-on error            CI: exit 1 if an open error remains
  workbench check 3 --format json > findings.json  one document, JSON
  workbench check tag typography-67626a06d3 --status accepted --comment "house style" --user dana
  workbench check tag term-variant-t45 --status fixed   (a unique prefix of an id is enough)
  workbench check tag term-variant-t45 --status fixed --rev 3   refused if tagged since revision 3

  workbench check --grouped                        one row per decision (check, document, term, form)
  workbench check tag term-variant-t45-g3fa9c01b2e --status accepted --comment "house style"

statuses: open (default), accepted (an exception: needs --comment), fixed. A run marks an open
finding fixed when its cause is gone and reopens a fixed one that comes back; an accepted
exception stays accepted.
"""



def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = subparsers.add_parser(
        "check",
        help="run the consistency checks and list findings (or: check tag ID --status S)",
        description="Run the consistency checks (terms, glosses, labels, untranslated text, typography) "
        "on one document or all, list the findings, or tag findings.",
        usage="workbench [--db PATH] check [DOC | --all] [--format {table,csv,json}] [--fail-on {error,warning,info}] "
        "[options]\n       workbench [--db PATH] check tag FINDING_ID [FINDING_ID ...] --status {accepted,fixed,open} "
        "[--comment C] [--user U] [--rev N]\n       workbench check --list-checks",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("target", nargs="*", metavar="DOC | tag FINDING_ID",
                   help="a document id; or `tag` followed by finding ids")  # fmt: skip
    p.add_argument("--all", action="store_true", help="check every document (the default without DOC)")
    p.add_argument("--format", choices=("table", "csv", "json"), default="table", help="output format (default: table)")
    p.add_argument("--fail-on", choices=("error", "warning", "info"), metavar="{error,warning,info}",
                   help="exit 1 when open findings at or above this severity remain")  # fmt: skip
    p.add_argument("--show", choices=("open", "accepted", "fixed", "current", "all"), default="open",
                   help="which findings to list: by status, `current` (cause present) or all (default: open)")  # fmt: skip
    p.add_argument("--check", action="append", metavar="ID", dest="checks",
                   help="only list findings of this check (repeatable; see --list-checks)")  # fmt: skip
    p.add_argument("--severity", choices=("error", "warning", "info"), help="only list findings at or above this severity")
    p.add_argument("--force", action="store_true", help="re-check every link, not only the changed ones")
    p.add_argument("--no-run", action="store_true", help="list stored findings without running the checks")
    p.add_argument("--out", metavar="FILE", help="write the output to FILE instead of stdout")
    p.add_argument("--grouped", action="store_true",
                   help="one row per decision (check, document, term, offending form) with its count")  # fmt: skip
    p.add_argument("--list-checks", action="store_true", help="list the checks and exit")
    tag = p.add_argument_group("tagging (check tag FINDING_ID ...)")
    tag.add_argument("--status", choices=("accepted", "fixed", "open"), help="new status of the findings")
    tag.add_argument("--comment", metavar="C", help="why (required to accept an exception)")
    # dest is not "user": a subcommand default would overwrite the global --user NAME.
    tag.add_argument("--user", metavar="U", dest="tag_user", help="who (default: the global --user, $WORKBENCH_USER or $USER)")
    tag.add_argument("--rev", type=int, metavar="N",
                     help="with one FINDING_ID or GROUP: the revision you looked at (JSON `rev`); refused if it changed since")  # fmt: skip
    p.set_defaults(func=cmd_check)


def cmd_check(args: argparse.Namespace) -> int:
    if args.list_checks:
        return _list_checks(args)
    target = list(args.target or [])
    if target and target[0] == "tag":
        return _tag(args, target[1:])
    if args.status or args.comment:
        raise WorkbenchError("--status and --comment are for tagging: workbench check tag FINDING_ID --status S")
    if len(target) > 1:
        raise WorkbenchError(f"give one document id (or `tag FINDING_ID ...`), not {' '.join(target)}")
    doc_id: int | None = None
    if target:
        if args.all:
            raise WorkbenchError("give either DOC or --all, not both")
        if not target[0].isdigit():
            raise WorkbenchError(f"DOC must be a document id (see `workbench list`), not {target[0]!r}")
        doc_id = int(target[0])
    from workbench.checks import CheckRunner
    from workbench.checks import report as rp
    from workbench.store import open_store

    store = open_store(args.db)
    if doc_id is not None:
        store.get_document(doc_id)  # a missing document is a user error
    if not args.no_run:
        rep = CheckRunner(store).run(None if doc_id is None else [doc_id], force=args.force, user=cli_user())
        print(f"checked {rep}", file=sys.stderr)
    scope = store.findings.list(doc_id)
    shown = rp.select(scope, args.show)
    if args.checks:
        from workbench.checks import get_check

        for c in args.checks:
            get_check(c)
        shown = [f for f in shown if f.check in args.checks]
    if args.severity:
        from workbench.checks import severity_at_least

        shown = [f for f in shown if severity_at_least(f.severity, args.severity)]
    shown.sort(key=rp.sort_key)
    titles = {d.id: d.title for d in store.list_documents()}
    where = "all documents" if doc_id is None else f"document {titles.get(doc_id, doc_id)}"
    filters = [f"status {args.show}"] + ([f"severity {args.severity} or above"] if args.severity else []) + (
        [f"check {', '.join(args.checks)}"] if args.checks else [])  # fmt: skip
    everything = args.show == "all" and len(filters) == 1
    scope_line = rp.report_scope(where, len(shown), len(scope), None if everything else filters)
    if args.grouped:
        groups = rp.group_findings(shown, store.decisions.list())
        out = _render_groups(args.format, groups, titles, store, scope_line)
    else:
        out = _render(args.format, shown, titles, store, scope_line)
    if args.out:
        from pathlib import Path

        Path(args.out).write_text(out, encoding="utf-8")
        print(f"{len(shown)} finding(s) written to {args.out}", file=sys.stderr)  # (grouped: their decisions)
    else:
        sys.stdout.write(out)
    if args.fail_on:
        n = rp.count_at_least(scope, args.fail_on)
        if n:
            print(f"{n} open finding(s) at or above {args.fail_on}", file=sys.stderr)
            return 1
    return 0


def _render(fmt: str, shown: list, titles: dict[int, str], store, scope_line: str) -> str:  # noqa: ANN001
    from workbench.checks import report as rp

    terms = _term_labels(store)
    if fmt == "json":
        return json.dumps([{**f.to_json(titles, terms), "rev": f.rev} for f in shown], ensure_ascii=False, indent=2) + "\n"
    if fmt == "csv":
        return rp.to_csv(rp.rows(shown, titles, terms), scope=scope_line)
    if not shown:
        return "No findings.\n"
    lines = [f"{'ID':<28} {'SEVERITY':<8} {'CHECK':<18} {'DOC':>6}  {'STATUS':<8} MESSAGE"]
    for f in shown:
        doc = str(f.doc_id) if f.doc_id is not None else "corpus"
        msg = textwrap.shorten(f.message, 100, placeholder="…")
        lines.append(f"{f.id:<28} {f.severity:<8} {f.check:<18} {doc:>6}  {f.status:<8} {msg}")
        if f.excerpt and f.doc_id is not None:
            lines.append(f"{'':<28} {'':<8} {'':<18} {'':>6}  {'':<8} {textwrap.shorten(f.excerpt, 100, placeholder='…')}")
    counts = {s: sum(1 for f in shown if f.severity == s) for s in ("error", "warning", "info")}
    lines.append(f"{len(shown)} finding(s): {counts['error']} error, {counts['warning']} warning, {counts['info']} info")
    return "\n".join(lines) + "\n"


def _render_groups(fmt: str, groups: list, titles: dict[int, str], store, scope_line: str) -> str:  # noqa: ANN001
    from workbench.checks import report as rp

    terms = _term_labels(store)
    if fmt == "json":
        return json.dumps([g.to_json(titles, terms) for g in groups], ensure_ascii=False, indent=2) + "\n"
    if fmt == "csv":
        return rp.to_csv(rp.group_rows(groups, titles, terms), scope=scope_line, columns=rp.GROUP_COLUMNS)
    if not groups:
        return "No findings.\n"
    lines = [f"{'GROUP':<34} {'SEVERITY':<8} {'CHECK':<18} {'DOC':>6} {'COUNT':>5}  {'STATUS':<8} FORM / MESSAGE"]
    for g in groups:
        doc = str(g.doc_id) if g.doc_id is not None else "corpus"
        lines.append(f"{g.group:<34} {g.severity:<8} {g.check:<18} {doc:>6} {g.count:>5}  {g.status:<8} "
                     f"{textwrap.shorten(g.form, 30, placeholder='…')}")  # fmt: skip
        lines.append(f"{'':<34} {'':<8} {'':<18} {'':>6} {'':>5}  {'':<8} {textwrap.shorten(g.message, 100, placeholder='…')}")
    n = sum(g.count for g in groups)
    lines.append(f"{len(groups)} decision(s), {n} finding(s)")
    return "\n".join(lines) + "\n"


def _term_labels(store) -> dict:  # noqa: ANN001
    return {t.id: t.preferred for t in store.terms.list_terms()}


def _tag(args: argparse.Namespace, ids: list[str]) -> int:
    if not ids:
        raise WorkbenchError("check tag needs at least one FINDING_ID")
    if not args.status:
        raise WorkbenchError("check tag needs --status accepted|fixed|open")
    from workbench.findings_types import is_group_id
    from workbench.store import open_store

    if args.rev is not None and len(ids) != 1:
        raise WorkbenchError("--rev goes with exactly one FINDING_ID or GROUP (the revision of that finding or decision)")
    store = open_store(args.db)
    groups = [i for i in ids if is_group_id(i)]
    ids = [i for i in ids if not is_group_id(i)]
    who = args.tag_user or cli_user()
    # PermissionDenied and ConflictError are WorkbenchErrors: main() prints them as one line, exit 2.
    with store.transaction():  # findings and decisions: all tagged, or none
        done_groups = [store.decisions.tag(g, args.status, who, args.comment, expected_rev=args.rev) for g in groups]
        expected = {store.findings.resolve_id(ids[0]): args.rev} if args.rev is not None and ids else None
        done = store.findings.tag(ids, args.status, who, args.comment, expected_revs=expected) if ids else []
    for d, occ in done_groups:
        print(f"{d.group}: {d.status} (revision {d.rev}, {len(occ)} occurrence(s))" + (f" ({d.comment})" if d.comment else ""))
    for f in done:
        print(f"{f.id}: {f.status} (revision {f.rev})" + (f" ({f.comment})" if f.comment else ""))
    return 0


def _list_checks(args: argparse.Namespace) -> int:
    from workbench.checks import registry

    reg = registry()
    if args.format == "json":
        print(json.dumps([c.info() for c in reg.values()], ensure_ascii=False, indent=2))
        return 0
    for cid, cls in reg.items():
        print(f"{cid:<18} {cls.severity:<8} {cls.scope:<9} {cls.name}")
        print(textwrap.indent(textwrap.fill(cls.description, 90), " " * 4))
    return 0
