"""The sign-in gate through the router (AppTest): what a visitor sees before and after signing in.

AppTest cannot send cookies (``st.context.cookies`` is empty there), so reloading with the session
cookie is covered by the browser test (tests/e2e/test_auth_browser.py).
"""

from __future__ import annotations

from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from workbench.store import open_store
from workbench.store.accounts import FREE_FAILURES

APP = Path(__file__).resolve().parents[2] / "workbench" / "app" / "main.py"


@pytest.fixture
def password_app(db_path: Path, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    st.cache_resource.clear()
    store = open_store(db_path)
    store.accounts.add("ada", "admin", "correct horse battery")
    store.accounts.add("ben_r", "editor", "another secret", user="ada")
    monkeypatch.setenv("WORKBENCH_AUTH", "password")
    app = AppTest.from_file(str(APP), default_timeout=60)
    app.run()
    assert not app.exception, app.exception
    return app


def _sign_in(app: AppTest, name: str, password: str) -> AppTest:
    app.text_input(key="sign_in_name").input(name)
    app.text_input(key="sign_in_password").input(password)
    app.button[0].click()  # the form's submit button
    return app.run()


def _shows_no_project(app: AppTest) -> None:
    assert [t.value for t in app.title] == []  # no page ran: not even the Library's heading
    assert "user" not in app.session_state
    assert [b.label for b in app.button] == ["Sign in"]  # nothing else to press
    assert app.sidebar.text == [] or all("Signed in" not in t.value for t in app.sidebar.text)


def test_password_mode_shows_only_the_sign_in_form(password_app: AppTest) -> None:
    app = password_app
    assert [t.label for t in app.text_input] == ["User name", "Password"]
    assert app.text_input(key="sign_in_password").proto.type == app.text_input(key="sign_in_password").proto.PASSWORD
    assert app.header[0].value == "Sign in"
    assert not app.error
    _shows_no_project(app)


def test_wrong_password_shows_one_error_and_no_content(password_app: AppTest) -> None:
    app = _sign_in(password_app, "ada", "not the password")
    assert not app.exception, app.exception
    assert [e.value for e in app.error] == ["wrong user name or password"]
    _shows_no_project(app)
    # an unknown name gets the very same message: a guess learns nothing about which names exist
    app = _sign_in(app, "nobody", "not the password")
    assert [e.value for e in app.error] == ["wrong user name or password"]
    _shows_no_project(app)


def test_right_password_signs_in_and_shows_the_library(password_app: AppTest, db_path: Path) -> None:
    app = _sign_in(password_app, "ben_r", "another secret")
    assert not app.exception, app.exception
    assert not app.error
    assert app.title[0].value == "Library"
    assert app.session_state["user"] == "ben_r"
    # the sidebar names the account literally (the underscore is not Markdown emphasis) and its role
    assert [t.value for t in app.sidebar.text] == ["Signed in as ben_r (editor)"]
    assert "Sign out" in [b.label for b in app.sidebar.button]
    # the session is one the store knows, so a reload with its cookie signs the same account in
    token = app.session_state["auth_token"]
    assert open_store(db_path).accounts.session_account(token).name == "ben_r"
    assert "user name" not in [t.label.lower() for t in app.text_input]


def test_sign_out_ends_the_session_and_shows_the_form(password_app: AppTest, db_path: Path) -> None:
    app = _sign_in(password_app, "ada", "correct horse battery")
    token = app.session_state["auth_token"]
    app.sidebar.button(key="sign_out").click().run()
    assert not app.exception, app.exception
    assert [t.label for t in app.text_input] == ["User name", "Password"]
    _shows_no_project(app)
    assert open_store(db_path).accounts.session_account(token) is None  # ended in the store, not only here


def test_repeated_failures_are_slowed_down(password_app: AppTest) -> None:
    app = password_app
    for _ in range(FREE_FAILURES):
        app = _sign_in(app, "ada", "guess guess")
        assert [e.value for e in app.error] == ["wrong user name or password"]
    # past the free failures even the right password must wait: the message says how long
    app = _sign_in(app, "ada", "correct horse battery")
    (error,) = app.error
    assert error.value.startswith("too many failed sign-ins; try again in ")
    _shows_no_project(app)
    # another account is not held up by ada's failures (the limit is per account and per address)
    app = _sign_in(app, "ben_r", "another secret")
    assert app.title[0].value == "Library"


def test_no_auth_keeps_a_preset_user_and_shows_who(db_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    st.cache_resource.clear()
    monkeypatch.delenv("WORKBENCH_AUTH", raising=False)
    monkeypatch.setenv("WORKBENCH_USER", "from-env")
    app = AppTest.from_file(str(APP), default_timeout=60)
    app.session_state["user"] = "preset *name*"
    app.run()
    assert not app.exception, app.exception
    assert app.title[0].value == "Library"
    assert app.session_state["user"] == "preset *name*"
    assert [t.value for t in app.sidebar.text] == ["Signed in as preset *name* (local user)"]
    assert not [b for b in app.sidebar.button if b.label == "Sign out"]  # nothing to sign out of

    app = AppTest.from_file(str(APP), default_timeout=60)  # a fresh session: the WORKBENCH_USER name
    app.run()
    assert app.session_state["user"] == "from-env"


def test_unknown_mode_is_an_error_not_an_open_door(db_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    st.cache_resource.clear()
    monkeypatch.setenv("WORKBENCH_AUTH", "passwd")
    app = AppTest.from_file(str(APP), default_timeout=60)
    app.run()
    assert app.exception  # the run fails: no page is shown with nobody signed in
    assert [t.value for t in app.title] == []


# ------------------------------------------------------------------ `workbench serve` refusals
# Each is refused before the server starts (a started server would replace the test process).


def _serve(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    from workbench.cli import main

    code = main(["serve", *args])
    err = capsys.readouterr().err
    return code, err


def test_serve_refuses_an_open_host_without_sign_in(db_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, err = _serve(capsys, "--host", "0.0.0.0")
    assert code == 2
    assert err.count("\n") == 1 and err.startswith("error: refusing to serve on 0.0.0.0 without sign-in")
    assert "--insecure-no-auth" in err and "--auth password" in err
    code, err = _serve(capsys, "--host", "192.168.1.20", "--auth", "none")
    assert code == 2 and "refusing" in err


def test_serve_password_needs_an_account_first(db_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, err = _serve(capsys, "--auth", "password")
    assert code == 2
    assert err.count("\n") == 1 and "workbench users add NAME --role admin" in err


def test_serve_oidc_needs_an_auth_section(db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                          monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    monkeypatch.setenv("HOME", str(tmp_path))  # no ~/.streamlit/secrets.toml
    monkeypatch.chdir(tmp_path)  # no ./.streamlit/secrets.toml
    monkeypatch.delenv("STREAMLIT_SECRETS_FILES", raising=False)
    code, err = _serve(capsys, "--auth", "oidc")
    assert code == 2 and err.count("\n") == 1 and "[auth] section" in err
    secrets_file = tmp_path / "s.toml"
    secrets_file.write_text('[connections]\nx = "y"\n', encoding="utf-8")
    code, err = _serve(capsys, "--auth", "oidc", "--secrets", str(secrets_file))
    assert code == 2 and "[auth] section" in err and str(secrets_file) in err
    code, err = _serve(capsys, "--auth", "oidc", "--secrets", str(tmp_path / "missing.toml"))
    assert code == 2 and "no such file" in err


def test_serve_options_that_need_oidc(db_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, err = _serve(capsys, "--auth", "password", "--oidc-default-role", "editor")
    assert code == 2 and "--oidc-default-role only applies with --auth oidc" in err
    with pytest.raises(SystemExit) as exc:  # argparse: not a role
        _serve(capsys, "--auth", "oidc", "--oidc-default-role", "superuser")
    assert exc.value.code == 2


@pytest.mark.parametrize(("host", "loopback"), [
    ("127.0.0.1", True), ("localhost", True), ("::1", True), ("[::1]", True), ("127.0.0.2", True),
    ("0.0.0.0", False), ("::", False), ("10.0.0.5", False), ("example.org", False),
])  # fmt: skip
def test_loopback_hosts(host: str, loopback: bool) -> None:
    from workbench.cli import _is_loopback

    assert _is_loopback(host) is loopback
