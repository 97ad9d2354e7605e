"""Hugging Face ``datasets`` data to Documents: a dataset folder (with its card), or its
Parquet or JSON files.

- ``default`` config: each row is a Document, field by field (as ``dateline corpus export
  --format parquet`` writes them); nulls stand for absent fields and a ``published`` date is
  written as ``YYYY-MM-DD``. The rows keep their own layer provenance unless a
  :class:`Provenance` is given.
- ``tokens`` config: ``tokens`` and a tag column (``ner_tags``; tag ids named by the column's
  ``ClassLabel``, or tag strings) in IOB1, IOB2 or BIOES. The text: tokens placed at their
  ``token_starts`` when the rows have them (gaps filled with spaces), else joined by single
  spaces (``meta.text_rule``). Ids: the ``id`` column, else the split and row number.

The config is found from the columns (``text`` and ``layers``: default; ``tokens``: tokens)
unless ``config`` names it. Splits are read in the order train, validation, test, then others.
"""

from __future__ import annotations

import datetime
import os
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from dateline.convert.common import Draft, Provenance, Report, finish
from dateline.convert.labelmap import LabelMap
from dateline.convert.tags import TEXT_RULE, chunk_mentions
from dateline.schemas import LAYERS, DatelineError, Document, check_document

__all__ = ["read_hf", "row_document"]

PLACED = "tokens placed at their token_starts, gaps filled with spaces"
ORDER = ("train", "validation", "test")


def _clean(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_clean(v) for v in value]
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def row_document(row: dict[str, Any], where: str) -> Document:
    """The Document of one ``default``-config row (nulls dropped, dates as ISO strings).

    >>> row_document({"id": "a", "text": "Hi", "meta": {"published": datetime.date(2020, 1, 2),
    ...               "title": None}, "entities": []}, "row 1").meta.published
    '2020-01-02'
    """
    try:
        return Document.model_validate(_clean(row))
    except ValidationError as exc:
        first = exc.errors()[0]
        path = "$" + "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in first["loc"])
        raise DatelineError("convert-malformed", f"not a Document at {path}: {first['msg']}",
                            where=where, fix="give rows of the default config (Documents)") \
            from exc


def _load(inputs: Sequence[str | os.PathLike[str]], config: str | None,
          cache: str) -> list[tuple[str, Any]]:
    try:
        import datasets
    except ImportError as exc:
        raise DatelineError("missing-dependency", "the datasets package is not installed",
                            fix="pip install 'dateline[corpus]'", exit_code=2) from exc
    shown = datasets.is_progress_bar_enabled()
    datasets.disable_progress_bars()  # the conversion report says what was read
    try:
        return _load_all(datasets, inputs, config, cache)
    finally:
        if shown:
            datasets.enable_progress_bars()


def _load_all(datasets: Any, inputs: Sequence[str | os.PathLike[str]], config: str | None,
              cache: str) -> list[tuple[str, Any]]:
    out: list[tuple[str, Any]] = []
    files: dict[str, list[str]] = {"parquet": [], "json": []}
    for raw in inputs:
        p = Path(raw)
        if p.is_dir():
            try:
                loaded = datasets.load_dataset(str(p), config or "default", cache_dir=cache)
            except (datasets.exceptions.DatasetGenerationError, ValueError,
                    FileNotFoundError) as exc:
                raise DatelineError("convert-malformed", f"not a datasets folder "
                                    f"({type(exc).__name__}: {str(exc)[:120]})", where=str(p),
                                    fix="give a folder with a dataset card and data files, "
                                    "or the data files") from exc
            names = [s for s in ORDER if s in loaded] + sorted(set(loaded) - set(ORDER))
            out.extend((f"{p} {s}", loaded[s]) for s in names)
        elif p.is_file() and p.suffix in (".parquet", ".json", ".jsonl"):
            files["parquet" if p.suffix == ".parquet" else "json"].append(str(p))
        elif p.exists():
            raise DatelineError("convert-no-input", f"{p.name} is no .parquet, .json or "
                                ".jsonl file nor a dataset folder", where=str(p))
        else:
            raise DatelineError("no-such-file", f"{str(p)!r} does not exist", where=str(p),
                                exit_code=2)
    for builder, paths in files.items():
        for path in paths:
            try:
                out.append((path, datasets.load_dataset(builder, data_files=[path],
                                                        split="train", cache_dir=cache)))
            except (datasets.exceptions.DatasetGenerationError, ValueError) as exc:
                cause = exc.__cause__ or exc
                raise DatelineError("convert-malformed", f"not a {builder} file of rows "
                                    f"({type(cause).__name__}: {str(cause)[:120]})",
                                    where=path, fix="give Parquet, JSON or JSON Lines rows "
                                    "of the tokens or default config") from exc
    return out


def _tag_names(table: Any, column: str) -> list[str] | None:
    feature = getattr(table.features.get(column), "feature", None)
    return list(feature.names) if hasattr(feature, "names") else None


def _tokens_draft(row: dict[str, Any], names: list[str] | None, column: str, where: str,
                  labels: LabelMap, report: Report, kind: str | None) -> Draft:
    tokens, tags = row.get("tokens"), row.get(column)
    if not isinstance(tokens, list) or not isinstance(tags, list) or len(tokens) != len(tags) \
            or not all(isinstance(t, str) and t for t in tokens):
        raise DatelineError("convert-malformed", f"'tokens' (non-empty strings) and {column!r} "
                            "must be lists of one length", where=where,
                            fix="choose the tag column with --tags")
    tags = [names[t] if names is not None and isinstance(t, int) else str(t) for t in tags]
    starts = row.get("token_starts")
    if isinstance(starts, list) and len(starts) == len(tokens) and all(
            isinstance(s, int) for s in starts):
        pieces, pos = [], 0
        for start, token in zip(starts, tokens, strict=True):
            if start < pos:
                raise DatelineError("convert-malformed", f"token {token!r} starts at {start}, "
                                    "before the end of the token before it", where=where)
            pieces.append(" " * (start - pos) + token)
            pos = start + len(token)
        text, offsets, rule = "".join(pieces), [(s, s + len(t)) for s, t in
                                                 zip(starts, tokens, strict=True)], PLACED
    else:
        offsets, pos = [], 0
        for token in tokens:
            offsets.append((pos, pos + len(token)))
            pos += len(token) + 1
        text, rule = " ".join(tokens), TEXT_RULE
    mentions = chunk_mentions(tags, [where] * len(tags), text, offsets, labels, report, kind)
    return Draft(str(row.get("id") or where), text, where, entities=mentions,
                 meta={"text_rule": rule})


def read_hf(inputs: Sequence[str | os.PathLike[str]], *, labels: LabelMap | None = None,
            report: Report | None = None, provenance: Provenance | None = None,
            config: str | None = None, tags: str = "ner_tags",
            kind: str | None = None) -> list[Document]:
    """Documents of Hugging Face data (the module docstring gives the rules).

    >>> import json
    >>> path = Path(tempfile.mkdtemp()) / "rows.jsonl"
    >>> _ = path.write_text(json.dumps({"id": "r", "tokens": ["Bo", "ran"],
    ...                                 "ner_tags": ["B-PERSON", "O"]}) + "\\n")
    >>> doc, = read_hf([path])
    >>> doc.text, [(m.text, m.label) for m in doc.entities]
    ('Bo ran', [('Bo', 'PERSON')])
    """
    labels = labels or LabelMap()
    report = report if report is not None else Report("hf")
    drafts: list[Draft] = []
    docs: list[Document] = []
    with tempfile.TemporaryDirectory(prefix="dateline-hf-") as cache:
        for name, table in _load(inputs, config, cache):
            report.inputs.append(name)
            columns = set(table.column_names)
            layout = config or ("default" if {"text", "layers"} <= columns else "tokens")
            names = _tag_names(table, tags) if layout == "tokens" else None
            for i, row in enumerate(table):
                where = f"{name} row {i + 1}"
                if layout == "tokens":
                    drafts.append(_tokens_draft(row, names, tags, where, labels, report, kind))
                else:
                    docs.append(row_document(row, where))
    parts = ("coreference", "link") if kind else ("kind", "coreference", "link")
    out = finish(drafts, provenance or Provenance(), report, {"entities": parts}) \
        if drafts else []
    return out + _documents(docs, provenance, report)


def _documents(docs: list[Document], prov: Provenance | None, report: Report) -> list[Document]:
    out = []
    for doc in docs:
        if prov is not None:
            layers = {name: getattr(doc.layers, name) for name in LAYERS}
            doc = doc.model_copy(update={"layers": doc.layers.model_copy(update={
                name: info.model_copy(update={
                    "status": prov.status, "source": prov.source or info.source,
                    "annotators": prov.annotators or info.annotators,
                    "coverage": prov.coverage})
                for name, info in layers.items() if info.status != "absent"})})
        problems = check_document(doc)
        if problems:
            raise DatelineError("convert-invalid", f"the document fails validation at "
                                f"{problems[0].path}: [{problems[0].check}] "
                                f"{problems[0].message}", where=doc.id)
        for m in doc.entities:
            report.keep("entities", m.label)
        for e in doc.events:
            report.keep("events", e.type or "(untyped)")
        for q in doc.quotes:
            report.keep("quotes", q.kind)
        report.documents += 1
        out.append(doc)
    return out
