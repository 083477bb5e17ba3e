"""Any query text: parsed, or refused in one line; the index is asked without an SQL or FTS syntax
error, and every span it highlights lies inside the text."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from workbench.errors import WorkbenchError
from workbench.search_text import match_spans, parse_query

ALPHABET = list("אבגדהוזחטיכלמנסעפצקרשתךםןףץ\u05b0\u05b4\u05bc\u05f3\u05f4abcXYZé'\"*()-:^{}[]+ \u201d\u2019NEAR/5")
TEXT = "וּבָאוֹר הַחוֹזֵר, בי\u05f4ע ומ\"ן; Returning Light: café don't (x) *star* NEAR"


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory):  # noqa: ANN201
    from workbench.model import Document, Link, Paragraph, Text
    from workbench.store import open_store

    s = open_store(tmp_path_factory.mktemp("fuzz") / "q.db")
    a, b = Paragraph(TEXT), Paragraph(TEXT)
    s.create_document(Document("d", Text("he", [a]), Text("en", [b])), links=[Link([a.id], [b.id])])
    return s


@given(st.text(alphabet=st.sampled_from(ALPHABET), max_size=40), st.sampled_from(["he", "en", "both"]), st.booleans())
def test_any_query_is_parsed_or_refused_in_one_line(store, text: str, lang: str, exact: bool) -> None:  # noqa: ANN001
    from workbench.search import search

    try:
        q = parse_query(text, lang, exact)
    except WorkbenchError as exc:
        assert str(exc) and "\n" not in str(exc)
        return
    for side in ("source", "target"):
        spans = match_spans(q.side(side), TEXT, exact) if q.side(side) else []
        assert spans is None or all(0 <= a < b <= len(TEXT) for a, b in spans)
    res = search(store, text, lang=lang, exact=exact, limit=3)
    for h in res.hits:
        assert all(0 <= a < b <= len(h.source) for a, b in h.source_spans)
        assert all(0 <= a < b <= len(h.target) for a, b in h.target_spans)
