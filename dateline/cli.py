"""The ``dateline`` command line: ``dateline COMMAND [options]``.

Exit codes: 0 success, 1 the data has problems (validation incidents, refused scoring), 2 a
usage error (unknown option, missing path). Errors are printed as coded one-line messages,
never as tracebacks; ``dateline errors`` lists the codes.

>>> main(["validate", "no/such/file.jsonl"])  # the error goes to stderr
2
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence

from dateline import __version__
from dateline.schemas import DatelineError

__all__ = ["COMMANDS", "build_parser", "main"]

# Modules under dateline.commands, in the order `dateline --help` lists them.
COMMANDS = ("validate", "corpus", "score", "compare", "report", "extractors", "train", "predict",
            "benchmark", "studio", "agreement", "adjudicate", "errors")


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
    parser = argparse.ArgumentParser(
        prog="dateline",
        description="News corpus with entities, events and quotes, and the tools to score "
                    "extractors on it.",
    )
    parser.add_argument("--version", action="version", version=f"dateline {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name in COMMANDS:
        importlib.import_module(f"dateline.commands.{name}").register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI and return its exit code (the console script exits with it).

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
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        code: int = args.func(args)
    except DatelineError as err:
        print(f"error: {err}", file=sys.stderr)
        return err.exit_code
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader went away (`dateline ... | head`): stop quietly, as Unix tools do.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141
    return code


def _entry() -> None:
    sys.exit(main())


if __name__ == "__main__":
    _entry()
