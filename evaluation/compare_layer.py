"""One layer of a comparison (:mod:`dateline.evaluation.compare`): intervals, differences and
p-values of every metric, from the systems' aligned per-document count rows.

>>> import numpy as np
>>> values = [np.array([[1, 1]] * 3)]
>>> r = layer_result(["a"], None, values, lambda t: {"acc": t[..., 0] / t[..., 1]},
...                  resamples=5, trials=5, seed=1, confidence=0.95, alpha=0.05, key=("toy",))
>>> r["acc"]["systems"]["a"]["value"], "differences" in r["acc"]
(1.0, False)
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from dateline.evaluation.power import difference_mdd, system_mdd
from dateline.evaluation.results import MetricFunction
from dateline.evaluation.significance import (
    Bootstrap,
    approximate_randomisation,
    holm,
    paired_bootstrap,
    stream,
)

__all__ = ["layer_result"]


def layer_result(names: Sequence[str], base: int | None, values: Sequence[np.ndarray],
                  metrics: MetricFunction, *, resamples: int, trials: int, seed: int,
                  confidence: float, alpha: float, key: tuple[str, ...],
                  reason: Callable[[str], str | None] = lambda name: None) -> dict[str, Any]:
    """One layer's comparison from the systems' aligned count rows (``values``, one array
    per system, and the ``metrics`` function of them): per metric, each system's value,
    paired-bootstrap interval and MDD, and with a reference (index ``base``) each other
    system's difference, its interval, MDD and approximate-randomisation p (raw and Holm);
    ``reason`` says why a metric is not applicable (None: it is). ``key`` names the random
    streams (layer, slice).

    >>> import numpy as np
    >>> values = [np.array([[1, 1]] * 4), np.array([[0, 1]] * 4)]  # [correct, total] per doc
    >>> fn = lambda t: {"acc": t[..., 0] / t[..., 1]}
    >>> r = layer_result(["a", "b"], 0, values, fn, resamples=20, trials=20, seed=1,
    ...                  confidence=0.95, alpha=0.05, key=("toy",))
    >>> r["acc"]["systems"]["b"]["value"], r["acc"]["differences"]["b"]["difference"]
    (0.0, -1.0)
    """
    n = values[0].shape[0]
    boot: Bootstrap = paired_bootstrap(values, metrics, n_docs=n, resamples=resamples,
                                       rng=stream(seed, "bootstrap", *key),
                                       confidence=confidence)
    others = [s for s in range(len(names)) if s != base]
    ar = {} if base is None else {
        s: approximate_randomisation(values[s], values[base], metrics, trials=trials,
                                     rng=stream(seed, "randomisation", *key, names[s]))
        for s in others}
    out: dict[str, Any] = {}
    for name in boot.values[0]:
        entry: dict[str, Any] = {"systems": {}}
        if (why := reason(name)) is not None:
            entry["not_applicable"] = why
        for s, sys_name in enumerate(names):
            lo, hi = boot.interval(s, name)
            e: dict[str, Any] = {"value": boot.values[s][name],
                                 "interval": None if lo is None else [lo, hi],
                                 "mdd": system_mdd(boot, s, name, alpha=alpha)}
            if boot.values[s][name] is not None and (u := boot.undefined(s, name)):
                e["undefined_resamples"] = u
            entry["systems"][sys_name] = e
        if base is not None:
            raw = [ar[s][name].p_value for s in others]
            adjusted = holm(raw)
            diffs = {}
            for s, p, q in zip(others, raw, adjusted, strict=True):
                lo, hi = boot.difference(s, base, name)
                diffs[names[s]] = {"difference": ar[s][name].difference,
                                   "interval": None if lo is None else [lo, hi],
                                   "mdd": difference_mdd(boot, s, base, name, alpha=alpha),
                                   "p": p, "p_holm": q,
                                   "significant": None if q is None else bool(q < alpha)}
                if p is not None and (u := ar[s][name].undefined):
                    diffs[names[s]]["undefined_trials"] = u
            entry["differences"] = diffs
        out[name] = entry
    return out
