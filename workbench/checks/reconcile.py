"""The status rules of findings across runs, as pure functions: what a run changes in the stored
findings, given what is stored and what the checks found. The store executes the returned
:class:`~workbench.findings_types.FindingChanges` (``store.findings.apply``); the runner glues the
two (:class:`workbench.checks.runner.CheckRunner`).

Rules of :func:`reconcile` (a run of the checks over some scope):

* a new finding is ``open``;
* a finding seen again keeps its status, except ``fixed``, which is reopened (``open``): the
  problem is back;
* a finding of the scope not seen any more is marked absent (``present = False``); if it was
  ``open`` it becomes ``fixed`` (resolved automatically); an ``accepted`` exception stays
  accepted, so it is still accepted if the cause comes back; a ``fixed`` one stays fixed.

Decisions (:func:`decided_status`): findings are grouped by (check, document, term, offending form)
(:func:`workbench.findings_types.group_id`), and an editor may tag a whole group at once. Tagging the
decision tags every occurrence it has then. An occurrence a run would open later (a new finding,
or a fixed one that comes back) comes in under the decision instead when the decision is
``accepted`` and *the text has not changed since*: none of the occurrence's paragraphs (the
finding's ``para_ids``: both sides of its link) has a history row written after the decision was
tagged (an edit, a batch fix, an insertion, a revert: any change to the paragraph). So a realigned
link or a re-run finds the same slip in unchanged text already accepted, while a slip written into
a paragraph after the decision comes in open: the editor has not seen it. A ``fixed`` or ``open``
decision carries nothing over (a fixed slip that is found again is open: it is back).

Rule of :func:`reopen_still_present`: a finding an editor tagged ``fixed`` whose cause the checks
still see (its unit did not change since, so it was not re-checked) is reopened.

Every status a run sets is logged as an automatic tag. Kept apart from the SQL so that each rule
can be read, and tested, on plain objects.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from typing import Any

from workbench.findings_types import (
    AutoTag,
    Decision,
    Finding,
    FindingChanges,
    Refresh,
    StatusSet,
    StoredFinding,
    finding_digest,
)

RESOLVED = "resolved: the problem is gone"
REOPENED = "reopened: the problem is back"
STILL_THERE = "reopened: the problem is still there"


def decided_status(f: Finding, decision: Decision | None, edited: Collection[str] = ()) -> str | None:
    """The status a finding a run would open takes from its group's ``decision`` (None: open):
    ``accepted`` when the decision is accepted and none of the finding's paragraphs is among
    ``edited`` (the paragraphs changed since the decision was tagged)."""
    if decision is None or decision.status != "accepted":
        return None
    if any(p in edited for p in f.para_ids):
        return None
    return decision.status


def _decision_note(d: Decision) -> str:
    return f"decision {d.group}: {d.status} by {d.user or '?'}" + (f" ({d.comment})" if d.comment else "")


def reconcile(
    existing: Mapping[str, StoredFinding],
    found: Sequence[Finding],
    scope: Iterable[StoredFinding] = (),
    *,
    user: str,
    at: str,
    decisions: Mapping[str, Decision] | None = None,
    edited: Mapping[str, Collection[str]] | None = None,
) -> FindingChanges:
    """The changes a run makes: ``found`` are the findings it reported, ``existing`` the stored
    findings by id (at least those of ``found`` that are stored), ``scope`` the stored findings
    present before the run that it could have reported again (those it did not are gone).
    ``decisions``: the decisions of the groups of ``found`` (by group id), ``edited``: per group,
    the paragraphs changed since its decision (see :func:`decided_status`)."""
    changes = FindingChanges(user, at)
    counts = changes.counts
    decisions = decisions or {}
    edited = edited or {}
    for f in found:
        digest = f.digest or finding_digest(f)
        r = existing.get(f.id)
        d = decisions.get(f.group) if decisions else None
        if r is None:
            counts["new"] += 1
            changes.new.append(f)
            st = decided_status(f, d, edited.get(f.group, ()))
            if st is not None and d is not None:
                counts["decided"] = counts.get("decided", 0) + 1
                changes.decided[f.id] = (st, d.comment, d.user)
                changes.tags.append(AutoTag(f.id, st, _decision_note(d)))
            continue
        status, comment, suser, sat = r.status, r.comment, r.user, r.status_at
        if status == "fixed":
            st = decided_status(f, d, edited.get(f.group, ()))
            if st is not None and d is not None:
                status, comment, suser, sat = st, d.comment, d.user, at
                counts["decided"] = counts.get("decided", 0) + 1
                changes.tags.append(AutoTag(f.id, st, _decision_note(d)))
            else:
                status, comment, suser, sat = "open", REOPENED, user, at
                counts["reopened"] += 1
                changes.tags.append(AutoTag(f.id, "open", REOPENED))
        if status != r.status or not r.present or digest != r.digest:
            changes.refresh.append(Refresh(f, status, comment, suser, sat, digest))
    seen = {f.id for f in found}
    for r in scope:
        if r.id in seen:
            continue
        if r.status == "open":
            counts["resolved"] += 1
            changes.statuses.append(StatusSet(r.id, "fixed", RESOLVED, present=False))
            changes.tags.append(AutoTag(r.id, "fixed", RESOLVED))
        else:
            changes.absent.append(r.id)
    return changes


def reopen_still_present(stored: Iterable[StoredFinding], *, user: str, at: str) -> FindingChanges:
    """Reopen the findings of ``stored`` tagged ``fixed`` whose cause is still present."""
    changes = FindingChanges(user, at)
    for r in stored:
        if r.status == "fixed" and r.present:
            changes.counts["reopened"] += 1
            changes.statuses.append(StatusSet(r.id, "open", STILL_THERE))
            changes.tags.append(AutoTag(r.id, "open", STILL_THERE))
    return changes


def corpus_scope(
    stored: Iterable[StoredFinding],
    *,
    terms: Iterable[Any] | None = None,
    keys: Iterable[str] | None = None,
    reverse: bool | None = None,
) -> list[StoredFinding]:
    """The stored corpus-wide findings a partial recomputation covers: per-term findings of
    ``terms`` and per-rendering findings (key ``reverse:<rendering>``) of ``keys`` (None: all);
    ``reverse`` keeps only one kind (True: per-rendering, False: per-term)."""
    tset = None if terms is None else set(terms)
    kset = None if keys is None else set(keys)
    out = []
    for r in stored:
        rev = r.key.startswith("reverse:")
        if reverse is not None and rev != reverse:
            continue
        if not rev and tset is not None and r.term_id not in tset:
            continue
        if rev and kset is not None and r.key not in kset:
            continue
        out.append(r)
    return out
