"""Every docstring example of the installed package runs as a test (as evaluate does for metrics).

The modules are imported as ``dateline.*``, never by file path, so no second copy is loaded.
"""

import doctest
import importlib
import pkgutil

import pytest

import dateline

MODULES = [
    "dateline",
    *(m.name for m in pkgutil.walk_packages(dateline.__path__, "dateline.")
      if not m.name.endswith("__main__")),
]
# The subpackages live in sibling folders (package-dir), so walk them too.
for sub in ("schemas", "evaluation", "baselines"):
    pkg = importlib.import_module(f"dateline.{sub}")
    MODULES += [m.name for m in pkgutil.walk_packages(pkg.__path__, f"dateline.{sub}.")]
MODULES = sorted(set(MODULES))


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name: str) -> None:
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
