"""Statistical power of a comparison: the minimum detectable difference (MDD) of every metric,
estimated from the per-document counts by the same paired bootstrap that gives the intervals.

**What it answers.** A comparison that finds no significant difference says little unless one
knows how large a difference it *could* have found. The MDD is the true difference that the
comparison's two-sided test at level ``alpha`` (default 0.05) detects with probability
``power`` (default 0.8): differences smaller than the MDD are missed more often than one time
in five, so "no significant difference" does not mean "no difference smaller than the MDD".

**Method** (a normal approximation around the bootstrap standard error):

- *A comparison* (system vs baseline): ``SE`` is the standard deviation of the paired
  bootstrap distribution of ``system - baseline`` (the resamples that give the difference's
  interval; undefined resamples left out), and ``MDD = (z_{1-alpha/2} + z_{power}) * SE``
  (2.80 * SE at 0.05 and 0.8). Why: the approximate-randomisation statistic is a sum over
  documents of per-document differences, nearly normal with about that standard deviation; it
  is significant when ``|difference| > z_{1-alpha/2} * SE``, so a true difference ``D`` is
  detected with probability about ``Phi(D / SE - z_{1-alpha/2})``, which equals ``power`` at
  ``D = MDD``. The paired SE keeps what pairing buys: documents that are hard for both
  systems cancel out.
- *A single system's metric* (no baseline, or the baseline's own row): the MDD of a difference
  between two systems that each vary over documents as this one does and whose errors are
  independent: ``MDD = sqrt(2) * (z_{1-alpha/2} + z_{power}) * SD``, ``SD`` the bootstrap
  standard deviation of the metric (``Var(A - B) = Var(A) + Var(B) = 2 Var(A)``). Chosen
  because it needs no second system and errs on the safe side: real systems find the same
  documents hard (positively correlated errors), and their paired MDD is smaller, by
  ``sqrt(1 - rho)`` for a correlation ``rho``. Read it as a planning figure ("a new system
  would have to differ by about this much to be found"), an upper estimate of a paired MDD.

**Checked by simulation** (``tests/compare/test_compare_power.py``; ``DATELINE_SLOW=1`` or
``DATELINE_SLOW_TESTS=1`` for 2,000 corpora per setting): documents of 1 + Poisson(8) items
with their own difficulty, two systems whose per-item success probabilities differ by a known
amount, the MDD the mean of this module's estimate over pilot corpora. With 200 documents the
randomisation test was significant in 78% of the corpora at the MDD and in 26% at half of it
(normal theory: 80% and 29%; 74% and 25% with 50 documents, 78% and 26% with 800). The small
shortfall is the randomisation's null distribution, a little wider than the bootstrap's when a
true difference exists (its spread includes the mean difference). Under independent errors the
single-system MDD was detected in 76% of the corpora.

**Limits.** The MDD describes these documents and these systems' variability; it assumes the
SE under the alternative equals the SE observed. It is per comparison: Holm's correction over
several systems makes significance harder, so with a correction a difference below the MDD is
missed even more often (the statement "smaller differences cannot be detected" stays true).
With few documents the randomisation test is discrete (with ``k`` documents the smallest p is
about ``2 / 2^k``) and the normal approximation is poor. The MDD is None when fewer than two
resamples define the metric or when the resampled values never vary (two systems that agree on
every document: the data say nothing about how a difference would vary).

>>> round(mdd_factor(), 4)
2.8016
>>> import numpy as np
>>> samples = np.array([0.1, 0.2, 0.3, 0.2])
>>> round(minimum_detectable_difference(samples), 4)  # 2.8016 * SD 0.0816
0.2287
>>> round(minimum_detectable_difference(samples, independent=True), 4)  # sqrt(2) times
0.3235
"""

from __future__ import annotations

import math
from collections.abc import Collection, Iterator, Mapping
from statistics import NormalDist
from typing import Any

import numpy as np

from dateline.evaluation.layers import get_layer, layer_names
from dateline.evaluation.significance import Bootstrap

__all__ = [
    "ALPHA",
    "MDD_METHOD",
    "POWER",
    "difference_mdd",
    "layer_power",
    "mdd_factor",
    "minimum_detectable_difference",
    "power_lines",
    "system_mdd",
]

ALPHA = 0.05
POWER = 0.8
MDD_METHOD = ("minimum detectable difference at the test's alpha (two-sided) and power 0.8: "
              "(z_{1-alpha/2} + z_{power}) x the bootstrap SD of the paired difference; for a "
              "single system's metric sqrt(2) x (z_{1-alpha/2} + z_{power}) x its bootstrap "
              "SD (another system as variable, independent errors)")
PAIRED = "paired difference with the baseline"
INDEPENDENT = "two systems as variable as this one, independent errors"
ALL_DOCUMENTS = "all"  # the slice name of the whole collection (as in tables.comparison_rows)


def mdd_factor(alpha: float = ALPHA, power: float = POWER) -> float:
    """``z_{1-alpha/2} + z_{power}``: the MDD in standard errors.

    >>> round(mdd_factor(0.05, 0.9), 4)
    3.2415
    """
    if not (0 < alpha < 1 and 0 < power < 1):
        raise ValueError(f"alpha {alpha} and power {power} must lie in (0, 1)")
    z = NormalDist().inv_cdf
    return z(1.0 - alpha / 2.0) + z(power)


def minimum_detectable_difference(samples: np.ndarray, *, alpha: float = ALPHA,
                                  power: float = POWER, independent: bool = False
                                  ) -> float | None:
    """The MDD from bootstrap samples: of a paired difference, or with ``independent`` of one
    system's metric (times ``sqrt(2)``); None when it cannot be estimated (see the module doc).

    >>> minimum_detectable_difference(np.array([0.0, 0.0, np.nan])) is None
    True
    """
    s = np.asarray(samples, dtype=float)
    s = s[~np.isnan(s)]
    if s.size < 2:
        return None
    sd = float(np.std(s, ddof=1))
    if not sd > 1e-12 * max(1.0, float(np.abs(s).max())):
        return None
    return (math.sqrt(2.0) if independent else 1.0) * mdd_factor(alpha, power) * sd


def system_mdd(boot: Bootstrap, system: int, name: str, *, alpha: float = ALPHA,
               power: float = POWER) -> float | None:
    """The single-system MDD of one metric (independent errors, see the module doc).

    >>> from dateline.evaluation.significance import paired_bootstrap, stream
    >>> def acc(t): return {"acc": t[..., 0] / t[..., 1]}
    >>> v = np.array([[9, 10], [5, 10], [7, 10], [6, 10]])
    >>> b = paired_bootstrap([v], acc, n_docs=4, resamples=500, rng=stream(1, "x"))
    >>> 0.1 < system_mdd(b, 0, "acc") < 0.4
    True
    """
    return minimum_detectable_difference(boot.samples[system][name], alpha=alpha, power=power,
                                         independent=True)


def difference_mdd(boot: Bootstrap, system: int, baseline: int, name: str, *,
                   alpha: float = ALPHA, power: float = POWER) -> float | None:
    """The MDD of ``system - baseline`` from the shared (paired) resamples.

    >>> from dateline.evaluation.significance import paired_bootstrap, stream
    >>> def acc(t): return {"acc": t[..., 0] / t[..., 1]}
    >>> v = np.array([[9, 10], [5, 10], [7, 10], [6, 10]])
    >>> b = paired_bootstrap([v, v], acc, n_docs=4, resamples=50, rng=stream(1, "x"))
    >>> difference_mdd(b, 1, 0, "acc") is None  # identical systems
    True
    """
    diff = boot.samples[system][name] - boot.samples[baseline][name]
    return minimum_detectable_difference(diff, alpha=alpha, power=power)


def layer_power(layer: str, metrics: Mapping[str, Any], *, baseline: str | None,
                alpha: float = ALPHA, power: float = POWER, partial: bool = False
                ) -> dict[str, Any]:
    """The per-layer power summary: the MDD of each headline metric of the layer (the
    registry's :attr:`~dateline.evaluation.layers.LayerSpec.headline`, and its
    ``recall_columns`` when documents of ``partial`` coverage were scored), for each system
    against
    the baseline (paired) or, without a baseline, for each system (independent errors).

    >>> m = {"quote.f1": {"systems": {"a": {"mdd": 0.1, "value": 0.5},
    ...                               "b": {"mdd": 0.12, "value": 0.6}},
    ...                   "differences": {"b": {"mdd": 0.07}}}}
    >>> layer_power("quotes", m, baseline="a")["mdd"]
    {'quote.f1': {'b': 0.07}}
    >>> layer_power("quotes", m, baseline=None)["basis"]
    'two systems as variable as this one, independent errors'
    """
    spec = get_layer(layer) if layer in layer_names() else None
    # The headline metrics, then the recall over all documents that documents of partial
    # coverage add; a metric no system has a value for (no exhaustive document) is left out.
    names = (*spec.headline, *(c.metric for c in spec.recall_columns if partial)) if spec else ()
    mdd: dict[str, dict[str, float | None]] = {}
    for name in names:
        entry = metrics.get(name)
        if entry is None or all(v.get("value") is None for v in entry["systems"].values()):
            continue
        part = entry.get("differences", {}) if baseline is not None else entry["systems"]
        mdd[name] = {sys_name: e.get("mdd") for sys_name, e in part.items()}
    return {"alpha": alpha, "power": power, "basis": PAIRED if baseline is not None else
            INDEPENDENT, "mdd": mdd}


def _parts(result: Mapping[str, Any]) -> Iterator[tuple[str, str, str, dict[str, Any]]]:
    # (slice key as in comparison_rows, its label in a footer line, layer, layer result)
    by = result.get("settings", {}).get("by")
    for layer, res in result.get("layers", {}).items():
        yield ALL_DOCUMENTS, "", layer, res
    for value, part in result.get("slices", {}).items():
        for layer, res in part["layers"].items():
            yield value, f"{by}={value}: ", layer, res


def power_lines(result: Mapping[str, Any], parts: Collection[tuple[str, str]] | None = None,
                digits: int = 4) -> list[str]:
    """One line per layer (and slice) and headline metric: "differences smaller than X cannot
    be detected (alpha, power)" — the footer of every rendered comparison table. ``parts``
    keeps only these ``(slice, layer)`` pairs (slice ``all`` for the whole collection). Empty
    for a result without power summaries.

    >>> res = {"settings": {"baseline": "a"}, "layers": {"quotes": {"power": {
    ...     "alpha": 0.05, "power": 0.8, "basis": PAIRED,
    ...     "mdd": {"quote.f1": {"b": 0.0712, "c": None}, "speaker_entity.f1": {"b": None}}}}}}
    >>> for line in power_lines(res): print(line)
    quotes quote.f1: differences smaller than 0.0712 (b vs a) cannot be detected
    (α 0.05, power 0.8); no estimate for c vs a
    quotes speaker_entity.f1: no minimum detectable difference for b vs a
    (the resamples never vary, or leave it undefined)
    """
    lines = []
    for key, label, layer, res in _parts(result):
        p = res.get("power")
        if not p or (parts is not None and (key, layer) not in parts):
            continue
        baseline = res.get("reference", result.get("settings", {}).get("baseline"))
        for name, per_system in p["mdd"].items():
            pair = {s: f"{s} vs {baseline}" if baseline is not None else
                    f"{s} vs an independent system like it" for s in per_system}
            known = [f"{x:.{digits}f} ({pair[s]})" for s, x in per_system.items()
                     if x is not None]
            unknown = [pair[s] for s, x in per_system.items() if x is None]
            if not known and not unknown:
                continue
            lead = f"{label}{layer} {name}: "
            if known:
                line = (f"{lead}differences smaller than {', '.join(known)} cannot be detected "
                        f"(α {p['alpha']:g}, power {p['power']:g})")
                lines.append(line + (f"; no estimate for {', '.join(unknown)}" if unknown
                                     else ""))
            else:
                lines.append(f"{lead}no minimum detectable difference for {', '.join(unknown)} "
                             "(the resamples never vary, or leave it undefined)")
    return lines
