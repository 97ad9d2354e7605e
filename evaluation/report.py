"""Score every layer at once, and write the report as JSON, a table, Markdown, LaTeX or CSV.

The report is one JSON object (its shape is documented in the README and pinned by a golden
test): the scorer's name and version, the corpus version (when scoring against the corpus),
the settings, and one entry per layer of the registry (:mod:`dateline.evaluation.layers`).
Counts sit under ``counts``, apart from the ratios; a ratio with a zero denominator is
``null``; each layer's ``scores`` holds every metric under its flat name.

>>> from dateline.schemas import Document, LayerInfo, Layers, Mention
>>> g = Document(id="d", text="Ann", layers=Layers(entities=LayerInfo(status="gold")),
...              entities=(Mention(id="m", start=0, end=3, text="Ann", label="PERSON"),))
>>> r = score([g], [g], layers=("entities",))
>>> entities = r["layers"]["entities"]
>>> entities["modes"]["strict"]["micro"]["f1"], entities["scores"]["strict.f1"]
(1.0, 1.0)
>>> print(to_csv(r).splitlines()[1])
entities,strict,micro,1.0,1.0,1.0,,1,0,0,0,0,1,1,,,,,,,,,,,,1.0
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any

from dateline.evaluation.inputs import unpredicted_layers
from dateline.evaluation.layers import (
    ScoreOptions,
    check_layers,
    get_layer,
    layer_names,
    score_layers,
)
from dateline.evaluation.matching import ANY_OVERLAP, Overlap
from dateline.evaluation.results import Result
from dateline.evaluation.signature import format_signature, protocol_part, signature_fields
from dateline.schemas.errors import DatelineError
from dateline.schemas.version import __version__

if TYPE_CHECKING:  # annotations only (the fast path's structs are read the same way)
    from dateline.schemas.model import Document

__all__ = ["FORMATS", "SCORER", "render", "report", "rows", "score", "to_csv", "to_latex",
           "to_markdown"]

FORMATS = ("table", "json", "markdown", "latex", "csv")
SCORER = "dateline.evaluation"
COUNT_COLUMNS = ("correct", "incorrect", "partial", "missed", "spurious", "possible", "actual",
                 "pred_correct", "pred_incorrect", "pred_partial",
                 "tp", "pred", "gold", "total", "pred_tp", "gold_tp")


def score(gold: Sequence[Document], pred: Sequence[Document], *,
          layers: Sequence[str] | None = None, statuses: Sequence[str] = ("gold",),
          labels: Sequence[str] | None = None, kinds: Sequence[str] | None = None,
          overlap: Overlap = ANY_OVERLAP, corpus_version: str | None = None,
          manifest_hash: str | None = None, protocol: str = "test") -> dict[str, Any]:
    """Score the requested layers (default: every registered one) and return the JSON-ready
    report.

    ``labels``, ``kinds`` and ``overlap`` apply to entities (``overlap`` to quotes as well,
    counted in tokens); event triggers are matched on identical offsets. ``corpus_version``,
    ``manifest_hash`` (the sha256 of the corpus MANIFEST, or of the gold file's bytes) and
    ``protocol`` go into the report's ``signature`` (:mod:`dateline.evaluation.signature`).

    >>> score([], [], layers=("events",), protocol="cv:5")["signature"].split("|")[2]
    'protocol:cv:5'
    >>> score([], [], protocol="cv:1")
    Traceback (most recent call last):
    ...
    dateline.schemas.errors.DatelineError: [unknown-protocol] protocol 'cv:1' is neither ...
    """
    names = check_layers(layers if layers is not None else layer_names())
    protocol_part(protocol)
    options = ScoreOptions.of(statuses, labels, kinds, overlap)
    pred = list(pred)
    missing = unpredicted_layers(pred)
    skipped = {n: missing[get_layer(n).data] for n in names if get_layer(n).data in missing}
    scored = [n for n in names if n not in skipped]
    return report(score_layers(gold, pred, scored, options), statuses=statuses,
                  corpus_version=corpus_version, options=options,
                  manifest_hash=manifest_hash, protocol=protocol, not_predicted=skipped)


def report(results: dict[str, Result], *, statuses: Sequence[str] = ("gold",),
           corpus_version: str | None = None, options: ScoreOptions | None = None,
           manifest_hash: str | None = None, protocol: str = "test",
           not_predicted: dict[str, str] | None = None) -> dict[str, Any]:
    """The JSON-ready report of results already scored (layer name -> result) with
    ``options`` (default: the given ``statuses``, no filter, any overlap); ``not_predicted``:
    the layers asked for that the predictions do not predict, with the reason (under
    ``not_predicted``; they are not scored, and render as n/a).

    >>> from dateline.evaluation.layers import score_layers
    >>> r = report(score_layers([], [], ("quotes",)))
    >>> r["layers"]["quotes"]["documents"]
    {'scored': 0, 'skipped': {}, 'precision': 0, 'recall': 0}
    >>> r["signature"].split("|")[1:5]
    ['corpus:unknown', 'protocol:test', 'status:gold', 'layer:quotes']
    """
    settings = {"layers": list(results), "statuses": list(statuses)}
    opts = (options or ScoreOptions.of(statuses)).to_dict()
    sig = format_signature(signature_fields(
        {**opts, **settings}, version=__version__, corpus_version=corpus_version,
        manifest_hash=manifest_hash, protocol=protocol))
    return {
        "scorer": {"name": SCORER, "version": __version__},
        "corpus_version": corpus_version,
        "signature": sig,
        "settings": settings,
        "layers": {name: r.to_dict() for name, r in results.items()},
        **({"not_predicted": dict(not_predicted)} if not_predicted else {}),
    }


def rows(report: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """Flat rows ``layer, metric, group, precision, recall, f1, accuracy, <counts>``: each
    layer's own rows (:meth:`~dateline.evaluation.results.Result.rows_of` of its result type).

    >>> next(rows({"layers": {"events": {"metrics": {"m": {"precision": 1.0, "counts": {}}}}}}))
    {'layer': 'events', 'metric': 'm', 'group': 'all', 'precision': 1.0}
    """
    for layer, res in report["layers"].items():
        for r in get_layer(layer).result.rows_of(res):
            yield {"layer": layer, **r}
    for layer, why in report.get("not_predicted", {}).items():
        yield {"layer": layer, "metric": "(every metric)", "group": "all", "precision": None,
               "recall": None, "f1": None, "not_applicable": why}


def _ratio_cells(r: dict[str, Any]) -> list[str]:
    # precision, recall, F1, accuracy; "n/a" where the gold did not annotate what it needs
    if r.get("not_applicable"):
        return ["n/a" if k in r else "–" for k in ("precision", "recall", "f1", "accuracy")]
    return [_fmt(r.get(k)) for k in ("precision", "recall", "f1", "accuracy")]


def _fmt(x: Any) -> str:
    if x is None:
        return "–"
    return f"{x:.4f}" if isinstance(x, float) else str(x)


def _short_counts(r: dict[str, Any]) -> str:
    return " ".join(f"{k}={r[k]}" for k in COUNT_COLUMNS if k in r)


def to_csv(report: dict[str, Any], *, signature: bool = False) -> str:
    """The rows as CSV (empty cells for null ratios and absent counts); with ``signature``
    (as ``render`` does) a last column repeats the report's signature on every row.

    >>> r = {"signature": "dateline:0.1.0|...", "layers": {"events": {"metrics": {
    ...     "m": {"precision": 1.0, "counts": {}}}}}}
    >>> to_csv(r, signature=True).splitlines()[1].split(",")[-1]
    'dateline:0.1.0|...'
    """
    buf = io.StringIO()
    cols = ["layer", "metric", "group", "precision", "recall", "f1", "accuracy", *COUNT_COLUMNS,
            "not_applicable", "recall_partial", "recall_all",
            *(["signature"] if signature else [])]
    w = csv.DictWriter(buf, fieldnames=cols, lineterminator="\n")
    w.writeheader()
    extra = {"signature": report.get("signature") or ""} if signature else {}
    for r in rows(report):
        w.writerow({**{k: ("" if v is None else v) for k, v in r.items()}, **extra})
    return buf.getvalue()


def _header(report: dict[str, Any]) -> str:
    s = report["scorer"]
    corpus = f", corpus {report['corpus_version']}" if report.get("corpus_version") else ""
    docs = "; ".join(f"{layer}: {res['documents']['scored']} documents scored"
                     + (f", skipped {res['documents']['skipped']}"
                        if res["documents"]["skipped"] else "")
                     for layer, res in report["layers"].items())
    if report.get("not_predicted"):
        docs += "".join(f"; {layer}: n/a, {why}" for layer, why in
                        report["not_predicted"].items())
    return f"{s['name']} {s['version']}{corpus}. {docs.removeprefix('; ')}"


def to_markdown(report: dict[str, Any]) -> str:
    """The rows as a Markdown table (the first line), what was scored and the signature
    under it.

    >>> r = {"scorer": {"name": "dateline.evaluation", "version": "0.1.0"}, "layers": {"events": {
    ...     "documents": {"scored": 1, "skipped": {}},
    ...     "metrics": {"m": {"precision": 1.0, "counts": {"tp": 1}}}}}}
    >>> lines = to_markdown(r).splitlines()
    >>> print(lines[0]); print(lines[2]); print(lines[-1])
    | layer | metric | group | P | R | F1 | accuracy | counts |
    | events | m | all | 1.0000 | – | – | – | tp=1 |
    dateline.evaluation 0.1.0. events: 1 documents scored
    """
    lines = ["| layer | metric | group | P | R | F1 | accuracy | counts |",
             "|---|---|---|---|---|---|---|---|"]
    for r in rows(report):
        p, rc, f, acc = _ratio_cells(r)
        lines.append(f"| {r['layer']} | {r['metric']} | {r['group']} | {p} | {rc} | {f} | "
                     f"{acc} | {_short_counts(r)} |")
    lines += ["", _header(report)]
    if report.get("signature"):
        lines += ["", f"signature: `{report['signature']}`"]
    return "\n".join(lines) + "\n"


def to_latex(report: dict[str, Any]) -> str:
    """The rows as a LaTeX (booktabs) tabular, what was scored and the signature as comments.

    >>> r = {"scorer": {"name": "dateline.evaluation", "version": "0.1.0"}, "layers": {"events": {
    ...     "documents": {"scored": 1, "skipped": {}},
    ...     "metrics": {"m_x": {"precision": 1.0, "counts": {"tp": 1}}}}}}
    >>> print(to_latex(r).splitlines()[5])
    events & m\\_x & all & 1.0000 & -- & -- & -- \\\\
    """
    from dateline.evaluation.tables import latex_escape

    lines = ["% requires \\usepackage{booktabs}", "\\begin{tabular}{lllrrrr}", "\\toprule",
             "layer & metric & group & $P$ & $R$ & $F_1$ & accuracy \\\\", "\\midrule"]
    for r in rows(report):
        cells = [latex_escape(str(r[k])) for k in ("layer", "metric", "group")]
        cells += [c.replace("–", "--") for c in _ratio_cells(r)]
        lines.append(" & ".join(cells) + " \\\\")
    lines += ["\\bottomrule", "\\end{tabular}", f"% {_header(report)}"]
    if report.get("signature"):
        lines.append(f"% signature: {report['signature']}")
    return "\n".join(lines) + "\n"


def render(report: dict[str, Any], fmt: str) -> str:
    """The report in one of :data:`FORMATS` (``table``: a rich terminal table, as text).

    >>> render({}, "yaml")
    Traceback (most recent call last):
    ...
    dateline.schemas.errors.DatelineError: [unknown-format] unknown format 'yaml'. Fix: ...
    """
    import json

    if fmt not in FORMATS:
        raise DatelineError("unknown-format", f"unknown format {fmt!r}",
                            fix=f"use one of {', '.join(FORMATS)}", exit_code=2)
    if fmt == "json":
        return json.dumps(report, indent=2, ensure_ascii=False) + "\n"
    if fmt == "csv":
        return to_csv(report, signature=True)
    if fmt == "markdown":
        return to_markdown(report)
    if fmt == "latex":
        return to_latex(report)
    from rich.console import Console
    from rich.table import Table

    table = Table("layer", "metric", "group", "P", "R", "F1", "acc", "counts",
                  title=_header(report))
    for r in rows(report):
        table.add_row(r["layer"], r["metric"], str(r["group"]), *_ratio_cells(r),
                      _short_counts(r))
    console = Console(file=io.StringIO(), width=140, highlight=False)
    console.print(table)
    out: str = console.file.getvalue()  # type: ignore[attr-defined]
    return out + (f"signature: {report['signature']}\n" if report.get("signature") else "")
