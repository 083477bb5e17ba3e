"""Termbase entries, annotations and discovery proposals as plain dataclasses (no I/O).

A :class:`Term` is one concept: a source form (Hebrew, Aramaic or any language, optionally with a
pointed form and other source forms such as a plural), the preferred English rendering, allowed
variants, forbidden renderings and a gloss. Multi-word terms (``Peh de Rosh`` ~ ``פה דראש``) and
acronyms (``BYA`` ~ ``בי"ע``) are ordinary entries.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from workbench.hebrew import strip_niqqud

TermKind = Literal["transliteration", "translation", "name", "acronym"]
TERM_KINDS: tuple[str, ...] = ("transliteration", "translation", "name", "acronym")
TermStatus = Literal["proposed", "approved"]
TERM_STATUSES: tuple[str, ...] = ("proposed", "approved")
# How the English side treats letter case (see TermMatcher.find_target):
# "as-written": the form as written, or with a capital first letter (sentence start), or ALL CAPS
#               (headings) is right; anything else is found but flagged case_ok=False.
# "any":        case never matters (default for translations: "upper light" = "Upper Light").
# "strict":     exactly as written (acronyms: "BYA" is right, "Bya" is not).
CaseRule = Literal["as-written", "any", "strict"]
CASE_RULES: tuple[str, ...] = ("as-written", "any", "strict")
AnnotationKind = Literal["transliteration", "translation", "gloss"]
ANNOTATION_KINDS: tuple[str, ...] = ("transliteration", "translation", "gloss")
FormKind = Literal["preferred", "variant", "forbidden"]
# What a listed variant rendering is worth in a document (see workbench.checks.variants):
# "allowed":    a house-style choice: used consistently, no finding; mixed with the preferred rendering
#               (or another variant) in one document, one warning for that document;
# "deprecated": tolerated but to be replaced: one warning per document, with the count;
# "forbidden":  an error at every occurrence.
VariantPolicy = Literal["allowed", "deprecated", "forbidden"]
VARIANT_POLICIES: tuple[str, ...] = ("allowed", "deprecated", "forbidden")
#: A ``not_term`` entry that starts with this is a regular expression, not a phrase.
REGEX_PREFIX = "re:"


def default_case_rule(kind: str) -> str:
    return {"translation": "any", "acronym": "strict"}.get(kind, "as-written")


def has_niqqud(text: str) -> bool:
    return strip_niqqud(text) != text


@dataclass
class Term:
    """One termbase entry.

    ``source`` is the unpointed source form used for matching; ``source_pointed`` keeps the
    pointed spelling when one was given; ``source_variants`` are further source forms that denote
    the same term (``פרצופים`` beside ``פרצוף``). ``variants`` are allowed English renderings
    (other schools' spellings, plurals, construct forms), ``forbidden`` renderings that must not be
    used. ``gloss_first`` asks for the gloss at the first occurrence in a document.

    ``variant_policy`` says what a variant is worth in a document (``allowed``, ``deprecated``,
    ``forbidden``: see :data:`VARIANT_POLICIES`). ``not_term`` lists source contexts in which the
    source word is the ordinary word, not the term (``גוף האדם``: a person's body, not the Guf of a
    Partzuf): a phrase that contains the source form, or a regular expression prefixed ``re:``; the
    checks skip occurrences inside them. ``ambiguous`` says the source word is often an ordinary
    word: a missing rendering is then only a hint (severity info).
    """

    source: str
    preferred: str
    kind: str = "transliteration"
    variants: list[str] = field(default_factory=list)
    forbidden: list[str] = field(default_factory=list)
    gloss: str | None = None
    gloss_first: bool = False
    note: str | None = None
    status: str = "approved"
    variant_policy: str = "allowed"
    not_term: list[str] = field(default_factory=list)
    ambiguous: bool = False
    source_pointed: str | None = None
    source_variants: list[str] = field(default_factory=list)
    source_lang: str = "he"
    case: str | None = None
    id: int | None = None
    rev: int = 1
    created: str | None = None
    updated: str | None = None

    def __post_init__(self) -> None:
        self.source = (self.source or "").strip()
        self.preferred = (self.preferred or "").strip()
        if self.source and has_niqqud(self.source):
            # A pointed form given as the source: keep it, match on the unpointed one.
            self.source_pointed = self.source_pointed or self.source
            self.source = strip_niqqud(self.source)
        self.variants = _clean_list(self.variants)
        self.forbidden = _clean_list(self.forbidden)
        self.source_variants = _clean_list(self.source_variants)
        self.not_term = _clean_list(self.not_term)
        self.variant_policy = (self.variant_policy or "allowed").strip().lower()
        self.gloss = (self.gloss or "").strip() or None
        self.note = (self.note or "").strip() or None
        if self.case is None:
            self.case = default_case_rule(self.kind)

    @property
    def source_forms(self) -> list[str]:
        """Every source form to match (unpointed): the main one first."""
        forms = [self.source] if self.source else []
        for v in self.source_variants:
            v = strip_niqqud(v)
            if v and v not in forms:
                forms.append(v)
        return forms

    @property
    def target_forms(self) -> list[tuple[str, str]]:
        """(form, form_kind) for the preferred rendering, variants and forbidden renderings."""
        out = [(self.preferred, "preferred")] if self.preferred else []
        out += [(v, "variant") for v in self.variants]
        out += [(f, "forbidden") for f in self.forbidden]
        return out

    def to_dict(self) -> dict[str, Any]:
        """JSON shape shared by ``terms list --json`` and the discovery proposals."""
        d = asdict(self)
        return {
            "id": d["id"],
            "rendering": self.preferred,
            "source": self.source or None,
            "source_pointed": self.source_pointed,
            "source_variants": self.source_variants,
            "source_lang": self.source_lang,
            "gloss": self.gloss,
            "gloss_first": self.gloss_first,
            "variant_policy": self.variant_policy,
            "not_term": self.not_term,
            "ambiguous": self.ambiguous,
            "kind": self.kind,
            "variants": self.variants,
            "forbidden": self.forbidden,
            "status": self.status,
            "case": self.case,
            "note": self.note,
            "rev": self.rev,
            "created": self.created,
            "updated": self.updated,
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Term:
        return cls(
            source=d.get("source") or "",
            preferred=d.get("rendering") or d.get("preferred") or "",
            kind=d.get("kind") or "transliteration",
            variants=list(d.get("variants") or []),
            forbidden=list(d.get("forbidden") or []),
            gloss=d.get("gloss"),
            gloss_first=bool(d.get("gloss_first", False)),
            variant_policy=d.get("variant_policy") or "allowed",
            not_term=list(d.get("not_term") or []),
            ambiguous=bool(d.get("ambiguous", False)),
            note=d.get("note"),
            status=d.get("status") or "approved",
            source_pointed=d.get("source_pointed"),
            source_variants=list(d.get("source_variants") or []),
            source_lang=d.get("source_lang") or "he",
            case=d.get("case"),
            id=d.get("id"),
            rev=int(d.get("rev") or 1),
            created=d.get("created"),
            updated=d.get("updated"),
        )

    def problems(self) -> list[str]:
        """What makes this entry invalid (empty list when it is fine)."""
        out = []
        if not self.preferred:
            out.append("preferred rendering is empty")
        if self.kind not in TERM_KINDS:
            out.append(f"kind {self.kind!r} is not one of {', '.join(TERM_KINDS)}")
        if self.status not in TERM_STATUSES:
            out.append(f"status {self.status!r} is not one of {', '.join(TERM_STATUSES)}")
        if self.variant_policy not in VARIANT_POLICIES:
            out.append(f"variant policy {self.variant_policy!r} is not one of {', '.join(VARIANT_POLICIES)}")
        for ctx in self.not_term:
            if ctx.startswith(REGEX_PREFIX):
                try:
                    re.compile(ctx[len(REGEX_PREFIX) :])
                except re.error as exc:
                    out.append(f"not-term context {ctx!r} is not a valid regular expression ({exc})")
        if self.case not in CASE_RULES:
            out.append(f"case rule {self.case!r} is not one of {', '.join(CASE_RULES)}")
        allowed = {self.preferred.casefold(), *(v.casefold() for v in self.variants)}
        clash = [f for f in self.forbidden if f.casefold() in allowed]
        if clash:
            out.append(f"forbidden rendering also allowed: {', '.join(clash)}")
        if self.source_pointed and strip_niqqud(self.source_pointed) != self.source:
            out.append("pointed form does not match the source form")
        return out


@dataclass
class Annotation:
    """One marked occurrence of a term in a paragraph.

    ``start``/``end`` index the paragraph text; ``surface`` is the text they covered when the
    annotation was made and ``before``/``after`` a little context on each side, so the span can be
    found again after the paragraph is edited (see :mod:`workbench.terms.anchors`).
    ``state`` is ``ok`` (span verified), ``moved`` (re-found elsewhere) or ``lost`` (not found).
    """

    doc_id: int
    para_id: str
    start: int
    end: int
    surface: str
    term_id: int | None
    kind: str = "transliteration"
    before: str = ""
    after: str = ""
    side: str = "target"
    note: str | None = None
    state: str = "ok"
    id: int | None = None
    rev: int = 1
    created: str | None = None
    updated: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Proposal:
    """A termbase entry proposed by discovery, with the evidence for it.

    ``occurrences`` counts matches of the rendering in the document; ``evidence`` says where the
    candidate came from (italic, gloss, capitalised, construct, termbase), how many aligned
    paragraph pairs support the Hebrew pairing, and a few examples.
    """

    rendering: str
    source: str | None = None
    gloss: str | None = None
    kind: str = "transliteration"
    occurrences: int = 0
    evidence: dict[str, Any] = field(default_factory=dict)
    variants: list[str] = field(default_factory=list)
    term_id: int | None = None
    score: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "rendering": self.rendering,
            "source": self.source,
            "gloss": self.gloss,
            "kind": self.kind,
            "occurrences": self.occurrences,
            "evidence": self.evidence,
            "variants": self.variants,
            "term_id": self.term_id,
            "score": round(self.score, 3),
        }

    def to_term(self, status: str = "proposed") -> Term:
        return Term(
            source=self.source or "",
            preferred=self.rendering,
            kind=self.kind,
            variants=[v for v in self.variants if v != self.rendering],
            gloss=self.gloss,
            gloss_first=bool(self.gloss),
            status=status,
        )


def _clean_list(items: list[str] | tuple[str, ...] | None) -> list[str]:
    out: list[str] = []
    for item in items or []:
        s = (item or "").strip()
        if s and s not in out:
            out.append(s)
    return out
