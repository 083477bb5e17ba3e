"""Errors a user can act on.

Anything derived from WorkbenchError is reported as one line (CLI exit code 2, ``st.error`` in the
app); anything else is a bug and keeps its traceback.
"""

from __future__ import annotations

from pathlib import Path


class WorkbenchError(Exception):
    """A user-facing problem with a message that can be shown as it is.

    The message is always one line: a line break inside it (a parser's message, a file name, text
    from the file) is shown as a space, so the command line's "one line, exit 2" holds whatever the
    message quotes.
    """

    def __str__(self) -> str:
        text = super().__str__()
        if "\n" in text or "\r" in text:
            text = " ".join(part.strip() for part in text.splitlines() if part.strip())
        return text


class InputError(WorkbenchError):
    """A file cannot be read as asked; the message names the file and the problem."""

    def __init__(self, path: str | Path | None, problem: str) -> None:
        self.path = str(path) if path is not None else None
        self.problem = problem
        super().__init__(f"{Path(self.path).name if self.path else '<input>'}: {problem}")


class ConflictError(WorkbenchError):
    """A save was based on a stale revision; nothing was written."""


class NotFoundError(WorkbenchError):
    pass
