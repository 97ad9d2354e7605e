"""The fast checker (``check_fast`` on the msgspec structs) finds exactly the incidents of the
reference (``check_document`` on the pydantic Document): check id, message, JSON path, order;
and ``is_clean`` never says clean when the reference finds something.

``DATELINE_HYPOTHESIS_EXAMPLES`` sets the number of mutated documents per test."""

import copy
import json
import os
from pathlib import Path
from typing import Any

import pytest
from document_strategies import documents
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from dateline.schemas import Document, check_document, dumps, inventory, iter_records
from dateline.schemas.fast import parse_fast
from dateline.schemas.fast_checks import check_fast, is_clean

DATA = Path(__file__).parent.parent / "data"
INV = inventory()
SETTINGS = settings(max_examples=int(os.environ.get("DATELINE_HYPOTHESIS_EXAMPLES", "300")),
                    deadline=None, suppress_health_check=[HealthCheck.too_slow])
# Values a mutation writes into a string field: every inventory name, near misses, ids of
# items, dates good and bad.
STRINGS = sorted({*INV.entity_labels, *INV.mention_kinds, *INV.event_types, *INV.roles,
                  *INV.quote_kinds, *INV.layer_statuses, *INV.layer_coverages,
                  *(p for parts in INV.layer_parts.values() for p in parts),
                  *INV.event_attributes, *(v for vs in INV.event_attributes.values() for v in vs),
                  "", "HERO", "person", "m0", "m1", "m9", "v0", "q0", "2024-01-31", "2024-13-01",
                  "absent", "a", "b"})


def _same(fast_doc: Any, slow_doc: Document) -> None:
    reference = check_document(slow_doc)
    assert check_fast(fast_doc) == reference
    assert check_fast(slow_doc) == reference
    if is_clean(fast_doc):
        assert reference == []


@pytest.mark.parametrize("name", sorted(p.name for p in (DATA / "invalid").iterdir()
                                        if p.suffix in (".json", ".jsonl")))
def test_invalid_fixtures_checked_alike(name: str) -> None:
    path = DATA / "invalid" / name
    slow = list(iter_records(path))
    fast = list(iter_records(path, parse=parse_fast))
    for s, f in zip(slow, fast, strict=True):
        if s.doc is not None:
            _same(f.doc, s.doc)
            if name.removesuffix(".json") in {c for c, _ in _level_2_3()}:
                assert not is_clean(f.doc)  # the fixture's own check is found


def _level_2_3() -> list[tuple[str, int]]:
    from dateline.schemas import CHECKS

    return [(c, level) for c, (level, _) in CHECKS.items() if level in (2, 3)]


def test_valid_example_is_clean() -> None:
    for rec in iter_records(DATA / "valid" / "example.json", parse=parse_fast):
        assert is_clean(rec.doc) and check_fast(rec.doc) == []


# One problem each, written into the valid example (every layer, item and check family).
EDITS = [
    (("id",), ""), (("meta", "published"), "2025-02-30"),
    (("entities", 0, "kind"), "pronominal"), (("entities", 1, "id"), "m1"),
    (("entities", 2, "label"), "EVENT"), (("entities", 3, "end"), 999),
    (("layers", "entities", "coverage"), "some"), (("layers", "quotes", "not_annotated"), ["x"]),
    (("layers", "events", "regions"), [{"start": 0, "end": 50}]),
    (("layers", "events", "regions"), [{"start": 5, "end": 5}]),
    (("layers", "quotes", "status"), "absent"), (("layers", "events", "labels"), ["Life.Die"]),
    (("events", 0, "attributes", "tense"), "HERO"), (("events", 0, "type"), "Life.Die"),
    (("events", 0, "arguments", 0, "role"), "Victim"), (("events", 1, "trigger", "text"), "x"),
    (("events", 1, "arguments", 0, "mention"), "m99"),
    (("events", 0, "arguments", 0, "span", "text"), "the new bridge"),
    (("events", 1, "arguments", 0, "span"), {"start": 0, "end": 5, "text": "Porto"}),
    (("quotes", 0, "speaker_span"), {"start": 0, "end": 5, "text": "Porto"}),
    (("quotes", 0, "speaker"), "m99"), (("quotes", 1, "cue", "end"), 999),
    (("quotes", 2, "speaker_span", "start"), 267), (("quotes", 3, "content"), []),
    (("quotes", 3, "kind"), "free"), (("quotes", 3, "id"), "v1"),
]


@pytest.mark.parametrize(("path", "value"), EDITS, ids=lambda x: ".".join(map(str, x))
                         if isinstance(x, tuple) else None)
def test_each_problem_is_found(path: tuple[Any, ...], value: Any) -> None:
    data = json.loads((DATA / "valid" / "example.json").read_text("utf-8"))
    parent = data
    for part in path[:-1]:
        parent = parent[part]
    parent[path[-1]] = value
    raw = json.dumps(data)
    slow = Document.model_validate_json(raw)
    fast = parse_fast(raw).doc
    assert check_document(slow) != []
    assert not is_clean(fast) and not is_clean(slow)
    _same(fast, slow)


def _leaves(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    # Every place of the JSON tree a mutation may overwrite (objects and lists too).
    out = [path] if path else []
    if isinstance(value, dict):
        for k, v in value.items():
            out += _leaves(v, (*path, k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            out += _leaves(v, (*path, i))
    return out


def _value(draw: Any, old: Any, text_len: int) -> Any:
    if isinstance(old, bool) or old is None:
        return draw(st.sampled_from([None, [], [{"start": 0, "end": 1}],
                                     [{"start": 0, "end": text_len + 2}], "", "m0"]))
    if isinstance(old, int):
        return draw(st.integers(-2, text_len + 2))
    if isinstance(old, str):
        return draw(st.sampled_from(STRINGS))
    if isinstance(old, list):
        if old and draw(st.booleans()):  # repeat an element (a duplicate id, say) or drop all
            return [*old, copy.deepcopy(old[0])]
        return []
    return {} if draw(st.booleans()) else old  # an object: emptied, or left as it is


@st.composite
def mutated(draw: Any) -> dict[str, Any]:
    data = json.loads(dumps(draw(documents())))
    for _ in range(draw(st.integers(1, 3))):
        # A part of the document first, so that the few event and quote fields are hit too.
        part = draw(st.sampled_from(["id", "meta", "entities", "events", "quotes", "layers"]))
        places = [p for p in _leaves(data) if p[0] == part] or [(part,)]
        path = draw(st.sampled_from(places))
        parent = data
        for part in path[:-1]:
            parent = parent[part]
        parent[path[-1]] = _value(draw, parent[path[-1]], len(data["text"]))
    return data


@SETTINGS
@given(mutated())
def test_mutated_documents_checked_alike(data: dict[str, Any]) -> None:
    raw = json.dumps(data)
    try:
        slow = Document.model_validate_json(raw)
    except ValidationError:
        assume(False)  # a level-1 problem: the reading refuses it before any check
    fast = parse_fast(raw).doc
    assert fast is not None
    _same(fast, slow)


@SETTINGS
@given(documents())
def test_valid_documents_are_clean(doc: Document) -> None:
    fast = parse_fast(dumps(doc)).doc
    assert check_document(doc) == [] and is_clean(fast) and is_clean(doc)


def test_layers_checked_once_still_answer_per_document() -> None:
    """The layers' checks are kept for equal layers: a document with items in a layer that
    the same (or equal) layers declare absent, or with another inventory, is still refused."""
    from dateline.schemas import LayerInfo, Layers, Mention

    layers = Layers(entities=LayerInfo(status="silver", labels=("PERSON",)))
    ann = (Mention(id="m1", start=0, end=3, text="Ann", label="PERSON"),)
    clean = parse_fast(dumps(Document(id="a", text="Ann left.", layers=layers,
                                      entities=ann))).doc
    empty = parse_fast(dumps(Document(id="b", text="Ann left.", layers=layers))).doc
    absent = parse_fast(dumps(Document(id="c", text="Ann left.", events=(), entities=ann))).doc
    assert clean.layers == empty.layers and clean.layers is not empty.layers
    for doc, want in ((clean, True), (empty, True), (clean, True), (absent, False),
                      (clean, True)):
        assert is_clean(doc) is want
        assert check_fast(doc) == check_document(doc)
    other = copy.deepcopy(INV)
    object.__setattr__(other, "entity_labels", ("LOCATION",))
    assert is_clean(clean) and not is_clean(clean, other)
