"""The status rules of findings as pure functions (:mod:`workbench.checks.reconcile`): no store."""

from __future__ import annotations

import pytest

from workbench.checks.reconcile import (
    REOPENED,
    RESOLVED,
    STILL_THERE,
    corpus_scope,
    reconcile,
    reopen_still_present,
)
from workbench.findings_types import Finding, StoredFinding, finding_digest

pytestmark = pytest.mark.no_database  # pure: runs on the SQLite pass only (tests/conftest.py)

AT = "2026-01-01T00:00:00+00:00"


def found(fid: str, message: str = "m") -> Finding:
    return Finding(fid, "typography", "warning", message, doc_id=1, unit="l:a")


def stored(f: Finding | str, status: str = "open", *, present: bool = True, **kw: object) -> StoredFinding:
    if isinstance(f, Finding):
        return StoredFinding(f.id, status, present, finding_digest(f), unit=f.unit, **kw)  # type: ignore[arg-type]
    return StoredFinding(f, status, present, "old digest", unit="l:a", **kw)  # type: ignore[arg-type]


def run(existing: list[StoredFinding], new: list[Finding], scope: list[StoredFinding] | None = None):  # noqa: ANN201
    return reconcile({r.id: r for r in existing}, new, existing if scope is None else scope, user="checks", at=AT)


def test_a_new_finding_is_inserted_open() -> None:
    f = found("x")
    ch = run([], [f])
    assert ch.new == [f] and not ch.refresh and not ch.statuses and not ch.tags
    assert ch.counts == {"new": 1, "resolved": 0, "reopened": 0}


def test_seen_again_unchanged_writes_nothing() -> None:
    f = found("x")
    for status in ("open", "accepted"):
        ch = run([stored(f, status)], [f])
        assert not ch and ch.counts == {"new": 0, "resolved": 0, "reopened": 0}


def test_seen_again_changed_is_refreshed_with_its_status() -> None:
    f = found("x", "new message")
    r = stored("x", "accepted", comment="house style", user="dana", status_at="t0")
    (u,) = run([r], [f]).refresh
    assert (u.finding, u.status, u.comment, u.user, u.status_at) == (f, "accepted", "house style", "dana", "t0")
    assert u.digest == finding_digest(f)
    # An absent one seen again comes back present (rewritten) with its status.
    g = found("y")
    (u,) = run([stored(g, "open", present=False)], [g]).refresh
    assert (u.finding.id, u.status) == ("y", "open")


def test_fixed_reopens_when_seen_again() -> None:
    f = found("x")
    ch = run([stored(f, "fixed", present=False, comment="done", user="dana")], [f])
    (u,) = ch.refresh
    assert (u.status, u.comment, u.user, u.status_at) == ("open", REOPENED, "checks", AT)
    assert [(t.finding_id, t.status, t.comment) for t in ch.tags] == [("x", "open", REOPENED)]
    assert ch.counts["reopened"] == 1


def test_open_and_gone_is_resolved() -> None:
    ch = run([stored("x", "open")], [])
    (s,) = ch.statuses
    assert (s.finding_id, s.status, s.comment, s.present) == ("x", "fixed", RESOLVED, False)
    assert [(t.finding_id, t.status) for t in ch.tags] == [("x", "fixed")]
    assert ch.counts["resolved"] == 1 and not ch.absent


def test_accepted_and_gone_stays_accepted_and_is_marked_absent() -> None:
    ch = run([stored("x", "accepted"), stored("y", "fixed")], [])
    assert ch.absent == ["x", "y"] and not ch.statuses and not ch.tags
    assert ch.counts == {"new": 0, "resolved": 0, "reopened": 0}


def test_only_the_scope_is_resolved() -> None:
    ch = run([stored("x", "open")], [], scope=[])
    assert not ch


def test_fixed_by_hand_but_still_present_reopens() -> None:
    rows = [stored("x", "fixed"), stored("y", "fixed", present=False), stored("z", "open")]
    ch = reopen_still_present(rows, user="checks", at=AT)
    assert [(s.finding_id, s.status, s.comment, s.present) for s in ch.statuses] == [("x", "open", STILL_THERE, None)]
    assert [t.finding_id for t in ch.tags] == ["x"] and ch.counts["reopened"] == 1


def test_corpus_scope_narrows_to_terms_and_renderings() -> None:
    rows = [StoredFinding("a", "open", term_id=1, key="renderings"), StoredFinding("b", "open", term_id=2, key="renderings"),
            StoredFinding("c", "open", key="reverse:screen"), StoredFinding("d", "open", key="reverse:curtain")]  # fmt: skip
    ids = lambda rs: [r.id for r in rs]  # noqa: E731
    assert ids(corpus_scope(rows)) == ["a", "b", "c", "d"]
    assert ids(corpus_scope(rows, terms={1}, reverse=False)) == ["a"]
    assert ids(corpus_scope(rows, keys={"reverse:screen"}, reverse=True)) == ["c"]
    assert ids(corpus_scope(rows, terms={2}, keys={"reverse:curtain"})) == ["b", "d"]
