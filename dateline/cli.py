"""The ``dateline`` command line: ``dateline COMMAND [options]``.

Exit codes: 0 success, 1 the data has problems (validation incidents, refused scoring), 2 a
usage error (unknown option, missing path), 70 an internal error (a bug). Errors are printed
as coded one-line messages, never as tracebacks (``--debug`` shows that of an internal
error); ``dateline errors`` lists the codes.

>>> main(["validate", "no/such/file.jsonl"])  # the error goes to stderr
2
"""

from __future__ import annotations

import argparse
import importlib
import io
import os
import sys
import traceback
from collections.abc import Sequence

from dateline import __version__
from dateline.commands.types import Parser
from dateline.schemas import DatelineError
from dateline.schemas.oserrors import os_error

__all__ = ["COMMANDS", "build_parser", "coded", "main"]

# Modules under dateline.commands, in the order `dateline --help` lists them.
COMMANDS = ("validate", "corpus", "convert", "score", "compare", "report", "extractors", "train",
            "predict", "benchmark", "studio", "agreement", "adjudicate", "errors")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every subcommand registered.

    >>> import contextlib, io
    >>> parser = build_parser()
    >>> parser.parse_args(["score", "gold.jsonl", "pred.jsonl"]).command
    'score'
    >>> with contextlib.redirect_stdout(io.StringIO()) as out, contextlib.suppress(SystemExit):
    ...     parser.parse_args(["--version"])
    >>> out.getvalue() == f"dateline {__version__}\\n"
    True
    """
    parser = Parser(
        prog="dateline",
        description="News corpus with entities, events and quotes, and the tools to score "
                    "extractors on it.",
    )
    parser.add_argument("--version", action="version", version=f"dateline {__version__}")
    parser.add_argument("--debug", action="store_true",
                        help="show the traceback of an internal error (exit 70)")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name in COMMANDS:
        importlib.import_module(f"dateline.commands.{name}").register(sub)
    return parser


def coded(exc: BaseException) -> DatelineError:
    """The coded error an exception leaves the program as: a :class:`DatelineError` itself, an
    operating-system error by its errno, bad bytes, data nested too deeply, or else an
    ``internal-error`` (a bug: exit 70).

    >>> import errno
    >>> print(coded(OSError(errno.EROFS, "Read-only file system", "out.md")))
    [read-only] out.md: cannot access: read-only file system. Fix: write to a folder on a \
writable file system.
    >>> err = coded(KeyError("x"))
    >>> err.code, err.exit_code
    ('internal-error', 70)
    """
    if isinstance(exc, DatelineError):
        return exc
    if isinstance(exc, OSError):
        return os_error(exc)
    if isinstance(exc, UnicodeDecodeError):
        return DatelineError("invalid-utf8", f"bytes {exc.object[exc.start:exc.start + 4]!r} "
                             f"at offset {exc.start} are not {exc.encoding}",
                             fix="re-encode the file as UTF-8")
    if isinstance(exc, RecursionError):
        return DatelineError("too-deep", "the data is nested too deeply to be processed")
    where = _innermost_frame(exc)
    return DatelineError("internal-error", f"{type(exc).__name__}: {exc}"[:300],
                         where=f"dateline {__version__}{where}")


def _innermost_frame(exc: BaseException) -> str:
    tb = exc.__traceback__
    if tb is None:
        return ""
    while tb.tb_next is not None:
        tb = tb.tb_next
    return f" at {os.path.basename(tb.tb_frame.f_code.co_filename)}:{tb.tb_lineno}"


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI and return its exit code (the console script exits with it).

    Every error leaves through here: a coded one-line message on stderr, never a traceback
    (except with ``--debug``, for an internal error). Exit codes: those of the error codes
    (1 data, 2 usage, 70 internal error), 130 interrupted, 141 broken pipe.

    >>> import pathlib, tempfile
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "docs.jsonl"
    >>> _ = path.write_text('{"id": "a", "text": "Hi."}\\n')
    >>> main(["validate", str(path), "--format", "json"])
    {
      "valid": true,
      "files": [
        ".../docs.jsonl"
      ],
      "documents": 1,
    ...
    0
    """
    debug = "--debug" in (sys.argv[1:] if argv is None else argv)
    for stream in (sys.stdout, sys.stderr):
        # A value read from JSON may hold a lone surrogate (``"\\ud800"``), which no encoding
        # can write: show it escaped instead of failing while reporting it.
        if isinstance(stream, io.TextIOWrapper):
            stream.reconfigure(errors="backslashreplace")
    try:
        parser = build_parser()
        args = parser.parse_args(argv)
        code: int = args.func(args)
    except SystemExit as exc:  # argparse: --help, --version, usage errors (printed already)
        return exc.code if isinstance(exc.code, int) else 0 if exc.code is None else 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader went away (`dateline ... | head`): stop quietly, as Unix tools do.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141
    except Exception as exc:
        err = coded(exc)
        if debug and err.code == "internal-error":
            traceback.print_exception(exc, file=sys.stderr)
        print(f"error: {err}", file=sys.stderr)
        return err.exit_code
    return code


def _entry() -> None:
    sys.exit(main())


if __name__ == "__main__":
    _entry()
