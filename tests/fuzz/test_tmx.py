"""The TMX reader, fed anything: units, or one line of refusal (InputError); never a traceback."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from workbench.errors import InputError
from workbench.io.tmx import read_tmx

pytestmark = pytest.mark.no_database  # pure: runs on the SQLite pass only (tests/conftest.py)

PIECES = ["<tmx>", "</tmx>", "<body>", "</body>", "<tu>", "</tu>", '<tuv xml:lang="he">', '<tuv xml:lang="en">',
          "</tuv>", "<seg>", "</seg>", "<ph>x</ph>", "אור", "light", "&amp;", "&e;", '<!DOCTYPE tmx [<!ENTITY e "x">]>',
          '<header srclang="he"/>', "\x00", "<", ">", '"', "<?xml version='1.0'?>"]


@given(st.lists(st.sampled_from(PIECES), max_size=40))
def test_tmx_reader_on_tag_soup(parts: list[str]) -> None:
    check("".join(parts).encode("utf-8"))


@given(st.binary(max_size=300))
def test_tmx_reader_on_bytes(data: bytes) -> None:
    check(data)


def check(data: bytes) -> None:
    try:
        mem = read_tmx(data=data)
    except InputError as exc:
        assert str(exc) and "\n" not in str(exc)
        return
    assert mem.units and all(s and t for s, t, _n in mem.units) and mem.source_lang != mem.target_lang
