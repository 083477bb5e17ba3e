"""apply_table_edits: the Terms page's whole-table save is one transaction, each row checked against
the revision the editor loaded; a stale or forbidden row refuses the whole save."""

from __future__ import annotations

import pytest

from workbench.errors import ConflictError, WorkbenchError
from workbench.roles import PermissionDenied
from workbench.store import Store
from workbench.terms import Term
from workbench.terms.service import apply_table_edits, rows_with_edits, terms_table


@pytest.fixture
def team(store: Store) -> Store:
    """Two terminologists (alice, bob), an editor (ed), and two entries."""
    store.accounts.add("root", "admin")
    for name, role in (("alice", "terminologist"), ("bob", "terminologist"), ("ed", "editor")):
        store.accounts.add(name, role, user="root")
    store.terms.add(Term("מסך", "Masach", gloss="screen"), "root")
    store.terms.add(Term("זיווג", "Zivug", gloss="coupling"), "root")
    return store


def _rows(terms: list[Term]) -> list[dict]:
    return terms_table(terms)


def _by(store: Store, rendering: str) -> Term:
    return next(t for t in store.terms.list_terms() if t.preferred == rendering)


def _snapshot(store: Store) -> list[tuple]:
    return [(t.id, t.preferred, t.gloss, t.note, t.rev) for t in store.terms.list_terms(order="id")]


def test_changed_added_and_deleted_rows_are_saved(team: Store) -> None:
    loaded = team.terms.list_terms()
    rows = _rows(loaded)
    rows[0]["gloss"] = "a screen"  # Masach
    del rows[1]  # Zivug deleted in the table
    rows.append({"id": None, "rendering": "Rosh", "source": "ראש", "kind": "transliteration", "variants": float("nan"),
                 "forbidden": None, "gloss": None, "gloss_first": None, "status": "approved", "note": None})  # fmt: skip
    done = apply_table_edits(team.terms, loaded, rows, "alice")
    assert (done.added, done.updated, done.deleted) == (1, 1, 1)
    assert [t.preferred for t in team.terms.list_terms()] == ["Masach", "Rosh"]
    assert _by(team, "Masach").gloss == "a screen" and _by(team, "Masach").rev == 2
    rosh = _by(team, "Rosh")
    assert (rosh.gloss, rosh.variants, rosh.note) == (None, [], None)  # empty cells are not the word "nan"


def test_unchanged_table_writes_nothing(team: Store) -> None:
    loaded = team.terms.list_terms()
    before = _snapshot(team)
    assert apply_table_edits(team.terms, loaded, _rows(loaded), "alice").total == 0
    assert _snapshot(team) == before
    with pytest.raises(PermissionDenied):  # a save request without the role is refused even when empty
        apply_table_edits(team.terms, loaded, _rows(loaded), "ed")


def test_stale_row_refuses_the_whole_save_naming_who(team: Store) -> None:
    loaded = team.terms.list_terms()  # bob loads the table
    t = _by(team, "Zivug")
    t.note = "alice was here"
    team.terms.update(t, "alice")  # alice saves Zivug meanwhile
    rows = _rows(loaded)
    rows[0]["gloss"] = "bob's screen"  # Masach: not stale on its own
    rows[1]["gloss"] = "bob's coupling"  # Zivug: stale
    before = _snapshot(team)
    with pytest.raises(ConflictError) as exc:
        apply_table_edits(team.terms, loaded, rows, "bob")
    msg = str(exc.value)
    assert "Zivug" in msg and "by alice at " in msg and "nothing was saved" in msg
    assert _snapshot(team) == before  # Masach was saved first and rolled back with the rest
    assert _by(team, "Masach").gloss == "screen"


def test_deleting_a_row_someone_changed_is_refused(team: Store) -> None:
    loaded = team.terms.list_terms()
    t = _by(team, "Masach")
    t.gloss = "screen (alice)"
    team.terms.update(t, "alice")
    rows = [r for r in _rows(loaded) if r["rendering"] != "Masach"]
    before = _snapshot(team)
    with pytest.raises(ConflictError) as exc:
        apply_table_edits(team.terms, loaded, rows, "bob")
    assert "by alice" in str(exc.value) and "nothing in the table was saved" in str(exc.value)
    assert _snapshot(team) == before


def test_editor_may_not_save_the_termbase(team: Store) -> None:
    loaded = team.terms.list_terms()
    rows = _rows(loaded)
    rows[0]["gloss"] = "ed's screen"
    before = _snapshot(team)
    with pytest.raises(PermissionDenied) as exc:
        apply_table_edits(team.terms, loaded, rows, "ed")
    assert "ed (editor)" in str(exc.value) and "terminologist" in str(exc.value)
    assert _snapshot(team) == before


def test_an_invalid_added_row_rolls_back_the_changed_ones(team: Store) -> None:
    loaded = team.terms.list_terms()
    rows = _rows(loaded)
    rows[0]["gloss"] = "changed"
    rows.append({"id": None, "rendering": "Masach", "source": "מסך", "kind": "transliteration", "status": "approved"})
    before = _snapshot(team)
    with pytest.raises(WorkbenchError) as exc:
        apply_table_edits(team.terms, loaded, rows, "alice")
    assert "already has source" in str(exc.value) and "nothing in the table was saved" in str(exc.value)
    assert _snapshot(team) == before


def test_rows_with_edits_applies_the_table_editor_state() -> None:
    base = [{"id": 1, "rendering": "A"}, {"id": 2, "rendering": "B"}, {"id": 3, "rendering": "C"}]
    state = {"edited_rows": {0: {"rendering": "A2"}, "2": {"rendering": "C2"}}, "deleted_rows": [1],
             "added_rows": [{"rendering": "D"}]}  # fmt: skip
    assert rows_with_edits(base, state) == [{"id": 1, "rendering": "A2"}, {"id": 3, "rendering": "C2"}, {"rendering": "D"}]
    assert rows_with_edits(base, None) == base and base[0]["rendering"] == "A"  # the loaded rows are not changed
