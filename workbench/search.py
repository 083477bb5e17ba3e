"""Concordance and translation memory over every document of a project (above the store).

- :func:`search`: aligned pairs where a query occurs (either side, or a clause on each side of the
  same link), narrowed to the sentence pair when the link carries a sentence alignment, with the
  spans to highlight on both sides;
- :func:`renderings`: for a Hebrew query, how the matched passage was rendered in English across
  the corpus (the English n-gram of each aligned unit that best answers the query, by how much more
  often it stands beside the query than elsewhere in the corpus, transliterations of the query
  preferred), counted;
- :func:`suggestions`: the translation memory for one link (the most similar source passages
  elsewhere, fuzzy percentage on the normalised Hebrew, exact repeats of 8 words or more flagged);
- :func:`repeats`: every repeated Hebrew passage of 8 words or more whose English renderings differ.

The index (:mod:`workbench.store.search_index`) proposes candidates; every candidate is checked
here against its current text, which also gives the highlight spans.
"""

from __future__ import annotations

import math
import time
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from difflib import SequenceMatcher
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from workbench.errors import NotFoundError, WorkbenchError
from workbench.search_text import (
    Clause,
    Query,
    english_stem,
    match_spans,
    merge_spans,
    parse_query,
    words,
)
from workbench.store.search_index import Candidate, Lookup

if TYPE_CHECKING:
    from workbench.store import Store

#: candidates examined at most for one page of results (a query whose words are everywhere but whose
#: phrase is nowhere stops there and says so)
MAX_EXAMINED = 3000
#: an exact repeat: a run of at least this many normalised words shared with another passage
REPEAT_WORDS = 8
#: the translation memory asks the index for units holding any of this many of the passage's longest words
TM_KEYS = 8


@dataclass
class Hit:
    document: int | None
    link: str | None
    source: str
    target: str
    source_spans: list[tuple[int, int]]
    target_spans: list[tuple[int, int]]
    score: float
    title: str = ""
    item: str | None = None
    unit: str = "paragraph"  # or "sentence"
    origin: str = "corpus"  # or "memory: LABEL"
    link_pos: int | None = None

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["source_spans"] = [list(s) for s in self.source_spans]
        d["target_spans"] = [list(s) for s in self.target_spans]
        d["score"] = round(self.score, 4)
        return d


@dataclass
class SearchResult:
    query: Query
    hits: list[Hit]
    examined: int
    complete: bool  # every candidate was examined (False: more may exist beyond the page)
    ms: float = 0.0


# ---------------------------------------------------------------------------------------------- search


def _lookups(clauses: Sequence[Clause], stem: bool) -> list[Lookup]:
    out: dict[Lookup, None] = {}
    for cl in clauses:
        for t in cl.terms:
            key = t.index_key
            if not key:
                continue
            if stem and not t.hebrew and t.pattern is None:
                out[Lookup(english_stem(key), "stems")] = None
            else:
                out[Lookup(key, "words", prefix=t.pattern is not None)] = None
    return list(out)


@lru_cache(maxsize=4096)
def _sentence_spans(text: str, lang: str | None) -> tuple[tuple[int, int], ...]:
    from workbench.segment import split_sentences

    return tuple(split_sentences(text, lang))


class _Units:
    """Turns index candidates into aligned units (link, optionally narrowed to a sentence pair)."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.docs = store.search.document_titles()

    def paragraph_units(self, cands: Sequence[Candidate]) -> list[tuple[Candidate, dict[str, Any]]]:
        """(candidate, unit) for paragraph candidates: unit has doc, link, paragraphs of both sides."""
        pids = [c.ref[2:] for c in cands if c.ref.startswith("p:")]
        paras = self.store.search.paragraphs(pids)
        by_doc: dict[int, list[str]] = defaultdict(list)
        for c in cands:
            p = paras.get(c.ref[2:])
            if p is not None:
                by_doc[p["doc_id"]].append(c.ref[2:])
        link_of: dict[str, dict[str, Any]] = {}
        for doc_id, ids in by_doc.items():
            side = paras[ids[0]]["side"]
            for lk in self.store.search.links_of(doc_id, ids, side):
                for pid in lk[side]:
                    link_of[pid] = lk
        others = {pid for lk in link_of.values() for pid in lk["source"] + lk["target"]} - set(paras)
        paras.update(self.store.search.paragraphs(sorted(others)))
        out = []
        for c in cands:
            pid = c.ref[2:]
            p = paras.get(pid)
            if p is None:
                continue  # gone since it was indexed
            lk = link_of.get(pid)
            if lk is None:
                src = [pid] if p["side"] == "source" else []
                tgt = [pid] if p["side"] == "target" else []
                lk = {"id": None, "pos": None, "source": src, "target": tgt, "sentences": None}
            out.append((c, {"doc_id": p["doc_id"], "link": lk, "paras": paras}))
        return out

    def texts(self, unit: dict[str, Any]) -> tuple[list[str], list[str]]:
        paras, lk = unit["paras"], unit["link"]
        return ([paras[i]["text"] for i in lk["source"] if i in paras],
                [paras[i]["text"] for i in lk["target"] if i in paras])  # fmt: skip

    def sentence_pairs(self, unit: dict[str, Any]) -> list[tuple[str, str]]:
        """The link's sentence pairs (from its stored sentence alignment), or [] when it has none."""
        lk = unit["link"]
        if not lk.get("sentences"):
            return []
        doc = self.docs.get(unit["doc_id"], {})
        src, tgt = self.texts(unit)
        ss = [t[a:b] for t in src for a, b in _sentence_spans(t, doc.get("source_lang"))]
        ts = [t[a:b] for t in tgt for a, b in _sentence_spans(t, doc.get("target_lang"))]
        out = []
        for bead in lk["sentences"]:
            try:
                out.append((" ".join(ss[i] for i in bead.get("source", [])),
                            " ".join(ts[j] for j in bead.get("target", []))))  # fmt: skip
            except (IndexError, TypeError):
                return []  # the text changed since the sentences were aligned
        return out

    def item(self, unit: dict[str, Any]) -> str | None:
        paras, lk = unit["paras"], unit["link"]
        for pid in lk["source"] + lk["target"]:
            p = paras.get(pid)
            if p and p.get("label"):
                return p["label"]
        if lk["source"] and lk["source"][0] in paras:
            return f"¶{paras[lk['source'][0]]['pos'] + 1}"
        if lk["target"] and lk["target"][0] in paras:
            return f"¶{paras[lk['target'][0]]['pos'] + 1}"
        return None


def _check(q: Query, source: str, target: str) -> tuple[list[tuple[int, int]], list[tuple[int, int]]] | None:
    s = match_spans(q.source, source, q.exact, q.stem) if q.source else []
    if s is None:
        return None
    t = match_spans(q.target, target, q.exact, q.stem) if q.target else []
    if t is None:
        return None
    return s, t


def search(
    store: Store, text: str, *, lang: str = "both", exact: bool = False, stem: bool = False,
    doc: int | None = None, limit: int = 20, memory: bool = True, sentences: bool = True,
) -> SearchResult:
    """Aligned units where the query occurs, best ranked first (see the module docstring)."""
    if limit < 1:
        raise WorkbenchError("--limit must be at least 1")
    t0 = time.perf_counter()
    q = parse_query(text, lang, exact, stem)
    store.search.ensure_built()
    units = _Units(store)
    drive = "source" if q.source else "target"
    lookups = _lookups(q.side(drive), stem)
    if q.source and q.target:  # a clause on each side: walk the side with fewer candidates, check the other
        other = _lookups(q.target, stem)
        if other and (not lookups or store.search.count("target", other, cap=500)
                      < store.search.count("source", lookups, cap=500)):
            drive, lookups = "target", other
    hits: list[Hit] = []
    seen: set[tuple[Any, ...]] = set()
    examined, offset = 0, 0
    batch = max(50, limit * 2)
    complete = True
    while len(hits) < limit:
        if examined >= MAX_EXAMINED:
            complete = False
            break
        cands = store.search.candidates(drive, lookups, doc_id=doc, memory=memory and doc is None,
                                        limit=batch, offset=offset)  # fmt: skip
        if not cands:
            break
        offset += len(cands)
        examined += len(cands)
        mem = [c for c in cands if c.ref.startswith("m:")]
        memunits = store.search.memory_units([(c.ref.split(":")[1], int(c.ref.split(":")[2])) for c in mem])
        para_units = dict((id(c), u) for c, u in units.paragraph_units([c for c in cands if c.ref.startswith("p:")]))
        for c in cands:
            if len(hits) >= limit:
                complete = False
                break
            if c.ref.startswith("m:"):
                _, fid, pos, _side = c.ref.split(":")
                mu = memunits.get((fid, int(pos)))
                if mu is None or ("m", fid, pos) in seen:
                    continue
                found = _check(q, mu["source"], mu["target"])
                if found is None:
                    continue
                seen.add(("m", fid, pos))
                hits.append(Hit(None, None, mu["source"], mu["target"], found[0], found[1], c.score,
                                title=mu["label"], origin=f"memory: {mu['label']}"))  # fmt: skip
                continue
            unit = para_units.get(id(c))
            if unit is None:
                continue
            hit = _unit_hit(q, units, unit, c.score, sentences, seen)
            if hit is not None:
                hits.append(hit)
        if len(cands) < batch:
            break
    return SearchResult(q, hits, examined, complete, (time.perf_counter() - t0) * 1000)


def _unit_hit(q: Query, units: _Units, unit: dict[str, Any], score: float, sentences: bool,
              seen: set[tuple[Any, ...]]) -> Hit | None:  # fmt: skip
    lk = unit["link"]
    key = ("l", unit["doc_id"], lk["id"] or tuple(lk["source"] + lk["target"]))
    if key in seen:
        return None
    src, tgt = units.texts(unit)
    source, target = "\n".join(src), "\n".join(tgt)
    found = _check(q, source, target)
    if found is None:
        return None
    seen.add(key)
    title = units.docs.get(unit["doc_id"], {}).get("title", "")
    base = dict(document=unit["doc_id"], link=lk["id"], title=title, item=units.item(unit), link_pos=lk["pos"])
    if sentences:
        for s_text, t_text in units.sentence_pairs(unit):
            f = _check(q, s_text, t_text)
            if f is not None:
                return Hit(source=s_text, target=t_text, source_spans=f[0], target_spans=f[1], score=score,
                           unit="sentence", **base)  # fmt: skip
    return Hit(source=source, target=target, source_spans=found[0], target_spans=found[1], score=score, **base)


# ---------------------------------------------------------------------------------------------- renderings

_STOP = frozenset(
    "a an the of to in on at by for from with and or but as is are was were be been this that these those it its "
    "which who whom whose what when where there their his her he she they them we our you your i not no so than "
    "then also into upon through about such".split()
)  # fmt: skip


@dataclass
class Rendering:
    rendering: str
    count: int
    share: float
    score: float
    examples: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"rendering": self.rendering, "count": self.count, "share": round(self.share, 4),
                "score": round(self.score, 3), "examples": self.examples}  # fmt: skip


@dataclass
class RenderingReport:
    query: str
    units: int
    renderings: list[Rendering]
    unassigned: int
    hits: list[Hit]


#: Hebrew function words (keys, prefixes removed), never the first or last word of a counterpart
_HE_STOP = frozenset(
    "של את על כי הוא היא הם הן זה זו זהו זאת אשר לא אין כל גם רק אלא או עם אל מן עד כן כך אם יש היה היו "
    "אותו אותה אותם בו בה בהם לו לה להם מה מי".split()
)  # fmt: skip


def _rkey(w: Any) -> str:
    """What a counterpart word is counted as: the English key, or the Hebrew key without its prefixes
    (the index finds the prefixed forms under it)."""
    return w.keys[-1] if w.hebrew else w.key


def _content_keys(text: str, hebrew: bool = False) -> set[str]:
    """The content words of ``text`` in one script (keys): what the renderings count first."""
    stop = _HE_STOP if hebrew else _STOP
    return {k for w in words(text) if w.hebrew == hebrew and (k := _rkey(w)) not in stop and not k.isdigit()}


def _ngrams(text: str, max_n: int = 4, allowed: set[str] | None = None, hebrew: bool = False
            ) -> dict[str, tuple[int, int, str]]:  # fmt: skip
    """{key: (start, end, surface)} of the n-grams of ``text`` in one script (English unless ``hebrew``)
    that begin and end on a content word (with ``allowed``, on one of those words: an n-gram is never
    more frequent among the units than its first and last words, so only the frequent words' n-grams
    can be frequent renderings; building every n-gram of every unit was most of the renderings' time
    on paragraph-long units)."""
    ws = [w for w in words(text) if w.hebrew == hebrew]
    keys = [_rkey(w) for w in ws]
    stop = _HE_STOP if hebrew else _STOP
    ok = [k not in stop and (allowed is None or k in allowed) for k in keys]
    out: dict[str, tuple[int, int, str]] = {}
    for i, w in enumerate(ws):
        if not ok[i] or keys[i].isdigit():
            continue
        for n in range(1, max_n + 1):
            j = i + n - 1
            if j >= len(ws):
                break
            if not ok[j] or ws[j].start - w.end > 40 * n:
                continue
            key = " ".join(keys[i:j + 1])
            if key not in out:
                out[key] = (w.start, ws[j].end, text[w.start:ws[j].end])
    return out


#: the renderings are built from the units' most frequent English content words, this many
RENDERING_WORDS = 60
#: a longer phrase replaces a rendering when it stands beside the query at least this share as often
EXTEND_SHARE = 0.7


def renderings(store: Store, text: str, *, exact: bool = False, doc: int | None = None, max_units: int = 300,
               reverse: bool = False, stem: bool = False) -> RenderingReport:  # fmt: skip
    """How the Hebrew query was rendered in English across the corpus (see the module docstring);
    with ``reverse``, which Hebrew stands beside an English query.

    Each matched unit (a sentence pair where the link has a sentence alignment, else the link) votes
    for the counterpart n-gram it holds that scores best: units holding it among the matches, against
    the corpus paragraphs holding its words (a rendering is what stands beside the query and not
    everywhere), twice as much for a transliteration of the query's Hebrew. The hits come back with
    their counterpart's spans set to the rendering found in them.
    """
    from workbench.terms.discovery import pair_with_hebrew

    res = search(store, text, lang="en" if reverse else "he", exact=exact, stem=stem, doc=doc, limit=max_units,
                 memory=False)  # fmt: skip
    side = "source" if reverse else "target"  # where the renderings are
    hits = [h for h in res.hits if getattr(h, side).strip()]
    m = len(hits)
    unigrams: Counter[str] = Counter(k for h in hits for k in _content_keys(getattr(h, side), reverse))
    # a rendering stands beside the query twice at least: a phrase met once is no evidence of anything
    allowed = {k for k, n in unigrams.most_common(RENDERING_WORDS) if n >= 2}
    grams = [_ngrams(getattr(h, side), allowed=allowed, hebrew=reverse) for h in hits]
    k: Counter[str] = Counter(g for gs in grams for g in gs)
    total = max(1, store.search.units(memory=False))  # the hits are the corpus's: so are the frequencies
    query_he = " ".join(t.text for cl in res.query.source for t in cl.terms)
    scores: dict[str, float] = {}
    weighed = [(g, n) for g, n in k.most_common(60) if n >= 2]
    dfs = store.search.counts(side, [[Lookup(w) for w in g.split()] for g, _n in weighed], memory=False)
    for (g, n), df in zip(weighed, dfs, strict=True):
        score = n / m * math.log(1 + total / max(1, df))
        surface = next(gs[g][2] for gs in grams if g in gs)
        if not reverse and any("A" <= ch <= "Z" for ch in surface[:1]) and pair_with_hebrew(surface, query_he):
            score *= 2
        scores[g] = score
    votes: dict[str, list[int]] = defaultdict(list)
    unassigned = 0
    for i, (h, gs) in enumerate(zip(hits, grams, strict=True)):
        best = max((g for g in gs if g in scores), key=lambda g: (scores[g], len(g)), default=None)
        if best is None:
            unassigned += 1
            continue
        # a longer phrase holding the best word that stands almost as often beside the query is the
        # rendering ("desire to receive", not "receive", for רצון לקבל)
        longer = [g for g in gs if len(g) > len(best) and f" {best} " in f" {g} " and k[g] >= EXTEND_SHARE * k[best]]
        if longer:
            best = max(longer, key=lambda g: (k[g], len(g)))
            scores.setdefault(best, scores[max((x for x in scores if f" {x} " in f" {best} "), key=len)])
        votes[best].append(i)
        a, b, _ = gs[best]
        setattr(h, f"{side}_spans", merge_spans([*getattr(h, f"{side}_spans"), (a, b)]))
    rows = []
    for g, idx in sorted(votes.items(), key=lambda kv: (-len(kv[1]), -scores[kv[0]])):
        forms = Counter(grams[i][g][2] for i in idx)
        rows.append(Rendering(forms.most_common(1)[0][0], len(idx), len(idx) / max(1, m), scores[g],
                              [{"document": hits[i].document, "title": hits[i].title, "item": hits[i].item,
                                "link": hits[i].link} for i in idx[:5]]))  # fmt: skip
    return RenderingReport(text, m, rows, unassigned, hits)


def highlight_renderings(hits: Sequence[Hit], report: RenderingReport, reverse: bool = False) -> None:
    """Mark on the counterpart side of each hit (English; Hebrew with ``reverse``) the rendering of
    the match: the one the report found in that unit, else (a hit beyond the report's sample, a
    reference memory's unit) the most frequent of the report's renderings it holds. What makes a
    one-sided query's result highlighted on both sides."""
    side = "source" if reverse else "target"
    found = {(h.document, h.link, h.source, h.target): getattr(h, f"{side}_spans") for h in report.hits}
    keys = [" ".join(_rkey(w) for w in words(r.rendering) if w.hebrew == reverse) for r in report.renderings]
    for h in hits:
        spans = found.get((h.document, h.link, h.source, h.target))
        if not spans:
            grams = _ngrams(getattr(h, side), hebrew=reverse)
            best = next((grams[k] for k in keys if k in grams), None)
            spans = [best[:2]] if best is not None else []
        setattr(h, f"{side}_spans", merge_spans([*getattr(h, f"{side}_spans"), *spans]))


def concordance(
    store: Store, text: str, *, lang: str = "both", exact: bool = False, stem: bool = False,
    doc: int | None = None, limit: int = 20, memory: bool = True,
) -> tuple[SearchResult, RenderingReport | None]:
    """What the Search page and ``workbench search`` show: the results of :func:`search`, each result's
    counterpart of a one-sided query highlighted too (so a result is marked on both sides), and for a
    query on the Hebrew side the distribution of its English renderings (None otherwise)."""
    t0 = time.perf_counter()
    res = search(store, text, lang=lang, exact=exact, stem=stem, doc=doc, limit=limit, memory=memory)
    if bool(res.query.source) == bool(res.query.target) or not res.hits:
        return res, None
    reverse = not res.query.source
    report = renderings(store, text, exact=exact, doc=doc, reverse=reverse, stem=stem)
    highlight_renderings(res.hits, report, reverse)
    res.ms = (time.perf_counter() - t0) * 1000
    return res, None if reverse else report


def add_to_termbase(store: Store, hebrew: str, rendering: str, user: str, kind: str = "translation") -> Any:
    """Propose the pair as a termbase entry (status ``proposed``), through the termbase's own write
    (which checks the account's role); an entry for the same Hebrew gets the rendering as a variant."""
    from workbench.hebrew import strip_niqqud
    from workbench.terms.model import Term

    src, ren = strip_niqqud(hebrew).strip(), rendering.strip()
    if not src or not ren:
        raise WorkbenchError("both the Hebrew and the rendering are needed")
    for t in store.terms.list_terms():
        if t.source == src:
            if ren == t.preferred or ren in t.variants:
                raise WorkbenchError(f"the termbase already has {ren!r} for {src}")
            t.variants = [*t.variants, ren]
            return store.terms.update(t, user, expected_rev=t.rev)
    return store.terms.add(Term(source=src, preferred=ren, kind=kind, status="proposed"), user)


# ---------------------------------------------------------------------------------------------- memory


@dataclass
class Suggestion:
    document: int | None
    link: str | None
    title: str
    item: str | None
    source: str
    target: str
    percent: int
    repeat: bool  # shares an exact run of REPEAT_WORDS normalised words or more
    repeat_words: int
    repeat_text: str
    origin: str = "corpus"
    link_pos: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _keys(text: str) -> list[str]:
    return [w.key for w in words(text)]


def _longest_run(a: Sequence[str], b: Sequence[str]) -> tuple[int, int]:
    """(start in ``a``, length) of the longest run of words ``a`` and ``b`` share."""
    m = SequenceMatcher(None, a, b, autojunk=False).find_longest_match(0, len(a), 0, len(b))
    return m.a, m.size


def suggestions_for_text(
    store: Store, source: str, *, exclude: Sequence[str] = (), limit: int = 5, min_percent: int = 40,
    memory: bool = True, candidates: int = 40,
) -> list[Suggestion]:
    """The most similar source units of the corpus (and the reference memories) to ``source``: the
    ``limit`` best by fuzzy percentage, then any further exact repeats (up to ``limit`` more)."""
    from rapidfuzz import fuzz

    store.search.ensure_built()
    ws = [w for w in words(source)]
    keys = [w.key for w in ws]
    if not keys:
        return []
    # the longest distinct words first: they are the rarest, and a few of them find the passage
    distinct = sorted(set(keys), key=lambda k: (-len(k), k))
    look = [Lookup(k) for k in distinct[:TM_KEYS]]
    cands = store.search.candidates("source", look, memory=memory, limit=candidates, any_of=True)
    # exact repeats: the units sharing a run of 8 normalised words, however little else they share
    have = {c.ref for c in cands}
    cands += [c for c, _n in store.search.shared_runs(source, memory=memory) if c.ref not in have]
    units = _Units(store)
    para = dict((id(c), u) for c, u in units.paragraph_units([c for c in cands if c.ref.startswith("p:")]))
    mem = [c for c in cands if c.ref.startswith("m:")]
    memunits = store.search.memory_units([(c.ref.split(":")[1], int(c.ref.split(":")[2])) for c in mem])
    joined = " ".join(keys)
    out: list[Suggestion] = []
    seen: set[Any] = set()
    excluded = set(exclude)
    for c in cands:
        if c.ref.startswith("m:"):
            _, fid, pos, _s = c.ref.split(":")
            mu = memunits.get((fid, int(pos)))
            if mu is None:
                continue
            s_text, t_text = mu["source"], mu["target"]
            meta = dict(document=None, link=None, title=mu["label"], item=None, origin=f"memory: {mu['label']}")
            key: Any = ("m", fid, pos)
        else:
            unit = para.get(id(c))
            if unit is None:
                continue
            lk = unit["link"]
            if c.ref[2:] in excluded or set(lk["source"]) & excluded:
                continue
            src, tgt = units.texts(unit)
            s_text, t_text = "\n".join(src), "\n".join(tgt)
            meta = dict(document=unit["doc_id"], link=lk["id"], item=units.item(unit), link_pos=lk["pos"],
                        title=units.docs.get(unit["doc_id"], {}).get("title", ""))  # fmt: skip
            key = ("l", unit["doc_id"], lk["id"] or c.ref)
        if key in seen:
            continue
        seen.add(key)
        other = _keys(s_text)
        percent = round(fuzz.ratio(joined, " ".join(other)))
        start, size = _longest_run(keys, other)
        repeat = size >= REPEAT_WORDS
        if percent < min_percent and not repeat:
            continue
        rtext = source[ws[start].start:ws[start + size - 1].end] if repeat else ""
        out.append(Suggestion(source=s_text, target=t_text, percent=percent, repeat=repeat, repeat_words=size if repeat
                              else 0, repeat_text=rtext, **meta))  # fmt: skip
    out.sort(key=lambda s: (-s.percent, -s.repeat_words))
    best = out[:limit]
    # an exact repeat is always shown, even when the rest of its passage makes it a weak fuzzy match
    best += sorted((s for s in out[limit:] if s.repeat), key=lambda s: -s.repeat_words)[:limit]
    return best


def suggestions(store: Store, doc_id: int, link_id: str, *, limit: int = 5, min_percent: int = 40) -> list[Suggestion]:
    """The translation memory for one link of a document: its source passage against the rest."""
    link = next((lk for lk in store.get_links(doc_id) if lk.id == link_id), None)
    if link is None:
        raise NotFoundError(f"document {doc_id} has no link {link_id}")
    paras = store.search.paragraphs(link.source)
    source = "\n".join(paras[p]["text"] for p in link.source if p in paras)
    if not source.strip():
        return []
    return suggestions_for_text(store, source, exclude=link.source, limit=limit, min_percent=min_percent)


# ---------------------------------------------------------------------------------------------- repeats


@dataclass
class RepeatOccurrence:
    document: int
    title: str
    link: str
    item: str | None
    hebrew: str
    english: str


@dataclass
class RepeatGroup:
    passage: str
    words: int
    occurrences: list[RepeatOccurrence]
    renderings: int
    diffs: list[list[tuple[str, str]]]  # word diff of each other rendering against the first

    def to_dict(self) -> dict[str, Any]:
        return {"passage": self.passage, "words": self.words, "renderings": self.renderings,
                "occurrences": [asdict(o) for o in self.occurrences],
                "diffs": [[list(p) for p in d] for d in self.diffs]}  # fmt: skip


def repeats(store: Store, min_words: int = REPEAT_WORDS, *, only_different: bool = True,
            use_index: bool = True) -> list[RepeatGroup]:  # fmt: skip
    """Every Hebrew passage of ``min_words`` normalised words or more found in two links or more,
    with the English of each occurrence (the aligned sentences where the link has a sentence
    alignment, else the link's English), grouped; with ``only_different``, only those whose English
    renderings differ (compared case- and accent-insensitively, punctuation aside).

    From 8 words up, the index's hashed 8-word runs say which links can hold a repeat at all, and only
    those are read word by word (every link of several source paragraphs is, as its passage may cross
    a paragraph boundary): the same groups as reading every link (``use_index=False``, what the bench
    compares), in a fraction of the time on a large corpus, where most links repeat nothing.
    """
    from workbench.store.search_index import SHINGLE, shingle_hashes
    from workbench.textdiff import word_diff

    if min_words < 3:
        raise WorkbenchError("--min-words must be at least 3")
    docs = []
    for d in store.list_documents():
        doc = store.get_document(d.id)
        if doc.source is not None:
            docs.append((doc, doc.paragraph_index(), store.get_links(d.id)))
    maybe: set[str] | None = None
    if use_index and min_words >= SHINGLE:
        store.search.ensure_built()
        crossing = [h for doc, idx, links in docs for lk in links if len(lk.source) > 1
                    for h in shingle_hashes("\n".join(idx[p].text for p in lk.source if p in idx))]  # fmt: skip
        maybe = store.search.repeated_paragraphs(crossing)
    units: list[dict[str, Any]] = []
    for doc, idx, links in docs:
        for lk in links:
            if maybe is not None and len(lk.source) == 1 and lk.source[0] not in maybe:
                continue
            src = "\n".join(idx[p].text for p in lk.source if p in idx)
            if not src.strip():
                continue
            tgt = "\n".join(idx[p].text for p in lk.target if p in idx)
            label = next((idx[p].label for p in lk.source if p in idx and idx[p].label), None)
            units.append({"doc": doc, "link": lk, "source": src, "target": tgt, "item": label,
                          "words": [w for w in words(src)]})  # fmt: skip
    shingles: dict[tuple[str, ...], set[int]] = defaultdict(set)
    for ui, u in enumerate(units):
        ks = [w.key for w in u["words"]]
        for i in range(len(ks) - min_words + 1):
            shingles[tuple(ks[i:i + min_words])].add(ui)
    shared = {s for s, us in shingles.items() if len(us) > 1}
    groups: dict[tuple[str, ...], list[tuple[int, int, int]]] = defaultdict(list)
    for ui, u in enumerate(units):
        ks = [w.key for w in u["words"]]
        i = 0
        n = len(ks) - min_words + 1
        while i < n:
            if tuple(ks[i:i + min_words]) not in shared:
                i += 1
                continue
            j = i
            while j + 1 < n and tuple(ks[j + 1:j + 1 + min_words]) in shared:
                j += 1
            run = tuple(ks[i:j + min_words])
            groups[run].append((ui, i, j + min_words))
            i = j + 1
    out: list[RepeatGroup] = []
    for run, occ in groups.items():
        if len({ui for ui, _, _ in occ}) < 2:
            continue
        occs = []
        for ui, a, b in occ:
            u = units[ui]
            ws = u["words"]
            heb = u["source"][ws[a].start:ws[b - 1].end]
            occs.append(RepeatOccurrence(u["doc"].id, u["doc"].title, u["link"].id, u["item"], heb,
                                         _english_of(u, ws[a].start, ws[b - 1].end)))  # fmt: skip
        norm = {" ".join(w.key for w in words(o.english)) for o in occs}
        if only_different and len(norm) < 2:
            continue
        first = occs[0].english
        diffs = [word_diff(first, o.english) for o in occs[1:]]
        out.append(RepeatGroup(occs[0].hebrew, len(run), occs, len(norm), diffs))
    out.sort(key=lambda g: (-g.words, g.passage))
    return out


def _english_of(u: dict[str, Any], start: int, end: int) -> str:
    """The English of the Hebrew ``source[start:end]`` of a link: its aligned sentences when the link
    has a sentence alignment, else the link's whole English."""
    lk, doc = u["link"], u["doc"]
    if not lk.sentences:
        return u["target"]
    idx = doc.paragraph_index()
    ss: list[tuple[int, int]] = []
    offset = 0
    for p in lk.source:
        t = idx[p].text
        ss += [(offset + a, offset + b) for a, b in _sentence_spans(t, doc.source_lang)]
        offset += len(t) + 1
    ts = [idx[p].text[a:b] for p in lk.target for a, b in _sentence_spans(idx[p].text, doc.target_lang)]
    inside = {i for i, (a, b) in enumerate(ss) if a < end and b > start}
    parts = [" ".join(ts[j] for j in bead.get("target", []) if j < len(ts))
             for bead in lk.sentences if inside & set(bead.get("source", []))]  # fmt: skip
    return " ".join(p for p in parts if p) or u["target"]


REPEAT_COLUMNS = ["group", "words", "passage", "document", "title", "item", "link", "hebrew", "english",
                  "diff_from_first"]  # fmt: skip


def plain_diff(diff: Sequence[tuple[str, str]]) -> str:
    """A word diff as one line of text, in the notation of ``wdiff`` and ``git diff --word-diff=plain``:
    ``[-removed-]{+added+}`` (what a spreadsheet cell can hold)."""
    out = []
    for op, text in diff:
        body = " ".join(text.split())
        if not body:
            out.append(" " if text else "")
        elif op == "same":
            out.append(text)
        else:
            tail = " " if text[-1:].isspace() else ""
            out.append(f"[-{body}-]{tail}" if op == "del" else f"{{+{body}+}}{tail}")
    return "".join(out).strip()


def repeat_rows(groups: Sequence[RepeatGroup]) -> list[dict[str, Any]]:
    """One row per occurrence (what the CSV/XLSX export writes); every occurrence after a group's
    first carries the word diff of its English against the first's."""
    return [{"group": n, "words": g.words, "passage": g.passage, "document": o.document, "title": o.title,
             "item": o.item or "", "link": o.link, "hebrew": o.hebrew, "english": o.english,
             "diff_from_first": plain_diff(g.diffs[i - 1]) if i else ""}
            for n, g in enumerate(groups, 1) for i, o in enumerate(g.occurrences)]  # fmt: skip


def write_repeats(groups: Sequence[RepeatGroup], path: str | Any) -> int:
    """The report as CSV or XLSX (by the extension), written atomically, cells spreadsheet-safe."""
    from pathlib import Path

    from workbench.atomic import atomic_path
    from workbench.cells import csv_safe
    from workbench.export.tabular import write_report_csv

    rows = repeat_rows(groups)
    suffix = Path(str(path)).suffix.lower()
    if suffix == ".csv":
        return write_report_csv(rows, path, REPEAT_COLUMNS)
    if suffix != ".xlsx":
        raise WorkbenchError(f"{path}: the report is written as .csv or .xlsx")
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Repeats")
    ws.append(REPEAT_COLUMNS)
    for r in rows:
        ws.append([csv_safe(r[c]) for c in REPEAT_COLUMNS])
    with atomic_path(path) as tmp:
        wb.save(tmp)
    return len(rows)
