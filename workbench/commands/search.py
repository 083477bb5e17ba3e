"""``workbench search``, ``repeats``, ``tm`` and ``index``: the concordance and translation memory.

    workbench search QUERY [--lang he|en|both] [--exact] [--stem] [--doc DOC] [--limit N] [--no-memory]
                           [--renderings] [--json]
    workbench repeats [--min-words N] [--all] [--out FILE.csv|FILE.xlsx] [--json]
    workbench tm import FILE.tmx [--label L] [--source-lang he] [--target-lang en]
    workbench tm list [--json] | tm remove LABEL | tm suggest DOC LINK [--limit N] [--json]
    workbench index                                   (rebuild the concordance index)

``search --json`` prints a list of objects with ``document``, ``link``, ``source``, ``target``,
``source_spans``, ``target_spans`` (``[start, end]`` character offsets into ``source``/``target``)
and ``score`` (a contract), plus ``title``, ``item``, ``unit`` (``sentence`` or ``paragraph``),
``origin`` (``corpus`` or ``memory: LABEL``) and ``link_pos``. With ``--renderings`` (a Hebrew
query) it prints ``{"hits": [...], "renderings": [{"rendering", "count", "share", "score",
"examples"}], "units", "unassigned"}``. ``repeats --json`` prints a list of groups ``{"passage",
"words", "renderings", "occurrences": [{"document", "title", "link", "item", "hebrew", "english"}],
"diffs"}``.
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


def _marked(text: str, spans: list[tuple[int, int]]) -> str:
    out, last = [], 0
    for a, b in spans:
        out += [text[last:a], "[", text[a:b], "]"]
        last = b
    out.append(text[last:])
    return " ".join("".join(out).split())


def cmd_search(args: argparse.Namespace) -> int:
    from workbench import search as svc

    store = _store(args)
    if args.limit < 1:
        raise WorkbenchError("--limit must be at least 1")
    if args.doc is not None:
        store.get_document(args.doc)  # an unknown document is named, not silently empty
    if args.renderings:
        if args.lang == "en":
            raise WorkbenchError("--renderings is for a Hebrew (source-language) query")
        rep = svc.renderings(store, args.query, exact=args.exact, doc=args.doc)
        if args.json:
            print_json({"hits": [h.to_dict() for h in rep.hits[:args.limit]], "units": rep.units,
                        "unassigned": rep.unassigned, "renderings": [r.to_dict() for r in rep.renderings]})
            return 0
        print(f"{rep.units} aligned unit(s) hold {args.query}; English renderings:")
        for r in rep.renderings:
            print(f"{r.count:>6}  {r.share:6.1%}  {r.rendering}")
        if rep.unassigned:
            print(f"{rep.unassigned:>6}  (no rendering found)")
        return 0
    res, _report = svc.concordance(store, args.query, lang=args.lang, exact=args.exact, stem=args.stem, doc=args.doc,
                                   limit=args.limit, memory=not args.no_memory)  # fmt: skip
    if args.json:
        print_json([h.to_dict() for h in res.hits])
        return 0
    if not res.hits:
        print(f"no match for {args.query}")
        return 0
    for h in res.hits:
        where = f"#{h.document} {h.title}" if h.document is not None else h.origin
        print(f"{where}  {h.item or ''}  ({h.unit})")
        print(f"  {_marked(h.source, h.source_spans)}")
        print(f"  {_marked(h.target, h.target_spans)}")
    more = "" if res.complete else " (more may follow: raise --limit)"
    print(f"{len(res.hits)} result(s) in {res.ms:.0f} ms{more}")
    return 0


def cmd_repeats(args: argparse.Namespace) -> int:
    from workbench import search as svc

    groups = svc.repeats(_store(args), args.min_words, only_different=not args.all)
    if args.out:
        n = svc.write_repeats(groups, args.out)
        print(f"{n} row(s) of {len(groups)} group(s) written to {args.out}", file=sys.stderr if args.json else sys.stdout)
    if args.json:
        print_json([g.to_dict() for g in groups])
        return 0
    if not args.out:
        if not groups:
            print(f"no repeated passage of {args.min_words} words or more with differing English")
        for n, g in enumerate(groups, 1):
            print(f"{n}. {g.passage}  ({g.words} words, {len(g.occurrences)} occurrences, {g.renderings} renderings)")
            for o in g.occurrences:
                print(f"   #{o.document} {o.item or ''}: {' '.join(o.english.split())[:200]}")
    return 0


def cmd_tm_import(args: argparse.Namespace) -> int:
    from workbench.io.tmx import read_tmx

    path = Path(args.file)
    if not path.is_file():
        raise InputError(path, "no such file")
    mem = read_tmx(path, source_lang=args.source_lang, target_lang=args.target_lang)
    label = args.label or path.name
    f = _store(args).search.import_memory(label, path.name, mem.source_lang, mem.target_lang, mem.units, cli_user())
    skipped = f" ({mem.skipped} without both languages left out)" if mem.skipped else ""
    print(f"{path.name}: {f.units} unit(s) {f.source_lang}->{f.target_lang} as reference memory {f.label!r}{skipped}")
    return 0


def cmd_tm_list(args: argparse.Namespace) -> int:
    mems = _store(args).search.memories()
    if args.json:
        print_json([vars(m) for m in mems])
        return 0
    if not mems:
        print("no reference memory (workbench tm import FILE.tmx)")
    for m in mems:
        print(f"{m.label}  {m.units} unit(s) {m.source_lang}->{m.target_lang}  from {m.filename}, {m.imported[:10]} by {m.imported_by}")
    return 0


def cmd_tm_remove(args: argparse.Namespace) -> int:
    n = _store(args).search.remove_memory(args.label, cli_user())
    print(f"removed reference memory {args.label!r} ({n} unit(s))")
    return 0


def cmd_tm_suggest(args: argparse.Namespace) -> int:
    from workbench import search as svc

    sug = svc.suggestions(_store(args), args.doc, args.link, limit=args.limit)
    if args.json:
        print_json([s.to_dict() for s in sug])
        return 0
    if not sug:
        print("no similar passage in the corpus")
    for s in sug:
        flag = f"  exact repeat of {s.repeat_words} words" if s.repeat else ""
        where = f"#{s.document} {s.title} {s.item or ''}" if s.document is not None else s.origin
        print(f"{s.percent:>3}%  {where}{flag}")
        print(f"      {' '.join(s.source.split())[:200]}")
        print(f"      {' '.join(s.target.split())[:200]}")
    return 0


def cmd_index(args: argparse.Namespace) -> int:
    n = _store(args).search.rebuild()
    print(f"concordance index rebuilt: {n} unit(s)")
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = subparsers.add_parser(
        "search", help="concordance: where a word or phrase occurs, with its aligned counterpart",
        description="Search every document (and the reference memories) for QUERY: words (all must occur),"
                    ' "phrases", a NEAR/5 b, * inside or at the end of a word. Hebrew ignores points,'
                    " final forms, geresh/gershayim variants and one-letter prefixes unless --exact; English"
                    " ignores case and accents.",
    )  # fmt: skip
    p.add_argument("query", metavar="QUERY")
    p.add_argument("--lang", choices=["he", "en", "both"], default="both",
                   help="he: the source side, en: the translation, both (default): each word on the side of its script")
    p.add_argument("--exact", action="store_true", help="words exactly as written (points, final forms, prefixes, case)")
    p.add_argument("--stem", action="store_true", help="English: match other forms of a word (light, lights, lighting)")
    p.add_argument("--doc", type=int, metavar="DOC", help="only this document")
    p.add_argument("--limit", type=int, default=20, metavar="N", help="at most N results (default 20)")
    p.add_argument("--no-memory", action="store_true", help="leave the reference memories (TMX imports) out")
    p.add_argument("--renderings", action="store_true", help="a Hebrew query: how it was rendered in English, counted")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=cmd_search)

    p = subparsers.add_parser(
        "repeats", help="repeated Hebrew passages whose English renderings differ",
        description="Every Hebrew passage of N normalised words or more found in two links or more whose English"
                    " renderings differ, grouped, with a word-level diff.",
    )  # fmt: skip
    p.add_argument("--min-words", type=int, default=8, metavar="N", help="shortest passage (default 8 words)")
    p.add_argument("--all", action="store_true", help="also passages rendered the same way everywhere")
    p.add_argument("--out", metavar="FILE", help="write the report as .csv or .xlsx")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=cmd_repeats)

    tm = subparsers.add_parser("tm", help="translation memory: reference TMX files, suggestions for a link")
    sub = tm.add_subparsers(dest="tm_command", required=True)
    p = sub.add_parser("import", help="import a TMX 1.4 file as read-only reference memory")
    p.add_argument("file", metavar="FILE")
    p.add_argument("--label", help="the name results show (default: the file name)")
    p.add_argument("--source-lang", help="the source language of the units (default: the header's srclang)")
    p.add_argument("--target-lang", help="the target language (default: the other language found)")
    p.set_defaults(func=cmd_tm_import)
    p = sub.add_parser("list", help="the reference memories")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_tm_list)
    p = sub.add_parser("remove", help="remove a reference memory")
    p.add_argument("label", metavar="LABEL")
    p.set_defaults(func=cmd_tm_remove)
    p = sub.add_parser("suggest", help="the most similar source passages to one link, with their English")
    p.add_argument("doc", type=int, metavar="DOC")
    p.add_argument("link", metavar="LINK", help="link id (workbench export --json, or the Alignment page)")
    p.add_argument("--limit", type=int, default=5, metavar="N")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_tm_suggest)

    p = subparsers.add_parser("index", help="rebuild the concordance index (it is kept current by every edit)")
    p.set_defaults(func=cmd_index)
