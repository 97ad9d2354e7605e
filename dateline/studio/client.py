"""Connecting to a Label Studio server with the SDK (``pip install 'dateline[studio]'``).

The API token comes from ``$LABEL_STUDIO_API_KEY`` (or a hidden prompt on a terminal), never
from a file; it is passed to the SDK explicitly, because the SDK reads its environment default
at import time. Server errors become coded :class:`DatelineError` s with the token redacted.

>>> redact("401 for token abc123xyz", "abc123xyz")
'401 for token ***'
>>> server_url({"LABEL_STUDIO_URL": "http://127.0.0.1:8080/"})
'http://127.0.0.1:8080'
"""

from __future__ import annotations

import getpass
import os
import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from dateline.schemas import DatelineError

__all__ = ["DEFAULT_URL", "Connection", "api_errors", "connect", "redact", "server_url"]

DEFAULT_URL = "http://localhost:8080"
TOKEN_ENV = "LABEL_STUDIO_API_KEY"


def redact(text: str, secret: str | None) -> str:
    """``text`` with every occurrence of ``secret`` replaced by ``***``.

    >>> redact("token s3cr3t refused (s3cr3t)", "s3cr3t"), redact("no token", None)
    ('token *** refused (***)', 'no token')
    """
    return text.replace(secret, "***") if secret else text


def server_url(env: Mapping[str, str] | None = None, url: str | None = None) -> str:
    """The server URL: ``url``, else ``$LABEL_STUDIO_URL``, else ``http://localhost:8080``.

    >>> server_url({}), server_url({"LABEL_STUDIO_URL": "http://a:1"}, "http://b:2/")
    ('http://localhost:8080', 'http://b:2')
    """
    env = os.environ if env is None else env
    return (url or env.get("LABEL_STUDIO_URL") or DEFAULT_URL).rstrip("/")


class Connection:
    """An SDK client plus what is needed to report its errors without the token.

    >>> conn = Connection(None, "http://127.0.0.1:8080", "s3cr3t")
    >>> conn.url, conn.redact("HTTP 401: bad token s3cr3t")
    ('http://127.0.0.1:8080', 'HTTP 401: bad token ***')
    """

    def __init__(self, client: Any, url: str, token: str) -> None:
        self.client = client
        self.url = url
        self._token = token

    def redact(self, text: str) -> str:
        """Remove the token from a message."""
        return redact(text, self._token)


@contextmanager
def api_errors(conn: Connection, doing: str) -> Iterator[None]:
    """Turn SDK and network errors raised while ``doing`` into coded errors (token redacted).

    >>> conn = Connection(None, "http://127.0.0.1:8080", "s3cr3t")
    >>> with api_errors(conn, "listing projects"):
    ...     raise ConnectionRefusedError("refused with s3cr3t")
    Traceback (most recent call last):
    ...
    dateline.schemas.errors.DatelineError: [studio-unreachable] ...: refused with ***. Fix: ...
    """
    from label_studio_sdk.core.api_error import ApiError

    try:
        yield
    except ApiError as exc:
        body = conn.redact(str(exc.body))[:400]
        if exc.status_code in (401, 403):
            raise DatelineError(
                "studio-unauthorized", f"{doing}: the server refused the token "
                f"({exc.status_code}: {body})", where=conn.url,
                fix=f"set {TOKEN_ENV} to a personal access token (`dateline studio server "
                "init` writes one; or Account & Settings > Personal Access Token in the web "
                "page). A legacy token works only on a server whose first start had "
                "--enable-legacy-api-token (LABEL_STUDIO_ENABLE_LEGACY_API_TOKEN=true)",
                exit_code=2) from None
        raise DatelineError("studio-api-error", f"{doing}: HTTP {exc.status_code}: {body}",
                            where=conn.url, fix="read the server's message above") from None
    except OSError as exc:
        raise DatelineError("studio-unreachable", f"{doing}: {conn.redact(str(exc))}",
                            where=conn.url, fix="start the server or correct --url",
                            exit_code=2) from None
    except Exception as exc:
        # httpx errors are no OSError; keep the token out of whatever they say.
        if type(exc).__module__.startswith("httpx"):
            raise DatelineError("studio-unreachable", f"{doing}: {conn.redact(str(exc))}",
                                where=conn.url, fix="start the server or correct --url",
                                exit_code=2) from None
        raise


def _token(env: Mapping[str, str]) -> str:
    token = env.get(TOKEN_ENV, "").strip()
    if token:
        return token
    if sys.stdin.isatty():
        token = getpass.getpass("Label Studio API token: ").strip()
        if token:
            return token
    raise DatelineError("studio-no-token", f"no Label Studio API token in ${TOKEN_ENV}",
                        fix=f"export {TOKEN_ENV}=<your token> (`dateline studio server init` "
                        "writes one to a file outside the repository, or see Account & Settings "
                        "in Label Studio); never write it into a file of the repository",
                        exit_code=2)


def connect(url: str | None = None, env: Mapping[str, str] | None = None,
            timeout: float = 120.0) -> Connection:
    """A checked connection to the server at ``url`` (see :func:`server_url`).

    No server listens on port 9 of this machine, so the check fails:

    >>> connect("http://127.0.0.1:9", env={"LABEL_STUDIO_API_KEY": "s3cr3t"}, timeout=5)
    Traceback (most recent call last):
    ...
    dateline.schemas.errors.DatelineError: [studio-unreachable] http://127.0.0.1:9: connecting: ...

    Skipped here, as it needs a running Label Studio server and its token in the environment:

    >>> connect().client.users.whoami().email  # doctest: +SKIP
    'ann@example.org'
    """
    env = os.environ if env is None else env
    base = server_url(env, url)
    token = _token(env)
    try:
        from label_studio_sdk import LabelStudio
    except ImportError:
        raise DatelineError("studio-sdk-missing", "the Label Studio SDK is not installed",
                            fix="pip install 'dateline[studio]'", exit_code=2) from None
    conn = Connection(None, base, token)
    with api_errors(conn, "connecting"):
        conn.client = LabelStudio(base_url=base, api_key=token, timeout=timeout)
        conn.client.users.whoami()
    return conn
