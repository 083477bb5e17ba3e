"""Which paragraphs of a new version of a text are which paragraphs of the old one.

A revised translation comes back as a file: paragraphs re-typed, some edited, one split in two, two
joined, a few added, deleted or moved. To keep what hangs on the old paragraphs (links, annotations,
finding tags) the new paragraphs must be matched to the old ones explicitly, never by position. The
matching is pure (lists of strings in, a list of :class:`Change` out) so it is tested on tables and
used the same way by the update service, the compare view and the tracked-changes export.

How: paragraphs whose text (after Unicode NFC and white-space folding) occurs once in each version
and in the same order are the anchors (the "patience diff" rule, so one paragraph moved from the
start to the end does not turn everything between into deletions); between anchors
:class:`difflib.SequenceMatcher` (the standard library's diff, no dependency) finds the remaining
runs of unchanged paragraphs. In a revision where most paragraphs are untouched this does the whole
matching in about linear time. Each stretch between anchors is then solved by a small dynamic programme
over the steps an editor can make to paragraphs: keep one (edited), split one into two or three,
merge two or three into one, insert, delete. A pair counts as the same paragraph when the word-level
similarity of the texts (again ``SequenceMatcher``, on words with Hebrew points, final letters and
case folded) reaches ``threshold``; the programme picks the steps with the greatest total similarity
above it. Last, a deleted and an inserted paragraph with the same (or nearly the same) text are a
move. Long stretches are solved within a band around their diagonal, so a completely different file
costs linear time, not quadratic.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import Literal

from workbench.hebrew import normalize_for_match

Op = Literal["unchanged", "edited", "split", "merged", "inserted", "deleted", "moved"]
OPS: tuple[Op, ...] = ("unchanged", "edited", "split", "merged", "inserted", "deleted", "moved")

#: least word similarity for two paragraphs to count as one paragraph edited (0..1)
THRESHOLD = 0.5
#: least similarity for a deleted and an inserted paragraph to count as one paragraph moved
MOVE_THRESHOLD = 0.9
#: how many paragraphs a stretch's dynamic programme looks either side of its diagonal
BAND = 12
#: the most pieces one split (or merge) is tried with
MAX_PIECES = 3
#: a split or merge must beat keeping one piece and inserting the others by this much
_PIECE_PENALTY = 0.02

_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class Change:
    """One step from the old version to the new: ``old`` and ``new`` are paragraph indices.

    ``unchanged``/``edited``/``moved``: one old, one new; ``split``: one old, several new;
    ``merged``: several old, one new; ``inserted``: no old; ``deleted``: no new. ``similarity`` is
    the word similarity of the old and new text (1.0 for unchanged, 0.0 for inserted/deleted); a
    ``moved`` paragraph with a similarity under 1.0 was also edited.
    """

    op: Op
    old: tuple[int, ...]
    new: tuple[int, ...]
    similarity: float = 1.0

    def to_dict(self) -> dict[str, object]:
        return {"op": self.op, "old": list(self.old), "new": list(self.new), "similarity": round(self.similarity, 3)}


def same_key(text: str) -> str:
    """What must be equal for a paragraph to be unchanged: NFC, white space folded and trimmed.

    Points (niqqud), case and punctuation count: a corrected vowel is an edit the editor must see."""
    if not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    return " ".join(text.split())  # str.split's white space is the regex's \s, and it is faster


def word_key(text: str) -> list[str]:
    """Words for similarity: Hebrew points, geresh forms and final letters folded, case folded."""
    return _WORD.findall(normalize_for_match(text).casefold())


class _Sim:
    """Word similarity with its word lists and results memoised (a stretch asks for many pairs)."""

    def __init__(self, old: Sequence[str], new: Sequence[str]) -> None:
        self.old, self.new = old, new
        self._words: dict[tuple[str, int, int], list[str]] = {}
        self._memo: dict[tuple[int, int, int, int], float] = {}

    def words(self, which: str, a: int, b: int) -> list[str]:
        key = (which, a, b)
        got = self._words.get(key)
        if got is None:
            texts = self.old if which == "o" else self.new
            got = [w for t in texts[a:b] for w in word_key(t)]
            self._words[key] = got
        return got

    def ratio(self, i1: int, i2: int, j1: int, j2: int, floor: float) -> float:
        """Similarity of old[i1:i2] joined and new[j1:j2] joined; 0.0 when it is surely under ``floor``."""
        key = (i1, i2, j1, j2)
        if key in self._memo:
            return self._memo[key]
        a, b = self.words("o", i1, i2), self.words("n", j1, j2)
        if not a and not b:
            x, y = " ".join(self.old[i1:i2]), " ".join(self.new[j1:j2])
            r = SequenceMatcher(None, x, y, autojunk=False).ratio() if (x or y) else 1.0
        else:
            sm = SequenceMatcher(None, a, b, autojunk=False)
            r = sm.ratio() if sm.real_quick_ratio() >= floor and sm.quick_ratio() >= floor else 0.0
        self._memo[key] = r
        return r


def _solve(sim: _Sim, i1: int, i2: int, j1: int, j2: int, threshold: float) -> list[Change]:
    """The best steps for old[i1:i2] against new[j1:j2] (no anchors inside)."""
    n, m = i2 - i1, j2 - j1
    if n == 0:
        return [Change("inserted", (), (j,), 0.0) for j in range(j1, j2)]
    if m == 0:
        return [Change("deleted", (i,), (), 0.0) for i in range(i1, i2)]
    band = max(BAND, abs(n - m) + BAND // 2)

    def centre(i: int) -> float:
        return i * m / n

    neg = float("-inf")
    best: dict[tuple[int, int], float] = {(0, 0): 0.0}
    back: dict[tuple[int, int], tuple[int, int, str, float]] = {}
    for i in range(n + 1):
        lo, hi = max(0, int(centre(i) - band)), min(m, int(centre(i) + band) + 1)
        for j in range(lo, hi + 1):
            if (i, j) == (0, 0):
                continue
            here, how = neg, None
            cands: list[tuple[int, int, str]] = [(0, 1, "inserted"), (1, 0, "deleted"), (1, 1, "edited")]
            cands += [(1, k, "split") for k in range(2, MAX_PIECES + 1)]
            cands += [(k, 1, "merged") for k in range(2, MAX_PIECES + 1)]
            for di, dj, op in cands:
                pi, pj = i - di, j - dj
                if pi < 0 or pj < 0:
                    continue
                prev = best.get((pi, pj))
                if prev is None:
                    continue
                if op in ("deleted", "inserted"):
                    gain, r = 0.0, 0.0
                else:
                    r = sim.ratio(i1 + pi, i1 + i, j1 + pj, j1 + j, threshold)
                    if r < threshold:
                        continue
                    gain = r - threshold - _PIECE_PENALTY * (di + dj - 2)
                if prev + gain > here:
                    here, how = prev + gain, (pi, pj, op, r)
            if how is not None:
                best[(i, j)] = here
                back[(i, j)] = how
    out: list[Change] = []
    i, j = n, m
    if (i, j) not in back:  # the band missed the corner (cannot happen with the band above); be safe
        return [Change("deleted", (k,), (), 0.0) for k in range(i1, i2)] + [
            Change("inserted", (), (k,), 0.0) for k in range(j1, j2)]
    while (i, j) != (0, 0):
        pi, pj, op, r = back[(i, j)]
        olds = tuple(range(i1 + pi, i1 + i))
        news = tuple(range(j1 + pj, j1 + j))
        if op == "edited" and r >= 1.0 and all(same_key(sim.old[a]) == same_key(sim.new[b])
                                                   for a, b in zip(olds, news, strict=True)):
            op = "unchanged"
        out.append(Change(op, olds, news, r))  # type: ignore[arg-type]
        i, j = pi, pj
    out.reverse()
    return out


def _moves(changes: list[Change], sim: _Sim, old_keys: list[str], new_keys: list[str]) -> list[Change]:
    """Pair deleted and inserted paragraphs with the same (or nearly the same) text as moves."""
    deleted = [k for k, c in enumerate(changes) if c.op == "deleted"]
    inserted = [k for k, c in enumerate(changes) if c.op == "inserted"]
    if not deleted or not inserted:
        return changes
    by_key: dict[str, list[int]] = {}
    for k in inserted:
        by_key.setdefault(new_keys[changes[k].new[0]], []).append(k)
    pairs: dict[int, tuple[int, float]] = {}  # inserted change index -> (deleted change index, sim)
    left: list[int] = []
    for k in deleted:
        key = old_keys[changes[k].old[0]]
        if not key:
            continue
        if by_key.get(key):
            pairs[by_key[key].pop(0)] = (k, 1.0)
        else:
            left.append(k)
    rest = [k for k in inserted if k not in pairs]
    if left and rest and len(left) * len(rest) <= 20_000:
        cands = []
        for d in left:
            for ins in rest:
                r = sim.ratio(changes[d].old[0], changes[d].old[0] + 1, changes[ins].new[0], changes[ins].new[0] + 1,
                              MOVE_THRESHOLD)  # fmt: skip
                if r >= MOVE_THRESHOLD:
                    cands.append((r, d, ins))
        used_d: set[int] = set()
        for r, d, ins in sorted(cands, key=lambda x: -x[0]):
            if d in used_d or ins in pairs:
                continue
            used_d.add(d)
            pairs[ins] = (d, r)
    if not pairs:
        return changes
    gone = {d for d, _ in pairs.values()}
    out = []
    for k, c in enumerate(changes):
        if k in gone:
            continue
        if k in pairs:
            d, r = pairs[k]
            out.append(Change("moved", changes[d].old, c.new, r))
        else:
            out.append(c)
    return out


def match_versions(old: Sequence[str], new: Sequence[str], *, threshold: float = THRESHOLD) -> list[Change]:
    """The changes that turn the paragraphs ``old`` into ``new``, in the new text's order.

    Every old index appears in exactly one change and every new index too; a ``deleted`` change
    stands where the paragraph stood among its neighbours. See the module doc for the method."""
    old_keys = [same_key(t) for t in old]
    new_keys = [same_key(t) for t in new]
    sim = _Sim(old, new)
    changes: list[Change] = []
    pi, pj = 0, 0
    for ai, aj in [*_anchors(old_keys, new_keys), (len(old), len(new))]:
        # between two anchors: the standard diff of the keys, then the programme on what differs
        sm = SequenceMatcher(None, old_keys[pi:ai], new_keys[pj:aj], autojunk=False)
        for tag, i1, i2, j1, j2 in sm.get_opcodes():
            i1, i2, j1, j2 = i1 + pi, i2 + pi, j1 + pj, j2 + pj
            if tag == "equal":
                changes.extend(Change("unchanged", (i1 + k,), (j1 + k,), 1.0) for k in range(i2 - i1))
            else:
                changes.extend(_solve(sim, i1, i2, j1, j2, threshold))
        if ai < len(old):
            changes.append(Change("unchanged", (ai,), (aj,), 1.0))
        pi, pj = ai + 1, aj + 1
    return _moves(changes, sim, old_keys, new_keys)


def _anchors(old_keys: list[str], new_keys: list[str]) -> list[tuple[int, int]]:
    """Paragraphs whose text occurs exactly once in each version, the longest chain of them in the
    same order in both (the anchors of "patience diff"): a paragraph moved far away is then a move,
    not the anchor that turns everything between into deletions and insertions."""
    from bisect import bisect_left

    count_old: dict[str, int] = {}
    count_new: dict[str, int] = {}
    for k in old_keys:
        count_old[k] = count_old.get(k, 0) + 1
    for k in new_keys:
        count_new[k] = count_new.get(k, 0) + 1
    where_new = {k: j for j, k in enumerate(new_keys) if count_new[k] == 1}
    pairs = [(i, where_new[k]) for i, k in enumerate(old_keys) if k and count_old[k] == 1 and k in where_new]
    # longest increasing subsequence of the new positions (patience sorting, with back links)
    tails: list[int] = []
    tail_at: list[int] = []
    prev: list[int] = [-1] * len(pairs)
    for n, (_, j) in enumerate(pairs):
        k = bisect_left(tails, j)
        if k == len(tails):
            tails.append(j)
            tail_at.append(n)
        else:
            tails[k] = j
            tail_at[k] = n
        prev[n] = tail_at[k - 1] if k else -1
    out: list[tuple[int, int]] = []
    n = tail_at[-1] if tail_at else -1
    while n >= 0:
        out.append(pairs[n])
        n = prev[n]
    out.reverse()
    return out


def summarize(changes: Sequence[Change]) -> dict[str, int]:
    """Paragraph counts per kind of change (every kind present, zero or not): a change summary."""
    counts = dict.fromkeys(OPS, 0)
    for c in changes:
        counts[c.op] += 1
    return counts


def changed_only(changes: Sequence[Change]) -> list[Change]:
    return [c for c in changes if c.op != "unchanged"]
