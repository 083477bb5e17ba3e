"""A finding list decodes its stored JSON lists by a shortcut: the same values as ``json.loads``."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from workbench.store.findings import _j, _json_list

TRICKY = ['", "', '"', "\\", '\\"', "a, b", "[", "]", "", " ", "א\"ב", "\u2028", "x\ny", '"]', '["']


@settings(deadline=None)  # the suite runs in two processes: a busy core is not a failure
@given(st.lists(st.one_of(st.text(), st.sampled_from(TRICKY), st.integers(), st.none()), max_size=6))
def test_stored_lists_read_back_as_json_loads_reads_them(items: list) -> None:  # type: ignore[type-arg]
    for s in (_j(items), json.dumps(items), json.dumps(items, ensure_ascii=False)):
        assert _json_list(s) == json.loads(s) == items


def test_the_shortcut_cases() -> None:
    assert _json_list("[]") == []
    assert _json_list('["a1", "b2"]') == ["a1", "b2"]
    assert _json_list('["a", 1]') == ["a", 1]  # not all strings: the decoder
    assert _json_list('["a\\"b"]') == ['a"b']
    assert _json_list('["a", "b\\", \\"c"]') == ["a", 'b", "c']
