"""``dateline adjudicate [DIR] --policy majority|adjudicator``: the corpus annotation.

Merges the pulled annotations of each document by the stated policy and writes one stand-off
file per document to ``annotations/<doc id>.json`` of the corpus folder (the Document without
its text, anchored by the text's sha256), with provenance; the next corpus build applies it.
Conflicts (no majority) are listed for review, and a layer with conflicts is written with
``coverage: partial`` (scored for recall, never precision) until they are resolved. The texts
come from the built corpus, or from ``--documents FILE``. Writes are atomic; an unchanged
result leaves the file. ``--adjudicator`` takes an annotator's pseudonymous id or e-mail
address (turned into the id with the team key).

>>> import argparse
>>> p = argparse.ArgumentParser(); register(p.add_subparsers())
>>> args = p.parse_args(["adjudicate", "--policy", "adjudicator", "--adjudicator", "ann"])
>>> args.policy, args.adjudicator, args.out
('adjudicator', 'ann', None)
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from rich.console import Console

from dateline.schemas import DatelineError, atomic_write_text
from dateline.schemas.standoff import is_standoff, read_standoff, standoff_json, text_sha256
from dateline.studio.adjudicate import POLICIES, adjudicate, resolve_adjudicator
from dateline.studio.names import adjudicated_dir, annotations_dir
from dateline.studio.sync import document_texts, read_pulled

__all__ = ["register", "run"]


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add the ``adjudicate`` subcommand.

    >>> p = argparse.ArgumentParser(); register(p.add_subparsers())
    >>> args = p.parse_args(["adjudicate", "--policy", "majority"])
    >>> args.func is run, args.path, args.adjudicator, args.conflicts
    (True, None, None, None)
    """
    p = sub.add_parser("adjudicate", help="merge annotators into the corpus annotation",
                       description=__doc__.split("\n\n")[1] if __doc__ else None)
    p.add_argument("path", nargs="?", default=None,
                   help="pulled annotations (default: annotations/labelstudio in the corpus "
                   "folder)")
    p.add_argument("--policy", choices=POLICIES, required=True)
    p.add_argument("--adjudicator", help="annotator whose version wins (policy adjudicator): "
                   "a pseudonymous id or an e-mail address")
    p.add_argument("--out", default=None, help="where the corpus annotations go (default: "
                   "annotations in the corpus folder)")
    p.add_argument("--documents", nargs="+", default=[], metavar="FILE",
                   help="Document files holding the annotated texts (default: the built corpus)")
    p.add_argument("--conflicts", type=Path, help="also write the conflicts as JSON here")
    p.set_defaults(func=run, parser=p)


def run(args: argparse.Namespace) -> int:
    """Adjudicate every pulled document; return 0 (conflicts are reported, not errors).

    Two annotators who disagree on the extent of a name: no majority, two conflicts.

    >>> import tempfile
    >>> from pathlib import Path
    >>> from dateline.schemas import Document, write_jsonl
    >>> from dateline.studio.convert import tasks_documents
    >>> from dateline.studio.sync import write_pulled
    >>> def annotation(ls_id, who, end):
    ...     return {"id": ls_id, "completed_by": who, "result": [
    ...         {"id": "m1", "type": "labels", "from_name": "entity", "to_name": "text",
    ...          "value": {"start": 0, "end": end, "text": "Ann Lee"[:end],
    ...                    "labels": ["PERSON"]}}]}
    >>> task = {"id": 1, "data": {"text": "Ann Lee left.", "doc_id": "d"},
    ...         "annotations": [annotation(1, 1, 7),
    ...                         annotation(2, 2, 3)]}
    >>> folder = Path(tempfile.mkdtemp())
    >>> _ = write_pulled(tasks_documents([task]), folder / "pulled")
    >>> write_jsonl([Document(id="d", text="Ann Lee left.")], folder / "docs.jsonl")
    1
    >>> p = argparse.ArgumentParser(); register(p.add_subparsers())
    >>> run(p.parse_args(["adjudicate", str(folder / "pulled"), "--policy", "majority",
    ...                   "--out", str(folder / "adjudicated"),
    ...                   "--documents", str(folder / "docs.jsonl")]))
    conflict d entities: PERSON 'Ann Lee' [0, 7) — 1 of 2 (user-1)
    conflict d entities: PERSON 'Ann' [0, 3) — 1 of 2 (user-2)
    new 1, changed 0, unchanged 0, not adjudicated 0; 2 conflicts for review (1 document with
    layers of partial coverage until they are resolved)
    0
    >>> sorted(f.name for f in (folder / "adjudicated").iterdir())
    ['d.json']
    """
    console = Console(highlight=False, soft_wrap=True)
    if args.policy == "adjudicator" and not args.adjudicator:
        args.parser.error("--policy adjudicator needs --adjudicator NAME")
    counts = {"new": 0, "changed": 0, "unchanged": 0, "not adjudicated": 0}
    conflicts = []
    pulled = read_pulled(args.path or annotations_dir(), document_texts(args.documents),
                         required=True)
    adjudicator = resolve_adjudicator(args.adjudicator, pulled) if args.policy == "adjudicator" \
        else None
    partial = 0
    for doc_id, docs in sorted(pulled.items()):
        result = adjudicate(docs, policy=args.policy, adjudicator=adjudicator)
        conflicts.extend(result.conflicts)
        if result.doc is None:
            counts["not adjudicated"] += 1
            console.print(f"not adjudicated {doc_id}: {result.reason}", markup=False)
            continue
        partial += bool(result.partial_layers)
        path = Path(args.out or adjudicated_dir()) / f"{doc_id}.json"
        text = standoff_json(result.doc)
        if path.exists():
            if path.read_bytes() == text.encode("utf-8"):
                counts["unchanged"] += 1
                continue
            previous = read_standoff(path)
            if not is_standoff(previous) or previous.get("id") != doc_id:
                raise DatelineError("adjudicate-foreign-file", f"{path} exists and is no "
                                    f"stand-off annotation of {doc_id}; refusing to overwrite "
                                    "it", where=str(path), fix="move it, or pass --out")
            now = text_sha256(result.doc.text)
            if previous["text_sha256"] != now:
                raise DatelineError("annotation-text-changed", f"the file was made on a text "
                                    f"with sha256 {str(previous['text_sha256'])[:12]}…, the "
                                    f"pulled annotations on one with {now[:12]}…",
                                    where=str(path), fix="re-annotate the document on its "
                                    "current text, or move the old file away")
            counts["changed"] += 1
        else:
            counts["new"] += 1
        atomic_write_text(path, text)
    for c in conflicts:
        console.print(f"conflict {c}", markup=False)
    if args.conflicts:
        atomic_write_text(args.conflicts, json.dumps(
            [c.__dict__ for c in conflicts], ensure_ascii=False, indent=2) + "\n")
    n = len(conflicts)
    console.print(", ".join(f"{k} {v}" for k, v in counts.items())
                  + f"; {n} {'conflict' if n == 1 else 'conflicts'} for review"
                  + (f" ({partial} {'document' if partial == 1 else 'documents'} with layers "
                     "of partial coverage until they are resolved)" if partial else ""))
    return 0

