"""Render a comparison (:func:`~dateline.evaluation.compare.compare_systems`) as a terminal
table, JSON, Markdown, LaTeX (booktabs) or CSV.

Rows are flat (:func:`comparison_rows`); a metric that is not applicable shows "n/a" with no
interval, never a 0. Under every table (terminal, Markdown; LaTeX as ``%`` comments after the
tabular) a footer gives, per layer and headline metric, the differences too small to be
detected (:func:`dateline.evaluation.power.power_lines`) and the signature
(:mod:`dateline.evaluation.signature`); CSV has the columns ``mdd`` (the system's own),
``diff_mdd`` (the difference's) and ``signature`` instead; JSON has them all.

>>> res = {"settings": {"baseline": "a"}, "layers": {"quotes": {"metrics": {"quote.f1": {
...     "systems": {"a": {"value": 0.5, "interval": [0.4, 0.6]}}}}}}}
>>> next(comparison_rows(res))["value"]
0.5
"""

from __future__ import annotations

import fnmatch
import io
import json
from collections.abc import Iterator, Sequence
from typing import Any

from dateline.evaluation.power import power_lines
from dateline.schemas.errors import DatelineError

__all__ = ["ALL", "COLUMNS", "COMPARE_FORMATS", "check_metric_patterns", "comparison_rows",
           "footer", "latex_escape", "render_comparison"]

COMPARE_FORMATS = ("table", "json", "markdown", "latex", "csv")
ALL = "all"

def comparison_rows(result: dict[str, Any], metrics: Sequence[str] = ("*",)
                    ) -> Iterator[dict[str, Any]]:
    """Flat rows (slice, layer, metric, system, value, interval, difference to the baseline,
    its interval, p, Holm p, significant) for the metrics matching the ``fnmatch`` patterns.

    >>> res = {"settings": {"baseline": "a"}, "layers": {"quotes": {"metrics": {"quote.f1": {
    ...     "systems": {"a": {"value": 0.5, "interval": [0.4, 0.6]}}}}}}}
    >>> next(comparison_rows(res))["value"]
    0.5
    """
    parts = [(ALL, result["layers"])]
    parts += [(g, s["layers"]) for g, s in result.get("slices", {}).items()]
    default = result.get("settings", {}).get("baseline")
    for slice_name, layers in parts:
        for layer, res in layers.items():
            ref = res.get("reference", default)
            absent = res.get("not_predicted", {})
            for name, entry in res["metrics"].items():
                if not any(fnmatch.fnmatchcase(name, p) for p in metrics):
                    continue
                for sys_name, why in absent.items():  # no result: n/a, never a 0
                    yield {"slice": slice_name, "layer": layer, "metric": name,
                           "system": sys_name, "value": None, "low": None, "high": None,
                           "difference": None, "diff_low": None, "diff_high": None,
                           "p": None, "p_holm": None, "significant": None,
                           "not_applicable": why, "mdd": None, "diff_mdd": None,
                           "reference": ref}
                for sys_name, v in entry["systems"].items():
                    d = entry.get("differences", {}).get(sys_name, {})
                    ci = v.get("interval") or [None, None]
                    dci = d.get("interval") or [None, None]
                    yield {"slice": slice_name, "layer": layer, "metric": name,
                           "system": sys_name, "value": v["value"], "low": ci[0],
                           "high": ci[1], "difference": d.get("difference"),
                           "diff_low": dci[0], "diff_high": dci[1], "p": d.get("p"),
                           "p_holm": d.get("p_holm"), "significant": d.get("significant"),
                           "not_applicable": entry.get("not_applicable"),
                           "mdd": v.get("mdd"), "diff_mdd": d.get("mdd"),
                           "reference": ref}


def check_metric_patterns(result: dict[str, Any], metrics: Sequence[str]) -> None:
    """Refuse (``unknown-metric``) the patterns that match no metric of ``result``, naming
    them and the metrics there are: a table of nothing is never printed.

    >>> res = {"layers": {"quotes": {"metrics": {"quote.f1": {}, "quote.precision": {}}}}}
    >>> check_metric_patterns(res, ["*.f1"])
    >>> check_metric_patterns(res, ["*.f1", "nomatch*"])
    Traceback (most recent call last):
    ...
    dateline.schemas.errors.DatelineError: [unknown-metric] --metric 'nomatch*' matches no \
metric; the metrics are quote.f1, quote.precision. Fix: ...
    """
    names = sorted({n for res in result["layers"].values() for n in res["metrics"]})
    unmatched = [p for p in metrics if not any(fnmatch.fnmatchcase(n, p) for n in names)]
    if unmatched:
        shown = ", ".join(names[:40]) + (f" and {len(names) - 40} more" if len(names) > 40
                                          else "")
        raise DatelineError("unknown-metric", " ".join(f"--metric {p!r}" for p in unmatched)
                            + f" matches no metric; the metrics are {shown or 'none'}",
                            fix="give fnmatch patterns of these names (e.g. '*.f1')",
                            exit_code=2)


def _f(x: Any, digits: int = 4) -> str:
    return "–" if x is None else f"{x:.{digits}f}"


def _ci(lo: Any, hi: Any) -> str:
    return "" if lo is None else f"[{lo:.4f}, {hi:.4f}]"


def _signed(x: Any) -> str:
    return "" if x is None else f"{x:+.4f}"


def _p(x: Any) -> str:
    return "" if x is None else (f"{x:.4f}" if x >= 1e-4 else f"{x:.1e}")


def _cells(r: dict[str, Any], baseline: str | None = None) -> list[str]:
    mark = "*" if r["significant"] else ""
    ref = r.get("reference", baseline)
    sys_name = f"{r['system']} (reference)" if r["system"] == ref else r["system"]
    value = "n/a" if r.get("not_applicable") else _f(r["value"])
    return [sys_name, value, _ci(r["low"], r["high"]), _signed(r["difference"]) + mark,
            _ci(r["diff_low"], r["diff_high"]), _p(r["p"]), _p(r["p_holm"])]


def _header(result: dict[str, Any]) -> str:
    s = result["settings"]
    conf = round(100 * s["confidence"])
    corpus = f", corpus {result['corpus_version']}" if result.get("corpus_version") else ""
    scorer = result.get("scorer", {})
    who = f"{scorer['name']} {scorer['version']}{corpus}. " if scorer else ""
    refs = {layer: r for layer, r in s.get("reference", {}).items() if r is not None}
    if not refs and s.get("baseline") is not None:
        refs = {layer: s["baseline"] for layer in result.get("layers", {})}
    against = ", ".join(f"{layer} vs {r}" for layer, r in refs.items())
    tests = (f"p: paired approximate randomisation ({s['trials']} trials), "
             f"p = (c + 1) / (n + 1); Holm-adjusted over the systems compared with each "
             f"layer's reference ({against}); * = adjusted p < {s['alpha']}; "
             if refs else "no reference system, no test (give --reference NAME); ")
    return (f"{who}{conf}% paired-bootstrap intervals over documents ({s['resamples']} "
            f"resamples); {tests}seed {s['seed']}.")


COLUMNS = ("system", "score", "interval", "Δ vs reference", "Δ interval", "p", "p (Holm)")


def footer(result: dict[str, Any], metrics: Sequence[str] = ("*",)) -> list[str]:
    """The lines under a rendered comparison: the minimum detectable differences of the
    headline metrics of each layer (and slice) the table shows, then the signature (none for
    a result without them).

    >>> footer({"signature": "dateline:0.1.0|...", "layers": {}})
    ['signature: dateline:0.1.0|...']
    """
    sig = [f"signature: {result['signature']}"] if result.get("signature") else []
    return [*power_lines(result, _shown(result, metrics)), *sig]


def _shown(result: dict[str, Any], metrics: Sequence[str]) -> set[tuple[str, str]]:
    return {(r["slice"], r["layer"]) for r in comparison_rows(result, metrics)}


def _markdown(result: dict[str, Any], metrics: Sequence[str]) -> str:
    by = result["settings"].get("by")
    lead = ["slice"] if by else []
    cols = [*lead, "layer", "metric", *COLUMNS]
    lines = ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
    for r in comparison_rows(result, metrics):
        first = [f"{by}={r['slice']}" if r["slice"] != ALL else ALL] if by else []
        cells = [*first, r["layer"], r["metric"], *_cells(r, result["settings"]["baseline"])]
        lines.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
    power = power_lines(result, _shown(result, metrics))
    sig = [f"signature: `{result['signature']}`"] if result.get("signature") else []
    lines += ["", _header(result)]  # the table first: markdown output starts with it
    if power or sig:
        lines += ["", *(f"- {x}" for x in (*power, *sig))]
    return "\n".join(lines) + "\n"


_LATEX = {"\\": r"\textbackslash{}", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#",
          "_": r"\_", "{": r"\{", "}": r"\}", "~": r"\textasciitilde{}",
          "^": r"\textasciicircum{}"}


def latex_escape(text: str) -> str:
    """Escape LaTeX's special characters.

    >>> latex_escape("strict.f1 & 5% of a_b")
    'strict.f1 \\\\& 5\\\\% of a\\\\_b'
    """
    return "".join(_LATEX.get(c, c) for c in text)


def _latex(result: dict[str, Any], metrics: Sequence[str]) -> str:
    by = result["settings"].get("by")
    lead = ["slice"] if by else []
    cols = [*lead, "layer", "metric", "system", "score", "interval", r"$\Delta$",
            r"$\Delta$ interval", "$p$", "$p$ (Holm)"]
    align = "l" * (len(lead) + 3) + "r" * 6
    lines = ["% " + _header(result), "% requires \\usepackage{booktabs}",
             f"\\begin{{tabular}}{{{align}}}", "\\toprule", " & ".join(cols) + r" \\",
             "\\midrule"]
    for r in comparison_rows(result, metrics):
        first = [f"{by}={r['slice']}" if r["slice"] != ALL else ALL] if by else []
        cells = _cells(r, result["settings"]["baseline"])
        cells[3] = cells[3].replace("*", "$^{*}$")
        row = [latex_escape(c) for c in (*first, r["layer"], r["metric"], cells[0])]
        row += [cells[1], cells[2], cells[3], cells[4], cells[5], cells[6]]
        lines.append(" & ".join(row).replace("–", "--") + r" \\")
    lines += ["\\bottomrule", "\\end{tabular}", *(f"% {x}" for x in footer(result, metrics))]
    return "\n".join(lines) + "\n"


def _csv(result: dict[str, Any], metrics: Sequence[str]) -> str:
    import csv

    buf = io.StringIO()
    cols = ["slice", "layer", "metric", "system", "value", "low", "high", "difference",
            "diff_low", "diff_high", "p", "p_holm", "significant", "not_applicable", "mdd",
            "diff_mdd", "reference", "signature"]
    w = csv.DictWriter(buf, fieldnames=cols, lineterminator="\n")
    w.writeheader()
    sig = result.get("signature") or ""
    for r in comparison_rows(result, metrics):
        w.writerow({**{k: "" if v is None else v for k, v in r.items()}, "signature": sig})
    return buf.getvalue()


def render_comparison(result: dict[str, Any], fmt: str, metrics: Sequence[str] = ("*",)
                      ) -> str:
    """The comparison in one of :data:`COMPARE_FORMATS` (``json`` ignores ``metrics``).

    >>> res = {"settings": {"baseline": None, "confidence": 0.95, "resamples": 10,
    ...        "trials": 10, "systems": ["a"], "alpha": 0.05, "seed": 1},
    ...        "layers": {"quotes": {"metrics": {"quote.f1": {
    ...        "systems": {"a": {"value": 0.5, "interval": [0.4, 0.6]}}}}}}}
    >>> print(render_comparison(res, "markdown").splitlines()[2])
    | quotes | quote.f1 | a | 0.5000 | [0.4000, 0.6000] |  |  |  |  |
    """
    if fmt == "json":
        return json.dumps(result, indent=2, ensure_ascii=False) + "\n"
    if fmt == "markdown":
        return _markdown(result, metrics)
    if fmt == "latex":
        return _latex(result, metrics)
    if fmt == "csv":
        return _csv(result, metrics)
    if fmt != "table":
        raise DatelineError("unknown-format", f"unknown format {fmt!r}",
                            fix=f"use one of {', '.join(COMPARE_FORMATS)}", exit_code=2)
    from rich.console import Console
    from rich.table import Table

    by = result["settings"].get("by")
    table = Table(*(["slice"] if by else []), "layer", "metric", *COLUMNS,
                  title=_header(result))
    for r in comparison_rows(result, metrics):
        first = [f"{by}={r['slice']}" if r["slice"] != ALL else ALL] if by else []
        table.add_row(*first, r["layer"], r["metric"],
                      *_cells(r, result["settings"]["baseline"]))
    console = Console(file=io.StringIO(), width=160, highlight=False)
    console.print(table)
    out: str = console.file.getvalue()  # type: ignore[attr-defined]
    return out + "".join(f"{x}\n" for x in footer(result, metrics))
