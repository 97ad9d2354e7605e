"""Processes and files of a local server: a private file written atomically, a process known
by its pid *and* start time (so a pid reused later is never signalled), stopping it, and
whether a port is free or a server answers. Used by :mod:`dateline.studio.server`.

>>> started_at(os.getpid()) == started_at(os.getpid()) is not None
True
>>> started_at(2 ** 22 + 12345) is None  # above the largest pid Linux hands out
True
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import tempfile
import time
import urllib.request
from pathlib import Path

__all__ = ["healthy", "port_free", "reap", "started_at", "terminate", "write_private"]

HOST = "127.0.0.1"


def write_private(path: Path, text: str) -> None:
    """Write ``text`` atomically to a file only its owner may read (0600, whatever the umask;
    a missing folder is made 0700).

    >>> import stat
    >>> path = Path(tempfile.mkdtemp()) / "secret" / "token"
    >>> write_private(path, "s3cr3t")
    >>> oct(stat.S_IMODE(path.stat().st_mode)), oct(stat.S_IMODE(path.parent.stat().st_mode))
    ('0o600', '0o700')
    """
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)  # mode 0600
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def started_at(pid: int) -> str | None:
    """When process ``pid`` started (an opaque string: clock ticks after boot on Linux, the
    time ``ps`` shows elsewhere), None when there is no such process or only its zombie.

    >>> started_at(os.getpid()).isdigit()
    True
    """
    with_proc = Path("/proc/self/stat").exists()
    if with_proc:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            return None
        return None if fields[0] in ("Z", "X") else fields[19]
    done = subprocess.run(["ps", "-o", "lstart=", "-p", str(pid)], capture_output=True,
                          text=True, check=False)
    return done.stdout.strip() or None


def reap(pid: int) -> None:
    """Collect ``pid`` if it is an ended child of this process (a server started in this
    process), so that it no longer shows as alive; do nothing otherwise.

    >>> reap(os.getpid()) is None
    True
    """
    with contextlib.suppress(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)


def healthy(url: str) -> bool:
    """True when a Label Studio server at ``url`` answers its ``/health`` probe.

    >>> healthy("http://127.0.0.1:9")  # nothing listens on port 9 here
    False
    """
    try:
        with urllib.request.urlopen(f"{url}/health", timeout=2) as r:
            return bool(r.status == 200)
    except OSError:
        return False


def port_free(port: int) -> bool:
    """True when nothing listens on ``port`` of 127.0.0.1 (a server could bind it).

    >>> with socket.socket() as taken:
    ...     taken.bind((HOST, 0)); taken.listen()
    ...     port_free(taken.getsockname()[1])
    False
    """
    with socket.socket() as s:
        # As the server will: a port left in TIME_WAIT by a server just stopped is free.
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((HOST, port))
        except OSError:
            return False
    return True


def terminate(pid: int, started: str | None, timeout: float = 20.0) -> None:
    """SIGTERM ``pid`` (SIGKILL after ``timeout``) while it is the process that started at
    ``started`` (see :func:`started_at`); return once it is gone. Another process that got the
    pid later is never signalled.

    >>> proc = subprocess.Popen(["sleep", "30"])
    >>> terminate(proc.pid, "not when it started"); proc.poll() is None
    True
    >>> terminate(proc.pid, started_at(proc.pid)); started_at(proc.pid) is None
    True
    """
    for sig in (signal.SIGTERM, signal.SIGKILL):
        reap(pid)
        if started is None or started_at(pid) != started:
            return
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, sig)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            reap(pid)
            if started_at(pid) != started:
                return
            time.sleep(0.1)


