"""``dateline studio server init|start|stop|status``: a Label Studio server set up without a
browser. The real round trip (init -> start -> push and pull with the written token -> stop)
runs against $LS_BIN (``make studio-server``; never skipped in CI); failures are provoked with
a stand-in executable (fake_label_studio.py) that answers like Label Studio."""

import json
import os
import signal
import socket
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from dateline.schemas import DatelineError, Document, write_jsonl
from dateline.studio import server as srv
from dateline.studio.process import started_at
from dateline.studio.sync import read_pulled

FAKE = Path(__file__).with_name("fake_label_studio.py")
ROOT = Path(__file__).parents[2]
LS_BIN = Path(os.environ.get("LS_BIN") or ROOT / ".venv-studio" / "bin" / "label-studio")
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


def cli(*args, env=None, ok=True):
    done = subprocess.run([sys.executable, "-m", "dateline", "studio", *args], env=env,
                          capture_output=True, text=True, timeout=900)
    if ok:
        assert done.returncode == 0, done.stdout + done.stderr
    return done


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture()
def fake(tmp_path):
    exe = tmp_path / "bin" / "label-studio"
    exe.parent.mkdir()
    exe.write_text(f"#!/bin/sh\nexec {sys.executable} {FAKE} \"$@\"\n")
    exe.chmod(0o755)
    return exe


@pytest.fixture()
def files(tmp_path):
    made = srv.ServerFiles(tmp_path / "data")
    yield made
    srv.stop(made)  # whatever a failing test left running, by its recorded pid


def mode(path):
    return stat.S_IMODE(path.stat().st_mode)


def test_init_start_stop_with_a_stand_in(fake, files, monkeypatch):
    port = free_port()
    email, made = srv.init(files, label_studio=fake, email="lead@localhost", port=port,
                           timeout=60)
    assert (email, made) == ("lead@localhost", True)
    assert files.token.read_text() == "fake-personal-access-token\n"
    assert mode(files.token) == mode(files.password) == 0o600 and mode(files.state) == 0o700
    assert srv.status(files).initialised and not srv.status(files).running  # init stops it
    # a second init changes nothing
    assert srv.init(files, label_studio=fake, port=port) == ("lead@localhost", False)

    pid, url, already = srv.start(files, timeout=60)
    assert (url, already) == (f"http://127.0.0.1:{port}", False)
    assert srv.start(files)[:2] == (pid, url) and srv.start(files)[2] is True
    st = srv.status(files)
    assert (st.pid, st.healthy) == (pid, True)
    # the server's environment: no bare fallbacks, no calls home
    environ = Path(f"/proc/{pid}/environ").read_bytes().split(b"\0")
    assert b"SENTRY_DSN=" in environ and b"LATEST_VERSION_CHECK=false" in environ
    assert srv.stop(files) == pid and started_at(pid) is None
    assert srv.stop(files) is None and not files.pid.exists()


def test_stop_never_signals_a_process_that_got_the_pid_later(fake, files):
    srv.init(files, label_studio=fake, port=free_port(), timeout=60)
    other = subprocess.Popen(["sleep", "60"])
    try:
        # a record of a server long gone whose pid now belongs to another process
        files.pid.write_text(json.dumps({"pid": other.pid, "started": "1", "port": 1}))
        assert srv.stop(files) is None
        assert other.poll() is None and not files.pid.exists()
    finally:
        other.send_signal(signal.SIGTERM)
        other.wait()


def test_server_commands_print_the_exports(fake, tmp_path):
    data = tmp_path / "cli-data"
    port = free_port()
    out = cli("server", "init", "--data-dir", str(data), "--label-studio", str(fake),
              "--port", str(port)).stdout
    token = data / "dateline" / "api-token"
    assert f"export LABEL_STUDIO_URL=http://127.0.0.1:{port}" in out
    assert f'export LABEL_STUDIO_API_KEY="$(cat {token})"' in out
    assert "fake-personal-access-token" not in out  # the token itself is never printed
    assert cli("server", "status", "--data-dir", str(data), ok=False).returncode == 1
    assert "started" in cli("server", "start", "--data-dir", str(data)).stdout
    assert cli("server", "status", "--data-dir", str(data)).stdout.startswith("running")
    assert "stopped pid" in cli("server", "stop", "--data-dir", str(data)).stdout
    assert "not running" in cli("server", "stop", "--data-dir", str(data)).stdout


def test_every_failure_is_coded(fake, files, tmp_path, monkeypatch):
    def code(fn, *args, **kwargs):
        with pytest.raises(DatelineError) as err:
            fn(*args, **kwargs)
        return err.value.code

    repo = Path(srv.__file__).resolve().parents[2]
    assert code(srv.init, srv.ServerFiles(repo / "ls-data")) == "studio-server-data-in-repo"
    assert code(srv.find_label_studio, tmp_path / "none") == "studio-server-no-install"
    assert code(srv.find_label_studio, None, {"PATH": ""}) == "studio-server-no-install"
    assert code(srv.start, files) == "studio-server-not-initialised"
    foreign = srv.ServerFiles(tmp_path / "foreign")
    foreign.data_dir.mkdir()
    (foreign.data_dir / "label_studio.sqlite3").write_bytes(b"")
    assert code(srv.init, foreign, label_studio=fake) == "studio-server-data-in-use"

    monkeypatch.setenv("FAKE_LS_INIT_FAIL", "1")
    assert code(srv.init, files, label_studio=fake, port=free_port()) == \
        "studio-server-init-failed"
    monkeypatch.delenv("FAKE_LS_INIT_FAIL")
    port = free_port()
    srv.init(files, label_studio=fake, port=port, timeout=60)

    with socket.socket() as taken:
        taken.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # past init's TIME_WAIT
        taken.bind(("127.0.0.1", port))
        taken.listen()
        assert code(srv.start, files) == "studio-server-port-busy"
    monkeypatch.setenv("FAKE_LS_START_FAIL", "1")
    assert code(srv.start, files, timeout=30) == "studio-server-start-failed"
    assert not files.pid.exists()
    monkeypatch.delenv("FAKE_LS_START_FAIL")

    files.token.unlink()  # lost: the user holds a token the server will not hand out again
    assert code(srv.init, files, label_studio=fake, port=port) == "studio-server-token-exists"
    files.password.write_text("not the password\n")
    assert code(srv.init, files, label_studio=fake, port=port) == "studio-server-login-failed"
    assert not srv.status(files).running  # init stopped the server it started, even so

    files.settings.write_text("{not json")
    assert code(srv.start, files) == "studio-server-bad-state"


@pytest.mark.skipif(not LS_BIN.exists() and not IN_CI,
                    reason=f"no Label Studio server at {LS_BIN}; run `make studio-server`")
def test_real_server_init_start_push_pull_stop(tmp_path):
    """The README's recipe, as a newcomer would run it, against the real server."""
    data = tmp_path / "ls-data"
    port = free_port()
    base = {k: v for k, v in os.environ.items()
            if k not in ("LABEL_STUDIO_URL", "LABEL_STUDIO_API_KEY")}
    base["LS_BIN"] = str(LS_BIN)
    t0 = time.monotonic()
    cli("server", "init", "--data-dir", str(data), "--port", str(port), env=base)
    t1 = time.monotonic()
    cli("server", "start", "--data-dir", str(data), env=base)
    t2 = time.monotonic()
    token = (data / "dateline" / "api-token").read_text().strip()
    assert mode(data / "dateline" / "api-token") == 0o600
    env = {**base, "LABEL_STUDIO_URL": f"http://127.0.0.1:{port}", "LABEL_STUDIO_API_KEY": token}
    try:
        text = "Ana Lima met Rui Costa in Porto."
        docs = tmp_path / "docs.jsonl"
        write_jsonl([Document(id="setup-1", text=text)], docs)
        assert "1 tasks created" in cli("push", "--project", "setup", "--docs", str(docs),
                                        env=env).stdout
        from label_studio_sdk import LabelStudio

        ls = LabelStudio(base_url=env["LABEL_STUDIO_URL"], api_key=token)  # a PAT: JWT
        [project] = [p for p in ls.projects.list() if p.title == "setup"]
        [task] = ls.tasks.list(project=project.id)
        ls.annotations.create(id=task.id, result=[{
            "id": "m1", "type": "labels", "from_name": "entity", "to_name": "text",
            "value": {"start": 0, "end": 8, "text": "Ana Lima", "labels": ["PERSON"]}}])
        out = tmp_path / "pulled"
        assert "new 1" in cli("pull", "--project", "setup", "--out", str(out), env=env).stdout
        [doc] = read_pulled(out, {"setup-1": text})["setup-1"].values()
        assert [(m.start, m.end, m.text) for m in doc.entities] == [(0, 8, "Ana Lima")]
    finally:
        stopped = cli("server", "stop", "--data-dir", str(data), env=base).stdout
    assert "stopped pid" in stopped
    print(f"\ninit {t1 - t0:.1f} s, start {t2 - t1:.1f} s, push+pull+stop "
          f"{time.monotonic() - t2:.1f} s")
