"""A local Label Studio server set up without a browser: ``dateline studio server
init|start|stop|status``.

The server is an existing install (``--label-studio PATH``, else ``$LS_BIN``, else
``label-studio`` on the PATH; :data:`INSTALL_HINT` says how to install one in its own venv). Its
data folder (SQLite database, media) lies outside the repository, by default
``~/.local/share/dateline/label-studio`` (``$XDG_DATA_HOME`` is honoured); dateline keeps its
own files in its ``dateline/`` subfolder, only the owner may read them (0700/0600):

- ``server.json``: the install, port and first user that ``init`` chose;
- ``admin-password``: the first user's password (made at random), for the web page;
- ``api-token``: that user's personal access token, for ``$LABEL_STUDIO_API_KEY``;
- ``server.pid``: the process ``start`` started, with its start time, so that ``stop`` ends
  that process and no other that got its id later;
- ``server.log``: what the server printed.

The server listens on 127.0.0.1 only, with Label Studio's calls home (Sentry, the PyPI
version check, analytics) switched off and the bare variables it would read as fallbacks
(``USERNAME``, ``PORT``, ...) removed from its environment.

>>> files = ServerFiles(Path("/srv/ls"))
>>> files.token.as_posix(), files.url(8080)
('/srv/ls/dateline/api-token', 'http://127.0.0.1:8080')
"""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dateline.schemas import DatelineError
from dateline.studio.pat import check_token, personal_access_token
from dateline.studio.process import (
    healthy,
    port_free,
    reap,
    started_at,
    terminate,
    write_private,
)

__all__ = ["DEFAULT_PORT", "INSTALL_HINT", "ServerFiles", "ServerStatus", "default_data_dir",
           "find_label_studio", "init", "server_env", "start", "status", "stop"]

DEFAULT_PORT = 8080
HOST = "127.0.0.1"
LABEL_STUDIO_VERSION = "1.23.2"
_VENV = "~/.local/share/dateline/ls-venv"
INSTALL_HINT = (f"python3 -m venv {_VENV} && {_VENV}/bin/pip install "
                f"label-studio=={LABEL_STUDIO_VERSION} (or `make studio-server` in the "
                f"repository), then pass --label-studio {_VENV}/bin/label-studio (or export "
                "LS_BIN=that path)")
# Label Studio reads these bare names as fallbacks of its own settings.
_SCRUB = ("USERNAME", "PASSWORD", "PORT", "HOST", "USER_TOKEN", "DATABASE_NAME", "DEBUG",
          "LOG_LEVEL", "SENTRY_DSN", "LABEL_STUDIO_API_KEY", "LABEL_STUDIO_URL",
          "LABEL_STUDIO_USERNAME", "LABEL_STUDIO_PASSWORD", "LABEL_STUDIO_USER_TOKEN")
_REPOSITORY = Path(__file__).resolve().parents[2]


def default_data_dir(env: Mapping[str, str] | None = None) -> Path:
    """``$XDG_DATA_HOME/dateline/label-studio``, else ``~/.local/share/dateline/label-studio``.

    >>> default_data_dir({"XDG_DATA_HOME": "/data"}).as_posix()
    '/data/dateline/label-studio'
    """
    env = os.environ if env is None else env
    base = Path(env["XDG_DATA_HOME"]) if env.get("XDG_DATA_HOME") else \
        Path.home() / ".local" / "share"
    return base / "dateline" / "label-studio"


def find_label_studio(path: str | os.PathLike[str] | None = None,
                      env: Mapping[str, str] | None = None) -> Path:
    """The ``label-studio`` executable: ``path``, else ``$LS_BIN``, else the one on the PATH.

    >>> find_label_studio("/no/such/label-studio")
    Traceback (most recent call last):
    ...
    dateline.schemas.errors.DatelineError: [studio-server-no-install] /no/such/label-studio: ...
    """
    import shutil

    env = os.environ if env is None else env
    given = path or env.get("LS_BIN") or shutil.which("label-studio", path=env.get("PATH"))
    if not given or not os.access(given, os.X_OK) or Path(given).is_dir():
        raise DatelineError("studio-server-no-install", "no Label Studio server install "
                            f"{'at ' + str(given) if given else 'given'}"
                            " (--label-studio, $LS_BIN or label-studio on the PATH)",
                            where=str(given or "label-studio"), fix=f"install it: {INSTALL_HINT}")
    return Path(given).absolute()


def _repository_of(path: Path) -> Path | None:
    for folder in (path, *path.parents):
        if (folder / ".git").exists():
            return folder
    return None


def check_outside_repository(path: Path, cwd: Path | None = None) -> None:
    """Refuse a data folder inside dateline's repository or the current directory's git work
    tree: the token, password and database would be one `git add` away from a commit.

    >>> check_outside_repository(_REPOSITORY / "corpus" / "ls")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    dateline.schemas.errors.DatelineError: [studio-server-data-in-repo] ...
    """
    target = path.absolute()
    for repo in {_repository_of(_REPOSITORY), _repository_of((cwd or Path.cwd()).absolute())}:
        if repo is not None and target.is_relative_to(repo):
            raise DatelineError("studio-server-data-in-repo", f"the data folder {target} is "
                                f"inside the git work tree {repo}", where=str(target),
                                fix="pass a --data-dir outside it (the default is "
                                f"{default_data_dir()})")


@dataclass(frozen=True)
class ServerFiles:
    """dateline's files in a Label Studio data folder (see the module's docstring).

    >>> ServerFiles(Path("/srv/ls")).pid.name
    'server.pid'
    """

    data_dir: Path

    @property
    def state(self) -> Path:
        """The folder of dateline's own files."""
        return self.data_dir / "dateline"

    settings = property(lambda self: self.state / "server.json")
    password = property(lambda self: self.state / "admin-password")
    token = property(lambda self: self.state / "api-token")
    pid = property(lambda self: self.state / "server.pid")
    log = property(lambda self: self.state / "server.log")

    def url(self, port: int) -> str:
        """The server's URL on ``port``."""
        return f"http://{HOST}:{port}"

    def read(self, path: Path) -> dict[str, Any]:
        """A JSON state file, or a coded error saying how to recover."""
        try:
            data = json.loads(path.read_text("utf-8"))
        except FileNotFoundError:
            raise DatelineError("studio-server-not-initialised", f"{self.data_dir} holds no "
                                "server made by `dateline studio server init`", where=str(path),
                                fix="run `dateline studio server init` (with the same "
                                "--data-dir)") from None
        except (OSError, ValueError) as exc:
            raise DatelineError("studio-server-bad-state", f"cannot read {path}: {exc}",
                                where=str(path), fix="delete the file; for server.json run "
                                "`dateline studio server init` on a new --data-dir") from None
        if not isinstance(data, dict):
            raise DatelineError("studio-server-bad-state", f"{path} holds no JSON object",
                                where=str(path), fix="delete the file")
        return data


def server_env(data_dir: Path, env: Mapping[str, str] | None = None,
               **extra: str) -> dict[str, str]:
    """The environment to run Label Studio in: ``env`` without the bare names it would read
    as settings, its data folder, no calls home, no sign-up without an invitation.

    >>> e = server_env(Path("/srv/ls"), {"PORT": "1", "HOME": "/root"})
    >>> "PORT" in e, e["LABEL_STUDIO_BASE_DATA_DIR"], e["SENTRY_DSN"], e["HOME"]
    (False, '/srv/ls', '', '/root')
    """
    env = os.environ if env is None else env
    out = {k: v for k, v in env.items() if k not in _SCRUB}
    out.update({"LABEL_STUDIO_BASE_DATA_DIR": str(data_dir),
                "LABEL_STUDIO_DISABLE_SIGNUP_WITHOUT_LINK": "true",
                "SENTRY_DSN": "", "FRONTEND_SENTRY_DSN": "", "LATEST_VERSION_CHECK": "false",
                "COLLECT_ANALYTICS": "false", **extra})
    return out


def _ours(files: ServerFiles) -> dict[str, Any] | None:
    """The recorded server process, when it is still that process; else None."""
    if not files.pid.exists():
        return None
    rec = files.read(files.pid)
    pid = rec.get("pid")
    if type(pid) is not int or pid <= 0:
        return None
    reap(pid)
    started = rec.get("started")
    return rec if started is not None and started_at(pid) == started else None


def _log_tail(files: ServerFiles) -> str:
    try:
        return files.log.read_text("utf-8", "replace")[-1500:]
    except OSError:
        return ""


@dataclass(frozen=True)
class ServerStatus:
    """What ``status`` found: initialised, running (its pid), answering.

    >>> ServerStatus(Path("/srv/ls"), True, 123, "http://127.0.0.1:8080", True).running
    True
    """

    data_dir: Path
    initialised: bool
    pid: int | None
    url: str | None
    healthy: bool

    @property
    def running(self) -> bool:
        """True when the recorded process is alive."""
        return self.pid is not None


def start(files: ServerFiles, *, label_studio: str | os.PathLike[str] | None = None,
          port: int | None = None, timeout: float = 300.0) -> tuple[int, str, bool]:
    """Start the server in the background (it outlives this process); return its pid, URL
    and whether it was running already. The process is recorded in ``server.pid``.

    >>> start(ServerFiles(Path("/no/such/folder")))
    Traceback (most recent call last):
    ...
    dateline.schemas.errors.DatelineError: [studio-server-not-initialised] ...
    """
    settings = files.read(files.settings)
    running = _ours(files)
    if running is not None:
        return running["pid"], files.url(running["port"]), True
    exe = find_label_studio(label_studio or settings.get("label_studio"))
    port = int(port or settings.get("port") or DEFAULT_PORT)
    if not port_free(port):
        raise DatelineError("studio-server-port-busy", f"port {port} on {HOST} is in use "
                            "(Label Studio would move to another port without saying so)",
                            where=files.url(port), fix="pass a free --port, or stop what "
                            "listens there")
    files.state.mkdir(parents=True, exist_ok=True, mode=0o700)
    with open(files.log, "ab") as log:
        offset = log.tell()
        proc = subprocess.Popen(
            [str(exe), "start", "--no-browser", "--internal-host", HOST, "--port", str(port)],
            env=server_env(files.data_dir, PYTHONUNBUFFERED="1"), stdin=subprocess.DEVNULL,
            stdout=log, stderr=subprocess.STDOUT, start_new_session=True, cwd=files.data_dir)
    started = started_at(proc.pid)
    write_private(files.pid, json.dumps({"pid": proc.pid, "started": started, "port": port,
                                          "label_studio": str(exe)}) + "\n")
    url = files.url(port)
    deadline = time.monotonic() + timeout
    while not healthy(url):
        if proc.poll() is not None or time.monotonic() > deadline:
            exited = proc.poll() is not None
            terminate(proc.pid, started)
            files.pid.unlink(missing_ok=True)
            raise DatelineError("studio-server-start-failed", (
                f"label-studio exited with {proc.returncode}" if exited else
                f"label-studio did not answer {url}/health within {timeout:.0f} s") +
                f"; the end of {files.log}:\n{_log_tail(files)}", where=str(exe),
                fix="read the log above; on a slow or busy machine pass a longer --timeout")
        time.sleep(0.3)
    with open(files.log, "rb") as log:
        log.seek(offset)
        said = log.read().decode("utf-8", "replace")
    if f"{HOST}:{port}/" not in said:  # it answers, but moved to another port: not ours
        terminate(proc.pid, started)
        files.pid.unlink(missing_ok=True)
        raise DatelineError("studio-server-port-busy", f"another server answers on port {port}",
                            where=url, fix="pass a free --port, or stop what listens there")
    return proc.pid, url, False


def stop(files: ServerFiles, timeout: float = 20.0) -> int | None:
    """Stop the process that ``start`` recorded, by its pid (never another that got the pid
    later); return it, or None when it was not running (a stale record is removed).

    >>> stop(ServerFiles(Path("/no/such/folder"))) is None
    True
    """
    rec = _ours(files)
    if rec is None:
        files.pid.unlink(missing_ok=True)
        return None
    terminate(rec["pid"], rec["started"], timeout)
    files.pid.unlink(missing_ok=True)
    return int(rec["pid"])


def status(files: ServerFiles) -> ServerStatus:
    """Whether the server of ``files`` is initialised, running and answering.

    >>> status(ServerFiles(Path("/no/such/folder"))).initialised
    False
    """
    initialised = files.settings.exists() and files.token.exists()
    rec = _ours(files)
    port = rec["port"] if rec else (files.read(files.settings).get("port")
                                    if files.settings.exists() else None)
    url = files.url(int(port)) if port else None
    return ServerStatus(files.data_dir, initialised, rec["pid"] if rec else None, url,
                        bool(rec and url and healthy(url)))


def init(files: ServerFiles, *, label_studio: str | os.PathLike[str] | None = None,
         email: str = "admin@localhost", port: int = DEFAULT_PORT,
         timeout: float = 600.0) -> tuple[str, bool]:
    """Make the database and first user, start the server once to create the user's
    personal access token (written to ``api-token``, 0600), and stop it again. Return the
    user's e-mail and whether anything was made (an initialised folder is left as it is).

    >>> init(ServerFiles(_REPOSITORY / "ls-data"))
    Traceback (most recent call last):
    ...
    dateline.schemas.errors.DatelineError: [studio-server-data-in-repo] ...
    """
    check_outside_repository(files.data_dir)
    if files.settings.exists() and files.token.exists():
        return str(files.read(files.settings).get("email", email)), False
    exe = find_label_studio(label_studio)
    if (files.data_dir / "label_studio.sqlite3").exists() and not files.settings.exists():
        raise DatelineError("studio-server-data-in-use", f"{files.data_dir} holds a Label "
                            "Studio database that `dateline studio server init` did not make",
                            where=str(files.data_dir), fix="pass a new --data-dir (this one "
                            "has users and tokens of its own)")
    files.data_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    files.state.mkdir(exist_ok=True, mode=0o700)
    if not files.password.exists():
        write_private(files.password, secrets.token_urlsafe(18) + "\n")
    password = files.password.read_text("utf-8").strip()
    if not (files.data_dir / "label_studio.sqlite3").exists():
        # The user comes from the environment: a password on the command line is visible to
        # every user of the machine in `ps`.
        with open(files.log, "ab") as log:
            try:
                done = subprocess.run(
                    [str(exe), "init", "--quiet"], stdin=subprocess.DEVNULL, stdout=log,
                    stderr=subprocess.STDOUT, timeout=timeout, cwd=files.data_dir, check=False,
                    env=server_env(files.data_dir, LABEL_STUDIO_USERNAME=email,
                                   LABEL_STUDIO_PASSWORD=password))
                code: int | str = done.returncode
            except subprocess.TimeoutExpired:
                code = f"no end after {timeout:.0f} s"
        if code != 0 or not (files.data_dir / "label_studio.sqlite3").exists():
            raise DatelineError("studio-server-init-failed", f"`label-studio init` failed "
                                f"({code}); the end of {files.log}:\n{_log_tail(files)}",
                                where=str(exe), fix="read the log above; check the install "
                                f"with `{exe} --help`")
    write_private(files.settings, json.dumps({"label_studio": str(exe), "port": port,
                                               "email": email}, indent=1) + "\n")
    _, url, was_running = start(files, label_studio=exe, port=port, timeout=timeout)
    try:
        token = personal_access_token(url, email, password)
        check_token(url, token)
        write_private(files.token, token + "\n")
    finally:
        if not was_running:
            stop(files)
    return email, True
