"""The dataset card ``corpus/README.md``: its YAML front matter and its generated sections.

The YAML (features of both configs, split sizes, the version, the licences) and the parts of
the body between ``<!-- NAME:start ... -->`` and ``<!-- NAME:end -->`` are written by
``dateline corpus build``; the rest of the body is prose kept by hand. Licences are SPDX
identifiers in the documents (``meta.license`` for the text, ``meta.annotation_license``);
the card's ``license:`` lists the Hugging Face identifier of each one present (:data:`LICENSES`).

>>> bio_names(("PERSON", "LOCATION"))
['O', 'B-PERSON', 'I-PERSON', 'B-LOCATION', 'I-LOCATION']
>>> replace_section("a\\n" + section("x", "old") + "\\nb", "x", "new").splitlines()[3]
'new'
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from dateline.audit import SIGNALS, THRESHOLD
from dateline.schemas import DatelineError, Document, atomic_write_text, inventory
from dateline.schemas.model import LAYERS
from dateline.schemas.validate import SPLITS

__all__ = [
    "LICENSES",
    "audit_section",
    "bio_names",
    "card_licenses",
    "card_version",
    "card_yaml",
    "default_features",
    "license_rows",
    "markdown_table",
    "render_audit_table",
    "render_card",
    "replace_section",
    "section",
    "tokens_features",
    "write_card",
]

LICENSES: dict[str, tuple[str, str]] = {
    "CC-BY-2.5": ("cc-by-2.5", "Creative Commons Attribution 2.5 Generic"),
    "CC-BY-4.0": ("cc-by-4.0", "Creative Commons Attribution 4.0 International"),
    "NOASSERTION": ("unknown", "no licence stated (SPDX NOASSERTION)"),
}
"""The SPDX identifiers a document may carry: SPDX id -> (Hugging Face card id, name)."""


def bio_names(labels: Iterable[str] | None = None) -> list[str]:
    """BIO tag names generated from ``core_entity_labels`` of ``labels.json``.

    >>> bio_names()[:3], len(bio_names())
    (['O', 'B-PERSON', 'I-PERSON'], 7)
    """
    core = tuple(labels) if labels is not None else inventory().core_entity_labels
    return ["O", *(f"{p}-{lab}" for lab in core for p in "BI")]


def default_features() -> Any:
    """The ``datasets.Features`` of the ``default`` config: the Document model, field by field.

    >>> sorted(default_features()["meta"])[:3]
    ['annotation_license', 'attribution', 'collection']
    """
    from datasets import Features, List, Value

    s, i = Value("string"), Value("int32")
    span = {"start": i, "end": i, "text": s}
    layer = {"status": s, "source": s, "annotators": List(s), "guidelines": s,
             "labels": List(s), "regions": List({"start": i, "end": i}),
             "coverage": s, "not_annotated": List(s)}
    attributes = {name: s for name in inventory().event_attributes}
    return Features({
        "id": s,
        "text": s,
        # published is a date: as a string, pyarrow's JSON reader would infer a timestamp and
        # `datasets` would give "2015-09-01 00:00:00"; as date32 it gives datetime.date.
        "meta": {k: Value("date32") if k == "published" else s
                 for k in ("title", "publisher", "url", "published", "language", "genre",
                           "collection", "license", "annotation_license", "attribution")},
        "entities": List({"id": s, "start": i, "end": i, "text": s, "label": s, "kind": s,
                          "entity": s, "link": s, "source_label": s}),
        "events": List({"id": s, "trigger": dict(span), "type": s,
                        "arguments": List({"role": s, "mention": s, "span": dict(span)}),
                        "attributes": attributes, "source_label": s}),
        "quotes": List({"id": s, "content": List(dict(span)), "cue": dict(span), "speaker": s,
                        "speaker_span": dict(span), "kind": s}),
        "layers": {name: dict(layer) for name in LAYERS},
    })


def tokens_features() -> Any:
    """The ``datasets.Features`` of the ``tokens`` config (BIO tags as a ClassLabel sequence).

    >>> tokens_features()["ner_tags"].feature.names[:2]
    ['O', 'B-PERSON']
    """
    from datasets import ClassLabel, Features, List, Value

    return Features({"id": Value("string"), "tokens": List(Value("string")),
                     "token_starts": List(Value("int32")),
                     "ner_tags": List(ClassLabel(names=bio_names()))})


def card_licenses(docs: Iterable[Document]) -> list[str]:
    """The card ids of every text and annotation licence of ``docs``, sorted; a licence that
    is no identifier of :data:`LICENSES` is a coded error.

    >>> from dateline.schemas import Document, Meta
    >>> card_licenses([Document(id="d", text="x", meta=Meta(license="CC-BY-2.5",
    ...                                                     annotation_license="CC-BY-4.0"))])
    ['cc-by-2.5', 'cc-by-4.0']
    """
    found: set[str] = set()
    for d in docs:
        for key in ("license", "annotation_license"):
            value = getattr(d.meta, key)
            if value not in LICENSES:
                raise DatelineError("license-unknown", f"meta.{key} is {value!r}, not one of "
                                    f"the SPDX identifiers {', '.join(LICENSES)}",
                                    where=f"{d.id} $.meta.{key}",
                                    fix="set the SPDX identifier in the source's importer "
                                        "(SourceInfo), or add it to dateline.card.LICENSES")
            found.add(LICENSES[value][0])
    return sorted(found)


def card_yaml(version: str, sizes: dict[str, dict[str, int]],
              licenses: Iterable[str] = ("cc-by-4.0",)) -> str:
    """The card's YAML front matter (without the ``---`` lines).

    >>> sizes = {c: dict.fromkeys(SPLITS, 1) for c in ("default", "tokens")}
    >>> card_yaml("1.0.0", sizes, ["cc-by-2.5", "cc-by-4.0"]).split("\\n")[9:12]
    ['license:', '- cc-by-2.5', '- cc-by-4.0']
    """
    import yaml

    configs, infos = [], []
    for config, feats in (("default", default_features()), ("tokens", tokens_features())):
        entry: dict[str, Any] = {"config_name": config}
        if config == "default":
            entry["default"] = True
        entry["version"] = version
        entry["data_files"] = [{"split": sp, "path": f"data/{config}/{sp}-*.jsonl"}
                               for sp in SPLITS]
        configs.append(entry)
        infos.append({"config_name": config, "features": feats._to_yaml_list(),
                      "splits": [{"name": sp, "num_bytes": 0,
                                  "num_examples": sizes[config][sp]} for sp in SPLITS]})
    head = {
        "pretty_name": "dateline: English news with entities, events and quotes",
        "language": ["en"],
        "language_creators": ["found"],
        "annotations_creators": ["expert-generated"],
        "multilinguality": ["monolingual"],
        "license": list(licenses),
        "task_categories": ["token-classification"],
        "task_ids": ["named-entity-recognition"],
        "tags": ["news", "coreference", "quotation-attribution", "event-detection"],
        "size_categories": ["n<1K"],
        "configs": configs,
        "dataset_info": infos,
    }
    out: str = yaml.safe_dump(head, sort_keys=False, allow_unicode=True, width=100)
    return out


def license_rows(docs_by_source: Mapping[str, Iterable[Document]],
                 evidence: Mapping[str, str]) -> list[list[str]]:
    """Rows (header first) of the card's licence table: per source and pair of licences, the
    number of documents and where the licences are stated (``evidence``).

    >>> from dateline.schemas import Document, Meta
    >>> doc = Document(id="d", text="x", meta=Meta(license="CC-BY-2.5",
    ...                                            annotation_license="CC-BY-4.0"))
    >>> license_rows({"gum": [doc]}, {"gum": "LICENSE.txt"})[1]
    ['gum', '1', '`CC-BY-2.5`', '`CC-BY-4.0`', 'LICENSE.txt']
    """
    rows = [["source", "documents", "text", "annotations", "where the licences are stated"]]
    for source, docs in docs_by_source.items():
        pairs = Counter((d.meta.license, d.meta.annotation_license) for d in docs)
        for (text, ann), n in sorted(pairs.items(), key=lambda x: (str(x[0][0]), str(x[0][1]))):
            rows.append([source, f"{n:,}", f"`{text}`", f"`{ann}`", evidence.get(source, "")])
    return rows


def markdown_table(rows: list[list[str]]) -> str:
    """A Markdown table of ``rows`` (header first).

    >>> print(markdown_table([["a", "b"], ["1", "2"]]))
    | a | b |
    |---|---|
    | 1 | 2 |
    """
    lines = ["| " + " | ".join(rows[0]) + " |", "|" + "---|" * len(rows[0])]
    lines += ["| " + " | ".join(r) + " |" for r in rows[1:]]
    return "\n".join(lines)


def render_audit_table(report: dict[str, Any]) -> list[list[str]]:
    """Rows (header first) of the audit table printed by the build and put in the card.

    >>> render_audit_table({"s": {"quotes": {"partial": {"documents": 2, "candidates": 4,
    ...     "missed": 1, "rate": 0.25, "verdict": "not gated (partial)"}}}})[1]
    ['s', 'quotes', 'partial', '2', '4', '1', '25.0%', 'not gated (partial)']
    """
    rows = [["source", "layer", "coverage", "docs", "candidates", "missed", "rate", "verdict"]]
    for source, layers in report.items():
        for layer in LAYERS:
            for coverage, fig in layers.get(layer, {}).items():
                rate = fig.get("rate")
                rows.append([source, layer, coverage, f"{fig['documents']:,}",
                             f"{fig['candidates']:,}", f"{fig['missed']:,}",
                             "–" if rate is None else f"{rate:.1%}", fig.get("verdict", "")])
    return rows


def audit_section(report: dict[str, Any]) -> str:
    """The card's audit section: the table, where signals and threshold are defined, and the
    exemptions with their reasons.

    >>> print(audit_section({"s": {"events": {"exhaustive": {"documents": 1, "candidates": 4,
    ...     "missed": 1, "rate": 0.25, "verdict": "exempt", "exemption": "checked"}}}}))
    ... # doctest: +ELLIPSIS
    | source | layer | coverage | docs | candidates | missed | rate | verdict |
    ...
    - s events: checked
    """
    signals_text = "; ".join(f"{layer}: {text}" for layer, text in SIGNALS.items())
    notes = [f"- {source} {layer}: {fig['exemption']}"
             for source, layers in report.items() for layer, groups in layers.items()
             for fig in groups.values() if fig.get("exemption")]
    text = (f"{markdown_table(render_audit_table(report))}\n\nSignals ({signals_text}) and "
            f"the threshold ({THRESHOLD:.0%}) are defined in `dateline/audit.py`; the details "
            "(pronouns, sentences) are in `stats.json`.")
    if notes:
        text += "\n\nExemptions named by the importers:\n\n" + "\n".join(notes)
    return text


def section(name: str, content: str) -> str:
    """A generated section of the card: ``content`` between the start and end markers.

    >>> section("stats", "x").splitlines()[0]
    '<!-- stats:start (generated by `dateline corpus build`; do not edit) -->'
    """
    return (f"<!-- {name}:start (generated by `dateline corpus build`; do not edit) -->\n\n"
            f"{content}\n\n<!-- {name}:end -->")


def replace_section(body: str, name: str, content: str) -> str:
    """``body`` with the generated section ``name`` replaced by ``content`` (unchanged when
    the body has no such section).

    >>> replace_section("no sections here", "x", "new")
    'no sections here'
    """
    start = re.search(rf"<!-- {re.escape(name)}:start [^\n]*-->", body)
    end_mark = f"<!-- {name}:end -->"
    if start is None or end_mark not in body[start.end():]:
        return body
    end = body.index(end_mark, start.end()) + len(end_mark)
    return body[:start.start()] + section(name, content) + body[end:]


def _split_card(text: str, path: Path) -> tuple[dict[str, Any], str]:
    import yaml

    m = re.match(r"---\n(.*?)\n---\n", text, re.S)
    if m is None:
        raise DatelineError("card-malformed", "the card has no YAML front matter between "
                            "'---' lines", where=str(path), fix="restore corpus/README.md")
    data = yaml.safe_load(m.group(1)) or {}
    return data, text[m.end():]


def card_version(card: Path) -> str:
    """The corpus version: ``configs[].version`` of the card (the one place it is written).

    >>> import pathlib, tempfile
    >>> card = pathlib.Path(tempfile.mkdtemp()) / "README.md"
    >>> _ = card.write_text("---\\nconfigs:\\n- version: 1.2.3\\n---\\n# card\\n")
    >>> card_version(card)
    '1.2.3'
    """
    try:
        text = card.read_text("utf-8")
    except OSError as exc:
        raise DatelineError("card-missing", f"cannot read {card}", where=str(card),
                            fix="restore corpus/README.md from git") from exc
    data, _ = _split_card(text, card)
    versions = {str(c.get("version")) for c in data.get("configs", [])}
    if len(versions) != 1 or not re.fullmatch(r"\d+\.\d+\.\d+", next(iter(versions))):
        raise DatelineError("card-version", f"configs[].version must be one X.Y.Z shared by all "
                            f"configs, found {sorted(versions)}", where=str(card),
                            fix="write the same version in every config of the card")
    return next(iter(versions))


def write_card(card: Path, version: str, sizes: dict[str, dict[str, int]],
               licenses: Iterable[str], sections: Mapping[str, str]) -> None:
    """Rewrite the card's YAML and its generated ``sections`` (name -> Markdown); the prose
    stays as it is.

    >>> import pathlib, tempfile
    >>> card = pathlib.Path(tempfile.mkdtemp()) / "README.md"
    >>> _ = card.write_text("---\\nx: 1\\n---\\n# Card\\n" + section("stats", "old") + "\\n")
    >>> sizes = {c: dict.fromkeys(SPLITS, 0) for c in ("default", "tokens")}
    >>> write_card(card, "1.0.0", sizes, ["cc-by-4.0"], {"stats": "new"})
    >>> "new" in card.read_text() and "old" not in card.read_text()
    True
    """
    atomic_write_text(card, render_card(card, version, sizes, licenses, sections))


def render_card(card: Path, version: str, sizes: dict[str, dict[str, int]],
                licenses: Iterable[str], sections: Mapping[str, str]) -> str:
    """The text :func:`write_card` writes (the card is read, not written).

    >>> import pathlib, tempfile
    >>> card = pathlib.Path(tempfile.mkdtemp()) / "README.md"
    >>> _ = card.write_text("---\\nx: 1\\n---\\n# Card\\n" + section("stats", "old") + "\\n")
    >>> sizes = {c: dict.fromkeys(SPLITS, 0) for c in ("default", "tokens")}
    >>> text = render_card(card, "1.0.0", sizes, ["cc-by-4.0"], {"stats": "new"})
    >>> "new" in text and "old" in card.read_text()
    True
    """
    _, body = _split_card(card.read_text("utf-8"), card)
    for name, content in sections.items():
        body = replace_section(body, name, content)
    return f"---\n{card_yaml(version, sizes, licenses)}---\n{body}"
