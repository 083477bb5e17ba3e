"""The shape of a check, of what it reports, and the registry of checks keyed by check id.

A check is one small class with declarative attributes (``id``, ``name``, ``severity``,
``description``, ``scope``) and one method:

* ``scope = "link"`` (:class:`LinkCheck`): ``check_link(unit, ctx)`` looks at one link — its source
  and target paragraphs — and yields :class:`Issue` objects. Documents with one side only (a
  translation without its source) are checked paragraph by paragraph, each paragraph a link with
  an empty side; ``one_sided`` says whether the check makes sense there.
* ``scope = "document"`` or ``"corpus"`` (:class:`AggregateCheck`): ``aggregate(rows, ctx)`` works
  on small per-link statistics (term renderings, gloss occurrences) that the runner computes once
  per link and caches, so that after an edit only the touched links are analysed again and the
  aggregates are recomputed from cached rows.

Checks never see the store: the runner feeds them model objects and persists what they report as
:class:`Finding` rows with a stable id (see :func:`finding_id`).
"""

from __future__ import annotations

import hashlib
import json
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar, Literal

if TYPE_CHECKING:
    from workbench.checks.context import CheckContext, LinkUnit

Severity = Literal["error", "warning", "info"]
SEVERITIES: tuple[str, ...] = ("error", "warning", "info")
SEVERITY_RANK = {"error": 3, "warning": 2, "info": 1}
Scope = Literal["link", "document", "corpus"]
Status = Literal["open", "accepted", "fixed"]
STATUSES: tuple[str, ...] = ("open", "accepted", "fixed")

# Bump when a check changes what it reports: cached per-link results are then recomputed.
CHECKS_VERSION = "2"


@dataclass(slots=True)
class Issue:
    """What a check reports about one place.

    ``para_id``/``side``/``start``/``end`` locate the problem for highlighting and the excerpt;
    identity does not depend on offsets: it is ``anchor`` (the paragraph id by default, or
    ``doc:<id>`` / ``corpus`` for aggregates) + ``term_id`` + ``key`` (the offending text,
    normalised) + the occurrence index among issues with the same identity.
    """

    check: str
    message: str
    para_id: str | None = None
    side: str = "target"
    start: int | None = None
    end: int | None = None
    key: str = ""
    term_id: int | None = None
    anchor: str | None = None
    data: dict[str, Any] = field(default_factory=dict)
    docs: list[int] = field(default_factory=list)
    doc_id: int | None = None


@dataclass(slots=True)
class Finding:
    """A persisted issue with its status.

    ``status`` is ``open``, ``accepted`` (an exception, with ``comment`` and ``user``) or ``fixed``;
    ``present`` is False when the last run no longer saw the cause (an open finding is then marked
    fixed automatically; an accepted one stays accepted).
    """

    id: str
    check: str
    severity: str
    message: str
    doc_id: int | None = None
    term_id: int | None = None
    link_id: str | None = None
    para_ids: list[str] = field(default_factory=list)
    para_id: str | None = None
    side: str = "target"
    start: int | None = None
    end: int | None = None
    excerpt: str = ""
    anchor: str = ""
    key: str = ""
    occ: int = 0
    unit: str = ""
    data: dict[str, Any] = field(default_factory=dict)
    docs: list[int] = field(default_factory=list)
    digest: str = ""
    status: str = "open"
    present: bool = True
    comment: str | None = None
    user: str | None = None
    status_at: str | None = None
    first_seen: str | None = None
    last_seen: str | None = None
    tags: list[dict[str, Any]] = field(default_factory=list)
    rev: int = 1  # bumped by every status change (a stale tag is refused)

    def to_dict(self) -> dict[str, Any]:
        """Everything, JSON-able (the bundle exporter restores findings from this)."""
        return asdict(self)

    def to_json(self, titles: dict[int, str] | None = None, terms: dict[Any, str] | None = None) -> dict[str, Any]:
        """The public JSON shape of ``workbench check --format json`` (``terms``: term id -> label)."""
        return {
            "id": self.id,
            "check": self.check,
            "severity": self.severity,
            "document": self.doc_id,
            "document_title": (titles or {}).get(self.doc_id) if self.doc_id is not None else None,
            "documents": self.docs or ([self.doc_id] if self.doc_id is not None else []),
            "link": self.link_id,
            "paragraphs": self.para_ids,
            "side": self.side,
            "term": self.term_id,
            "term_label": (terms or {}).get(self.term_id) if self.term_id is not None else None,
            "message": self.message,
            "excerpt": self.excerpt,
            "status": self.status,
            "present": self.present,
            "comment": self.comment,
            "user": self.user,
            "data": self.data,
        }


# ------------------------------------------------------------------------------------ identity

def normalise_key(text: str) -> str:
    """Offending text as identity: NFC, case-folded, whitespace collapsed."""
    if not text.isascii():
        text = unicodedata.normalize("NFC", text)
    return " ".join(text.split()).casefold()


def finding_id(check: str, term_id: Any, anchor: str, key: str, occ: int, *, normalised: bool = False) -> str:
    """``<check>-[t<term>-]<10 hex>``: stable across unrelated edits (no character offsets)."""
    nkey = key if normalised else normalise_key(key)
    raw = "\x1f".join((check, "" if term_id is None else str(term_id), anchor, nkey, str(occ)))
    digest = hashlib.blake2b(raw.encode("utf-8"), digest_size=8).hexdigest()[:10]
    return f"{check}-t{term_id}-{digest}" if term_id is not None else f"{check}-{digest}"


# ------------------------------------------------------------------------------------ checks


class Check:
    """Base of every check; subclasses set the class attributes below."""

    id: ClassVar[str]
    name: ClassVar[str]
    severity: ClassVar[str]
    description: ClassVar[str]
    scope: ClassVar[str] = "link"
    one_sided: ClassVar[bool] = True  # runs on documents that have one side only
    needs_terms: ClassVar[bool] = False

    def issue(self, message: str, **kw: Any) -> Issue:
        return Issue(self.id, message, **kw)

    @classmethod
    def info(cls) -> dict[str, Any]:
        return {
            "id": cls.id,
            "name": cls.name,
            "severity": cls.severity,
            "scope": cls.scope,
            "one_sided": cls.one_sided,
            "needs_terms": cls.needs_terms,
            "description": cls.description,
        }


class LinkCheck(Check):
    scope: ClassVar[str] = "link"

    def check_link(self, unit: LinkUnit, ctx: CheckContext) -> Iterable[Issue]:
        raise NotImplementedError


class AggregateCheck(Check):
    """Document- or corpus-wide check over cached per-link rows.

    ``stat`` names the rows it consumes: ``term_usage`` (term, rendering bucket, count per link) or
    ``gloss_occ`` (each occurrence of a glossed term, in document order).
    """

    scope: ClassVar[str] = "corpus"
    stat: ClassVar[str] = ""
    needs_terms: ClassVar[bool] = True

    def aggregate(self, rows: list[Any], ctx: CheckContext, partition: str | None = None) -> Iterable[Issue]:
        """Issues from ``rows``; ``partition`` lets the runner recompute part of a corpus check
        (``term`` or ``rendering`` for term-inconsistent) from the rows of the terms it touched."""
        raise NotImplementedError


_REGISTRY: dict[str, type[Check]] = {}


def register(cls: type[Check]) -> type[Check]:
    """Class decorator: add a check to the registry (ids are unique)."""
    for attr in ("id", "name", "severity", "description"):
        if not getattr(cls, attr, None):
            raise TypeError(f"{cls.__name__} lacks {attr}")
    if cls.severity not in SEVERITIES:
        raise TypeError(f"{cls.__name__}: severity {cls.severity!r} is not one of {SEVERITIES}")
    if cls.scope not in ("link", "document", "corpus"):
        raise TypeError(f"{cls.__name__}: scope {cls.scope!r}")
    if cls.id in _REGISTRY and _REGISTRY[cls.id] is not cls:
        raise ValueError(f"check id {cls.id!r} registered twice")
    _REGISTRY[cls.id] = cls
    return cls


def _load_all() -> None:
    # Importing the family modules registers their checks.
    from workbench.checks import glosses, labels, terms, typography, untranslated  # noqa: F401


def registry() -> dict[str, type[Check]]:
    """Check classes keyed by id, in registration order."""
    _load_all()
    return dict(_REGISTRY)


def get_check(check_id: str) -> type[Check]:
    reg = registry()
    if check_id not in reg:
        from workbench.errors import WorkbenchError

        raise WorkbenchError(f"unknown check {check_id!r}; known: {', '.join(reg)}")
    return reg[check_id]


def all_checks(ids: Iterable[str] | None = None) -> list[Check]:
    """Instances of the registered checks (all, or those in ``ids``)."""
    reg = registry()
    if ids is None:
        return [cls() for cls in reg.values()]
    return [get_check(i)() for i in ids]


def severity_at_least(severity: str, threshold: str) -> bool:
    return SEVERITY_RANK.get(severity, 0) >= SEVERITY_RANK[threshold]


def finding_digest(f: Finding) -> str:
    """Fingerprint of everything a run may change in a stored finding (lets the store skip
    unchanged rows without comparing them column by column). Independent of the key order of
    ``data``, so that a finding restored from JSON (a bundle) has the digest a run computes."""
    raw = "\x1f".join((f.unit, f.severity, f.link_id or "", " ".join(f.para_ids), f.para_id or "", f.side,
                       str(f.start), str(f.end), f.message, f.excerpt,
                       _data_key(f.data), repr(f.docs)))  # fmt: skip
    return hashlib.blake2b(raw.encode("utf-8", "surrogatepass"), digest_size=8).hexdigest()


def _data_key(data: dict[str, Any]) -> str:
    """``data`` as text, whatever its key order (flat dicts, the usual case, without JSON)."""
    for v in data.values():
        if not isinstance(v, _FLAT):
            return json.dumps(data, sort_keys=True, ensure_ascii=False)
    return repr(sorted(data.items()))


_FLAT = (str, int, float, bool, type(None))


def iter_occurrences(issues: Iterable[Issue]) -> Iterator[tuple[Issue, int, str]]:
    """Each issue with its index among issues of the same identity (check, term, anchor, key)
    and its normalised key."""
    seen: dict[tuple[Any, ...], int] = {}
    for it in issues:
        nkey = normalise_key(it.key)
        ident = (it.check, it.term_id, it.anchor or it.para_id or "", nkey)
        n = seen.get(ident, 0)
        seen[ident] = n + 1
        yield it, n, nkey
