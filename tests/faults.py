"""Fault injection for the commands that write files: make the 1st, 2nd, ... atomic write fail
with ENOSPC (a full disk) or EROFS (a read-only mount), and check what the user is left with.

:func:`check_write_faults` runs a command once to count its writes (the writes of
``dateline.schemas.io.atomic_write``, through which every output goes), then once per write
and per fault, failing that write. Each failing run must exit with the fault's registered
code on one line of stderr (no traceback), leave every file under the watched folder as the
first run wrote it, and leave no temp file.
"""

from __future__ import annotations

import errno
import os
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pytest

import dateline.schemas.io as io_module
from dateline.cli import main
from dateline.schemas.codes import CODES
from dateline.schemas.oserrors import ERRNO_CODES

# (errno, the step of the atomic write that fails): a full disk when the data is flushed,
# a read-only mount when the temp file is created, a full disk at the final rename.
FAULTS: tuple[tuple[int, str], ...] = (
    (errno.ENOSPC, "fsync"), (errno.EROFS, "open"), (errno.ENOSPC, "replace"))


class _Faulty:
    """Stands for a module (``os`` or ``tempfile``) inside ``dateline.schemas.io``, counting
    the calls of one step and failing the ``fail_at``-th (0: never)."""

    def __init__(self, module: Any, counter: _Counter, step: str, name: str) -> None:
        self._module, self._counter, self._step, self._name = module, counter, step, name

    def __getattr__(self, attr: str) -> Any:
        real = getattr(self._module, attr)
        if attr != self._name:
            return real

        def wrapped(*args: Any, **kwargs: Any) -> Any:
            self._counter.tick(self._step)
            return real(*args, **kwargs)
        return wrapped


class _Counter:
    def __init__(self, fail_at: int, err: int, step: str) -> None:
        self.fail_at, self.err, self.step, self.count = fail_at, err, step, 0

    def tick(self, step: str) -> None:
        if step != self.step:
            return
        self.count += 1
        if self.count == self.fail_at:
            raise OSError(self.err, os.strerror(self.err))


def _patch(monkeypatch: pytest.MonkeyPatch, counter: _Counter) -> None:
    fake_os = _Faulty(os, counter, counter.step, "replace" if counter.step == "replace"
                      else "fsync")
    fake_tempfile = _Faulty(tempfile, counter, counter.step, "mkstemp")
    if counter.step in ("fsync", "replace"):
        monkeypatch.setattr(io_module, "os", fake_os)
    else:
        monkeypatch.setattr(io_module, "tempfile", fake_tempfile)


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` (hidden ones too) and its bytes."""
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def count_writes(monkeypatch: pytest.MonkeyPatch, argv: Sequence[str]) -> int:
    """Run ``dateline ARGV`` (it must succeed) and return how many atomic writes it made."""
    counter = _Counter(0, 0, "fsync")
    with monkeypatch.context() as m:
        _patch(m, counter)
        assert main(list(argv)) == 0, f"the command failed without a fault: {argv}"
    return counter.count


def check_write_faults(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
                       argv: Sequence[str], watch: Path,
                       faults: Sequence[tuple[int, str]] = FAULTS,
                       extra: Callable[[Path], None] | None = None) -> int:
    """Fail each write of ``dateline ARGV`` with each fault; check the coded error, that the
    files under ``watch`` are as the first (fault-free) run left them and that no temp file
    remains. ``extra(watch)`` may check more. Returns the number of writes.
    """
    writes = count_writes(monkeypatch, argv)
    assert writes >= 1, f"{argv} wrote nothing through atomic_write"
    before = snapshot(watch)
    capsys.readouterr()
    for err, step in faults:
        code = ERRNO_CODES[err]
        for k in range(1, writes + 1):
            with monkeypatch.context() as m:
                _patch(m, _Counter(k, err, step))
                exit_code = main(list(argv))
            out = capsys.readouterr()
            label = f"{argv[0]}: {errno.errorcode[err]} at {step} of write {k}/{writes}"
            assert exit_code == CODES[code].exit_code, (label, out.err)
            assert f"[{code}]" in out.err and "Traceback" not in out.err, (label, out.err)
            assert snapshot(watch) == before, f"{label}: an old file changed"
            leftovers = [p.name for p in watch.rglob(".*")]
            assert not leftovers, f"{label}: temp files left: {leftovers}"
            if extra is not None:
                extra(watch)
    return writes
