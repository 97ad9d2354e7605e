"""A real Label Studio server on 127.0.0.1 for the integration tests (session-scoped).

The server lives in its own venv (``make studio-server`` creates ``.venv-studio``; ``$LS_BIN``
overrides). A template data dir (migrated SQLite DB plus admin user with a legacy token),
made once per Label Studio version by ``label-studio init``, cuts start-up from ~30 s to ~3 s.
Only the process started here is stopped, by its own id, with SIGTERM.
"""

import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[2]
# The team key of pseudonymous annotator ids, for the tests only (a real team keeps its own
# outside the repository).
ANNOTATOR_KEY = "dateline-test-annotator-key-0123456789"
LS_BIN = Path(os.environ.get("LS_BIN") or ROOT / ".venv-studio" / "bin" / "label-studio")
USER, PASSWORD = "admin@example.com", "admin-password-123"
TOKEN = "dateline-test-token-0123456789abcdef0123"  # legacy token, test server only
# Label Studio reads these bare names as fallbacks of its settings: never leak CI's values.
_SCRUB = ("USERNAME", "PASSWORD", "PORT", "HOST", "USER_TOKEN", "DATABASE_NAME", "DEBUG",
          "LOG_LEVEL", "SENTRY_DSN", "LABEL_STUDIO_API_KEY", "LABEL_STUDIO_URL")


def _env(data_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in _SCRUB}
    env.update({
        "LABEL_STUDIO_BASE_DATA_DIR": str(data_dir),
        "LABEL_STUDIO_USERNAME": USER,
        "LABEL_STUDIO_PASSWORD": PASSWORD,
        "LABEL_STUDIO_USER_TOKEN": TOKEN,
        "LABEL_STUDIO_ENABLE_LEGACY_API_TOKEN": "true",  # else a JWT-only org: 401
        "LABEL_STUDIO_DISABLE_SIGNUP_WITHOUT_LINK": "true",
        "SENTRY_DSN": "", "FRONTEND_SENTRY_DSN": "",  # the defaults point at sentry.io
        "LATEST_VERSION_CHECK": "false",  # else a request to PyPI at import time
        "COLLECT_ANALYTICS": "false",
    })
    return env


def _version() -> str:
    out = subprocess.run([str(LS_BIN.with_name("python")), "-c",
                          "import importlib.metadata as m; print(m.version('label-studio'))"],
                         capture_output=True, text=True, check=True)
    return out.stdout.strip()


def _template() -> Path:
    """The migrated data dir for this Label Studio version, made once (atomically)."""
    base = Path(os.environ.get("LS_TEMPLATE_DIR") or LS_BIN.parents[1] / "dateline-templates")
    template = base / f"label-studio-{_version()}"
    if (template / "label_studio.sqlite3").exists():
        return template
    base.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=".building-", dir=base))
    subprocess.run([str(LS_BIN), "init", "--quiet", "--username", USER, "--password", PASSWORD,
                    "--user-token", TOKEN, "--enable-legacy-api-token"], env=_env(work),
                   stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                   check=True, timeout=600)
    try:
        work.rename(template)
    except OSError:  # another session made it meanwhile
        shutil.rmtree(work, ignore_errors=True)
    return template


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def label_studio_server(tmp_path_factory):
    if not LS_BIN.exists():
        pytest.skip(f"no Label Studio server at {LS_BIN}; run `make studio-server`")
    t0 = time.monotonic()
    data_dir = tmp_path_factory.mktemp("label-studio")
    shutil.copytree(_template(), data_dir, dirs_exist_ok=True)
    port = _free_port()
    log_path = data_dir / "server.log"
    t1 = time.monotonic()
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(
            [str(LS_BIN), "start", "--no-browser", "--internal-host", "127.0.0.1",
             "--port", str(port)], env=_env(data_dir), stdin=subprocess.DEVNULL, stdout=log,
            stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 180
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"label-studio exited with {proc.returncode}:\n"
                                   f"{log_path.read_text(errors='replace')[-3000:]}")
            try:
                with urllib.request.urlopen(url + "/health", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise TimeoutError("label-studio did not answer /health within 180 s")
            time.sleep(0.2)
        # A busy port makes Label Studio move to port+1 silently: make sure it is ours.
        assert f"127.0.0.1:{port}/" in log_path.read_text(errors="replace")
        print(f"\nlabel-studio ready in {time.monotonic() - t1:.1f} s "
              f"({time.monotonic() - t0:.1f} s with the template)")
        yield {"url": url, "api_key": TOKEN, "pid": proc.pid, "data_dir": data_dir,
               "bin": LS_BIN, "env": _env(data_dir), "email": USER, "password": PASSWORD}
    finally:
        proc.send_signal(signal.SIGTERM)  # only the process started above
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@pytest.fixture(scope="session")
def studio_env(label_studio_server):
    """Environment for `dateline studio` commands against the test server."""
    env = {k: v for k, v in os.environ.items() if k not in _SCRUB}
    env["LABEL_STUDIO_URL"] = label_studio_server["url"]
    env["LABEL_STUDIO_API_KEY"] = label_studio_server["api_key"]
    env["DATELINE_ANNOTATOR_KEY"] = ANNOTATOR_KEY
    return env


@pytest.fixture(autouse=True)
def annotator_key(monkeypatch):
    """Every studio test has the test team key (a test of a missing key removes it)."""
    monkeypatch.setenv("DATELINE_ANNOTATOR_KEY", ANNOTATOR_KEY)
    return ANNOTATOR_KEY.encode()


@pytest.fixture
def pseudo(annotator_key):
    """The pseudonymous id of an e-mail address under the test key."""
    from dateline.studio.pseudonyms import pseudonym

    return lambda address: pseudonym(address, annotator_key)


@pytest.fixture(scope="session")
def ls_client(label_studio_server):
    from label_studio_sdk import LabelStudio

    return LabelStudio(base_url=label_studio_server["url"],
                       api_key=label_studio_server["api_key"])
