"""Accounts (``store.accounts``): who may sign in, with which role, and the sessions they hold.

Passwords are hashed with argon2id (argon2-cffi: the maintained binding of the reference
implementation, whose defaults follow RFC 9106) and never stored, logged or echoed. A browser that
signed in holds a token signed with the project's own key and carrying its expiry; the store keeps
only a SHA-256 of the token, so that signing out (or disabling the account) ends the session on
every server at once and a copy of the database signs nobody in.

Failed sign-ins are counted per account and per address; past :data:`FREE_FAILURES` in the window
each further attempt must wait twice as long as the one before (capped), which makes guessing slow
without locking an editor out for long by someone else's typos.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from workbench.errors import NotFoundError, WorkbenchError
from workbench.roles import check_role
from workbench.store.db import now, retry_public_methods

if TYPE_CHECKING:
    from sqlite3 import Connection

    from workbench.store import Store

FREE_FAILURES = 5  # failed sign-ins allowed per key in the window before the back-off starts
WINDOW = timedelta(minutes=15)
MAX_WAIT = timedelta(minutes=15)
SESSION_HOURS = 12.0
TOUCH_EVERY = timedelta(seconds=20)  # presence is "seen in the last minute"
MIN_PASSWORD = 8
NAME_CHARS = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-@")


class SignInError(WorkbenchError):
    """A sign-in refused; the message never says whether the name or the password was wrong."""


@dataclass
class Account:
    name: str
    role: str
    active: bool
    created: str
    last_login: str | None
    email: str | None = None
    has_password: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "role": self.role, "active": self.active, "created": self.created,
                "last_login": self.last_login, "email": self.email, "password": self.has_password}  # fmt: skip


def _row(r: Any) -> Account:
    return Account(r["name"], r["role"], bool(r["active"]), r["created"], r["last_login"], r["email"],
                   bool(r["password_hash"]))  # fmt: skip


def check_name(name: str) -> str:
    name = (name or "").strip()
    if not name or len(name) > 64 or not set(name) <= NAME_CHARS:
        raise WorkbenchError(
            f"account name {name!r} is not allowed: use 1-64 letters, digits, '.', '_', '-' or '@'"
        )
    return name


def _hasher():  # noqa: ANN202 - argon2 is imported only where passwords are handled
    from argon2 import PasswordHasher

    return PasswordHasher()


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _parse(ts: str) -> datetime:
    return datetime.fromisoformat(ts)


@retry_public_methods
class AccountsRepo:
    def __init__(self, store: Store, clock: Callable[[], datetime] | None = None) -> None:
        self.store = store
        self.clock = clock or (lambda: datetime.now(UTC))
        self._signing_key: bytes | None = None
        self._touched: dict[tuple[int, str], datetime] = {}  # presence written by this process, and when

    # ------------------------------------------------------------------------------ accounts

    def any(self, c: Connection | None = None) -> bool:
        """Whether the project has accounts at all (without any it has one local user, unrestricted)."""
        if c is not None:
            return c.execute("SELECT EXISTS (SELECT 1 FROM accounts)").fetchone()[0] == 1
        with self.store.reading() as rc:
            return self.any(rc)

    def list(self) -> list[Account]:
        with self.store.reading() as c:
            return [_row(r) for r in c.execute("SELECT * FROM accounts ORDER BY name")]

    def get(self, name: str) -> Account:
        with self.store.reading() as c:
            r = c.execute("SELECT * FROM accounts WHERE name = ?", (name,)).fetchone()
        if r is None:
            raise NotFoundError(f"there is no account named {name!r}")
        return _row(r)

    def role_of(self, c: Connection, name: str) -> tuple[bool, str | None]:
        """(exists and active, role) of ``name`` read inside the caller's transaction."""
        r = c.execute("SELECT role, active FROM accounts WHERE name = ?", (name,)).fetchone()
        if r is None:
            return False, None
        return bool(r["active"]), r["role"]

    def add(self, name: str, role: str, password: str | None = None, *, email: str | None = None,
            subject: str | None = None, user: str = "system") -> Account:  # fmt: skip
        name, role = check_name(name), check_role(role)
        pw_hash = self._hash(password) if password is not None else None
        with self.store.transaction() as c:
            if self.any(c):
                self.store.authorize(user, "admin", c)
            if c.execute("SELECT 1 FROM accounts WHERE name = ?", (name,)).fetchone():
                raise WorkbenchError(f"an account named {name!r} already exists")
            if email and c.execute("SELECT 1 FROM accounts WHERE email = ?", (email,)).fetchone():
                raise WorkbenchError(f"another account already has the e-mail {email!r}")
            c.execute(
                "INSERT INTO accounts (name, role, password_hash, email, subject, active, created) VALUES (?,?,?,?,?,1,?)",
                (name, role, pw_hash, email or None, subject or None, now()),
            )
            self.store.db.log(c, user, "account", name, None, "create", None, {"role": role, "email": email})
        return self.get(name)

    def set_role(self, name: str, role: str, user: str = "system") -> Account:
        role = check_role(role)
        with self.store.transaction() as c:
            self.store.authorize(user, "admin", c)
            before = self._must(c, name)
            if before["role"] == "admin" and role != "admin":
                self._keep_an_admin(c, name)
            c.execute("UPDATE accounts SET role = ? WHERE name = ?", (role, name))
            self.store.db.log(c, user, "account", name, None, "set-role", {"role": before["role"]}, {"role": role})
        return self.get(name)

    def set_active(self, name: str, active: bool, user: str = "system") -> Account:
        with self.store.transaction() as c:
            self.store.authorize(user, "admin", c)
            before = self._must(c, name)
            if not active and before["role"] == "admin":
                self._keep_an_admin(c, name)
            c.execute("UPDATE accounts SET active = ? WHERE name = ?", (int(active), name))
            if not active:
                c.execute("DELETE FROM auth_sessions WHERE account = ?", (name,))
            self.store.db.log(c, user, "account", name, None, "enable" if active else "disable",
                              {"active": bool(before["active"])}, {"active": active})  # fmt: skip
        return self.get(name)

    def set_password(self, name: str, password: str, user: str = "system") -> None:
        """A new password ends every session the account had (a changed password is usually a reason)."""
        pw_hash = self._hash(password)
        with self.store.transaction() as c:
            if user != name:
                self.store.authorize(user, "admin", c)
            self._must(c, name)
            c.execute("UPDATE accounts SET password_hash = ? WHERE name = ?", (pw_hash, name))
            c.execute("DELETE FROM auth_sessions WHERE account = ?", (name,))
            self.store.db.log(c, user, "account", name, None, "password", None, None)

    def _must(self, c: Connection, name: str) -> Any:
        r = c.execute("SELECT * FROM accounts WHERE name = ?", (name,)).fetchone()
        if r is None:
            raise NotFoundError(f"there is no account named {name!r}")
        return r

    @staticmethod
    def _keep_an_admin(c: Connection, name: str) -> None:
        others = c.execute(
            "SELECT count(*) FROM accounts WHERE role = 'admin' AND active = 1 AND name != ?", (name,)
        ).fetchone()[0]
        if not others:
            raise WorkbenchError(f"{name} is the last active admin; make another account admin first")

    @staticmethod
    def _hash(password: str) -> str:
        if len(password) < MIN_PASSWORD:
            raise WorkbenchError(f"a password needs at least {MIN_PASSWORD} characters")
        return _hasher().hash(password)

    # ------------------------------------------------------------------------------ sign-in

    def _wait(self, c: Connection, keys: list[str]) -> float:
        """Seconds the next attempt for these keys must still wait (0: may try now)."""
        t = self.clock()
        since = (t - WINDOW).isoformat(timespec="milliseconds")
        wait = 0.0
        for key in keys:
            rows = c.execute("SELECT at FROM login_failures WHERE key = ? AND at > ? ORDER BY at", (key, since)).fetchall()
            extra = len(rows) - FREE_FAILURES + 1
            if extra > 0:
                delay = min(MAX_WAIT.total_seconds(), 2.0 ** extra)
                wait = max(wait, delay - (t - _parse(rows[-1]["at"])).total_seconds())
        return max(0.0, wait)

    def verify(self, name: str, password: str, address: str | None = None) -> Account:
        """The account if ``password`` is its password; :class:`SignInError` otherwise (one message for
        every reason, so a guess learns nothing), or when this account or address must wait."""
        name = (name or "").strip()
        keys = [f"account:{name.casefold()}"] + ([f"address:{address}"] if address else [])
        with self.store.transaction() as c:
            wait = self._wait(c, keys)
            if wait > 0:
                raise SignInError(f"too many failed sign-ins; try again in {int(wait) + 1} s")
            r = c.execute("SELECT * FROM accounts WHERE name = ?", (name,)).fetchone()
            ok = False
            if r is not None and r["password_hash"]:
                from argon2.exceptions import InvalidHashError, VerificationError

                try:
                    ok = _hasher().verify(r["password_hash"], password)
                except (VerificationError, InvalidHashError):
                    ok = False
            else:
                _hasher().hash(password or "-")  # same time either way: the name's existence stays secret
            if not ok or not r["active"]:
                at = self.clock().isoformat(timespec="milliseconds")
                c.executemany("INSERT INTO login_failures (key, at) VALUES (?, ?)", [(k, at) for k in keys])
        if not ok or r is None or not r["active"]:
            raise SignInError("wrong user name or password")
        with self.store.transaction() as c:
            c.executemany("DELETE FROM login_failures WHERE key = ?", [(k,) for k in keys[:1]])
            c.execute("UPDATE accounts SET last_login = ? WHERE name = ?", (now(), name))
        return self.get(name)

    def for_identity(self, email: str | None, subject: str | None, *, auto_role: str | None = None) -> Account:
        """The account an OpenID Connect identity maps to: by subject, then by e-mail (or e-mail as the
        name); created with ``auto_role`` when none exists and auto-creation is configured."""
        with self.store.transaction() as c:
            r = None
            if subject:
                r = c.execute("SELECT * FROM accounts WHERE subject = ?", (subject,)).fetchone()
            if r is None and email:
                r = c.execute("SELECT * FROM accounts WHERE email = ? OR name = ?", (email, email)).fetchone()
                if r is not None and subject and not r["subject"]:
                    c.execute("UPDATE accounts SET subject = ? WHERE name = ?", (subject, r["name"]))
            if r is None:
                if not auto_role or not email:
                    raise SignInError(
                        f"no account for {email or subject}; ask an admin to create one (workbench users add)"
                    )
                name = check_name(email)
                c.execute(
                    "INSERT INTO accounts (name, role, email, subject, active, created) VALUES (?,?,?,?,1,?)",
                    (name, check_role(auto_role), email, subject, now()),
                )
                self.store.db.log(c, name, "account", name, None, "create", None, {"role": auto_role, "email": email, "via": "oidc"})
                r = c.execute("SELECT * FROM accounts WHERE name = ?", (name,)).fetchone()
            if not r["active"]:
                raise SignInError(f"the account {r['name']} is disabled")
            c.execute("UPDATE accounts SET last_login = ? WHERE name = ?", (now(), r["name"]))
        return self.get(r["name"])

    # ------------------------------------------------------------------------------ sessions

    def _key(self) -> bytes:
        """The project's signing key, made on first use (a team's servers share it through the database).

        Read once per repository: it never changes, and a page checks its session's token on every
        run, which must not cost a write transaction each time."""
        if self._signing_key is None:
            with self.store.reading() as c:
                r = c.execute("SELECT value FROM settings WHERE key = 'session_key'").fetchone()
            if r is None:
                with self.store.transaction() as c:  # two servers making it at once: the first one wins
                    c.execute("INSERT INTO settings (key, value) VALUES ('session_key', ?) ON CONFLICT (key) DO NOTHING",
                              (secrets.token_hex(32),))  # fmt: skip
                    r = c.execute("SELECT value FROM settings WHERE key = 'session_key'").fetchone()
            self._signing_key = bytes.fromhex(r["value"])
        return self._signing_key

    def _sign(self, body: str) -> str:
        return base64.urlsafe_b64encode(hmac.new(self._key(), body.encode(), hashlib.sha256).digest()).decode().rstrip("=")

    def start_session(self, name: str, address: str | None = None, hours: float = SESSION_HOURS) -> str:
        """A new signed token for ``name``: ``<random>.<expiry unix time>.<signature>``."""
        raw = secrets.token_urlsafe(24)
        t = self.clock()
        expires = t + timedelta(hours=hours)
        body = f"{raw}.{int(expires.timestamp())}"
        token = f"{body}.{self._sign(body)}"
        with self.store.transaction() as c:
            c.execute("DELETE FROM auth_sessions WHERE expires < ?", (t.isoformat(timespec="milliseconds"),))
            c.execute(
                "INSERT INTO auth_sessions (token_hash, account, created, expires, address) VALUES (?,?,?,?,?)",
                (_digest(token), name, t.isoformat(timespec="milliseconds"), expires.isoformat(timespec="milliseconds"), address),
            )
        return token

    def session_account(self, token: str | None) -> Account | None:
        """The active account a token signs in, or None (bad signature, expired, signed out, disabled)."""
        if not token or token.count(".") != 2:
            return None
        body, _, sig = token.rpartition(".")
        if not hmac.compare_digest(sig, self._sign(body)):
            return None
        try:
            expires = int(body.rsplit(".", 1)[1])
        except ValueError:
            return None
        if expires < self.clock().timestamp():
            return None
        with self.store.reading() as c:
            r = c.execute(
                "SELECT a.* FROM auth_sessions s JOIN accounts a ON a.name = s.account"
                " WHERE s.token_hash = ? AND a.active = 1",
                (_digest(token),),
            ).fetchone()
        return _row(r) if r is not None else None

    def end_session(self, token: str | None) -> None:
        if token:
            with self.store.transaction() as c:
                c.execute("DELETE FROM auth_sessions WHERE token_hash = ?", (_digest(token),))

    # ------------------------------------------------------------------------------ presence

    def touch(self, doc_id: int, user: str) -> None:
        """``user`` has document ``doc_id`` open now.

        A page calls it on every run; the row is written at most every :data:`TOUCH_EVERY` per
        editor and document from one process, which is plenty for "seen in the last minute" and
        keeps a write transaction off every rerun."""
        t = self.clock()
        last = self._touched.get((doc_id, user))
        if last is not None and timedelta(0) <= t - last < TOUCH_EVERY:
            return
        self._touched[(doc_id, user)] = t
        with self.store.transaction() as c:
            c.execute(
                'INSERT INTO presence (doc_id, "user", seen) VALUES (?, ?, ?)'
                ' ON CONFLICT (doc_id, "user") DO UPDATE SET seen = excluded.seen',
                (doc_id, user, t.isoformat(timespec="milliseconds")),
            )

    def present(self, doc_id: int, *, seconds: float = 60, exclude: str | None = None) -> list[tuple[str, str]]:
        """(user, last seen) of everyone who had the document open in the last ``seconds``."""
        since = (self.clock() - timedelta(seconds=seconds)).isoformat(timespec="milliseconds")
        with self.store.reading() as c:
            rows = c.execute(
                'SELECT "user", seen FROM presence WHERE doc_id = ? AND seen >= ? ORDER BY seen DESC', (doc_id, since)
            ).fetchall()
        return [(r["user"], r["seen"]) for r in rows if r["user"] != exclude]
