"""Plain data of the consistency checks that both the checks and the store handle.

The checks (a pure area) produce these and the store persists them; a type both layers need lives
below both, here, so that the store never imports the checks (their logic, their runner). Nothing
here decides anything: the status rules are :mod:`workbench.checks.reconcile`, the units and their
order :func:`workbench.checks.context.plan_units`. Only the standard library is imported.

* :class:`Finding` — a persisted issue with its status; :func:`finding_id` its stable id;
  :data:`STATUSES` what an editor (or a run) may set;
* :class:`UsageRow`, :class:`GlossRow`, :class:`UnitStats` — the per-unit rows the runner caches
  for the document- and corpus-wide checks;
* :class:`DocLayout`, :class:`UnitSpec` — the bare shape of a document (its links and paragraph ids
  in order) and one unit of checking drawn from it;
* :class:`StoredFinding`, :class:`FindingChanges` (with :class:`Refresh`, :class:`StatusSet`,
  :class:`AutoTag`) — what the status rules read of stored findings and the changes they return
  for the store to execute;
* :func:`group_id` and :class:`Decision` — findings grouped by (check, document, term, offending
  form) into one decision an editor tags once (see :mod:`workbench.checks.reconcile` for how a
  decision's tag reaches occurrences found later).
"""

from __future__ import annotations

import hashlib
import json
import unicodedata
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

Status = Literal["open", "accepted", "fixed"]
STATUSES: tuple[str, ...] = ("open", "accepted", "fixed")


# ------------------------------------------------------------------------------------ findings


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

    @property
    def group(self) -> str:
        """The decision this occurrence belongs to (:func:`group_id`)."""
        return group_id(self.check, self.doc_id, self.term_id, self.key)

    def to_json(self, titles: dict[int, str] | None = None, terms: dict[Any, str] | None = None) -> dict[str, Any]:
        """The public JSON shape of ``workbench check --format json`` (``terms``: term id -> label)."""
        return {
            "id": self.id,
            "group": self.group,
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


def finding_digest(f: Finding) -> str:
    """Fingerprint of everything a run may change in a stored finding (lets the store skip
    unchanged rows without comparing them column by column). Independent of the key order of
    ``data``, so that a finding restored from JSON (a bundle) has the digest a run computes."""
    raw = "\x1f".join((f.unit, f.severity, f.link_id or "", " ".join(f.para_ids), f.para_id or "", f.side,
                       str(f.start), str(f.end), f.message, f.excerpt,
                       data_key(f.data), repr(f.docs)))  # fmt: skip
    return hashlib.blake2b(raw.encode("utf-8", "surrogatepass"), digest_size=8).hexdigest()


def group_id(check: str, doc_id: int | None, term_id: Any, key: str) -> str:
    """``<check>-[t<term>-]g<10 hex>``: the decision a finding belongs to.

    A decision is one (check, document, term, offending form): the form is the finding's key
    normalised as for finding ids (NFC, case-folded, whitespace collapsed), so ``Masakh`` and
    ``MASAKH`` in one document are one decision, and the same slip in another document is another.
    No paragraph, link, offset or occurrence number goes in, so the id is the same across runs and
    across edits anywhere else; corpus-wide findings have the document ``corpus``. The ``g``
    before the hex tells a group id from a finding id (whose last part is hex only).
    """
    raw = "\x1f".join((check, "corpus" if doc_id is None else str(doc_id), "" if term_id is None else str(term_id),
                       normalise_key(key)))  # fmt: skip
    digest = hashlib.blake2b(raw.encode("utf-8", "surrogatepass"), digest_size=8).hexdigest()[:10]
    return f"{check}-t{term_id}-g{digest}" if term_id is not None else f"{check}-g{digest}"


def is_group_id(ref: str) -> bool:
    """True when ``ref`` looks like a group id (or a prefix of one that reaches its ``-g`` part)."""
    last = ref.strip().rpartition("-")[2]
    return last.startswith("g") and all(ch in "0123456789abcdef" for ch in last[1:])


_FLAT = (str, int, float, bool, type(None))


def data_key(data: dict[str, Any]) -> str:
    """``data`` as text, whatever its key order (flat dicts, the usual case, without JSON)."""
    for v in data.values():
        if not isinstance(v, _FLAT):
            return json.dumps(data, sort_keys=True, ensure_ascii=False)
    return repr(sorted(data.items()))


# ------------------------------------------------------------------------------------ cached unit rows


@dataclass(slots=True)
class UsageRow:
    """How a term was rendered in one link: ``n`` occurrences in rendering ``bucket``.

    ``kind`` is ``form`` (a termbase form as written), ``gloss`` (its gloss used as translation) or
    ``missing``; ``grounded`` means the source of the link has the term.
    """

    unit: str
    doc_id: int | None
    term_id: int
    bucket: str
    kind: str
    n: int
    grounded: bool


# How an occurrence is glossed. GLOSSED: a gloss proper — a parenthesis after the term
# ("Masach (screen)"), the term in parentheses after its termbase gloss ("screen (Masach)"), or a
# footnote; a later one repeats the gloss. NAMED: the term in parentheses after other English
# words ("rebuilding (tikun)") or an acronym spelled out beside it ("ChBD" after
# "Chochmah-Binah-Daat"): enough for a first occurrence, not a repeated gloss.
GLOSSED = 1
NAMED = 2


@dataclass(slots=True)
class GlossRow:
    """One occurrence of a term that asks for a gloss at its first occurrence in a document.

    ``pos`` is the position of its unit in the document (:func:`workbench.checks.context.plan_units`);
    it is not cached: whoever reads cached rows sets it from the current units."""

    unit: str
    doc_id: int | None
    term_id: int
    seq: int
    para_id: str
    start: int
    end: int
    surface: str
    glossed: int  # 0: no gloss; GLOSSED: a gloss; NAMED: explained otherwise
    pos: int = 0


@dataclass(slots=True)
class UnitStats:
    """What the store caches of one checked unit: its signature and its statistics rows."""

    key: str
    signature: str
    usage: list[UsageRow] = field(default_factory=list)
    gloss: list[GlossRow] = field(default_factory=list)


# ------------------------------------------------------------------------------------ units


@dataclass(slots=True)
class LinkIds:
    """A link as ids only: its id and the paragraph ids of each side."""

    id: str
    source: list[str]
    target: list[str]


@dataclass(slots=True)
class DocLayout:
    """The bare shape of a document: which sides it has, its links in order and its paragraph
    ids in order on each side. Enough to know its units and their order without its texts."""

    doc_id: int | None
    two_sided: bool
    links: list[LinkIds]
    source: list[str]
    target: list[str]
    source_lang: str | None = "he"
    target_lang: str | None = "en"


@dataclass(slots=True)
class UnitSpec:
    """One unit of checking as ids: ``key`` (``l:<link id>`` or ``p:<paragraph id>``), its
    position among the document's units, its paragraph ids and whether it is a real link of a
    two-sided document (``paired``)."""

    key: str
    link_id: str | None
    pos: int
    source: list[str]
    target: list[str]
    paired: bool
    two_sided: bool


# ------------------------------------------------------------------------------------ status changes


@dataclass(slots=True)
class StoredFinding:
    """What the status rules read of a stored finding (the store fills what it has read)."""

    id: str
    status: str
    present: bool = True
    digest: str = ""
    comment: str | None = None
    user: str | None = None
    status_at: str | None = None
    unit: str = ""
    term_id: Any = None
    key: str = ""


@dataclass(slots=True)
class Decision:
    """An editor's tag on a whole group of findings (see :func:`group_id`).

    ``since`` is the project's last history row when the decision was tagged: an occurrence found
    later whose paragraphs have no history row after it is in text the decision was made on (the
    rule is :func:`workbench.checks.reconcile.decided_status`). ``rev`` is bumped by every tag."""

    group: str
    doc_id: int | None
    check: str
    term_id: Any
    form: str
    status: str = "open"
    comment: str | None = None
    user: str | None = None
    at: str | None = None
    since: int = 0
    rev: int = 0  # 0: never tagged

    def to_json(self) -> dict[str, Any]:
        return {"group": self.group, "document": self.doc_id, "check": self.check, "term": self.term_id,
                "form": self.form, "status": self.status, "comment": self.comment, "user": self.user, "at": self.at,
                "rev": self.rev}  # fmt: skip


@dataclass(slots=True)
class Refresh:
    """A finding seen again whose stored row differs (content, presence or status): rewrite it,
    present, with this status."""

    finding: Finding
    status: str
    comment: str | None
    user: str | None
    status_at: str | None
    digest: str


@dataclass(slots=True)
class StatusSet:
    """A status a run sets on a finding it did not see again, or saw unchanged; ``present``
    (when not None) is written too."""

    finding_id: str
    status: str
    comment: str
    present: bool | None = None


@dataclass(slots=True)
class AutoTag:
    """A status change made by a run, for the tag log (``finding_tags``, automatic)."""

    finding_id: str
    status: str
    comment: str


@dataclass
class FindingChanges:
    """What one reconciliation asks the store to write, in one transaction, at time ``at`` by
    ``user``: insert ``new`` (open, present), rewrite ``refresh``, set ``statuses``, mark
    ``absent`` (status kept), log ``tags``. ``counts`` are the run report's figures."""

    user: str
    at: str
    new: list[Finding] = field(default_factory=list)
    refresh: list[Refresh] = field(default_factory=list)
    statuses: list[StatusSet] = field(default_factory=list)
    absent: list[str] = field(default_factory=list)
    tags: list[AutoTag] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=lambda: {"new": 0, "resolved": 0, "reopened": 0})
    #: new findings (by id) that come in under their group's decision: (status, comment, user)
    decided: dict[str, tuple[str, str | None, str | None]] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return bool(self.new or self.refresh or self.statuses or self.absent or self.tags)
