"""The corpus build: pinned sources → ``corpus/data/`` (never edited by hand), then checks.

Steps: read ``corpus/sources.lock`` and every source file through it; import GUM, MEANTIME and
the founding article; apply the annotation files of ``corpus/annotations/``
(:mod:`dateline.annotations`); check the documents against ``corpus/splits/*.txt``; write
``default/{split}-00000-of-00001.jsonl`` (one Document per line, sorted by id) and
``tokens/...`` (tokens with BIO tags) into a temporary folder beside ``corpus/data``
(:mod:`dateline.staging`); validate everything at level 4; run the coverage audit
(:mod:`dateline.audit`) and refuse an ``exhaustive`` layer above its threshold; check that
every licence is a known SPDX identifier; compare the sha256 of each built file with
``corpus/MANIFEST`` and refuse a difference unless ``update``; check the published folds; only
then swap the folder in as ``corpus/data`` and write MANIFEST, ``stats.json``, the card
(:mod:`dateline.card`: YAML, statistics, audit and licence tables) and new splits and folds.
A refused or interrupted build leaves the previous build and every committed file as they
were. No timestamps go into built files, so a second build is byte-identical.

>>> bio_names(("PERSON", "LOCATION"))
['O', 'B-PERSON', 'I-PERSON', 'B-LOCATION', 'I-LOCATION']
>>> bio_tags([(0, 3), (4, 7), (8, 9)], [(0, 7, "PERSON")])
['B-PERSON', 'I-PERSON', 'O']
"""

from __future__ import annotations

import json
import os
import time
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
    render_card,
    tokens_features,
)
from dateline.card_fields import example_section, fields_section
from dateline.fetch import read_lock
from dateline.folds import planned_folds
from dateline.location import seed_corpus, template_dir
from dateline.schemas import (
    DatelineError,
    Document,
    atomic_write_text,
    dumps,
    validate_paths,
)
from dateline.schemas.validate import SPLITS
from dateline.sources import ImportResult, SourceInfo, SourceReader, sha256_bytes
from dateline.staging import commit_build, recover_build, staged_data
from dateline.stats import bio_tags, named_core, ner_ready, render_stats_table, stats_for

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
    if not path.exists():
        raise DatelineError("lock-missing", f"no {path}", where=str(path),
                            fix="run `dateline corpus lock` to pin the sources")
    return {s.name: s.files for s in read_lock(path)}


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


def _check_splits(corpus: Path, expected: dict[str, str],
                  update: bool) -> tuple[dict[str, str], dict[Path, str]]:
    """The splits, and the split files to (re)write once every check has passed."""
    folder = corpus / "splits"
    files = {sp: folder / f"{sp}.txt" for sp in SPLITS}
    if update or not all(f.exists() for f in files.values()):
        return expected, {f: "".join(f"{d}\n" for d in sorted(d for d, s in expected.items()
                                                                 if s == sp))
                          for sp, f in files.items()}
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
    return found, {}


def _write_data(data: Path, docs_by_split: dict[str, list[Document]],
                tokens: dict[str, list[tuple[int, int]]]) -> dict[str, str]:
    """Write the built files into the (new, empty) folder ``data``; their sha256 by path."""
    written: dict[str, str] = {}
    for sp, docs in docs_by_split.items():
        lines = [dumps(d) + "\n" for d in docs]
        rows = []
        for d in docs:
            if not ner_ready(d):
                continue
            toks = tokens[d.id]
            starts, ends = {a for a, _ in toks}, {b for _, b in toks}
            for a, b, _ in named_core(d):
                if a not in starts or b not in ends:
                    raise DatelineError("token-misaligned", f"the named mention "
                                        f"{d.text[a:b]!r} [{a}, {b}) does not start and end on "
                                        "token boundaries", where=d.id,
                                        fix="correct the mention's offsets (or the tokenizer)")
            rows.append(json.dumps({"id": d.id, "tokens": [d.text[a:b] for a, b in toks],
                                    "token_starts": [a for a, _ in toks],
                                    "ner_tags": bio_tags(toks, named_core(d))},
                                   ensure_ascii=False, separators=(",", ":")) + "\n")
        for config, content in (("default", lines), ("tokens", rows)):
            name = DATA_FILES.format(config=config, split=sp)
            payload = "".join(content)
            atomic_write_text(data / name, payload)
            rel = "data/" + name
            written[rel] = sha256_bytes(payload.encode("utf-8"))
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

    ``step`` is called with the name of each step (for progress display). A missing or empty
    ``corpus`` folder first gets the committed corpus files (:func:`dateline.location.
    seed_corpus`: the card, ``sources.lock``, ``MANIFEST``, splits, annotations).

    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp()); _ = (folder / "notes.txt").write_text("mine")
    >>> build(folder, Path("/nonexistent/sources"))
    Traceback (most recent call last):
    ...
    dateline.schemas.errors.DatelineError: [card-missing] ...: not a corpus folder: it is not ...
    """
    t0 = time.perf_counter()
    corpus = Path(corpus)
    say = step or (lambda _: None)
    if seed_corpus(corpus):
        say(f"new corpus folder {corpus} (card, sources.lock, MANIFEST, splits, annotations "
            f"copied from {template_dir()})")
    version = card_version(corpus / "README.md")
    recover_build(corpus)  # finish a commit a hard kill interrupted; drop old temp folders
    reader = SourceReader(sources, lock=_read_lock(corpus))
    results = _import_all(reader, corpus, say)
    say("annotations (corpus/annotations)")
    annotated = apply_annotations([d for r in results.values() for d in r.documents],
                                  corpus / "annotations")
    for r in results.values():  # per source too: the card's statistics by source use them
        r.documents, annotated = annotated[:len(r.documents)], annotated[len(r.documents):]
    say("splits")
    splits, split_files = _check_splits(corpus, _expected_splits(results, reader), update)
    tokens = {k: v for r in results.values() for k, v in r.tokens.items()}
    all_docs = sorted((d for r in results.values() for d in r.documents), key=lambda d: d.id)
    ids = [d.id for d in all_docs]
    if len(set(ids)) != len(ids) or set(ids) != set(splits):
        missing = sorted(set(ids) ^ set(splits))[:5]
        raise DatelineError("splits-mismatch", f"documents and split lists differ: {missing}",
                            where=str(corpus / "splits"),
                            fix="run `dateline corpus build --update` to rewrite the splits")
    by_split = {sp: [d for d in all_docs if splits[d.id] == sp] for sp in SPLITS}
    with staged_data(corpus) as staged:  # nothing under corpus/ changes until every check passed
        say("writing data files")
        written = _write_data(staged, by_split, tokens)
        say("validating (level 4)")
        report = validate_paths([staged / "default"], level=4)
        if not report.valid:
            first = "; ".join(str(i) for i in report.incidents[:3])
            raise DatelineError("built-data-invalid", f"{len(report.incidents)} validation "
                                f"incidents, first: {first}", where=str(corpus / "data"),
                                fix="fix the importer that produced them")
        say("coverage audit and licences")
        result, committed = _checked_outputs(corpus, results, all_docs, by_split, tokens,
                                             written, version, update)
        committed.update(split_files)
        committed.update(planned_folds(corpus, all_docs, update=update))  # the cv folds
        say("statistics, card and MANIFEST")
        commit_build(corpus, staged, committed)
    result.seconds = time.perf_counter() - t0
    return result


def _checked_outputs(corpus: Path, results: dict[str, ImportResult], all_docs: list[Document],
                     by_split: dict[str, list[Document]],
                     tokens: dict[str, list[tuple[int, int]]], written: dict[str, str],
                     version: str, update: bool) -> tuple[BuildResult, dict[Path, str]]:
    """Run the audit, licence and MANIFEST checks; the result and the committed files' text."""
    infos = {i.name: i for i in _infos()}
    coverage = check_audit(audit({n: r.documents for n, r in results.items()}),
                           {n: i.audit_exemptions for n, i in infos.items()})
    licenses = card_licenses(all_docs)
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
    if changed and not update:
        diff = sorted(k for k in set(committed) | set(written)
                      if committed.get(k) != written.get(k))
        raise DatelineError("manifest-mismatch",
                            f"the built files differ from corpus/MANIFEST: {', '.join(diff)}",
                            where=str(manifest_path),
                            fix="if the change is deliberate, run `dateline corpus build "
                                "--update`, bump the version in corpus/README.md and note it "
                                "in corpus/CHANGELOG.md")
    sizes = {"default": {sp: len(by_split[sp]) for sp in SPLITS},
             "tokens": {sp: sum(ner_ready(d) for d in by_split[sp]) for sp in SPLITS}}
    evidence = {n: i.license_evidence for n, i in infos.items()}
    card = render_card(corpus / "README.md", version, sizes, licenses, {
        "stats": f"{markdown_table(render_stats_table(stats))}\n\n"
                 "Printed by `dateline corpus stats`.",
        "audit": audit_section(coverage),
        "licenses": markdown_table(license_rows(
            {n: sorted(r.documents, key=lambda d: d.id) for n, r in results.items()}, evidence)),
        "fields": fields_section(),
        "example": example_section(),
    })
    return BuildResult(stats, written, changed, 0.0), {
        manifest_path: "".join(f"{written[k]}  {k}\n" for k in sorted(written)),
        corpus / "stats.json": json.dumps(stats, indent=2, ensure_ascii=False) + "\n",
        corpus / "README.md": card}
