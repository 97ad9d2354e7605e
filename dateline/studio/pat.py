"""A Label Studio personal access token without a browser: log in with the web form, ask for
a token, check it. Standard library only (no SDK needed), for ``dateline studio server init``.

A new Label Studio organisation accepts only personal access tokens (JWT refresh tokens; the
SDK trades them for 5-minute access tokens by itself); the legacy token that
``--user-token`` sets is refused unless legacy tokens were enabled when the organisation was
made. So :func:`personal_access_token` logs in as the first user and asks for a personal one,
which the organisation accepts from the start.

No server listens on port 9 of this machine:

>>> personal_access_token("http://127.0.0.1:9", "admin@localhost", "pw")
Traceback (most recent call last):
...
dateline.schemas.errors.DatelineError: [studio-unreachable] http://127.0.0.1:9: ...
"""

from __future__ import annotations

import http.cookiejar
import json
import re
import urllib.error
import urllib.parse
import urllib.request
from typing import Any

from dateline.schemas import DatelineError
from dateline.studio.client import redact

__all__ = ["check_token", "personal_access_token"]

_CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


def _call(opener: urllib.request.OpenerDirector, url: str, doing: str, *,
          data: bytes | None = None, headers: dict[str, str] | None = None,
          secret: str | None = None) -> tuple[int, str]:
    req = urllib.request.Request(url, data=data, headers=headers or {},
                                 method="POST" if data is not None else "GET")
    try:
        with opener.open(req, timeout=30) as r:
            return r.status, r.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode("utf-8", "replace")
    except OSError as exc:
        raise DatelineError("studio-unreachable", f"{doing}: {redact(str(exc), secret)}",
                            where="/".join(url.split("/")[:3]),
                            fix="start the server: `dateline studio server start`") from None


def personal_access_token(url: str, email: str, password: str) -> str:
    """Log in to the server at ``url`` as ``email`` and create the user's personal access
    token. A user holds one at a time: a second request is refused (``studio-server-token-
    exists``), as is a wrong password (``studio-server-login-failed``).

    Skipped here, as it needs a running Label Studio server:

    >>> token = personal_access_token("http://127.0.0.1:8080", "admin@localhost", "pw")
    ... # doctest: +SKIP
    >>> token[:3]  # doctest: +SKIP
    'eyJ'
    """
    base = url.rstrip("/")
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), _NoRedirect)
    status, page = _call(opener, f"{base}/user/login/", "opening the login page")
    cookies = {c.name: c.value for c in jar}
    found = _CSRF.search(page)
    csrf = cookies.get("csrftoken") or (found.group(1) if found else "")
    form = urllib.parse.urlencode({"email": email, "password": password,
                                   "csrfmiddlewaretoken": csrf}).encode()
    status, _ = _call(opener, f"{base}/user/login/", "logging in", data=form, secret=password,
                      headers={"Referer": f"{base}/user/login/",
                               "Content-Type": "application/x-www-form-urlencoded"})
    if status not in (302, 303):
        raise DatelineError("studio-server-login-failed", f"logging in as {email} gave HTTP "
                            f"{status}, not a redirect: the server does not know this user "
                            "and password", where=base,
                            fix="run `dateline studio server init` on a new --data-dir, or "
                            "set the password with `label-studio reset_password`")
    cookies = {c.name: c.value for c in jar}
    status, body = _call(opener, f"{base}/api/token/", "creating a personal access token",
                         data=b"", headers={"X-CSRFToken": cookies.get("csrftoken", csrf),
                                            "Referer": f"{base}/"})
    if status == 409:
        raise DatelineError("studio-server-token-exists", f"{email} has a personal access token "
                            "already, and Label Studio keeps one per user", where=base,
                            fix="revoke it in Label Studio (Account & Settings > Personal "
                            "Access Token), then run `dateline studio server init` again")
    try:
        token = json.loads(body)["token"] if status in (200, 201) else None
    except (ValueError, KeyError, TypeError):
        token = None
    if not isinstance(token, str) or not token:
        raise DatelineError("studio-api-error", f"creating a personal access token: HTTP "
                            f"{status}: {body[:300]}", where=base,
                            fix="read the server's message above")
    return token


def check_token(url: str, token: str) -> str:
    """The e-mail of the user whose personal access ``token`` the server at ``url`` accepts
    (the token is traded for an access token, which asks who it is).

    Skipped here, as it needs a running Label Studio server:

    >>> check_token("http://127.0.0.1:8080", "eyJ...")  # doctest: +SKIP
    'admin@localhost'
    """
    base = url.rstrip("/")
    opener = urllib.request.build_opener()
    body = json.dumps({"refresh": token}).encode()
    status, text = _call(opener, f"{base}/api/token/refresh/", "refreshing the token", data=body,
                         headers={"Content-Type": "application/json"}, secret=token)
    access = json.loads(text).get("access") if status == 200 else None
    status, text = (_call(opener, f"{base}/api/current-user/whoami", "asking who the token is",
                          headers={"Authorization": f"Bearer {access}"}, secret=access)
                    if access else (status, text))
    if status != 200:
        raise DatelineError("studio-unauthorized", f"the server refused the new token "
                            f"({status}: {redact(text, token)[:300]})", where=base,
                            fix="run `dateline studio server init` again on a new --data-dir")
    return str(json.loads(text).get("email", ""))
