"""Discover transliterated terms in a translation and pair them with their Hebrew originals.

Candidates in the English (each occurrence remembers where it came from):

- ``italic``: italic runs of the paragraph (``Paragraph.marks`` of kind ``italic``) of up to five
  words that are not all common English;
- ``foreign``: words that are not English by a real frequency table (:mod:`workbench.terms.english`),
  capitalised (``Zivug``, ``Partzufim``), all capitals (acronyms: ``BYA``, ``NRNCY``) or, when the
  Hebrew confirms them, lower case (``tikun``); runs of such words are one phrase (``Ohr Hozer``);
- ``construct``: ``X de Y`` (``Peh de Rosh``, ``Masach de Guf``, ``Rosh de Atzilut``);
- ``gloss``: a candidate followed by a parenthetical English gloss (``Zivug (spiritual coupling)``);
- ``capitalised``: common English words capitalised in mid-sentence again and again and never
  written in lower case (``Light``, ``Upper Light``, ``Above``): proposed as translations;
- ``termbase``: occurrences of forms already in the termbase (not proposed again unless asked).

Each candidate is then paired with a Hebrew word (or word sequence) of the aligned source
paragraphs by the consonant-skeleton matcher (:func:`workbench.align.skeleton.skeleton_match`),
prefixes removed (והמסך -> מסך); the Hebrew form that most aligned paragraphs support wins, and
``evidence["aligned"]`` says how many did. Renderings paired with the same Hebrew are one proposal
(``Chochma`` with the variant ``Chochmah``). Without a source text proposals still come with their
glosses.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from workbench.align.skeleton import hebrew_keys, hebrew_letters, latin_keys, skeleton_match
from workbench.hebrew import strip_niqqud, strip_prefixes
from workbench.model import Document, Link, Paragraph
from workbench.terms.english import english_share, is_english
from workbench.terms.matcher import TermMatcher
from workbench.terms.model import Proposal, Term
from workbench.terms.normalize import en_form_key, he_form_key

PAIR_THRESHOLD = 0.75  # skeleton score for one aligned paragraph to support a Hebrew form
# Share of the rendering's aligned paragraphs whose Hebrew has the chosen form.
MIN_ASSOCIATION = 0.3
# Capitalised pronouns and articles are reverence or titles, not terms (His Name, the Creator Himself).
_NOT_TERMS = {"i", "he", "his", "him", "himself", "who", "whom", "whose", "thee", "thy", "thou", "my", "me",
              "the", "a", "an", "behold", "and", "of", "our", "we", "you", "your", "it", "its"}
# Names of months and days are capitalised in mid-sentence by English spelling, not as terms.
_CALENDAR = {"january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
             "november", "december", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"}
CONSTRUCT_WORDS = {"de", "di", "d'", "ha", "la", "ve"}
_LETTERS = r"A-Za-z\u00C0-\u024F\u1E00-\u1EFF"
_WORD = re.compile(
    rf"[{_LETTERS}]+(?:['\u2019][{_LETTERS}]+)*(?:-[{_LETTERS}]+(?:['\u2019][{_LETTERS}]+)*)*"
)
_ROMAN = re.compile(r"^[IVXLCDM]+$")
_GLOSS = re.compile(r"\s*\(([^()\[\]]{2,80})\)")
_HE_WORD = re.compile(r"[\u05d0-\u05ea\u0591-\u05c7]+(?:[\"'\u05f3\u05f4\u201d][\u05d0-\u05ea\u0591-\u05c7]+)*[\"'\u05f3]?")
_SENTENCE_END = re.compile(r"(?:^|[.!?:;]|\d+[.)])\W*$")


@dataclass
class Occurrence:
    rendering: str
    para: int  # index into the target paragraphs
    start: int
    end: int
    sources: set[str] = field(default_factory=set)
    gloss: str | None = None
    kind: str = "transliteration"
    strong: bool = True  # False: a lower-case foreign word that needs the Hebrew to confirm it


@dataclass
class _Token:
    text: str  # possessive removed
    start: int
    end: int
    initial: bool
    foreign: bool
    capital: bool
    caps: bool


def _tokens(text: str) -> list[_Token]:
    out = []
    for m in _WORD.finditer(text):
        w = m.group(0)
        end = m.end()
        if w.lower().endswith(("'s", "\u2019s")):
            w, end = w[:-2], end - 2
        parts = w.split("-")
        initial = bool(_SENTENCE_END.search(text[max(0, m.start() - 12) : m.start()]))
        caps = w.isupper() and len(w.replace("-", "")) >= 2
        letters_ok = all(len(p) >= 2 for p in parts) and (caps or len(w) >= 3) and not _ROMAN.match(w)
        foreign = letters_ok and not is_english(w) and not _contraction(w)
        out.append(_Token(w, m.start(), end, initial, foreign, w[:1].isupper(), caps))
    return out


_CONTRACTION = re.compile(r"(?i)^([a-z]+)(?:n['\u2019]t|['\u2019](?:re|ve|ll|d|m|s))$")


def _contraction(word: str) -> bool:
    """don't, couldn't, they're: English contractions that a word table does not list."""
    m = _CONTRACTION.match(word)
    return bool(m) and (is_english(m.group(1)) or is_english(m.group(1) + "n") or m.group(1).lower() in ("can", "won"))


def _gloss_after(text: str, end: int) -> tuple[str | None, int]:
    m = _GLOSS.match(text, end)
    if not m:
        return None, end
    g = m.group(1).strip()
    if any(ch.isdigit() for ch in g) or len(g.split()) > 5 or english_share(g.replace("/", " ")) < 0.5:
        return None, end
    return g, m.end()


def _is_construct(tok: _Token) -> bool:
    return tok.text.lower() in CONSTRUCT_WORDS


def extract_candidates(
    paragraphs: Sequence[Paragraph], known: TermMatcher | None = None
) -> tuple[list[Occurrence], dict[str, Counter]]:
    """Candidate occurrences in the English paragraphs (see the module doc), and case statistics.

    Each paragraph goes through the passes in order: known terms first, so that what the termbase
    already holds is covered and not proposed again by a later pass; then italic runs, foreign
    phrases and capitalised English runs. The case statistics (how often each word is capitalised
    mid-sentence, at a sentence start or in lower case) are what :func:`discover` uses to tell a
    capitalised English term (``Light``) from an ordinary word.
    """
    occs: list[Occurrence] = []
    case_stats: dict[str, Counter] = defaultdict(Counter)
    for pi, para in enumerate(paragraphs):
        covered: list[tuple[int, int]] = []
        occs.extend(_known_occurrences(para.text, pi, known, covered))
        occs.extend(_italic_occurrences(para, pi, covered))
        toks = _tokens(para.text)
        _count_case(toks, case_stats)
        occs.extend(_foreign_occurrences(para.text, pi, toks, covered))
        occs.extend(_capitalised_occurrences(para.text, pi, toks, covered))
    return occs, case_stats


def _known_occurrences(
    text: str, pi: int, known: TermMatcher | None, covered: list[tuple[int, int]]
) -> list[Occurrence]:
    """Forms the termbase already holds; their spans are added to ``covered`` for the later passes."""
    if known is None:
        return []
    out = []
    for h in known.find_target(text):
        out.append(Occurrence(h.surface, pi, h.start, h.end, {"termbase"}, kind="known"))
        covered.append((h.start, h.end))
    return out


def _italic_occurrences(para: Paragraph, pi: int, covered: list[tuple[int, int]]) -> list[Occurrence]:
    """Italic runs of up to five words that are not all common English (italics mark foreign words)."""
    text = para.text
    out = []
    for mark in para.marks:
        if mark.kind != "italic" or mark.end <= mark.start:
            continue
        run = text[mark.start : mark.end].strip(" ,.;:!?\"'“”‘’()[]")
        if not run or len(run.split()) > 5 or english_share(run) >= 1.0 or not any(c.isalpha() for c in run):
            continue
        a = text.find(run, mark.start)
        gloss, _ = _gloss_after(text, a + len(run))
        if not _overlaps(covered, a, a + len(run)):
            out.append(Occurrence(run, pi, a, a + len(run), {"italic"} | ({"gloss"} if gloss else set()), gloss))
    return out


def _count_case(toks: Sequence[_Token], case_stats: dict[str, Counter]) -> None:
    """Count each word capitalised mid-sentence, capitalised at a sentence start, or in lower case."""
    for t in toks:
        if t.capital and not t.caps:
            case_stats[t.text.lower()]["initial" if t.initial else "mid"] += 1
        elif not t.capital:
            case_stats[t.text.lower()]["lower"] += 1


def _phrase_end(text: str, toks: Sequence[_Token], i: int) -> tuple[int, bool]:
    """Index of the last token of the foreign phrase that starts at ``toks[i]``, and whether a
    construct particle joined it: foreign words of the same case joined by spaces (``Ohr Hozer``),
    or ``X de Y`` where Y is capitalised and not English (``Peh de Rosh``). Acronyms stand alone."""
    t = toks[i]
    j, construct = i, False
    while j + 1 < len(toks):
        gap = text[toks[j].end : toks[j + 1].start]
        nxt = toks[j + 1]
        if gap == " " and nxt.foreign and nxt.capital == t.capital and not nxt.caps and not t.caps:
            j += 1
            continue
        if (
            gap in (" ", "-")
            and _is_construct(nxt)
            and j + 2 < len(toks)
            and text[nxt.end : toks[j + 2].start] in (" ", "-")
            and toks[j + 2].capital
            and not is_english(toks[j + 2].text)
        ):
            j += 2
            construct = True
            continue
        break
    return j, construct


def _foreign_occurrences(
    text: str, pi: int, toks: Sequence[_Token], covered: list[tuple[int, int]]
) -> list[Occurrence]:
    """Runs of words that are not English (transliterations, acronyms), with a gloss that follows."""
    out = []
    i = 0
    while i < len(toks):
        t = toks[i]
        if not t.foreign or _overlaps(covered, t.start, t.end):
            i += 1
            continue
        j, construct = _phrase_end(text, toks, i)
        sources = {"foreign", "construct"} if construct else {"foreign"}
        a, b = t.start, toks[j].end
        phrase = text[a:b]
        # Three or more hyphenated parts are a list (Chesed-Gevurah-Tiferet), not one term.
        if j == i and phrase.count("-") >= 2:
            off = a
            for part in phrase.split("-"):
                if len(part) >= 3 and not is_english(part):
                    out.append(Occurrence(part, pi, off, off + len(part), {"foreign"}, strong=part[:1].isupper()))
                off += len(part) + 1
            i = j + 1
            continue
        gloss, _ = _gloss_after(text, b)
        if gloss:
            sources.add("gloss")
        kind = "acronym" if t.caps and j == i else "transliteration"
        strong = t.capital or construct
        out.append(Occurrence(phrase, pi, a, b, sources, gloss, kind, strong))
        i = j + 1
    return out


def _capitalised_occurrences(
    text: str, pi: int, toks: Sequence[_Token], covered: list[tuple[int, int]]
) -> list[Occurrence]:
    """Runs of English words capitalised in mid-sentence (``Light``, ``Upper Light``), pronouns and
    articles trimmed off their ends. A title-cased heading (most words capitalised) says nothing
    about terms and gives none."""
    if not toks or sum(t.capital for t in toks) >= 0.6 * len(toks):
        return []
    out = []
    i = 0
    while i < len(toks):
        t = toks[i]
        if t.foreign or t.initial or not t.capital or t.caps or len(t.text) < 3 or _overlaps(covered, t.start, t.end):
            i += 1
            continue
        j = i
        while (
            j + 1 < len(toks)
            and text[toks[j].end : toks[j + 1].start] == " "
            and toks[j + 1].capital
            and not toks[j + 1].foreign
            and not toks[j + 1].caps
        ):
            j += 1
        run = list(toks[i : j + 1])
        while run and run[0].text.lower() in _NOT_TERMS:
            run.pop(0)
        while run and run[-1].text.lower() in _NOT_TERMS:
            run.pop()
        if run:
            a, b = run[0].start, run[-1].end
            out.append(Occurrence(text[a:b], pi, a, b, {"capitalised"}, kind="translation"))
        i = j + 1
    return out


def _overlaps(spans: list[tuple[int, int]], a: int, b: int) -> bool:
    return any(a < e and s < b for s, e in spans)


# ------------------------------------------------------------------------------------------------
# Pairing with the Hebrew


def _latin_units(rendering: str) -> list[str]:
    """Peh de Rosh -> [Peh, deRosh]: a construct particle is glued to its noun, as in דראש."""
    words = re.split(r"[\s\-]+", rendering.strip())
    out: list[str] = []
    glue = ""
    for w in words:
        if w.lower() in CONSTRUCT_WORDS and w.lower() != "ve":
            glue += w
            continue
        out.append(glue + w)
        glue = ""
    if glue:
        out.append(glue)
    return [u for u in out if u]


@dataclass
class _HeWord:
    text: str  # without points
    letters: str  # matching letters (no quotes, finals normalised)
    keys: frozenset[str]


def _hebrew_words(text: str) -> list[_HeWord]:
    out = []
    for m in _HE_WORD.finditer(text):
        w = strip_niqqud(m.group(0)).rstrip("'\u05f3")
        letters = hebrew_letters(w)
        if letters:
            out.append(_HeWord(w, letters, hebrew_keys(w)))
    return out


def _best_reading(latin: str, word: _HeWord, allow_prefix: bool) -> tuple[float, int]:
    """(score, number of prefix letters removed) of the best prefix reading of ``word``."""
    best = (0.0, 0)
    lk = latin_keys(latin, stems=False)
    if lk and not (lk & word.keys):
        return best
    readings = strip_prefixes(word.letters) if allow_prefix else [word.letters]
    for r in readings:
        s = skeleton_match(latin, r)
        cut = len(word.letters) - len(r)
        if s > best[0] + 1e-9:
            best = (s, cut)
    return best


def _strip_letters(word: str, n: int) -> str:
    """Drop the first ``n`` Hebrew letters of ``word`` (quotes are kept inside the rest)."""
    i = 0
    while n and i < len(word):
        if "\u05d0" <= word[i] <= "\u05ea":
            n -= 1
        i += 1
    return word[i:]


def hebrew_matches(rendering: str, words: Sequence[_HeWord]) -> dict[str, tuple[str, float]]:
    """Every Hebrew form among ``words`` that ``rendering`` may transliterate.

    Returns ``{letters key: (form as written without prefix and points, score)}``; a multi-word
    rendering must match consecutive words (only the first may carry prefixes).
    """
    units = _latin_units(rendering)
    out: dict[str, tuple[str, float]] = {}
    if not units:
        return out
    for i in range(len(words) - len(units) + 1):
        s0, cut = _best_reading(units[0], words[i], allow_prefix=True)
        if s0 < PAIR_THRESHOLD:
            continue
        scores = [s0]
        for k in range(1, len(units)):
            s, _ = _best_reading(units[k], words[i + k], allow_prefix=False)
            if s < PAIR_THRESHOLD:
                break
            scores.append(s)
        if len(scores) < len(units):
            continue
        score = sum(scores) / len(scores)
        key = " ".join([words[i].letters[cut:]] + [w.letters for w in words[i + 1 : i + len(units)]])
        form = " ".join([_strip_letters(words[i].text, cut)] + [w.text for w in words[i + 1 : i + len(units)]])
        if key not in out or out[key][1] < score:
            out[key] = (form, score)
    return out


def pair_with_hebrew(rendering: str, hebrew_text: str, kind: str = "transliteration") -> tuple[str, float] | None:
    """The best-scoring Hebrew form in ``hebrew_text`` for ``rendering`` (one paragraph, no statistics)."""
    if kind == "translation":
        return None
    found = hebrew_matches(rendering, _hebrew_words(hebrew_text))
    if not found:
        return None
    return max(found.values(), key=lambda fs: (fs[1], len(fs[0])))


class _HebrewSide:
    """The aligned Hebrew of each English paragraph, with document frequencies of word forms."""

    def __init__(self, sources: Sequence[Sequence[str]] | None, n: int) -> None:
        self.words: list[list[_HeWord]] = []
        self.readings: list[set[str]] = []
        self.joined: list[str] = []
        for i in range(n):
            text = "\n".join(sources[i]) if sources and i < len(sources) and sources[i] else ""
            words = _hebrew_words(text) if text else []
            self.words.append(words)
            self.readings.append({r for w in words for r in strip_prefixes(w.letters)})
            self.joined.append(" " + " ".join(w.letters for w in words) + " ")
        self.aligned = sum(1 for w in self.words if w)
        self._df: dict[str, int] = {}

    def df(self, key: str) -> int:
        """In how many aligned paragraphs the form occurs (prefixes allowed on its first word)."""
        n = self._df.get(key)
        if n is None:
            if " " in key:
                n = sum(1 for j in self.joined if key + " " in j)
            else:
                n = sum(1 for r in self.readings if key in r)
            self._df[key] = n
        return n


# ------------------------------------------------------------------------------------------------
# Proposals


def discover(
    paragraphs: Sequence[Paragraph],
    sources: Sequence[Sequence[str]] | None = None,
    *,
    terms: Iterable[Term] = (),
    rejected: Iterable[str] = (),
    include_known: bool = False,
    min_occurrences: int = 1,
) -> list[Proposal]:
    """Proposals for the English ``paragraphs``; ``sources[i]`` are the Hebrew paragraphs aligned with
    paragraph ``i`` (empty or ``None`` when there is no source). ``rejected`` holds
    :func:`proposal_key` values the editor rejected before; they are not proposed again.

    The passes: candidates (:func:`extract_candidates`), grouped by rendering; each group paired with
    the Hebrew (:func:`_pair_group`) and kept or dropped (:func:`_keep_group`); renderings paired
    with the same Hebrew merged (:func:`_merge_by_source`).
    """
    terms = list(terms)
    known = TermMatcher(terms, fold_diacritics=True) if terms else None
    occs, case_stats = extract_candidates(paragraphs, known)
    hebrew = _HebrewSide(sources, len(paragraphs))

    groups: dict[str, list[Occurrence]] = defaultdict(list)
    for o in occs:
        if o.kind == "known" and not include_known:
            continue
        groups[en_form_key(o.rendering, fold=True)].append(o)

    _split_weak_phrases(groups)
    rejected_keys = set(rejected)
    proposals: list[Proposal] = []
    for key, group in groups.items():
        kind = Counter(o.kind for o in group).most_common(1)[0][0]
        if kind == "translation" and not _is_capitalised_term(key, group, case_stats):
            continue
        rendering = _pick_rendering(Counter(o.rendering for o in group))
        pairing = _pair_group(group, kind, hebrew)
        if not _keep_group(group, pairing, min_occurrences):
            continue
        if proposal_key(rendering, pairing.source) in rejected_keys or proposal_key(rendering, None) in rejected_keys:
            continue
        proposals.append(_proposal(rendering, group, kind, pairing, paragraphs, known))
    proposals = _merge_by_source(proposals)
    proposals.sort(key=lambda p: (-p.score, -p.occurrences, p.rendering.lower()))
    return proposals


def _is_capitalised_term(key: str, group: Sequence[Occurrence], case_stats: dict[str, Counter]) -> bool:
    """A single capitalised English word is a term only when it is capitalised in mid-sentence at
    least twice and never written in lower case (Light, Above), and is not the name of a month or
    a day; a phrase once is enough."""
    if key in _CALENDAR:
        return False
    st = case_stats.get(key, Counter())
    return " " in key or (st["lower"] == 0 and len(group) >= 2)


@dataclass
class _Pairing:
    """How one group of occurrences pairs with the Hebrew of its aligned paragraphs."""

    source: str | None = None  # the chosen Hebrew form as written
    support: int = 0  # aligned paragraphs whose Hebrew has the chosen form
    aligned_paras: int = 0  # paragraphs of the group that have an aligned Hebrew side
    assoc: float = 0.0
    score: float | None = None  # skeleton score of the chosen form
    seen_paras: set[int] = field(default_factory=set)
    votes: Counter[str] = field(default_factory=Counter)
    spelling: dict[str, Counter[str]] = field(default_factory=dict)


def _pair_group(group: Sequence[Occurrence], kind: str, hebrew: _HebrewSide) -> _Pairing:
    """Pair with the Hebrew: one vote per aligned paragraph for every form that fits, then the
    votes are discounted by how common the form is in the whole source (see :func:`_rank`), so a
    frequent short word (כי) does not beat the real original (חיה) of "Chaya"."""
    pr = _Pairing(spelling=defaultdict(Counter))
    scores: dict[str, float] = {}
    for o in group:
        if o.para in pr.seen_paras:
            continue
        pr.seen_paras.add(o.para)
        words = hebrew.words[o.para]
        if not words:
            continue
        pr.aligned_paras += 1
        if kind == "translation":
            continue
        for k, (form, sc) in hebrew_matches(o.rendering, words).items():
            pr.votes[k] += 1
            pr.spelling[k][form] += 1
            scores[k] = max(scores.get(k, 0.0), sc)
    if not pr.votes:
        return pr
    n = max(1, hebrew.aligned)
    top = max(pr.votes, key=lambda k: _rank(k, pr.votes[k], scores[k], hebrew.df(k), n))
    pr.assoc = pr.votes[top] / pr.aligned_paras
    pr.score = scores[top]
    long_enough = len(top.replace(" ", "")) >= 3 or pr.votes[top] >= 2
    if pr.assoc >= MIN_ASSOCIATION and long_enough:
        pr.support = pr.votes[top]
        pr.source = pr.spelling[top].most_common(1)[0][0]
    return pr


def _keep_group(group: Sequence[Occurrence], pairing: _Pairing, min_occurrences: int) -> bool:
    """A lower-case foreign word only when the Hebrew confirms it (not a typo or a Latin tag), and
    no group seen fewer than ``min_occurrences`` times."""
    strong = any(o.strong for o in group)
    if not strong and (pairing.support < 2 or pairing.support < 0.5 * pairing.aligned_paras):
        return False
    return len(group) >= min_occurrences


def _proposal(
    rendering: str,
    group: Sequence[Occurrence],
    kind: str,
    pairing: _Pairing,
    paragraphs: Sequence[Paragraph],
    known: TermMatcher | None,
) -> Proposal:
    """The proposal for one group, with the evidence the editor sees beside it."""
    glosses = Counter(o.gloss for o in group if o.gloss)
    gloss = glosses.most_common(1)[0][0] if glosses else None
    origin = Counter(s for o in group for s in o.sources)
    renderings = Counter(o.rendering for o in group)
    known_ids = (
        sorted({h.term_id for o in group if o.kind == "known" for h in known.find_target(o.rendering)})
        if known
        else []
    )
    if known_ids:
        kind = known.terms[known_ids[0]].kind
    evidence: dict[str, Any] = {
        "paragraphs": len(pairing.seen_paras),
        "aligned": pairing.support,
        "aligned_paragraphs": pairing.aligned_paras,
        "association": round(pairing.assoc, 3),
        "hebrew_forms": {pairing.spelling[k].most_common(1)[0][0]: v for k, v in pairing.votes.most_common(5)},
        "pair_score": round(pairing.score, 3) if pairing.source else None,
        "from": dict(origin),
        "renderings": dict(renderings),
        "examples": [_example(paragraphs[o.para].text, o) for o in group[:3]],
    }
    return Proposal(
        rendering=rendering,
        source=pairing.source,
        gloss=gloss,
        kind=kind,
        occurrences=len(group),
        evidence=evidence,
        variants=[r for r, _ in renderings.most_common() if en_form_key(r) != en_form_key(rendering)],
        term_id=known_ids[0] if known_ids else None,
        score=_score(origin, pairing.support, pairing.aligned_paras, len(group), kind),
    )


def _rank(key: str, votes: int, score: float, df: int, n: int) -> tuple[int, float, int]:
    """Order of Hebrew forms for one rendering: votes discounted by how common the form is
    everywhere (a frequent short word like כי is weak evidence), then skeleton score, then length."""
    return (round(votes * (1.0 - df / n)), score, len(key.replace(" ", "")))


def _split_weak_phrases(groups: dict[str, list[Occurrence]]) -> None:
    """A run of foreign words seen once (``Sefirot Binah``, ``Tractate Pesachim``) is split into its
    words when one of them stands alone elsewhere or heads several such runs."""
    phrase_keys = [k for k in groups if " " in k]
    word_in_phrases: Counter[str] = Counter(w for k in phrase_keys for w in set(k.split()))
    for key in phrase_keys:
        group = groups[key]
        if len(group) > 1 or group[0].kind == "translation":
            continue
        if any(s in group[0].sources for s in ("construct", "italic", "gloss")):
            continue
        o = group[0]
        parts = list(re.finditer(r"\S+", o.rendering))
        part_keys = [en_form_key(m.group(0), fold=True) for m in parts]
        if not any(k in groups or word_in_phrases[k] >= 2 for k in part_keys):
            continue
        del groups[key]
        for m, k in zip(parts, part_keys, strict=True):
            groups[k].append(
                Occurrence(
                    m.group(0), o.para, o.start + m.start(), o.start + m.end(), set(o.sources),
                    kind=o.kind, strong=m.group(0)[:1].isupper() and o.strong,
                )  # fmt: skip
            )


def _pick_rendering(renderings: Counter[str]) -> str:
    """The most frequent spelling; on a tie the capitalised one (sentence-initial noise aside)."""
    return sorted(renderings.items(), key=lambda kv: (-kv[1], not kv[0][:1].isupper(), kv[0]))[0][0]


def _score(origin: Counter, support: int, aligned: int, n: int, kind: str) -> float:
    s = 0.0
    s += 0.3 if origin.get("gloss") else 0.0
    s += 0.2 if origin.get("italic") else 0.0
    s += 0.15 if origin.get("construct") else 0.0
    s += 0.2 if origin.get("foreign") else 0.0
    s += 0.05 if origin.get("capitalised") else 0.0
    if aligned:
        s += 0.4 * support / aligned
    s += min(n, 10) / 100
    return min(1.0, s)


def _merge_by_source(proposals: list[Proposal]) -> list[Proposal]:
    """Renderings paired with the same Hebrew form become one proposal with variants."""
    by_source: dict[tuple[str, str], list[Proposal]] = defaultdict(list)
    out: list[Proposal] = []
    for p in proposals:
        if p.source and p.kind != "translation":
            by_source[(he_form_key(p.source), p.kind)].append(p)
        else:
            out.append(p)
    for group in by_source.values():
        group.sort(key=lambda p: (-p.occurrences, -p.score))
        head = group[0]
        for other in group[1:]:
            for v in [other.rendering, *other.variants]:
                if v not in head.variants and en_form_key(v) != en_form_key(head.rendering):
                    head.variants.append(v)
            head.occurrences += other.occurrences
            for k in ("aligned", "aligned_paragraphs", "paragraphs"):
                head.evidence[k] = head.evidence.get(k, 0) + other.evidence.get(k, 0)
            head.gloss = head.gloss or other.gloss
            head.score = max(head.score, other.score)
            for k, v in other.evidence.get("renderings", {}).items():
                head.evidence.setdefault("renderings", {})[k] = v
        out.append(head)
    return out


def _example(text: str, o: Occurrence, width: int = 40) -> str:
    a, b = max(0, o.start - width), min(len(text), o.end + width)
    return ("…" if a else "") + text[a:b] + ("…" if b < len(text) else "")


def proposal_key(rendering: str, source: str | None) -> str:
    """Identity of a proposal for remembering rejections: rendering key + source key."""
    return f"{en_form_key(rendering, fold=True)}|{he_form_key(source) if source else ''}"


def discover_document(
    doc: Document,
    links: Sequence[Link] | None = None,
    *,
    terms: Iterable[Term] = (),
    rejected: Iterable[str] = (),
    include_known: bool = False,
) -> list[Proposal]:
    """:func:`discover` over a stored document: its target paragraphs, paired through ``links``.

    Without links, a document whose two sides have the same number of paragraphs is paired one to
    one; otherwise the proposals come without Hebrew.
    """
    if doc.target is None:
        return []
    paras = doc.target.paragraphs
    sources: list[list[str]] = [[] for _ in paras]
    src_by_id = {p.id: p.text for p in doc.source.paragraphs} if doc.source else {}
    if links:
        index = {p.id: i for i, p in enumerate(paras)}
        for link in links:
            texts = [src_by_id[s] for s in link.source if s in src_by_id]
            for t in link.target:
                if t in index:
                    sources[index[t]].extend(texts)
    elif doc.source and len(doc.source.paragraphs) == len(paras):
        sources = [[p.text] for p in doc.source.paragraphs]
    return discover(paras, sources, terms=terms, rejected=rejected, include_known=include_known)


def plain_paragraphs(text: str) -> list[Paragraph]:
    """Paragraphs of a plain text (blank-line separated, or one per line when there are none)."""
    blocks = [b.strip() for b in re.split(r"\n\s*\n", text) if b.strip()]
    if len(blocks) <= 1:
        blocks = [ln.strip() for ln in text.splitlines() if ln.strip()]
    return [Paragraph(b) for b in blocks]
