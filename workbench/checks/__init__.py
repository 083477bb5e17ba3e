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

Modules: ``base`` (the shape of a check, the registry), ``context`` (units and their order, the
termbase index), ``analysis`` (the term analysis the term checks share), one module per family
(``terms``, ``consistency``, ``glosses``, ``labels``, ``typography``, ``untranslated``),
``reconcile`` (the status rules of findings across runs, pure), ``runner`` (runs the checks over
the store), ``report`` (tables). The plain types of findings are in :mod:`workbench.findings_types`.
"""

# The families register their checks as they are imported; this order is the registry's order
# (``workbench check --list-checks``). The base never imports them.
from workbench.checks import terms, consistency, glosses, labels, typography, untranslated  # noqa: F401, I001
from workbench.checks import numbers, fidelity, spelling  # noqa: F401, I001

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
