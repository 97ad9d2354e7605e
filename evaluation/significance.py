"""Paired bootstrap intervals, paired approximate randomisation and Holm's correction, computed
from per-document counts (sacrebleu's design, applied to span scores).

Every score is a function of summed count rows (:mod:`dateline.evaluation.counts`), so a
resample is a weight vector over documents and its totals are one matrix product; the scorer
never runs again.

- **Bootstrap** (percentile interval): each resample draws ``n`` documents with replacement;
  ``weights[r, d]`` counts how often document ``d`` is drawn. Every system is scored on the
  same resamples (paired), so the interval of a difference is the percentile interval of the
  per-resample differences.
- **Approximate randomisation** (Riezler & Maxwell 2005; sacrebleu's ``paired_ar``): in each
  trial every document's counts are swapped between the two systems with probability 1/2. The
  p-value is ``(c + 1) / (n + 1)``, where ``c`` counts the trials whose ``|difference|`` is at
  least the observed ``|difference|`` and ``n`` the trials where the metric is defined for both
  systems: a trial that leaves either side undefined (say, a precision with nothing predicted)
  is skipped for that metric and counted in ``undefined``, since it says nothing about the
  difference. Identical systems give ``p = 1`` exactly.
- **Holm's** step-down correction of the p-values of several systems against one baseline.

Random numbers come from ``numpy.random.default_rng`` seeded by :func:`stream`: the seed and
the name of the computation, so adding a layer or a slice changes no other number.

>>> import numpy as np
>>> def acc(t):  # accuracy from totals (..., [correct, total])
...     return {"accuracy": t[..., 0] / t[..., 1]}
>>> a = np.array([[9, 10], [8, 10], [10, 10], [7, 10]])
>>> b = np.array([[5, 10], [6, 10], [4, 10], [6, 10]])
>>> boot = paired_bootstrap([a, b], acc, n_docs=4, resamples=200, rng=stream(1, "demo"))
>>> boot.values[0]["accuracy"], boot.values[1]["accuracy"]
(0.85, 0.525)
>>> lo, hi = boot.interval(0, "accuracy"); lo <= 0.85 <= hi
True
>>> ar = approximate_randomisation(a, b, acc, trials=999, rng=stream(1, "ar"))
>>> ar["accuracy"].p_value  # 2 of the 16 swap patterns are as extreme: p close to 1/8
0.117
>>> holm([0.01, 0.04, 0.03])
[0.03, 0.06, 0.06]
"""

from __future__ import annotations

import contextlib
import math
import zlib
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

__all__ = [
    "DEFAULT_SEED",
    "ArResult",
    "Bootstrap",
    "Metrics",
    "approximate_randomisation",
    "bootstrap_rows",
    "holm",
    "paired_bootstrap",
    "percentile_interval",
    "stream",
]

DEFAULT_SEED = 12345  # sacrebleu's default
"""The seed of every random draw when none is given (``--seed``)."""

Metrics = Callable[[np.ndarray], Mapping[str, np.ndarray]]
"""Metric function: summed counts ``(..., fields)`` -> metric name -> values ``(...)`` (NaN
where undefined)."""

# Cells (rows x documents) per block of resamples or trials: bounds memory whatever the corpus
# size. Bootstrap blocks stay small enough (<= 16 MB arrays) for the allocator to reuse their
# memory instead of mapping fresh pages for every block, which cost more system time than the
# arithmetic; the randomisation test writes its masks into one buffer allocated per call.
_BOOT_CELLS = 2_000_000
_AR_CELLS = 16_000_000
# float32 sums of integers are exact below 2**24; above, float64 is used.
_F32_EXACT = 2.0**24


def stream(seed: int, *names: str) -> np.random.Generator:
    """The random generator of one named computation: ``default_rng([seed, crc32(name)...])``.

    >>> float(stream(7, "x").random()) == float(stream(7, "x").random())
    True
    """
    return np.random.default_rng([int(seed), *(zlib.crc32(n.encode("utf-8")) for n in names)])


def _one_thread() -> contextlib.AbstractContextManager[object]:
    # The products are tall and skinny (documents x a few dozen count fields): a second BLAS
    # thread saves little wall time and costs CPU time (measured: 1.5 s -> 0.9 s CPU for the
    # standard workload on 2 cores, wall time unchanged).
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # pragma: no cover - threadpoolctl is a dependency
        return contextlib.nullcontext()
    return threadpool_limits(1, user_api="blas")


def _block(n_cols: int, total: int, cells: int) -> int:
    return max(1, min(total, cells // max(n_cols, 1)))


def bootstrap_rows(n_docs: int, resamples: int, rng: np.random.Generator
                   ) -> Iterator[np.ndarray]:
    """Resampled document indices, in blocks of shape ``(block, n_docs)`` (rows drawn with
    replacement); the blocks together hold ``resamples`` rows.

    >>> [b.shape for b in bootstrap_rows(3, 5, stream(0, "x"))]
    [(5, 3)]
    """
    block = _block(n_docs, resamples, _BOOT_CELLS)
    done = 0
    while done < resamples:
        k = min(block, resamples - done)
        yield (rng.integers(0, n_docs, size=(k, n_docs), dtype=np.int64) if n_docs
               else np.zeros((k, 0), np.int64))
        done += k


def _dtype(values: np.ndarray, n: int) -> type:
    bound = float(np.abs(values).max(initial=0)) * max(n, 1)
    return np.float32 if bound < _F32_EXACT else np.float64


def percentile_interval(samples: np.ndarray, confidence: float = 0.95
                        ) -> tuple[float | None, float | None]:
    """The percentile interval of the defined (non-NaN) samples; ``(None, None)`` if none.

    >>> [round(x, 9) for x in percentile_interval(np.arange(101.0), 0.9)]
    [5.0, 95.0]
    """
    s = np.asarray(samples, dtype=float)
    s = s[~np.isnan(s)]
    if not s.size:
        return None, None
    tail = (1.0 - confidence) / 2.0
    lo, hi = np.quantile(s, [tail, 1.0 - tail])
    return float(lo), float(hi)


def _num(x: float) -> float | None:
    return None if math.isnan(x) else float(x)


@dataclass(frozen=True, eq=False)
class Bootstrap:
    """Paired bootstrap of several systems: observed ``values`` (one dict per system, None
    where undefined) and ``samples[s][name]``, shape ``(resamples,)``.

    >>> b = Bootstrap([{"m": 3.0}, {"m": 1.0}],
    ...               [{"m": np.array([1.0, 2, 3, 4, 5])}, {"m": np.ones(5)}], confidence=0.5)
    >>> b.interval(0, "m"), b.difference(0, 1, "m"), b.undefined(0, "m")
    ((2.0, 4.0), (1.0, 3.0), 0)
    """

    values: list[dict[str, float | None]]
    samples: list[dict[str, np.ndarray]]
    confidence: float

    def interval(self, system: int, name: str) -> tuple[float | None, float | None]:
        """Percentile interval of one system's metric."""
        return percentile_interval(self.samples[system][name], self.confidence)

    def difference(self, system: int, baseline: int, name: str
                   ) -> tuple[float | None, float | None]:
        """Percentile interval of ``system - baseline`` over the shared resamples."""
        return percentile_interval(self.samples[system][name] - self.samples[baseline][name],
                                   self.confidence)

    def undefined(self, system: int, name: str) -> int:
        """How many resamples left the metric undefined (e.g. no item of a label drawn)."""
        return int(np.isnan(self.samples[system][name]).sum())


def paired_bootstrap(values: Sequence[np.ndarray], metrics: Metrics | Sequence[Metrics], *,
                     n_docs: int, resamples: int, rng: np.random.Generator,
                     confidence: float = 0.95) -> Bootstrap:
    """Score every system on the same bootstrap resamples of documents.

    Parameters
    ----------
    values
        One ``(n_docs, fields)`` count matrix per system (rows in the same document order).
    metrics
        The metric function, or one per system (each system may have its own fields).
    resamples
        Number of resamples; each draws ``n_docs`` documents with replacement.
    rng
        Random generator (see :func:`stream`).

    Returns
    -------
    Bootstrap

    Examples
    --------
    >>> def share(t): return {"share": t[..., 0] / t[..., 1]}
    >>> v = np.array([[1, 1], [0, 1]])
    >>> b = paired_bootstrap([v, v], share, n_docs=2, resamples=50, rng=stream(0, "x"))
    >>> b.difference(0, 1, "share")  # identical systems
    (0.0, 0.0)
    """
    fns = list(metrics) if isinstance(metrics, Sequence) else [metrics] * len(values)
    widths = [v.shape[1] for v in values]
    stacked = np.concatenate([np.asarray(v) for v in values], axis=1) if values else \
        np.zeros((n_docs, 0))
    offsets = np.cumsum([0, *widths])
    observed = [{k: _num(float(x)) for k, x in fn(v.sum(axis=0)).items()}
                for fn, v in zip(fns, values, strict=True)]
    dtype = _dtype(stacked, n_docs)
    mat = stacked.astype(dtype)
    chunks: list[list[dict[str, np.ndarray]]] = [[] for _ in values]
    with _one_thread():
        _bootstrap_blocks(mat, dtype, n_docs, resamples, rng, fns, offsets, chunks)
    samples = [{name: np.concatenate([c[name] for c in cs]) if cs else np.zeros(0)
                for name in observed[s]} for s, cs in enumerate(chunks)]
    return Bootstrap(observed, samples, confidence)


def _bootstrap_blocks(mat: np.ndarray, dtype: type, n_docs: int, resamples: int,
                      rng: np.random.Generator, fns: Sequence[Metrics], offsets: np.ndarray,
                      chunks: list[list[dict[str, np.ndarray]]]) -> None:
    arange = None
    for rows in bootstrap_rows(n_docs, resamples, rng):
        k = rows.shape[0]
        if arange is None or arange.shape[0] != k:
            arange = (np.arange(k) * n_docs)[:, None]
        # Draw counts per document (a bincount of the drawn rows) times counts: the totals.
        rows += arange
        w = np.bincount(rows.ravel(), minlength=k * n_docs).reshape(k, n_docs)
        totals = (w.astype(dtype) @ mat).astype(np.float64)
        for s, fn in enumerate(fns):
            out = fn(totals[:, offsets[s]:offsets[s + 1]])
            chunks[s].append({name: np.broadcast_to(np.asarray(x, float), (k,))
                              for name, x in out.items()})


@dataclass(frozen=True)
class ArResult:
    """Observed difference ``a - b``, the trials at least as extreme, the trials run, the
    p-value ``(extreme + 1) / (trials - undefined + 1)`` (None when the observed difference is
    undefined) and ``undefined``: the trials skipped because the metric was undefined for
    either system after the swap.

    One document cannot show a difference: both swaps are as extreme as the observed one.

    >>> def share(t): return {"share": t[..., 0] / t[..., 1]}
    >>> r = approximate_randomisation(np.array([[1, 1]]), np.array([[0, 1]]), share,
    ...                               trials=10, rng=stream(0, "x"))["share"]
    >>> r.difference, r.extreme, r.p_value
    (1.0, 10, 1.0)
    """

    difference: float | None
    extreme: int
    trials: int
    p_value: float | None
    undefined: int = 0


def approximate_randomisation(a: np.ndarray, b: np.ndarray, metrics: Metrics, *, trials: int,
                              rng: np.random.Generator) -> dict[str, ArResult]:
    """Paired approximate randomisation test of ``a`` against ``b`` for every metric.

    Parameters
    ----------
    a, b
        ``(n_docs, fields)`` counts of the two systems, aligned (same documents, same fields).
    metrics
        The metric function of both.
    trials
        Number of random swaps; in each, every document's rows are exchanged with
        probability 1/2. Trials where a metric is undefined (NaN) for either system are skipped
        for that metric.

    Returns
    -------
    dict
        Metric name -> :class:`ArResult`.

    Examples
    --------
    >>> def share(t): return {"share": t[..., 0] / t[..., 1]}
    >>> v = np.array([[1, 1], [0, 1]])
    >>> approximate_randomisation(v, v, share, trials=100, rng=stream(0, "x"))["share"]
    ArResult(difference=0.0, extreme=100, trials=100, p_value=1.0, undefined=0)

    Swapping only one of these two documents leaves a system with nothing counted (0 / 0):
    about half the trials are skipped, and both defined swap patterns are as extreme as the
    observed one.

    >>> a, b = np.array([[1, 1], [0, 0]]), np.array([[0, 0], [0, 1]])
    >>> with np.errstate(invalid="ignore"):
    ...     r = approximate_randomisation(a, b, share, trials=1000, rng=stream(0, "x"))["share"]
    >>> r.p_value, r.extreme + r.undefined == r.trials, 400 < r.undefined < 600
    (1.0, True, True)
    """
    a = np.asarray(a)
    b = np.asarray(b)
    if a.shape != b.shape:
        raise ValueError(f"count matrices differ in shape: {a.shape} and {b.shape}")
    ta, tb = a.sum(axis=0).astype(np.float64), b.sum(axis=0).astype(np.float64)
    obs = {k: float(x) - float(y) for (k, x), y in zip(
        metrics(ta).items(), metrics(tb).values(), strict=True)}
    d = b - a
    # Only documents and fields where the systems differ can change anything when swapped.
    rows = np.flatnonzero(np.any(d != 0, axis=1))
    cols = np.flatnonzero(np.any(d != 0, axis=0))
    dd = d[np.ix_(rows, cols)]
    dtype = _dtype(dd, len(rows))
    dd = dd.astype(dtype)
    extreme = dict.fromkeys(obs, 0)
    undefined = dict.fromkeys(obs, 0)
    tol = {k: abs(v) - 1e-12 * max(1.0, abs(v)) for k, v in obs.items()}
    n = len(rows)
    nbytes = (n + 7) // 8
    block = _block(max(n, 1), trials, _AR_CELLS)
    buf = np.empty((block, n), dtype=dtype)
    with _one_thread():
        done = 0
        while done < trials:
            k = min(block, trials - done)
            done += k
            if n == 0:  # identical systems: every trial reproduces the observed totals
                for name in extreme:
                    if math.isnan(obs[name]):
                        undefined[name] += k
                    else:
                        extreme[name] += k
                continue
            bits = np.frombuffer(rng.bytes(k * nbytes), dtype=np.uint8).reshape(k, nbytes)
            mask = buf[:k]
            np.copyto(mask, np.unpackbits(bits, axis=1, count=n))
            shift = (mask @ dd).astype(np.float64)
            sa = np.broadcast_to(ta, (k, ta.size)).copy()
            sb = np.broadcast_to(tb, (k, tb.size)).copy()
            sa[:, cols] += shift
            sb[:, cols] -= shift
            ma, mb = metrics(sa), metrics(sb)
            for name in extreme:
                diff = np.broadcast_to(
                    np.abs(np.asarray(ma[name], float) - np.asarray(mb[name], float)), (k,))
                # NaN compares false, so an undefined trial is never extreme; it is counted
                # apart and left out of the denominator.
                extreme[name] += int(np.count_nonzero(diff >= tol[name]))
                undefined[name] += int(np.count_nonzero(np.isnan(diff)))
    out = {}
    for name, v in obs.items():
        if math.isnan(v):
            out[name] = ArResult(None, 0, trials, None, undefined[name])
        else:
            defined = trials - undefined[name]
            out[name] = ArResult(v, extreme[name], trials, (extreme[name] + 1) / (defined + 1),
                                 undefined[name])
    return out


def holm(p_values: Sequence[float | None]) -> list[float | None]:
    """Holm's step-down adjusted p-values (None entries are left out of the family).

    ``p_(i)`` sorted ascending becomes ``max_{j <= i} min(1, (m - j + 1) p_(j))``.

    >>> holm([0.2, None, 0.01])
    [0.2, None, 0.02]
    """
    idx = sorted((i for i, p in enumerate(p_values) if p is not None),
                 key=lambda i: p_values[i])  # type: ignore[arg-type, return-value]
    m = len(idx)
    out: list[float | None] = [None] * len(p_values)
    running = 0.0
    for rank, i in enumerate(idx):
        running = max(running, min(1.0, (m - rank) * float(p_values[i])))  # type: ignore[arg-type]
        out[i] = running
    return out
