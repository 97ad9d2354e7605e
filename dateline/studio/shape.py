"""The JSON shape of a Label Studio export, declared part by part and checked before reading.

Label Studio stores what clients send, and export files are edited by hand, so any part of an
export may have the wrong JSON type: a task that is a number, ``data`` that is a list, a
relation whose ``labels`` is a list of lists. Each part (:data:`TASK`, :data:`ANNOTATION`, the
result items of :data:`RESULT_ITEMS`) is declared here as a :class:`Obj` of fields, and
:func:`shape_problems` lists every field of the wrong type with its JSON path, so that the
converter reads only values of the declared types. Fields not declared are not read and
not checked; a field that is absent or ``null`` is left to the converter's own checks.

>>> shape_problems({"id": 7, "data": ["Bo."]}, TASK)
[('$.data', 'expected an object, got an array ["Bo."]')]
>>> result_problems([{"type": "relation", "labels": [["speaker"]]}])
[('$.result[0].labels[0]', 'expected a string, got an array ["speaker"]')]
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Union

__all__ = ["ANNOTATION", "DATA", "PREDICTION", "RESULT", "RESULT_ITEMS", "TASK",
           "TASK_WITH_PREDICTIONS", "USER", "Arr", "Obj", "result_problems", "shape_problems"]


@dataclass(frozen=True)
class Obj:
    """A JSON object whose declared ``fields`` must each be absent, null or of their shape.

    >>> shape_problems({"a": 1, "b": "x", "c": None}, Obj({"a": int, "c": str}))
    []
    """

    fields: Mapping[str, Spec]


@dataclass(frozen=True)
class Arr:
    """A JSON array whose every element has the shape ``item``.

    >>> shape_problems([1, "2"], Arr(int))
    [('$[1]', 'expected an integer, got a string "2"')]
    """

    item: Spec


# A shape: a Python type of JSON (dict, list, str, int, float, bool), an Obj, an Arr, or a
# tuple of alternatives.
Spec = Union[type, Obj, Arr, tuple["Spec", ...]]  # noqa: UP007 (a recursive alias)

_NAMES = {dict: "an object", list: "an array", str: "a string", int: "an integer",
          float: "a number", bool: "a boolean", type(None): "null"}


def _name(spec: Spec) -> str:
    if isinstance(spec, tuple):
        return " or ".join(_name(s) for s in spec)
    if isinstance(spec, Obj):
        return "an object"
    if isinstance(spec, Arr):
        return "an array"
    return _NAMES.get(spec, spec.__name__)


def _matches(value: Any, spec: Spec) -> Spec | None:
    """The alternative of ``spec`` whose JSON type ``value`` has (bool is no integer)."""
    for alt in spec if isinstance(spec, tuple) else (spec,):
        want = dict if isinstance(alt, Obj) else list if isinstance(alt, Arr) else alt
        if type(value) is want:
            return alt
    return None


def _show(value: Any) -> str:
    try:
        text = json.dumps(value, ensure_ascii=False)
    except (TypeError, ValueError):
        text = repr(value)
    return text if len(text) <= 40 else text[:39] + "…"


def _lone_surrogates(value: Any, path: str) -> list[tuple[str, str]]:
    """Strings holding a lone surrogate (JSON's ``"\\ud800"``): no character, so no file can
    hold them; the JSON parser lets them through."""
    if isinstance(value, str):
        bad = next((i for i, c in enumerate(value) if "\ud800" <= c <= "\udfff"), None)
        return [] if bad is None else [(path, f"the string holds a lone surrogate "
                                               f"U+{ord(value[bad]):04X} at offset {bad}, "
                                               "which is no character")]
    items = value.items() if isinstance(value, dict) else \
        enumerate(value) if isinstance(value, list) else ()
    return [p for k, v in items for p in _lone_surrogates(
        v, f"{path}[{k}]" if isinstance(k, int) else f"{path}.{k}")]


def shape_problems(value: Any, spec: Spec, path: str = "$") -> list[tuple[str, str]]:
    """Every (JSON path, message) where ``value`` departs from ``spec``.

    >>> shape_problems({"start": "0", "end": 3}, Obj({"start": int, "end": int}))
    [('$.start', 'expected an integer, got a string "0"')]
    >>> shape_problems(True, int)
    [('$', 'expected an integer, got a boolean true')]
    >>> shape_problems({"text": "a\\ud800"}, Obj({"text": str}))
    [('$.text', 'the string holds a lone surrogate U+D800 at offset 1, which is no character')]
    """
    alt = _matches(value, spec)
    if alt is None:
        got = _NAMES.get(type(value), type(value).__name__)
        return [(path, f"expected {_name(spec)}, got {got} {_show(value)}")]
    out: list[tuple[str, str]] = []
    if alt in (str, dict, list):
        out += _lone_surrogates(value, path)
    if isinstance(alt, Obj):
        for key, field in alt.fields.items():
            if value.get(key) is not None:
                out += shape_problems(value[key], field, f"{path}.{key}")
    elif isinstance(alt, Arr):
        for i, item in enumerate(value):
            out += shape_problems(item, alt.item, f"{path}[{i}]")
    return out


DATA = Obj({"text": str, "doc_id": (str, int), "text_sha256": str, "meta": dict,
            "split": str})
#: A task, down to its annotations' and predictions' being objects (their parts are checked
#: one by one, so that one broken annotation does not refuse the others).
TASK = Obj({"id": int, "project": int, "data": DATA, "annotations": Arr(dict)})
#: A task whose predictions are read too.
TASK_WITH_PREDICTIONS = Obj({**TASK.fields, "predictions": Arr(dict)})
USER = Obj({"id": int, "email": str})
ANNOTATION = Obj({"id": int, "completed_by": (int, USER), "was_cancelled": bool,
                  "result": Arr(dict)})
PREDICTION = Obj({"id": int, "model_version": str, "result": Arr(dict)})
#: The result items the converter reads, by ``type``; items of other types are reported as
#: unknown by the converter.
RESULT_ITEMS: dict[str, Obj] = {
    "labels": Obj({"id": str, "from_name": str, "to_name": str, "value": Obj({
        "start": int, "end": int, "text": str, "labels": Arr(str)})}),
    "choices": Obj({"id": str, "from_name": str, "to_name": str,
                    "value": Obj({"choices": Arr(str)})}),
    "relation": Obj({"from_id": str, "to_id": str, "labels": Arr(str), "direction": str}),
    "textarea": Obj({"id": str, "from_name": str, "to_name": str,
                     "value": Obj({"text": Arr(str)})}),
}
#: A result list: objects, each of the shape its ``type`` declares.
RESULT = Arr(Obj({"type": str}))


def result_problems(result: Any, path: str = "$.result") -> list[tuple[str, str]]:
    """:func:`shape_problems` of a result list, each item checked by its ``type``.

    >>> result_problems([{"type": "choices", "value": ["named"]}])
    [('$.result[0].value', 'expected an object, got an array ["named"]')]
    """
    if not isinstance(result, list):
        return shape_problems(result, RESULT, path)
    out: list[tuple[str, str]] = []
    for i, item in enumerate(result):
        found = shape_problems(item, RESULT.item, f"{path}[{i}]")
        spec = RESULT_ITEMS.get(item.get("type")) if not found else None
        out += found or (shape_problems(item, spec, f"{path}[{i}]") if spec else [])
    return out
