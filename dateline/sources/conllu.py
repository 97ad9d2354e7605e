"""A strict, small CoNLL-U reader that names file and line for every malformed line.

The ``conllu`` package raises without a line number; the build must say where and how to fix.

>>> row = "1\\tHi\\thi\\tINTJ\\tUH\\t_\\t0\\troot\\t0:root\\tSpaceAfter=No"
>>> text = "# newpar\\n# sent_id = s1\\n" + row + "\\n\\n"
>>> [s.comments for s in parse_conllu(text, "x.conllu")]
[['newpar', 'sent_id = s1']]
>>> parse_conllu("1\\tHi\\n", "x.conllu")
Traceback (most recent call last):
...
dateline.schemas.errors.DatelineError: [malformed-conllu] x.conllu:1: ...
"""

from __future__ import annotations

from dataclasses import dataclass, field

from dateline.schemas import DatelineError

__all__ = ["Row", "Sentence", "parse_conllu", "parse_misc"]


@dataclass(frozen=True)
class Row:
    """One token line: ``id`` is ``"3"``, ``"3-4"`` (multiword token) or ``"3.1"`` (empty node).

    >>> line = "\\t".join("1 Hi hi INTJ UH _ 0 root _ _".split())
    >>> row = parse_conllu(line + "\\n", "x.conllu")[0].rows[0]
    >>> row.form, row.upos, row.head, row.misc, row.line
    ('Hi', 'INTJ', '0', '_', 1)
    """

    id: str
    form: str
    lemma: str
    upos: str
    head: str
    deprel: str
    misc: str
    line: int


@dataclass
class Sentence:
    """Comment lines (without ``# ``) and token rows of one sentence.

    >>> line = "\\t".join("1 Hi hi INTJ UH _ 0 root _ _".split())
    >>> s = parse_conllu("\\n# text = Hi\\n" + line + "\\n", "x.conllu")[0]
    >>> s.comments, len(s.rows), s.line
    (['text = Hi'], 1, 2)
    """

    comments: list[str] = field(default_factory=list)
    rows: list[Row] = field(default_factory=list)
    line: int = 0


def parse_misc(misc: str) -> dict[str, str]:
    """The MISC column as a dict (``_`` is empty).

    >>> parse_misc("SpaceAfter=No|Entity=(1-person)")
    {'SpaceAfter': 'No', 'Entity': '(1-person)'}
    """
    if misc == "_":
        return {}
    out = {}
    for item in misc.split("|"):
        key, _, value = item.partition("=")
        out[key] = value
    return out


def _bad(file: str, line: int, message: str) -> DatelineError:
    return DatelineError("malformed-conllu", message, where=f"{file}:{line}",
                         fix="restore the pinned source file (its sha256 is in "
                             "corpus/sources.lock); CoNLL-U needs 10 tab-separated columns")


def parse_conllu(text: str, file: str) -> list[Sentence]:
    """Parse CoNLL-U text into sentences; raise a coded error naming the bad line.

    >>> parse_conllu("# sent_id = s1\\n\\n", "x.conllu")
    Traceback (most recent call last):
    ...
    dateline.schemas.errors.DatelineError: [malformed-conllu] x.conllu:2: a sentence with ...
    """
    out: list[Sentence] = []
    cur = Sentence()
    for n, raw in enumerate(text.split("\n"), start=1):
        line = raw.rstrip("\r")
        if not line.strip():
            if cur.rows:
                out.append(cur)
            elif cur.comments:
                raise _bad(file, n, "a sentence with comments but no token line")
            cur = Sentence()
            continue
        if line.startswith("#"):
            if cur.rows:
                raise _bad(file, n, "a comment line inside a sentence")
            if not cur.comments:
                cur.line = n
            cur.comments.append(line[1:].strip())
            continue
        cols = line.split("\t")
        if len(cols) != 10:
            raise _bad(file, n, f"{len(cols)} columns instead of 10 in {line[:40]!r}")
        tid = cols[0]
        if not (tid.isdigit() or ("-" in tid and tid.replace("-", "").isdigit())
                or ("." in tid and tid.replace(".", "").isdigit())):
            raise _bad(file, n, f"token id {tid!r} is not an integer, range or decimal")
        if tid.isdigit() and not (cols[6].isdigit() or cols[6] == "_"):
            raise _bad(file, n, f"head {cols[6]!r} is not an integer")
        if not cur.rows and not cur.comments:
            cur.line = n
        cur.rows.append(Row(tid, cols[1], cols[2], cols[3], cols[6], cols[7], cols[9], n))
    if cur.rows:
        out.append(cur)
    return out
