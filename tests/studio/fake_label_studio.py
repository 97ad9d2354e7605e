#!/usr/bin/env python3
"""A stand-in for the ``label-studio`` executable, for the server set-up tests that provoke
failures (the real one is tested in test_studio_server_setup.py against $LS_BIN).

``init``: makes ``label_studio.sqlite3`` and records the user from the environment (exit 3 when
``FAKE_LS_INIT_FAIL`` is set). ``start``: answers ``/health``, the login form and the token
endpoints like Label Studio does (one personal access token per user: a second is 409); exits
1 at once when ``FAKE_LS_START_FAIL`` is set.
"""

import json
import os
import sys
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

DATA = Path(os.environ["LABEL_STUDIO_BASE_DATA_DIR"])
USERS = DATA / "fake-users.json"
PAT, ACCESS = "fake-personal-access-token", "fake-access"


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def _send(self, status, body=b"", headers=()):
        self.send_response(status)
        for k, v in headers:
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        if self.path == "/health":
            return self._send(200, b'{"status": "UP"}')
        if self.path == "/user/login/":
            return self._send(200, b"<form></form>", [("Set-Cookie", "csrftoken=c1; Path=/")])
        if self.path == "/api/current-user/whoami":
            if self.headers.get("Authorization") == f"Bearer {ACCESS}":
                user = json.loads(USERS.read_text())
                return self._send(200, json.dumps({"email": user["email"]}).encode())
            return self._send(401, b'{"detail": "no"}')
        return self._send(404)

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        user = json.loads(USERS.read_text())
        if self.path == "/user/login/":
            form = dict(urllib.parse.parse_qsl(body.decode()))
            if (form.get("email"), form.get("password")) == (user["email"], user["password"]):
                return self._send(302, headers=[("Location", "/"),
                                                ("Set-Cookie", "sessionid=s1; Path=/")])
            return self._send(200, b"<form>wrong password</form>")
        if self.path == "/api/token/":
            if "sessionid=s1" not in (self.headers.get("Cookie") or ""):
                return self._send(401)
            if user.get("token"):
                return self._send(409, b'{"detail": "You already have a valid token."}')
            USERS.write_text(json.dumps({**user, "token": PAT}))
            return self._send(201, json.dumps({"token": PAT}).encode())
        if self.path == "/api/token/refresh/":
            if json.loads(body).get("refresh") == PAT:
                return self._send(200, json.dumps({"access": ACCESS}).encode())
            return self._send(401, b'{"detail": "bad"}')
        return self._send(404)


def main(argv):
    if argv[0] == "init":
        if os.environ.get("FAKE_LS_INIT_FAIL"):
            print("init failed on purpose")
            return 3
        (DATA / "label_studio.sqlite3").write_bytes(b"")
        USERS.write_text(json.dumps({"email": os.environ["LABEL_STUDIO_USERNAME"],
                                     "password": os.environ["LABEL_STUDIO_PASSWORD"]}))
        return 0
    if argv[0] == "start":
        if os.environ.get("FAKE_LS_START_FAIL"):
            print("start failed on purpose", flush=True)
            return 1
        host, port = argv[argv.index("--internal-host") + 1], int(argv[argv.index("--port") + 1])
        server = ThreadingHTTPServer((host, port), Handler)
        print(f"Starting development server at http://{host}:{port}/", flush=True)
        server.serve_forever()
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
