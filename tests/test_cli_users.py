"""``workbench users`` and the global ``--user``: accounts from the command line, and commands that act
with the role of the account they name."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.test_cli import pair  # noqa: F401 - fixture
from workbench.store import open_store

PW = "correct horse\n"


def run(db: Path, *args: str, stdin: str | None = None, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    import os

    proc = subprocess.run(
        [sys.executable, "-m", "workbench.cli", "--db", str(db), *args], capture_output=True, text=True,
        input=stdin if stdin is not None else "", env={**os.environ, **(env or {})},
    )  # fmt: skip
    return proc.returncode, proc.stdout, proc.stderr


def one_line_error(rc: int, err: str, text: str) -> None:
    assert rc == 2, err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err, err
    assert text in err, err


def test_accounts_lifecycle(db_path: Path) -> None:
    rc, _, err = run(db_path, "users", "add", "alice", "--role", "editor", "--password-stdin", stdin=PW)
    one_line_error(rc, err, "first account of a project must be an admin")
    assert run(db_path, "users", "add", "alice", "--role", "admin", "--password-stdin", stdin=PW)[0] == 0
    rc, _, err = run(db_path, "--user", "mallory", "users", "add", "bob", "--role", "editor", "--password-stdin", stdin=PW)
    one_line_error(rc, err, "'mallory' has no account")
    rc, out, _ = run(db_path, "users", "add", "bob", "--role", "editor", "--password-stdin", stdin=PW,
                     env={"WORKBENCH_USER": "alice"})  # fmt: skip
    assert rc == 0 and "added bob (editor)" in out
    rc, _, err = run(db_path, "--user", "bob", "users", "set-role", "bob", "admin")
    one_line_error(rc, err, "bob (editor) may not manage accounts")
    assert run(db_path, "--user", "alice", "users", "set-role", "bob", "reviewer")[0] == 0
    rc, out, _ = run(db_path, "users", "list", "--json")
    rows = json.loads(out)
    assert [(r["name"], r["role"], r["active"]) for r in rows] == [("alice", "admin", True), ("bob", "reviewer", True)]
    assert {"name", "role", "active", "created", "last_login"} <= set(rows[0])
    assert PW.strip() not in out
    assert run(db_path, "--user", "alice", "users", "disable", "bob")[0] == 0
    assert json.loads(run(db_path, "users", "list", "--json")[1])[1]["active"] is False
    rc, _, err = run(db_path, "--user", "alice", "users", "disable", "alice")
    one_line_error(rc, err, "last active admin")
    rc, _, err = run(db_path, "--user", "alice", "users", "set-role", "bob", "owner")
    assert rc == 2 and "invalid choice" in err
    # a password change: short ones refused, no terminal and no --password-stdin refused
    rc, _, err = run(db_path, "--user", "alice", "users", "password", "bob", "--password-stdin", stdin="short\n")
    one_line_error(rc, err, "at least 8 characters")
    rc, _, err = run(db_path, "--user", "alice", "users", "password", "bob")
    one_line_error(rc, err, "--password-stdin")
    assert run(db_path, "--user", "alice", "users", "password", "bob", "--password-stdin", stdin="a new secret\n")[0] == 0
    store = open_store(db_path)
    store.accounts.set_active("bob", True, user="alice")
    assert store.accounts.verify("bob", "a new secret").name == "bob"
    rc, _, err = run(db_path, "--user", "alice", "users", "password", "nobody", "--password-stdin", stdin=PW)
    one_line_error(rc, err, "no account named 'nobody'")


def test_commands_act_with_the_named_accounts_role(db_path: Path, pair: tuple[Path, Path]) -> None:  # noqa: F811
    he, en = pair
    run(db_path, "users", "add", "alice", "--role", "admin", "--password-stdin", stdin=PW)
    run(db_path, "--user", "alice", "users", "add", "vera", "--role", "viewer", "--password-stdin", stdin=PW)
    rc, _, err = run(db_path, "--user", "vera", "import", "--source", str(he), "--target", str(en))
    one_line_error(rc, err, "vera (viewer) may not import documents")
    assert open_store(db_path).list_documents() == []
    rc, out, _ = run(db_path, "--user", "alice", "import", "--source", str(he), "--target", str(en))
    assert rc == 0
    doc = out.strip()
    rc, _, err = run(db_path, "--user", "vera", "align-doc", doc)
    one_line_error(rc, err, "vera (viewer) may not edit texts and alignments")
    assert open_store(db_path).get_links(int(doc)) == []
    rc, _, err = run(db_path, "--user", "vera", "delete", doc, "--yes")
    one_line_error(rc, err, "may not delete documents")
    assert run(db_path, "--user", "vera", "show", doc)[0] == 0  # reading is every role's
    assert run(db_path, "--user", "alice", "align-doc", doc)[0] == 0
    assert open_store(db_path).history(int(doc), 1)[0]["user"] == "alice"


def test_without_accounts_the_os_or_environment_user_is_recorded(db_path: Path, pair: tuple[Path, Path]) -> None:  # noqa: F811
    he, en = pair
    rc, out, _ = run(db_path, "import", "--source", str(he), "--target", str(en), env={"WORKBENCH_USER": "dana"})
    assert rc == 0
    assert open_store(db_path).history(int(out.strip()))[0]["user"] == "dana"
    rc, out, _ = run(db_path, "--user", "eli", "import", "--source", str(he), "--target", str(en))
    assert open_store(db_path).history(int(out.strip()))[0]["user"] == "eli"


@pytest.mark.parametrize("args", [["users"], ["users", "add", "x"], ["users", "set-role", "x"]])
def test_usage_errors_exit_2(db_path: Path, args: list[str]) -> None:
    assert run(db_path, *args)[0] == 2
