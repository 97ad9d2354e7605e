"""The benchmark report (:func:`dateline.benchmark.benchmark`) as terminal tables, Markdown,
LaTeX (booktabs), CSV or JSON.

Every value and interval comes from the task's comparison; a column naming a metric the layer
lacks is an error (``unknown-metric``), never a blank. Terminal tables fit the width they are
given (the terminal's, or ``COLUMNS``): a task whose columns do not fit is split into several
tables of the same rows, one per group of metric columns, so no number is ever cut.
Markdown starts with a table; each table's title, notes and signature follow it.

>>> render({"comparison": {}, "extractors": {}, "skipped": {}}, "markdown")
''
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from dateline.benchmark import Task, tasks
from dateline.evaluation.layers import Column, get_layer
from dateline.evaluation.power import power_lines
from dateline.evaluation.tables import latex_escape
from dateline.schemas import DatelineError

__all__ = ["BENCHMARK_FORMATS", "TaskTable", "render", "tables", "task_tables"]

BENCHMARK_FORMATS = ("table", "json", "markdown", "latex", "csv")
CELL = 17  # a metric column: "0.123*" over "[0.100, 0.150]", padding and border
REF = " (ref)"


@dataclass(frozen=True)
class TaskTable:
    """One task's table, format-free: ``rows`` are (system, its label, one ``(value,
    interval)`` per column); ``notes`` go under it.

    >>> TaskTable("t", "title", (), (), ["a note"]).notes
    ['a note']
    """

    task: str
    title: str
    columns: tuple[Column, ...]
    rows: tuple[tuple[str, str, tuple[tuple[str, str], ...], str, str], ...]
    notes: list[str]


def _value(entry: dict[str, Any] | None, name: str) -> tuple[str, str]:
    # (the score with * when it differs significantly from the reference, its interval)
    if entry is None:
        return "-", ""
    if entry.get("not_applicable"):
        return "n/a", ""
    v = entry["systems"].get(name)
    if v is None or v["value"] is None:
        return "-", ""
    ci = v["interval"]
    star = "*" if entry.get("differences", {}).get(name, {}).get("significant") else ""
    return f"{v['value']:.3f}{star}", (f"[{ci[0]:.3f}, {ci[1]:.3f}]" if ci else "")


def _scope(report: dict[str, Any]) -> str:
    # What was scored: the test split, or every document under the all or cv protocol; the
    # documents of a gold file (benchmark --gold), under any protocol.
    protocol = report.get("protocol", "test")
    if report.get("gold"):
        how = {"test": "", "all": " (protocol all)"}.get(
            protocol, f", {protocol.split(':')[-1]}-fold cross-validation (protocol cv)")
        return f"{report['documents']} documents of {report['gold']}{how}"
    if protocol == "test":
        return f"{report['split']} split"
    if protocol == "all":
        return f"all {report['documents']} documents (protocol all)"
    return (f"all {report['documents']} documents, {protocol.split(':')[1]}-fold "
            "cross-validation (protocol cv)")


def _docs(documents: dict[str, Any]) -> str:
    # Documents scored; "P n / R m" when documents of partial coverage entered recall only.
    scored, p = documents.get("scored"), documents.get("precision")
    if scored is None:
        return "-"
    return str(scored) if p is None or p == scored else f"P {p} / R {documents['recall']}"


def _task_table(report: dict[str, Any], task: Task) -> TaskTable | None:
    comp = report["comparison"].get(task.name)
    if comp is None:
        return None
    spec = get_layer(task.layer)
    layer = comp["layers"].get(task.layer, {"metrics": {}, "documents": {}})
    s = comp["settings"]
    ref = layer.get("reference", s.get("baseline"))
    corpus = f"corpus {report['corpus_version']}, " if report.get("corpus_version") else ""
    title = (f"{task.title} — {_scope(report)}, {corpus}"
             f"{'/'.join(report['statuses'])} layers; {round(100 * s['confidence'])}% "
             f"bootstrap intervals; seed {s['seed']}")
    notes = []
    if ref is not None:
        notes.append(f"*: differs from the reference {ref}{REF} (approximate randomisation, "
                     f"Holm p < {s['alpha']})")
    elif len(s["systems"]) > 1:
        notes.append("no reference point ran: intervals only, no test (--reference NAME)")
    else:
        notes.append("one system: intervals only, no test")
    absent = layer.get("not_predicted", {})
    if absent:
        notes.append(f"n/a, not predicted: {', '.join(absent)}")
    notes += [*power_lines(comp, [("all", task.layer)], digits=3),
              f"signature: {comp['signature']}"]
    # Documents of partial coverage give recall only: then their recall columns too.
    docs = layer["documents"]
    partial = docs.get("precision", 0) < docs.get("recall", 0)
    columns = (spec.columns if docs.get("precision", 1) else ()) + (
        spec.recall_columns if partial else ())
    metrics = layer["metrics"]
    if metrics:
        for c in columns:
            if c.metric not in metrics:
                raise DatelineError("unknown-metric", f"the {task.layer} layer has no "
                                    f"metric {c.metric!r} (a column of its table)",
                                    fix="correct the column in the layer's registry entry")
    rows = []
    for name in s["systems"]:
        entry = report["extractors"][name]
        speed = entry["tokens_per_second"]
        rows.append((name, name + (REF if name == ref else ""),
                     tuple(_value(metrics.get(c.metric), name) for c in columns),
                     _docs(docs), "-" if speed is None else str(speed)))
    return TaskTable(task.name, title, columns, tuple(rows), notes)


def task_tables(report: dict[str, Any]) -> list[TaskTable]:
    """The table of every task the report compared, in task order.

    >>> task_tables({"comparison": {}, "extractors": {}})
    []
    """
    return [t for t in (_task_table(report, task) for task in tasks()) if t is not None]


def _groups(t: TaskTable, width: int | None) -> Iterator[tuple[int, ...]]:
    # Column indices per printed table: as many metric columns as fit in ``width`` (the
    # docs and speed columns go with the first group).
    n = len(t.columns)
    if width is None or n == 0:
        yield tuple(range(n))
        return
    label = min(width // 3, max((len(r[1]) for r in t.rows), default=9)) + 3
    first = max(1, (width - label - 30) // CELL)
    rest = max(1, (width - label) // CELL)
    start, size = 0, first
    while start < n:
        yield tuple(range(start, min(n, start + size)))
        start, size = start + size, rest


def _parts(t: TaskTable, width: int | None, *, caption: bool) -> list[Any]:
    # The rich tables of one task: one per group of columns; the notes under the last.
    from rich.table import Table

    out = []
    parts = list(_groups(t, width))
    for k, group in enumerate(parts):
        part = f" ({k + 1}/{len(parts)})" if len(parts) > 1 else ""
        extra = ("docs", "tokens/s (wall)") if k == 0 else ()
        last = k == len(parts) - 1
        table = Table(title=t.title + part, caption="\n".join(t.notes) if last and caption
                      else None, caption_justify="left")
        table.add_column("extractor", overflow="fold")  # a long name wraps, never cut
        for i in group:
            table.add_column(t.columns[i].heading, min_width=CELL - 3, overflow="fold")
        for heading in extra:
            table.add_column(heading, overflow="fold")
        for _, label, cells, docs, speed in t.rows:
            table.add_row(label, *(f"{cells[i][0]}\n{cells[i][1]}".rstrip() for i in group),
                          *((docs, speed) if k == 0 else ()))
        out.append(table)
    return out


def tables(report: dict[str, Any], width: int | None = None) -> list[Any]:
    """Rich tables of every task, the notes as the caption of each task's last; with
    ``width``, a task too wide for it is split into several tables of the same rows (one per
    group of columns), each fitting ``width``.

    >>> tables({"comparison": {}, "extractors": {}})
    []
    """
    return [x for t in task_tables(report) for x in _parts(t, width, caption=True)]


def _markdown(report: dict[str, Any]) -> str:
    lines: list[str] = []
    for t in task_tables(report):
        if lines:
            lines.append("")
        head = ["extractor", *(c.heading for c in t.columns), "docs", "tokens/s (wall)"]
        lines += ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
        for _, label, cells, docs, speed in t.rows:
            row = [label, *(f"{v} {ci}".strip() for v, ci in cells), docs, speed]
            lines.append("| " + " | ".join(c.replace("|", "\\|") for c in row) + " |")
        lines += ["", f"**{t.title}**", "", *(f"- {n}" for n in t.notes)]
    lines += _skipped(report)
    return "\n".join(lines) + "\n" if lines else ""


def _skipped(report: dict[str, Any]) -> list[str]:
    return [f"skipped {name}: {why}" for name, why in report.get("skipped", {}).items()]


def _latex(report: dict[str, Any]) -> str:
    lines = ["% requires \\usepackage{booktabs}"]
    for t in task_tables(report):
        lines += ["", "\\begin{table}[t]", "\\centering", "\\small",
                  f"\\begin{{tabular}}{{l{'r' * len(t.columns)}rr}}", "\\toprule",
                  " & ".join(latex_escape(h) for h in (
                      "extractor", *(c.heading for c in t.columns), "docs",
                      "tokens/s")) + r" \\", "\\midrule"]
        for _, label, cells, docs, speed in t.rows:
            values = [v.replace("*", "$^{*}$") for v, _ in cells]
            lines.append(" & ".join([latex_escape(label), *values, latex_escape(docs),
                                     speed]) + r" \\")
            if any(ci for _, ci in cells):
                lines.append(" & ".join(["", *(f"{{\\scriptsize {ci}}}" if ci else ""
                                               for _, ci in cells), "", ""]) + r" \\")
        notes = [latex_escape(n).replace("*", "$^{*}$").replace("α", r"$\alpha$")
                 for n in t.notes if not n.startswith("signature:")]
        lines += ["\\bottomrule", "\\end{tabular}",
                  f"\\caption{{{latex_escape(t.title)}. {'; '.join(notes)}.}}",
                  "\\end{table}",
                  *(f"% {n}" for n in t.notes if n.startswith("signature:"))]
    lines += [f"% {x}" for x in _skipped(report)]
    return "\n".join(lines) + "\n"


def _csv(report: dict[str, Any]) -> str:
    buf = io.StringIO()
    cols = ["task", "system", "metric", "value", "low", "high", "difference", "diff_low",
            "diff_high", "p", "p_holm", "significant", "not_applicable", "reference",
            "signature"]
    w = csv.DictWriter(buf, fieldnames=cols, lineterminator="\n")
    w.writeheader()
    for task in tasks():
        comp = report["comparison"].get(task.name)
        if comp is None:
            continue
        layer = comp["layers"].get(task.layer, {"metrics": {}})
        ref = layer.get("reference")
        for metric, entry in layer["metrics"].items():
            for name in comp["settings"]["systems"]:
                v = entry["systems"].get(name, {})
                d = entry.get("differences", {}).get(name, {})
                ci, dci = v.get("interval") or [None, None], d.get("interval") or [None, None]
                why = entry.get("not_applicable") or layer.get("not_predicted", {}).get(name)
                row = {"task": task.name, "system": name, "metric": metric,
                       "value": v.get("value"), "low": ci[0], "high": ci[1],
                       "difference": d.get("difference"), "diff_low": dci[0],
                       "diff_high": dci[1], "p": d.get("p"), "p_holm": d.get("p_holm"),
                       "significant": d.get("significant"), "not_applicable": why,
                       "reference": ref, "signature": comp["signature"]}
                w.writerow({k: "" if x is None else x for k, x in row.items()})
    return buf.getvalue()


def render(report: dict[str, Any], fmt: str, *, width: int | None = None) -> str:
    """The report in one of :data:`BENCHMARK_FORMATS` (``table``: rich tables fitting
    ``width``, as text).

    >>> render({}, "yaml")
    Traceback (most recent call last):
    ...
    dateline.schemas.errors.DatelineError: [unknown-format] unknown format 'yaml'. Fix: ...
    """
    if fmt not in BENCHMARK_FORMATS:
        raise DatelineError("unknown-format", f"unknown format {fmt!r}",
                            fix=f"use one of {', '.join(BENCHMARK_FORMATS)}", exit_code=2)
    if fmt == "json":
        return json.dumps(report, indent=2, ensure_ascii=False) + "\n"
    if fmt == "csv":
        return _csv(report)
    if fmt == "markdown":
        return _markdown(report)
    if fmt == "latex":
        return _latex(report)
    from rich.console import Console

    console = Console(file=io.StringIO(), width=width or 80, highlight=False)
    for t in task_tables(report):
        for table in _parts(t, width or 80, caption=False):
            console.print(table)
        for note in t.notes:  # under the table, the whole width
            console.print(note, markup=False)
        console.print()
    for line in _skipped(report):
        console.print(line, markup=False)
    return console.file.getvalue()  # type: ignore[attr-defined,no-any-return]
