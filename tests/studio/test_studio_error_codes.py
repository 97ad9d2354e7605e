"""Label Studio round-trip errors: provoked through the converter, the sync functions with a
stand-in client, and the CLI before it connects; the few that need a server's answer against
the test server of conftest.py."""

import json
import socket
import sys
import types
from functools import partial

import pytest

from dateline.baselines.tokens import grapheme_tokens
from dateline.cli import main
from dateline.evaluation.agreement import agreement as _agreement
from dateline.schemas import (
    DatelineError,
    Document,
    LayerInfo,
    Layers,
    Mention,
    Quote,
    Span,
    write_jsonl,
)
from dateline.schemas.standoff import standoff_json
from dateline.studio.adjudicate import adjudicate
from dateline.studio.client import Connection, connect
from dateline.studio.config import labeling_config
from dateline.studio.sync import annotation_path, export_tasks, find_project, pull, push
from dateline.studio.tasks import document_results, document_task

# The tokenizer the `agreement` command uses.
agreement = partial(_agreement, tokenizer=grapheme_tokens)

TOKEN = {"LABEL_STUDIO_API_KEY": "test-token-0000"}


def _raised(fn, *args, **kwargs) -> DatelineError:
    with pytest.raises(DatelineError) as exc:
        fn(*args, **kwargs)
    return exc.value


def _doc(doc_id="d1", text="Ann met Bo.", annotator="ann1") -> Document:
    info = LayerInfo(status="gold", annotators=(annotator,), labels=("PERSON",))
    return Document(id=doc_id, text=text, entities=(
        Mention(id="m1", start=0, end=3, text=text[:3], label="PERSON"),),
        layers=Layers(entities=info))


# --------------------------------------------------------------------------- no server needed


def test_an_item_id_that_clashes_with_a_derived_region_id() -> None:
    # The quote's cue becomes a region "q1-cue": the mention of that id clashes with it.
    doc = _doc().model_copy(update={
        "entities": (Mention(id="q1-cue", start=0, end=3, text="Ann", label="PERSON"),),
        "quotes": (Quote(id="q1", content=(Span(start=8, end=10, text="Bo"),),
                         cue=Span(start=4, end=7, text="met"), kind="direct"),)})
    err = _raised(document_results, doc)
    assert (err.code, err.exit_code) == ("studio-id-clash", 1) and "'q1-cue'" in err.message


def test_a_prediction_on_another_text() -> None:
    doc = _doc()
    other = _doc(text="Ann met Bob.")
    err = _raised(document_task, doc, predictions=[(other, "rules-1")])
    assert (err.code, err.where) == ("prediction-text-differs", "d1")


@pytest.mark.parametrize("content", ["{not json", '{"tasks": []}'])
def test_import_refuses_a_file_that_is_no_json_export(tmp_path, capsys, content) -> None:
    path = tmp_path / "export.json"
    path.write_text(content, encoding="utf-8")
    assert main(["studio", "import", str(path), "--out", str(tmp_path / "out")]) == 2
    assert "[studio-bad-export]" in capsys.readouterr().err


@pytest.mark.parametrize("command", [["agreement"], ["adjudicate", "--policy", "majority"]])
def test_a_missing_or_empty_pull_folder_is_an_error_not_zero_documents(tmp_path, capsys,
                                                                        command) -> None:
    docs = tmp_path / "docs.jsonl"
    write_jsonl([_doc()], docs)
    folder = tmp_path / "pulled"
    options = ["--documents", str(docs)] + (["--out", str(tmp_path / "adj")]
                                            if command[0] == "adjudicate" else [])
    assert main([command[0], str(folder), *command[1:], *options]) == 2
    err = capsys.readouterr().err
    assert "[studio-no-pulls]" in err and str(folder) in err and "studio pull" in err
    (folder / "d1").mkdir(parents=True)  # a folder without files: nothing to measure
    (folder / "d1.json").write_text("{}")  # an adjudicated file is no pull
    assert main([command[0], str(folder), *command[1:], *options]) == 2
    err = capsys.readouterr().err
    assert "[studio-empty-pulls]" in err and str(folder) in err and "adjudicated" in err
    assert not (tmp_path / "adj").exists()


def test_predictions_without_a_model_version(tmp_path, capsys) -> None:
    docs = tmp_path / "docs.jsonl"
    write_jsonl([_doc()], docs)  # a gold layer: no silver source names the model
    assert main(["studio", "push", "--project", "p", "--docs", str(docs),
                 "--predictions", str(docs)]) == 2
    assert "[studio-no-model-version]" in capsys.readouterr().err

    class Projects:  # the stand-in server knows the project already
        def list(self, title):
            return [types.SimpleNamespace(id=1, title=title, label_config=labeling_config())]

    conn = Connection(types.SimpleNamespace(projects=Projects()), "http://127.0.0.1:9", "t")
    err = _raised(push, conn, [_doc()], project="p", predictions={"d1": _doc()})
    assert (err.code, err.exit_code) == ("studio-no-model-version", 2)


def test_predictions_that_are_no_file_without_an_extractor_registry(tmp_path, capsys,
                                                                    monkeypatch) -> None:
    docs = tmp_path / "docs.jsonl"
    write_jsonl([_doc()], docs)
    monkeypatch.setitem(sys.modules, "dateline.baselines", types.ModuleType("dateline.baselines"))
    assert main(["studio", "push", "--project", "p", "--docs", str(docs),
                 "--predictions", "crf"]) == 2
    assert "[no-such-file] crf is no file" in capsys.readouterr().err


def test_pushing_a_split_without_the_corpus_loader(monkeypatch, capsys) -> None:
    monkeypatch.setitem(sys.modules, "dateline.loading", None)  # as if not installed
    assert main(["studio", "push", "--project", "p", "--split", "test"]) == 2
    assert "[no-corpus]" in capsys.readouterr().err


def test_connect_without_the_sdk(monkeypatch) -> None:
    monkeypatch.setitem(sys.modules, "label_studio_sdk", None)
    err = _raised(connect, "http://127.0.0.1:9", env=TOKEN)
    assert (err.code, err.exit_code) == ("studio-sdk-missing", 2)


def test_connect_to_a_port_where_no_server_listens() -> None:
    with socket.socket() as s:  # a free port on this machine, closed again: nothing listens
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    err = _raised(connect, f"http://127.0.0.1:{port}", env=TOKEN, timeout=5)
    assert (err.code, err.exit_code) == ("studio-unreachable", 2)
    assert TOKEN["LABEL_STUDIO_API_KEY"] not in str(err)


class _Exports:
    """A stand-in for the SDK's exports API whose snapshot stays at ``status``."""

    def __init__(self, status: str) -> None:
        self.status = status

    def create(self, project_id, **kwargs):
        return types.SimpleNamespace(id=7)

    def get(self, project_id, export_pk):
        return types.SimpleNamespace(status=self.status)


@pytest.mark.parametrize("status, code", [("queued", "studio-export-timeout"),
                                          ("failed", "studio-export-failed")])
def test_an_export_that_never_completes(status, code) -> None:
    client = types.SimpleNamespace(projects=types.SimpleNamespace(exports=_Exports(status)))
    conn = Connection(client, "http://127.0.0.1:9", "t")
    err = _raised(export_tasks, conn, 3, timeout=0.0)
    assert (err.code, err.exit_code) == (code, 1) and "export 7 of project 3" in err.message


def test_annotators_who_saw_different_texts() -> None:
    a, b = _doc(annotator="ann1"), _doc(text="Ann met Bob.", annotator="ann2")
    err = _raised(agreement, {"d1": {"ann1": a, "ann2": b}})
    assert (err.code, err.where) == ("agreement-text-differs", "d1")


def test_an_unknown_policy_or_no_adjudicator() -> None:
    docs = {"ann1": _doc()}
    err = _raised(adjudicate, docs, policy="loudest")
    assert (err.code, err.exit_code) == ("unknown-policy", 2)
    err = _raised(adjudicate, docs, policy="adjudicator")
    assert (err.code, err.exit_code) == ("no-adjudicator", 2)


def test_adjudicate_never_overwrites_a_file_it_did_not_write(tmp_path, capsys) -> None:
    doc = _doc()
    docs, pulled, out = tmp_path / "docs.jsonl", tmp_path / "pulled", tmp_path / "out"
    write_jsonl([doc], docs)
    path = annotation_path(pulled, doc.id, "ann1")
    path.parent.mkdir(parents=True)
    path.write_text(standoff_json(doc), encoding="utf-8")
    out.mkdir()
    (out / f"{doc.id}.json").write_text(json.dumps({"note": "mine"}), encoding="utf-8")
    assert main(["adjudicate", str(pulled), "--policy", "adjudicator", "--adjudicator", "ann1",
                 "--documents", str(docs), "--out", str(out)]) == 1
    assert "[adjudicate-foreign-file]" in capsys.readouterr().err
    assert json.loads((out / f"{doc.id}.json").read_text()) == {"note": "mine"}


# --------------------------------------------------------------------------- the test server


@pytest.fixture(scope="module")
def conn(label_studio_server):
    return connect(label_studio_server["url"], env={
        "LABEL_STUDIO_API_KEY": label_studio_server["api_key"]})


def test_pull_of_a_project_that_does_not_exist(conn, tmp_path) -> None:
    err = _raised(pull, conn, project="dateline-no-such-project", root=tmp_path)
    assert (err.code, err.exit_code) == ("studio-no-project", 2)


def test_two_projects_with_one_title(conn, tmp_path) -> None:
    title = "dateline-twins"
    ids = [conn.client.projects.create(title=title).id for _ in range(2)]
    err = _raised(find_project, conn, title)
    assert (err.code, err.exit_code) == ("studio-ambiguous-project", 1)
    assert all(str(i) in err.message for i in ids)
    assert _raised(pull, conn, project=title, root=tmp_path).code == "studio-ambiguous-project"


def test_the_server_refusing_a_request(conn) -> None:
    err = _raised(export_tasks, conn, 987654)  # no such project: HTTP 404
    assert (err.code, err.exit_code) == ("studio-api-error", 1) and "HTTP 404" in err.message
