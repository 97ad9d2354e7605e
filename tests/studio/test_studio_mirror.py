"""A pull mirrors its project: deleted, cancelled, invalid and refused annotations lose their
files, files of an older naming are renamed, other projects' files stay, a dry run changes
nothing; and no e-mail address reaches a file."""

import json

import pytest

from dateline.cli import main
from dateline.schemas import DatelineError
from dateline.studio.convert import tasks_documents
from dateline.studio.files import read_pulled, write_pulled
from dateline.studio.names import annotation_path
from dateline.studio.sync import pull

TEXT = "Bo met Al."


def _region(label="PERSON"):
    return {"id": "m1", "type": "labels", "from_name": "entity", "to_name": "text",
            "value": {"start": 0, "end": 2, "text": "Bo", "labels": [label]}}


def _task(doc_id="d1", *annotations, project=1, task_id=7):
    return {"id": task_id, "project": project, "data": {"text": TEXT, "doc_id": doc_id},
            "annotations": list(annotations)}


def _ann(ann_id, email, label="PERSON", **fields):
    return {"id": ann_id, "completed_by": {"id": ann_id, "email": email},
            "result": [_region(label)], **fields}


def _pull(root, tasks, project=1, dry_run=False):
    report = write_pulled(tasks_documents(tasks), root, project=project, dry_run=dry_run)
    return {(e.status, e.ls_id) for e in report.entries}, report


def _files(root):
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*.json"))}


def test_a_deleted_annotation_disappears_and_a_dry_run_only_says_so(tmp_path, pseudo):
    both = [_task("d1", _ann(1, "a@x.org"), _ann(2, "b@x.org"))]
    assert _pull(tmp_path, both)[0] == {("new", 1), ("new", 2)}
    before = _files(tmp_path)
    one = [_task("d1", _ann(1, "a@x.org"))]
    statuses, report = _pull(tmp_path, one, dry_run=True)
    assert statuses == {("unchanged", 1), ("deleted", 2)} and report.dry_run
    assert _files(tmp_path) == before  # nothing written or removed
    statuses, report = _pull(tmp_path, one)
    assert statuses == {("unchanged", 1), ("deleted", 2)}
    [gone] = [e for e in report.entries if e.status == "deleted"]
    assert gone.annotator == pseudo("b@x.org") and "no longer on the server" in gone.detail
    assert list(read_pulled(tmp_path, {"d1": TEXT})["d1"]) == [pseudo("a@x.org")]
    assert _pull(tmp_path, [])[0] == {("deleted", 1)}
    assert not any(tmp_path.iterdir())  # the emptied document folder goes too


def test_an_annotation_that_became_invalid_supersedes_its_earlier_file(tmp_path):
    _pull(tmp_path, [_task("d1", _ann(1, "a@x.org"))])
    statuses, report = _pull(tmp_path, [_task("d1", _ann(1, "a@x.org", label="PER"))])
    assert statuses == {("invalid", 1), ("superseded", 1)}
    assert {i.check for i in report.problems} == {"studio-unknown-label"}
    assert read_pulled(tmp_path, {"d1": TEXT}) == {}


def test_a_cancelled_annotation_and_a_refused_task_remove_their_files(tmp_path):
    _pull(tmp_path, [_task("d1", _ann(1, "a@x.org")), _task("d2", _ann(2, "a@x.org"),
                                                            task_id=8)])
    cancelled = _ann(1, "a@x.org", was_cancelled=True)
    broken = _task("d2", task_id=8)
    broken["data"]["meta"] = "not an object"
    statuses, report = _pull(tmp_path, [_task("d1", cancelled), broken])
    assert statuses == {("skipped", 1), ("deleted", 1), ("invalid", None), ("superseded", 2)}
    [deleted] = [e for e in report.entries if e.status == "deleted"]
    assert "cancelled" in deleted.detail
    assert read_pulled(tmp_path, {"d1": TEXT, "d2": TEXT}) == {}


def test_files_of_another_project_or_of_a_file_import_are_left_alone(tmp_path):
    _pull(tmp_path, [_task("d1", _ann(1, "a@x.org"), project=2)], project=2)
    write_pulled(tasks_documents([{"data": {"text": TEXT, "doc_id": "d3"},
                                   "annotations": [_ann(3, "a@x.org")]}]), tmp_path)
    before = _files(tmp_path)
    assert _pull(tmp_path, [], project=1)[0] == set()
    assert _files(tmp_path) == before


def test_a_file_of_an_older_naming_is_renamed_to_the_pseudonym(tmp_path, pseudo):
    _pull(tmp_path, [_task("d1", _ann(1, "a b@x.org"))])
    path = annotation_path(tmp_path, "d1", pseudo("a b@x.org"))
    data = json.loads(path.read_bytes())
    for layer in data["layers"].values():
        layer["annotators"] = ["a b@x.org"]  # as an earlier version wrote it
    old = path.with_name("a%20b@x.org.json")
    old.write_text(json.dumps(data))
    path.unlink()
    with pytest.raises(DatelineError) as exc:  # never read as it is
        read_pulled(tmp_path, {"d1": TEXT})
    assert exc.value.code == "studio-address-in-file" and "pull the project again" in exc.value.fix
    statuses, report = _pull(tmp_path, [_task("d1", _ann(1, "a b@x.org"))])
    assert statuses == {("renamed", 1)}
    assert "from d1/a%20b@x.org.json" in report.entries[0].detail
    assert [p.name for p in tmp_path.rglob("*.json")] == [path.name]
    assert all(b"@" not in b for b in _files(tmp_path).values())


def test_no_address_reaches_a_file(tmp_path):
    tasks = [_task("d1", _ann(1, "ann.lee@example.org"), _ann(2, "Bo@Example.ORG")),
             _task("d2", _ann(3, "ann.lee@example.org"), task_id=8)]
    _pull(tmp_path, tasks)
    assert len(_files(tmp_path)) == 3
    for name, data in _files(tmp_path).items():
        assert "@" not in name and b"@" not in data


def test_without_a_team_key_an_address_is_refused(tmp_path, monkeypatch):
    monkeypatch.delenv("DATELINE_ANNOTATOR_KEY")
    monkeypatch.setenv("DATELINE_ANNOTATOR_KEY_FILE", str(tmp_path / "no-such-key"))
    with pytest.raises(DatelineError) as exc:
        tasks_documents([_task("d1", _ann(1, "a@x.org"))])
    assert exc.value.code == "studio-no-annotator-key"
    assert "token_hex" in exc.value.fix


def test_the_team_key_file_is_private_and_outside_the_repository(tmp_path, monkeypatch, repo):
    from dateline.studio.pseudonyms import team_key

    monkeypatch.delenv("DATELINE_ANNOTATOR_KEY")
    key = tmp_path / "annotator-key"
    key.write_text("0123456789abcdef0123456789abcdef\n")
    monkeypatch.setenv("DATELINE_ANNOTATOR_KEY_FILE", str(key))
    key.chmod(0o644)
    with pytest.raises(DatelineError) as exc:
        team_key()
    assert exc.value.code == "studio-key-readable" and "chmod 600" in exc.value.fix
    key.chmod(0o600)
    assert team_key() == b"0123456789abcdef0123456789abcdef"
    key.write_text("short")
    with pytest.raises(DatelineError) as exc:
        team_key()
    assert exc.value.code == "studio-weak-annotator-key"
    monkeypatch.setenv("DATELINE_ANNOTATOR_KEY_FILE", str(repo / "corpus" / "annotator-key"))
    with pytest.raises(DatelineError) as exc:
        team_key()
    assert exc.value.code == "studio-key-in-repository"


# --------------------------------------------------------------------------- import


def _export(tmp_path):
    """An export as Label Studio 1.23 writes it (annotators by user id only), the server's
    users, and the same project behind a stand-in SDK client."""
    from types import SimpleNamespace as NS

    from dateline.studio.client import Connection

    def ann(ann_id, user_id):
        return {"id": ann_id, "completed_by": user_id, "result": [_region()]}

    tasks = [_task("d1", ann(1, 11), ann(2, 12)), _task("d2", ann(3, 11), task_id=8)]
    users = [{"id": 11, "email": "Ann.Lee@example.org", "username": "ann"},
             {"id": 12, "email": "bo@example.org", "username": "bo"}, {"id": 13, "email": None}]
    export, users_file = tmp_path / "export.json", tmp_path / "users.json"
    export.write_text(json.dumps(tasks))
    users_file.write_text(json.dumps(users))
    exports = NS(create=lambda project_id, **options: NS(id=3),
                 get=lambda project_id, export_pk: NS(status="completed"),
                 download=lambda project_id, export_pk, export_type: [json.dumps(tasks).encode()],
                 delete=lambda project_id, export_pk: None)
    client = NS(projects=NS(list=lambda title: [NS(id=1, title=title)], exports=exports),
                users=NS(list=lambda: [NS(**u) for u in users]))
    return export, users_file, Connection(client, "http://ls", "token")


def test_import_with_the_users_writes_what_a_pull_writes(tmp_path, capsys, pseudo):
    export, users, conn = _export(tmp_path)
    pull(conn, project="p", root=tmp_path / "pulled")
    assert main(["studio", "import", str(export), "--users", str(users),
                 "--out", str(tmp_path / "imported")]) == 0
    assert "note:" not in capsys.readouterr().out
    pulled, imported = _files(tmp_path / "pulled"), _files(tmp_path / "imported")
    assert imported == pulled and len(pulled) == 3  # the same names, byte for byte
    assert f"d1/{pseudo('ann.lee@example.org')}.json" in imported
    assert all("@" not in name and b"@" not in data for name, data in imported.items())


def test_import_without_the_users_names_annotators_by_user_id_and_says_so(tmp_path, capsys):
    export, _, conn = _export(tmp_path)
    assert main(["studio", "import", str(export), "--out", str(tmp_path / "imported")]) == 0
    out = " ".join(capsys.readouterr().out.split())
    assert sorted(_files(tmp_path / "imported")) == ["d1/user-11.json", "d1/user-12.json",
                                                     "d2/user-11.json"]
    assert "note: 2 annotator(s) named by Label Studio user id only (user-11, user-12)" in out
    assert "--users FILE" in out
    # A later pull of the project renames them to the pseudonyms: the files of a pull.
    report = pull(conn, project="p", root=tmp_path / "imported")
    assert {e.status for e in report.entries} == {"renamed"}
    pull(conn, project="p", root=tmp_path / "pulled")
    assert _files(tmp_path / "imported") == _files(tmp_path / "pulled")


@pytest.mark.parametrize(("users", "where"), [
    ("{not json", ""), ('{"results": []}', " $"), ('[{"id": "11", "email": "a@x.org"}]',
                                                   " $[0].id"), ('[{"id": 11, "email": 5}]',
                                                                 " $[0].email")])
def test_a_users_file_that_is_no_list_of_users_is_refused(tmp_path, capsys, users, where):
    export, users_file, _ = _export(tmp_path)
    users_file.write_text(users)
    assert main(["studio", "import", str(export), "--users", str(users_file),
                 "--out", str(tmp_path / "imported")]) == 2
    assert f"[studio-bad-users-file] {users_file}{where}:" in capsys.readouterr().err
    assert not (tmp_path / "imported").exists()


# --------------------------------------------------------------------------- progress


def _export_file(tmp_path, n=30):
    tasks = [_task(f"d{k}", _ann(k, f"a{k % 3}@x.org"), task_id=k) for k in range(n)]
    path = tmp_path / "export.json"
    path.write_text(json.dumps(tasks))
    return ["studio", "import", str(path), "--out", str(tmp_path / "pulled")]


@pytest.mark.parametrize(("terminal", "quiet", "shown"), [
    (True, False, True), (True, True, False), (False, False, False)])
def test_progress_is_shown_on_a_terminal_unless_quiet(tmp_path, capsys, monkeypatch, terminal,
                                                      quiet, shown):
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    if terminal:
        monkeypatch.setenv("FORCE_COLOR", "1")  # rich: stderr counts as a terminal
    args = _export_file(tmp_path) + (["--quiet"] if quiet else [])
    assert main(args) == 0
    captured = capsys.readouterr()
    assert "30 annotations: new 30" in captured.out
    assert ("writing annotations" in captured.err) is shown
    if not shown:
        assert captured.err == ""


def test_reading_and_writing_report_their_progress(tmp_path):
    steps = []
    tasks = [_task(f"d{k}", _ann(k, "a@x.org"), task_id=k) for k in range(3)]
    pulled = tasks_documents(tasks, progress=lambda *s: steps.append(s))
    write_pulled(pulled, tmp_path, progress=lambda *s: steps.append(s))
    assert steps == [("reading tasks", k, 3) for k in (1, 2, 3)] + [
        ("writing annotations", k, 3) for k in (0, 1, 2, 3)]
