"""The alignment of a document after one side was replaced by a new version: keep what still holds.

Given the old links, the paragraph ids of the updated side before and after (unchanged and edited
paragraphs keep their ids; see :mod:`workbench.versiondiff`) and which new ids need aligning again
(inserted, split, merged, moved paragraphs), :func:`relink` keeps every link whose paragraphs are
all still there, contiguous and in order ("clean"), and re-aligns only the stretches between them
with the ordinary aligner (an unconfirmed link holding only a paragraph of the other side joins a
stretch it borders: see :func:`_open_unpaired`). A confirmed link is never silently kept over
changed text: when one of its paragraphs was edited it is unconfirmed and marked to review; a
confirmed link whose stretch had to be re-aligned leaves its marks on the links that replace it. Pure (no store): the update
service feeds it ids and texts and saves what it returns.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from workbench.model import Link, Side

#: (source texts, target texts) -> [(source indices, target indices, score)] of a stretch
AlignFn = Callable[[Sequence[str], Sequence[str]], list[tuple[list[int], list[int], float]]]

EDITED = "paragraph edited in the new version"
REALIGNED = "re-aligned after the new version (a confirmed link stood here)"


def _open_unpaired(clean: list[Link], mine: Callable[[Link], list[str]], npos: dict[str, int]) -> list[Link]:
    """``clean`` without the unconfirmed links that hold no paragraph of the updated side (a
    paragraph of the other side left unpaired, 1-0) and stand where paragraphs of the new version
    come in: they are aligned again with them, so a translation added for a paragraph that had none
    pairs with it. Such a link has no paragraph the new version could have left unchanged; a
    confirmed one (the editor said the paragraph stays unpaired) is kept."""
    out: list[Link] = []
    k = 0
    while k < len(clean):
        if mine(clean[k]):
            out.append(clean[k])
            k += 1
            continue
        run_end = k
        while run_end < len(clean) and not mine(clean[run_end]):
            run_end += 1
        before = npos[mine(clean[k - 1])[-1]] if k > 0 else -1
        after = npos[mine(clean[run_end])[0]] if run_end < len(clean) else len(npos)
        news_between = after - before - 1 > 0
        out.extend(lk for lk in clean[k:run_end] if not news_between or lk.status == "confirmed")
        k = run_end
    return out


def default_align(src: Sequence[str], tgt: Sequence[str], *,
                  signals: Sequence[object] | None = None) -> list[tuple[list[int], list[int], float]]:  # fmt: skip
    """``signals``: the aligner's (None: its default set); the update service hands in a set whose
    embedding signal keeps its vectors in the project (see workbench/align_cache.py)."""
    from workbench.align.aligner import align_paragraphs

    return [(al.source, al.target, float(al.score)) for al in align_paragraphs(list(src), list(tgt), signals=signals)]


@dataclass
class Relinked:
    links: list[Link]
    #: link id -> why an editor should look at it again
    to_review: dict[str, str] = field(default_factory=dict)
    kept: int = 0  # old links kept with their id and content (status aside)
    realigned: int = 0  # links made by re-aligning a stretch
    removed: list[str] = field(default_factory=list)  # old link ids gone


def relink(
    side: Side,
    links: Sequence[Link],
    new_ids: Sequence[str],
    other_ids: Sequence[str],
    *,
    new_texts: Sequence[str],
    other_texts: Sequence[str],
    dirty: set[str],
    edited: set[str],
    align: AlignFn | None = None,
) -> Relinked:
    """The links after ``side`` became ``new_ids`` (see the module doc).

    ``dirty``: new ids whose place in the alignment must be found again; ``edited``: ids kept with
    changed text. Old ids absent from ``new_ids`` are gone (deleted, merged away). A document that
    was never aligned (no links) stays so."""
    if not links:
        return Relinked([])
    align = align or default_align
    npos = {pid: i for i, pid in enumerate(new_ids)}
    opos = {pid: i for i, pid in enumerate(other_ids)}

    def mine(lk: Link) -> list[str]:
        return lk.source if side == "source" else lk.target

    def theirs(lk: Link) -> list[str]:
        return lk.target if side == "source" else lk.source

    clean: list[Link] = []
    last_n, last_o = -1, -1
    for lk in links:
        ids, oth = mine(lk), theirs(lk)
        ok = all(p in npos and p not in dirty for p in ids) and all(p in opos for p in oth)
        if ok and ids:
            ps = [npos[p] for p in ids]
            ok = ps == list(range(ps[0], ps[0] + len(ps))) and ps[0] > last_n
        if ok and oth:
            qs = [opos[p] for p in oth]
            ok = qs == list(range(qs[0], qs[0] + len(qs))) and qs[0] > last_o
        if ok:
            clean.append(lk)
            if ids:
                last_n = npos[ids[-1]]
            if oth:
                last_o = opos[oth[-1]]
    clean = _open_unpaired(clean, mine, npos)
    old_by_key = {(tuple(lk.source), tuple(lk.target)): lk for lk in links}
    was_confirmed = {lk.id for lk in links if lk.status == "confirmed"}
    out = Relinked([])
    # which old confirmed links each stretch replaces (their marks go to the links made there)
    clean_ids = {lk.id for lk in clean}
    lost_confirmed_near: set[int] = set()

    def gap(n0: int, n1: int, o0: int, o1: int, k: int) -> None:
        mine_ids, oth_ids = list(new_ids[n0:n1]), list(other_ids[o0:o1])
        if not mine_ids and not oth_ids:
            return
        src_ids, tgt_ids = (mine_ids, oth_ids) if side == "source" else (oth_ids, mine_ids)
        if src_ids and tgt_ids:
            src_t = new_texts[n0:n1] if side == "source" else other_texts[o0:o1]
            tgt_t = other_texts[o0:o1] if side == "source" else new_texts[n0:n1]
            beads = align(src_t, tgt_t)
        else:
            beads = [([i], [], 0.0) for i in range(len(src_ids))] + [([], [j], 0.0) for j in range(len(tgt_ids))]
        for s, t, score in beads:
            key = (tuple(src_ids[i] for i in s), tuple(tgt_ids[j] for j in t))
            prev = old_by_key.get(key)
            if prev is not None and prev.id not in clean_ids:
                lk = Link(list(key[0]), list(key[1]), prev.score, prev.status, prev.id, prev.rev, prev.sentences)
                if lk.status == "confirmed" and any(p in edited or p in dirty for p in mine(lk)):
                    lk.status = "auto"
                    out.to_review[lk.id] = EDITED
                out.kept += 1
            else:
                lk = Link(list(key[0]), list(key[1]), score, "auto")
                out.realigned += 1
                if k in lost_confirmed_near:
                    out.to_review[lk.id] = REALIGNED
            out.links.append(lk)

    # a stretch k lies before clean link k; note which stretches replace confirmed links
    order = {lk.id: i for i, lk in enumerate(links)}
    clean_order = [order[lk.id] for lk in clean]
    for lk in links:
        if lk.id in was_confirmed and lk.id not in clean_ids:
            i = order[lk.id]
            k = sum(1 for c in clean_order if c < i)
            lost_confirmed_near.add(k)

    ns, os_ = 0, 0
    for k, lk in enumerate(clean):
        ids, oth = mine(lk), theirs(lk)
        a = npos[ids[0]] if ids else ns
        c = opos[oth[0]] if oth else os_
        gap(ns, a, os_, c, k)
        kept = Link(list(lk.source), list(lk.target), lk.score, lk.status, lk.id, lk.rev, lk.sentences)
        if any(p in edited for p in ids):
            kept.sentences = None  # sentence links index the old text's sentences
            if kept.status == "confirmed":
                kept.status = "auto"
                out.to_review[kept.id] = EDITED
        out.links.append(kept)
        out.kept += 1
        if ids:
            ns = npos[ids[-1]] + 1
        if oth:
            os_ = opos[oth[-1]] + 1
    gap(ns, len(new_ids), os_, len(other_ids), len(clean))
    got = {lk.id for lk in out.links}
    out.removed = [lk.id for lk in links if lk.id not in got]
    return out
