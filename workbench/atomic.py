"""Atomic file writes: a file is either the old one or the complete new one, never half written."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from workbench.errors import WorkbenchError

_SIGNALS = ("SIGTERM", "SIGHUP", "SIGINT")


@contextmanager
def _signals_unwind() -> Iterator[None]:
    """While a temporary file exists, turn a termination signal into an exception, so the ``except``
    below removes the file before the process ends (SIGKILL cannot be caught: see
    :func:`_sweep_stale`). Only the main thread may set handlers; elsewhere nothing changes."""
    import signal
    import threading

    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {}

    def unwind(signum: int, frame: object) -> None:
        raise SystemExit(128 + signum)

    for name in _SIGNALS:
        sig = getattr(signal, name, None)
        if sig is None:
            continue
        old = signal.getsignal(sig)
        if name == "SIGINT" and old is not signal.default_int_handler:
            continue  # someone else handles Ctrl-C (KeyboardInterrupt already unwinds)
        if old is signal.SIG_IGN:
            continue
        previous[sig] = old
        signal.signal(sig, unwind)
    try:
        yield
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old)


def _sweep_stale(folder: Path, stem: str) -> None:
    """Remove temporary files of earlier writes to the same name whose process is gone (killed
    with SIGKILL, or the machine stopped): they are named ``.NAME.wbPID.XXXX.tmp``."""
    for old in folder.glob(f".{stem}.wb*.tmp"):
        pid_part = old.name[len(stem) + 4 :].split(".", 1)[0]
        if not pid_part.isdigit() or int(pid_part) == os.getpid():
            continue
        try:
            os.kill(int(pid_part), 0)
        except ProcessLookupError:
            old.unlink(missing_ok=True)
        except OSError:
            continue


def _check_replaceable(dest: Path) -> os.stat_result | None:
    """The existing file's status, or a refusal when replacing it would do what writing it could not.

    A rename needs only the folder's permission: it would replace a read-only file, or another
    user's, and make the new file ours. An export must be allowed to write the file itself.
    """
    import stat

    try:
        st = os.stat(dest)
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise WorkbenchError(f"cannot write {dest}: {exc.strerror or exc}") from exc
    if stat.S_ISDIR(st.st_mode):
        raise WorkbenchError(f"{dest} is a folder; give a file name to write to")
    if not stat.S_ISREG(st.st_mode):
        raise WorkbenchError(f"refusing to replace {dest}: not a regular file (a device, a pipe or a socket)")
    try:
        fd = os.open(dest, os.O_WRONLY | getattr(os, "O_NONBLOCK", 0))
    except PermissionError:
        raise WorkbenchError(f"refusing to replace {dest}: you may not write it (read-only or another user's); "
                             "nothing was written") from None
    except OSError as exc:
        raise WorkbenchError(f"cannot write {dest}: {exc.strerror or exc}") from exc
    os.close(fd)
    euid = os.geteuid() if hasattr(os, "geteuid") else None
    if euid not in (None, 0, st.st_uid):
        raise WorkbenchError(f"refusing to replace {dest}: it belongs to another user (uid {st.st_uid}), and the new "
                             "file would be yours; remove it or choose another name. Nothing was written")
    return st


@contextmanager
def atomic_path(dest: str | Path) -> Iterator[Path]:
    """Yield a temporary path beside ``dest``; on success it replaces ``dest`` in one rename.

    On any error the temporary file is removed and ``dest`` is left as it was, and so on SIGTERM,
    SIGHUP and Ctrl-C; an existing ``dest`` keeps its mode (and, written by root, its owner), and
    one this user could not write is refused before anything is written.
    """
    dest = Path(dest).expanduser()
    if dest.is_dir():
        raise WorkbenchError(f"{dest} is a folder; give a file name to write to")
    folder = dest.parent
    if not folder.exists():
        raise WorkbenchError(f"cannot write {dest}: folder {folder} does not exist")
    existing = _check_replaceable(dest)
    stem = dest.name[:40]
    _sweep_stale(folder, stem)
    with _signals_unwind():
        try:
            fd, tmp_name = tempfile.mkstemp(prefix=f".{stem}.wb{os.getpid()}.", suffix=".tmp", dir=folder)
        except OSError as exc:
            raise WorkbenchError(f"cannot write in {folder}: {exc.strerror or exc}") from exc
        os.close(fd)
        tmp = Path(tmp_name)
        try:
            yield tmp
            # mkstemp makes the file private (0600); an export is an ordinary document.
            os.chmod(tmp, existing.st_mode & 0o7777 if existing else 0o644)
            if existing and hasattr(os, "geteuid") and os.geteuid() == 0 and existing.st_uid != 0:
                os.chown(tmp, existing.st_uid, existing.st_gid)
            os.replace(tmp, dest)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
