"""Consistency checks: terminology, glosses, labels, untranslated text, typography.

Public API::

    from workbench.checks import registry, get_check, all_checks      # check classes by id
    from workbench.checks import run_checks                           # in memory: documents -> findings
    from workbench.checks import CheckRunner                          # on the store, incremental
    runner = CheckRunner(store)
    runner.run(doc_ids=None, force=False) -> RunReport                # all documents, or some
    runner.recheck_paragraphs([para_id]) -> RunReport                 # after an edit (fast path)
    store.findings.list(doc_id=None, status=..., present=...) -> [Finding]
    store.findings.tag([finding_id], "accepted" | "fixed" | "open", user, comment)

A check is a class with ``id``, ``name``, ``severity`` (error/warning/info), ``description`` and a
``scope`` (``link``: runs on one link, its source and target paragraphs; ``document`` / ``corpus``:
aggregates cached per-link statistics). See :mod:`workbench.checks.base`.
"""

from workbench.checks.base import (
    CHECKS_VERSION,
    SEVERITIES,
    STATUSES,
    AggregateCheck,
    Check,
    Finding,
    Issue,
    LinkCheck,
    all_checks,
    finding_id,
    get_check,
    register,
    registry,
    severity_at_least,
)
from workbench.checks.context import CheckContext, LinkUnit, TermIndex, units_of
from workbench.checks.runner import CheckRunner, RunReport, run_checks

__all__ = [
    "CHECKS_VERSION", "SEVERITIES", "STATUSES", "AggregateCheck", "Check", "CheckContext", "CheckRunner", "Finding",
    "Issue", "LinkCheck", "LinkUnit", "RunReport", "TermIndex", "all_checks", "finding_id", "get_check", "register",
    "registry", "run_checks", "severity_at_least", "units_of",
]  # fmt: skip
