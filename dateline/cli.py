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
from dateline.engines import start_fork_server
from dateline.schemas import DatelineError
from dateline.schemas.oserrors import os_error

__all__ = ["COMMANDS", "build_parser", "coded", "command_of", "main"]

# Modules under dateline.commands, in the order `dateline --help` lists them, with the one-line
# help each registers (`dateline --help` lists these without importing the modules; a test
# holds them equal to what the modules register).
COMMANDS: dict[str, str] = {
    "validate": "check Documents (.json/.jsonl files or folders)",
    "corpus": "build the corpus from its pinned sources; show statistics",
    "convert": "convert CoNLL, brat, spaCy, OneIE or Hugging Face data into Documents",
    "score": "score predictions against gold documents",
    "compare": "compare systems: intervals, differences and significance",
    "report": "error analysis of one system: outcomes, HTML page, plots",
    "extractors": "list the installed extractors",
    "train": "train an extractor on the corpus train split",
    "predict": "run an extractor over a corpus split or a file",
    "benchmark": "train, run and score every extractor on the test split",
    "studio": "annotate in Label Studio: config, push, pull, import, export, server",
    "agreement": "agreement between annotators (F1, kappa, alpha)",
    "adjudicate": "merge annotators into the corpus annotation",
    "errors": "list the error codes: exit code, meaning, fix",
}


def command_of(argv: Sequence[str]) -> str | None:
    """The subcommand named by ``argv`` (the first word that is not an option: ``dateline``'s
    own options take no value), or None (``--help``, ``--version``, an unknown word).

    >>> command_of(["--debug", "score", "g.jsonl", "p.jsonl"]), command_of(["--help"])
    ('score', None)
    """
    for word in argv:
        if not word.startswith("-"):
            return word if word in COMMANDS else None
    return None


def build_parser(command: str | None = None, *, lazy: bool = False) -> argparse.ArgumentParser:
    """The argument parser with every subcommand registered. With ``lazy``, only the module of
    ``command`` (None: none) is imported and registered; the other commands are listed with
    their help all the same (``main`` builds the parser of the command it runs, so start-up
    does not import every command's libraries).

    >>> import contextlib, io
    >>> parser = build_parser()
    >>> parser.parse_args(["score", "gold.jsonl", "pred.jsonl"]).command
    'score'
    >>> with contextlib.redirect_stdout(io.StringIO()) as out, contextlib.suppress(SystemExit):
    ...     parser.parse_args(["--version"])
    >>> out.getvalue() == f"dateline {__version__}\\n"
    True
    >>> build_parser("errors", lazy=True).parse_args(["errors"]).command
    'errors'
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
    for name, help_line in COMMANDS.items():
        if not lazy or name == command:
            importlib.import_module(f"dateline.commands.{name}").register(sub)
        else:  # listed by `dateline --help`; never parsed into (main builds that command's)
            sub.add_parser(name, help=help_line)
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
        words = sys.argv[1:] if argv is None else argv
        command = command_of(words)
        start_fork_server(command, words)  # its imports run beside the command's
        parser = build_parser(command, lazy=True)
        args = parser.parse_args(words)
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
