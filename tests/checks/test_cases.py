"""The case table (tests/checks/cases.json): every check's good and bad examples, run in memory."""

from __future__ import annotations

import pytest

from tests.checks.helpers import case_docs, load_cases, termbase
from workbench.checks import TermIndex, registry, run_checks

DATA = load_cases()
INDEX = TermIndex(termbase(DATA))


def _id(case: dict) -> str:
    text = case.get("target") or case.get("pairs") or case.get("docs")
    return f"{case['check']}:{case['count']}:{str(text)[:40]}"


@pytest.mark.parametrize("case", DATA["cases"], ids=_id)
def test_case(case: dict) -> None:
    findings = run_checks(case_docs(case), INDEX)
    got = [f for f in findings if f.check == case["check"]]
    assert len(got) == case["count"], [(f.message, f.excerpt) for f in got]


def test_every_check_has_good_and_bad_examples() -> None:
    for cid in registry():
        counts = [c["count"] for c in DATA["cases"] if c["check"] == cid]
        assert any(n > 0 for n in counts), f"{cid} has no bad example"
        assert any(n == 0 for n in counts), f"{cid} has no good example"


def test_case_checks_exist() -> None:
    assert {c["check"] for c in DATA["cases"]} <= set(registry())
