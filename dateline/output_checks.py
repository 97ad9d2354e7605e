"""Checking predictions before anything is written or scored: validator levels 1 to 3 on what
an extractor returned (``predict``, ``benchmark``) and on a file of predicted Documents
(``score``, ``compare``, ``report``).

A plug-in extractor that writes ``kind="pronominal"`` (the inventory says ``pronoun``), or a
quote with both ``speaker`` and ``speaker_span``, would otherwise be scored silently: the
mention of an unknown kind matches no gold kind filter, the quote's speaker is ambiguous. The
refusal (``invalid-predictions``, exit 1) gives a coded summary (how many incidents per check
id), the first incidents with their place (file and line, or document id, and the JSON path)
and how to see them all (``dateline validate FILE``); ``--no-validate`` skips the checks.

Level 1 of an extractor's output is its schema: each Document is written out and read back
(:func:`~dateline.schemas.jsonl.parse_document`), which is what ``predict`` writes and
``score`` reads; levels 2 and 3 are :func:`~dateline.schemas.check_document` (for a file,
through its fast path :func:`~dateline.schemas.fast_checks.check_fast`: the same incidents).

>>> from dateline.schemas import Document, LayerInfo, Layers, Mention
>>> bad = Document(id="d", text="He left.", entities=(
...     Mention(id="m1", start=0, end=2, text="He", label="PERSON", kind="pronominal"),),
...     layers=Layers(entities=LayerInfo(status="silver", labels=("PERSON",))))
>>> [i.check for i in output_incidents([bad], "plug")]
['unknown-mention-kind']
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from dateline.schemas import DatelineError, Incident, check_document, dumps
from dateline.schemas.fast_checks import check_fast
from dateline.schemas.jsonl import parse_document
from dateline.schemas.labels import inventory
from dateline.schemas.validate import validate_paths

if TYPE_CHECKING:  # annotations only: scoring reads the fast structs, without pydantic
    from dateline.schemas.model import Document

__all__ = ["LEVEL", "SHOWN", "file_incidents", "output_incidents", "read_incidents",
           "refuse_invalid", "summary"]

LEVEL = 3  # the highest per-document level: 4 is collection-wide (splits), not a prediction's
SHOWN = 5  # incidents quoted in a refusal


def output_incidents(docs: Iterable[Document], source: str) -> list[Incident]:
    """Every level 1-3 incident of an extractor's output (``source`` names the extractor;
    the incidents carry the document id and the JSON path).

    >>> from dateline.schemas import Document
    >>> output_incidents([Document(id="d", text="Hi.")], "quote-marks")
    []
    """
    from dateline.schemas.model import Document  # an extractor's output: the model itself

    out: list[Incident] = []
    for k, doc in enumerate(docs, start=1):
        if not isinstance(doc, Document):
            out.append(Incident(1, "invalid-value", f"the extractor returned a "
                                f"{type(doc).__name__}, not a Document", source, None,
                                None, f"$[{k - 1}]"))
            continue
        rec = parse_document(dumps(doc), file=source, line=None)
        found = [Incident(i.level, i.check, i.message, None, None, doc.id, i.path)
                 for i in rec.incidents]
        if rec.doc is not None:
            found += check_document(rec.doc, level=LEVEL)
        out.extend(found)
    return out


def file_incidents(docs: Sequence[Document], path: str) -> list[Incident]:
    """The level 2-3 incidents of Documents read from the JSON Lines file ``path`` (level 1
    stopped the reading already), placed at their line (one document per line).

    >>> from dateline.schemas import Document, LayerInfo, Layers, Quote, Span
    >>> q = Quote(id="q", kind="direct", speaker="m9",
    ...           content=(Span(start=0, end=3, text="Hi."),))
    >>> d = Document(id="d", text="Hi.", quotes=(q,),
    ...              layers=Layers(quotes=LayerInfo(status="silver", labels=("direct",))))
    >>> [i.location() for i in file_incidents([d], "p.jsonl")]
    ['p.jsonl:1 d $.quotes[0].speaker']
    """
    out: list[Incident] = []
    line_of = path.endswith(".jsonl")
    inv = inventory()
    for k, doc in enumerate(docs, start=1):
        for i in check_fast(doc, level=LEVEL, inv=inv):  # check_document's incidents
            out.append(Incident(i.level, i.check, i.message, path, k if line_of else None,
                                i.doc_id or doc.id, i.path))
    return out


def read_incidents(path: str) -> list[Incident]:
    """Every level 1-3 incident of a file (what ``dateline validate --level 3`` reports):
    used when reading stopped at a level-1 problem, so the refusal lists them all.

    >>> import pathlib, tempfile
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "p.jsonl"
    >>> _ = path.write_text('{"id": "a"}\\n{"id": "b"}\\n')
    >>> [(i.line, i.check) for i in read_incidents(str(path))]
    [(1, 'missing-field'), (2, 'missing-field')]
    """
    return validate_paths([path], level=LEVEL).incidents


def summary(incidents: Sequence[Incident]) -> str:
    """How many incidents per check id, the most frequent first.

    >>> summary([Incident(3, "speaker-conflict", "m"), Incident(3, "unknown-mention-kind", "m"),
    ...          Incident(3, "unknown-mention-kind", "m")])
    'unknown-mention-kind ×2, speaker-conflict ×1'
    """
    counts = Counter(i.check for i in incidents)
    return ", ".join(f"{check} ×{n}" for check, n in counts.most_common())


def refuse_invalid(incidents: Sequence[Incident], what: str, *, see: str,
                   shown: int = SHOWN) -> None:
    """Raise ``invalid-predictions`` when there are incidents: the summary, the first
    ``shown`` of them, and ``see`` (how to list them all); nothing when there are none.

    >>> refuse_invalid([], "pred.jsonl", see="dateline validate pred.jsonl")
    >>> refuse_invalid([Incident(3, "speaker-conflict", "both", "p.jsonl", 2, "d", "$.quotes[0]")],
    ...                "p.jsonl", see="`dateline validate p.jsonl` lists every incident")
    Traceback (most recent call last):
    ...
    dateline.schemas.errors.DatelineError: [invalid-predictions] p.jsonl: 1 validation \
incident(s): speaker-conflict ×1. Incidents: p.jsonl:2 d $.quotes[0]: [speaker-conflict] both. \
Fix: correct the extractor's output (the label inventory is schemas/labels.json); `dateline \
validate p.jsonl` lists every incident; or pass --no-validate to score it as it is.
    """
    if not incidents:
        return
    first = "; ".join(f"{i.location()}: [{i.check}] {i.message}" for i in incidents[:shown])
    more = f" (first {shown})" if len(incidents) > shown else ""
    raise DatelineError(
        "invalid-predictions",
        f"{len(incidents)} validation incident(s): {summary(incidents)}. Incidents{more}: "
        f"{first}", where=what,
        fix=f"correct the extractor's output (the label inventory is schemas/labels.json); "
            f"{see}; or pass --no-validate to score it as it is")
