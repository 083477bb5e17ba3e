"""Accounts, roles and sessions in the core: who may write what, sign-in, tokens, presence, and the
stale-save messages that name who changed a thing."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.store.test_store import make_doc, one_to_one
from workbench.errors import ConflictError, WorkbenchError
from workbench.model import Link
from workbench.roles import PERMISSIONS, ROLES, PermissionDenied, allows
from workbench.store import open_store
from workbench.store.accounts import AccountsRepo, SignInError
from workbench.store.db import migrations, now
from workbench.terms import Term
from workbench.terms.model import Annotation

PW = "correct horse"


@pytest.fixture
def team(store):
    """A project with one account of each role (named after it) and one aligned document."""
    store.accounts.add("admin", "admin", PW)
    for role in ROLES[:-1]:
        store.accounts.add(role, role, PW, user="admin")
    doc = make_doc()
    doc_id = store.create_document(doc, "admin", links=one_to_one(doc))
    return store, doc_id


def test_role_table_is_cumulative() -> None:
    for perm, lowest in PERMISSIONS.items():
        for role in ROLES:
            assert allows(role, perm) == (ROLES.index(role) >= ROLES.index(lowest)), (role, perm)
    assert allows(None, "admin")  # no accounts: the single local user may do everything
    with pytest.raises(WorkbenchError, match="unknown role"):
        allows("owner", "read")


def test_without_accounts_every_name_may_write(store) -> None:
    doc = make_doc()
    doc_id = store.create_document(doc, "anyone")
    p = doc.target.paragraphs[0]
    store.update_paragraph(p.id, "changed", expected_rev=p.rev, user="someone else")
    assert store.role_of("x") is None and store.may("x", "admin")
    assert store.history(doc_id, 1)[0]["user"] == "someone else"


def test_password_hash_is_argon2id_and_never_logged(store) -> None:
    store.accounts.add("alice", "admin", PW)
    stored = store.db.conn.execute("SELECT password_hash FROM accounts WHERE name = 'alice'").fetchone()[0]
    assert stored.startswith("$argon2id$") and PW not in stored
    store.accounts.set_password("alice", "another secret", user="alice")
    from workbench.store.maintenance import dump_rows

    dump = "\n".join(dump_rows(store.db))
    assert PW not in dump and "another secret" not in dump


def test_first_account_needs_no_admin_later_ones_do(store) -> None:
    store.accounts.add("alice", "admin", PW)
    store.accounts.add("bob", "editor", PW, user="alice")
    with pytest.raises(PermissionDenied, match="bob \\(editor\\) may not manage accounts"):
        store.accounts.add("carol", "viewer", PW, user="bob")
    with pytest.raises(PermissionDenied, match="no account"):
        store.accounts.add("carol", "viewer", PW, user="mallory")
    assert [a.name for a in store.accounts.list()] == ["alice", "bob"]
    with pytest.raises(WorkbenchError, match="last active admin"):
        store.accounts.set_role("alice", "editor", user="alice")
    with pytest.raises(WorkbenchError, match="already exists"):
        store.accounts.add("bob", "viewer", PW, user="alice")
    with pytest.raises(WorkbenchError, match="not allowed"):
        store.accounts.add("bad name", "viewer", PW, user="alice")
    with pytest.raises(WorkbenchError, match="at least 8"):
        store.accounts.add("dave", "viewer", "short", user="alice")


@pytest.mark.parametrize(
    ("role", "allowed"),
    [("viewer", set()), ("editor", {"text", "links", "annotate", "tag", "rename"}),
     ("terminologist", {"text", "links", "annotate", "tag", "rename", "term"}),
     ("reviewer", {"text", "links", "annotate", "tag", "rename", "term", "accept"}),
     ("admin", {"text", "links", "annotate", "tag", "rename", "term", "accept", "delete", "import"})],
)  # fmt: skip
def test_every_write_checks_the_role(team, role: str, allowed: set[str]) -> None:
    store, doc_id = team
    store.terms.add(Term(source="מסך", preferred="Masach"), "admin")
    doc = store.get_document(doc_id)
    para = doc.target.paragraphs[0]
    links = store.get_links(doc_id)
    writes = {
        "text": lambda: store.update_paragraph(para.id, para.text + " x", expected_rev=para.rev, user=role),
        "links": lambda: store.save_links(doc_id, [Link(lk.source, lk.target, lk.score, "confirmed", lk.id)
                                                   for lk in links], store.alignment_rev(doc_id), role),
        "annotate": lambda: store.terms.add_annotations(
            [Annotation(doc_id, para.id, 0, 2, para.text[:2], None)], role),
        "rename": lambda: store.update_document(doc_id, store.get_document(doc_id).meta_rev, role, title="New"),
        "term": lambda: store.terms.add(Term(source="זיווג", preferred="Zivug"), role),
        "delete": lambda: store.delete_document(doc_id, role),
        "import": lambda: store.create_document(make_doc(title="More"), role),
    }  # fmt: skip
    for name, write in writes.items():
        before = store.db.conn.execute("SELECT count(*) FROM history").fetchone()[0]
        if name in allowed:
            write()
        else:
            with pytest.raises(PermissionDenied, match=f"{role} \\({role}\\) may not"):
                write()
            after = store.db.conn.execute("SELECT count(*) FROM history").fetchone()[0]
            assert after == before, f"{name} by {role} wrote something"


def test_finding_tags_need_review_to_accept_and_refuse_stale(team) -> None:
    store, doc_id = team
    fid = "f" * 40
    ts = now()
    store.db.conn.execute(
        "INSERT INTO findings (id, doc_id, unit, check_id, severity, message, anchor, first_seen, updated)"
        " VALUES (?, ?, 'u', 'typography', 'warning', 'm', 'a', ?, ?)",
        (fid, doc_id, ts, ts),
    )
    f = store.findings.get(fid)
    assert f.rev == 1
    with pytest.raises(PermissionDenied, match="may not tag findings"):
        store.findings.tag([fid], "fixed", "viewer")
    with pytest.raises(PermissionDenied, match="accept exceptions"):
        store.findings.tag([fid], "accepted", "editor", "house style")
    store.findings.tag([fid], "fixed", "editor", expected_revs={fid: 1})
    with pytest.raises(ConflictError, match="tagged fixed by editor at"):
        store.findings.tag([fid], "open", "terminologist", expected_revs={fid: 1})
    store.findings.tag([fid], "accepted", "reviewer", "house style", expected_revs={fid: 2})
    with pytest.raises(PermissionDenied, match="accept exceptions"):  # taking an exception back is a review
        store.findings.tag([fid], "open", "editor")
    assert store.findings.get(fid).status == "accepted" and store.findings.get(fid).rev == 3


def test_stale_saves_name_who_and_when(team) -> None:
    store, doc_id = team
    t = store.terms.add(Term(source="מסך", preferred="Masach"), "terminologist")
    mine = store.terms.get(t.id)
    theirs = store.terms.get(t.id)
    theirs.gloss = "screen"
    store.terms.update(theirs, "reviewer")
    mine.gloss = "curtain"
    with pytest.raises(ConflictError, match=r"term 'Masach' was changed by reviewer at \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC"):
        store.terms.update(mine, "terminologist")
    assert store.terms.get(t.id).gloss == "screen"
    with pytest.raises(ConflictError, match="changed by reviewer"):
        store.terms.delete(t.id, "terminologist", expected_rev=1)
    rev = store.get_document(doc_id).meta_rev
    store.update_document(doc_id, rev, "editor", title="Theirs")
    with pytest.raises(ConflictError, match="title or metadata of document .* was changed by editor"):
        store.update_document(doc_id, rev, "reviewer", title="Mine")
    assert store.get_document(doc_id).title == "Theirs"
    para = store.get_document(doc_id).target.paragraphs[1]
    store.update_paragraph(para.id, "bob's text", expected_rev=para.rev, user="editor")
    with pytest.raises(ConflictError, match="changed by editor at"):
        store.update_paragraph(para.id, "alice's text", expected_rev=para.rev, user="admin")


def test_disabled_and_unknown_accounts_write_nothing(team) -> None:
    store, doc_id = team
    store.accounts.set_active("editor", False, user="admin")
    para = store.get_document(doc_id).target.paragraphs[0]
    for who, msg in (("editor", "disabled"), ("nobody", "no account")):
        with pytest.raises(PermissionDenied, match=msg):
            store.update_paragraph(para.id, "x", expected_rev=para.rev, user=who)
    assert store.get_paragraph(para.id).text == para.text


class Clock:
    def __init__(self) -> None:
        self.t = datetime(2026, 12, 7, 12, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.t


def test_sign_in_one_message_and_back_off(store) -> None:
    clock = Clock()
    repo = AccountsRepo(store, clock)
    repo.add("alice", "admin", PW)
    assert repo.verify("alice", PW, "10.0.0.1").last_login is not None
    for name in ("alice", "nobody"):
        with pytest.raises(SignInError, match="^wrong user name or password$"):
            repo.verify(name, "guess", "10.0.0.2")
    for _ in range(3):  # five failures from the address, four for the account: still free
        with pytest.raises(SignInError, match="wrong user name"):
            repo.verify("alice", "guess", "10.0.0.2")
    with pytest.raises(SignInError, match="too many failed sign-ins; try again in"):
        repo.verify("nobody", PW, "10.0.0.2")  # the address waits, whatever name it tries
    assert repo.verify("alice", PW, "10.0.0.3").name == "alice"  # the account does not yet
    with pytest.raises(SignInError, match="wrong user name"):
        repo.verify("alice", "guess", "10.0.0.4")  # a success does not wipe the address's failures
    with pytest.raises(SignInError, match="too many failed"):
        repo.verify("alice", PW, "10.0.0.2")
    clock.t += timedelta(seconds=3)
    assert repo.verify("alice", PW, "10.0.0.9").name == "alice"
    clock.t += timedelta(minutes=16)  # the window passed
    assert repo.verify("alice", PW, "10.0.0.2").name == "alice"


def test_session_tokens_sign_in_until_expiry_or_sign_out(store) -> None:
    clock = Clock()
    repo = AccountsRepo(store, clock)
    repo.add("alice", "admin", PW)
    repo.add("bob", "editor", PW, user="alice")
    token = repo.start_session("bob", "127.0.0.1", hours=1)
    assert repo.session_account(token).name == "bob"
    raw, exp, sig = token.split(".")
    assert repo.session_account(f"{raw}.{int(exp) + 3600}.{sig}") is None  # a longer life is not signed
    assert repo.session_account(token[:-2] + "xx") is None
    assert repo.session_account("garbage") is None and repo.session_account(None) is None
    assert store.db.conn.execute("SELECT count(*) FROM auth_sessions WHERE token_hash = ?", (token,)).fetchone()[0] == 0
    clock.t += timedelta(minutes=61)
    assert repo.session_account(token) is None
    clock.t -= timedelta(minutes=61)
    repo.end_session(token)
    assert repo.session_account(token) is None
    t2 = repo.start_session("bob")
    repo.set_active("bob", False, user="alice")
    assert repo.session_account(t2) is None
    repo.set_active("bob", True, user="alice")
    assert repo.session_account(t2) is None  # disabling ended the session for good


def test_openid_identities_map_to_accounts(store) -> None:
    store.accounts.add("alice", "admin", PW, email="alice@example.org")
    assert store.accounts.for_identity("alice@example.org", "sub-1").name == "alice"
    assert store.accounts.for_identity(None, "sub-1").name == "alice"  # the subject was remembered
    with pytest.raises(SignInError, match="no account for carol@example.org"):
        store.accounts.for_identity("carol@example.org", "sub-2")
    acc = store.accounts.for_identity("carol@example.org", "sub-2", auto_role="viewer")
    assert (acc.name, acc.role) == ("carol@example.org", "viewer")
    store.accounts.set_active("carol@example.org", False, user="alice")
    with pytest.raises(SignInError, match="disabled"):
        store.accounts.for_identity("carol@example.org", "sub-2", auto_role="viewer")


def test_presence_shows_who_was_seen_in_the_last_minute(store) -> None:
    clock = Clock()
    repo = AccountsRepo(store, clock)
    doc_id = store.create_document(make_doc())
    repo.touch(doc_id, "alice")
    clock.t += timedelta(seconds=30)
    repo.touch(doc_id, "bob")
    assert [u for u, _ in repo.present(doc_id, exclude="bob")] == ["alice"]
    clock.t += timedelta(seconds=45)
    assert [u for u, _ in repo.present(doc_id)] == ["bob"]


def test_a_database_of_the_previous_release_upgrades_in_place(tmp_path: Path) -> None:
    """A project made before accounts existed (schema 5) opens, gains the new tables, loses nothing."""
    path = tmp_path / "old.db"
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT, applied TEXT)")
    for version, name, sql in migrations():
        if version >= 6:
            break
        conn.executescript(sql)
        conn.execute("INSERT INTO schema_migrations VALUES (?, ?, ?)", (version, name, now()))
    ts = now()
    conn.executescript(f"""
        INSERT INTO documents (id, title, source_lang, target_lang, has_source, has_target, created, updated,
                               alignment_rev) VALUES (1, 'Old', 'he', 'en', 1, 1, '{ts}', '{ts}', 1);
        INSERT INTO paragraphs VALUES ('s1', 1, 'source', 0, 'א', '[]', NULL, NULL, 1, '{ts}');
        INSERT INTO paragraphs VALUES ('t1', 1, 'target', 0, 'a', '[]', NULL, NULL, 3, '{ts}');
        INSERT INTO links VALUES ('l1', 1, 0, '["s1"]', '["t1"]', 0.9, 'confirmed', NULL, 2);
        INSERT INTO history (at, user, entity, entity_id, doc_id, action) VALUES ('{ts}', 'editor', 'paragraph', 't1', 1, 'edit');
        INSERT INTO findings (id, doc_id, unit, check_id, severity, message, anchor, status, comment, first_seen, updated)
            VALUES ('f1', 1, 'l1', 'typography', 'warning', 'm', 'a', 'accepted', 'why', '{ts}', '{ts}');
    """)
    conn.close()
    s = open_store(path)
    assert s.db.schema_version() == max(v for v, _, _ in migrations())
    doc = s.get_document(1)
    assert (doc.title, doc.meta_rev, doc.target.paragraphs[0].rev) == ("Old", 1, 3)
    assert [(lk.id, lk.status, lk.rev) for lk in s.get_links(1)] == [("l1", "confirmed", 2)]
    f = s.findings.get("f1")
    assert (f.status, f.comment, f.rev) == ("accepted", "why", 1)
    assert s.history(1)[0]["user"] == "editor" and s.accounts.list() == []


def test_presence_is_written_at_most_every_20_seconds(store) -> None:
    """A page touches on every run; only the first touch in 20 s costs a write."""
    clock = Clock()
    repo = AccountsRepo(store, clock)
    doc_id = store.create_document(make_doc())
    seen = lambda: store.db.conn.execute("SELECT seen FROM presence").fetchone()[0]  # noqa: E731
    repo.touch(doc_id, "alice")
    first = seen()
    clock.t += timedelta(seconds=10)
    repo.touch(doc_id, "alice")
    assert seen() == first
    clock.t += timedelta(seconds=11)
    repo.touch(doc_id, "alice")
    assert seen() > first


def test_the_signing_key_is_made_once_and_shared(store) -> None:
    """Two repositories (two server processes) sign with the same key, read once each."""
    a, b = AccountsRepo(store), AccountsRepo(store)
    a.add("alice", "admin", PW)
    token = a.start_session("alice")
    assert b.session_account(token).name == "alice"
    assert store.db.conn.execute("SELECT count(*) FROM settings WHERE key = 'session_key'").fetchone()[0] == 1
