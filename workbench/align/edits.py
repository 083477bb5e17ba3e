"""The alignment editor's pure operations, apart from any store or user interface.

Operations on a link list (and paragraph text) that return a *new* list and never touch their
input: :func:`merge_next`, :func:`split_link`, :func:`move_paragraph`, :func:`detach_paragraph`,
:func:`set_status`, plus :func:`split_texts` / :func:`sentence_ends` for paragraph splits,
:func:`merge_texts` for a refused save's draft and :func:`check_links` for the invariant every result
keeps (every paragraph of both sides in exactly one link, in order, no empty link); and the review
rules the editor's filters and "next to review" apply (:class:`LinkFilter`, :func:`next_to_review`).

Edited links are marked ``confirmed`` by default (an editor decided them; a later "re-align
unconfirmed" keeps them) and keep the aligner's score (the lower one for a merge); their sentence
alignment is dropped because it no longer matches. Invalid operations raise :class:`InvalidEdit`.

Saving them conflict-safely over the store, with undo, is a service a layer above
(:mod:`workbench.editing`): this module imports no store, so the operations can be tested and
scripted on plain lists.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

from workbench.errors import WorkbenchError
from workbench.model import Document, Link, Side, new_id

Direction = Literal["up", "down"]
Status = Literal["auto", "confirmed"]

#: score bands shown by the editor: below LOW is "low" (red), below MEDIUM "medium" (amber)
LOW = 0.5
MEDIUM = 0.8


class InvalidEdit(WorkbenchError):
    """An editing operation that cannot be applied as asked; the message says why. Nothing was saved."""


# ------------------------------------------------------------------------------- pure helpers


def copy_link(lk: Link) -> Link:
    return Link(list(lk.source), list(lk.target), lk.score, lk.status, lk.id, lk.rev, lk.sentences)


def copy_links(links: Iterable[Link]) -> list[Link]:
    return [copy_link(lk) for lk in links]


def _edited(lk: Link, source: list[str], target: list[str], *, score: float | None = None, confirm: bool,
            new: bool = False) -> Link:  # fmt: skip
    return Link(
        source=list(source),
        target=list(target),
        score=lk.score if score is None else score,
        status="confirmed" if confirm else "auto",
        id=new_id() if new else lk.id,
        rev=1 if new else lk.rev,
        sentences=None,
    )


def side_ids(lk: Link, side: Side) -> list[str]:
    """The paragraph ids of one side of a link (the list itself, not a copy)."""
    return lk.source if side == "source" else lk.target


def _with(lk: Link, side: Side, ids: list[str], *, confirm: bool) -> Link:
    if side == "source":
        return _edited(lk, ids, lk.target, confirm=confirm)
    return _edited(lk, lk.source, ids, confirm=confirm)


def _check_index(links: Sequence[Link], i: int) -> Link:
    if not 0 <= i < len(links):
        raise InvalidEdit(f"there is no link {i + 1} (the alignment has {len(links)} links)")
    return links[i]


def _check_side(side: str) -> Side:
    if side not in ("source", "target"):
        raise InvalidEdit(f"side must be 'source' or 'target', not {side!r}")
    return side  # type: ignore[return-value]


def index_of(links: Sequence[Link], link_id: str) -> int:
    for i, lk in enumerate(links):
        if lk.id == link_id:
            return i
    raise InvalidEdit(f"link {link_id} is no longer in the alignment; reload the page")


def link_of_paragraph(links: Sequence[Link], para_id: str) -> tuple[int, Side]:
    for i, lk in enumerate(links):
        if para_id in lk.source:
            return i, "source"
        if para_id in lk.target:
            return i, "target"
    raise InvalidEdit(f"paragraph {para_id} is in no link")


def check_links(doc: Document, links: Sequence[Link]) -> None:
    """Raise :class:`InvalidEdit` unless every paragraph of both sides is in exactly one link, in order."""
    for side in ("source", "target"):
        text = doc.side(side)  # type: ignore[arg-type]
        want = [p.id for p in text.paragraphs] if text else []
        got = [pid for lk in links for pid in side_ids(lk, side)]  # type: ignore[arg-type]
        if got != want:
            missing = set(want) - set(got)
            extra = [p for p in got if p not in set(want)]
            dup = len(got) - len(set(got))
            raise InvalidEdit(
                f"the {side} paragraphs are not each in exactly one link in order"
                f" ({len(missing)} missing, {len(extra)} unknown, {dup} repeated)"
            )
    for n, lk in enumerate(links):
        if not lk.source and not lk.target:
            raise InvalidEdit(f"link {n + 1} is empty")


# ------------------------------------------------------------------------------- pure operations


def merge_next(links: Sequence[Link], i: int, *, confirm: bool = True) -> list[Link]:
    """Link ``i`` and link ``i + 1`` become one link (it keeps the id of ``i`` and the lower score)."""
    a = _check_index(links, i)
    if i == len(links) - 1:
        raise InvalidEdit(f"link {i + 1} is the last link; there is no next link to merge it with")
    b = links[i + 1]
    merged = _edited(a, a.source + b.source, a.target + b.target, score=min(a.score, b.score), confirm=confirm)
    return copy_links(links[:i]) + [merged] + copy_links(links[i + 2 :])


def split_link(links: Sequence[Link], i: int, source_cut: int, target_cut: int, *, confirm: bool = True) -> list[Link]:
    """Cut link ``i`` in two: its first ``source_cut`` source and ``target_cut`` target paragraphs stay,
    the rest form a new link right after it. Both parts must keep at least one paragraph."""
    lk = _check_index(links, i)
    if not (0 <= source_cut <= len(lk.source) and 0 <= target_cut <= len(lk.target)):
        raise InvalidEdit(f"link {i + 1} ({lk.kind}) cannot be cut after {source_cut} source and {target_cut} target paragraphs")
    first_s, first_t = lk.source[:source_cut], lk.target[:target_cut]
    rest_s, rest_t = lk.source[source_cut:], lk.target[target_cut:]
    if not (first_s or first_t) or not (rest_s or rest_t):
        raise InvalidEdit(f"cutting link {i + 1} there would leave an empty link")
    first = _edited(lk, first_s, first_t, confirm=confirm)
    rest = _edited(lk, rest_s, rest_t, confirm=confirm, new=True)
    return copy_links(links[:i]) + [first, rest] + copy_links(links[i + 1 :])


def move_paragraph(
    links: Sequence[Link], i: int, side: Side, direction: Direction, *, para_id: str | None = None, confirm: bool = True
) -> list[Link]:
    """Move a paragraph of ``side`` across the boundary of link ``i``.

    ``down``: the last ``side`` paragraph of link ``i`` becomes the first of link ``i + 1``;
    ``up``: the first ``side`` paragraph of link ``i`` becomes the last of link ``i - 1``. With
    ``para_id`` the paragraph must be that one. A link left without paragraphs disappears.
    """
    side = _check_side(side)
    lk = _check_index(links, i)
    ids = side_ids(lk, side)
    if not ids:
        raise InvalidEdit(f"link {i + 1} has no {side} paragraph to move")
    if direction == "down":
        if i == len(links) - 1:
            raise InvalidEdit(f"link {i + 1} is the last link; a paragraph cannot move down out of it")
        moving, j = ids[-1], i + 1
    elif direction == "up":
        if i == 0:
            raise InvalidEdit("link 1 is the first link; a paragraph cannot move up out of it")
        moving, j = ids[0], i - 1
    else:
        raise InvalidEdit(f"direction must be 'up' or 'down', not {direction!r}")
    if para_id is not None and para_id != moving:
        where = "last" if direction == "down" else "first"
        raise InvalidEdit(f"only the {where} {side} paragraph of link {i + 1} can move {direction}; split or detach first")
    other = links[j]
    here_ids = [p for p in ids if p != moving]
    there_ids = [moving] + side_ids(other, side) if direction == "down" else side_ids(other, side) + [moving]
    here = _with(lk, side, here_ids, confirm=confirm)
    there = _with(other, side, there_ids, confirm=confirm)
    out = copy_links(links)
    out[i], out[j] = here, there
    if not here.source and not here.target:
        del out[i]
    return out


def detach_paragraph(links: Sequence[Link], i: int, side: Side, para_id: str, *, confirm: bool = True) -> list[Link]:
    """Give paragraph ``para_id`` of link ``i`` a 1-0 / 0-1 link of its own, before the rest of the
    link if it was the first of its side there, after it if it was the last."""
    side = _check_side(side)
    lk = _check_index(links, i)
    ids = side_ids(lk, side)
    if para_id not in ids:
        raise InvalidEdit(f"paragraph {para_id} is not a {side} paragraph of link {i + 1}")
    if len(lk.source) + len(lk.target) == 1:
        raise InvalidEdit(f"the paragraph is already alone in link {i + 1}")
    k = ids.index(para_id)
    if 0 < k < len(ids) - 1:
        raise InvalidEdit(
            f"the paragraph is in the middle of link {i + 1}; only the first or last {side} paragraph can be"
            " detached (split the link or move paragraphs first)"
        )
    rest = _with(lk, side, [p for p in ids if p != para_id], confirm=confirm)
    own = _edited(lk, [para_id] if side == "source" else [], [para_id] if side == "target" else [],
                  confirm=confirm, new=True)  # fmt: skip
    pair = [rest, own] if k == len(ids) - 1 else [own, rest]
    return copy_links(links[:i]) + pair + copy_links(links[i + 1 :])


def set_status(links: Sequence[Link], link_ids: Iterable[str], status: Status) -> list[Link]:
    """Set ``status`` on the given links; raises if none of them changes."""
    if status not in ("auto", "confirmed"):
        raise InvalidEdit(f"status must be 'auto' or 'confirmed', not {status!r}")
    wanted = set(link_ids)
    known = {lk.id for lk in links}
    if unknown := wanted - known:
        raise InvalidEdit(f"{len(unknown)} link(s) are no longer in the alignment; reload the page")
    out, changed = [], 0
    for lk in links:
        c = copy_link(lk)
        if lk.id in wanted and lk.status != status:
            c.status = status
            changed += 1
        out.append(c)
    if not changed:
        word = "confirmed" if status == "confirmed" else "unconfirmed"
        raise InvalidEdit(f"nothing to change: the chosen link(s) are already {word}")
    return out


def split_texts(text: str, offset: int) -> tuple[str, str]:
    """Head and tail of a paragraph split at ``offset`` (what the store's ``split_paragraph`` saves)."""
    if not 0 < offset < len(text) or not text[:offset].strip() or not text[offset:].strip():
        raise InvalidEdit(
            f"cannot split at character {offset}: the split point must leave text on both sides"
            f" (the paragraph has {len(text)} characters)"
        )
    return text[:offset].rstrip(), text[offset:].lstrip()


def merge_texts(base: str, mine: str, theirs: str) -> tuple[str, int]:
    """A word-level three-way merge: ``base`` is the text the editor started from, ``mine`` their
    draft, ``theirs`` what someone else saved meanwhile. Returns (merged text, places changed by both).

    Changes made by only one side are all applied; where both changed the same words differently the
    draft's wording is kept (the editor sees the current text beside it and decides), so the result is
    a starting point for the editor, never saved without them."""
    from difflib import SequenceMatcher

    from workbench.textdiff import words

    b = words(base)
    keys = [w.rstrip() for w in b]

    def changes(other: str, who: int) -> list[tuple[int, int, list[str], int]]:
        o = words(other)
        sm = SequenceMatcher(None, keys, [w.rstrip() for w in o], autojunk=False)
        return [(i1, i2, o[j1:j2], who) for tag, i1, i2, j1, j2 in sm.get_opcodes() if tag != "equal"]

    def apply(chs: list[tuple[int, int, list[str], int]], start: int, end: int) -> list[str]:
        out, p = [], start
        for i1, i2, tok, _who in chs:
            out += b[p:i1] + tok
            p = i2
        return out + b[p:end]

    allc = sorted(changes(mine, 0) + changes(theirs, 1), key=lambda c: (c[0], c[1], c[3]))
    clusters: list[list[tuple[int, int, list[str], int]]] = []
    for c in allc:
        if clusters and (c[0] < max(x[1] for x in clusters[-1]) or c[0] == clusters[-1][0][0]):
            clusters[-1].append(c)
        else:
            clusters.append([c])
    out: list[str] = []
    pos = conflicts = 0
    for cl in clusters:
        start, end = cl[0][0], max(x[1] for x in cl)
        out += b[pos:start]
        mine_part = apply([c for c in cl if c[3] == 0], start, end)
        theirs_part = apply([c for c in cl if c[3] == 1], start, end)
        if {c[3] for c in cl} == {0, 1} and "".join(mine_part).rstrip() != "".join(theirs_part).rstrip():
            conflicts += 1
        out += mine_part if any(c[3] == 0 for c in cl) else theirs_part
        pos = end
    out += b[pos:]
    # a word that ended its text may now be followed by one: keep them apart
    text = "".join(w + " " if w[-1:].strip() and k + 1 < len(out) and out[k + 1][:1].strip() else w
                   for k, w in enumerate(out))  # fmt: skip
    return text, conflicts


def sentence_ends(text: str, lang: str | None) -> list[int]:
    """Offsets where the paragraph can be split between two sentences (ends of all but the last)."""
    from workbench.segment import split_sentences

    out = []
    for _a, b in split_sentences(text, lang)[:-1]:
        if text[:b].strip() and text[b:].strip():
            out.append(b)
    return out


# ------------------------------------------------------------------------------- review helpers


@dataclass(frozen=True)
class LinkFilter:
    """Which links the editor shows: all by default; each switch narrows the list."""

    low_below: float | None = None  # only links scoring below this
    non_one_to_one: bool = False  # only links that are not 1-1
    unconfirmed: bool = False  # only links still auto

    def match(self, lk: Link) -> bool:
        if self.low_below is not None and not lk.score < self.low_below:
            return False
        if self.non_one_to_one and len(lk.source) == 1 and len(lk.target) == 1:
            return False
        return not (self.unconfirmed and lk.status == "confirmed")


def filter_indices(links: Sequence[Link], flt: LinkFilter) -> list[int]:
    return [i for i, lk in enumerate(links) if flt.match(lk)]


def needs_review(lk: Link, threshold: float) -> bool:
    return lk.status != "confirmed" and lk.score < threshold


def next_to_review(
    links: Sequence[Link], after: int, threshold: float, among: Sequence[int] | None = None
) -> int | None:
    """Index of the first unconfirmed link scoring below ``threshold`` after position ``after``
    (wrapping round to the start), limited to ``among`` when given; ``None`` if there is none."""
    pool = range(len(links)) if among is None else among
    cands = [i for i in pool if needs_review(links[i], threshold)]
    if not cands:
        return None
    for i in cands:
        if i > after:
            return i
    return cands[0]


def confidence_band(score: float) -> str:
    return "low" if score < LOW else "medium" if score < MEDIUM else "high"
