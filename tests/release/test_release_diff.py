"""`dateline corpus diff`: the pure built-folder diff, its JSON and table, and git revisions."""

import json
import shutil

import pytest
from release_helpers import commit_all, doc, git, init_repo

from dateline.cli import main
from dateline.diff import diff_documents, diff_folders, read_built
from dateline.gitrev import build_revision
from dateline.schemas import DatelineError, LayerInfo, Layers, write_jsonl


def write_built(folder, splits):
    """A built folder: data/default/{split}-00000-of-00001.jsonl."""
    for split, docs in splits.items():
        write_jsonl(docs, folder / "data" / "default" / f"{split}-00000-of-00001.jsonl")
    return folder


def test_identical_corpora_give_an_empty_diff():
    a = {"d1": ("train", doc("d1"))}
    d = diff_documents(a, dict(a))
    assert d.empty and d.documents_unchanged == 1
    assert all(v == {"added": 0, "removed": 0, "changed": 0} for v in d.summary().values())


def test_documents_and_items_added_removed_changed():
    base = doc("d1")
    a = {"d1": ("train", base), "gone": ("test", doc("gone"))}
    changed = base.model_copy(update={
        "entities": (base.entities[0],  # m1 kept
                     base.entities[1].model_copy(update={"label": "ORGANIZATION"}),  # m2 relabelled
                     base.entities[2].model_copy(update={"id": "m9"})),  # m3 -> m9
        "quotes": (),
        "events": (base.events[0].model_copy(update={"type": None}),),
    })
    b = {"d1": ("train", changed), "new": ("validation", doc("new"))}
    d = diff_documents(a, b)
    assert (d.documents_added, d.documents_removed, d.documents_changed) == (["new"], ["gone"],
                                                                             ["d1"])
    ents = d.layers["entities"]
    assert [(c.id, c.before, c.after, c.fields) for c in ents.changed] == [
        ("m2", "PERSON", "ORGANIZATION", ["label"])]
    assert [(r.id, r.label, r.start, r.end) for r in ents.removed] == [("m3", "LOCATION", 18, 22)]
    assert [(r.id, r.label) for r in ents.added] == [("m9", "LOCATION")]
    assert [(r.id, r.label) for r in d.layers["quotes"].removed] == [("q1", "indirect")]
    ev = d.layers["events"].changed[0]
    assert (ev.before, ev.after, ev.fields) == ("Contact.Meet", "untyped", ["type"])
    assert d.items_in_added == {"entities": 3, "events": 1, "quotes": 1}
    assert d.items_in_removed == {"entities": 3, "events": 1, "quotes": 1}
    assert not d.text_changed
    json.dumps(d.to_dict())  # JSON-ready


def test_text_split_meta_and_provenance_changes_are_reported():
    a = {"d1": ("train", doc("d1"))}
    other = doc("d1", text="Ann Lee met Bo in Oslo!",
                layers=Layers(entities=LayerInfo(status="draft")))
    b = {"d1": ("test", other.model_copy(update={"meta": other.meta.model_copy(
        update={"title": "T"})}))}
    d = diff_documents(a, b)
    [t] = d.text_changed
    assert t.doc == "d1" and t.before["at"] == 22 and t.after["excerpt"] == "!"
    kinds = {c.kind: c for c in d.document_changes}
    assert (kinds["split"].before, kinds["split"].after) == ("train", "test")
    assert kinds["meta"].after == {"title": "T"}
    assert kinds["layer:entities"].before["status"] == "gold"
    assert kinds["layer:entities"].after["status"] == "draft"


def test_folders_cli_table_and_json(tmp_path, capsys):
    a = write_built(tmp_path / "a", {"train": [doc("d1")], "test": [doc("d2")]})
    b = write_built(tmp_path / "b", {"train": [doc("d1", labels=("PERSON", "LOCATION",
                                                                 "LOCATION"))],
                                     "test": [doc("d2", text="Ann Lee met Bo in Oslo?")]})
    assert set(read_built(a)) == {"d1", "d2"} and read_built(a)["d2"][0] == "test"
    out = tmp_path / "diff.json"
    assert main(["corpus", "diff", str(a), str(b), "--json", str(out)]) == 0
    table = capsys.readouterr().out
    assert "TEXT CHANGED in 1 document" in table and "d2" in table
    assert "PERSON → LOCATION" in table
    data = json.loads(out.read_text())
    assert data["summary"]["documents"]["changed"] == 2
    assert data["layers"]["entities"]["changed"][0]["id"] == "m2"
    assert main(["corpus", "diff", str(a), str(b), "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == data  # JSON alone on stdout
    assert diff_folders(a, a).empty


def test_a_coverage_change_shows_what_changed(tmp_path, capsys, monkeypatch):
    from dateline.schemas import Region

    monkeypatch.setenv("COLUMNS", "200")  # rich wraps no cell
    base = doc("d1")
    ents = base.layers.entities
    partial = base.model_copy(update={"layers": base.layers.model_copy(update={
        "entities": ents.model_copy(update={"coverage": "partial", "regions": (
            Region(start=0, end=7), Region(start=12, end=20))}),
        "events": base.layers.events.model_copy(update={"not_annotated": ("arguments",)})})})
    a = write_built(tmp_path / "a", {"train": [base]})
    b = write_built(tmp_path / "b", {"train": [partial]})
    out = tmp_path / "diff.json"
    assert main(["corpus", "diff", str(a), str(b), "--json", str(out)]) == 0
    table = capsys.readouterr().out
    assert "{} → {}" not in table
    assert "coverage: exhaustive → partial" in table and "whole text → 2 regions" in table
    assert "not_annotated: none → arguments" in table
    changes = {c["kind"]: c for c in json.loads(out.read_text())["document_changes"]}
    assert changes["layer:entities"]["before"] == {"regions": None, "coverage": "exhaustive"}
    assert changes["layer:entities"]["after"]["coverage"] == "partial"
    assert changes["layer:events"]["after"] == {"not_annotated": ["arguments"]}


def test_unknown_side_is_a_usage_error(tmp_path, capsys):
    assert main(["corpus", "diff", str(tmp_path / "nope"), str(tmp_path), "--corpus",
                 str(tmp_path)]) == 2
    assert "[unknown-revision]" in capsys.readouterr().err
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(DatelineError, match="diff-not-built"):
        read_built(empty)


def test_git_revisions_are_built_then_diffed(tmp_path):
    """The git layer on a temporary repository whose 'build' copies hand-written documents."""
    repo = init_repo(tmp_path / "repo")
    write_jsonl([doc("d1"), doc("d2")], repo / "docs.jsonl")
    first = commit_all(repo, "two documents (#1)")
    git(repo, "tag", "corpus-v0.1.0")
    write_jsonl([doc("d1", labels=("PERSON", "ORGANIZATION", "LOCATION")), doc("d3")],
                repo / "docs.jsonl")
    commit_all(repo, "relabel, replace d2 by d3 (#2)")
    (repo / "docs.jsonl").write_text("not built from the work tree\n")  # uncommitted

    def builder(checkout, sources):
        out = checkout / "built"
        (out / "data" / "default").mkdir(parents=True)
        shutil.copy(checkout / "docs.jsonl", out / "data" / "default" / "train-0.jsonl")
        return out

    a = build_revision(repo, "corpus-v0.1.0", tmp_path, tmp_path / "w" / "a", builder=builder)
    b = build_revision(repo, "HEAD", tmp_path, tmp_path / "w" / "b", builder=builder)
    assert a.parent.name == first[:12]
    d = diff_folders(a, b)
    assert (d.documents_added, d.documents_removed) == (["d3"], ["d2"])
    assert [(c.id, c.before, c.after) for c in d.layers["entities"].changed] == [
        ("m2", "PERSON", "ORGANIZATION")]
    with pytest.raises(DatelineError, match="unknown-revision"):
        build_revision(repo, "corpus-v9.9.9", tmp_path, tmp_path / "w" / "c", builder=builder)


def test_cli_builds_a_revision_with_its_own_code_or_says_why_not(tmp_path, capsys):
    """A revision without the project's pyproject cannot be built: a coded error, exit 1."""
    repo = init_repo(tmp_path / "repo")
    (repo / "corpus").mkdir()
    write_jsonl([doc("d1")], repo / "corpus" / "docs.jsonl")
    commit_all(repo, "no build here")
    built = write_built(tmp_path / "built", {"train": [doc("d1")]})
    assert main(["corpus", "diff", "HEAD", str(built), "--corpus", str(repo / "corpus")]) == 1
    assert "[revision-not-buildable]" in capsys.readouterr().err
