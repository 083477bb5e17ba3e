"""Incremental checks runs on the demo corpus: what a run skips, it could not have changed.

A unit's cached results are reused while its texts, the checks and the termbase hold; a term's
gloss (and gloss_first) counts only for the links that name the term (see
:func:`workbench.checks.runner.term_part`). Each case edits the project, runs the checks the way the
app and the team benchmark do (one document, or all), and holds the findings to those of a forced
run that recomputes everything.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from workbench.checks import CheckRunner
from workbench.demo import load_demo

USER = "demo"


def _findings(store: Any) -> list[tuple[Any, ...]]:
    """Every present finding as an editor reads it (paragraphs named by document, side and place,
    so that two runs compare whatever ids the paragraphs have)."""
    where: dict[str, str] = {}
    for d in store.list_documents():
        doc = store.get_document(d.id)
        for side in ("source", "target"):
            text = doc.side(side)
            for i, p in enumerate(text.paragraphs if text else []):
                where[p.id] = f"{d.id}/{side}/{i}"
    return sorted(
        (f.id, f.check, f.severity, where.get(f.para_id or "", ""), f.start, f.end, f.message, f.excerpt, f.status)
        for f in store.findings.list(present=True, with_tags=False)
    )


@pytest.fixture
def demo(store: Any) -> Any:
    for _ in load_demo(store, user=USER):
        pass
    CheckRunner(store).run(user=USER, workers=1)
    return store


def _term(store: Any, pred: Any) -> Any:
    return dataclasses.replace(next(t for t in store.terms.list_terms(order="id") if pred(t)))


def _edit_term(store: Any, term: Any, **changes: Any) -> None:
    t = dataclasses.replace(term, **changes)
    store.terms.update(t, USER, expected_rev=term.rev)


def _count_writes(store: Any, monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Write transactions opened on ``store`` from now on (a one-element list, counted as they open)."""
    n = [0]
    original = store.db.transaction

    def counting(*args: Any, **kwargs: Any) -> Any:
        n[0] += 1
        return original(*args, **kwargs)

    monkeypatch.setattr(store.db, "transaction", counting)
    return n


def test_unchanged_rerun_recomputes_and_writes_nothing(demo: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    store = demo
    docs = [d.id for d in store.list_documents()]
    before = _findings(store)
    writes = _count_writes(store, monkeypatch)
    for doc_ids in ([docs[0]], None):
        rep = CheckRunner(store).run(doc_ids, user=USER, workers=1)
        assert rep.recomputed == 0 and rep.units > 0
        assert (rep.new, rep.resolved, rep.reopened) == (0, 0, 0)
    assert writes[0] == 0  # no write transaction: an editor's save never queues behind such a run
    assert _findings(store) == before


def test_edited_paragraph_rechecks_its_link_only_and_writes_little(demo: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    store = demo
    doc_id = store.list_documents()[0].id
    doc = store.get_document(doc_id)
    p = doc.target.paragraphs[5]
    store.update_paragraph(p.id, p.text + " and the Masach (screen) of Malchut", None, p.rev, USER)
    writes = _count_writes(store, monkeypatch)
    rep = CheckRunner(store).run([doc_id], user=USER, workers=1)
    assert rep.recomputed == 1
    assert writes[0] <= 8  # the link's rows, its findings, the document-wide ones: a few short transactions
    after = _findings(store)
    CheckRunner(store).run(force=True, user=USER, workers=1)
    assert _findings(store) == after


def _used_term_ids(store: Any, doc_id: int | None = None) -> set[int]:
    """The terms the texts name (of one document, or of all)."""
    return {u.term_id for u in store.findings.usage_rows() if doc_id is None or u.doc_id == doc_id}


EDITS = {
    # a gloss edited, as terminologists do (the team benchmark's term edit): only the links that
    # name the term, or that looked for renderings by gloss, are checked again
    "gloss of a term the texts use": lambda s, used: (
        _term(s, lambda t: t.id in used and t.gloss), {"gloss": "a new gloss [edited]"}),
    "gloss of a term the texts do not use": lambda s, used: (
        _term(s, lambda t: t.id not in used and t.gloss), {"gloss": "a gloss nobody reads"}),
    # a gloss that is a word of the translation: the gloss matcher's choice changes anywhere
    "gloss made an everyday word": lambda s, used: (
        _term(s, lambda t: t.id not in used), {"gloss": "light"}),
    "gloss removed": lambda s, used: (_term(s, lambda t: t.id in used and t.gloss), {"gloss": None}),
    "gloss_first switched": lambda s, used: (
        _term(s, lambda t: t.id in used and t.gloss), {"gloss_first": True}),
    "preferred rendering changed": lambda s, used: (
        _term(s, lambda t: t.id in used and t.kind == "transliteration"), {"variants": ["Lightt"]}),
}


@pytest.mark.parametrize("scope", ["document", "all"])
@pytest.mark.parametrize("edit", sorted(EDITS))
def test_term_edit_then_run_finds_what_a_forced_run_finds(demo: Any, edit: str, scope: str) -> None:
    store = demo
    docs = [d.id for d in store.list_documents()]
    term, changes = EDITS[edit](store, _used_term_ids(store))
    _edit_term(store, term, **changes)
    runner = CheckRunner(store)
    for doc_ids in ([[d] for d in docs] if scope == "document" else [None]):
        runner.run(doc_ids, user=USER, workers=1)
    incremental = _findings(store)
    CheckRunner(store).run(force=True, user=USER, workers=1)
    assert _findings(store) == incremental


def test_gloss_edit_rechecks_only_the_links_that_name_the_term(demo: Any) -> None:
    store = demo
    doc_id = store.list_documents()[0].id
    units = CheckRunner(store).run([doc_id], user=USER, workers=1).units
    used = _used_term_ids(store)
    named = _used_term_ids(store, doc_id)
    # a term no text names, whose old and new glosses no translation has: nothing to check again
    term = _term(store, lambda t: t.id not in used and t.gloss)
    _edit_term(store, term, gloss="zyxwv")
    assert CheckRunner(store).run([doc_id], user=USER, workers=1).recomputed == 0
    # a term the document names: the links that name it (or have its gloss in their translation)
    hot = _term(store, lambda t: t.id in named and t.gloss)
    _edit_term(store, hot, gloss=(hot.gloss or "") + " [edited]")
    rep = CheckRunner(store).run([doc_id], user=USER, workers=1)
    assert 0 < rep.recomputed < units
    # the same edit again recomputes nothing: the cached rows hold the new gloss
    assert CheckRunner(store).run([doc_id], user=USER, workers=1).recomputed == 0
    # a field every unit's checks read (a rendering) re-checks every link
    _edit_term(store, _term(store, lambda t: t.id == hot.id), variants=[*hot.variants, "Zqxv"])
    assert CheckRunner(store).run([doc_id], user=USER, workers=1).recomputed == units


def test_a_new_gloss_that_hides_another_terms_gloss_rechecks_its_link(demo: Any) -> None:
    """A term's gloss counts as its rendering (``screen`` for מסך), found by the gloss matcher's
    leftmost-longest choice over every gloss: a longer gloss of another term, one the link does not
    name, written over that place takes the rendering away. The link must be checked again."""
    from workbench.checks.analysis import coverage
    from workbench.checks.context import units_of

    store = demo
    doc_id = store.list_documents()[0].id
    runner = CheckRunner(store)
    ctx = runner.context()
    found = None
    for unit in units_of(store.get_document(doc_id), store.get_links(doc_id)):
        cov = coverage(unit, ctx)
        for tid, forms in (cov[2] if cov else {}).items():
            for p in unit.target:
                at = p.text.lower().find(forms[0].lower())
                words = p.text[:at].split()
                if at > 0 and words and words[-1].isalpha():
                    found = (tid, f"{words[-1]} {p.text[at: at + len(forms[0])]}")
                    break
            if found:
                break
        unit.memo.clear()
        if found:
            break
    assert found, "the demo has a term rendered by its gloss"
    used = _used_term_ids(store)
    other = _term(store, lambda t: t.id not in used and t.id != found[0])
    before = _findings(store)
    _edit_term(store, other, gloss=found[1])
    rep = CheckRunner(store).run([doc_id], user=USER, workers=1)
    assert rep.recomputed >= 1
    incremental = _findings(store)
    CheckRunner(store).run(force=True, user=USER, workers=1)
    assert _findings(store) == incremental
    assert incremental != before  # the case means something: the rendering was taken away
