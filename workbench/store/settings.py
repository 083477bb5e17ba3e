"""Per-account preferences (``user_settings``): small string values keyed by name.

A preference is the user's own: no role is needed to set it, only an account the project knows and
has not disabled (:meth:`Store.role_of` refuses any other name), so one editor's choice never
changes what another sees.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from workbench.store.db import now, retry_public_methods

if TYPE_CHECKING:
    from workbench.store import Store


@retry_public_methods
class SettingsRepo:
    def __init__(self, store: Store) -> None:
        self.store = store

    def get(self, user: str, key: str, default: str | None = None) -> str | None:
        with self.store.reading() as c:
            row = c.execute('SELECT value FROM user_settings WHERE "user" = ? AND key = ?', (user, key)).fetchone()
        return default if row is None else row[0]

    def set(self, user: str, key: str, value: str) -> None:
        with self.store.transaction() as c:
            self.store.role_of(user, c)  # an unknown or disabled account is refused; any role may
            c.execute(
                'INSERT INTO user_settings ("user", key, value, updated) VALUES (?, ?, ?, ?) '
                'ON CONFLICT ("user", key) DO UPDATE SET value = excluded.value, updated = excluded.updated',
                (user, key, str(value), now()),
            )
