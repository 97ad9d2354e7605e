"""CoNLL-style files to Documents: ``token [POS chunk ...] tag`` per line.

- Columns are split on whitespace; the token is the first, the tag the last (``column``: its
  0-based index; negative counts from the end). Tags may be IOB1, IOB2 or BIOES
  (:mod:`dateline.convert.tags`); a blank line ends a sentence.
- Documents end at ``-DOCSTART-`` lines and at ``# id = NAME`` lines (the comment that
  ``dateline corpus export --format conll`` writes; it names the next document); without
  either, each file is one document, or every ``sentences_per_document`` sentences are (a
  file that marks its documents is never split further).
- Text: tokens joined by single spaces, sentences by ``\\n`` (``meta.text_rule``; sentence
  boundaries in ``meta.sentences``). Document ids: the ``# id`` name, else the file's stem
  and a number from 1 (the stem alone for one document per file).
- Mentions have ``kind: named`` only when ``kind="named"`` says so; otherwise the entity
  layer marks ``kind`` as not annotated. Coreference and links are never annotated.

>>> import tempfile
>>> path = Path(tempfile.mkdtemp()) / "news.conll"
>>> _ = path.write_text("-DOCSTART- -X- O O\\n\\nAnn NNP I-PER\\nLee NNP I-PER\\nran VBD O\\n")
>>> rep = Report("conll")
>>> doc, = read_conll([path], report=rep, labels=LabelMap.from_json(
...     {"entities": {"PER": "PERSON"}}))
>>> doc.id, doc.text, [(m.text, m.label) for m in doc.entities], rep.notes["chunks opened by I-"]
('news', 'Ann Lee ran', [('Ann Lee', 'PERSON')], 1)
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from dateline.convert.common import Draft, Provenance, Report, finish
from dateline.convert.labelmap import LabelMap
from dateline.convert.tags import TEXT_RULE, chunk_mentions, join_sentences
from dateline.convert.text import read_lines
from dateline.schemas import DatelineError, Document, Region

__all__ = ["read_conll"]


@dataclass
class _Doc:
    id: str | None
    where: str
    sentences: list[list[tuple[str, str, str]]] = field(default_factory=list)


def _parse(path: Path, column: int, per: int | None) -> list[_Doc]:
    docs: list[_Doc] = []
    sentence: list[tuple[str, str, str]] = []
    width: int | None = None
    marked = False  # the file marks its documents (-DOCSTART-, # id): no split per N

    def close_sentence() -> None:
        nonlocal sentence
        if sentence:
            if not docs or (per is not None and not marked and len(docs[-1].sentences) >= per):
                docs.append(_Doc(None, sentence[0][2]))
            docs[-1].sentences.append(sentence)
            sentence = []

    for lineno, line in read_lines(path):
        where = f"{path}:{lineno}"
        if line.startswith("# id = "):
            close_sentence()
            marked = True
            docs.append(_Doc(line[len("# id = "):].strip(), where))
            continue
        cols = line.split()
        if not cols:
            close_sentence()
            continue
        if cols[0] == "-DOCSTART-":
            close_sentence()
            marked = True
            docs.append(_Doc(None, where))
            continue
        if width is None:
            width = len(cols)
        if len(cols) != width or len(cols) < 2:
            raise DatelineError("convert-malformed", f"{len(cols)} column(s) where the file's "
                                f"first token line has {width} (at least 2: token and tag)",
                                where=where, fix="give every token line the same columns")
        try:
            tag = cols[column]
        except IndexError:
            raise DatelineError("bad-option", f"--column {column} is out of range for "
                                f"{len(cols)} columns", where=where, exit_code=2) from None
        sentence.append((cols[0], tag, where))
    close_sentence()
    return [d for d in docs if d.sentences or d.id is not None]


def read_conll(paths: Sequence[str | os.PathLike[str]], *, labels: LabelMap | None = None,
               report: Report | None = None, provenance: Provenance | None = None,
               column: int = -1, sentences_per_document: int | None = None,
               kind: str | None = None) -> list[Document]:
    """Documents of CoNLL-style files (the module docstring gives the rules); ``report``
    receives the counts.

    >>> import tempfile
    >>> path = Path(tempfile.mkdtemp()) / "a.tsv"
    >>> _ = path.write_text("Bo\\tS-PERSON\\nran\\tO\\n\\nYes\\tO\\n")
    >>> doc, = read_conll([path], kind="named")
    >>> doc.id, doc.text, doc.entities[0].kind
    ('a', 'Bo ran\\nYes', 'named')
    """
    labels = labels or LabelMap()
    report = report if report is not None else Report("conll")
    drafts: list[Draft] = []
    for raw in paths:
        path = Path(raw)
        report.inputs.append(str(path))
        parsed = _parse(path, column, sentences_per_document)
        for n, doc in enumerate(parsed, 1):
            tokens = [[t for t, _, _ in s] for s in doc.sentences]
            text, offsets, regions = join_sentences(tokens)
            tags = [g for s in doc.sentences for _, g, _ in s]
            wheres = [w for s in doc.sentences for _, _, w in s]
            mentions = chunk_mentions(tags, wheres, text, offsets, labels, report, kind)
            doc_id = doc.id or (path.stem if len(parsed) == 1 else f"{path.stem}-{n}")
            drafts.append(Draft(doc_id, text, doc.where, entities=mentions, meta={
                "text_rule": TEXT_RULE,
                "sentences": tuple(Region(start=a, end=b) for a, b in regions)}))
    parts = ("coreference", "link") if kind else ("kind", "coreference", "link")
    return finish(drafts, provenance or Provenance(), report, {"entities": parts})
