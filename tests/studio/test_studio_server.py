"""The round trip against a real Label Studio server (see conftest.py): config, push with
predictions, annotations made through the API by two annotators, pull, agreement,
adjudication."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from dateline.schemas import check_document, read_jsonl
from dateline.schemas.standoff import from_standoff, is_standoff
from dateline.studio.config import labeling_config
from dateline.studio.sync import annotation_path, document_texts, read_pulled
from dateline.studio.tasks import document_results

DATA = Path(__file__).parents[1] / "data" / "studio"
DOCS = DATA / "docs.jsonl"  # the pushed documents: their texts read the stand-off pulls back
PROJECT = "dateline-roundtrip"


def cli(env, *args, ok=True):
    done = subprocess.run([sys.executable, "-m", "dateline", *args], env=env,
                          capture_output=True, text=True, timeout=300)
    if ok:
        assert done.returncode == 0, done.stdout + done.stderr
    assert env["LABEL_STUDIO_API_KEY"] not in done.stdout + done.stderr
    return done


@pytest.fixture(scope="module")
def gold():
    return {d.id: d for d in read_jsonl(DATA / "gold.jsonl")}


@pytest.fixture(scope="module")
def annotators(ls_client):
    """Two annotators: the admin and a second user the admin annotates for."""
    me = ls_client.users.whoami()
    other = ls_client.users.create(email="annotator2@example.com", username="annotator2")
    return {"admin@example.com": me.id, "annotator2@example.com": other.id}


def _tasks(ls_client, project_id):
    return {t.data["doc_id"]: t for t in ls_client.tasks.list(project=project_id, fields="all")}


def test_round_trip(tmp_path, studio_env, ls_client, gold, annotators, pseudo):
    admin, second_ = pseudo("admin@example.com"), pseudo("annotator2@example.com")
    # -- config: generated, validated by the server, set on a new project
    done = cli(studio_env, "studio", "config", "--project", PROJECT)
    assert "created" in done.stdout
    [project] = [p for p in ls_client.projects.list() if p.title == PROJECT]
    assert project.label_config.strip() == labeling_config().strip()

    # -- push with predictions, twice: the second push creates nothing
    push = ("studio", "push", "--project", PROJECT, "--docs", str(DATA / "docs.jsonl"),
            "--split", "train", "--predictions", str(DATA / "predictions.jsonl"))
    assert "2 tasks created" in cli(studio_env, *push).stdout
    assert "0 tasks created, 0 predictions added, 2 unchanged" in cli(studio_env, *push).stdout
    tasks = _tasks(ls_client, project.id)
    assert sorted(tasks) == ["studio-cafe", "studio-council"]
    preds = ls_client.predictions.list(project=project.id)
    assert len(preds) == 2 and {p.model_version for p in preds} == {"fixture-rules-0.1"}

    # -- annotate through the API, as annotators would: the first starts from the gold
    # items; the second relabels one mention, misses an argument and draws a relation from
    # the argument to the trigger, with a UI-style random region id
    cafe, council = gold["studio-cafe"], gold["studio-council"]
    first = document_results(cafe)
    second = json.loads(json.dumps(first))
    for r in second:
        if r.get("id") == "m4" and r["type"] == "labels":
            r["value"]["labels"] = ["PERSON"]
        if r.get("id") == "m1":
            r["id"] = "Xk3lP0aQ1z"
        if r.get("to_id") == "m1":
            r["to_id"] = "Xk3lP0aQ1z"
    second = [r for r in second if r.get("labels") != ["arg:Time"]]
    for r in second:
        if r.get("labels") == ["arg:Person"]:
            r.update(from_id=r["to_id"], to_id=r["from_id"])
    cafe_task, council_task = tasks["studio-cafe"].id, tasks["studio-council"].id
    ann_a = ls_client.annotations.create(id=cafe_task, result=first, lead_time=30.0,
                                         completed_by=annotators["admin@example.com"])
    ann_b = ls_client.annotations.create(id=cafe_task, result=second, lead_time=45.0,
                                         completed_by=annotators["annotator2@example.com"])
    ls_client.annotations.create(id=council_task, result=document_results(council),
                                 lead_time=20.0, completed_by=annotators["admin@example.com"])

    # -- pull: one Document per annotator, offsets exact, Label Studio ids kept
    out = tmp_path / "annotations"
    done = cli(studio_env, "studio", "pull", "--project", PROJECT, "--out", str(out))
    assert "new 3" in done.stdout
    texts = document_texts([DOCS])
    pulled = read_pulled(out, texts)
    doc_a = pulled["studio-cafe"][admin]
    doc_b = pulled["studio-cafe"][second_]
    assert check_document(doc_a) == [] and check_document(doc_b) == []
    assert doc_a.entities == cafe.entities and doc_a.events == cafe.events
    assert doc_a.quotes == cafe.quotes  # curly quotes, emoji with skin tone, in the content
    assert doc_a.layers.quotes.source == (
        f"labelstudio:project/{project.id}/task/{cafe_task}/annotation/{ann_a.id}")
    assert doc_b.quotes[0].speaker == "Xk3lP0aQ1z"
    assert doc_b.mention("m4").label == "PERSON"
    assert [a.role for a in doc_b.events[0].arguments] == ["Agent", "Person", "Place"]
    for doc in (doc_a, doc_b):
        for m in doc.entities:
            assert doc.text[m.start:m.end] == m.text
    assert doc_a.mention("m1").text == "Dr. Zoë Müller"
    assert doc_a.entities[5].text == "the café"

    # -- pulling twice changes nothing, byte for byte
    files = {p: p.read_bytes() for p in sorted(out.rglob("*.json"))}
    assert len(files) == 3
    assert all(is_standoff(json.loads(b)) and b'"text":' not in b for b in files.values())
    done = cli(studio_env, "studio", "pull", "--project", PROJECT, "--out", str(out))
    assert "unchanged 3" in done.stdout
    assert {p: p.read_bytes() for p in sorted(out.rglob("*.json"))} == files

    # -- an annotation edited in Label Studio replaces its earlier pull, reported
    second[0]["value"]["labels"] = ["ORGANIZATION"]  # m1 -> the renamed first entity
    ls_client.annotations.update(id=ann_b.id, result=second)
    done = cli(studio_env, "studio", "pull", "--project", PROJECT, "--out", str(out))
    assert "changed 1" in done.stdout and second_ in done.stdout
    assert "entities: 1 relabelled (Xk3lP0aQ1z PERSON → ORGANIZATION)" in done.stdout
    path = annotation_path(out, "studio-cafe", second_)
    edited = from_standoff(json.loads(path.read_bytes()), texts["studio-cafe"], where=str(path))
    assert edited.entities[0].label == "ORGANIZATION"

    # -- the server stores invalid results; pull reports them and imports nothing
    bad = [dict(first[0], value=dict(first[0]["value"], labels=["PER"])),
           {"from_id": "q1", "to_id": "nowhere", "type": "relation", "direction": "right",
            "labels": ["speaker"]}]
    third = ls_client.users.create(email="annotator3@example.com", username="annotator3")
    bad_ann = ls_client.annotations.create(id=council_task, result=bad, completed_by=third.id)
    done = cli(studio_env, "studio", "pull", "--project", PROJECT, "--out", str(out), ok=False)
    assert done.returncode == 1
    assert "studio-unknown-label" in done.stdout and "studio-dangling-relation" in done.stdout
    assert f"annotation {bad_ann.id}" in done.stdout
    assert not annotation_path(out, "studio-council", pseudo("annotator3@example.com")).exists()
    ls_client.annotations.delete(id=bad_ann.id)

    # -- agreement: the doubly annotated document is measured, the single one counted
    done = cli(studio_env, "agreement", str(out), "--expect", str(DOCS), "--documents",
               str(DOCS), "--format", "json", "--bootstrap", "200")
    report = json.loads(done.stdout)
    assert report["documents"]["annotated_by_2_or_more"] == 1
    assert report["documents"]["single"] == ["studio-council"]
    pair = report["pairs"][f"{admin} | {second_}"]
    assert (pair["gold"], pair["prediction"]) == (admin, second_)
    assert pair["quotes"]["f1"] == 1.0 and pair["events"]["f1"] == 1.0
    # the speaker mention got a new region id: still the same speaker, at both levels
    assert pair["quotes"]["metrics"]["speaker_mention"]["f1"] == 1.0
    assert pair["quotes"]["metrics"]["speaker_entity"]["f1"] == 1.0
    assert 0 < pair["entities"]["f1"] < 1 and pair["entities"]["per_label"]["TIME"]["f1"] == 1
    assert pair["entities"]["documents"]["statuses"] == ["gold"]
    assert pair["arguments"]["per_label"]["Time"]["f1"] == 0.0  # the missed argument
    args = pair["arguments"]["metrics"]["argument_classification"]
    assert args["counts"]["gold"] == args["counts"]["pred"] + 1 and args["f1"] < 1
    assert all(m["f1_interval"] == [m["f1"], m["f1"]]  # one document: no spread
               for unit in ("entities", "events", "arguments", "quotes")
               for m in pair[unit]["metrics"].values() if m["f1"] is not None)
    assert report["alpha"]["entities"]["level_of_measurement"] == "nominal"
    assert report["alpha"]["quotes"]["alpha"] == 1.0

    # -- adjudication: the designated adjudicator's version, with provenance
    corpus_ann = tmp_path / "corpus-annotations"
    done = cli(studio_env, "adjudicate", str(out), "--policy", "adjudicator",
               "--adjudicator", "admin@example.com", "--out", str(corpus_ann),  # its pseudonym
               "--documents", str(DOCS))
    assert "new 2" in done.stdout
    path = corpus_ann / "studio-cafe.json"
    merged = from_standoff(json.loads(path.read_bytes()), texts["studio-cafe"], where=str(path))
    assert merged.entities == cafe.entities and merged.quotes == cafe.quotes
    info = merged.layers.events
    assert info.status == "gold"
    assert info.annotators == tuple(sorted((admin, second_)))
    assert f"annotation/{ann_a.id}" in info.source and f"annotation/{ann_b.id}" in info.source
    assert check_document(merged) == []
    # majority of two: what both agree on is kept, the rest listed for review
    done = cli(studio_env, "adjudicate", str(out), "--policy", "majority", "--documents",
               str(DOCS), "--out", str(tmp_path / "majority"), "--conflicts",
               str(tmp_path / "c.json"))
    assert "not adjudicated studio-council" in done.stdout
    conflicts = json.loads((tmp_path / "c.json").read_text())
    assert any(c["item"].startswith("argument Time") for c in conflicts)
    path = tmp_path / "majority" / "studio-cafe.json"
    majority = from_standoff(json.loads(path.read_bytes()), texts["studio-cafe"], where=str(path))
    layers = {c["layer"] for c in conflicts}
    assert {k: getattr(majority.layers, k).coverage for k in ("entities", "events", "quotes")} \
        == {k: "partial" if k in layers else "exhaustive" for k in ("entities", "events", "quotes")}
    # no e-mail address reaches any file written
    for f in [*out.rglob("*"), *corpus_ann.rglob("*"), *(tmp_path / "majority").rglob("*"),
              tmp_path / "c.json"]:
        assert "@" not in f.name
        if f.is_file():
            assert b"@" not in f.read_bytes(), f



def test_token_never_appears(studio_env):
    env = dict(studio_env, LABEL_STUDIO_API_KEY="wrong-token-5f3a9c1e7b")
    done = cli(env, "studio", "pull", "--project", PROJECT, ok=False)
    assert done.returncode == 2
    assert "studio-unauthorized" in done.stderr
    assert "wrong-token-5f3a9c1e7b" not in done.stdout + done.stderr
    env = {k: v for k, v in studio_env.items() if k != "LABEL_STUDIO_API_KEY"}
    done = subprocess.run([sys.executable, "-m", "dateline", "studio", "pull", "--project", "x"],
                          env=env, capture_output=True, text=True, stdin=subprocess.DEVNULL)
    assert done.returncode == 2 and "studio-no-token" in done.stderr
