"""What the editor reads of a Markdown body the pages escaped with ``widgets.literal``."""

from __future__ import annotations

import re


def plain(body: str) -> str:
    """The body without literal()'s backslash escapes (``\\*\\*x\\*\\*`` -> ``**x**``)."""
    return re.sub(r"\\(.)", r"\1", body)
