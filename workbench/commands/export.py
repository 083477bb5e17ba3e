"""``workbench export`` and ``workbench import-bundle``.

    workbench [--db PATH] export DOC --format docx|tmx|tbx|csv|xlsx|bundle [--out FILE]
              [--layout parallel|alternating|translation] [edition options]
    workbench [--db PATH] import-bundle FILE

DOC is a document id; ``all`` (or leaving it out) is allowed for the project-wide formats (tbx,
bundle). Without ``--out`` the file goes to the exports folder (``WORKBENCH_EXPORTS`` or
``./exports``) under a name made from the title.
"""

from __future__ import annotations

import argparse
import json
import sys

from workbench.commands.common import cli_user
from workbench.errors import WorkbenchError
from workbench.export.options import FORMATS, LAYOUTS, PAGE_SIZES, ExportOptions


def _margins(value: str) -> float | tuple[float, float, float, float]:
    parts = [p for p in value.replace(";", ",").split(",") if p.strip()]
    try:
        nums = [float(p) for p in parts]
    except ValueError as exc:
        raise argparse.ArgumentTypeError("margins are millimetres: 20 or 25,20,25,20") from exc
    if len(nums) == 1:
        return nums[0]
    if len(nums) == 4:
        return tuple(nums)  # type: ignore[return-value]
    raise argparse.ArgumentTypeError("give one margin or four (top,right,bottom,left)")


def _doc_arg(value: str) -> int | None:
    if value.lower() == "all":
        return None
    try:
        return int(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"DOC must be a document id or 'all', not {value!r}") from exc


def options_from_args(args: argparse.Namespace) -> ExportOptions:
    return ExportOptions(
        layout=args.layout,
        source_side=args.source_side,
        page_size=args.page_size,
        margins_mm=args.margins,
        latin_font=args.latin_font,
        hebrew_font=args.hebrew_font,
        latin_size=args.latin_size,
        hebrew_size=args.hebrew_size,
        title_page=not args.no_title_page,
        title=args.title,
        author=args.author,
        translator=args.translator,
        credits=args.credits,
        running_header=not args.no_header,
        page_numbers=not args.no_page_numbers,
        italics=not args.no_italics,
        bold_labels=not args.no_bold_labels,
        notes=args.notes,
        source_notes=not args.no_source_notes,
        annotations=not args.hide_annotations,
        confirmed_only=args.confirmed_only,
        comments=args.comments,
    )


def cmd_export(args: argparse.Namespace) -> int:
    from pathlib import Path

    from workbench.export.files import export_path
    from workbench.export.options import EXTENSIONS
    from workbench.export.service import default_name, export_document
    from workbench.store import open_store

    if args.doc is None and args.format not in ("tbx", "bundle"):
        raise WorkbenchError(f"the {args.format} export needs a document id (see: workbench list)")
    store = open_store(args.db)
    options = options_from_args(args)
    if args.out:
        out = Path(args.out).expanduser()
        if out.suffix.lower() != EXTENSIONS[args.format]:
            print(f"warning: {out.name} does not end in {EXTENSIONS[args.format]}", file=sys.stderr)
    else:
        title = store.get_document(args.doc).title if args.doc is not None else None
        name = default_name(f"{title} - consistency" if args.report else title, args.format, options.layout)
        out = export_path(name, EXTENSIONS[args.format])
    if args.report and args.format != "csv":
        raise WorkbenchError("--report goes with --format csv (the XLSX has the report as its second sheet)")
    result = export_document(store, args.doc, args.format, out, options, report=args.report)
    for w in result.warnings:
        print(f"warning: {w}", file=sys.stderr)
    if args.json:
        json.dump({"path": str(result.path), "format": result.format, "summary": result.summary,
                   "warnings": result.warnings}, sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    else:
        print(result.summary)
        print(result.path)
    return 0


def cmd_import_bundle(args: argparse.Namespace) -> int:
    from workbench.export.bundle import import_bundle
    from workbench.store import open_store

    store = open_store(args.db)
    report = import_bundle(store, args.file, user=cli_user(),
                           max_bytes=int(args.max_mb * 1024 * 1024) if args.max_mb else None)
    if args.json:
        json.dump(report.as_dict(), sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    else:
        print(report.summary())
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    d = ExportOptions()
    p = sub.add_parser(
        "export",
        help="export a document: DOCX edition, TMX, TBX, CSV/XLSX table or project bundle",
        description="Export a document (or, for tbx/bundle, the whole project).",
    )
    p.add_argument("doc", type=_doc_arg, nargs="?", default=None, metavar="DOC",
                   help="document id; 'all' or nothing for tbx/bundle (whole project)")
    p.add_argument("--format", "-f", required=True, choices=list(FORMATS), help="what to write")
    p.add_argument("--out", "-o", metavar="FILE", help="file to write (default: exports folder, name from the title)")
    p.add_argument("--layout", choices=list(LAYOUTS), default=d.layout, help="DOCX layout (default: %(default)s)")
    p.add_argument("--json", action="store_true", help="print a JSON object describing the result")
    g = p.add_argument_group("edition options (docx)")
    g.add_argument("--source-side", choices=["right", "left"], default=d.source_side,
                   help="column of the source in the parallel layout (default: %(default)s)")
    g.add_argument("--page-size", choices=list(PAGE_SIZES), default=d.page_size, help="(default: %(default)s)")
    g.add_argument("--margins", type=_margins, default=d.margins_mm, metavar="MM",
                   help="margins in mm: one value or top,right,bottom,left (default: %(default)s)")
    g.add_argument("--latin-font", default=d.latin_font, metavar="NAME", help="(default: %(default)s)")
    g.add_argument("--hebrew-font", default=d.hebrew_font, metavar="NAME", help="(default: %(default)s)")
    g.add_argument("--latin-size", type=float, default=d.latin_size, metavar="PT", help="(default: %(default)s)")
    g.add_argument("--hebrew-size", type=float, default=d.hebrew_size, metavar="PT", help="(default: %(default)s)")
    g.add_argument("--no-title-page", action="store_true", help="start with the text")
    g.add_argument("--title", help="title (default: the document's)")
    g.add_argument("--author")
    g.add_argument("--translator")
    g.add_argument("--credits", help="credits line(s) for the title page (default: the document's)")
    g.add_argument("--no-header", action="store_true", help="no running header with the title")
    g.add_argument("--no-page-numbers", action="store_true")
    g.add_argument("--no-italics", action="store_true", help="do not set transliterations/italic marks in italics")
    g.add_argument("--no-bold-labels", action="store_true", help="do not set item labels in bold")
    g.add_argument("--notes", choices=["footnotes", "glossary", "none"], default=d.notes,
                   help="term glosses as footnotes, as a glossary appendix, or none (default: %(default)s)")
    g.add_argument("--no-source-notes", action="store_true", help="leave out the paragraphs' own notes")
    g.add_argument("--hide-annotations", action="store_true", help="ignore term annotations")
    g.add_argument("--comments", action="store_true",
                   help="the desk's comments as Word comments beside their paragraphs (resolved threads marked done)")
    p.add_argument("--confirmed-only", action="store_true", help="only confirmed links (all formats)")
    p.add_argument("--report", action="store_true",
                   help="csv: the consistency report (findings and tags) instead of the alignment table")
    p.set_defaults(func=cmd_export)

    p = sub.add_parser("import-bundle", help="import a project bundle (JSON) written by 'export --format bundle'")
    p.add_argument("file", metavar="FILE")
    p.add_argument("--json", action="store_true")
    p.add_argument("--max-mb", type=float, metavar="MB", help="refuse bundles larger than this (default 200)")
    p.set_defaults(func=cmd_import_bundle)
