"""Words, index keys and query matching for the concordance: pure, shared by the index and the search.

The same functions cut a paragraph into words when it is indexed and when a candidate is checked
against a query, so what the index finds and what is highlighted never disagree.

Hebrew words are matched on their *key*: no points or cantillation, final letters as ordinary
letters, geresh and gershayim (״ ׳ " ' and the typographic quotes a word processor puts in their
place) as one mark ``q`` kept inside the key, so the acronym מ"ן never matches the word מן. Each
Hebrew word is indexed under its key and under every reading with stacked one-letter prefixes (ו ה
ב כ ל מ ש ד) removed, so a query word matches a word of the text when the text's word is the query
word with prefixes before it: אור חוזר finds האור החוזר and ובאור חוזר. Latin-script words are
matched case- and accent-insensitively, optionally on their Snowball stem.

Candidate retrieval needs only the keys (the index answers "which paragraphs hold all these keys");
phrases, ``NEAR/n``, wildcards inside words and exact mode are then checked here on the candidate's
own words, which also gives the character spans to highlight.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from workbench.errors import WorkbenchError
from workbench.hebrew import normalize_for_match

_HE_CH = "\u05d0-\u05ea\ufb1d-\ufb4f"
_HE_MARK = "\u0591-\u05bd\u05bf\u05c1\u05c2\u05c4\u05c5\u05c7"
_GERSH = "\"\u05f4\u201c\u201d"  # inside a word only: gershayim (at a word's edge it is a quotation mark)
_GERESH = "'\u05f3\u2018\u2019"
_HE_WORD = (
    rf"[{_HE_CH}][{_HE_CH}{_HE_MARK}]*(?:[{_GERSH}{_GERESH}][{_HE_CH}][{_HE_CH}{_HE_MARK}]*)*"
    rf"(?:[{_GERESH}](?![{_HE_CH}]))?"
)
_LAT_CH = r"[^\W_\u0590-\u05ff\ufb1d-\ufb4f]"
_LAT_WORD = rf"{_LAT_CH}[\u0300-\u036f]*(?:{_LAT_CH}[\u0300-\u036f]*)*(?:['\u2019]{_LAT_CH}+)*"
WORD_RE = re.compile(rf"(?P<he>{_HE_WORD})|(?P<lat>{_LAT_WORD})")
_QUOTES = str.maketrans({'"': "q", "'": "q"})
#: one-letter prefixes that stack before a Hebrew word (ד: the Aramaic construct)
PREFIXES = frozenset("ובכלמשהד")
MAX_PREFIXES = 4

#: the most Hebrew readings a wildcard or candidate list expands to (beyond that, the query is refused)
MAX_EXPANSION = 400


@dataclass(frozen=True, slots=True)
class Word:
    start: int
    end: int
    text: str
    hebrew: bool
    key: str
    #: keys this word is found under: the key and, for Hebrew, the key with prefixes removed
    keys: tuple[str, ...]
    stem: str


def hebrew_key(word: str) -> str:
    """The matching key of one Hebrew word (see the module docstring)."""
    return normalize_for_match(word).translate(_QUOTES)


def prefix_readings(key: str) -> tuple[str, ...]:
    """``key`` and every reading with 1..4 stacked prefixes removed, each keeping two letters or more
    and never starting at the quote mark of an acronym (ומ"ן -> מ"ן, not "ן)."""
    out = [key]
    stem = key
    for _ in range(MAX_PREFIXES):
        if len(stem) <= 2 or stem[0] not in PREFIXES or stem[1] == "q" or len(stem) - 1 < 2:
            break
        stem = stem[1:]
        out.append(stem)
    return tuple(out)


def latin_key(word: str) -> str:
    """Case- and accent-insensitive key of a Latin-script (or any non-Hebrew) word."""
    decomposed = unicodedata.normalize("NFKD", word)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold().replace("'", "").replace(
        "\u2019", "")


@lru_cache(maxsize=65536)
def english_stem(key: str) -> str:
    return _stemmer().stemWord(key)


@lru_cache(maxsize=1)
def _stemmer():  # noqa: ANN202 - snowballstemmer has no type hints
    import snowballstemmer

    return snowballstemmer.stemmer("english")


@lru_cache(maxsize=262144)
def _he_entry(w: str) -> tuple[str, tuple[str, ...]]:
    key = hebrew_key(w)
    return key, prefix_readings(key)


@lru_cache(maxsize=262144)
def _lat_entry(w: str) -> tuple[str, tuple[str, ...], str]:
    key = latin_key(w)
    return key, (key,), english_stem(key)


@lru_cache(maxsize=4096)
def words(text: str) -> tuple[Word, ...]:
    """Every word of ``text`` with its offsets and keys (cached: a paragraph is often looked at twice;
    the keys per distinct word form too, which makes indexing several times faster on a real
    vocabulary, where most words are frequent ones)."""
    out: list[Word] = []
    for m in WORD_RE.finditer(text):
        w = m.group(0)
        if m.group("he") is not None:
            key, keys = _he_entry(w)
            out.append(Word(m.start(), m.end(), w, True, key, keys, key))
        else:
            key, keys, stem = _lat_entry(w)
            out.append(Word(m.start(), m.end(), w, False, key, keys, stem))
    return tuple(out)


def index_terms(text: str) -> tuple[str, str]:
    """(words, stems) as the index stores them: space-separated distinct keys of the paragraph."""
    keys: dict[str, None] = {}
    stems: dict[str, None] = {}
    for w in words(text):
        for k in w.keys:
            keys[k] = None
        if not w.hebrew:
            stems[w.stem] = None
    return " ".join(keys), " ".join(stems)


# ---------------------------------------------------------------------------------------------- queries


@dataclass(frozen=True, slots=True)
class Term:
    """One query word: ``key`` to find it, ``prefix`` when it ends in ``*`` (what the index can use),
    ``pattern`` when a ``*`` sits anywhere, checked against the words of a candidate."""

    text: str
    hebrew: bool
    key: str
    prefix: str | None = None
    pattern: re.Pattern[str] | None = None

    @property
    def index_key(self) -> str | None:
        """The literal key the index is asked for (None: only a scan could find it)."""
        if self.pattern is None:
            return self.key
        return self.prefix or None


@dataclass(frozen=True)
class Clause:
    """Phrases (a single word is a one-word phrase) that must all occur; with ``near``, each next to
    the previous one within that many words (either order)."""

    phrases: tuple[tuple[Term, ...], ...]
    near: int | None = None

    @property
    def hebrew(self) -> bool:
        """Searched on the Hebrew side (with ``--lang both``): any Hebrew word makes it so (12א)."""
        return any(t.hebrew for t in self.terms)

    @property
    def terms(self) -> list[Term]:
        return [t for p in self.phrases for t in p]

    def describe(self) -> str:
        parts = [" ".join(t.text for t in p) if len(p) == 1 else '"' + " ".join(t.text for t in p) + '"'
                 for p in self.phrases]  # fmt: skip
        return f" NEAR/{self.near} ".join(parts)


@dataclass
class Query:
    text: str
    source: list[Clause] = field(default_factory=list)
    target: list[Clause] = field(default_factory=list)
    exact: bool = False
    stem: bool = False

    def side(self, side: str) -> list[Clause]:
        return self.source if side == "source" else self.target


_NEAR = re.compile(r"^NEAR/(\d{1,3})$")


def _split_query(text: str) -> list[str | list[str]]:
    """Query tokens: bare words, ``NEAR/n``, and phrases in double quotes (a list of their words).

    A double quote between two Hebrew letters is gershayim (בי"ע, מ"ן), never a phrase quote.
    """
    out: list[str | list[str]] = []
    i, n = 0, len(text)
    phrase: list[str] | None = None
    cur: list[str] = []

    def flush() -> None:
        if cur:
            word = "".join(cur)
            (phrase if phrase is not None else out).append(word)
            cur.clear()

    while i < n:
        ch = text[i]
        gersh = ch in _GERSH and 0 < i < n - 1 and _is_he(text[i - 1]) and _is_he(text[i + 1])
        if ch in _GERSH and not gersh:
            flush()
            if phrase is None:
                phrase = []
            else:
                if phrase:
                    out.append(phrase)
                phrase = None
        elif ch.isspace():
            flush()
        else:
            cur.append(ch)
        i += 1
    flush()
    if phrase is not None:
        raise WorkbenchError(f"the query {text!r} has an unclosed double quote")
    return out


def _is_he(ch: str) -> bool:
    return "\u05d0" <= ch <= "\u05ea" or "\u0591" <= ch <= "\u05c7" and ch != "\u05be"


_W = rf"(?:{_HE_WORD}|{_LAT_WORD})"
#: one query word: a word of the text's kind, with ``*`` anywhere in or around it
_PIECE = re.compile(rf"\*?{_W}(?:\*+{_W}?)*|\*+")


def _terms(raw: str) -> tuple[Term, ...]:
    """The query words of one token: several when punctuation joins words (אור-חוזר, בעל־הסולם with
    a maqaf, e-mail), which the text's words are cut the same way, so they are a phrase; none for a
    token with no letters or digits."""
    return tuple(t for t in (_term(m.group(0)) for m in _PIECE.finditer(raw)) if t is not None)


def _term(raw: str) -> Term | None:
    """A query word (possibly with ``*``), or None for a token with no letters or digits."""
    body = raw.replace("*", "")
    found = list(WORD_RE.finditer(body))
    if not found:
        return None
    hebrew = found[0].group("he") is not None
    keyf = hebrew_key if hebrew else latin_key
    if "*" not in raw:
        key = "".join(keyf(m.group(0)) for m in found)
        return Term(raw, hebrew, key)
    pieces = [keyf("".join(m.group(0) for m in WORD_RE.finditer(p))) for p in raw.split("*")]
    prefix = pieces[0] or None
    pattern = re.compile("^" + ".*".join(re.escape(p) for p in pieces) + "$")
    return Term(raw, hebrew, "".join(pieces), prefix, pattern)


def parse_query(text: str, lang: str = "both", exact: bool = False, stem: bool = False) -> Query:
    """Parse ``text``: words (all must occur), ``"phrases"``, ``a NEAR/5 b``, ``*`` inside or at the
    end of a word. ``lang`` ``he`` searches the source side, ``en`` the target side, ``both`` each
    clause on the side its script belongs to (Hebrew script: source; any other: target).

    Raises :class:`WorkbenchError` (one line) for an empty query, a dangling ``NEAR``, an unclosed
    quote, or a query with no word the index can look up (only ``*word`` forms).
    """
    if lang not in ("he", "en", "both"):
        raise WorkbenchError(f"--lang must be he, en or both, not {lang!r}")
    if not text or not text.strip():
        raise WorkbenchError("the query is empty")
    if len(text) > 1000:
        raise WorkbenchError("the query is longer than 1,000 characters")
    tokens = _split_query(text.strip())
    operands: list[tuple[Term, ...] | int] = []
    for tok in tokens:
        if isinstance(tok, str) and (m := _NEAR.match(tok)):
            operands.append(int(m.group(1)))
            continue
        if isinstance(tok, str) and tok.upper().startswith("NEAR"):
            raise WorkbenchError(f"{tok!r}: proximity is written NEAR/n between two words or phrases (a NEAR/5 b)")
        raw = tok if isinstance(tok, list) else [tok]
        terms = tuple(t for w in raw for t in _terms(w))
        if terms:
            operands.append(terms)
    clauses: list[Clause] = []
    i = 0
    while i < len(operands):
        op = operands[i]
        if isinstance(op, int):
            raise WorkbenchError("NEAR/n needs a word or phrase on both sides")
        group = [op]
        dist: int | None = None
        while i + 1 < len(operands) and isinstance(operands[i + 1], int):
            if i + 2 >= len(operands) or isinstance(operands[i + 2], int):
                raise WorkbenchError("NEAR/n needs a word or phrase on both sides")
            dist = operands[i + 1] if dist is None else min(dist, operands[i + 1])  # type: ignore[type-var]
            group.append(operands[i + 2])  # type: ignore[arg-type]
            i += 2
        clauses.append(Clause(tuple(group), dist))  # type: ignore[arg-type]
        i += 1
    if not clauses:
        raise WorkbenchError(f"the query {text!r} has no words to search for")
    q = Query(text, exact=exact, stem=stem)
    for cl in clauses:
        # the scripts of the clause's phrases (a number alone belongs to either side)
        scripts = {"he" if any(t.hebrew for t in p) else "latin" for p in cl.phrases
                   if any(t.hebrew or not t.key.isdigit() for t in p)}  # fmt: skip
        if lang == "both" and cl.near is not None and len(scripts) > 1:
            raise WorkbenchError(f"{cl.describe()}: NEAR joins words of one language (the two sides of a link "
                                 "are searched by writing both, without NEAR)")

        side = "source" if lang == "he" else "target" if lang == "en" else ("source" if cl.hebrew else "target")
        q.side(side).append(cl)
    if not any(t.index_key for cl in clauses for t in cl.terms):
        raise WorkbenchError("a query needs at least one word that does not start with * (the index looks words up "
                             "by their beginning)")
    return q


# ---------------------------------------------------------------------------------------------- matching


def term_matches(term: Term, w: Word, exact: bool = False, stem: bool = False) -> bool:
    """Whether the text's word ``w`` is an occurrence of the query word ``term``."""
    if exact:
        if term.pattern is not None:
            folded = unicodedata.normalize("NFC", w.text)
            literal = [re.escape(unicodedata.normalize("NFC", p)) for p in term.text.split("*")]
            return re.fullmatch(".*".join(literal), folded) is not None
        return unicodedata.normalize("NFC", w.text) == unicodedata.normalize("NFC", term.text.strip(".,;:!?()[]"))
    if term.hebrew != w.hebrew:
        return False
    if term.pattern is not None:
        return any(term.pattern.match(k) for k in w.keys)
    if w.hebrew:
        return term.key in w.keys
    if stem:
        return w.stem == english_stem(term.key)
    return w.key == term.key


def _phrase_hits(phrase: Sequence[Term], ws: Sequence[Word], exact: bool, stem: bool) -> list[tuple[int, int]]:
    """(first word, last word) index ranges where the phrase's words occur one after the other."""
    n = len(phrase)
    first = phrase[0]
    hits = []
    for i in range(len(ws) - n + 1):
        if term_matches(first, ws[i], exact, stem) and all(
                term_matches(phrase[k], ws[i + k], exact, stem) for k in range(1, n)):  # fmt: skip
            hits.append((i, i + n - 1))
    return hits


def clause_hits(clause: Clause, ws: Sequence[Word], exact: bool = False, stem: bool = False) -> list[tuple[int, int]]:
    """Word-index ranges the clause covers in ``ws`` (empty: the clause does not match)."""
    per = [_phrase_hits(p, ws, exact, stem) for p in clause.phrases]
    if any(not h for h in per):
        return []
    if clause.near is None:
        return [r for h in per for r in h]
    k = clause.near
    out: list[tuple[int, int]] = []
    chosen: list[list[tuple[int, int]]] = [per[0]]
    for nxt in per[1:]:
        prev = chosen[-1]
        keep_prev = {a for a in prev for b in nxt if _gap(a, b) <= k}
        keep_next = [b for b in nxt if any(_gap(a, b) <= k for a in prev)]
        if not keep_next:
            return []
        chosen[-1] = [a for a in prev if a in keep_prev]
        chosen.append(keep_next)
    for group in chosen:
        out.extend(group)
    return out


def _gap(a: tuple[int, int], b: tuple[int, int]) -> int:
    """Words between two ranges (0: adjacent); overlapping ranges are never near each other."""
    if a[1] < b[0]:
        return b[0] - a[1] - 1
    if b[1] < a[0]:
        return a[0] - b[1] - 1
    return 10**9


def match_spans(clauses: Iterable[Clause], text: str, exact: bool = False, stem: bool = False
                ) -> list[tuple[int, int]] | None:  # fmt: skip
    """Character spans of every clause's occurrences in ``text``; None when some clause does not occur."""
    ws = words(text)
    spans: list[tuple[int, int]] = []
    for cl in clauses:
        hits = clause_hits(cl, ws, exact, stem)
        if not hits:
            return None
        spans.extend((ws[a].start, ws[b].end) for a, b in hits)
    return merge_spans(spans)


def merge_spans(spans: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for a, b in sorted(spans):
        if out and a <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], b))
        else:
            out.append((a, b))
    return out


def normalized_words(text: str) -> list[str]:
    """The Hebrew keys (Latin keys for other words) of ``text`` in order: what the memory compares."""
    return [w.key for w in words(text)]
