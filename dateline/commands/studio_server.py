"""``dateline studio server init|start|stop|status``: a local Label Studio server without a
browser (the library is :mod:`dateline.studio.server`; this module parses and prints).

>>> import argparse
>>> p = argparse.ArgumentParser(); acts = p.add_subparsers(dest="action"); register(acts)
>>> args = p.parse_args(["server", "init", "--port", "8090"])
>>> args.server_action, args.port, args.email
('init', 8090, 'admin@localhost')
"""

from __future__ import annotations

import argparse
import shlex
from pathlib import Path

from rich.console import Console

from dateline.studio.server import (
    DEFAULT_PORT,
    ServerFiles,
    default_data_dir,
    init,
    start,
    status,
    stop,
)

__all__ = ["register", "run"]


def register(acts: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add the ``server`` action (with its own actions) to ``dateline studio``.

    >>> p = argparse.ArgumentParser(); acts = p.add_subparsers(dest="action"); register(acts)
    >>> p.parse_args(["server", "stop", "--data-dir", "/srv/ls"]).data_dir
    PosixPath('/srv/ls')
    """
    p = acts.add_parser("server", help="a local Label Studio server without a browser: init, "
                        "start, stop, status", description="Set up and run a Label Studio "
                        "server on 127.0.0.1 from an existing install, with its first user "
                        "and a personal access token in a file outside the repository.")
    sub = p.add_subparsers(dest="server_action", metavar="ACTION", required=True)

    def common(q: argparse.ArgumentParser) -> None:
        q.add_argument("--data-dir", type=Path, default=None, help="the server's data folder, "
                       f"outside the repository (default {default_data_dir()})")

    def install(q: argparse.ArgumentParser) -> None:
        q.add_argument("--label-studio", metavar="PATH", help="the label-studio executable "
                       "(default $LS_BIN, else label-studio on the PATH)")
        q.add_argument("--timeout", type=float, default=600.0, help="seconds to wait for the "
                       "server (default %(default)s; a first start migrates the database)")

    q = sub.add_parser("init", help="make the database, the first user and its access token")
    common(q)
    install(q)
    q.add_argument("--email", default="admin@localhost", help="the first user (default "
                   "%(default)s)")
    q.add_argument("--port", type=int, default=DEFAULT_PORT, help="port on 127.0.0.1 "
                   "(default %(default)s)")
    q = sub.add_parser("start", help="start the server in the background")
    common(q)
    install(q)
    q.add_argument("--port", type=int, default=None, help="port on 127.0.0.1 (default: the "
                   "one given to init)")
    q = sub.add_parser("stop", help="stop the server that start started (by its pid)")
    common(q)
    q = sub.add_parser("status", help="say whether the server is set up, running, answering")
    common(q)


def _exports(files: ServerFiles, url: str) -> list[str]:
    return [f"export LABEL_STUDIO_URL={url}",
            f'export LABEL_STUDIO_API_KEY="$(cat {shlex.quote(str(files.token))})"']


def run(args: argparse.Namespace) -> int:
    """Run one server action and return the exit code (``status``: 0 only when the server
    runs and answers).

    >>> import argparse, tempfile
    >>> p = argparse.ArgumentParser(); acts = p.add_subparsers(dest="action"); register(acts)
    >>> run(p.parse_args(["server", "status", "--data-dir", tempfile.mkdtemp()]))
    not initialised: ... (run `dateline studio server init`)
    1
    """
    console = Console(highlight=False, soft_wrap=True)
    files = ServerFiles(args.data_dir or default_data_dir())

    def say(text: str) -> None:
        console.print(text, markup=False)

    if args.server_action == "init":
        email, made = init(files, label_studio=args.label_studio, email=args.email,
                           port=args.port, timeout=args.timeout)
        port = files.read(files.settings).get("port", args.port)
        say(f"{'initialised' if made else 'already initialised'}: Label Studio data in "
            f"{files.data_dir}")
        say(f"first user {email}; password in {files.password} (for the web page)")
        say(f"personal access token in {files.token} (mode 0600)")
        say("next: dateline studio server start, then")
        for line in _exports(files, files.url(int(port))):
            say(f"  {line}")
        return 0
    if args.server_action == "start":
        pid, url, already = start(files, label_studio=args.label_studio, port=args.port,
                                  timeout=args.timeout)
        say(f"{'already running' if already else 'started'}: {url} (pid {pid}; log "
            f"{files.log})")
        for line in _exports(files, url):
            say(f"  {line}")
        return 0
    if args.server_action == "stop":
        pid = stop(files)
        say(f"stopped pid {pid}" if pid is not None else f"not running ({files.data_dir})")
        return 0
    st = status(files)
    if not st.initialised:
        say(f"not initialised: {files.data_dir} (run `dateline studio server init`)")
        return 1
    state = ("running" if st.healthy else "starting or not answering") if st.running \
        else "stopped"
    say(f"{state}: {st.url} ({files.data_dir}{f', pid {st.pid}' if st.pid else ''}); token "
        f"in {files.token}")
    return 0 if st.healthy else 1
