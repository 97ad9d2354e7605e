"""Bring your own data: the field's standard formats converted into validated Documents.

One reader per format, each a Python API of its own: :func:`read_conll`, :func:`read_brat`,
:func:`read_docbin` (spaCy), :func:`read_oneie` (also TextEE) and :func:`read_hf` (Hugging
Face ``datasets``). Each takes the input paths, a :class:`LabelMap` (the map file), a
:class:`Provenance` and a :class:`Report` that it fills with the counts; :func:`convert`
dispatches by format name and :func:`write_converted` writes the Documents and the report.

>>> import tempfile
>>> from pathlib import Path
>>> path = Path(tempfile.mkdtemp()) / "a.conll"
>>> _ = path.write_text("Ann B-PERSON\\nran O\\n")
>>> docs, report = convert("conll", [path])
>>> [(m.text, m.label) for m in docs[0].entities], report.documents
([('Ann', 'PERSON')], 1)
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Sequence
from typing import Any

from dateline.convert.brat import read_brat
from dateline.convert.common import Provenance, Report
from dateline.convert.conll import read_conll
from dateline.convert.docbin import read_docbin
from dateline.convert.hf import read_hf
from dateline.convert.labelmap import LabelMap, read_map
from dateline.convert.oneie import read_oneie
from dateline.schemas import DatelineError, Document, atomic_write_text, write_jsonl

__all__ = ["FORMATS", "LabelMap", "Provenance", "Report", "convert", "read_brat", "read_conll",
           "read_docbin", "read_hf", "read_map", "read_oneie", "write_converted"]

READERS: dict[str, Callable[..., list[Document]]] = {
    "conll": read_conll, "brat": read_brat, "spacy": read_docbin, "oneie": read_oneie,
    "hf": read_hf}
FORMATS = tuple(READERS)


def convert(fmt: str, inputs: Sequence[str | os.PathLike[str]], *,
            labels: LabelMap | None = None, provenance: Provenance | None = None,
            **options: Any) -> tuple[list[Document], Report]:
    """The Documents of ``inputs`` in format ``fmt`` and the conversion's report;
    ``options`` go to the format's reader.

    >>> convert("xml", [])
    Traceback (most recent call last):
    ...
    dateline.schemas.errors.DatelineError: [unknown-format] format 'xml' is not one of ...
    """
    if fmt not in READERS:
        raise DatelineError("unknown-format", f"format {fmt!r} is not one of "
                            f"{', '.join(FORMATS)}", exit_code=2)
    if not inputs:
        raise DatelineError("convert-no-input", "no input file given")
    report = Report(fmt)
    docs = READERS[fmt](inputs, labels=labels, report=report, provenance=provenance, **options)
    return docs, report


def write_converted(docs: Sequence[Document], report: Report, out: str | os.PathLike[str],
                    report_path: str | os.PathLike[str] | None = None) -> None:
    """Write ``docs`` to ``out`` (JSON Lines) and the report to ``report_path`` (JSON), each
    atomically.

    >>> import tempfile
    >>> from pathlib import Path
    >>> d = Path(tempfile.mkdtemp())
    >>> write_converted([Document(id="a", text="x")], Report("conll", documents=1),
    ...                 d / "out.jsonl", d / "report.json")
    >>> json.loads((d / "report.json").read_text())["documents"]
    1
    """
    write_jsonl(docs, out)
    if report_path is not None:
        atomic_write_text(report_path, json.dumps(report.to_dict(), indent=2,
                                                  ensure_ascii=False) + "\n")
