"""The case table (tests/checks/cases.json): every check's good and bad examples, run in memory."""

from __future__ import annotations

import pytest

from tests.checks.helpers import case_docs, load_cases, termbase
from workbench.checks import TermIndex, registry, run_checks

pytestmark = pytest.mark.no_database  # pure: runs on the SQLite pass only (tests/conftest.py)

DATA = load_cases()
INDEX = TermIndex(termbase(DATA))


def _id(case: dict) -> str:
    text = case.get("target") or case.get("pairs") or case.get("docs")
    return f"{case['check']}:{case['count']}:{str(text)[:40]}"


def _where(case: dict) -> list[list]:
    """Each finding of the case's check as [side, document, paragraph, flagged text]; a finding
    without a span (a term across the text) as [side, None, None, its term or key]."""
    docs = case_docs(case)
    pos = {}
    for di, (doc, _links) in enumerate(docs):
        for text in (doc.source, doc.target):
            for k, p in enumerate(text.paragraphs if text else []):
                pos[p.id] = (di, k, p.text)
    out = []
    for f in run_checks(docs, INDEX):
        if f.check != case["check"]:
            continue
        if f.para_id in pos and f.start is not None:
            di, k, text = pos[f.para_id]
            out.append([f.side, di, k, text[f.start : f.end]])
        else:
            out.append([f.side, None, None, INDEX.terms[f.term_id].preferred if f.term_id else f.key or None])
    return out


@pytest.mark.parametrize("case", DATA["cases"], ids=_id)
def test_case(case: dict) -> None:
    got = _where(case)
    assert len(got) == case["count"], got
    assert got == case.get("at", []), got  # the findings are where the slip is, not only as many


def test_every_bad_case_says_where() -> None:
    assert all(len(c.get("at", [])) == c["count"] for c in DATA["cases"])


def test_every_check_has_good_and_bad_examples() -> None:
    for cid in registry():
        counts = [c["count"] for c in DATA["cases"] if c["check"] == cid]
        assert any(n > 0 for n in counts), f"{cid} has no bad example"
        assert any(n == 0 for n in counts), f"{cid} has no good example"


def test_case_checks_exist() -> None:
    assert {c["check"] for c in DATA["cases"]} <= set(registry())
