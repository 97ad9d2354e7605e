"""Progress while an extractor trains: a rich bar on the console (stderr) per candidate
setting the CRF tries, advancing with its L-BFGS iterations; nothing when the console is no
terminal (logs, CI, pipes) or quiet.

python-crfsuite reports its iterations only to a trainer made ``verbose``; for the time of the
training, :func:`training_progress` has ``pycrfsuite.Trainer`` make trainers that send those
reports to the bar instead of printing them (and restores it afterwards).

>>> import io
>>> from rich.console import Console
>>> with training_progress(Console(file=io.StringIO()), "crf"):  # no terminal: no bar
...     pass
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

__all__ = ["training_progress"]


def _trainer_class(base: Any, progress: Progress, name: str) -> Any:
    class Reporting(base):  # type: ignore[misc,valid-type]
        """A trainer whose reports advance the bar (a new task per training run)."""

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            kwargs["verbose"] = True  # crfsuite reports to verbose trainers only
            super().__init__(*args, **kwargs)
            self._task: Any = None

        def on_start(self, log: str) -> None:
            params = self.get_params()
            settings = ", ".join(f"{k}={params[k]}" for k in ("c1", "c2") if k in params)
            total = int(params.get("max_iterations") or 0) or None
            self._task = progress.add_task(f"{name}: training ({settings})", total=total)

        def on_iteration(self, log: str, info: dict[str, Any]) -> None:
            if self._task is not None:
                progress.update(self._task, completed=int(info.get("num", 0)))

        def on_end(self, log: str) -> None:
            if self._task is not None:
                task = progress.tasks[self._task]
                progress.update(self._task, total=task.completed or 1)

        def on_featgen_progress(self, log: str, percent: float) -> None:
            """Quiet."""

        def on_featgen_end(self, log: str) -> None:
            """Quiet."""

        def on_prepared(self, log: str) -> None:
            """Quiet."""

        def on_prepare_error(self, log: str) -> None:
            """Quiet."""

        def on_optimization_end(self, log: str) -> None:
            """Quiet."""

    return Reporting


@contextlib.contextmanager
def training_progress(console: Console | None, name: str) -> Iterator[None]:
    """Show the training of ``name`` on ``console`` while the block runs (a bar per CRF
    candidate setting, advancing with its iterations), when the console is a terminal.

    >>> import io, pathlib, tempfile
    >>> import pycrfsuite
    >>> from rich.console import Console
    >>> console = Console(file=io.StringIO(), force_terminal=True, width=80)
    >>> with training_progress(console, "crf"):
    ...     trainer = pycrfsuite.Trainer(verbose=False)
    ...     trainer.append([["w=a"], ["w=b"]], ["X", "Y"])
    ...     trainer.set_params({"c2": 0.1, "max_iterations": 5})
    ...     trainer.train(str(pathlib.Path(tempfile.mkdtemp()) / "m.crfsuite"))
    >>> "crf: training (c1=0.0, c2=0.1)" in console.file.getvalue()
    True
    >>> pycrfsuite.Trainer.__name__  # restored
    'Trainer'
    """
    if console is None or not console.is_terminal or console.quiet:
        yield
        return
    try:
        import pycrfsuite
    except ImportError:  # no CRF installed: nothing to report
        yield
        return
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
               TimeElapsedColumn())
    original = pycrfsuite.Trainer
    with Progress(*columns, console=console, transient=False) as progress:
        pycrfsuite.Trainer = _trainer_class(original, progress, name)
        try:
            yield
        finally:
            pycrfsuite.Trainer = original
