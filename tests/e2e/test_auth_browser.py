"""Signing in, in a real browser: `workbench serve --auth password` and `--auth oidc` against a local
OpenID Connect provider (oidc-provider-mock, started here; nothing is mocked inside the app)."""

from __future__ import annotations

import importlib.util
import json
import os
import secrets
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import REPO, need_program
from tests.e2e.test_browser import _free_port

pytestmark = pytest.mark.browser

COOKIE = "workbench_session"
T = 30_000  # ms: first page loads compile and import a lot


def _wait_until_up(url: str, proc: subprocess.Popen, what: str) -> None:
    deadline = time.time() + 60
    while time.time() < deadline:
        if proc.poll() is not None:
            break
        try:
            with urllib.request.urlopen(url, timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    proc.kill()
    out = proc.stdout.read().decode(errors="replace")[-3000:] if proc.stdout else ""
    pytest.fail(f"{what} did not start: {out}")


def _stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()


def _serve(db: Path, tmp_path: Path, *extra: str) -> Iterator[str]:
    port = _free_port()
    env = {**os.environ, "WORKBENCH_EXPORTS": str(tmp_path / "exports"), "WORKBENCH_EMBED": "0"}
    env.pop("WORKBENCH_AUTH", None)
    proc = subprocess.Popen(
        [sys.executable, "-m", "workbench.cli", "--db", str(db), "serve", "--port", str(port), *extra],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, cwd=REPO,
    )
    url = f"http://127.0.0.1:{port}"
    _wait_until_up(url + "/_stcore/health", proc, "the app")
    try:
        yield url
    finally:
        _stop(proc)


@pytest.fixture
def password_server(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    need_program("chromium", "chromium-browser")
    from workbench.store import open_store

    db = tmp_path / "auth.db"
    store = open_store(db)
    store.accounts.add("ada", "admin", "correct horse battery")
    store.accounts.add("ben", "editor", "ben's long secret", user="ada")
    store.close()
    for url in _serve(db, tmp_path, "--auth", "password"):
        yield url, db


def _sign_in(page, name: str, password: str) -> None:  # noqa: ANN001
    from playwright.sync_api import expect

    expect(page.get_by_label("User name", exact=True)).to_be_visible(timeout=T)
    page.get_by_label("User name", exact=True).fill(name)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in", exact=True).click()


def _expect_no_project(page) -> None:  # noqa: ANN001
    from playwright.sync_api import expect

    expect(page.get_by_role("heading", name="Library")).to_have_count(0)
    expect(page.get_by_role("link", name="Alignment")).to_have_count(0)
    expect(page.get_by_text("Signed in as")).to_have_count(0)


def _session_cookie(context) -> dict | None:  # noqa: ANN001
    return next((c for c in context.cookies() if c["name"] == COOKIE), None)


def test_password_sign_in_reload_and_sign_out(password_server: tuple[str, Path], browser, artifacts: Path) -> None:
    from playwright.sync_api import expect

    url, db = password_server
    context = browser.new_context(viewport={"width": 1300, "height": 900})
    page = context.new_page()
    page.goto(url, wait_until="domcontentloaded")
    expect(page.get_by_label("Password", exact=True)).to_be_visible(timeout=T)
    _expect_no_project(page)

    # a wrong password: one clear error, still nothing of the project
    _sign_in(page, "ada", "not her password")
    expect(page.get_by_text("wrong user name or password")).to_have_count(1, timeout=T)
    _expect_no_project(page)
    page.screenshot(path=str(artifacts / "e2e_signin_wrong.png"))

    _sign_in(page, "ada", "correct horse battery")
    expect(page.get_by_role("heading", name="Library")).to_be_visible(timeout=T)
    sidebar = page.get_by_test_id("stSidebar")
    expect(sidebar.get_by_text("Signed in as ada (admin)")).to_be_visible(timeout=T)
    expect(page.get_by_text("wrong user name or password")).to_have_count(0)
    expect(page.get_by_role("link", name="Alignment")).to_be_visible()
    # the page's script stored the session in a cookie (not in the URL), for as long as the token lives
    deadline = time.time() + 15
    while _session_cookie(context) is None and time.time() < deadline:
        time.sleep(0.2)
    cookie = _session_cookie(context)
    assert cookie is not None, "the sign-in script did not set the session cookie"
    assert cookie["path"] == "/" and cookie["sameSite"] == "Strict"
    assert 11 * 3600 < cookie["expires"] - time.time() <= 12 * 3600 + 5
    assert cookie["value"] not in page.url and COOKIE not in page.url
    from workbench.store import open_store

    assert open_store(db).accounts.session_account(cookie["value"]).name == "ada"

    # reloading (a new Streamlit session) keeps the editor signed in, on any page
    page.reload(wait_until="domcontentloaded")
    expect(page.get_by_role("heading", name="Library")).to_be_visible(timeout=T)
    expect(sidebar.get_by_text("Signed in as ada (admin)")).to_be_visible(timeout=T)
    expect(page.get_by_label("Password", exact=True)).to_have_count(0)
    page.goto(url + "/consistency", wait_until="domcontentloaded")
    expect(page.get_by_role("heading", name="Consistency")).to_be_visible(timeout=T)
    expect(sidebar.get_by_text("Signed in as ada (admin)")).to_be_visible(timeout=T)
    page.screenshot(path=str(artifacts / "e2e_signed_in.png"))

    # Sign out: the form again, the cookie gone, the session ended; a reload stays signed out
    sidebar.get_by_role("button", name="Sign out").click()
    expect(page.get_by_label("User name", exact=True)).to_be_visible(timeout=T)
    _expect_no_project(page)
    deadline = time.time() + 15
    while _session_cookie(context) is not None and time.time() < deadline:
        time.sleep(0.2)
    assert _session_cookie(context) is None, "signing out did not clear the cookie"
    assert open_store(db).accounts.session_account(cookie["value"]) is None
    page.reload(wait_until="domcontentloaded")
    expect(page.get_by_label("User name", exact=True)).to_be_visible(timeout=T)
    _expect_no_project(page)

    # an old copy of the cookie signs nobody in once the session has ended
    context.add_cookies([{"name": COOKIE, "value": cookie["value"], "url": url}])
    page.reload(wait_until="domcontentloaded")
    expect(page.get_by_label("User name", exact=True)).to_be_visible(timeout=T)
    _expect_no_project(page)
    context.close()


def test_two_editors_at_once_each_see_their_own_name(password_server: tuple[str, Path], browser) -> None:
    from playwright.sync_api import expect

    url, _ = password_server
    pages = {}
    for name, password in (("ada", "correct horse battery"), ("ben", "ben's long secret")):
        page = browser.new_context(viewport={"width": 1300, "height": 900}).new_page()
        page.goto(url, wait_until="domcontentloaded")
        _sign_in(page, name, password)
        pages[name] = page
    for _ in range(2):  # as signed in, then after both reload
        for name, role in (("ada", "admin"), ("ben", "editor")):
            sidebar = pages[name].get_by_test_id("stSidebar")
            expect(sidebar.get_by_text(f"Signed in as {name} ({role})")).to_be_visible(timeout=T)
            other = "ben" if name == "ada" else "ada"
            expect(sidebar.get_by_text(f"Signed in as {other}")).to_have_count(0)
        for page in pages.values():
            page.reload(wait_until="domcontentloaded")
            expect(page.get_by_role("heading", name="Library")).to_be_visible(timeout=T)


# ------------------------------------------------------------------------------------------ OIDC


@pytest.fixture
def oidc_provider(tmp_path: Path) -> Iterator[str]:
    """oidc-provider-mock on a free loopback port, with one known identity (subject and e-mail)."""
    if importlib.util.find_spec("oidc_provider_mock") is None:
        msg = "oidc-provider-mock is not installed (pip install -e '.[dev]')"
        pytest.fail(msg) if os.environ.get("CI", "").lower() == "true" else pytest.skip(msg)
    port = _free_port()
    claims = json.dumps({"sub": "carol-7f3a", "email": "carol@example.org", "name": "Carol"})
    proc = subprocess.Popen(
        [sys.executable, "-m", "oidc_provider_mock", "--host", "127.0.0.1", "--port", str(port),
         "--user-claims", claims],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    _wait_until_up(url + "/.well-known/openid-configuration", proc, "oidc-provider-mock")
    yield url
    _stop(proc)


@pytest.fixture(params=["editor"])
def oidc_server(request: pytest.FixtureRequest, tmp_path: Path, oidc_provider: str) -> Iterator[tuple[str, Path]]:
    """`workbench serve --auth oidc` against the provider; ``request.param`` is --oidc-default-role (or None)."""
    need_program("chromium", "chromium-browser")
    role = ["--oidc-default-role", request.param] if request.param else []
    db = tmp_path / "oidc.db"
    port = _free_port()
    secrets_file = tmp_path / "secrets.toml"
    secrets_file.write_text(
        "[auth]\n"
        f'redirect_uri = "http://127.0.0.1:{port}/oauth2callback"\n'
        f'cookie_secret = "{secrets.token_hex(32)}"\n'
        'client_id = "workbench-test"\n'
        'client_secret = "workbench-test-secret"\n'
        f'server_metadata_url = "{oidc_provider}/.well-known/openid-configuration"\n',
        encoding="utf-8",
    )
    env = {**os.environ, "WORKBENCH_EMBED": "0"}
    env.pop("WORKBENCH_AUTH", None)
    proc = subprocess.Popen(
        [sys.executable, "-m", "workbench.cli", "--db", str(db), "serve", "--port", str(port),
         "--auth", "oidc", *role, "--secrets", str(secrets_file)],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, cwd=tmp_path,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    _wait_until_up(url + "/_stcore/health", proc, "the app")
    yield url, db
    _stop(proc)


def _authorize_at_provider(page, oidc_provider: str) -> None:  # noqa: ANN001
    """On the provider's own authorization page, sign in as Carol's subject."""
    page.wait_for_url(oidc_provider + "/oauth2/authorize**", timeout=T)
    page.locator('input[name="sub"]').fill("carol-7f3a")
    page.get_by_role("button", name="Authorize").click()


def test_oidc_sign_in_creates_the_account_and_signs_out(oidc_server: tuple[str, Path], oidc_provider: str,
                                                        browser, artifacts: Path) -> None:  # fmt: skip
    from playwright.sync_api import expect

    url, db = oidc_server
    context = browser.new_context(viewport={"width": 1300, "height": 900})
    page = context.new_page()
    page.goto(url, wait_until="domcontentloaded")
    button = page.get_by_role("button", name="Sign in with 127.0.0.1")
    expect(button).to_be_visible(timeout=T)
    _expect_no_project(page)
    button.click()

    _authorize_at_provider(page, oidc_provider)

    # back in the workbench, signed in as the account the identity maps to
    page.wait_for_url(url + "/**", timeout=T)
    expect(page.get_by_role("heading", name="Library")).to_be_visible(timeout=T)
    sidebar = page.get_by_test_id("stSidebar")
    expect(sidebar.get_by_text("Signed in as carol@example.org (editor)")).to_be_visible(timeout=T)
    page.screenshot(path=str(artifacts / "e2e_oidc_signed_in.png"))
    from workbench.store import open_store

    account = open_store(db).accounts.get("carol@example.org")
    assert (account.role, account.email, account.active) == ("editor", "carol@example.org", True)
    assert account.last_login

    page.reload(wait_until="domcontentloaded")  # Streamlit's own auth cookie keeps the session
    expect(sidebar.get_by_text("Signed in as carol@example.org (editor)")).to_be_visible(timeout=T)

    # Sign out: st.logout ends the provider's session too (its end-session page), then back to the button
    sidebar.get_by_role("button", name="Sign out").click()
    page.wait_for_url(oidc_provider + "/oauth2/end_session**", timeout=T)
    page.get_by_role("button", name="End session").click()
    page.wait_for_url(url + "/**", timeout=T)
    expect(page.get_by_role("button", name="Sign in with 127.0.0.1")).to_be_visible(timeout=T)
    _expect_no_project(page)
    page.reload(wait_until="domcontentloaded")
    expect(page.get_by_role("button", name="Sign in with 127.0.0.1")).to_be_visible(timeout=T)
    _expect_no_project(page)
    assert len(open_store(db).accounts.list()) == 1  # signing in again later finds the same account
    context.close()


@pytest.mark.parametrize("oidc_server", [None], indirect=True)
def test_oidc_unknown_identity_is_refused_without_a_default_role(oidc_server: tuple[str, Path], oidc_provider: str,
                                                                 browser) -> None:  # fmt: skip
    from playwright.sync_api import expect

    url, db = oidc_server
    page = browser.new_context().new_page()
    page.goto(url, wait_until="domcontentloaded")
    page.get_by_role("button", name="Sign in with 127.0.0.1").click()
    _authorize_at_provider(page, oidc_provider)
    page.wait_for_url(url + "/**", timeout=T)
    expect(page.get_by_text("no account for carol@example.org; ask an admin")).to_be_visible(timeout=T)
    _expect_no_project(page)
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    from workbench.store import open_store

    assert open_store(db).accounts.list() == []  # nothing was created
