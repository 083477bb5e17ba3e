"""Termbase, multi-pattern term matching, transliteration discovery, annotations, CSV/TBX.

Stable entry points::

    from workbench.terms import Term, TermMatcher, SourceHit, TargetHit
    from workbench.terms.csvio import read_csv, write_csv
    from workbench.terms.tbx import read_tbx, write_tbx
    from workbench.terms.discovery import discover
    from workbench.terms.anchors import reanchor
"""

from workbench.terms.matcher import SourceHit, TargetHit, TermMatcher
from workbench.terms.model import Annotation, Proposal, Term

__all__ = ["Annotation", "Proposal", "SourceHit", "TargetHit", "Term", "TermMatcher"]
