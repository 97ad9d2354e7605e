"""Operating-system errors as coded errors: a full disk, a read-only mount, a folder where a
file was expected, ... each with its registered code, the path and the fix.

The errno decides the code (:data:`ERRNO_CODES`); whatever the errno, the result is a
:class:`~dateline.schemas.DatelineError` that the CLI prints on one line.

>>> import errno
>>> err = os_error(OSError(errno.ENOSPC, "No space left on device"), "out/pred.jsonl", "write")
>>> print(err)
[disk-full] out/pred.jsonl: cannot write: no space left on device. Fix: free space on the \
device (or write to another one); the old file, if any, is unchanged.
>>> err.exit_code
1
"""

from __future__ import annotations

import errno
import os

from dateline.schemas.errors import DatelineError

__all__ = ["ERRNO_CODES", "OS_CATCH_ALL", "os_error"]

OS_CATCH_ALL = "os-error"  # the code of an errno that ERRNO_CODES does not list
# errno -> registered code; any other errno becomes OS_CATCH_ALL.
ERRNO_CODES: dict[int, str] = {
    errno.ENOSPC: "disk-full",
    errno.EDQUOT: "disk-full",
    errno.EFBIG: "disk-full",
    errno.EROFS: "read-only",
    errno.EACCES: "permission-denied",
    errno.EPERM: "permission-denied",
    errno.EISDIR: "is-a-directory",
    errno.ENOTDIR: "not-a-directory",
    errno.ENOENT: "no-such-file",
    errno.EEXIST: "path-exists",
    errno.ENAMETOOLONG: "bad-path",
    errno.ELOOP: "bad-path",
}


def _path(exc: OSError, path: str | os.PathLike[str] | None) -> str | None:
    if path is not None:
        return os.fspath(path)
    name = exc.filename2 if exc.filename2 is not None else exc.filename
    return None if name is None else os.fsdecode(name)


def os_error(exc: OSError, path: str | os.PathLike[str] | None = None,
             action: str = "access") -> DatelineError:
    """The coded error for ``exc``, naming ``path`` (default: the exception's file name).

    ``action`` says what was attempted (``read``, ``write``, ...). The fix of the registry
    entry is used, except for a no-such-file on writing (a missing folder).

    >>> import errno
    >>> print(os_error(IsADirectoryError(errno.EISDIR, "Is a directory", "out")))
    [is-a-directory] out: cannot access: is a directory. Fix: name a file, not a folder \
(for example a new file inside that folder).
    >>> os_error(OSError(errno.EIO, "Input/output error"), "a.jsonl", "read").code
    'os-error'
    """
    code = ERRNO_CODES.get(exc.errno or 0, OS_CATCH_ALL)
    reason = (exc.strerror or str(exc) or type(exc).__name__).rstrip(".")
    reason = reason[:1].lower() + reason[1:]
    where = _path(exc, path)
    fix = None
    if code == "no-such-file" and action == "write":
        fix = "create the folder first, or choose a path in an existing one"
    if code == OS_CATCH_ALL:
        reason = f"{reason} (errno {exc.errno})" if exc.errno else reason
    return DatelineError(code, f"cannot {action}: {reason}", where=where, fix=fix)
