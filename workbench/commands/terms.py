"""``workbench terms``: the termbase from the command line.

    workbench [--db PATH] terms import FILE            (.csv or .tbx; all or nothing)
    workbench [--db PATH] terms export FILE            (.csv or .tbx by extension)
    workbench [--db PATH] terms list [--json] [--status S] [--search Q]
    workbench [--db PATH] terms discover DOC [--json] [--known] [--limit N]
    workbench [--db PATH] terms accept DOC [--rendering R ...] [--min-score S] [--status S]
    workbench [--db PATH] terms reject RENDERING [--source HE]
    workbench [--db PATH] terms merge KEEP DROP
    workbench [--db PATH] terms annotate DOC [--term ID ...] [--json]
    workbench [--db PATH] terms annotations DOC [--json]

DOC is a stored document id, or a file (translation only, e.g. a .txt or .docx) read on the fly.
The JSON of ``discover`` is a list of proposals ``{"rendering", "source", "gloss", "kind",
"occurrences", "evidence", "variants", "term_id", "score"}``; ``list`` uses the same names for
entries (plus ``id``, ``variants``, ``forbidden``, ``status``, ``note`` ...).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from workbench.commands.common import cli_user, print_json
from workbench.errors import InputError, WorkbenchError


def _store(args: argparse.Namespace):  # noqa: ANN202
    from workbench.store import open_store

    return open_store(args.db)


def cmd_import(args: argparse.Namespace) -> int:
    path = Path(args.file)
    if not path.exists():
        raise InputError(path, "no such file")
    report = _store(args).terms.import_file(path, user=cli_user())
    for w in report.warnings:
        print(f"warning: {w}", file=sys.stderr)
    kind = ""
    if path.suffix.lower() in (".tbx", ".xml"):
        from workbench.terms.tbx import tbx_version

        kind = f" (TBX {tbx_version(path.read_bytes())})"
    print(f"{path.name}{kind}: {report}")
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    if args.tbx:  # TBX 2008 (martif, what translate-toolkit and Weblate read) or v3, whatever the extension
        from workbench.terms.tbx import write_tbx

        store = _store(args)
        n = write_tbx(store.terms.list_terms(status=args.status, order="id"), args.file, version=args.tbx)
        print(f"{n} term(s) written to {args.file} (TBX {args.tbx})")
        return 0
    n = _store(args).terms.export_file(args.file, status=args.status)
    print(f"{n} term(s) written to {args.file}")
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    terms = _store(args).terms.list_terms(status=args.status, search=args.search)
    if args.json:
        print_json([t.to_dict() for t in terms])
        return 0
    if not terms:
        print("The termbase is empty. Import one: workbench terms import corpus/termbase.csv")
        return 0
    for t in terms:
        extra = f"  ({', '.join(t.variants)})" if t.variants else ""
        gloss = f"  — {t.gloss}" if t.gloss else ""
        flag = "" if t.status == "approved" else "  [proposed]"
        print(f"{t.id:>5}  {t.preferred:<24} {t.source:<14} {t.kind:<15}{extra}{gloss}{flag}")
    return 0


def _load_doc(args: argparse.Namespace, store):  # noqa: ANN001, ANN202
    """(document, links) for a stored document id, or a translation file read on the fly."""
    ref = args.doc
    if ref.isdigit():
        doc = store.get_document(int(ref))
        return doc, store.get_links(doc.id)
    path = Path(ref)
    if not path.exists():
        raise InputError(path, "no such file (DOC is a document id or a file)")
    from workbench.io import load_pair

    doc, _warnings = load_pair(target=path)
    return doc, []


def cmd_discover(args: argparse.Namespace) -> int:
    from workbench.terms.discovery import discover_document

    store = _store(args)
    doc, links = _load_doc(args, store)
    proposals = discover_document(
        doc,
        links,
        terms=store.terms.list_terms(),
        rejected=store.terms.rejected_keys(),
        include_known=args.known,
    )
    if args.min_score:
        proposals = [p for p in proposals if p.score >= args.min_score]
    if args.limit:
        proposals = proposals[: args.limit]
    if args.json:
        print_json([p.to_dict() for p in proposals])
        return 0
    if not proposals:
        print("No proposals.")
        return 0
    for p in proposals:
        src = p.source or "-"
        gloss = f"  ({p.gloss})" if p.gloss else ""
        ev = p.evidence
        aligned = f"  aligned {ev.get('aligned', 0)}/{ev.get('aligned_paragraphs', 0)}" if ev.get("aligned_paragraphs") else ""
        var = f"  variants: {', '.join(p.variants)}" if p.variants else ""
        print(f"{p.score:4.2f}  {p.rendering:<22} {src:<14} {p.kind:<15} x{p.occurrences}{aligned}{gloss}{var}")
    return 0


def _proposals(args: argparse.Namespace, store):  # noqa: ANN001, ANN202
    from workbench.terms.discovery import discover_document

    doc, links = _load_doc(args, store)
    proposals = discover_document(
        doc, links, terms=store.terms.list_terms(), rejected=store.terms.rejected_keys(),
        include_known=getattr(args, "known", False),
    )
    return [p for p in proposals if p.score >= (args.min_score or 0.0)]


def cmd_accept(args: argparse.Namespace) -> int:
    """Accept discovery proposals into the termbase: the named renderings, or all above a score."""
    store = _store(args)
    proposals = _proposals(args, store)
    if args.rendering:
        wanted = {r.casefold() for r in args.rendering}
        proposals = [p for p in proposals if p.rendering.casefold() in wanted]
        missing = wanted - {p.rendering.casefold() for p in proposals}
        if missing:
            raise WorkbenchError(f"no proposal for: {', '.join(sorted(missing))} (see `workbench terms discover`)")
    added = store.terms.accept_proposals(proposals, cli_user(), status=args.status)
    if args.json:
        print_json([t.to_dict() for t in added])
    else:
        print(f"{len(added)} term(s) added ({len(proposals) - len(added)} already in the termbase)")
    return 0


def cmd_reject(args: argparse.Namespace) -> int:
    _store(args).terms.reject_proposal(args.rendering, args.source, cli_user())
    print(f"rejected: {args.rendering} (discovery will not propose it again)")
    return 0


def cmd_merge(args: argparse.Namespace) -> int:
    term = _store(args).terms.merge(args.keep, args.drop, cli_user())
    print(f"merged {args.drop} into {term.id} ({term.preferred})")
    return 0


def cmd_annotate(args: argparse.Namespace) -> int:
    """Annotate every not yet annotated occurrence of termbase terms in a stored document."""
    from workbench.terms.service import annotation_proposals

    if not args.doc.isdigit():
        raise WorkbenchError("annotate needs a stored document id (see `workbench list`)")
    store = _store(args)
    doc = store.get_document(int(args.doc))
    existing = store.terms.annotations(doc.id, user=cli_user())
    props = annotation_proposals(doc, store.terms.matcher(), existing, term_ids=set(args.term) if args.term else None)
    added = store.terms.add_annotations(props, cli_user())
    if args.json:
        print_json([a.to_dict() for a in added])
    else:
        print(f"{len(added)} annotation(s) added to document {doc.id} ({len(existing)} already there)")
    return 0


def cmd_annotations(args: argparse.Namespace) -> int:
    if not args.doc.isdigit():
        raise WorkbenchError("annotations needs a stored document id (see `workbench list`)")
    store = _store(args)
    anns = store.terms.annotations(int(args.doc), user=cli_user())
    if args.json:
        print_json([a.to_dict() for a in anns])
        return 0
    if not anns:
        print("No annotations. Add them: workbench terms annotate DOC")
    for a in anns:
        print(f"{a.id:>6}  {a.para_id}  {a.start:>5}-{a.end:<5} {a.surface:<24} term {a.term_id}  {a.kind}  {a.state}")
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("terms", help="termbase: import, export, list, discover, accept, annotate")
    sub = p.add_subparsers(dest="terms_command", metavar="ACTION", required=True)

    q = sub.add_parser("import", help="import a termbase (.csv or .tbx); bad rows abort the whole import")
    q.add_argument("file", metavar="FILE")
    from workbench.terms.csvio import set_termbase_limit_mb

    q.add_argument("--max-mb", metavar="MB", type=set_termbase_limit_mb,
                   help="refuse termbase files larger than this (default 20)")
    q.set_defaults(func=cmd_import)

    q = sub.add_parser("export", help="export the termbase (.csv or .tbx by extension)")
    q.add_argument("file", metavar="FILE")
    q.add_argument("--status", choices=["proposed", "approved"], help="only entries with this status")
    q.add_argument("--tbx", choices=["2008", "v3"], help="write TBX: 2008 (martif; translate-toolkit, Weblate) or v3 "
                   "(the default for .tbx); import detects which")
    q.set_defaults(func=cmd_export)

    q = sub.add_parser("list", help="list termbase entries")
    q.add_argument("--json", action="store_true")
    q.add_argument("--status", choices=["proposed", "approved"])
    q.add_argument("--search", metavar="Q", help="text in any form, gloss or note")
    q.set_defaults(func=cmd_list)

    q = sub.add_parser("discover", help="propose termbase entries found in a translation")
    q.add_argument("doc", metavar="DOC", help="document id or a translation file")
    q.add_argument("--json", action="store_true")
    q.add_argument("--known", action="store_true", help="also report occurrences of terms already in the termbase")
    q.add_argument("--limit", type=int, default=0, help="at most N proposals")
    q.add_argument("--min-score", type=float, default=0.0, help="only proposals scoring at least this")
    q.set_defaults(func=cmd_discover)

    q = sub.add_parser("accept", help="accept discovery proposals into the termbase")
    q.add_argument("doc", metavar="DOC", help="document id or a translation file")
    q.add_argument("--rendering", action="append", metavar="R", help="accept only this rendering (repeatable)")
    q.add_argument("--min-score", type=float, default=0.0, help="only proposals scoring at least this")
    q.add_argument("--status", choices=["proposed", "approved"], default="proposed",
                   help="status of the new entries (default: proposed, a candidate for the terminologist to approve)")
    q.add_argument("--json", action="store_true")
    q.set_defaults(func=cmd_accept)

    q = sub.add_parser("reject", help="reject a proposal so discovery stops proposing it")
    q.add_argument("rendering", metavar="RENDERING")
    q.add_argument("--source", metavar="HE", help="the source form it was paired with")
    q.set_defaults(func=cmd_reject)

    q = sub.add_parser("merge", help="merge entry DROP into entry KEEP (forms, occurrences, annotations)")
    q.add_argument("keep", type=int, metavar="KEEP")
    q.add_argument("drop", type=int, metavar="DROP")
    q.set_defaults(func=cmd_merge)

    q = sub.add_parser("annotate", help="annotate the termbase terms found in a stored document")
    q.add_argument("doc", metavar="DOC", help="document id")
    q.add_argument("--term", type=int, action="append", metavar="ID", help="only this term (repeatable)")
    q.add_argument("--json", action="store_true")
    q.set_defaults(func=cmd_annotate)

    q = sub.add_parser("annotations", help="list a document's annotations")
    q.add_argument("doc", metavar="DOC", help="document id")
    q.add_argument("--json", action="store_true")
    q.set_defaults(func=cmd_annotations)


__all__ = ["register", "WorkbenchError"]
