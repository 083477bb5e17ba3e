"""Per-account preferences: each user's own, set without a role, refused for unknown accounts."""

from __future__ import annotations

import pytest

from workbench.roles import PermissionDenied


def test_settings_are_per_user(store) -> None:  # noqa: ANN001 - the store fixture
    store.accounts.add("root", "admin")
    store.accounts.add("vic", "viewer", user="root")
    store.accounts.add("ed", "editor", user="root")
    assert store.get_setting("vic", "source_side") is None
    assert store.get_setting("vic", "source_side", "right") == "right"
    store.set_setting("vic", "source_side", "left")  # a viewer may set its own preference
    store.set_setting("vic", "source_side", "left")  # saving twice is fine
    assert store.get_setting("vic", "source_side") == "left"
    assert store.get_setting("ed", "source_side") is None  # nobody else's changes
    with pytest.raises(PermissionDenied):
        store.set_setting("mallory", "source_side", "left")
    assert store.get_setting("mallory", "source_side") is None


def test_source_side_defaults_to_right(store) -> None:  # noqa: ANN001
    from workbench.app.widgets import source_side

    assert source_side(store, "anyone") == "right"
    store.set_setting("anyone", "source_side", "left")  # a project without accounts: the local user
    assert source_side(store, "anyone") == "left"
    store.set_setting("anyone", "source_side", "sideways")
    assert source_side(store, "anyone") == "right"  # an unknown value: the default
