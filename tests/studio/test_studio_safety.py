"""Exports of the wrong shape give coded problems (never a traceback), and pulled files of
different documents or annotators never share a name."""

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dateline.cli import main
from dateline.schemas import DatelineError
from dateline.schemas.codes import CODES
from dateline.studio.convert import Pulled, task_documents, tasks_documents
from dateline.studio.files import STATUSES, read_pulled, write_pulled
from dateline.studio.names import MAX_NAME, annotation_path, file_name
from dateline.studio.results import STUDIO_CHECKS
from dateline.studio.shape import result_problems

TEXT = "Bo met Al."


def _region(**value):
    return {"id": "m1", "type": "labels", "from_name": "entity", "to_name": "text",
            "value": {"start": 0, "end": 2, "text": "Bo", "labels": ["PERSON"], **value}}


def _task(result=None, **fields):
    task = {"id": 7, "project": 1, "data": {"text": TEXT, "doc_id": "d1"},
            "annotations": [{"id": 9, "completed_by": 1,
                             "result": [_region()] if result is None else result}]}
    task.update(fields)
    return task


def _problems(pulled: list[Pulled]) -> set[tuple[str, str, str]]:
    return {(i.file or "", i.check, i.path or "") for p in pulled for i in p.problems}


def test_a_good_task_still_converts():
    [p] = task_documents(_task())
    assert p.problems == () and p.doc.entities[0].text == "Bo"


@pytest.mark.parametrize(("task", "where", "path"), [
    ({"id": 7, "data": ["Bo."]}, "task 7", "$.data"),
    ({"id": 7, "data": {"text": TEXT}, "annotations": {"id": 9}}, "task 7", "$.annotations"),
    ({"id": 7, "data": {"text": TEXT}, "annotations": ["x"]}, "task 7", "$.annotations[0]"),
    ({"id": "7", "data": {"text": TEXT}}, "task #0", "$.id"),
    ({"id": 7, "data": {"text": 3}}, "task 7", "$.data.text"),
    ({"id": 7, "data": {"text": TEXT, "doc_id": ["d"]}}, "task 7", "$.data.doc_id"),
    ({"id": 7, "data": {"text": TEXT, "meta": "x"}}, "task 7", "$.data.meta"),
    (5, "task #0", "$"),
    ("task", "task #0", "$"),
])
def test_a_task_of_the_wrong_shape_is_refused_whole(task, where, path):
    [p] = tasks_documents([task])
    assert (p.origin, p.doc) == ("task", None)
    assert _problems([p]) == {(where, "studio-bad-shape", path)}


@pytest.mark.parametrize(("annotation", "path"), [
    ({"id": [9], "result": []}, "$.id"),
    ({"id": 9, "completed_by": "ann", "result": []}, "$.completed_by"),
    ({"id": 9, "completed_by": {"email": ["a"]}, "result": []}, "$.completed_by.email"),
    ({"id": 9, "result": {"type": "labels"}}, "$.result"),
    ({"id": 9, "was_cancelled": "yes", "result": []}, "$.was_cancelled"),
])
def test_an_annotation_of_the_wrong_shape_is_refused(annotation, path):
    [p] = task_documents(_task(annotations=[annotation]))
    assert p.doc is None and p.origin == "annotation"
    assert {(i.check, i.path) for i in p.problems} == {("studio-bad-shape", path)}


@pytest.mark.parametrize(("item", "path"), [
    ({"type": "relation", "from_id": "m1", "to_id": "m1", "labels": [["speaker"]]},
     "$.result[1].labels[0]"),
    ({"type": "choices", "id": "m1", "from_name": "kind", "to_name": "text",
      "value": {"choices": [["named"]]}}, "$.result[1].value.choices[0]"),
    ({"type": "choices", "id": "m1", "from_name": "kind", "value": ["named"]},
     "$.result[1].value"),
    ({"type": "choices", "id": "m1", "from_name": "kind", "value": "named"},
     "$.result[1].value"),
    (_region(start="0") | {"id": "m2"}, "$.result[1].value.start"),
    (_region(end=2.0) | {"id": "m2"}, "$.result[1].value.end"),
    (_region(labels="PERSON") | {"id": "m2"}, "$.result[1].value.labels"),
    (_region() | {"id": "m2", "value": ["Bo"]}, "$.result[1].value"),
    (_region() | {"id": "m2", "from_name": {"entity": 1}}, "$.result[1].from_name"),
    ({"type": ["labels"]}, "$.result[1].type"),
    ("m1", "$.result[1]"),
    (None, "$.result[1]"),
])
def test_a_result_item_of_the_wrong_shape_is_reported_where_it_is(item, path):
    [p] = task_documents(_task(result=[_region(), item]))
    assert p.doc is None
    assert _problems([p]) == {("task 7 annotation 9", "studio-bad-shape", path)}


def test_a_misshapen_region_is_not_reported_again_by_its_relations():
    quote = {"id": "q1", "type": "labels", "from_name": "quote", "to_name": "text",
             "value": {"start": "7", "end": 9, "labels": ["QUOTE:direct"]}}
    speaker = {"type": "relation", "from_id": "q1", "to_id": "m1", "labels": ["speaker"]}
    [p] = task_documents(_task(result=[_region(), quote, speaker]))
    assert [(i.check, i.path) for i in p.problems] == [("studio-bad-shape",
                                                        "$.result[1].value.start")]


def test_the_cli_reports_misshapen_tasks_and_exits_1(tmp_path, capsys):
    export = tmp_path / "export.json"
    export.write_text(json.dumps([1, _task(), {"id": 8, "data": []}]), encoding="utf-8")
    assert main(["studio", "import", str(export), "--out", str(tmp_path / "out")]) == 1
    out = capsys.readouterr().out
    assert "task #0" in out and "task 8" in out and "studio-bad-shape" in out
    assert "new 1" in out and "invalid 2" in out


# JSON-ish values: every part of a good task in turn is replaced by one of these.
JSONISH = st.recursive(
    st.none() | st.booleans() | st.integers(-3, 40) | st.floats(allow_nan=False)
    | st.text(max_size=6),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner,
                                                                max_size=3),
    max_leaves=8)


def _parts(value, path=()):
    """Every path into a JSON value (the value itself first)."""
    yield path
    if isinstance(value, dict):
        for k, v in value.items():
            yield from _parts(v, (*path, k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _parts(v, (*path, i))


def _good_task():
    quote = {"id": "q1", "type": "labels", "from_name": "quote", "to_name": "text",
             "value": {"start": 7, "end": 9, "text": "Al", "labels": ["QUOTE:direct"]}}
    kind = {"id": "m1", "type": "choices", "from_name": "kind", "to_name": "text",
            "value": {"choices": ["named"]}}
    speaker = {"type": "relation", "from_id": "q1", "to_id": "m1", "direction": "right",
               "labels": ["speaker"]}
    task = _task(result=[_region(), kind, quote, speaker])
    task["predictions"] = [{"id": 3, "model_version": "m-1", "result": [_region()]}]
    task["annotations"][0]["completed_by"] = {"id": 1, "email": "a@x.org"}
    return task


PATHS = list(_parts(_good_task()))


def _replace(task, path, value):
    if not path:
        return value
    node = task
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    return task


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                   HealthCheck.function_scoped_fixture])
@given(where=st.sampled_from(PATHS), value=JSONISH, predictions=st.booleans())
def test_any_value_in_any_part_gives_a_coded_result(tmp_path, where, value, predictions):
    task = _replace(_good_task(), where, value)
    try:
        pulled = tasks_documents([task], predictions=predictions)
        report = write_pulled(pulled, tmp_path)
    except DatelineError as exc:
        assert exc.code in CODES
        return
    checks = {i.check for p in pulled for i in p.problems}
    assert all(p.doc is not None or p.problems or p.skipped for p in pulled)
    known = set(STUDIO_CHECKS) | set(CODES) | {"unknown-role", "unknown-label"}
    from dateline.schemas import CHECKS

    assert checks <= known | set(CHECKS), checks
    assert all(e.status in STATUSES for e in report.entries)


def test_result_problems_of_a_result_that_is_no_list():
    assert result_problems({"type": "labels"}) == [
        ("$.result", 'expected an array, got an object {"type": "labels"}')]


# --------------------------------------------------------------------------- file names


@pytest.mark.parametrize(("a", "b"), [("news/1", "news_1"), ("a b@x.org", "a_b@x.org"),
                                      ("ü", "_"), ("%2F", "/"), (".x", "x"), ("", "%")])
def test_file_names_are_one_to_one(a, b):
    assert file_name(a) != file_name(b)
    assert "/" not in file_name(a) + file_name(b)
    assert not file_name(a).startswith(".") and not file_name(b).startswith(".")


def _annotation(doc_id, user_email, ann_id, start=0):
    return {"id": ann_id, "project": 1, "data": {"text": TEXT, "doc_id": doc_id},
            "annotations": [{"id": ann_id, "completed_by": {"id": ann_id, "email": user_email},
                             "result": [_region(start=start, end=2)]}]}


def test_colliding_ids_and_annotators_keep_every_annotation(tmp_path, pseudo):
    tasks = [_annotation("news/1", "a b@x.org", 1), _annotation("news_1", "a b@x.org", 2),
             _annotation("news/1", "a_b@x.org", 3), _annotation("news_1", "a_b@x.org", 4)]
    report = write_pulled(tasks_documents(tasks), tmp_path)
    assert [e.status for e in report.entries] == ["new"] * 4 and not report.problems
    back = read_pulled(tmp_path, {"news/1": TEXT, "news_1": TEXT})
    who = sorted([pseudo("a b@x.org"), pseudo("a_b@x.org")])
    assert {d: sorted(by) for d, by in back.items()} == {"news/1": who, "news_1": who}
    sources = {back[d][w].layers.entities.source for d in back for w in back[d]}
    assert len(sources) == 4
    again = write_pulled(tasks_documents(tasks), tmp_path)
    assert [e.status for e in again.entries] == ["unchanged"] * 4


def _user(doc_id, user_id, ann_id):
    return {"id": ann_id, "project": 1, "data": {"text": TEXT, "doc_id": doc_id},
            "annotations": [{"id": ann_id, "completed_by": user_id, "result": [_region()]}]}


def test_two_entries_that_would_share_a_file_are_refused(tmp_path):
    # One-to-one names still meet on a file system that folds case.
    pulled = tasks_documents([_user("D1", 1, 1), _user("d1", 1, 2)])
    with pytest.raises(DatelineError) as exc:
        write_pulled(pulled, tmp_path)
    assert exc.value.code == "studio-path-clash" and "'D1'" in exc.value.message
    assert not any(tmp_path.iterdir())


@pytest.mark.parametrize("doc_id", ["é" * 300, "x" * 400, "a/" * 150, "%" * 100 + "b" * 200])
def test_long_names_are_bounded_and_still_one_to_one(tmp_path, doc_id):
    near = doc_id[:-1] + ("y" if doc_id[-1] != "y" else "z")
    names = {file_name(doc_id), file_name(near), file_name(doc_id[:-1])}
    assert len(names) == 3
    assert all(len(n.encode()) <= MAX_NAME for n in names)
    pulled = tasks_documents([_user(doc_id, 1, 1), _user(near, 1, 2)])
    assert [e.status for e in write_pulled(pulled, tmp_path).entries] == ["new", "new"]
    assert sorted(read_pulled(tmp_path, {doc_id: TEXT, near: TEXT})) == sorted([doc_id, near])


def test_a_cut_name_never_equals_an_uncut_one():
    cut = file_name("x" * 300)
    assert "~" in cut and file_name(cut) != cut  # "~" is escaped in every uncut name


def test_two_files_of_one_document_and_annotator_are_refused(tmp_path):
    write_pulled(tasks_documents([_user("d1", 1, 1)]), tmp_path)
    path = annotation_path(tmp_path, "d1", "user-1")
    copy = path.with_name("old-name.json")
    copy.write_bytes(path.read_bytes())
    with pytest.raises(DatelineError) as exc:
        read_pulled(tmp_path, {"d1": TEXT})
    assert exc.value.code == "studio-duplicate-pull"
    assert "old-name.json" in exc.value.message and "user-1.json" in exc.value.message
