"""`workbench serve` gives Streamlit the importer's upload limit (one number for the uploader and the import)."""

from __future__ import annotations

from pathlib import Path

import pytest

from workbench.cli import build_parser, streamlit_command


def _limit(cmd: list[str]) -> str:
    return cmd[cmd.index("--server.maxUploadSize") + 1]


@pytest.mark.parametrize(("env", "mb"), [(None, "50"), (str(10 * 1024 * 1024), "10"), ("1500000", "2")])
def test_serve_passes_the_importers_limit(monkeypatch: pytest.MonkeyPatch, env: str | None, mb: str) -> None:
    if env is None:
        monkeypatch.delenv("WORKBENCH_MAX_BYTES", raising=False)
    else:
        monkeypatch.setenv("WORKBENCH_MAX_BYTES", env)
    args = build_parser().parse_args(["serve", "--port", "8600"])
    cmd = streamlit_command(args, Path("main.py"))
    assert _limit(cmd) == mb
    assert cmd[cmd.index("--server.port") + 1] == "8600"
