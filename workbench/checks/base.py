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
:class:`~workbench.findings_types.Finding` rows with a stable id (see
:func:`~workbench.findings_types.finding_id`).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar, Literal

# The plain types of findings live below the checks and the store (both handle them); they are
# re-exported here, where the checks have always found them.
from workbench.findings_types import (  # noqa: F401
    STATUSES,
    Finding,
    Status,
    data_key,
    finding_digest,
    finding_id,
    normalise_key,
)

if TYPE_CHECKING:
    from workbench.checks.context import CheckContext, LinkUnit

Severity = Literal["error", "warning", "info"]
SEVERITIES: tuple[str, ...] = ("error", "warning", "info")
SEVERITY_RANK = {"error": 3, "warning": 2, "info": 1}
Scope = Literal["link", "document", "corpus"]

# Bump when a check changes what it reports: cached per-link results are then recomputed.
CHECKS_VERSION = "4"


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
    # The severity of this issue when it differs from the check's (a forbidden variant is an error,
    # a missing rendering of an ambiguous source word only a hint); None: the check's own.
    severity: str | None = None


# ------------------------------------------------------------------------------------ identity

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


def registry() -> dict[str, type[Check]]:
    """Check classes keyed by id, in registration order.

    The registry is filled by the family modules as they are imported (``@register``); the
    package (:mod:`workbench.checks`) imports every family, so any import of the checks fills it.
    This module never imports its children: a family imports its base, not the other way round."""
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
