"""The main job as a Python API: run extractors on gold Documents, score each once, compare.

:func:`benchmark` builds the corpus if needed, trains what needs training (or reuses the cached
models of this corpus version), runs every extractor on the chosen split (each sees only the
text), scores each on the tasks it predicts and compares them with intervals and significance
(:func:`dateline.evaluation.compare.comparison`). Every (system, task) is scored once; each
table cell's value and interval come from that one result.

A *task* is a registered layer (:mod:`dateline.evaluation.layers`) or the core named-entity
task (PERSON, ORGANIZATION, LOCATION mentions of kind ``named``, on the entity layer).

>>> [t.name for t in tasks()]
['entities', 'entities-core', 'events', 'quotes']
>>> core = get_task("entities-core")
>>> core.layer, core.options(("gold",)).kinds
('entities', ('named',))
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rich.console import Console

from dateline.baselines import (
    Extractor,
    available,
    get_extractor,
    gold_coverage,
    layers_of,
    tell_coverage,
)
from dateline.baselines.text import tokenize
from dateline.evaluation.compare import DEFAULT_SEED, comparison
from dateline.evaluation.layers import ScoreOptions, get_layer, layers
from dateline.evaluation.results import Result
from dateline.output_checks import output_incidents, refuse_invalid
from dateline.protocols import Protocol, check_extractor, parse_protocol, predict_under
from dateline.schemas import (
    DatelineError,
    Document,
    atomic_write_text,
    dumps,
    inventory,
    write_jsonl,
)
from dateline.schemas.io import make_dirs

__all__ = ["CORE", "Task", "benchmark", "get_task", "tasks"]

CORE = "entities-core"


@dataclass(frozen=True)
class Task:
    """What one benchmark table scores: a registered ``layer``, optionally filtered to entity
    ``labels`` and mention ``kinds``; ``title`` heads the table.

    >>> Task("people", "entities", "people", labels=("PERSON",)).options(("gold",)).labels
    ('PERSON',)
    """

    name: str
    layer: str
    title: str
    labels: tuple[str, ...] | None = None
    kinds: tuple[str, ...] | None = None

    def options(self, statuses: Sequence[str]) -> ScoreOptions:
        """The scoring options of this task under gold ``statuses``."""
        return ScoreOptions(tuple(statuses), self.labels, self.kinds)


def tasks() -> tuple[Task, ...]:
    """The benchmark's tasks: every registered layer, and the core task after entities.

    >>> tasks()[1].title
    'entities, core task (PERSON/ORGANIZATION/LOCATION, named)'
    """
    out = []
    for spec in layers():
        out.append(Task(spec.name, spec.name, spec.name))
        if spec.name == "entities":
            core = inventory().core_entity_labels
            out.append(Task(CORE, "entities", "entities, core task "
                            f"({'/'.join(core)}, named)", core, ("named",)))
    return tuple(out)


def get_task(name: str) -> Task:
    """One task by name (``unknown-layer`` for a name that is no task).

    >>> get_task("quotes").layer
    'quotes'
    >>> get_task("relations")
    Traceback (most recent call last):
    ...
    dateline.schemas.errors.DatelineError: [unknown-layer] no benchmark task 'relations'. ...
    """
    for t in tasks():
        if t.name == name:
            return t
    raise DatelineError("unknown-layer", f"no benchmark task {name!r}",
                        fix=f"use one of {', '.join(t.name for t in tasks())}", exit_code=2)


def _ensure_corpus(console: Console) -> str:
    """Build the corpus when it is not built; return its version."""
    from dateline import loading

    try:
        next(iter(loading.documents("test")), None)
    except DatelineError as err:
        if err.code != "corpus-not-built":
            raise
        from dateline.build import build

        console.print("building the corpus (dateline corpus build)")
        build(loading.default_corpus_dir(), loading.default_sources_dir(),
              step=lambda s: console.print(f"  {s}"))
    return loading.corpus_version()


def _make(item: str | Extractor, explicit: bool, report: dict[str, Any], console: Console,
          protocol: Protocol, settings: dict[str, Any]) -> Extractor | None:
    # An extractor object is used as it is; a name is looked up (made with its settings), and
    # one that cannot be installed here is skipped with the reason (unless the user named
    # it). Under the all protocol an extractor that trains on the corpus is refused when
    # named, else skipped.
    try:
        extractor = item if not isinstance(item, str) else get_extractor(item, **settings)
        check_extractor(protocol, extractor)
        return extractor
    except DatelineError as err:
        if explicit and err.code != "extractor-unavailable":
            raise
        name = item if isinstance(item, str) else item.name
        report["skipped"][name] = err.message
        console.print(f"skipped {name}: {err.message}")
        return None


def protocol_documents(protocol: Protocol, split: str) -> tuple[list[Document],
                                                                list[list[str]] | None]:
    """The corpus's gold documents under ``protocol`` (the split for ``test``, every split
    otherwise) and, for ``cv``, the folds (the published ones for the default number)."""
    from dateline import loading
    from dateline.folds import DEFAULT_FOLDS, FOLDS_FILE, check_folds, make_folds, read_folds
    if not protocol.whole_corpus:
        return list(loading.documents(split)), None
    gold = loading.all_documents()
    if protocol.name != "cv":
        return gold, None
    path = loading.default_corpus_dir() / "splits" / FOLDS_FILE
    if protocol.folds == DEFAULT_FOLDS and path.exists():
        folds = read_folds(path)
        check_folds(folds, gold, protocol.folds, str(path))
        return gold, folds
    return gold, make_folds(gold, protocol.folds)


def benchmark(extractors: Sequence[str | Extractor] | None = None, *, split: str = "test",
              protocol: Protocol | str = "test", folds: Sequence[Sequence[str]] | None = None,
              statuses: Sequence[str] = ("gold",), output_dir: str | Path = "out/benchmark",
              retrain: bool = False, console: Console | None = None,
              reference: str | None = None, resamples: int = 1000, trials: int = 10000,
              seed: int = DEFAULT_SEED, gold: Sequence[Document] | None = None,
              corpus_version: str | None = None, gold_name: str | None = None,
              validate: bool = True, settings: Mapping[str, Mapping[str, Any]] | None = None
              ) -> dict[str, Any]:
    """Run the benchmark and return the report (also written to ``output_dir/report.json``,
    with each extractor's predictions as ``<name>.jsonl``).

    Parameters
    ----------
    extractors
        Names (see ``dateline extractors``) or extractor objects; default: every available
        one.
    split, statuses
        The corpus split (protocol ``test``) and the gold layer statuses scored.
    protocol, folds
        ``test``, ``all`` or ``cv`` (:mod:`dateline.protocols`; a
        :class:`~dateline.protocols.Protocol` for another number of folds); ``folds``: the
        folds of ``gold`` under ``cv`` (default: the corpus's published folds, or made).
    gold, gold_name
        Gold Documents to use instead of the corpus (then nothing is built; under ``test`` a
        trainable extractor learns from the corpus's train split, under ``cv`` from folds of
        ``gold``), e.g. a converted dataset (``dateline convert``); ``gold_name`` names them
        in the report and tables. Each system is scored on the labels the gold layers
        declare only (coverage-aware scoring).
    settings
        Extractor name -> its settings (``--set NAME.KEY=VALUE``; checked against the
        extractor's parameters; they key the model cache).
    validate
        Check each extractor's output with the validator (levels 1-3) and refuse it
        (``invalid-predictions``) when it has incidents; the predictions are written first.
    reference, resamples, trials, seed
        The comparison's settings: each task's reference (what ``*`` tests against) is
        ``reference`` when it predicts the task's layer, else the task's reference point
        (``lexicon``, ``quote-marks``) when it ran, else none (intervals only, no test);
        never the first extractor by position.

    Returns
    -------
    dict
        ``corpus_version``, ``split``, ``documents``, ``tokens``, ``statuses``, ``extractors``
        (per name: version, origin, layers, timing, ``scores``: task -> the layer's JSON
        report), ``skipped`` and ``comparison`` (task -> the comparison report).

    >>> import tempfile
    >>> from dateline.schemas import LayerInfo, Layers, Quote, Span
    >>> q = Quote(id="q", kind="direct", content=(Span(start=11, end=18, text="We won."),))
    >>> g = Document(id="d", text='Ann said: "We won."', quotes=(q,),
    ...              layers=Layers(quotes=LayerInfo(status="gold")))
    >>> r = benchmark(["quote-marks"], gold=[g], output_dir=tempfile.mkdtemp(), resamples=10,
    ...               trials=10)
    >>> r["documents"], r["extractors"]["quote-marks"]["scores"]["quotes"]["scores"]["quote.f1"]
    (1, 1.0)
    """
    console = console or Console(stderr=True, quiet=True)
    proto = parse_protocol(protocol) if isinstance(protocol, str) else protocol
    digest = None
    if gold is None:
        from dateline import loading
        from dateline.manifest import manifest_hash

        corpus_version = _ensure_corpus(console)
        gold, published = protocol_documents(proto, split)
        folds = folds if folds is not None else published
        digest = manifest_hash(loading.default_corpus_dir())
    gold = list(gold)
    if digest is None:  # gold given: its signature names the documents' content
        digest = hashlib.sha256("\n".join(dumps(d) for d in gold).encode("utf-8")).hexdigest()
    infos = available()
    chosen: list[str | Extractor] = list(extractors) if extractors else list(infos)
    names = [x if isinstance(x, str) else x.name for x in chosen]
    settings = dict(settings or {})
    for name in settings:
        if name not in names:
            raise DatelineError("bad-setting", f"--set {name}.KEY=VALUE: {name!r} is not an "
                                "extractor of this run", fix=f"use one of {', '.join(names)}",
                                exit_code=2)
    if reference is not None and reference not in names:
        raise DatelineError("unknown-baseline", f"--reference {reference!r} is not an "
                            "extractor of this run", fix=f"use one of {', '.join(names)}",
                            exit_code=2)
    out = make_dirs(output_dir)
    report: dict[str, Any] = {
        "corpus_version": corpus_version, "gold": gold_name, "protocol": proto.label,
        "split": split if proto.name == "test" else "all", "documents": len(gold),
        "tokens": sum(len(tokenize(d.text)) for d in gold), "statuses": list(statuses),
        "extractors": {}, "skipped": {}}
    results: dict[str, dict[str, Result]] = {t.name: {} for t in tasks()}
    # A layer no gold document annotates (e.g. quotes of a converted NER dataset) is not scored.
    coverage = gold_coverage(gold, statuses)
    for item in chosen:
        # 1. Make the extractor.
        key = item if isinstance(item, str) else item.name
        extractor = _make(item, bool(extractors), report, console, proto,
                          dict(settings.get(key, {})))
        if extractor is None:
            continue
        name = extractor.name
        # An extractor that asks (a ``cover`` method) learns what the gold layers cover.
        tell_coverage(extractor, coverage)
        # 2-3. Train (or load) what the protocol lets it learn from, and predict every gold
        # document with layers stripped (under cv, each fold by a model that never saw it).
        started = time.perf_counter()
        preds, seconds, trained = predict_under(
            proto, extractor, gold, corpus_version=corpus_version, folds=folds,
            retrain=retrain, console=console, description=f"{name} on {report['split']}",
            settings=dict(settings[key]) if settings.get(key) else None)
        train_seconds = time.perf_counter() - started - seconds
        write_jsonl(preds, out / f"{name}.jsonl")
        if validate:  # a plug-in's mistakes are never scored silently
            refuse_invalid(output_incidents(preds, name), f"output of extractor {name!r}",
                           see=f"`dateline validate {out / (name + '.jsonl')}` lists every "
                               "incident")
        # 4. Score every task on a layer it predicts: once per (system, task).
        predicted = layers_of(extractor)
        entry: dict[str, Any] = {
            "version": extractor.version,
            "origin": infos[name].origin if name in infos else "",
            "reference": infos[name].reference if name in infos else False,
            "layers": list(predicted), "predict_seconds": round(seconds, 3),
            "tokens_per_second": round(report["tokens"] / seconds) if seconds > 0 else None,
            "train": trained, "prepare_seconds": round(train_seconds, 2), "scores": {}}
        for task in tasks():
            spec = get_layer(task.layer)
            if spec.data in predicted and coverage[spec.data].scored:
                r = spec.score(gold, preds, task.options(statuses))
                results[task.name][name] = r
                entry["scores"][task.name] = r.to_dict()
        report["extractors"][name] = entry
        console.print(f"{name}: {len(preds)} documents in {seconds:.2f} s")
    # 5. Compare the extractors of each task from those results.
    report["comparison"] = {}
    for task in tasks():
        systems = results[task.name]
        if not systems:
            continue
        names = list(systems)
        refs = [n for n in names if report["extractors"][n]["reference"]]
        base = reference if reference in names else (refs[0] if refs else None)
        report["comparison"][task.name] = comparison(
            {n: {task.layer: systems[n]} for n in names}, task.options(statuses), gold=gold,
            baseline={task.layer: base if len(names) > 1 else None}, resamples=resamples,
            trials=trials, seed=seed, corpus_version=corpus_version, manifest_hash=digest,
            protocol=proto.label)
        # The extractors that do not declare the task's layer: n/a, never charged for it.
        for part in report["comparison"][task.name]["layers"].values():
            part["not_predicted"] = {
                n: "not predicted (the extractor does not declare the layer)"
                for n in report["extractors"] if n not in systems}
    atomic_write_text(out / "report.json", json.dumps(report, indent=2) + "\n")
    return report
