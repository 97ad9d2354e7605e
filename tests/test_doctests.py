"""Every docstring example of the installed package runs as a test (as evaluate does for metrics),
and every public function and class shows one.

The modules are imported as ``dateline.*``, never by file path, so no second copy is loaded.
"""

import doctest
import functools
import importlib
import inspect
import pkgutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

import dateline

MODULES = [
    "dateline",
    *(m.name for m in pkgutil.walk_packages(dateline.__path__, "dateline.")
      if not m.name.endswith("__main__")),
]
# The subpackages live in sibling folders (package-dir), so walk them too, themselves included.
for sub in ("schemas", "evaluation", "baselines"):
    pkg = importlib.import_module(f"dateline.{sub}")
    MODULES += [pkg.__name__,
                *(m.name for m in pkgutil.walk_packages(pkg.__path__, f"dateline.{sub}."))]
MODULES = sorted(set(MODULES))


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The examples make their folders with tempfile.mkdtemp(): here, under pytest's own
    # temporary folder (which pytest prunes), not left behind in the system's /tmp.
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    module = importlib.import_module(name)
    finder = doctest.DocTestFinder(exclude_empty=True)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    for test in finder.find(module, name):
        runner.run(test)
    result = runner.summarize(verbose=False)
    assert result.failed == 0, f"{result.failed} docstring example(s) failed in {name}"


def _defines_public_api(module: object) -> bool:
    return any(
        getattr(obj, "__module__", None) == module.__name__ and not attr.startswith("_")
        for attr, obj in vars(module).items()
        if callable(obj)
    )


def test_public_modules_have_examples() -> None:
    """Each module that defines public functions or classes shows at least one example."""
    missing = []
    for name in MODULES:
        module = importlib.import_module(name)
        if not _defines_public_api(module):
            continue
        tests = doctest.DocTestFinder(exclude_empty=True).find(module, name)
        if not any(t.examples for t in tests):
            missing.append(name)
    assert not missing, f"modules without a docstring example: {missing}"


_PARSER = doctest.DocTestParser()


def _shows_a_result(docstring: str | None) -> bool:
    """True when the docstring has an example that shows what it returns (or raises)."""
    return any(e.want or e.exc_msg for e in _PARSER.get_examples(docstring or ""))


def _public_methods(cls: type) -> Iterator[object]:
    """The functions behind the public methods and properties a class defines itself."""
    for attr, value in vars(cls).items():
        if attr.startswith("_"):
            continue
        if isinstance(value, staticmethod | classmethod):
            value = value.__func__
        elif isinstance(value, property):
            value = value.fget
        elif isinstance(value, functools.cached_property):
            value = value.func
        if inspect.isfunction(value):
            yield value


def names_without_example(name: str) -> list[str]:
    """The functions and classes of ``__all__`` defined in module ``name`` that show no example
    in their own docstring (a class may show it in one of its public methods instead).
    Constants, type aliases and names re-exported from another module are not asked for one."""
    module = importlib.import_module(name)
    missing = []
    for attr in getattr(module, "__all__", ()):
        obj = getattr(module, attr)
        if not (inspect.isclass(obj) or inspect.isfunction(inspect.unwrap(obj))):
            continue
        if getattr(obj, "__module__", None) != name:
            continue
        docs = [obj.__doc__]
        if inspect.isclass(obj):
            docs += [m.__doc__ for m in _public_methods(obj)]
        if not any(_shows_a_result(d) for d in docs):
            missing.append(attr)
    return missing


def test_public_names_have_examples() -> None:
    """Every public function and class shows an example of its use with its result."""
    missing = {name: names for name in MODULES if (names := names_without_example(name))}
    assert not missing, "public names without a docstring example:\n" + "\n".join(
        f"  {name}: {', '.join(names)}" for name, names in missing.items())

