"""Pseudonymous annotator ids: what the pulled files carry instead of e-mail addresses.

An annotator known by an e-mail address (every Label Studio user is) is written as
``ann-`` plus the first 12 hex digits of HMAC-SHA256(team key, the address in lower case):
stable across pulls, servers and machines that share the key, and no address in any file.
A user known only by a server's user id stays ``user-<id>`` (it carries no address): a Label
Studio JSON export names annotators by user id only, so ``studio import`` needs the server's
user list (:func:`read_users`) to name them as ``studio pull`` does (:func:`user_pseudonyms`
is the one mapping of both).

The team key is kept outside the repository, never committed: ``$DATELINE_ANNOTATOR_KEY``
(the key itself), else the file ``$DATELINE_ANNOTATOR_KEY_FILE``, else
``~/.config/dateline/annotator-key`` (``$XDG_CONFIG_HOME`` honoured), readable by its owner
only. One person makes it once (``python3 -c 'import secrets; print(secrets.token_hex(32))'``)
and hands it to the team the way the team shares passwords; whoever pulls, adjudicates by
address or looks up an annotator needs it. Without it nobody can tell which address an id
belongs to, short of guessing addresses and hashing them with the key.

>>> pseudonym("Ann@Example.org", b"team key of at least sixteen bytes")
'ann-6dc30f94c67d'
>>> pseudonym("ann@example.org", b"team key of at least sixteen bytes")
'ann-6dc30f94c67d'
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import stat
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from dateline.schemas import DatelineError

__all__ = ["KEY_ENV", "KEY_FILE_ENV", "is_address", "is_user_id", "key_file", "pseudonym",
           "read_users",
           "team_key", "user_pseudonyms"]

KEY_ENV = "DATELINE_ANNOTATOR_KEY"
KEY_FILE_ENV = "DATELINE_ANNOTATOR_KEY_FILE"
MIN_KEY = 16  # characters
PREFIX = "ann-"
_MAKE = ("python3 -c 'import secrets; print(secrets.token_hex(32))' > KEYFILE && chmod 600 "
         "KEYFILE (once per team; share it like a password), or export DATELINE_ANNOTATOR_KEY")


def is_address(name: str) -> bool:
    """True when ``name`` looks like an e-mail address (and must not be written as it is).

    >>> is_address("ann@example.org"), is_address("ann-6dc30f94c67d"), is_address("user-3")
    (True, False, False)
    """
    return "@" in name


def is_user_id(name: str) -> bool:
    """True when ``name`` is a bare Label Studio user id (``user-<id>``): an annotator that no
    address, hence no pseudonym, was known for.

    >>> is_user_id("user-3"), is_user_id("ann-6dc30f94c67d"), is_user_id("user-x")
    (True, False, False)
    """
    return name.startswith("user-") and name[5:].isdigit() and name[5:].isascii()


def pseudonym(identity: str, key: bytes) -> str:
    """The stable pseudonymous id of an annotator's address under the team ``key``.

    >>> pseudonym("bo@example.org", b"another team key, 16+ bytes")
    'ann-5b62998d992e'
    """
    digest = hmac.new(key, identity.strip().lower().encode("utf-8"), hashlib.sha256)
    return PREFIX + digest.hexdigest()[:12]


def user_pseudonyms(users: Iterable[tuple[int, str | None]], key: bytes) -> dict[int, str]:
    """Label Studio user id -> pseudonym, from (id, e-mail address) pairs; a user without an
    address is left out (named ``user-<id>``). Pull and import both name annotators by it.

    >>> user_pseudonyms([(1, "Ann@Example.org"), (2, None)], b"team key of at least sixteen bytes")
    {1: 'ann-6dc30f94c67d'}
    """
    return {uid: pseudonym(email, key) for uid, email in users if email}


def _users_error(path: Path, message: str, json_path: str = "") -> DatelineError:
    return DatelineError("studio-bad-users-file", message,
                         where=f"{path} {json_path}".rstrip(),
                         fix="save the server's user list as it answers it: `curl -H "
                         "\"Authorization: Token $LABEL_STUDIO_API_KEY\" "
                         "$LABEL_STUDIO_URL/api/users/ > users.json` (keep it out of the "
                         "repository: it holds e-mail addresses)", exit_code=2)


def read_users(path: str | os.PathLike[str]) -> list[tuple[int, str | None]]:
    """(user id, e-mail address) of each user in a JSON file of Label Studio users: a list of
    objects with an integer ``id`` and an ``email`` (string or null), as the server's
    ``GET /api/users/`` answers (extra keys are ignored). Anything else is a
    ``studio-bad-users-file`` error naming the file and the JSON path.

    >>> import tempfile
    >>> f = Path(tempfile.mkdtemp()) / "users.json"
    >>> _ = f.write_text('[{"id": 3, "email": "bo@example.org", "username": "bo"}]')
    >>> read_users(f)
    [(3, 'bo@example.org')]
    >>> _ = f.write_text('[{"id": "3"}]')
    >>> read_users(f)
    Traceback (most recent call last):
    ...
    dateline.schemas.errors.DatelineError: [studio-bad-users-file] ... $[0].id: ...
    """
    from dateline.schemas.oserrors import os_error

    path = Path(path)
    try:
        data: Any = json.loads(path.read_bytes())
    except OSError as exc:
        raise os_error(exc, path, "read") from None
    except ValueError as exc:
        raise _users_error(path, f"not JSON: {exc}") from None
    if not isinstance(data, list):
        raise _users_error(path, "holds no list of users", "$")
    out = []
    for k, user in enumerate(data):
        if not isinstance(user, dict):
            raise _users_error(path, "a user is no object", f"$[{k}]")
        uid, email = user.get("id"), user.get("email")
        if type(uid) is not int:
            raise _users_error(path, f"the user id is {uid!r}, not an integer", f"$[{k}].id")
        if email is not None and not isinstance(email, str):
            raise _users_error(path, f"the address is {email!r}, not a string", f"$[{k}].email")
        out.append((uid, email))
    return out


def key_file(env: Mapping[str, str] | None = None) -> Path:
    """Where the team key file is looked for (see the module docstring).

    >>> key_file({"DATELINE_ANNOTATOR_KEY_FILE": "/secrets/k"}).as_posix()
    '/secrets/k'
    >>> key_file({"XDG_CONFIG_HOME": "/home/a/.config"}).as_posix()
    '/home/a/.config/dateline/annotator-key'
    """
    env = os.environ if env is None else env
    if env.get(KEY_FILE_ENV):
        return Path(env[KEY_FILE_ENV]).expanduser()
    config = Path(env["XDG_CONFIG_HOME"]) if env.get("XDG_CONFIG_HOME") \
        else Path.home() / ".config"
    return config / "dateline" / "annotator-key"


def _inside(path: Path, folders: list[Path]) -> Path | None:
    real = path.resolve()
    return next((f for f in folders if real.is_relative_to(f.resolve())), None)


def team_key(env: Mapping[str, str] | None = None) -> bytes:
    """The team key (see the module docstring), or a coded error that says how to make one.

    >>> team_key({"DATELINE_ANNOTATOR_KEY": "0123456789abcdef0123"})
    b'0123456789abcdef0123'
    >>> team_key({"DATELINE_ANNOTATOR_KEY": "short"})
    Traceback (most recent call last):
    ...
    dateline.schemas.errors.DatelineError: [studio-weak-annotator-key] ...
    """
    from dateline.loading import default_corpus_dir, repository_root

    env = os.environ if env is None else env
    value = env.get(KEY_ENV, "").strip()
    where = f"${KEY_ENV}"
    if not value:
        path = key_file(env)
        where = str(path)
        folder = _inside(path, [repository_root(), default_corpus_dir()])
        if folder is not None:
            raise DatelineError("studio-key-in-repository", f"the annotator key file is inside "
                                f"{folder}, where it could be committed", where=where,
                                fix=f"move it out of the repository (default {key_file({})})",
                                exit_code=2)
        if not path.is_file():
            raise DatelineError("studio-no-annotator-key", "no team key to make pseudonymous "
                                "annotator ids with (addresses are never written to files)",
                                where=where, fix=_MAKE.replace("KEYFILE", where), exit_code=2)
        if stat.S_IMODE(path.stat().st_mode) & 0o077:
            raise DatelineError("studio-key-readable", "the annotator key file can be read by "
                                "other users", where=where, fix=f"chmod 600 {where}",
                                exit_code=2)
        value = path.read_text("utf-8").strip()
    if len(value) < MIN_KEY:
        raise DatelineError("studio-weak-annotator-key", f"the annotator key has {len(value)} "
                            f"characters; at least {MIN_KEY} are needed", where=where,
                            fix=_MAKE.replace("KEYFILE", where), exit_code=2)
    return value.encode("utf-8")
