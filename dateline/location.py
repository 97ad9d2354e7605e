"""Where the corpus and its sources are: one resolution order for every command and function.

:func:`corpus_path` is what ``dateline.load``, ``dateline.documents``, ``dateline corpus
build|stats|export|release|diff``, ``score corpus:SPLIT``, ``benchmark`` and the Label Studio
commands use. The first of these that applies wins:

1. the folder given explicitly (``--corpus DIR``, the ``corpus=`` argument);
2. ``$DATELINE_CORPUS``;
3. ``corpus/`` of the source checkout dateline runs from (a checkout has ``pyproject.toml``
   and ``corpus/README.md`` beside the ``dateline`` package folder; an installed wheel has
   neither beside ``site-packages/dateline``);
4. the per-user data folder ``platformdirs.user_data_path("dateline") / "corpus"``:
   ``~/.local/share/dateline/corpus`` on Linux (``$XDG_DATA_HOME`` honoured),
   ``~/Library/Application Support/dateline/corpus`` on macOS, ``%LOCALAPPDATA%\\dateline\\
   corpus`` on Windows.

A data folder, not a cache folder (``~/.cache``): the corpus folder holds hand-kept files (the
card's prose, ``annotations/``) besides the built data, and cache cleaners may empty caches.
Never the current folder: a location that depends on where a command is run from is what made
``load_dataset("corpus")`` serve another dataset.

:func:`sources_path` resolves the sources folder the same way (``--sources DIR``,
``$DATELINE_SOURCES``, the checkout's ``../shared/sources``, the per-user ``.../dateline/
sources``, where ``dateline corpus fetch-sources`` puts them by default).

The build needs the committed files of ``corpus/`` (the card, ``sources.lock``, ``MANIFEST``,
``splits/``, ``annotations/``, the guidelines and the changelog: :data:`TEMPLATE_FILES`). The
wheel ships them as package data (``dateline.corpus_template``); ``dateline corpus build``
into a missing or empty folder copies them there first (:func:`seed_corpus`).

>>> import os, tempfile
>>> from unittest import mock
>>> with mock.patch.dict(os.environ, {"DATELINE_CORPUS": "/data/corpus"}):
...     corpus_path().as_posix(), corpus_path("/elsewhere").as_posix()
('/data/corpus', '/elsewhere')
>>> sorted(p.relative_to(template_dir()).as_posix() for p in template_files())[:3]
['CHANGELOG.md', 'GUIDELINES.md', 'MANIFEST']
"""

from __future__ import annotations

import os
import secrets
import shutil
from collections.abc import Callable
from pathlib import Path

from dateline.schemas import DatelineError, atomic_write
from dateline.schemas.io import make_dirs
from dateline.schemas.oserrors import os_error

__all__ = [
    "TEMPLATE_FILES",
    "checkout_root",
    "corpus_path",
    "seed_corpus",
    "sources_path",
    "template_dir",
    "template_files",
    "user_data_dir",
]

TEMPLATE_FILES = ("README.md", "CHANGELOG.md", "GUIDELINES.md", "MANIFEST", "sources.lock",
                  "splits/*.txt", "splits/*.json", "annotations/*.json")
"""Globs (relative to the corpus folder) of the committed files a build reads; the same list is
``[tool.setuptools.package-data]`` of ``dateline.corpus_template`` in ``pyproject.toml``
(``tests/corpus/test_wheel.py`` checks both)."""

_PACKAGE = Path(__file__).resolve().parent


def checkout_root() -> Path | None:
    """The root of the source checkout dateline runs from, or None when it is installed.

    >>> root = checkout_root()
    >>> root is None or (root / "corpus" / "README.md").is_file()
    True
    """
    root = _PACKAGE.parent
    if (root / "pyproject.toml").is_file() and (root / "corpus" / "README.md").is_file():
        return root
    return None


def user_data_dir() -> Path:
    """The per-user data folder of dateline (``platformdirs.user_data_path("dateline")``).

    >>> from unittest import mock
    >>> with mock.patch.dict(os.environ, {"XDG_DATA_HOME": "/home/ann/.data"}):
    ...     user_data_dir().as_posix() if os.name == "posix" else "/home/ann/.data/dateline"
    '/home/ann/.data/dateline'
    """
    import platformdirs

    return Path(platformdirs.user_data_path("dateline"))


def corpus_path(corpus: str | os.PathLike[str] | None = None) -> Path:
    """The corpus folder: ``corpus``, else ``$DATELINE_CORPUS``, else the checkout's
    ``corpus/``, else ``<user data folder>/corpus`` (the order of this module's docstring).

    >>> from unittest import mock
    >>> with mock.patch.dict(os.environ, {"DATELINE_CORPUS": ""}):
    ...     corpus_path() == (checkout_root() / "corpus" if checkout_root()
    ...                       else user_data_dir() / "corpus")
    True
    """
    return _resolve(corpus, "DATELINE_CORPUS", lambda root: root / "corpus", "corpus")


def sources_path(sources: str | os.PathLike[str] | None = None) -> Path:
    """The sources folder: ``sources``, else ``$DATELINE_SOURCES``, else the checkout's
    ``../shared/sources``, else ``<user data folder>/sources``.

    >>> from unittest import mock
    >>> with mock.patch.dict(os.environ, {"DATELINE_SOURCES": "/data/sources"}):
    ...     sources_path().as_posix(), sources_path("src").as_posix()
    ('/data/sources', 'src')
    """
    return _resolve(sources, "DATELINE_SOURCES", lambda root: root.parent / "shared" / "sources",
                    "sources")


def _resolve(given: str | os.PathLike[str] | None, variable: str,
             in_checkout: Callable[[Path], Path], in_user_data: str) -> Path:
    """The resolution order of this module: given, $variable, checkout, per-user folder."""
    if given:
        return Path(given)
    if os.environ.get(variable):
        return Path(os.environ[variable])
    root = checkout_root()
    return in_checkout(root) if root else user_data_dir() / in_user_data


def template_dir() -> Path:
    """Where the committed corpus files come from: the checkout's ``corpus/``, else the copy
    installed with the package (``dateline/corpus_template``).

    >>> (template_dir() / "sources.lock").is_file()
    True
    """
    root = checkout_root()
    return root / "corpus" if root else _PACKAGE / "corpus_template"


def template_files(template: Path | None = None) -> list[Path]:
    """The files of :data:`TEMPLATE_FILES` in ``template`` (default :func:`template_dir`).

    >>> [p.name for p in template_files() if p.parent.name == "splits"]
    ['test.txt', 'train.txt', 'validation.txt', 'folds.json']
    """
    folder = template or template_dir()
    return [p for pattern in TEMPLATE_FILES for p in sorted(folder.glob(pattern))
            if p.is_file()]


def seed_corpus(folder: str | os.PathLike[str], template: Path | None = None) -> list[Path]:
    """Copy the committed corpus files into ``folder`` when it is missing or empty, so a build
    can run there; return the files written (none when ``folder`` already holds a card).

    A folder that holds other files but no card is refused: it is not a corpus folder.

    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp()) / "corpus"
    >>> written = seed_corpus(folder)
    >>> (folder / "README.md").is_file(), len(written) == len(template_files())
    (True, True)
    >>> seed_corpus(folder)
    []
    >>> _ = (folder / "README.md").unlink()
    >>> seed_corpus(folder)
    Traceback (most recent call last):
    ...
    dateline.schemas.errors.DatelineError: [card-missing] .../corpus: not a corpus folder...
    """
    folder = Path(folder)
    source = template or template_dir()
    if (folder / "README.md").exists() or folder.resolve() == source.resolve():
        return []
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise DatelineError("card-missing", "not a corpus folder: it is not empty and holds "
                            "no card (README.md)", where=str(folder),
                            fix="build into a new or empty folder (`dateline corpus build "
                                "--corpus DIR`), or restore the folder's README.md")
    files = template_files(source)
    if not any(p.name == "README.md" for p in files):
        raise DatelineError("card-missing", f"no corpus files to copy in {source}",
                            where=str(source), fix="reinstall dateline (its wheel ships them "
                            "as dateline/corpus_template)")
    parent = make_dirs(folder.resolve().parent)
    # Staged beside it, then renamed: an interrupted copy leaves no half corpus folder.
    tmp = parent / f".{folder.name}.{secrets.token_hex(6)}.tmp"
    try:
        tmp.mkdir()  # mode 0o777 less the umask, as any new folder
    except OSError as exc:
        raise os_error(exc, tmp, "create the folder") from exc
    try:
        for path in files:
            dest = tmp / path.relative_to(source)
            make_dirs(dest.parent)
            with atomic_write(dest) as f:
                f.write(path.read_bytes())
        os.replace(tmp, folder)
    except OSError as exc:
        raise os_error(exc, folder, "write") from exc
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return [folder / p.relative_to(source) for p in files]
