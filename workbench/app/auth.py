"""The sign-in gate: who is acting, decided before any page runs.

``main.py`` calls :func:`gate` before ``st.navigation(...).run()``; the gate either puts the acting
account's name in ``st.session_state["user"]`` (which :func:`workbench.app.state.current_user` returns
and every store write is checked against) or draws a sign-in screen and stops the run, so nothing of
the project is shown to someone who has not signed in.

Three modes, chosen by ``workbench serve --auth`` through ``WORKBENCH_AUTH``:

* ``none``: one local user (``WORKBENCH_USER`` or the OS account); a name already in the session
  (an AppTest, or a page that set it) is kept.
* ``password``: the project's accounts (:mod:`workbench.store.accounts`). A successful sign-in gets a
  signed, expiring token from the store. Streamlit cannot set cookies from Python, so a small script
  in the page writes it to a cookie (``Path=/``, ``SameSite=Strict``, ``Max-Age`` = the token's life)
  and each new page load reads it back from ``st.context.cookies``: reloading keeps the session,
  and the token never appears in the URL. ``Sign out`` ends the session in the store (on every server
  sharing the database) and clears the cookie.
* ``oidc``: Streamlit's own ``st.login`` with the provider in ``.streamlit/secrets.toml``; the identity's
  subject or e-mail maps to an account (``store.accounts.for_identity``), created with
  ``WORKBENCH_OIDC_ROLE`` on first sign-in when that is set and refused otherwise.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable, Mapping, Sequence
from typing import NoReturn
from urllib.parse import urlparse

import streamlit as st
from streamlit.navigation.page import StreamlitPage

from workbench.commands.common import local_user
from workbench.errors import WorkbenchError
from workbench.store import Store
from workbench.store.accounts import Account, SignInError

MODES = ("none", "password", "oidc")
COOKIE = "workbench_session"
USER_LABEL, PASSWORD_LABEL, SIGN_IN_LABEL, SIGN_OUT_LABEL = "User name", "Password", "Sign in", "Sign out"


def auth_mode() -> str:
    """``WORKBENCH_AUTH`` (set by ``workbench serve --auth``); ``none`` when unset."""
    mode = (os.environ.get("WORKBENCH_AUTH") or "none").strip().lower()
    if mode not in MODES:
        raise WorkbenchError(f"WORKBENCH_AUTH={mode!r} is not one of {', '.join(MODES)}")
    return mode


def gate(store: Store, pages: Sequence[StreamlitPage]) -> str:
    """The acting user's name, after signing in if the mode needs it; otherwise the sign-in screen
    stands in for whichever of ``pages`` the URL names and the run stops here."""
    mode = auth_mode()
    if mode == "password":
        account = _password_gate(store, pages)
    elif mode == "oidc":
        account = _oidc_gate(store, pages)
    else:
        user = st.session_state.get("user") or local_user()
        st.session_state["user"] = user
        _sidebar_who(user, _role_label(store, user), sign_out=None)
        return user
    st.session_state["user"] = account.name
    return account.name


def _screen(pages: Sequence[StreamlitPage], draw: Callable[[], None]) -> NoReturn:
    """Run ``draw`` in place of the page the URL names, with the menu hidden, and stop the run.

    Streamlit keeps the previous run's menu unless ``st.navigation`` is called again, so a signed-out
    editor would still see it; and pages are told apart by their URL path, so a stand-in with the
    same path makes the editor land on the page they asked for once signed in.
    """
    stand_ins = [
        st.Page(draw, title=p.title, icon=p.icon or None, url_path=p.url_path or "sign-in", default=not p.url_path)
        for p in pages
    ]
    st.navigation(stand_ins, position="hidden").run()
    st.stop()
    raise AssertionError("st.stop() returned")  # for the type checker: never reached


# ---------------------------------------------------------------------------------------------- none


def _role_label(store: Store, user: str) -> str:
    """The role shown beside a local user's name (a project without accounts: every permission)."""
    try:
        role = store.role_of(user)
    except WorkbenchError:
        return "no account in this project"
    return role or "local user"


def _sidebar_who(name: str, role: str, sign_out: Callable[[], None] | None) -> None:
    # st.text shows the name literally (no Markdown, no HTML), whatever characters it has.
    st.sidebar.text(f"Signed in as {name} ({role})")
    if sign_out is not None:
        st.sidebar.button(SIGN_OUT_LABEL, key="sign_out", on_click=sign_out)


# ------------------------------------------------------------------------------------------ password


def _cookie_script(token: str | None, max_age: int) -> str:
    """A script that sets (or, with ``token`` None, deletes) the session cookie in the editor's browser.

    ``json.dumps`` makes the value a JavaScript string literal; the token's own characters (URL-safe
    base64, digits, dots) need no cookie quoting. ``Secure`` is added when the page is served over HTTPS.
    """
    value = f"{COOKIE}={token or ''}; Path=/; Max-Age={max(0, max_age)}; SameSite=Strict"
    return (
        "<script>document.cookie = " + json.dumps(value)
        + " + (window.location.protocol === 'https:' ? '; Secure' : '');</script>"
    )


def _token_expiry(token: str) -> int:
    """Seconds left in a token ``<random>.<expiry unix time>.<signature>`` (0 if unreadable)."""
    try:
        return max(0, int(token.split(".")[1]) - int(time.time()))
    except (IndexError, ValueError):
        return 0


def _browser_cookies() -> Mapping[str, str]:
    """Cookies the browser sent when this session's connection opened (empty outside a browser)."""
    try:
        cookies = st.context.cookies
    except Exception:  # noqa: BLE001 - no client context (bare script run): no cookies
        return {}
    return cookies if isinstance(cookies, Mapping) else {}


def _client_address() -> str | None:
    """The editor's IP address as Streamlit saw the connection (None on localhost or when unknown)."""
    try:
        address = st.context.ip_address
    except Exception:  # noqa: BLE001 - no client context
        return None
    return address if isinstance(address, str) and address else None


def _sign_out_password(store: Store) -> None:
    """End the session in the store and forget it here; the sign-in screen then clears the cookie."""
    store.accounts.end_session(st.session_state.pop("auth_token", None))
    st.session_state.pop("user", None)
    st.session_state["auth_clear_cookie"] = True


def _password_gate(store: Store, pages: Sequence[StreamlitPage]) -> Account:
    accounts = store.accounts
    account: Account | None = None
    token = st.session_state.get("auth_token")
    if token:
        account = accounts.session_account(token)  # signed out elsewhere, expired or disabled: None
    if account is None:
        token = _browser_cookies().get(COOKIE)
        account = accounts.session_account(token) if token else None
        if account is not None:
            st.session_state["auth_token"] = token
    if account is None:
        st.session_state.pop("auth_token", None)
        _screen(pages, lambda: _sign_in_form(store))
    assert token is not None  # an account was found through it
    if _browser_cookies().get(COOKIE) != token:
        # The browser does not hold this token yet (just signed in): keep the script on the page on
        # every run until it does — rendering it again is harmless, removing it early could stop it.
        with st.sidebar:
            st.html(_cookie_script(token, _token_expiry(token)), unsafe_allow_javascript=True)
    _sidebar_who(account.name, account.role, sign_out=lambda: _sign_out_password(store))
    return account


def _sign_in_form(store: Store) -> None:
    """The sign-in screen: the form and, after a refusal, one error line; nothing of the project."""
    if st.session_state.get("auth_clear_cookie"):
        st.html(_cookie_script(None, 0), unsafe_allow_javascript=True)
    st.header("Sign in")
    with st.form("sign_in"):
        name = st.text_input(USER_LABEL, key="sign_in_name", autocomplete="username")
        password = st.text_input(PASSWORD_LABEL, type="password", key="sign_in_password",
                                 autocomplete="current-password")  # fmt: skip
        submitted = st.form_submit_button(SIGN_IN_LABEL, type="primary")
    if not submitted:
        return
    try:
        # The address comes from the connection (None on localhost): failures are counted per account
        # and per address, so guessing gets slow without one typo-prone colleague locking out another.
        account = store.accounts.verify(name, password, _client_address())
    except SignInError as exc:
        st.error(str(exc))
        return
    st.session_state["auth_token"] = store.accounts.start_session(account.name, _client_address())
    st.session_state["user"] = account.name
    st.session_state.pop("auth_clear_cookie", None)
    st.rerun()


# ---------------------------------------------------------------------------------------------- oidc


def _provider() -> tuple[str | None, str]:
    """(provider name for ``st.login``, label for the button) from the ``[auth]`` secrets: a named
    provider section (``[auth.google]``) is used by name, a flat section by its metadata URL's host."""
    try:
        section = st.secrets.get("auth") or {}
    except Exception:  # noqa: BLE001 - no secrets file: st.login will explain
        section = {}
    for key, value in section.items():
        if isinstance(value, Mapping):
            return key, key.replace("_", " ").title()
    host = urlparse(str(section.get("server_metadata_url", ""))).hostname
    return None, host or "your organisation's account"


def _sign_out_oidc() -> None:
    for key in ("user", "oidc_account"):
        st.session_state.pop(key, None)
    st.logout()


def _oidc_sign_in() -> None:
    provider, label = _provider()
    st.header("Sign in")
    st.button(f"{SIGN_IN_LABEL} with {label}", type="primary", key="oidc_sign_in",
              on_click=st.login, args=(provider,) if provider else ())  # fmt: skip


def _refused(message: str) -> Callable[[], None]:
    """A screen with one error line (shown literally) and a way to sign out of the provider's identity."""

    def draw() -> None:
        st.error(message)
        st.button(SIGN_OUT_LABEL, key="sign_out", on_click=_sign_out_oidc)

    return draw


def _oidc_gate(store: Store, pages: Sequence[StreamlitPage]) -> Account:
    if not st.user.is_logged_in:
        _screen(pages, _oidc_sign_in)
    email = st.user.get("email")
    subject = st.user.get("sub")
    identity = f"{subject}|{email}"
    account: Account | None = None
    known = st.session_state.get("oidc_account")
    if known and known[0] == identity:
        try:
            account = store.accounts.get(known[1])  # read only: the mapping is made once per session
        except WorkbenchError:
            account = None
        if account is not None and not account.active:
            st.session_state.pop("oidc_account", None)
            _screen(pages, _refused(f"the account {known[1]} is disabled"))
    if account is None:
        role = os.environ.get("WORKBENCH_OIDC_ROLE") or None
        try:
            account = store.accounts.for_identity(
                str(email) if email else None, str(subject) if subject else None, auto_role=role
            )
        except WorkbenchError as exc:
            _screen(pages, _refused(str(exc)))
        st.session_state["oidc_account"] = (identity, account.name)
    _sidebar_who(account.name, account.role, sign_out=_sign_out_oidc)
    return account
