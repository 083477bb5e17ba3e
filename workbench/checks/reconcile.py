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

Rule of :func:`reopen_still_present`: a finding an editor tagged ``fixed`` whose cause the checks
still see (its unit did not change since, so it was not re-checked) is reopened.

Every status a run sets is logged as an automatic tag. Kept apart from the SQL so that each rule
can be read, and tested, on plain objects.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from workbench.findings_types import (
    AutoTag,
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


def reconcile(
    existing: Mapping[str, StoredFinding],
    found: Sequence[Finding],
    scope: Iterable[StoredFinding] = (),
    *,
    user: str,
    at: str,
) -> FindingChanges:
    """The changes a run makes: ``found`` are the findings it reported, ``existing`` the stored
    findings by id (at least those of ``found`` that are stored), ``scope`` the stored findings
    present before the run that it could have reported again (those it did not are gone)."""
    changes = FindingChanges(user, at)
    counts = changes.counts
    for f in found:
        digest = f.digest or finding_digest(f)
        r = existing.get(f.id)
        if r is None:
            counts["new"] += 1
            changes.new.append(f)
            continue
        status, comment, suser, sat = r.status, r.comment, r.user, r.status_at
        if status == "fixed":
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
