"""What a team does over weeks, against the real Label Studio server (see conftest.py): an
annotation deleted on the server disappears from the pulled folder, an invalid one takes its
earlier file with it, a push notices a text edited on the server, and a pull writes into the
corpus folder whatever the current directory."""

import json
import subprocess
import sys
from pathlib import Path

import pytest
from test_studio_coref import _doc as coref_doc

from dateline.schemas import read_jsonl, write_jsonl
from dateline.studio.names import annotation_path
from dateline.studio.sync import document_texts, read_pulled
from dateline.studio.tasks import document_results

DATA = Path(__file__).parents[1] / "data" / "studio"
DOCS = DATA / "docs.jsonl"
PROJECT = "dateline-team"


def cli(env, *args, ok=True, cwd=None):
    done = subprocess.run([sys.executable, "-m", "dateline", *args], env=env, cwd=cwd,
                          capture_output=True, text=True, timeout=300)
    if ok:
        assert done.returncode == 0, done.stdout + done.stderr
    return done


@pytest.fixture(scope="module")
def team(ls_client, studio_env):
    """A project with both documents and two annotators of the first."""
    cli(studio_env, "studio", "push", "--project", PROJECT, "--docs", str(DOCS))
    [project] = [p for p in ls_client.projects.list() if p.title == PROJECT]
    tasks = {t.data["doc_id"]: t for t in ls_client.tasks.list(project=project.id, fields="all")}
    users = [ls_client.users.create(email=f"team-{k}@example.com", username=f"team{k}")
             for k in ("a", "b")]
    gold = {d.id: d for d in read_jsonl(DATA / "gold.jsonl")}
    result = document_results(gold["studio-cafe"])
    anns = [ls_client.annotations.create(id=tasks["studio-cafe"].id, result=result,
                                         completed_by=u.id) for u in users]
    return {"project": project, "tasks": tasks, "users": users, "annotations": anns,
            "result": result}


def test_a_deleted_annotation_disappears_on_the_next_pull(tmp_path, studio_env, ls_client, team,
                                                          pseudo):
    out = tmp_path / "pulled"
    pull = ("studio", "pull", "--project", PROJECT, "--out", str(out))
    assert "new 2" in cli(studio_env, *pull).stdout
    a, b = pseudo("team-a@example.com"), pseudo("team-b@example.com")
    path_b = annotation_path(out, "studio-cafe", b)
    assert path_b.is_file()
    ls_client.annotations.delete(id=team["annotations"][1].id)
    done = cli(studio_env, *pull, "--dry-run")
    assert "dry run" in done.stdout and "deleted 1" in done.stdout and path_b.is_file()
    done = cli(studio_env, *pull)
    assert f"deleted    studio-cafe by {b}" in done.stdout and "deleted 1" in done.stdout
    assert done.stderr == ""  # no progress display on a pipe
    assert not path_b.exists()
    texts = document_texts([DOCS])
    assert list(read_pulled(out, texts)["studio-cafe"]) == [a]
    report = json.loads(cli(studio_env, "agreement", str(out), "--documents", str(DOCS),
                            "--format", "json", "--bootstrap", "10").stdout)
    assert report["documents"]["annotated_by_2_or_more"] == 0  # no longer counted

    # the remaining annotation becomes invalid on the server: its earlier file goes too
    bad = [dict(team["result"][0], value=dict(team["result"][0]["value"], labels=["PER"]))]
    ls_client.annotations.update(id=team["annotations"][0].id, result=bad)
    done = cli(studio_env, *pull, ok=False)
    assert done.returncode == 1 and "superseded 1" in done.stdout and "invalid 1" in done.stdout
    assert "studio-unknown-label" in done.stdout
    assert read_pulled(out, texts) == {}
    for f in tmp_path.rglob("*"):
        assert "@" not in f.name and (f.is_dir() or b"@" not in f.read_bytes())


def test_a_push_after_the_text_was_edited_on_the_server_is_refused(studio_env, ls_client, team):
    task = team["tasks"]["studio-council"]
    ls_client.tasks.update(id=task.id, data=dict(task.data, text=task.data["text"] + " Edited."))
    done = cli(studio_env, "studio", "push", "--project", PROJECT, "--docs", str(DOCS),
               ok=False)
    assert done.returncode == 1
    assert "studio-text-hash" in done.stdout and "edited on the server" in done.stdout
    assert "1 unchanged, 1 refused" in done.stdout


def test_a_pull_writes_into_the_corpus_folder_from_any_directory(tmp_path, studio_env,
                                                                 ls_client, team):
    me = ls_client.users.whoami()
    ls_client.annotations.create(id=team["tasks"]["studio-cafe"].id, result=team["result"],
                                 completed_by=me.id)
    corpus, elsewhere = tmp_path / "corpus", tmp_path / "corpus" / "sub"
    elsewhere.mkdir(parents=True)
    env = dict(studio_env, DATELINE_CORPUS=str(corpus))
    done = cli(env, "studio", "pull", "--project", PROJECT, cwd=elsewhere, ok=False)
    assert done.returncode in (0, 1), done.stderr
    assert not any(elsewhere.iterdir())  # no corpus/corpus/annotations/...
    assert not (corpus / "corpus").exists()
    assert [p.parent.name for p in (corpus / "annotations" / "labelstudio").rglob("*.json")] \
        == ["studio-cafe"]


def test_coreference_clusters_and_links_come_back_exactly(tmp_path, studio_env, ls_client):
    doc = coref_doc()
    docs = tmp_path / "coref.jsonl"
    write_jsonl([doc], docs)
    cli(studio_env, "studio", "push", "--project", "dateline-coref", "--docs", str(docs))
    [project] = [p for p in ls_client.projects.list() if p.title == "dateline-coref"]
    [task] = ls_client.tasks.list(project=project.id, fields="all")
    me = ls_client.users.whoami()
    ls_client.annotations.create(id=task.id, result=document_results(doc), completed_by=me.id)
    out = tmp_path / "pulled"
    assert "new 1" in cli(studio_env, "studio", "pull", "--project", "dateline-coref",
                          "--out", str(out)).stdout
    [back] = read_pulled(out, {doc.id: doc.text})[doc.id].values()
    assert back.entities == doc.entities and back.quotes == doc.quotes
    assert {m.entity for m in back.entities} == {"e1", "e2"}


def test_the_guidelines_are_the_projects_instructions(tmp_path, studio_env, ls_client):
    guide = tmp_path / "GUIDELINES.md"
    guide.write_text("# Entities\n\nMark *every* person.\n", encoding="utf-8")
    args = ("studio", "config", "--project", "dateline-guided", "--guidelines", str(guide))
    assert "instructions from" in cli(studio_env, *args).stdout
    [project] = [p for p in ls_client.projects.list() if p.title == "dateline-guided"]
    project = ls_client.projects.get(id=project.id)
    assert project.show_instruction
    assert project.expert_instruction.startswith("<h1>Entities</h1>")
    assert "unchanged" in cli(studio_env, *args).stdout
    # docs/annotation.md, step 3: two annotators per task
    ls_client.projects.update(id=project.id, maximum_annotations=2,
                              overlap_cohort_percentage=100)
    assert ls_client.projects.get(id=project.id).maximum_annotations == 2


def test_an_import_of_the_servers_export_with_its_users_equals_a_pull(tmp_path, studio_env,
                                                                      ls_client, pseudo):
    # docs/annotation.md: the export file (Export > JSON) names annotators by user id only;
    # with the server's user list (GET /api/users/) the import names them as the pull does.
    import urllib.request

    project = "dateline-import"
    cli(studio_env, "studio", "push", "--project", project, "--docs", str(DOCS))
    [proj] = [p for p in ls_client.projects.list() if p.title == project]
    tasks = {t.data["doc_id"]: t for t in ls_client.tasks.list(project=proj.id, fields="all")}
    gold = {d.id: d for d in read_jsonl(DATA / "gold.jsonl")}
    for k in ("a", "b"):
        user = ls_client.users.create(email=f"Import-{k}@Example.com", username=f"import{k}")
        ls_client.annotations.create(id=tasks["studio-cafe"].id, completed_by=user.id,
                                     result=document_results(gold["studio-cafe"]))

    def get(path):
        request = urllib.request.Request(studio_env["LABEL_STUDIO_URL"] + path, headers={
            "Authorization": f"Token {studio_env['LABEL_STUDIO_API_KEY']}"})
        with urllib.request.urlopen(request, timeout=60) as answer:
            return answer.read()

    export, users = tmp_path / "export.json", tmp_path / "users.json"
    export.write_bytes(get(f"/api/projects/{proj.id}/export?exportType=JSON"))
    users.write_bytes(get("/api/users/"))
    assert b"@" not in export.read_bytes()  # what the HMAC needs is not in the export
    cli(studio_env, "studio", "pull", "--project", project, "--out", str(tmp_path / "pulled"))
    done = cli(studio_env, "studio", "import", str(export), "--users", str(users), "--out",
               str(tmp_path / "imported"))
    assert "new 2" in done.stdout and "note:" not in done.stdout

    def files(root):
        return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*.json")}

    pulled, imported = files(tmp_path / "pulled"), files(tmp_path / "imported")
    assert imported == pulled
    assert sorted(imported) == sorted(f"studio-cafe/{pseudo(f'import-{k}@example.com')}.json"
                                      for k in ("a", "b"))
    bare = cli(studio_env, "studio", "import", str(export), "--out", str(tmp_path / "bare"))
    assert "named by Label Studio user id only" in bare.stdout
