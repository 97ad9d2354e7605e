"""Plots of an error analysis, as PNG bytes (matplotlib, Agg backend, no global state): per-label
F1 with its bootstrap interval, and the label confusion matrix. The same inputs give the same
bytes (no timestamp or software version is written into the file).

>>> png = label_f1_plot({"PERSON": (0.8, 0.7, 0.9), "TIME": (None, None, None)}, title="F1")
>>> png[:8] == b"\\x89PNG\\r\\n\\x1a\\n"
True
>>> png == label_f1_plot({"PERSON": (0.8, 0.7, 0.9), "TIME": (None, None, None)}, title="F1")
True
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from typing import Any

__all__ = ["confusion_plot", "label_f1_plot"]

Interval = tuple[float | None, float | None, float | None]


def _figure(width: float, height: float) -> Any:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height), dpi=100)
    FigureCanvasAgg(fig)
    return fig


def _png(fig: Any) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", metadata={"Software": None})
    return buf.getvalue()


def label_f1_plot(per_label: Mapping[str, Interval], *, title: str) -> bytes:
    """Horizontal bars of each label's ``(value, low, high)``, with the interval as an error
    bar; labels whose value is undefined are listed as ``n/a``.

    Parameters
    ----------
    per_label
        Label -> (F1, interval low, interval high); None where undefined.
    title
        The plot's title (say which mode, system and interval).

    >>> label_f1_plot({}, title="no label").startswith(b"\\x89PNG")
    True
    """
    labels = list(per_label)
    fig = _figure(7.0, 1.2 + 0.38 * max(len(labels), 1))
    ax = fig.add_subplot(1, 1, 1)
    ys = list(range(len(labels)))[::-1]
    for y, lab in zip(ys, labels, strict=True):
        v, lo, hi = per_label[lab]
        if v is None:
            ax.text(0.01, y, "n/a", va="center", fontsize=9, color="#777")
            continue
        ax.barh(y, v, color="#4c9be8", height=0.6)
        if lo is not None and hi is not None:
            ax.errorbar(v, y, xerr=[[v - lo], [hi - v]], fmt="none", ecolor="#222", capsize=3,
                        lw=1)
        ax.text(min(v, 0.98) if hi is None else min(hi + 0.01, 0.9), y, f"{v:.3f}",
                va="center", fontsize=8)
    ax.set_yticks(ys, labels=labels, fontsize=9)
    ax.set_xlim(0, 1)
    ax.set_xlabel("F1")
    ax.set_title(title, fontsize=10)
    ax.grid(axis="x", color="#ddd", lw=0.6)
    ax.set_axisbelow(True)
    fig.tight_layout()
    return _png(fig)


def confusion_plot(labels: Sequence[str], matrix: Sequence[Sequence[int]], *, title: str,
                   missed: Sequence[int] | None = None,
                   spurious: Sequence[int] | None = None) -> bytes:
    """A heat map of ``matrix[gold][predicted]`` with the counts written in the cells.

    ``missed`` (per gold label) and ``spurious`` (per predicted label) add a last column and a
    last row, so every gold and predicted item of the matched labels is somewhere.

    >>> args = (["LOC", "PER"], [[3, 1], [0, 5]])
    >>> png = confusion_plot(*args, title="strict", missed=[1, 0], spurious=[0, 2])
    >>> png[1:4], png == confusion_plot(*args, title="strict", missed=[1, 0], spurious=[0, 2])
    (b'PNG', True)
    """
    import numpy as np

    rows = list(labels)
    cols = list(labels)
    m = np.asarray(matrix, dtype=float).reshape(len(rows), len(cols))
    if missed is not None:
        m = np.hstack([m, np.asarray(missed, dtype=float)[:, None]])
        cols.append("(missed)")
    if spurious is not None:
        extra = list(spurious) + ([0] if missed is not None else [])
        m = np.vstack([m, np.asarray(extra, dtype=float)[None, :]])
        rows.append("(spurious)")
    n = max(len(rows), len(cols), 1)
    fig = _figure(2.0 + 0.7 * n, 1.6 + 0.6 * n)
    ax = fig.add_subplot(1, 1, 1)
    shown = np.log1p(m)
    ax.imshow(shown, cmap="Blues", aspect="auto")
    top = shown.max() if shown.size else 0
    for i in range(m.shape[0]):
        for j in range(m.shape[1]):
            ax.text(j, i, f"{int(m[i, j])}", ha="center", va="center", fontsize=8,
                    color="white" if top and shown[i, j] > 0.6 * top else "black")
    ax.set_xticks(range(len(cols)), labels=cols, rotation=45, ha="right", fontsize=8)
    ax.set_yticks(range(len(rows)), labels=rows, fontsize=8)
    ax.set_xlabel("predicted label")
    ax.set_ylabel("gold label")
    ax.set_title(title, fontsize=10)
    fig.tight_layout()
    return _png(fig)
