"""What a check looks at: a :class:`LinkUnit` (one link, or one paragraph of a one-sided document)
and the :class:`CheckContext` of a run (the termbase index, shared by every link).
"""

from __future__ import annotations

import dataclasses
import hashlib
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from workbench.findings_types import DocLayout, LinkIds, UnitSpec
from workbench.hebrew import parse_label
from workbench.model import Document, Link, Paragraph


@dataclass
class LinkUnit:
    """One unit of checking.

    ``key`` is ``l:<link id>`` for a link, ``p:<paragraph id>`` for a paragraph checked alone (a
    one-sided document, or a two-sided document not aligned yet). ``paired`` is True only for a
    real link of a document that has both sides: checks comparing the two sides need it.
    """

    key: str
    doc_id: int | None
    source: list[Paragraph]
    target: list[Paragraph]
    link_id: str | None = None
    pos: int = 0
    paired: bool = True
    two_sided: bool = True
    source_lang: str | None = "he"
    target_lang: str | None = "en"
    memo: dict[str, Any] = field(default_factory=dict, repr=False)

    @property
    def para_ids(self) -> list[str]:
        return [p.id for p in self.source] + [p.id for p in self.target]

    def paragraphs(self, side: str) -> list[Paragraph]:
        return self.source if side == "source" else self.target

    def text(self, side: str) -> str:
        return " ".join(p.text for p in self.paragraphs(side))

    def find(self, para_id: str | None) -> Paragraph | None:
        for p in self.source + self.target:
            if p.id == para_id:
                return p
        return None

    def signature(self, salt: str) -> str:
        """Changes when anything a link-level check reads changes (texts, labels, marks, salt)."""
        h = hashlib.blake2b(digest_size=12)
        h.update(salt.encode())
        h.update(b"P" if self.paired else b"U")
        h.update(b"2" if self.two_sided else b"1")
        for side, paras in (("S", self.source), ("T", self.target)):
            h.update(side.encode())
            for p in paras:
                h.update(b"\x1e")
                h.update(p.id.encode())
                h.update(b"\x1f")
                h.update(p.text.encode("utf-8", "surrogatepass"))
                h.update(f"\x1f{p.label_value}".encode())
                if p.marks:
                    h.update(repr([(m.start, m.end, m.kind) for m in p.marks]).encode())
        return h.hexdigest()


def label_value(p: Paragraph) -> int | None:
    """The item number of a paragraph: the stored label, else parsed from the text."""
    if p.label is not None:
        return p.label_value
    return parse_label(p.text)[1]


def plan_units(layout: DocLayout) -> list[UnitSpec]:
    """The units of a document and their order: the one definition, used by the full run
    (:func:`units_of`) and by the editor's fast path (which has only the document's layout).

    A two-sided aligned document: its links in order, then any paragraph outside every link (should
    not happen; a paragraph inserted without a link of its own) as a unit of its own, source side
    first. Otherwise (one side, or not aligned yet): every paragraph, the translation first.
    """
    two = layout.two_sided
    specs: list[UnitSpec] = []
    if two and layout.links:
        seen: set[str] = set()
        for i, lk in enumerate(layout.links):
            seen.update(lk.source)
            seen.update(lk.target)
            specs.append(UnitSpec(f"l:{lk.id}", lk.id, i, lk.source, lk.target, True, True))
        for pid in layout.source:
            if pid not in seen:
                specs.append(UnitSpec(f"p:{pid}", None, len(specs), [pid], [], False, True))
        for pid in layout.target:
            if pid not in seen:
                specs.append(UnitSpec(f"p:{pid}", None, len(specs), [], [pid], False, True))
        return specs
    for pid in layout.target:
        specs.append(UnitSpec(f"p:{pid}", None, len(specs), [], [pid], False, two))
    for pid in layout.source:
        specs.append(UnitSpec(f"p:{pid}", None, len(specs), [pid], [], False, two))
    return specs


def layout_of(doc: Document, links: Sequence[Link]) -> DocLayout:
    """The layout (:class:`DocLayout`) of a document held in memory."""
    return DocLayout(
        doc.id, doc.source is not None and doc.target is not None, [LinkIds(lk.id, lk.source, lk.target) for lk in links],
        [p.id for p in doc.source.paragraphs] if doc.source else [],
        [p.id for p in doc.target.paragraphs] if doc.target else [], doc.source_lang, doc.target_lang,
    )  # fmt: skip


def build_units(layout: DocLayout, specs: Iterable[UnitSpec], paragraphs: Mapping[str, Paragraph]) -> list[LinkUnit]:
    """:class:`LinkUnit` objects for ``specs`` with their paragraphs (ids not in ``paragraphs`` are left out)."""
    sl, tl = layout.source_lang, layout.target_lang
    return [
        LinkUnit(s.key, layout.doc_id, [paragraphs[x] for x in s.source if x in paragraphs],
                 [paragraphs[x] for x in s.target if x in paragraphs], s.link_id, s.pos, s.paired, s.two_sided, sl, tl)
        for s in specs
    ]  # fmt: skip


def units_of(doc: Document, links: Sequence[Link]) -> list[LinkUnit]:
    """The units of a document in document order (links, or paragraphs when there is no alignment):
    see :func:`plan_units`."""
    layout = layout_of(doc, links)
    return build_units(layout, plan_units(layout), doc.paragraph_index())


# ------------------------------------------------------------------------------------ text helpers

def excerpt(text: str, start: int | None, end: int | None, width: int = 45) -> str:
    """The offending text in ``[brackets]`` with a few words of context either side (up to
    ``width`` characters, cut at a space so that no word is shown in part)."""
    if start is None or end is None:
        return text if len(text) <= 2 * width else text[: 2 * width] + "…"
    n = len(text)
    start, end = max(0, min(start, n)), max(0, min(end, n))
    a = start - width
    if a <= 0:
        a = 0
    else:
        k = text.find(" ", a, start)
        a = k + 1 if k >= 0 else start
    b = end + width
    if b >= n:
        b = n
    else:
        k = text.rfind(" ", end, b)
        b = k if k >= 0 else end
    core = text[start:end]
    if len(core) > 3 * width:
        core = core[: 2 * width] + "…" + core[-width // 2 :]
    return ("…" if a else "") + text[a:start] + "[" + core + "]" + text[end:b] + ("…" if b < n else "")


# ------------------------------------------------------------------------------------ termbase index

_PAREN = re.compile(r"\([^()]*\)")
_GLOSS_STRIP = re.compile(r"^(?:lit\.|literally|i\.e\.|meaning|or)\s+", re.I)
_ARTICLE = re.compile(r"^(?:the|a|an|its|his|her|their|one's|one’s)\s+", re.I)
_GLOSS_PUNCT = re.compile(r"[\"'“”‘’«».,;:!?]+")


def gloss_key(text: str) -> str:
    """Comparable form of a gloss: case-folded, no quotes, no leading 'lit.'/'the', one space."""
    s = " ".join(text.replace("-", " ").split()).strip()
    for _ in range(2):
        s = _GLOSS_STRIP.sub("", s)
        s = _ARTICLE.sub("", s)
    s = _GLOSS_PUNCT.sub("", s)
    return " ".join(s.split()).casefold()


def gloss_parts(gloss: str) -> list[str]:
    """The renderings a gloss offers: the whole, without parentheses, and its ``;`` / ``/`` parts."""
    out: list[str] = []

    def add(s: str) -> None:
        s = s.strip(" ,;")
        if s and s not in out:
            out.append(s)

    whole = gloss.strip()
    add(whole)
    bare = " ".join(_PAREN.sub(" ", whole).split())
    add(bare)
    for part in re.split(r"[;/]", bare):
        add(part)
    for m in _PAREN.finditer(whole):  # "soul (its lowest level)": "its lowest level" too
        add(m.group()[1:-1])
    return out


def derived_forms(part: str) -> list[str]:
    """Other word forms of a one-word gloss, so that a translation that renders a term by a form
    of its gloss counts as rendering it: ``creation`` -> create, created, creating; ``holiness`` ->
    holy; ``knowledge`` -> know, known; ``correction`` -> correct, corrected; ``commandments`` ->
    commandment (plural endings are added by the matcher)."""
    w = part.strip()
    if " " in w or not w.isalpha() or len(w) < 6:
        return []
    low = w.lower()
    out: list[str] = []

    def verb(stem: str, e: str = "") -> None:
        # stem + e: "creat" + "e" -> create, created, creates, creating
        out.extend([stem + e, stem + e + "d" if e else stem + "ed", stem + "ing"])

    if low.endswith("ification") and len(low) > 11:
        base = low[:-9]
        out += [base + "ify", base + "ified", base + "ifies", base + "ifying"]
    elif low.endswith("ation") and len(low) >= 8:
        verb(low[:-5] + "at", "e")
    elif low.endswith("tion") and len(low) >= 8:
        verb(low[:-3])  # correction -> correct, corrected, correcting
    elif low.endswith("iness") and len(low) >= 7:
        out.append(low[:-5] + "y")  # holiness -> holy
    elif low.endswith("ness") and len(low) >= 8:
        out.append(low[:-4])
    elif low.endswith("ledge") and len(low) >= 8:
        base = low[:-5]
        out += [base, base + "n", base + "s", base + "ing"]  # knowledge -> know, known
    elif low.endswith("ing") and len(low) >= 9:
        out.append(low[:-3])  # understanding -> understand
    elif low.endswith("ment") and len(low) >= 9:
        verb(low[:-4])  # fulfilment -> fulfil
    if low.endswith("s") and not low.endswith("ss") and len(low) > 6:
        out.append(low[:-1])  # commandments -> commandment
    seen: list[str] = []
    for f in out:
        if len(f) >= 4 and f != low and f not in seen:
            seen.append(f)
    return seen


def _probe(part: str) -> str:
    """The longest word of a gloss part, lower-cased: if it is not in a text, the part is not."""
    words = [w.strip(",;:.()\"'").lower() for w in part.split()]
    return max(words, key=len) if words else part.lower()


#: Term fields a unit's checks read only for the terms found in its texts (see TermIndex.local);
#: the metadata fields say nothing a check reads.
_LOCAL_FIELDS = frozenset({"gloss", "gloss_first", "rev", "created", "updated"})


def _global_fields(t: Any) -> tuple[Any, ...]:
    """Every field of a term a check may read of any term (all but :data:`_LOCAL_FIELDS`)."""
    if dataclasses.is_dataclass(t):
        return tuple((f.name, getattr(t, f.name)) for f in dataclasses.fields(t) if f.name not in _LOCAL_FIELDS)
    return tuple(sorted((k, repr(v)) for k, v in vars(t).items() if k not in _LOCAL_FIELDS))


@dataclass
class _GlossTerm:
    """A stand-in term for the matcher: the gloss parts of a term as its renderings."""

    id: Any
    forms: list[str]
    source_forms: list[str] = field(default_factory=list)
    case: str = "any"

    @property
    def target_forms(self) -> list[tuple[str, str]]:
        return [(f, "preferred") for f in self.forms]


_PLURAL_ENDINGS = ("im", "ot", "oth", "in", "es", "s")
_SINGULAR_ENDINGS = ("ah", "a", "o", "e", "i", "h")


def _number_stem(word: str) -> tuple[str, str]:
    for end in _PLURAL_ENDINGS:
        if len(word) > len(end) + 2 and word.endswith(end):
            return "pl", word[: -len(end)]
    for end in _SINGULAR_ENDINGS:
        if len(word) > len(end) + 2 and word.endswith(end):
            return "sg", word[: -len(end)]
    return "sg", word


def _edit_distance(a: str, b: str, limit: int = 3) -> int:
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1]


@lru_cache(maxsize=65536)
def is_inflection(variant: str, preferred: str) -> bool:
    """True when ``variant`` is another grammatical form of ``preferred`` rather than another spelling.

    Construct forms (``Masach de Guf`` for ``Masach``) and a change of number with the same stem
    (``Partzufim``/``Partzuf``, ``Reshimo``/``Reshimot``, ``Kelim``/``Kli``) are forms; ``Hizdakhut``
    for ``Hizdakchut`` or ``Binah`` for ``Bina`` (same number) are spellings.
    """
    a = " ".join(variant.replace("-", " ").casefold().split())
    b = " ".join(preferred.replace("-", " ").casefold().split())
    if a == b:
        return True
    if a.startswith(b + " ") or b.startswith(a + " "):
        return True
    if " " in a or " " in b:
        return False
    na, sa = _number_stem(a)
    nb, sb = _number_stem(b)
    if na == nb:
        return False
    if sa == sb:
        return True
    return min(len(sa), len(sb)) >= 2 and sa[0] == sb[0] and _edit_distance(sa, sb) <= 2


class TermIndex:
    """The approved termbase, ready for matching: the shared :class:`TermMatcher`, a second
    matcher over the terms' glosses (a gloss used as the rendering, e.g. "screen" for מסך), and
    small per-term helpers. Build once per termbase version and reuse across runs."""

    def __init__(self, terms: Iterable[Any], matcher: Any | None = None, version: str | None = None) -> None:
        from workbench.terms.matcher import TermMatcher

        terms = [t for t in terms if getattr(t, "status", "approved") == "approved"]
        self.matcher = matcher if matcher is not None else TermMatcher(terms)
        self.terms: dict[Any, Any] = dict(self.matcher.terms)
        glossed = []
        # A derived form of a gloss counts as the gloss in rendering distributions (created -> creation).
        self.gloss_base: dict[tuple[Any, str], str] = {}
        self.gloss_keys: dict[Any, set[str]] = {}
        # First word of each gloss part, lower-cased: a cheap test before the gloss matcher runs.
        self.gloss_probes: dict[Any, set[str]] = {}
        for tid, t in self.terms.items():
            if t.gloss:
                parts = gloss_parts(t.gloss)
                self.gloss_keys[tid] = {gloss_key(p) for p in parts} | {gloss_key(t.gloss)}
                forms = list(parts)
                for p in parts:
                    for d in derived_forms(p):
                        if d not in forms:
                            forms.append(d)
                            self.gloss_base[(tid, d)] = p
                self.gloss_probes[tid] = {_probe(p) for p in forms if p.strip()}
                glossed.append(_GlossTerm(tid, forms))
        self.gloss_matcher = TermMatcher(glossed) if glossed else None
        # Acronyms whose gloss spells out other terms (ABYA: Atzilut, Beria, Yetzira, Assiya).
        self.gloss_terms: dict[Any, set[Any]] = {}
        for tid, t in self.terms.items():
            if t.gloss and ("," in t.gloss or " " in t.gloss):
                ids = {h.term_id for h in self.matcher.find_target(t.gloss)} - {tid}
                if len(ids) >= 2:
                    self.gloss_terms[tid] = ids
        if version is None:
            h = hashlib.blake2b(digest_size=8)
            for tid, t in sorted(self.terms.items(), key=lambda kv: str(kv[0])):
                h.update(repr((tid, t.source_forms, t.target_forms, t.gloss, t.gloss_first, t.case)).encode())
            version = h.hexdigest()
        self.version = version
        # What the checks of a unit read of the termbase, in two parts (see workbench.checks.runner):
        # every field but the gloss and gloss_first, of every term (``match_version``: the matchers,
        # spelling's list of forms, labels in messages), and the gloss and gloss_first of a term
        # (``local``), which a unit's checks read only for the terms found in its texts, except the
        # gloss matcher's leftmost-longest choice over every gloss (``gloss_version``). So a gloss
        # edited re-checks the links that name the term (and those that consulted the gloss matcher)
        # rather than the whole corpus.
        h = hashlib.blake2b(digest_size=12)
        self.local: dict[str, str] = {}
        for tid, t in sorted(self.terms.items(), key=lambda kv: str(kv[0])):
            h.update(repr((tid, _global_fields(t))).encode("utf-8", "surrogatepass"))
            loc = repr((t.gloss, t.gloss_first)).encode("utf-8", "surrogatepass")
            self.local[str(tid)] = hashlib.blake2b(loc, digest_size=6).hexdigest()
        self.match_version = h.hexdigest()
        self.digests: dict[str, str] = {}  # the runner's digests of lists of terms' ``local`` (a cache)
        g = hashlib.blake2b(digest_size=8)
        for gt in sorted(glossed, key=lambda x: str(x.id)):
            g.update(repr((gt.id, gt.forms)).encode("utf-8", "surrogatepass"))
        self.gloss_version = g.hexdigest()

    def __len__(self) -> int:
        return len(self.terms)

    def term(self, term_id: Any) -> Any:
        return self.terms[term_id]

    def label(self, term_id: Any) -> str:
        t = self.terms.get(term_id)
        if t is None:
            return str(term_id)
        return f"{t.source} ({t.preferred})" if t.source else t.preferred

    def gloss_matches(self, term_id: Any, text: str) -> bool:
        keys = self.gloss_keys.get(term_id)
        return bool(keys) and gloss_key(text) in keys


@dataclass
class CheckContext:
    """Shared by every unit of a run: the termbase index (None when there is no termbase)."""

    terms: TermIndex | None = None
    doc_titles: dict[int, str] = field(default_factory=dict)
