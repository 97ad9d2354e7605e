"""The reference of each comparison: the system every other is tested against (``*``, the
difference, its interval and p-value), chosen by name, never by the order of the arguments.

By default a layer's reference is the *reference point* that predicts it (the trivial
systems every baseline must beat, :data:`dateline.baselines.REFERENCE_POINTS`: ``lexicon``
for entities, ``quote-marks`` for quotes); a system counts as one when its name is, or when
its predictions say they were made by it (``layers.<layer>.source``, e.g.
``quote-marks@0.1.0``). ``--reference NAME`` makes NAME the reference of every layer it
predicts. A layer without either has no test: only the intervals.

>>> from dateline.schemas import Document, LayerInfo, Layers
>>> quotes = Layers(quotes=LayerInfo(status="silver", source="quote-marks@0.1.0"))
>>> systems = {"mine": [Document(id="d", text="x", layers=quotes)],
...            "theirs": [Document(id="d", text="x", layers=quotes)]}
>>> references(systems, ("entities", "quotes"))
{'entities': None, 'quotes': 'mine'}
>>> references(systems, ("quotes",), explicit="theirs")
{'quotes': 'theirs'}
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from dateline.baselines import REFERENCE_POINTS
from dateline.evaluation.inputs import unpredicted_layers
from dateline.evaluation.layers import get_layer
from dateline.schemas import DatelineError, Document

__all__ = ["FIRST", "check_reference", "is_reference_point", "references"]

FIRST = 50
"""The documents whose ``layers.<layer>.source`` say which extractor made the predictions."""


def is_reference_point(name: str, docs: Sequence[Document], layer: str) -> bool:
    """Whether the system ``name`` with predictions ``docs`` is a reference point on the
    Document layer ``layer``: by its name, or the extractor its predictions name.

    >>> is_reference_point("lexicon", [], "entities")
    True
    >>> is_reference_point("mine", [Document(id="d", text="x")], "entities")
    False
    """
    if name in REFERENCE_POINTS:
        return True
    sources = {getattr(d.layers, layer).source for d in docs[:FIRST]}
    return any(s is not None and s.partition("@")[0] in REFERENCE_POINTS for s in sources)


def check_reference(explicit: str | None, names: Sequence[str]) -> None:
    """Refuse a ``--reference`` that names no system (``unknown-baseline``, a usage error).

    >>> check_reference("a", ["a", "b"])
    >>> check_reference("c", ["a", "b"])
    Traceback (most recent call last):
    ...
    dateline.schemas.errors.DatelineError: [unknown-baseline] --reference 'c' is not among ...
    """
    if explicit is not None and explicit not in names:
        raise DatelineError("unknown-baseline", f"--reference {explicit!r} is not among the "
                            f"systems {', '.join(map(repr, names))}",
                            fix="give --reference one of the system names (see --names)",
                            exit_code=2)


def references(systems: Mapping[str, Sequence[Document]], layers: Sequence[str], *,
               explicit: str | None = None,
               missing: Mapping[str, Mapping[str, str]] | None = None
               ) -> dict[str, str | None]:
    """Each scored layer's reference: ``explicit`` where it predicts the layer, else the
    first reference point that predicts it, else None (no test). ``missing``: each
    system's unpredicted layers when ``systems`` holds only its first documents (a stream:
    what it predicts is known once all were read).

    >>> references({"a": [], "b": []}, ("events",))
    {'events': None}
    >>> references({"a": [], "b": []}, ("events",), explicit="a",
    ...            missing={"a": {"events": "not predicted"}, "b": {}})
    {'events': None}
    """
    check_reference(explicit, list(systems))
    if missing is None:
        missing = {n: unpredicted_layers(docs) for n, docs in systems.items()}
    out: dict[str, str | None] = {}
    for layer in layers:
        data = get_layer(layer).data
        predicting = [n for n in systems if data not in missing[n]]
        if explicit in predicting:
            out[layer] = explicit
            continue
        points = [n for n in predicting if is_reference_point(n, systems[n], data)]
        out[layer] = points[0] if points else None
    return out
