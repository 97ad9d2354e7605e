"""The corpus build: pinned sources → ``corpus/data/`` (never edited by hand), then checks.

Steps: read ``corpus/sources.lock`` and every source file through it; import GUM, MEANTIME and
the founding article; apply the annotation files of ``corpus/annotations/``
(:mod:`dateline.annotations`); check the documents against ``corpus/splits/*.txt``; write
``data/default/{split}-00000-of-00001.jsonl`` (one Document per line, sorted by id) and
``data/tokens/...`` (tokens with BIO tags); validate everything at level 4; run the coverage
audit (:mod:`dateline.audit`) and refuse an ``exhaustive`` layer above its threshold; check
that every licence is a known SPDX identifier; compare the sha256 of each built file with
``corpus/MANIFEST`` and refuse a difference unless ``update``; then write ``stats.json`` and
the card (:mod:`dateline.card`: YAML, statistics, audit and licence tables). No timestamps go
into built files, so a second build is byte-identical.

>>> bio_names(("PERSON", "LOCATION"))
['O', 'B-PERSON', 'I-PERSON', 'B-LOCATION', 'I-LOCATION']
>>> bio_tags([(0, 3), (4, 7), (8, 9)], [(0, 7, "PERSON")])
['B-PERSON', 'I-PERSON', 'O']
"""

from __future__ import annotations

import json
import os
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dateline.annotations import apply_annotations
from dateline.audit import SIGNALS, THRESHOLD, audit, check_audit
from dateline.card import (
    audit_section,
    bio_names,
    card_licenses,
    card_version,
    card_yaml,
    default_features,
    license_rows,
    markdown_table,
    tokens_features,
    write_card,
)
from dateline.folds import publish_folds
from dateline.schemas import (
    DatelineError,
    Document,
    atomic_write_text,
    dumps,
    inventory,
    validate_paths,
)
from dateline.schemas.validate import SPLITS
from dateline.sources import ImportResult, SourceInfo, SourceReader, sha256_bytes

__all__ = [
    "BuildResult",
    "bio_names",
    "bio_tags",
    "build",
    "card_version",
    "card_yaml",
    "default_features",
    "lock_sources",
    "render_stats_table",
    "stats_for",
    "tokens_features",
]

DATA_FILES = "{config}/{split}-00000-of-00001.jsonl"


def _infos() -> list[SourceInfo]:
    from dateline.sources import gum, meantime, seed

    return [gum.INFO, meantime.INFO, seed.INFO]


# --------------------------------------------------------------------------- statistics


def bio_tags(tokens: list[tuple[int, int]], spans: list[tuple[int, int, str]]) -> list[str]:
    """BIO tags of ``tokens`` for non-overlapping ``spans``; a token belongs to a span when it
    starts inside it.

    >>> bio_tags([(0, 3), (4, 6)], [(4, 6, "LOCATION")])
    ['O', 'B-LOCATION']
    """
    tags = ["O"] * len(tokens)
    for start, end, label in spans:
        inside = [i for i, (a, _) in enumerate(tokens) if start <= a < end]
        for k, i in enumerate(inside):
            tags[i] = f"{'B' if k == 0 else 'I'}-{label}"
    return tags


def _named_core(doc: Document) -> list[tuple[int, int, str]]:
    """Named mentions of the core labels; nested ones dropped (outermost wins)."""
    core = inventory().core_entity_labels
    cands = sorted((m.start, -m.end, m.label) for m in doc.entities
                    if m.kind == "named" and m.label in core)
    out: list[tuple[int, int, str]] = []
    for start, neg_end, label in cands:
        if out and start < out[-1][1]:
            continue
        out.append((start, -neg_end, label))
    return out


def _ner_ready(doc: Document) -> bool:
    """Documents fit for the tokens config: whole-text entity layer covering the core labels,
    with mention kinds (so 'named' is known)."""
    info = doc.layers.entities
    return (info.status != "absent" and info.regions is None
            and set(inventory().core_entity_labels) <= set(info.labels)
            and any(m.kind is not None for m in doc.entities))


def stats_for(docs: list[Document], tokens: dict[str, list[tuple[int, int]]]) -> dict[str, Any]:
    """Counts over some documents: documents, tokens, mentions by label and kind, clusters,
    quotes by kind, events.

    >>> stats_for([Document(id="d", text="Hi there")], {"d": [(0, 2), (3, 8)]})["tokens"]
    2
    """
    by_label: Counter[str] = Counter()
    by_kind: Counter[str] = Counter()
    quotes: Counter[str] = Counter()
    events: Counter[str] = Counter()
    statuses: Counter[str] = Counter()
    clusters = named_core = with_cue = with_speaker = 0
    for d in docs:
        for m in d.entities:
            by_label[m.label] += 1
            by_kind[m.kind or "null"] += 1
        named_core += len(_named_core(d))
        clusters += len({m.entity for m in d.entities if m.entity})
        for q in d.quotes:
            quotes[q.kind] += 1
            with_cue += q.cue is not None
            with_speaker += q.speaker is not None or q.speaker_span is not None
        for e in d.events:
            events[e.source_label or "null"] += 1
        for layer in ("entities", "events", "quotes"):
            statuses[f"{layer}:{getattr(d.layers, layer).status}"] += 1
    return {
        "documents": len(docs),
        "tokens": sum(len(tokens[d.id]) for d in docs),
        "mentions": {"total": sum(by_label.values()), "by_label": dict(sorted(by_label.items())),
                     "by_kind": dict(sorted(by_kind.items())),
                     "named_core_outermost": named_core},
        "clusters": clusters,
        "quotes": {"total": sum(quotes.values()), "by_kind": dict(sorted(quotes.items())),
                   "with_speaker": with_speaker, "with_cue": with_cue},
        "events": {"total": sum(events.values()),
                   "by_source_label": dict(sorted(events.items()))},
        "layer_statuses": dict(sorted(statuses.items())),
    }


def render_stats_table(stats: dict[str, Any]) -> list[list[str]]:
    """Rows (header first) of the statistics table printed by the build and put in the card.

    >>> render_stats_table({"by_split": {}, "by_source": {}, "total": stats_for([], {})})[1][:3]
    ['total', '0', '0']
    """
    head = ["part", "docs", "tokens", "mentions", "named core", "clusters", "quotes", "with cue",
            "events"]
    rows = [head]
    parts = [(k, v) for k, v in stats["by_split"].items()]
    parts += [(f"source: {k}", v) for k, v in stats["by_source"].items()]
    parts.append(("total", stats["total"]))
    for name, s in parts:
        rows.append([name, *(f"{n:,}" for n in (
            s["documents"], s["tokens"], s["mentions"]["total"],
            s["mentions"]["named_core_outermost"], s["clusters"], s["quotes"]["total"],
            s["quotes"]["with_cue"], s["events"]["total"]))])
    return rows


# --------------------------------------------------------------------------- the build


@dataclass
class BuildResult:
    """What a build produced: statistics, the importers' reports, built files, elapsed time.

    >>> BuildResult({}, {"data/x.jsonl": "9f86d0"}).manifest_changed
    False
    """

    stats: dict[str, Any]
    files: dict[str, str]  # path relative to corpus/ -> sha256
    manifest_changed: bool = False
    seconds: float = 0.0
    notes: list[str] = field(default_factory=list)


def _read_lock(corpus: Path) -> dict[str, dict[str, str]]:
    path = corpus / "sources.lock"
    try:
        data = json.loads(path.read_text("utf-8"))
    except FileNotFoundError as exc:
        raise DatelineError("lock-missing", f"no {path}", where=str(path),
                            fix="run `dateline corpus lock` to pin the sources") from exc
    except ValueError as exc:
        raise DatelineError("invalid-json", str(exc), where=str(path),
                            fix="restore corpus/sources.lock from git") from exc
    return {s["name"]: dict(s["files"]) for s in data["sources"]}


def _import_all(reader: SourceReader, corpus: Path,
                step: Callable[[str], None]) -> dict[str, ImportResult]:
    from dateline.sources.gum import import_gum
    from dateline.sources.meantime import import_meantime
    from dateline.sources.seed import import_seed

    out = {}
    step("GUM (news, interview)")
    out["gum"] = import_gum(reader)
    step("MEANTIME (English)")
    out["meantime"] = import_meantime(reader)
    step("founding article")
    out["seed"] = import_seed(reader, corpus / "annotations")
    return out


def lock_sources(corpus: Path, sources: Path) -> dict[str, Any]:
    """Pin every source file the importers read: write ``corpus/sources.lock``.

    >>> lock_sources(Path("/nonexistent/corpus"), Path("/nonexistent/sources"))
    Traceback (most recent call last):
    ...
    dateline.schemas.errors.DatelineError: [sources-missing] the sources folder /nonexistent/...
    """
    reader = SourceReader(sources, record=True)
    _expected_splits(_import_all(reader, corpus, lambda _: None), reader)
    lock = {
        "$comment": "Pinned sources of the corpus build: repository, commit, license and the "
                    "sha256 of every file read. Written by `dateline corpus lock`; the build "
                    "refuses a file whose hash differs.",
        "sources": [{"name": i.name, "repository": i.repository, "path": i.path,
                     "commit": i.commit,
                     "license": i.license, "files": dict(sorted(reader.hashes.get(i.name, {})
                                                                .items()))}
                    for i in _infos()],
    }
    atomic_write_text(corpus / "sources.lock", json.dumps(lock, indent=2) + "\n")
    return lock


def _expected_splits(results: dict[str, ImportResult], reader: SourceReader) -> dict[str, str]:
    from dateline.sources.gum import read_splits
    from dateline.sources.meantime import split_by_topic

    gum_official = read_splits(reader.read_text("gum", "splits.md"))
    out = {d.id: gum_official.get(d.id, "train") for d in results["gum"].documents}
    out.update(split_by_topic(results["meantime"].report["topics"]))
    out.update({d.id: "test" for d in results["seed"].documents})
    return out


def _check_splits(corpus: Path, expected: dict[str, str], update: bool) -> dict[str, str]:
    folder = corpus / "splits"
    files = {sp: folder / f"{sp}.txt" for sp in SPLITS}
    if update or not all(f.exists() for f in files.values()):
        for sp, f in files.items():
            ids = sorted(d for d, s in expected.items() if s == sp)
            atomic_write_text(f, "".join(f"{d}\n" for d in ids))
        return expected
    found: dict[str, str] = {}
    for sp, f in files.items():
        for n, line in enumerate(f.read_text("utf-8").splitlines(), start=1):
            if not line.strip():
                continue
            if line in found:
                raise DatelineError("split-overlap", f"{line} is listed in {found[line]} and "
                                    f"{sp}", where=f"{f}:{n}", fix="keep one line per document")
            found[line] = sp
    if found != expected:
        diff = sorted(set(found.items()) ^ set(expected.items()))[:5]
        raise DatelineError("splits-changed", f"corpus/splits/*.txt differ from the splits the "
                            f"sources give, e.g. {diff}", where=str(folder),
                            fix="run `dateline corpus build --update` to accept the new splits")
    return found


def _write_data(corpus: Path, docs_by_split: dict[str, list[Document]],
                tokens: dict[str, list[tuple[int, int]]]) -> dict[str, str]:
    data = corpus / "data"
    written: dict[str, str] = {}
    for sp, docs in docs_by_split.items():
        lines = [dumps(d) + "\n" for d in docs]
        rows = []
        for d in docs:
            if not _ner_ready(d):
                continue
            toks = tokens[d.id]
            starts, ends = {a for a, _ in toks}, {b for _, b in toks}
            for a, b, _ in _named_core(d):
                if a not in starts or b not in ends:
                    raise DatelineError("token-misaligned", f"the named mention "
                                        f"{d.text[a:b]!r} [{a}, {b}) does not start and end on "
                                        "token boundaries", where=d.id,
                                        fix="correct the mention's offsets (or the tokenizer)")
            rows.append(json.dumps({"id": d.id, "tokens": [d.text[a:b] for a, b in toks],
                                    "token_starts": [a for a, _ in toks],
                                    "ner_tags": bio_tags(toks, _named_core(d))},
                                   ensure_ascii=False, separators=(",", ":")) + "\n")
        for config, content in (("default", lines), ("tokens", rows)):
            rel = "data/" + DATA_FILES.format(config=config, split=sp)
            payload = "".join(content)
            atomic_write_text(corpus / rel, payload)
            written[rel] = sha256_bytes(payload.encode("utf-8"))
    for config in ("default", "tokens"):  # stale files from another layout would be loaded too
        for f in (data / config).glob("*"):
            if f.relative_to(corpus).as_posix() not in written:
                f.unlink()
    return written


def _read_manifest(path: Path) -> dict[str, str]:
    if not path.exists():
        return {}
    out = {}
    for line in path.read_text("utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            digest, _, rel = line.partition("  ")
            out[rel] = digest
    return out


def build(corpus: str | os.PathLike[str], sources: str | os.PathLike[str], *,
          update: bool = False, step: Callable[[str], None] | None = None) -> BuildResult:
    """Build the corpus from ``sources`` into ``corpus/data``; raise DatelineError on any error.

    ``step`` is called with the name of each step (for progress display).

    >>> build(Path("/nonexistent/corpus"), Path("/nonexistent/sources"))
    Traceback (most recent call last):
    ...
    dateline.schemas.errors.DatelineError: [card-missing] /nonexistent/corpus/README.md: ...
    """
    t0 = time.perf_counter()
    corpus = Path(corpus)
    say = step or (lambda _: None)
    version = card_version(corpus / "README.md")
    reader = SourceReader(sources, lock=_read_lock(corpus))
    results = _import_all(reader, corpus, say)
    say("annotations (corpus/annotations)")
    annotated = apply_annotations([d for r in results.values() for d in r.documents],
                                  corpus / "annotations")
    for r in results.values():  # per source too: the card's statistics by source use them
        r.documents, annotated = annotated[:len(r.documents)], annotated[len(r.documents):]
    say("splits")
    splits = _check_splits(corpus, _expected_splits(results, reader), update)
    tokens = {k: v for r in results.values() for k, v in r.tokens.items()}
    all_docs = sorted((d for r in results.values() for d in r.documents), key=lambda d: d.id)
    ids = [d.id for d in all_docs]
    if len(set(ids)) != len(ids) or set(ids) != set(splits):
        missing = sorted(set(ids) ^ set(splits))[:5]
        raise DatelineError("splits-mismatch", f"documents and split lists differ: {missing}",
                            where=str(corpus / "splits"),
                            fix="run `dateline corpus build --update` to rewrite the splits")
    by_split = {sp: [d for d in all_docs if splits[d.id] == sp] for sp in SPLITS}
    say("writing data files")
    written = _write_data(corpus, by_split, tokens)
    say("validating (level 4)")
    report = validate_paths([corpus / "data" / "default"], level=4)
    if not report.valid:
        first = "; ".join(str(i) for i in report.incidents[:3])
        raise DatelineError("built-data-invalid", f"{len(report.incidents)} validation "
                            f"incidents, first: {first}", where=str(corpus / "data"),
                            fix="fix the importer that produced them")
    say("coverage audit and licences")
    infos = {i.name: i for i in _infos()}
    coverage = check_audit(audit({n: r.documents for n, r in results.items()}),
                           {n: i.audit_exemptions for n, i in infos.items()})
    licenses = card_licenses(all_docs)
    say("statistics, card and MANIFEST")
    stats = {
        "corpus_version": version,
        "total": stats_for(all_docs, tokens),
        "by_split": {sp: stats_for(by_split[sp], tokens) for sp in SPLITS},
        "by_source": {name: stats_for(sorted(r.documents, key=lambda d: d.id), tokens)
                      for name, r in results.items()},
        "build_report": {"gum": results["gum"].report,
                         "meantime": results["meantime"].report["counts"]},
        "coverage_audit": {"threshold": THRESHOLD, "signals": SIGNALS, "sources": coverage},
    }
    manifest_path = corpus / "MANIFEST"
    committed = _read_manifest(manifest_path)
    changed = committed != written
    result = BuildResult(stats, written, changed, 0.0)
    if changed and not update:
        diff = sorted(k for k in set(committed) | set(written)
                      if committed.get(k) != written.get(k))
        raise DatelineError("manifest-mismatch",
                            f"the built files differ from corpus/MANIFEST: {', '.join(diff)}",
                            where=str(manifest_path),
                            fix="if the change is deliberate, run `dateline corpus build "
                                "--update`, bump the version in corpus/README.md and note it "
                                "in corpus/CHANGELOG.md")
    publish_folds(corpus, all_docs, update=update)  # the cross-validation folds
    atomic_write_text(manifest_path, "".join(f"{written[k]}  {k}\n" for k in sorted(written)))
    atomic_write_text(corpus / "stats.json",
                      json.dumps(stats, indent=2, ensure_ascii=False) + "\n")
    sizes = {"default": {sp: len(by_split[sp]) for sp in SPLITS},
             "tokens": {sp: sum(_ner_ready(d) for d in by_split[sp]) for sp in SPLITS}}
    evidence = {n: i.license_evidence for n, i in infos.items()}
    write_card(corpus / "README.md", version, sizes, licenses, {
        "stats": f"{markdown_table(render_stats_table(stats))}\n\n"
                 "Printed by `dateline corpus stats`.",
        "audit": audit_section(coverage),
        "licenses": markdown_table(license_rows(
            {n: sorted(r.documents, key=lambda d: d.id) for n, r in results.items()}, evidence)),
    })
    result.seconds = time.perf_counter() - t0
    return result

