"""Keep an annotation's span right when its paragraph is edited: re-anchor by text, not offset.

An annotation stores its ``surface`` and up to :data:`CONTEXT` characters of context on each side.
On read (and after an edit) :func:`reanchor` checks the stored offsets first; when the text there
no longer is the surface with its context, it looks for every occurrence of the surface in the new
text and picks the one whose surroundings agree best with the stored context, nearest to the old
place on a tie. Nothing found means ``lost`` (the editor is shown it; it is never silently moved to
an unrelated word).
"""

from __future__ import annotations

from dataclasses import dataclass

CONTEXT = 24


@dataclass(frozen=True)
class Anchor:
    start: int
    end: int
    surface: str
    before: str
    after: str
    state: str  # "ok", "moved" or "lost"


def context_of(text: str, start: int, end: int, width: int = CONTEXT) -> tuple[str, str]:
    return text[max(0, start - width) : start], text[end : end + width]


def make_anchor(text: str, start: int, end: int) -> Anchor:
    if not (0 <= start < end <= len(text)):
        raise ValueError(f"span {start}:{end} is outside a text of {len(text)} characters")
    before, after = context_of(text, start, end)
    return Anchor(start, end, text[start:end], before, after, "ok")


def _common_suffix(a: str, b: str) -> int:
    n = 0
    for x, y in zip(reversed(a), reversed(b), strict=False):
        if x != y:
            break
        n += 1
    return n


def _common_prefix(a: str, b: str) -> int:
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return n


def _occurrences(text: str, needle: str, fold_case: bool) -> list[int]:
    hay, pat = (text.casefold(), needle.casefold()) if fold_case else (text, needle)
    if fold_case and len(hay) != len(text):
        return []
    out, i = [], hay.find(pat)
    while i >= 0:
        out.append(i)
        i = hay.find(pat, i + 1)
    return out


def reanchor(text: str, start: int, end: int, surface: str, before: str = "", after: str = "") -> Anchor:
    """Where the annotated ``surface`` is in ``text`` now (see the module doc)."""
    if 0 <= start <= end <= len(text) and text[start:end] == surface:
        b, a = context_of(text, start, end)
        if (not before or b.endswith(before[-8:])) or (not after or a.startswith(after[:8])):
            return Anchor(start, end, surface, b, a, "ok")
    for fold_case in (False, True):
        cands = _occurrences(text, surface, fold_case) if surface else []
        if not cands:
            continue
        best, best_score = cands[0], None
        for i in cands:
            j = i + len(surface)
            score = (
                _common_suffix(before, text[max(0, i - len(before)) : i])
                + _common_prefix(after, text[j : j + len(after)]),
                -abs(i - start),
            )
            if best_score is None or score > best_score:
                best, best_score = i, score
        j = best + len(surface)
        b, a = context_of(text, best, j)
        return Anchor(best, j, text[best:j], b, a, "moved" if (best, j) != (start, end) or fold_case else "ok")
    return Anchor(start, end, surface, before, after, "lost")


def context_score(text: str, start: int, end: int, before: str, after: str) -> int:
    """How much stored context agrees with ``text`` around ``[start, end)`` (characters)."""
    return _common_suffix(before, text[max(0, start - len(before)) : start]) + _common_prefix(
        after, text[end : end + len(after)]
    )
