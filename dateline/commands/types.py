"""The types and ranges of every numeric option, declared once, and the parser that reports
a bad value as a coded one-line error.

Each function here is an argparse ``type=``: it turns the text into the number or refuses it,
naming the value and the allowed range. :class:`Parser` (the class of the ``dateline`` parser
and so of each subcommand's) prints argparse's errors as ``[bad-option]`` (a value) or
``[usage]`` (anything else) and exits 2.

>>> p = Parser(prog="dateline demo")
>>> _ = p.add_argument("--seed", type=seed)
>>> p.parse_args(["--seed", "7"]).seed
7
>>> import contextlib, io
>>> with contextlib.redirect_stderr(io.StringIO()) as err, contextlib.suppress(SystemExit):
...     p.parse_args(["--seed", "-1"])
>>> print(err.getvalue().splitlines()[-1])
error: [bad-option] dateline demo: --seed '-1' is out of range; allowed: an integer from 0 to \
4294967295. Fix: give --seed an allowed value.
"""

from __future__ import annotations

import argparse
import math
import re
import sys
from typing import NoReturn

from dateline.schemas import DatelineError

__all__ = [
    "Parser",
    "fold_count",
    "fraction",
    "non_negative_int",
    "plain_text",
    "positive_int",
    "probability",
    "seed",
    "worker_count",
]

MAX_SEED = 2**32 - 1  # numpy's seeds are 32-bit unsigned integers
_MARK = "; allowed: "  # what the messages of these types say, and argparse's do not


def _integer(text: str, low: int, high: int | None, allowed: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not an integer{_MARK}{allowed}") from None
    if value < low or (high is not None and value > high):
        raise argparse.ArgumentTypeError(f"{text!r} is out of range{_MARK}{allowed}")
    return value


def _number(text: str, low: float, high: float, allowed: str, *, open_: bool) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number{_MARK}{allowed}") from None
    inside = low < value < high if open_ else low <= value <= high
    if not math.isfinite(value) or not inside:
        raise argparse.ArgumentTypeError(f"{text!r} is out of range{_MARK}{allowed}")
    return value


def positive_int(text: str) -> int:
    """An integer of 1 or more (resamples, trials, limits that cannot be zero).

    >>> positive_int("3")
    3
    >>> positive_int("0")
    Traceback (most recent call last):
    ...
    argparse.ArgumentTypeError: '0' is out of range; allowed: an integer of 1 or more
    """
    return _integer(text, 1, None, "an integer of 1 or more")


def worker_count(text: str) -> int:
    """``--workers``: an integer of 1 or more, or ``all`` (every core this process may use).

    >>> worker_count("3"), worker_count("all") >= 1
    (3, True)
    >>> worker_count("0")
    Traceback (most recent call last):
    ...
    argparse.ArgumentTypeError: '0' is out of range; allowed: an integer of 1 or more, or all
    """
    if text == "all":
        from dateline.process_engine import usable_cores

        return usable_cores()
    return _integer(text, 1, None, "an integer of 1 or more, or all")


def non_negative_int(text: str) -> int:
    """An integer of 0 or more (counts where 0 means none, or all).

    >>> non_negative_int("0")
    0
    >>> non_negative_int("-3")
    Traceback (most recent call last):
    ...
    argparse.ArgumentTypeError: '-3' is out of range; allowed: an integer of 0 or more
    """
    return _integer(text, 0, None, "an integer of 0 or more")


def fold_count(text: str) -> int:
    """A number of cross-validation folds: 3 or more (each held-out fold is predicted by a
    model trained on the others less one, its inner validation fold).

    >>> fold_count("5")
    5
    >>> fold_count("2")
    Traceback (most recent call last):
    ...
    argparse.ArgumentTypeError: '2' is out of range; allowed: an integer of 3 or more
    """
    return _integer(text, 3, None, "an integer of 3 or more")


def seed(text: str) -> int:
    """A random seed: an integer from 0 to 2**32 - 1.

    >>> seed("12345")
    12345
    >>> seed("x")
    Traceback (most recent call last):
    ...
    argparse.ArgumentTypeError: 'x' is not an integer; allowed: an integer from 0 to 4294967295
    """
    return _integer(text, 0, MAX_SEED, f"an integer from 0 to {MAX_SEED}")


def probability(text: str) -> float:
    """A number strictly between 0 and 1 (a confidence level, a significance level).

    >>> probability("0.95")
    0.95
    >>> probability("1")
    Traceback (most recent call last):
    ...
    argparse.ArgumentTypeError: '1' is out of range; allowed: a number between 0 and 1, \
exclusive (e.g. 0.05)
    """
    return _number(text, 0.0, 1.0, "a number between 0 and 1, exclusive (e.g. 0.05)",
                   open_=True)


def fraction(text: str) -> float:
    """A number from 0 to 1, both included (an overlap fraction).

    >>> fraction("0"), fraction("0.5")
    (0.0, 0.5)
    >>> fraction("nan")
    Traceback (most recent call last):
    ...
    argparse.ArgumentTypeError: 'nan' is out of range; allowed: a number from 0 to 1 (e.g. 0.5)
    """
    return _number(text, 0.0, 1.0, "a number from 0 to 1 (e.g. 0.5)", open_=False)


_ARGPARSE_VALUE = re.compile(r"^invalid (choice|\w+ value): ")  # argparse's own value errors
_ARGUMENT = re.compile(r"^argument (?P<option>[^:]+): (?P<message>.*)$", re.DOTALL)


_ROLE = re.compile(r":[a-z]+:`~?(?:[\w.]*\.)?([^`<]+?)(?: <[^>]+>)?`")
_LITERAL = re.compile(r"``([^`]+)``")


def plain_text(text: str) -> str:
    """reStructuredText markup of docstrings as plain text, for ``--help``: literals lose
    their double backquotes, roles show their target's last name.

    >>> plain_text("``push`` (see :func:`~dateline.studio.push` and :mod:`dateline.loading`)")
    'push (see push and loading)'
    """
    return _LITERAL.sub(r"\1", _ROLE.sub(lambda m: m.group(1).rsplit(".", 1)[-1], text))


class Parser(argparse.ArgumentParser):
    """An argument parser whose errors are coded one-line messages (exit 2), and whose help
    is plain text (:func:`plain_text`: descriptions taken from docstrings lose their markup).

    >>> import contextlib, io
    >>> p = Parser(prog="demo"); _ = p.add_argument("--n", type=positive_int)
    >>> with contextlib.redirect_stderr(io.StringIO()) as err, contextlib.suppress(SystemExit):
    ...     p.parse_args(["--n", "1", "extra"])
    >>> print(err.getvalue().splitlines()[-1])
    error: [usage] demo: unrecognized arguments: extra. Fix: run demo --help.
    """

    def format_help(self) -> str:
        """The help text, plain."""
        return plain_text(super().format_help())

    def error(self, message: str) -> NoReturn:
        """Print the usage and the coded error to stderr; exit 2."""
        m = _ARGUMENT.match(message)
        if m and (_MARK in m["message"] or _ARGPARSE_VALUE.match(m["message"])):
            option = m["option"].split("/")[-1]
            err = DatelineError("bad-option", f"{option} {m['message']}", where=self.prog,
                                fix=f"give {option} an allowed value")
        else:
            err = DatelineError("usage", message, where=self.prog,
                                fix=f"run {self.prog} --help")
        self.print_usage(sys.stderr)
        print(f"error: {err}", file=sys.stderr)
        sys.exit(2)
